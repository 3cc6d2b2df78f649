// Headless UI test fixture: a bare Dear ImGui context (no window, no GL), a label probe, and a driver that
// clicks, drags, scrolls and types by label over real frames, as a person would.
// Usage:
//   UiFixture ui;                       // 1280×800, font atlas built
//   tl::ui::App app;  ui.gui = [&] { app.frame(); };
//   ui.run(2);                          // lay out
//   REQUIRE(ui.click("Ghosts"));        // move → press → release, one frame each
// Panels make items findable by calling tl::ui::probe_item("label") after the widget.
#pragma once

#include <doctest/doctest.h>

#include <functional>
#include <string>
#include <string_view>

#include <imgui.h>

#include "ui/imgui_compat.hpp"
#include "ui/widgets/label_probe.hpp"

namespace tl::ui::test {

class UiFixture {
public:
    std::function<void()> gui = [] {};
    LabelProbe probe;

    // `fonts`: an atlas the test owns (e.g. tl::ui::build_fonts at 150% text), kept alive past the fixture;
    // nullptr: Dear ImGui's own font.
    explicit UiFixture(ImVec2 display = {1280, 800}, ImFontAtlas* fonts = nullptr) {
        IMGUI_CHECKVERSION();
        ctx_ = ImGui::CreateContext(fonts);
        ImGuiIO& io = ImGui::GetIO();
        io.IniFilename = nullptr;
        io.LogFilename = nullptr;
        io.DisplaySize = display;
        io.DeltaTime = 1.0f / 60.0f;
        unsigned char* pixels = nullptr;
        int w = 0, h = 0;
        io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
#if IMGUI_VERSION_NUM < 18700
        for (int i = 0; i < ImGuiKey_COUNT; ++i) io.KeyMap[i] = i;
#endif
        set_active_probe(&probe);
    }
    ~UiFixture() {
        set_active_probe(nullptr);
        ImGui::DestroyContext(ctx_);
    }
    UiFixture(const UiFixture&) = delete;
    UiFixture& operator=(const UiFixture&) = delete;

    ImGuiIO& io() {
        return ImGui::GetIO();
    }

    // One frame: NewFrame(); gui(); Render().
    void frame() {
        probe.clear_order();
        ImGui::NewFrame();
        gui();
        ImGui::Render();
    }
    template <class F>
    void frame(F&& f) {
        probe.clear_order();
        ImGui::NewFrame();
        f();
        ImGui::Render();
    }
    void run(int frames) {
        for (int i = 0; i < frames; ++i) frame();
    }

    // An item seen in the most recent frame; nullptr when it was not drawn.
    [[nodiscard]] const ProbedItem* item(std::string_view label) const {
        return probe.find(label, ImGui::GetFrameCount());
    }
    [[nodiscard]] bool visible(std::string_view label) const {
        return item(label) != nullptr;
    }

    void move_to(ImVec2 p) {
        compat::add_mouse_pos(io(), p);
        frame();
    }
    void press(int button = 0) {
        compat::add_mouse_button(io(), button, true);
        frame();
    }
    void release(int button = 0) {
        compat::add_mouse_button(io(), button, false);
        frame();
    }

    // Moves to the centre of the labelled item (offset by a fraction of its size), presses and releases.
    // Returns false (and says why) when the label was not drawn in the last frame.
    bool click(std::string_view label, float fx = 0.5f, float fy = 0.5f) {
        const ProbedItem* it = find_or_frame(label);
        if (!it) return false;
        const ImVec2 p{it->min.x + (it->max.x - it->min.x) * fx, it->min.y + (it->max.y - it->min.y) * fy};
        move_to(p);
        press();
        release();
        return true;
    }

    // Presses at a point of the item (fractions of its size), moves to another point, releases.
    bool drag(std::string_view label, float from_fx, float to_fx, float fy = 0.5f) {
        const ProbedItem* it = find_or_frame(label);
        if (!it) return false;
        const float w = it->max.x - it->min.x;
        const float y = it->min.y + (it->max.y - it->min.y) * fy;
        move_to({it->min.x + w * from_fx, y});
        press();
        move_to({it->min.x + w * to_fx, y});
        move_to({it->min.x + w * to_fx + 0.5f, y});
        release();
        return true;
    }

    // Mouse wheel over the labelled item.
    bool scroll(std::string_view label, float dy) {
        const ProbedItem* it = find_or_frame(label);
        if (!it) return false;
        move_to(it->centre());
        compat::add_mouse_wheel(io(), 0.0f, dy);
        frame();
        return true;
    }

    // Types UTF-8 text into the focused widget, one frame.
    void type(const char* utf8) {
        compat::add_text(io(), utf8);
        frame();
    }
    // Presses and releases a named key over two frames.
    void key(ImGuiKey k) {
        compat::add_key(io(), k, true);
        frame();
        compat::add_key(io(), k, false);
        frame();
    }
    // Presses and releases a letter/digit key ('E', '0', '-').
    void char_key(char c) {
        compat::add_char_key(io(), c, true);
        frame();
        compat::add_char_key(io(), c, false);
        frame();
    }

    // Ctrl + a letter/digit key ('Q', '=', '0').
    void press_key_with_ctrl(char c) {
        compat::add_modifier_ctrl(io(), true);
        char_key(c);
        compat::add_modifier_ctrl(io(), false);
        frame();
    }
    // Replaces the text of the focused field: Ctrl+A, then types.
    void replace_text(const char* utf8) {
        compat::add_modifier_ctrl(io(), true);
        key(ImGuiKey_A);
        compat::add_modifier_ctrl(io(), false);
        frame();
        type(utf8);
    }
    // Moves the mouse over the labelled item (opens a submenu), one frame.
    bool hover(std::string_view label) {
        const ProbedItem* it = find_or_frame(label);
        if (!it) return false;
        move_to(it->centre());
        return true;
    }

    // Labels drawn in the last frame, comma separated (for failure messages).
    [[nodiscard]] std::string seen() const {
        std::string out;
        for (const auto& l : probe.order()) out += (out.empty() ? "" : ", ") + l;
        return out;
    }

private:
    // Draws one more frame first: a popup's first frame is laid out hidden, so positions settle a frame later.
    const ProbedItem* find_or_frame(std::string_view label) {
        frame();
        if (!item(label)) frame();
        const ProbedItem* it = item(label);
        if (!it) MESSAGE("no item labelled '" << std::string(label) << "' was drawn; seen: " << seen());
        return it;
    }

    ImGuiContext* ctx_ = nullptr;
};

}  // namespace tl::ui::test
