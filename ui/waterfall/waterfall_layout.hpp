// Waterfall layout: the pure "what is visible" pass of the waterfall, with no Dear ImGui in it.
// - WaterfallModel derives per-trace data once (subtree ends, depth lanes sorted by start, gap and
//   critical-path indexes, ghost placements from the ground truth and from the broken hops found in the data)
//   and the visible row list per collapse state.
// - layout_rows() / layout_lanes() / ruler_ticks() then do per-frame work that follows the screen, not the
//   trace: rows are clipped to the viewport; lanes binary-search the visible range and fold spans narrower
//   than a few pixels into one block with a count (Tracy's approach).
// - place_bar_text() decides where a bar's label and badge go, clear of the gap hatching.
// [SECTION] Time range and formatting
// [SECTION] Ruler ticks
// [SECTION] Model (per trace)
// [SECTION] Per-frame layout
// [SECTION] Bar text placement
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <unordered_set>
#include <utility>
#include <vector>

#include "sim/engine/engine.hpp"
#include "sim/trace/analysis.hpp"
#include "sim/trace/broken_hops.hpp"
#include "sim/trace/trace_store.hpp"

namespace tl::ui {

// [SECTION] Time range and formatting

struct TimeRange {
    int64_t start_ns = 0;
    int64_t end_ns = 0;
    [[nodiscard]] int64_t width() const { return end_ns - start_ns; }
    [[nodiscard]] bool empty() const { return end_ns <= start_ns; }
};

// A duration as a learner reads it, 3 significant digits: "850 ns", "12.4 µs", "1.25 ms", "2.00 s".
// Writes at most n-1 characters (always terminated); returns the length.
int format_duration(int64_t ns, char* buf, size_t n);

// One unit for every time in a view, picked from the view's extent (a trace's duration): s from 10 s, ms from
// 1 ms, µs from 1 µs, else ns. So a 240 ms trace reads "0.850 ms" for a short span, not "850 µs" beside "160 ms".
int64_t display_unit_ns(int64_t extent_ns);
// `ns` in `unit_ns` (one of 1e9, 1e6, 1e3, 1): up to 3 significant digits, at least the unit's 3 decimals below 1
// ("0.850 ms", "12.5 ms", "240 ms"); a non-zero value too small to show is "<0.001 ms".
int format_duration_in(int64_t ns, int64_t unit_ns, char* buf, size_t n);

// Pixel position of `t` in a view mapped onto [0, width_px].
inline double time_to_x(TimeRange view, int64_t t, double width_px) {
    return view.empty() ? 0.0 : static_cast<double>(t - view.start_ns) * width_px / static_cast<double>(view.width());
}

// [SECTION] Ruler ticks

struct RulerTick {
    int64_t time_ns = 0;  // absolute
    float x = 0.0f;       // px from the ruler's left edge
    bool major = false;   // majors carry a label
    char label[24] = {};  // time since `origin`, e.g. "1.5 ms"; empty on minor ticks
};

// The "nice" step (1, 2 or 5 × 10^k ns) whose major ticks are at least min_spacing_px apart.
int64_t ruler_step(TimeRange view, float width_px, float min_spacing_px);
// Major ticks at multiples of the step from `origin_ns` (labelled relative to it), minor ticks between.
// `unit_ns` (see display_unit_ns): every label in that one unit ("200 µs", never "0.2 ms" beside µs bars)
// unless the view is zoomed below a thousandth of it; 0: each label's unit follows the step.
void ruler_ticks(TimeRange view, int64_t origin_ns, float width_px, float min_spacing_px, std::vector<RulerTick>& out,
                 int64_t unit_ns = 0);

// [SECTION] Model (per trace)

enum WaterfallRowFlags : uint16_t {
    kRowHasChildren = 1 << 0,
    kRowCollapsed = 1 << 1,
    kRowGhost = 1 << 2,  // ground truth only: this operation landed in another trace (or none)
    kRowError = 1 << 3,
    kRowCritical = 1 << 4,    // contributes to the critical path
    kRowSlowest = 1 << 5,     // the trace's slowest hop (largest self time)
    kRowHasGap = 1 << 6,      // unexplained time inside where the ground truth shows a child went elsewhere
    kRowOrphan = 1 << 7,      // its parent never arrived
    kRowNotTraced = 1 << 8,   // ghost with no span at all (uninstrumented or unsampled)
    kRowRunning = 1 << 9,     // playback: started but not finished yet (set by layout_rows)
    kRowSelected = 1 << 10,   // set by layout_rows
    kRowBrokenHop = 1 << 11,  // ghost: the root of a trace that split off here (found in the data, not ground truth);
                              // real row: the root of this trace, which another trace's call started
};

struct WaterfallRow {
    int32_t span = -1;            // index into TraceStore::spans (ghosts too, when their operation has a span)
    int32_t op = -1;              // ghosts: index into Run::ops
    int32_t connector_from = -1;  // ghosts whose caller sits in another trace: row of the caller
    int32_t hop = -1;             // index into the broken hops given to build(), for kRowBrokenHop rows
    uint32_t hidden = 0;          // collapsed: descendants hidden under it
    int64_t start_ns = 0;         // where to draw it (absolute ns; ghosts: where they really happened)
    int64_t end_ns = 0;
    uint16_t depth = 0;
    uint16_t flags = 0;
};

// A ground-truth operation of this trace's request that the backend put elsewhere (or never got).
struct GhostPlacement {
    int32_t op = -1;
    int32_t span = -1;  // its observed span (in another trace), -1 when none was recorded
    bool error = false;
    uint32_t anchor_pos = 0;    // position (in TraceInfo::spans) of the nearest ancestor that is in this trace
    int32_t caller_ghost = -1;  // index of the calling ghost in ghosts(), -1 when the caller is the anchor
    uint16_t depth = 0;
    bool connector = false;            // the hop into it lost the context: draw a connector from its caller
    int32_t hop = -1;                  // >= 0: a broken hop's callee root (index into the hops given to build())
    bool covered = false;              // broken hop whose callee the ground-truth ghosts already show
    int64_t start_ns = 0, end_ns = 0;  // absolute, aligned to the anchor's observed start
};

class WaterfallModel {
public:
    static constexpr int kMaxLanes = 16;
    // Sub-lanes per depth in the minimap: spans of one depth that overlap in time (parallel calls) go side by
    // side, up to this many; more overlapping ones fold into the last.
    static constexpr int kLanesPerDepth = 3;

