// Timeline helpers shared by the waterfall and any other time-based view: a time ruler painted from
// pure ticks (waterfall_layout.hpp), and a range selector over an overview strip (the minimap).
// - The selector keeps its drag scratch in a caller-owned struct: no function-local state.
#pragma once

#include <cstdint>
#include <vector>

#include <imgui.h>

#include "ui/waterfall/waterfall_layout.hpp"

namespace tl::ui {

// Where a major tick's label starts (screen x): right of the tick when it ends by `right`, else right-aligned
// to the left of the tick when it starts after `left_limit` (the ruler's left edge, or just past the previous
// label). NAN when neither fits: the label is skipped rather than clipped.
float RulerLabelX(float tick_x, float label_w, float left_limit, float right);
// Paints the ruler background, ticks and labels in [min, max] (tick x is relative to min.x).
void DrawTimeRuler(ImDrawList* dl, ImVec2 min, ImVec2 max, const std::vector<RulerTick>& ticks);
// Faint vertical lines at the major ticks over [top, bottom].
void DrawTimeGrid(ImDrawList* dl, float left, float top, float bottom, const std::vector<RulerTick>& ticks);

struct RangeSelectorState {
    int mode = 0;  // 0 idle, 1 moving the window, 2 drawing a new range
    int64_t press_start_ns = 0, press_end_ns = 0;
    int64_t press_time_ns = 0;
};

// An invisible item over [min, max] showing `full`; the user drags the highlighted window (`view`) or
// draws a new one. Returns true when *view changed. Paints the window highlight itself.
bool TimeRangeSelector(const char* id, ImVec2 min, ImVec2 max, TimeRange full, TimeRange* view,
                       RangeSelectorState* state);

}  // namespace tl::ui
