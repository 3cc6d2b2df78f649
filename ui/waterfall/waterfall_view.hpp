// The waterfall widget: one trace as a time ruler, a minimap of the whole trace, and one row per span
// (name column + bar area), drawn with ImDrawList from the pure layout in waterfall_layout.hpp.
// - The caller owns WaterfallViewState (view range, collapsed spans, selection, scroll); nothing is static.
// - Keyboard shortcuts of the app call the small functions at the bottom (expand/collapse all, next span, zoom…).
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <unordered_set>
#include <utility>
#include <vector>

#include <imgui.h>

#include "sim/engine/engine.hpp"
#include "sim/engine/scenario.hpp"
#include "sim/trace/analysis.hpp"
#include "sim/trace/broken_hops.hpp"
#include "sim/trace/trace_store.hpp"
#include "ui/widgets/timeline.hpp"

namespace tl::ui {

struct WaterfallCache;  // derived per-trace data and per-frame scratch (waterfall_view.cpp)

// Per-span marks from the reading tools (search, clock skew, span links, compare with a baseline).
struct SpanMarks {
    enum : uint8_t { Dim = 1, Match = 2, Skewed = 4, Linked = 8, Added = 16, Moved = 32 };
    static constexpr int64_t kNoDelta = std::numeric_limits<int64_t>::min();
    std::vector<uint8_t> flags;     // per span of the store (may be shorter: missing spans have no marks)
    std::vector<int64_t> delta_ns;  // per span: duration change against the baseline, kNoDelta for none
    // Links to draw as arrows when both ends are rows on screen: (from span, to span), store indices.
    std::vector<std::pair<int32_t, int32_t>> arrows;
    [[nodiscard]] uint8_t of(int32_t span) const {
        return span >= 0 && static_cast<size_t>(span) < flags.size() ? flags[static_cast<size_t>(span)] : 0;
    }
    [[nodiscard]] int64_t delta_of(int32_t span) const {
        return span >= 0 && static_cast<size_t>(span) < delta_ns.size() ? delta_ns[static_cast<size_t>(span)]
                                                                        : kNoDelta;
    }
};

// What to show. Pointers are borrowed for the call.
struct WaterfallInput {
    const TraceStore* store = nullptr;
    const Analysis* analysis = nullptr;
    int trace = -1;                          // index into analysis->traces
    const Run* ground_truth = nullptr;       // nullable: needed for ghosts (spans of this request in other traces)
    const tl::Scenario* scenario = nullptr;  // nullable: names the services of ghosts that have no span
    bool show_ghosts = false;
    // Broken hops over the same store and analysis (find_broken_hops): callees split off from this trace are
    // drawn as ghosts under the span that called them; a root that another trace called says so.
    std::span<const BrokenHop> broken_hops;
    // Hide the answers to "which span ate the latency" (slowest badge, critical-path band): a practical quiz
    // task is being played on this waterfall.
    bool hide_latency_hints = false;
    // Playback: elapsed ns since the trace's start_ns. INT64_MAX shows everything; otherwise only spans that
    // have started by then, their bars growing up to that instant.
    int64_t playback_ns = std::numeric_limits<int64_t>::max();
    // Bump whenever store/analysis content changes in place (re-simulation into the same buffers), so
    // cached per-trace data is rebuilt. Pointer, trace id, span count and extent changes are detected anyway.
    uint64_t data_generation = 0;
    const SpanMarks* marks = nullptr;  // nullable
};

// Persistent view settings of one waterfall; owned by the caller.
struct WaterfallViewState {
    // Visible time window in absolute ns; view_end_ns <= view_start_ns means "whole trace" (reset).
    int64_t view_start_ns = 0;
    int64_t view_end_ns = 0;
    std::unordered_set<uint64_t> collapsed;  // SpanId::value of collapsed spans
    int32_t selected_span = -1;              // index into TraceStore::spans, -1 for none
    int32_t hovered_span = -1;               // set by the last draw
    float scroll_y = 0.0f;                   // rows area scroll, px
    float name_column_px = 240.0f;           // used once name_column_set; else sized from the longest visible label
    bool name_column_set = false;            // the user dragged the name column's edge
    bool scroll_to_selected = false;         // set by select_next/previous; the next draw scrolls the row into view

    // Filled by each draw; used by the keyboard helpers below.
    int64_t trace_start_ns = 0;
    int64_t trace_end_ns = 0;
    uint64_t collapse_generation = 0;  // bumped on every change of `collapsed`
    std::shared_ptr<WaterfallCache> cache;
    // Pointer-drag scratch (pan in the rows, window moves in the minimap).
    RangeSelectorState minimap;
    bool panning = false;
    int64_t drag_view_start_ns = 0, drag_view_end_ns = 0;
    float drag_scroll_y = 0.0f;

    // Back to the whole trace, nothing collapsed or selected.
    void reset();
    void reset_zoom() { view_start_ns = view_end_ns = 0; }
    // Zoom by `factor` (>1 zooms in) around `anchor` in [0,1] of the view width.
    void zoom(double factor, double anchor = 0.5);
    // Pan by a fraction of the current view width (negative: earlier).
    void pan(double fraction);
    // Collapse/expand one span's children (span index into TraceStore::spans).
    void toggle_collapsed(const TraceStore& store, int32_t span);
    void expand_all();
    // Collapses every span that has children in the trace.
    void collapse_all(const WaterfallInput& in);
    // Moves the selection to the next/previous visible row (real spans only) and scrolls it into view.
    void select_next(const WaterfallInput& in);
    void select_previous(const WaterfallInput& in);
    // Zooms to the selected span's extent (with a margin).
    void zoom_to_selected(const WaterfallInput& in);
};

// What happened in this frame, for the caller to turn into actions.
struct WaterfallEvents {
    bool selection_changed = false;
    int32_t selected_span = -1;  // new selection (index into TraceStore::spans, -1 cleared)
    int32_t hovered_span = -1;
    int32_t clicked_span = -1;  // span whose bar or row was clicked this frame (even if already selected), else -1
    bool collapse_changed = false;
    bool view_changed = false;  // zoom/pan/minimap
};

// Draws the widget in a child region of `size` (0 or negative components fill the available space, as ImGui).
WaterfallEvents draw_waterfall(const char* id, const WaterfallInput& in, WaterfallViewState& state, ImVec2 size);

}  // namespace tl::ui