    // Per-trace data. `truth` may be null (no ground-truth ghosts). `hops` (find_broken_hops over the same store
    // and analysis): each hop called from this trace puts its callee's root under the calling span as a ghost.
    void build(const TraceStore& store, const Analysis& analysis, int trace, const Run* truth,
               std::span<const BrokenHop> hops = {});
    // The visible rows for a collapsed set (SpanId values), ghosts on/off, and a playback cut-off (absolute
    // ns; spans starting after it are left out; INT64_MAX shows all). Broken-hop ghosts show whatever
    // show_ghosts says, unless the ground-truth ghosts (shown) already draw that callee.
    void build_rows(const std::unordered_set<uint64_t>& collapsed, bool show_ghosts,
                    int64_t cutoff_ns = std::numeric_limits<int64_t>::max());

    [[nodiscard]] const TraceStore& store() const { return *store_; }
    [[nodiscard]] const Analysis& analysis() const { return *analysis_; }
    [[nodiscard]] int trace() const { return trace_; }
    [[nodiscard]] const TraceInfo& info() const { return analysis_->traces[static_cast<size_t>(trace_)]; }
    [[nodiscard]] const std::vector<WaterfallRow>& rows() const { return rows_; }
    [[nodiscard]] const std::vector<GhostPlacement>& ghosts() const { return ghosts_; }
    // Row showing span `span`, or -1 when hidden (collapsed ancestor, playback) or not in this trace.
    [[nodiscard]] int row_of_span(int32_t span) const;
    // Trace extent; with ghosts shown, widened to include them.
    [[nodiscard]] TimeRange extent() const { return extent_; }
    [[nodiscard]] size_t span_count() const { return subtree_end_.size(); }
    [[nodiscard]] int lane_count() const { return static_cast<int>(lanes_.size()); }
    // One past the last pre-order position of the subtree at `pos`.
    [[nodiscard]] uint32_t subtree_end(uint32_t pos) const { return subtree_end_[pos]; }

    // The marked gaps of one span, in time order: the analysis's uncovered stretches that overlap a lost
    // child, or the whole span when it lost every child.
    [[nodiscard]] std::span<const Gap> gaps_of(int32_t span) const;
    // Critical-path segments of one span (indices into TraceInfo::critical_path).
    void critical_of(int32_t span, const uint32_t** begin, const uint32_t** end) const;

    struct Lane {
        std::vector<uint32_t> spans;          // span indices of one depth's sub-lane (past kMaxLanes, the deeper
                                              // ones share the last lane), by start
        std::vector<int64_t> starts;          // their start times
        std::vector<int64_t> max_end;         // running maximum of end times (non-decreasing: binary-searchable)
        std::vector<uint32_t> errors_before;  // errored spans before each index (size + 1): O(1) per block
    };
    [[nodiscard]] const Lane& lane(int i) const { return lanes_[static_cast<size_t>(i)]; }

private:
    void index_by_span(std::vector<std::pair<uint32_t, uint32_t>>& pairs, std::vector<uint32_t>& keys,
                       std::vector<uint32_t>& values);
    void build_ghosts(const Run& truth);
    void add_hop_ghosts(std::span<const BrokenHop> hops);
    [[nodiscard]] bool ghost_visible(size_t k, bool show_ghosts) const {
        return ghosts_[k].hop >= 0 ? !(show_ghosts && ghosts_[k].covered) : show_ghosts;
    }

