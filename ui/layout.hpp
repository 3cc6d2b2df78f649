// Layout: where each area of the window goes, as a pure function of the display size and the splitter
// positions (Dear ImGui 1.86 has no docking). No Dear ImGui calls here, so it is unit-testable.
//   ┌──────────── menu bar ─────────────┐
//   │ left  │ trace list strip  │ right │   left:   learning tabs (lessons, quiz, sampling)
//   │ tabs  ├───────────────────┤ tabs  │   centre: trace list above the waterfall
//   │       │ centre (waterfall)│       │   right:  span details / service editor
//   ├───────┴───────────────────┴───────┤
//   │ bottom (console, logs)            │
//   └───────────────────────────────────┘
#pragma once

#include <array>
#include <cstddef>

namespace tl::ui {

enum class Area { Left, TraceList, Centre, Right, Bottom };
inline constexpr size_t kAreaCount = 5;
const char* to_string(Area a);  // "left", "trace-list", …

inline constexpr float kCentreShare = 0.45f;
// The window width (pixels) from which the side columns have their full width; narrower windows scale them.
inline constexpr float kFullWidth = 1280.0f;
// The window height from which the bottom strip and the trace list have their full height.
inline constexpr float kFullHeight = 800.0f;

enum class Splitter { Left, Right, Bottom, TraceList };
inline constexpr size_t kSplitterCount = 4;

struct Rect {
    float x = 0, y = 0, w = 0, h = 0;
    [[nodiscard]] float right() const { return x + w; }
    [[nodiscard]] float bottom() const { return y + h; }
    [[nodiscard]] bool contains(float px, float py) const { return px >= x && px < x + w && py >= y && py < y + h; }
    [[nodiscard]] bool overlaps(const Rect& o) const {
        return x < o.right() && o.x < right() && y < o.bottom() && o.y < bottom();
    }
};

// What the user dragged: sizes in pixels (at content scale 1; layout() scales them).
struct SplitterState {
    float left_width = 300.0f;
    float right_width = 300.0f;
    float bottom_height = 160.0f;
    float trace_list_height = 118.0f;
    // The trace list's height while a file's or a receiver's traces are on screen, more than three of them: a
    // simulation has one or a few, so each case keeps its own.
    float file_trace_list_height = 240.0f;
};

struct LayoutInput {
    float width = 1280.0f;
    float height = 800.0f;
    float top = 0.0f;    // height taken by the menu bar (and banner)
    float scale = 1.0f;  // content scale: minimum sizes and the splitter sizes grow with it
    float gap = 4.0f;    // splitter thickness (unscaled)
    bool file_traces = false;  // a file's or a receiver's many traces are on screen: file_trace_list_height applies
};

struct Layout {
    std::array<Rect, kAreaCount> areas;
    std::array<Rect, kSplitterCount> splitters;  // grab handles between areas
    float side_factor = 1.0f;    // how much the side columns were shrunk for a narrow window (width / kFullWidth)
    float height_factor = 1.0f;  // the same for the bottom strip and trace list on a short window (with the
                                 // text scale's growth held back there: strips are s × scale × height_factor)
    [[nodiscard]] const Rect& area(Area a) const { return areas[static_cast<size_t>(a)]; }
    [[nodiscard]] const Rect& splitter(Splitter s) const { return splitters[static_cast<size_t>(s)]; }
};

// Places every area. Sizes are clamped so that each area keeps a usable minimum and nothing overlaps, even
// when the window is small (1024×640) or the splitters were dragged to extremes. The centre (the waterfall)
// always keeps at least kCentreShare of the width: on a small window the side columns give way first; below
// kFullWidth they shrink in proportion to the window.
Layout layout(const LayoutInput& in, const SplitterState& splitters);

// Applies a drag of (dx, dy) pixels on a splitter handle to the state (unscaled), clamped to sane ranges.
// `file_traces`: the trace list's splitter moves file_trace_list_height (as LayoutInput::file_traces).
void drag_splitter(SplitterState& s, Splitter which, float dx, float dy, float scale, bool file_traces = false);

}  // namespace tl::ui
