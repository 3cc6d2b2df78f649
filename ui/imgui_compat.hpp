// One place for Dear ImGui version differences: the app is written against 1.86 (Debian 12), and newer
// calls (the 1.87+ input event API, item tooltips, separator text) sit behind IMGUI_VERSION_NUM here.
// - Input feeding (used by the headless test fixture): mouse, buttons, wheel, keys, characters.
// - Queries: key presses by named key or by letter, so shortcuts read the same on every version.
#pragma once

#include <imgui.h>

namespace tl::ui::compat {

// [SECTION] Feeding input (tests, synthetic events)

inline void add_mouse_pos(ImGuiIO& io, ImVec2 p) {
#if IMGUI_VERSION_NUM >= 18700
    io.AddMousePosEvent(p.x, p.y);
#else
    io.MousePos = p;
#endif
}

inline void add_mouse_button(ImGuiIO& io, int button, bool down) {
#if IMGUI_VERSION_NUM >= 18700
    io.AddMouseButtonEvent(button, down);
#else
    io.MouseDown[button] = down;
#endif
}

inline void add_mouse_wheel(ImGuiIO& io, float dx, float dy) {
#if IMGUI_VERSION_NUM >= 18700
    io.AddMouseWheelEvent(dx, dy);
#else
    io.MouseWheelH += dx;
    io.MouseWheel += dy;
#endif
}

// A named key (ImGuiKey_Enter, ImGuiKey_Escape, arrows, …).
inline void add_key(ImGuiIO& io, ImGuiKey key, bool down) {
#if IMGUI_VERSION_NUM >= 18700
    io.AddKeyEvent(key, down);
#else
    io.KeysDown[io.KeyMap[key]] = down;
#endif
}

// A letter or digit key ('A'..'Z', '0'..'9'). On 1.86 the GLFW backend indexes KeysDown by GLFW key
// codes, which equal ASCII for letters, digits, '-' and '='.
inline void add_char_key(ImGuiIO& io, char c, bool down) {
#if IMGUI_VERSION_NUM >= 18700
    ImGuiKey key = ImGuiKey_None;
    if (c >= 'A' && c <= 'Z') key = static_cast<ImGuiKey>(ImGuiKey_A + (c - 'A'));
    if (c >= '0' && c <= '9') key = static_cast<ImGuiKey>(ImGuiKey_0 + (c - '0'));
    if (c == '-') key = ImGuiKey_Minus;
    if (c == '=') key = ImGuiKey_Equal;
    if (key != ImGuiKey_None) io.AddKeyEvent(key, down);
#else
    io.KeysDown[static_cast<unsigned char>(c)] = down;
#endif
}

inline void add_modifier_ctrl(ImGuiIO& io, bool down) {
#if IMGUI_VERSION_NUM >= 18700
    io.AddKeyEvent(ImGuiMod_Ctrl, down);
#else
    io.KeyCtrl = down;
#endif
}

inline void add_text(ImGuiIO& io, const char* utf8) {
    io.AddInputCharactersUTF8(utf8);
}

// [SECTION] Queries

inline bool key_pressed(ImGuiKey key, bool repeat = true) {
#if IMGUI_VERSION_NUM >= 18700
    return ImGui::IsKeyPressed(key, repeat);
#else
    return ImGui::IsKeyPressed(ImGui::GetKeyIndex(key), repeat);
#endif
}

// A letter/digit key, see add_char_key.
inline bool char_key_pressed(char c, bool repeat = true) {
#if IMGUI_VERSION_NUM >= 18700
    ImGuiKey key = ImGuiKey_None;
    if (c >= 'A' && c <= 'Z') key = static_cast<ImGuiKey>(ImGuiKey_A + (c - 'A'));
    if (c >= '0' && c <= '9') key = static_cast<ImGuiKey>(ImGuiKey_0 + (c - '0'));
    if (c == '-') key = ImGuiKey_Minus;
    if (c == '=') key = ImGuiKey_Equal;
    return key != ImGuiKey_None && ImGui::IsKeyPressed(key, repeat);
#else
    return ImGui::IsKeyPressed(static_cast<unsigned char>(c), repeat);
#endif
}

// [SECTION] Widgets added after 1.86

// A tooltip for the last item, shown while it is hovered.
template <class... A>
inline void item_tooltip(const char* fmt, A... args) {
#if IMGUI_VERSION_NUM >= 18990
    ImGui::SetItemTooltip(fmt, args...);
#else
    if (ImGui::IsItemHovered()) ImGui::SetTooltip(fmt, args...);
#endif
}

// A separator with a label.
inline void separator_text(const char* label) {
#if IMGUI_VERSION_NUM >= 18900
    ImGui::SeparatorText(label);
#else
    ImGui::Spacing();
    ImGui::TextDisabled("%s", label);
    ImGui::Separator();
#endif
}

}  // namespace tl::ui::compat