    const TraceStore* store_ = nullptr;
    const Analysis* analysis_ = nullptr;
    int trace_ = -1;
    std::vector<uint32_t> subtree_end_;  // per pre-order position
    std::vector<Lane> lanes_;
    std::vector<Gap> gap_marks_;                     // sorted by span
    std::vector<uint32_t> crit_keys_, crit_values_;  // sorted by span
    std::vector<GhostPlacement> ghosts_;             // grouped by anchor_pos (ascending), depth-first inside
    TimeRange trace_extent_, ghost_extent_, hop_extent_, extent_;
    std::vector<WaterfallRow> rows_;
    std::vector<int32_t> row_of_pos_;   // per pre-order position, -1 when hidden
    std::vector<int32_t> pos_of_span_;  // per TraceStore span: pre-order position in this trace, or -1
    std::vector<std::pair<uint32_t, int32_t>> callee_hops_;  // (root span of this trace, hop) for hops into it
};

// [SECTION] Per-frame layout

struct WaterfallLayoutParams {
    TimeRange view;
    float width_px = 0.0f;  // bar area width
    float row_height = 20.0f;
    float scroll_y = 0.0f;     // px scrolled from the first row
    float viewport_px = 0.0f;  // visible height of the rows area
    int32_t selected_span = -1;
    int64_t cutoff_ns = std::numeric_limits<int64_t>::max();  // playback: bars end here (absolute)
    float min_bar_px = 2.0f;  // narrower bars are widened to this, so every span stays visible
};

struct WaterfallBar {
    uint32_t row = 0;
    float x0 = 0.0f, x1 = 0.0f;  // clipped to the bar area (a few px of slack either side)
    uint16_t flags = 0;          // WaterfallRowFlags, incl. selected/running
    bool visible = false;        // false when the bar lies outside the view (the row still shows its name)
};

// A stretch drawn over a bar: an unexplained gap or a critical-path segment.
struct WaterfallMark {
    uint32_t row = 0;
    float x0 = 0.0f, x1 = 0.0f;
};

// Dashed line from a caller row down to a ghost that lost the context.
struct WaterfallConnector {
    int32_t from_row = 0;
    uint32_t to_row = 0;
    float x_from = 0.0f;  // on the caller's bar
    float x_to = 0.0f;    // the ghost's start
};

struct WaterfallFrame {
    uint32_t first_row = 0, end_row = 0;  // rows [first_row, end_row) are on screen
    std::vector<WaterfallBar> bars;       // one per on-screen row, in row order
    std::vector<WaterfallMark> gaps, critical;
    std::vector<WaterfallConnector> connectors;
    void clear() {
        bars.clear();
        gaps.clear();
        critical.clear();
        connectors.clear();
        first_row = end_row = 0;
    }
};

// Rows clipped to the viewport, bars clipped to the view. O(rows on screen).
void layout_rows(const WaterfallModel& model, const WaterfallLayoutParams& p, WaterfallFrame& out);

// A block of a depth lane (minimap): one span, or several folded together.
struct LaneBlock {
    uint16_t lane = 0;
    float x0 = 0.0f, x1 = 0.0f;
    uint32_t count = 0;  // spans folded into it
    int32_t span = -1;   // the span when count == 1, else the first one
    int64_t start_ns = 0, end_ns = 0;
    uint32_t errors = 0;  // spans in the block whose status is error
};

// Each lane binary-searched to the view; spans that start within `min_px` of a narrow block, or overlap
// the current block, are folded into it. Work per lane is O(width/min_px · log n), whatever the span count.
void layout_lanes(const WaterfallModel& model, TimeRange view, float width_px, float min_px,
                  std::vector<LaneBlock>& out, int64_t cutoff_ns = std::numeric_limits<int64_t>::max());

// [SECTION] Bar text placement

// Where one bar's label and its "slowest" badge go. All x are in bar-area px, like WaterfallBar.
struct BarTextRequest {
    float x0 = 0.0f, x1 = 0.0f;           // the bar
    float area_l = 0.0f, area_r = 0.0f;   // where text may be drawn
    std::span<const WaterfallMark> gaps;  // this row's hatched stretches, in x order: text keeps clear of them
    float label_w[3] = {};                // candidate label widths, preferred first; 0 when not offered
    float badge_w = 0.0f;                 // 0: no badge
};

struct BarTextPlacement {
    int label = -1;  // index of the candidate drawn, -1 when none fits anywhere
    float label_x = 0.0f;
    bool label_backed = false;  // no room clear of the hatching: drawn over it on a dark backing
    bool badge = false;
    bool badge_inside = false;  // over the bar's right end (no room beside the bar)
    float badge_x = 0.0f;
};

// The first candidate that fits inside the bar clear of gaps (to the right of a gap if need be), after the
// bar, or before it. The badge goes beside the label or bar when there is room, else inside the bar's right
// end, and the label then keeps clear of it (shorter or elsewhere). A badge is always placed.
BarTextPlacement place_bar_text(const BarTextRequest& r);

}  // namespace tl::ui
