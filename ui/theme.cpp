// Service colours: a qualitative palette handed out in order to the services on screen, so that no two share
// a colour; golden-angle hues beyond the palette. Themes: the dark and high-contrast styles, and the WCAG
// contrast arithmetic the theme test checks them with.
// [SECTION] Service colours
// [SECTION] Themes
// [SECTION] Contrast
#include "ui/theme.hpp"

#include <algorithm>
#include <cmath>
#include <functional>

namespace tl::ui {

// [SECTION] Service colours

namespace {
// A qualitative palette (readable on a dark background, distinct from the error red).
constexpr ImU32 kPalette[] = {
    IM_COL32(86, 156, 214, 255),  IM_COL32(78, 201, 176, 255),  IM_COL32(197, 134, 192, 255),
    IM_COL32(220, 180, 90, 255),  IM_COL32(110, 190, 110, 255), IM_COL32(240, 140, 90, 255),
    IM_COL32(150, 150, 230, 255), IM_COL32(90, 200, 220, 255),  IM_COL32(210, 120, 150, 255),
    IM_COL32(170, 200, 80, 255),
};
constexpr size_t kPaletteSize = std::size(kPalette);
// The tutorial's services, in palette order: they look the same in every scenario that has them.
constexpr std::string_view kKnown[] = {"gateway", "auth", "orders", "db", "payments"};

// Colour slot of each service on screen (a slot past the palette is a generated hue). Looked up by
// string_view without building a string: service_color() runs for every bar drawn.
struct NameHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
std::unordered_map<std::string, size_t, NameHash, std::equal_to<>> g_slots;
std::vector<std::string> g_order;  // the list g_slots was made from

uint32_t fnv1a(std::string_view s) {
    uint32_t h = 2166136261u;
    for (unsigned char c : s) {
        h ^= c;
        h *= 16777619u;
    }
    return h;
}

ImU32 slot_color(size_t slot) {
    if (slot < kPaletteSize) return kPalette[slot];
    // Golden-angle steps around the hue circle, away from the error red, at the palette's brightness.
    float r = 0, g = 0, b = 0;
    const float hue = std::fmod(0.13f + 0.618034f * float(slot - kPaletteSize), 1.0f);
    ImGui::ColorConvertHSVtoRGB(0.05f + hue * 0.9f, 0.5f, 0.86f, r, g, b);
    return ImGui::ColorConvertFloat4ToU32(ImVec4(r, g, b, 1.0f));
}
}  // namespace

void set_service_order(const std::vector<std::string_view>& services) {
    // Called after every re-simulation; the services on screen rarely change, so usually nothing to do.
    if (std::equal(services.begin(), services.end(), g_order.begin(), g_order.end())) return;
    g_order.assign(services.begin(), services.end());
    g_slots.clear();
    std::vector<bool> used(kPaletteSize, false);
    // The tutorial's names first, in their own slots; then every other name takes the lowest free slot.
    for (std::string_view s : services)
        for (size_t i = 0; i < std::size(kKnown); ++i)
            if (s == kKnown[i] && g_slots.find(s) == g_slots.end()) {
                g_slots.emplace(std::string(s), i);
                used[i] = true;
            }
    size_t next = 0, extra = 0;
    for (std::string_view s : services) {
        if (g_slots.find(s) != g_slots.end()) continue;
        while (next < kPaletteSize && used[next]) ++next;
        if (next < kPaletteSize) {
            used[next] = true;
            g_slots.emplace(std::string(s), next);
        } else {
            g_slots.emplace(std::string(s), kPaletteSize + extra++);
        }
    }
}

ImU32 service_color(std::string_view service, float alpha) {
    ImU32 c = 0;
    if (auto it = g_slots.find(service); it != g_slots.end()) {
        c = slot_color(it->second);
    } else {
        for (size_t i = 0; i < std::size(kKnown) && c == 0; ++i)
            if (service == kKnown[i]) c = kPalette[i];
        if (c == 0) c = kPalette[fnv1a(service) % kPaletteSize];
    }
    const auto a = static_cast<ImU32>(alpha * 255.0f + 0.5f);
    return (c & ~IM_COL32_A_MASK) | (a << IM_COL32_A_SHIFT);
}

ImU32 service_color_dark(std::string_view service) {
    ImVec4 v = ImGui::ColorConvertU32ToFloat4(service_color(service));
    v.x *= 0.62f;
    v.y *= 0.62f;
    v.z *= 0.62f;
    return ImGui::ColorConvertFloat4ToU32(v);
}

std::span<const ImU32> service_palette() {
    return kPalette;
}

// [SECTION] Themes

const char* to_string(ThemeKind t) {
    return t == ThemeKind::HighContrast ? "high-contrast" : "dark";
}

std::optional<ThemeKind> parse_theme(std::string_view s) {
    if (s == "dark") return ThemeKind::Dark;
    if (s == "high-contrast") return ThemeKind::HighContrast;
    return std::nullopt;
}

namespace {
ImVec4 rgb(int r, int g, int b, float a = 1.0f) {
    return ImVec4(float(r) / 255.0f, float(g) / 255.0f, float(b) / 255.0f, a);
}

// Dear ImGui's dark style with the colours that failed 4.5:1 replaced: grey text was #808080 (about 4:1 on the
// panels), and white on the hovered/active blue of buttons, headers and tabs was about 3:1.
void dark_colours(ImVec4* c) {
    c[ImGuiCol_Text] = rgb(242, 242, 245);
    c[ImGuiCol_TextDisabled] = rgb(160, 163, 171);
    c[ImGuiCol_WindowBg] = ImVec4(0.10f, 0.11f, 0.13f, 1.0f);
    c[ImGuiCol_ChildBg] = ImVec4(0.12f, 0.13f, 0.15f, 1.0f);
    c[ImGuiCol_MenuBarBg] = ImVec4(0.15f, 0.16f, 0.19f, 1.0f);
    c[ImGuiCol_PopupBg] = rgb(24, 25, 30, 0.98f);
    c[ImGuiCol_Border] = rgb(80, 84, 100, 0.6f);
    c[ImGuiCol_FrameBg] = rgb(41, 74, 122, 0.54f);
    c[ImGuiCol_FrameBgHovered] = rgb(50, 100, 170, 0.50f);
    c[ImGuiCol_FrameBgActive] = rgb(50, 100, 170, 0.70f);
    c[ImGuiCol_TitleBg] = rgb(20, 22, 28);
    c[ImGuiCol_TitleBgActive] = rgb(36, 66, 110);
    c[ImGuiCol_TitleBgCollapsed] = rgb(20, 22, 28);
    // Slider text is drawn over the grab: a grab dark enough for white text.
    c[ImGuiCol_SliderGrab] = rgb(48, 100, 180);
    c[ImGuiCol_SliderGrabActive] = rgb(36, 82, 150);
    c[ImGuiCol_Button] = rgb(66, 150, 250, 0.40f);
    c[ImGuiCol_ButtonHovered] = rgb(48, 100, 180);
    c[ImGuiCol_ButtonActive] = rgb(36, 82, 150);
    c[ImGuiCol_Header] = rgb(66, 150, 250, 0.31f);
    c[ImGuiCol_HeaderHovered] = rgb(48, 100, 180);
    c[ImGuiCol_HeaderActive] = rgb(36, 82, 150);
    c[ImGuiCol_Separator] = rgb(80, 84, 100);
    c[ImGuiCol_SeparatorHovered] = rgb(90, 140, 220);
    c[ImGuiCol_SeparatorActive] = rgb(120, 170, 250);
    c[ImGuiCol_Tab] = rgb(38, 52, 76);
    c[ImGuiCol_TabHovered] = rgb(48, 100, 180);
    c[ImGuiCol_TabActive] = rgb(42, 88, 156);
    c[ImGuiCol_TabUnfocused] = rgb(30, 36, 48);
    c[ImGuiCol_TabUnfocusedActive] = rgb(38, 62, 100);
    c[ImGuiCol_TableHeaderBg] = rgb(48, 48, 52);
    c[ImGuiCol_TableRowBgAlt] = rgb(255, 255, 255, 0.05f);
    c[ImGuiCol_TextSelectedBg] = rgb(66, 150, 250, 0.35f);
}

// Black panels, white text, light grey secondary text, borders on every frame, yellow for what is active.
void high_contrast_colours(ImVec4* c) {
    c[ImGuiCol_Text] = rgb(255, 255, 255);
    c[ImGuiCol_TextDisabled] = rgb(205, 205, 205);
    c[ImGuiCol_WindowBg] = rgb(0, 0, 0);
    c[ImGuiCol_ChildBg] = rgb(0, 0, 0);
    c[ImGuiCol_MenuBarBg] = rgb(16, 16, 16);
    c[ImGuiCol_PopupBg] = rgb(8, 8, 8);
    c[ImGuiCol_Border] = rgb(220, 220, 220);
    c[ImGuiCol_BorderShadow] = rgb(0, 0, 0, 0.0f);
    c[ImGuiCol_FrameBg] = rgb(20, 20, 20);
    c[ImGuiCol_FrameBgHovered] = rgb(0, 50, 110);
    c[ImGuiCol_FrameBgActive] = rgb(0, 60, 130);
    c[ImGuiCol_TitleBg] = rgb(20, 20, 20);
    c[ImGuiCol_TitleBgActive] = rgb(0, 50, 110);
    c[ImGuiCol_TitleBgCollapsed] = rgb(20, 20, 20);
    c[ImGuiCol_ScrollbarBg] = rgb(0, 0, 0);
    c[ImGuiCol_ScrollbarGrab] = rgb(170, 170, 170);
    c[ImGuiCol_ScrollbarGrabHovered] = rgb(220, 220, 220);
    c[ImGuiCol_ScrollbarGrabActive] = rgb(255, 220, 0);
    c[ImGuiCol_CheckMark] = rgb(255, 220, 0);
    // Slider text is drawn over the grab: blue that carries white text and stands out from the black frame.
    c[ImGuiCol_SliderGrab] = rgb(0, 80, 180);
    c[ImGuiCol_SliderGrabActive] = rgb(0, 60, 140);
    c[ImGuiCol_Button] = rgb(28, 28, 28);
    c[ImGuiCol_ButtonHovered] = rgb(0, 60, 130);
    c[ImGuiCol_ButtonActive] = rgb(0, 45, 100);
    c[ImGuiCol_Header] = rgb(0, 45, 100);
    c[ImGuiCol_HeaderHovered] = rgb(0, 60, 130);
    c[ImGuiCol_HeaderActive] = rgb(0, 45, 100);
    c[ImGuiCol_Separator] = rgb(200, 200, 200);
    c[ImGuiCol_SeparatorHovered] = rgb(255, 220, 0);
    c[ImGuiCol_SeparatorActive] = rgb(255, 220, 0);
    c[ImGuiCol_ResizeGrip] = rgb(200, 200, 200, 0.5f);
    c[ImGuiCol_ResizeGripHovered] = rgb(255, 220, 0);
    c[ImGuiCol_ResizeGripActive] = rgb(255, 220, 0);
    c[ImGuiCol_Tab] = rgb(24, 24, 24);
    c[ImGuiCol_TabHovered] = rgb(0, 60, 130);
    c[ImGuiCol_TabActive] = rgb(0, 50, 110);
    c[ImGuiCol_TabUnfocused] = rgb(24, 24, 24);
    c[ImGuiCol_TabUnfocusedActive] = rgb(0, 40, 90);
    c[ImGuiCol_PlotLines] = rgb(255, 255, 255);
    c[ImGuiCol_PlotHistogram] = rgb(255, 220, 0);
    c[ImGuiCol_TableHeaderBg] = rgb(30, 30, 30);
    c[ImGuiCol_TableBorderStrong] = rgb(200, 200, 200);
    c[ImGuiCol_TableBorderLight] = rgb(120, 120, 120);
    c[ImGuiCol_TableRowBg] = rgb(0, 0, 0, 0.0f);
    c[ImGuiCol_TableRowBgAlt] = rgb(255, 255, 255, 0.07f);
    c[ImGuiCol_TextSelectedBg] = rgb(0, 80, 170);
    c[ImGuiCol_NavHighlight] = rgb(255, 220, 0);
    c[ImGuiCol_ModalWindowDimBg] = rgb(0, 0, 0, 0.7f);
}
}  // namespace

void theme_style(ThemeKind t, ImGuiStyle& st) {
    st = ImGuiStyle();
    ImGui::StyleColorsDark(&st);
    st.FrameRounding = 3.0f;
    st.TabRounding = 3.0f;
    st.GrabRounding = 3.0f;
    st.ChildRounding = 2.0f;
    st.WindowRounding = 4.0f;
    st.FramePadding = ImVec2(6, 3);
    st.ItemSpacing = ImVec2(8, 5);
    st.ScrollbarSize = 12.0f;
    if (t == ThemeKind::HighContrast) {
        high_contrast_colours(st.Colors);
        st.FrameBorderSize = 1.0f;
        st.TabBorderSize = 1.0f;
        st.PopupBorderSize = 1.0f;
    } else {
        dark_colours(st.Colors);
    }
}

void apply_theme(ThemeKind t, float scale) {
    ImGuiStyle& st = ImGui::GetStyle();
    theme_style(t, st);
    st.ScaleAllSizes(scale > 0 ? scale : 1.0f);
}

// [SECTION] Contrast

double relative_luminance(ImU32 colour) {
    // WCAG 2.x: linearise each sRGB channel, then weight by the eye's sensitivity (ITU-R BT.709 primaries).
    auto channel = [](unsigned v) {
        const double c = double(v) / 255.0;
        return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
    };
    const double r = channel((colour >> IM_COL32_R_SHIFT) & 0xFF);
    const double g = channel((colour >> IM_COL32_G_SHIFT) & 0xFF);
    const double b = channel((colour >> IM_COL32_B_SHIFT) & 0xFF);
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

double contrast_ratio(ImU32 a, ImU32 b) {
    const double la = relative_luminance(a), lb = relative_luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

ImU32 composite(ImU32 top, ImU32 under) {
    const double a = double((top >> IM_COL32_A_SHIFT) & 0xFF) / 255.0;
    auto mix = [&](int shift) {
        const double t = double((top >> shift) & 0xFF), u = double((under >> shift) & 0xFF);
        return ImU32(std::lround(t * a + u * (1.0 - a))) << shift;
    };
    return mix(IM_COL32_R_SHIFT) | mix(IM_COL32_G_SHIFT) | mix(IM_COL32_B_SHIFT) | IM_COL32_A_MASK;
}

std::vector<TextPair> theme_text_pairs(ThemeKind t) {
    ImGuiStyle st;
    theme_style(t, st);
    auto u32 = [&](ImGuiCol c) { return ImGui::ColorConvertFloat4ToU32(st.Colors[c]); };
    const ImU32 panel = u32(ImGuiCol_ChildBg);  // the clear colour: what translucent colours are drawn over
    const ImU32 window = composite(u32(ImGuiCol_WindowBg), panel);
    const ImU32 popup = composite(u32(ImGuiCol_PopupBg), panel);
    struct Bg {
        const char* name;
        ImU32 colour;
    };
    const Bg panels[] = {{"ChildBg", panel}, {"WindowBg", window}, {"PopupBg", popup},
                         {"MenuBarBg", composite(u32(ImGuiCol_MenuBarBg), window)},
                         {"TableHeaderBg", composite(u32(ImGuiCol_TableHeaderBg), panel)},
                         {"TableRowBgAlt", composite(u32(ImGuiCol_TableRowBgAlt), panel)},
                         {"FrameBg", composite(u32(ImGuiCol_FrameBg), panel)},
                         {"Tab", composite(u32(ImGuiCol_Tab), panel)},
                         {"TabUnfocused", composite(u32(ImGuiCol_TabUnfocused), panel)}};
    // Backgrounds that only carry the normal text colour (labels of buttons, selected rows, tabs, titles).
    const ImGuiCol labelled[] = {ImGuiCol_FrameBgHovered, ImGuiCol_FrameBgActive, ImGuiCol_Button,
                                 ImGuiCol_ButtonHovered,  ImGuiCol_ButtonActive,  ImGuiCol_Header,
                                 ImGuiCol_HeaderHovered,  ImGuiCol_HeaderActive,  ImGuiCol_TabHovered,
                                 ImGuiCol_TabActive,      ImGuiCol_TabUnfocusedActive, ImGuiCol_TitleBg,
                                 ImGuiCol_TitleBgActive,  ImGuiCol_TextSelectedBg, ImGuiCol_SliderGrab,
                                 ImGuiCol_SliderGrabActive};
    std::vector<TextPair> out;
    for (const Bg& bg : panels) {
        out.push_back({std::string("Text on ") + bg.name, u32(ImGuiCol_Text), bg.colour});
        out.push_back({std::string("TextDisabled on ") + bg.name, u32(ImGuiCol_TextDisabled), bg.colour});
    }
    for (ImGuiCol c : labelled)
        out.push_back({std::string("Text on ") + ImGui::GetStyleColorName(c), u32(ImGuiCol_Text),
                       composite(u32(c), panel)});
    // Semantic colours and service names are drawn as text on the panels, menus, popups and tooltips.
    const std::pair<const char*, ImU32> semantic[] = {{"error", kErrorColor},
                                                      {"warning", kWarningTextColor},
                                                      {"success", kSuccessTextColor},
                                                      {"accent", kAccentTextColor},
                                                      {"term", kTermTextColor},
                                                      {"gap", kGapColor}};
    for (const Bg& bg : {panels[0], panels[1], panels[2]}) {
        for (const auto& [name, colour] : semantic)
            out.push_back({std::string(name) + " on " + bg.name, colour, bg.colour});
        const auto palette = service_palette();
        for (size_t i = 0; i < palette.size(); ++i)
            out.push_back({"service colour " + std::to_string(i) + " on " + bg.name, palette[i], bg.colour});
    }
    return out;
}

}  // namespace tl::ui
