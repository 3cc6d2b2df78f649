// The waterfall widget: paints what waterfall_layout.cpp says is visible, and turns pointer input into
// view-state changes (select, collapse, zoom, pan, minimap range) and events for the caller.
// [SECTION] Cache (per-trace model, rebuilt when the input changes)
// [SECTION] View state: keyboard hooks
// [SECTION] Painting helpers
// [SECTION] Minimap and ruler
// [SECTION] Rows
// [SECTION] Tooltip
// [SECTION] draw_waterfall
#include "ui/waterfall/waterfall_view.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <span>
#include <string>
#include <unordered_map>

#include <imgui_internal.h>  // SetNextWindowScroll, IsMouseDragPastThreshold (1.86: internal only)

#include "ui/theme.hpp"
#include "ui/waterfall/waterfall_layout.hpp"
#include "ui/widgets/label_probe.hpp"

namespace tl::ui {

// [SECTION] Cache (per-trace model, rebuilt when the input changes)

struct WaterfallCache {
    WaterfallModel model;
    // Model key.
    const TraceStore* store = nullptr;
    const Analysis* analysis = nullptr;
    const Run* truth = nullptr;
    int trace = -1;
    TraceId trace_id;
    size_t span_count = 0, store_spans = 0;
    int64_t start_ns = 0, end_ns = 0;
    uint64_t generation = 0;
    bool built = false;
    // Rows key.
    uint64_t rows_collapse_generation = ~0ull;
    bool rows_ghosts = false;
    const BrokenHop* hops = nullptr;  // the broken hops the model was built with
    size_t hop_count = 0;
    int64_t rows_cutoff = 0;
    bool rows_built = false;
    // Minimap key and per-frame scratch (kept to reuse capacity).
    float lanes_width = -1.0f;
    TimeRange lanes_range;
    int64_t lanes_cutoff = 0;
    std::vector<LaneBlock> lanes;
    WaterfallFrame frame;
    std::vector<RulerTick> ticks;
    float auto_name_w = 0.0f;  // name column width that fits the longest label seen since the rows changed
};

namespace {

int64_t cutoff_of(const WaterfallInput& in) {
    if (in.playback_ns == std::numeric_limits<int64_t>::max() || !in.analysis || in.trace < 0) return in.playback_ns;
    return in.analysis->traces[static_cast<size_t>(in.trace)].start_ns + std::max<int64_t>(0, in.playback_ns);
}

bool input_valid(const WaterfallInput& in) {
    return in.store && in.analysis && in.trace >= 0 && static_cast<size_t>(in.trace) < in.analysis->traces.size() &&
           in.analysis->depth.size() >= in.store->spans.size();
}

// The model for this input, rebuilt only when the trace or the collapse state changed.
WaterfallModel* ensure_model(const WaterfallInput& in, WaterfallViewState& st) {
    if (!input_valid(in)) return nullptr;
    if (!st.cache) st.cache = std::make_shared<WaterfallCache>();
    WaterfallCache& c = *st.cache;
    const TraceInfo& ti = in.analysis->traces[static_cast<size_t>(in.trace)];
    if (!c.built || c.store != in.store || c.analysis != in.analysis || c.truth != in.ground_truth ||
        c.trace != in.trace || c.trace_id != ti.id || c.span_count != ti.spans.size() ||
        c.store_spans != in.store->spans.size() || c.start_ns != ti.start_ns || c.end_ns != ti.end_ns ||
        c.generation != in.data_generation || c.hops != in.broken_hops.data() || c.hop_count != in.broken_hops.size()) {
        c.model.build(*in.store, *in.analysis, in.trace, in.ground_truth, in.broken_hops);
        c.hops = in.broken_hops.data();
        c.hop_count = in.broken_hops.size();
        c.store = in.store;
        c.analysis = in.analysis;
        c.truth = in.ground_truth;
        c.trace = in.trace;
        c.trace_id = ti.id;
        c.span_count = ti.spans.size();
        c.store_spans = in.store->spans.size();
        c.start_ns = ti.start_ns;
        c.end_ns = ti.end_ns;
        c.generation = in.data_generation;
        c.built = true;
        c.rows_built = false;
        c.lanes_width = -1.0f;
    }
    const bool ghosts = in.show_ghosts;
    const int64_t cutoff = cutoff_of(in);
    if (!c.rows_built || c.rows_collapse_generation != st.collapse_generation || c.rows_ghosts != ghosts ||
        c.rows_cutoff != cutoff) {
        c.model.build_rows(st.collapsed, ghosts, cutoff);
        c.rows_collapse_generation = st.collapse_generation;
        c.rows_ghosts = ghosts;
        c.rows_cutoff = cutoff;
        c.rows_built = true;
        c.auto_name_w = 0.0f;
    }
    const TimeRange ext = c.model.extent();
    st.trace_start_ns = ext.start_ns;
    st.trace_end_ns = ext.end_ns;
    if (st.selected_span >= static_cast<int32_t>(in.store->spans.size())) st.selected_span = -1;
    return &c.model;
}

TimeRange current_view(const WaterfallViewState& st) {
    if (st.view_end_ns > st.view_start_ns) return {st.view_start_ns, st.view_end_ns};
    const int64_t w = std::max<int64_t>(st.trace_end_ns - st.trace_start_ns, 1000);
    const int64_t margin = w / 50;  // a little air on both sides of the whole trace
    return {st.trace_start_ns - margin, st.trace_start_ns + w + margin};
}

void set_view(WaterfallViewState& st, int64_t start, int64_t width) {
    width = std::max<int64_t>(width, 100);  // 100 ns is as far as zoom goes
    const int64_t ext = std::max<int64_t>(st.trace_end_ns - st.trace_start_ns, 1000);
    width = std::min<int64_t>(width, ext * 4);
    // Keep at least half the view over the trace.
    start = std::clamp(start, st.trace_start_ns - width / 2,
                       std::max(st.trace_start_ns - width / 2, st.trace_end_ns - width / 2));
    st.view_start_ns = start;
    st.view_end_ns = start + width;
}

}  // namespace

// [SECTION] View state: keyboard hooks

void WaterfallViewState::reset() {
    const float column = name_column_px;
    const bool column_set = name_column_set;
    auto keep = std::move(cache);
    *this = WaterfallViewState{};
    name_column_px = column;
    name_column_set = column_set;
    cache = std::move(keep);
    ++collapse_generation;
    if (cache) cache->rows_built = false;
}

void WaterfallViewState::zoom(double factor, double anchor) {
    if (factor <= 0.0) return;
    const TimeRange v = current_view(*this);
    const auto w = static_cast<double>(v.width());
    const double at = static_cast<double>(v.start_ns) + w * std::clamp(anchor, 0.0, 1.0);
    const double nw = w / factor;
    set_view(*this, static_cast<int64_t>(at - nw * anchor), static_cast<int64_t>(nw));
}

void WaterfallViewState::pan(double fraction) {
    const TimeRange v = current_view(*this);
    set_view(*this, v.start_ns + static_cast<int64_t>(static_cast<double>(v.width()) * fraction), v.width());
}

void WaterfallViewState::toggle_collapsed(const TraceStore& store, int32_t span) {
    if (span < 0 || static_cast<size_t>(span) >= store.spans.size()) return;
    const uint64_t id = store.spans[static_cast<size_t>(span)].span_id.value;
    if (!collapsed.erase(id)) collapsed.insert(id);
    ++collapse_generation;
}

void WaterfallViewState::expand_all() {
    collapsed.clear();
    ++collapse_generation;
}

void WaterfallViewState::collapse_all(const WaterfallInput& in) {
    if (!input_valid(in)) return;
    for (uint32_t s : in.analysis->traces[static_cast<size_t>(in.trace)].spans)
        if (in.analysis->child_count[s] > 0) collapsed.insert(in.store->spans[s].span_id.value);
    ++collapse_generation;
}

namespace {
void step_selection(WaterfallViewState& st, const WaterfallInput& in, int dir) {
    const WaterfallModel* m = ensure_model(in, st);
    if (!m || m->rows().empty()) return;
    const auto& rows = m->rows();
    const int n = static_cast<int>(rows.size());
    int r = m->row_of_span(st.selected_span);
    if (r < 0) r = dir > 0 ? -1 : n;
    for (int k = r + dir; k >= 0 && k < n; k += dir) {
        if (rows[static_cast<size_t>(k)].flags & kRowGhost) continue;
        st.selected_span = rows[static_cast<size_t>(k)].span;
        st.scroll_to_selected = true;
        return;
    }
}
}  // namespace

void WaterfallViewState::select_next(const WaterfallInput& in) {
    step_selection(*this, in, +1);
}
void WaterfallViewState::select_previous(const WaterfallInput& in) {
    step_selection(*this, in, -1);
}

void WaterfallViewState::zoom_to_selected(const WaterfallInput& in) {
    if (!input_valid(in) || selected_span < 0 || static_cast<size_t>(selected_span) >= in.store->spans.size()) return;
    ensure_model(in, *this);
    const Span& s = in.store->spans[static_cast<size_t>(selected_span)];
    const int64_t w = std::max<int64_t>(s.duration_ns(), 1000);
    set_view(*this, s.start_ns - w / 10, w + w / 5);
}

// [SECTION] Painting helpers

namespace {

constexpr ImU32 kCriticalBandColor = IM_COL32(14, 16, 22, 235);

struct Metrics {
    float row_h = 20.0f;
    float indent = 12.0f;
    float minimap_h = 44.0f;
    float ruler_h = 22.0f;
};

// Text clipped with an ellipsis to max_w; returns the width used.
float draw_text_ellipsized(ImDrawList* dl, ImVec2 pos, ImU32 col, const char* b, const char* e, float max_w) {
    if (max_w <= 4.0f) return 0.0f;
    ImFont* font = ImGui::GetFont();
    const float size = ImGui::GetFontSize();
    const float full = font->CalcTextSizeA(size, FLT_MAX, 0.0f, b, e).x;
    if (full <= max_w) {
        dl->AddText(pos, col, b, e);
        return full;
    }
    const char* dots = "...";
    const float dots_w = font->CalcTextSizeA(size, FLT_MAX, 0.0f, dots).x;
    if (dots_w > max_w) return 0.0f;
    const char* cut = nullptr;
    font->CalcTextSizeA(size, max_w - dots_w, 0.0f, b, e, &cut);
    // Do not cut a UTF-8 sequence in half.
    while (cut > b && (static_cast<unsigned char>(*cut) & 0xC0) == 0x80) --cut;
    const float w = font->CalcTextSizeA(size, FLT_MAX, 0.0f, b, cut).x;
    dl->AddText(pos, col, b, cut);
    dl->AddText({pos.x + w, pos.y}, col, dots);
    return w + dots_w;
}

void draw_text_shadowed(ImDrawList* dl, ImVec2 pos, ImU32 col, const char* b, const char* e = nullptr) {
    dl->AddText({pos.x + 1.0f, pos.y + 1.0f}, IM_COL32(0, 0, 0, 170), b, e);
    dl->AddText(pos, col, b, e);
}

void dashed_line(ImDrawList* dl, ImVec2 a, ImVec2 b, ImU32 col, float thickness, float dash = 4.0f, float gap = 3.0f) {
    const float dx = b.x - a.x, dy = b.y - a.y;
    const float len = std::sqrt(dx * dx + dy * dy);
    if (len < 0.5f) return;
    const float ux = dx / len, uy = dy / len;
    for (float t = 0.0f; t < len; t += dash + gap) {
        const float t1 = std::min(len, t + dash);
        dl->AddLine({a.x + ux * t, a.y + uy * t}, {a.x + ux * t1, a.y + uy * t1}, col, thickness);
        if (t > 4000.0f) break;  // off-screen lengths cost nothing more
    }
}

std::string_view span_name(const TraceStore& store, int32_t span) {
    return span >= 0 ? store.str(store.spans[static_cast<size_t>(span)].name) : std::string_view{};
}
std::string_view span_service(const TraceStore& store, int32_t span) {
    return span >= 0 ? store.str(store.spans[static_cast<size_t>(span)].service) : std::string_view{};
}

// Service and name of a row; ghosts without a span fall back to the ground truth's service.
struct RowText {
    std::string_view service, name;
};
RowText row_text(const WaterfallInput& in, const WaterfallRow& row, std::string& scratch) {
    if (row.span >= 0) return {span_service(*in.store, row.span), span_name(*in.store, row.span)};
    scratch.clear();
    if (in.ground_truth && row.op >= 0 && static_cast<size_t>(row.op) < in.ground_truth->ops.size()) {
        const uint32_t svc = in.ground_truth->ops[static_cast<size_t>(row.op)].service;
        if (in.scenario && svc < in.scenario->services.size()) {
            const Service& sv = in.scenario->services[svc];
            scratch = sv.name;
            if (!sv.span_name.empty()) {
                const auto at = scratch.size();
                scratch += sv.span_name;
                return {std::string_view(scratch).substr(0, at), std::string_view(scratch).substr(at)};
            }
        } else {
            scratch = "service #" + std::to_string(svc);
        }
    }
    return {scratch, "(not traced)"};
}

// [SECTION] Minimap and ruler

bool draw_minimap(const WaterfallInput& in, WaterfallViewState& st, WaterfallCache& c, ImVec2 min, ImVec2 max,
                  TimeRange full, TimeRange* view) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(min, max, IM_COL32(24, 26, 31, 255));
    const float w = max.x - min.x;
    const WaterfallModel& m = c.model;
    if (c.lanes_width != w || c.lanes_range.start_ns != full.start_ns || c.lanes_range.end_ns != full.end_ns ||
        c.lanes_cutoff != c.rows_cutoff) {
        layout_lanes(m, full, w, 3.0f, c.lanes, c.rows_cutoff);
        c.lanes_width = w;
        c.lanes_range = full;
        c.lanes_cutoff = c.rows_cutoff;
    }
    const int lanes = std::max(1, m.lane_count());
    const float lane_h = std::clamp((max.y - min.y - 6.0f) / static_cast<float>(lanes), 1.0f, 6.0f);
    for (const LaneBlock& b : c.lanes) {
        const float y = min.y + 3.0f + lane_h * static_cast<float>(b.lane);
        const bool error = b.count == 1 && b.errors > 0;
        const ImU32 col =
            error ? kErrorColor : service_color(span_service(*in.store, b.span), b.count > 1 ? 0.65f : 1.0f);
        const float y1 = y + std::max(1.0f, lane_h - 1.0f);
        dl->AddRectFilled({min.x + b.x0, y}, {min.x + b.x1, y1}, col);
        // A folded block hiding an error gets a red tick, so no failure disappears in the fold.
        if (b.count > 1 && b.errors > 0) {
            const float cx = min.x + 0.5f * (b.x0 + b.x1);
            dl->AddRectFilled({cx - 1.0f, y - 1.0f}, {cx + 1.0f, y1 + 1.0f}, kErrorColor);
        }
    }
    const bool changed = TimeRangeSelector("##minimap", min, max, full, view, &st.minimap);
    probe_item("waterfall minimap");
    if (ImGui::IsItemHovered() && !ImGui::IsItemActive()) {
        const float mx = ImGui::GetIO().MousePos.x - min.x;
        const int lane = static_cast<int>((ImGui::GetIO().MousePos.y - min.y - 3.0f) / lane_h);
        for (const LaneBlock& b : c.lanes)
            if (b.lane == lane && mx >= b.x0 - 1.0f && mx <= b.x1 + 1.0f) {
                char dur[32];
                format_duration(b.end_ns - b.start_ns, dur, sizeof dur);
                ImGui::BeginTooltip();
                if (b.count > 1) {
                    ImGui::Text("%u spans folded together (%s)", b.count, dur);
                    if (b.errors > 0)
                        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kErrorColor), "%u of them failed (red tick)",
                                           b.errors);
                } else {
                    ImGui::Text("%.*s  %s", static_cast<int>(span_name(*in.store, b.span).size()),
                                span_name(*in.store, b.span).data(), dur);
                }
                ImGui::TextDisabled("Drag to choose the time range shown below");
                ImGui::EndTooltip();
                break;
            }
    }
    return changed;
}

}  // namespace

namespace {

// [SECTION] Rows

struct RowsGeometry {
    ImVec2 origin;     // screen position of row 0's top-left (scroll applied)
    float name_w = 0;  // name column width
    float bar_x = 0;   // screen x of the bar area's left edge
    float bar_w = 0;
    float top = 0, bottom = 0;  // visible rows area on screen
};

void draw_name_cell(ImDrawList* dl, const WaterfallInput& in, const WaterfallRow& row, const WaterfallBar& bar,
                    const RowsGeometry& g, const Metrics& mt, float y) {
    std::string scratch;
    const RowText t = row_text(in, row, scratch);
    const float fs = ImGui::GetFontSize();
    const float ty = y + (mt.row_h - fs) * 0.5f;
    float x = g.origin.x + 6.0f + std::min(static_cast<float>(row.depth) * mt.indent, g.name_w * 0.45f);
    const ImU32 text =
        (row.flags & kRowGhost) ? ImGui::GetColorU32(ImGuiCol_TextDisabled) : ImGui::GetColorU32(ImGuiCol_Text);
    if (row.flags & kRowHasChildren) {
        const float s = fs * 0.32f, cx = x + s, cy = y + mt.row_h * 0.5f;
        const ImU32 tc = IM_COL32(200, 204, 214, 255);
        if (row.flags & kRowCollapsed)
            dl->AddTriangleFilled({cx - s * 0.6f, cy - s}, {cx - s * 0.6f, cy + s}, {cx + s * 0.9f, cy}, tc);
        else
            dl->AddTriangleFilled({cx - s, cy - s * 0.6f}, {cx + s, cy - s * 0.6f}, {cx, cy + s * 0.9f}, tc);
    }
    x += fs * 0.9f;
    const ImU32 chip = (row.flags & kRowGhost) ? service_color(t.service, 0.45f) : service_color(t.service);
    dl->AddRectFilled({x, y + mt.row_h * 0.25f}, {x + 4.0f, y + mt.row_h * 0.75f}, chip, 1.0f);
    x += 9.0f;
    const float right = g.origin.x + g.name_w - 6.0f;
    // Suffix first (it must stay readable): hidden count, orphan / error markers.
    char suffix[48] = {};
    if (row.flags & kRowCollapsed) std::snprintf(suffix, sizeof suffix, "+%u", row.hidden);
    float suffix_w = suffix[0] ? ImGui::CalcTextSize(suffix).x + 6.0f : 0.0f;
    if (suffix[0] && right - suffix_w > x + 20.0f)
        dl->AddText({right - suffix_w + 6.0f, ty}, ImGui::GetColorU32(ImGuiCol_TextDisabled), suffix);
    else
        suffix_w = 0.0f;
    const ImU32 name_col = (row.flags & kRowError) ? kErrorColor : (row.flags & kRowOrphan) ? kWarningTextColor : text;
    std::string label(t.service);
    label += "  ";
    const size_t name_at = label.size();
    label += t.name;
    // The service in a dimmer tone, then the span name.
    const float svc_w = draw_text_ellipsized(dl, {x, ty}, ImGui::GetColorU32(ImGuiCol_TextDisabled), label.data(),
                                             label.data() + name_at, right - suffix_w - x);
    draw_text_ellipsized(dl, {x + svc_w, ty}, name_col, label.data() + name_at, label.data() + label.size(),
                         right - suffix_w - x - svc_w);
    (void)bar;
}

void draw_bar(ImDrawList* dl, const WaterfallInput& in, const WaterfallRow& row, const WaterfallBar& bar,
              const RowsGeometry& g, const Metrics& mt, float y) {
    if (!bar.visible) return;
    std::string scratch;
    const RowText t = row_text(in, row, scratch);
    const float x0 = g.bar_x + bar.x0, x1 = g.bar_x + bar.x1;
    const float pad = std::max(2.0f, mt.row_h * 0.16f);
    const ImVec2 a{x0, y + pad}, b{std::max(x1, x0 + 1.0f), y + mt.row_h - pad};
    const bool ghost = (row.flags & kRowGhost) != 0;
    if (ghost) {
        const ImU32 fill = (row.flags & kRowError) ? IM_COL32(220, 60, 60, 70) : service_color(t.service, 0.28f);
        dl->AddRectFilled(a, b, fill, 2.0f);
        dashed_line(dl, a, {b.x, a.y}, kGhostColor, 1.0f);
        dashed_line(dl, {a.x, b.y}, b, kGhostColor, 1.0f);
        dl->AddLine(a, {a.x, b.y}, kGhostColor);
        dl->AddLine({b.x, a.y}, b, kGhostColor);
    } else {
        const ImU32 fill = (row.flags & kRowError) ? kErrorColor : service_color(t.service);
        dl->AddRectFilled(a, b, fill, 2.0f);
    }
    // Search: spans that do not match fade into the background.
    if (in.marks && !ghost && (in.marks->of(row.span) & SpanMarks::Dim))
        dl->AddRectFilled(a, b, IM_COL32(20, 22, 28, 185), 2.0f);
}

// The duration change a pinned baseline puts at the right end of a row ("+340 ms", "-20.0 ms", "new" for an
// added span); false when the row shows none.
bool delta_label(const WaterfallInput& in, const WaterfallRow& row, char* buf, size_t n) {
    if (!in.marks || row.span < 0 || (row.flags & kRowGhost)) return false;
    const uint8_t f = in.marks->of(row.span);
    const int64_t delta = in.marks->delta_of(row.span);
    if (delta == SpanMarks::kNoDelta || (delta == 0 && !(f & SpanMarks::Added))) return false;
    if (f & SpanMarks::Added) {
        std::snprintf(buf, n, "new");
    } else {
        buf[0] = delta > 0 ? '+' : '-';
        format_duration(delta > 0 ? delta : -delta, buf + 1, n - 1);
    }
    return true;
}

// Where the delta label's dark backing starts, relative to the bar area's left edge: the bar's label and the
// "slowest" badge keep to the left of it.
float delta_label_left(const RowsGeometry& g, const char* text) {
    return g.bar_w - 4.0f - ImGui::CalcTextSize(text).x - 3.0f;
}

// Marks of the reading tools on one bar: search match outline, compare outline and duration change, clock
// skew flag, link marker.
void draw_reading_marks(ImDrawList* dl, const WaterfallInput& in, const WaterfallRow& row, const WaterfallBar& bar,
                        const RowsGeometry& g, const Metrics& mt, float y) {
    if (!in.marks || !bar.visible || row.span < 0 || (row.flags & kRowGhost)) return;
    const uint8_t f = in.marks->of(row.span);
    const float x0 = g.bar_x + bar.x0, x1 = std::max(g.bar_x + bar.x1, x0 + 1.0f);
    const float pad = std::max(2.0f, mt.row_h * 0.16f);
    const float fs = ImGui::GetFontSize();
    const float ty = y + (mt.row_h - fs) * 0.5f;
    if (f & SpanMarks::Match)
        dl->AddRect({x0 - 2.5f, y + pad - 2.5f}, {x1 + 2.5f, y + mt.row_h - pad + 2.5f}, IM_COL32(255, 214, 64, 255),
                    3.0f, 0, 2.5f);
    if (f & (SpanMarks::Added | SpanMarks::Moved)) {
        const ImU32 col = (f & SpanMarks::Added) ? IM_COL32(90, 210, 120, 255) : IM_COL32(120, 170, 255, 255);
        const ImVec2 a{x0 - 1.5f, y + 1.0f}, b{x1 + 1.5f, y + mt.row_h - 1.0f};
        dashed_line(dl, a, {b.x, a.y}, col, 1.5f);
        dashed_line(dl, {a.x, b.y}, b, col, 1.5f);
        dl->AddLine(a, {a.x, b.y}, col, 1.5f);
        dl->AddLine({b.x, a.y}, b, col, 1.5f);
    }
    if (f & SpanMarks::Skewed) {
        // A small flag at the bar's start: this service's clock disagrees with its caller's.
        const float h = mt.row_h - 2.0f * pad;
        dl->AddTriangleFilled({x0 - 1.0f, y + pad}, {x0 - 1.0f + h * 0.7f, y + pad}, {x0 - 1.0f, y + pad + h * 0.7f},
                              IM_COL32(255, 150, 40, 255));
    }
    if (f & SpanMarks::Linked) {
        const float cx = x1 + 5.0f, cy = y + mt.row_h * 0.5f, r = mt.row_h * 0.22f;
        dl->AddQuadFilled({cx, cy - r}, {cx + r, cy}, {cx, cy + r}, {cx - r, cy}, IM_COL32(190, 140, 255, 255));
    }
    char buf[40];
    if (delta_label(in, row, buf, sizeof buf)) {
        const int64_t delta = in.marks->delta_of(row.span);
        const float w = ImGui::CalcTextSize(buf).x;
        const float right = g.bar_x + g.bar_w - 4.0f;
        const ImU32 col = (f & SpanMarks::Added) ? IM_COL32(90, 210, 120, 255)
                          : delta > 0            ? IM_COL32(255, 110, 100, 255)
                                                 : IM_COL32(110, 220, 130, 255);
        dl->AddRectFilled({g.bar_x + delta_label_left(g, buf), ty - 1.0f}, {right + 2.0f, ty + fs + 1.0f},
                          IM_COL32(20, 22, 28, 225), 3.0f);
        dl->AddText({right - w, ty}, col, buf);
        if (LabelProbe* probe = active_probe()) {
            const ImVec2 lo{g.bar_x + delta_label_left(g, buf), ty}, hi{right + 2.0f, ty + fs};
            probe->record(std::string("waterfall delta ") + buf, lo, hi, ImGui::GetFrameCount());
            std::string scratch;
            probe->record("waterfall delta of " + std::string(row_text(in, row, scratch).name), lo, hi,
                          ImGui::GetFrameCount());
        }
    }
}

// Span links between rows on screen: a curved arrow from the linking span to the span it names.
void draw_link_arrows(ImDrawList* dl, const WaterfallInput& in, const WaterfallFrame& f,
                      const std::vector<WaterfallRow>& rows, const RowsGeometry& g, const Metrics& mt) {
    if (!in.marks || in.marks->arrows.empty()) return;
    struct End {
        float x0, x1, y;
    };
    std::unordered_map<int32_t, End> ends;
    for (const WaterfallBar& b : f.bars) {
        const WaterfallRow& r = rows[b.row];
        if (r.span >= 0 && !(r.flags & kRowGhost) && b.visible)
            ends[r.span] =
                End{g.bar_x + b.x0, g.bar_x + b.x1, g.origin.y + (static_cast<float>(b.row) + 0.5f) * mt.row_h};
    }
    const ImU32 col = IM_COL32(190, 140, 255, 230);
    for (const auto& [from, to] : in.marks->arrows) {
        auto a = ends.find(from), b = ends.find(to);
        if (a == ends.end() || b == ends.end()) continue;
        const ImVec2 p0{a->second.x1 + 5.0f, a->second.y}, p3{b->second.x0 + 2.0f, b->second.y};
        const float bend = std::max(30.0f, std::fabs(p3.y - p0.y) * 0.5f);
        dl->AddBezierCubic(p0, {p0.x + bend, p0.y}, {p3.x - bend, p3.y}, p3, col, 1.5f);
        dl->AddTriangleFilled(p3, {p3.x - 7.0f, p3.y - 4.0f}, {p3.x - 7.0f, p3.y + 4.0f}, col);
    }
}

// Second pass, over the critical/gap marks: selection outline, playhead edge, label and badge. `gaps` are
// this row's hatched stretches, which the label keeps clear of when it can.
void draw_bar_label(ImDrawList* dl, const WaterfallInput& in, const WaterfallRow& row, const WaterfallBar& bar,
                    const RowsGeometry& g, const Metrics& mt, float y, std::span<const WaterfallMark> gaps) {
    if (!bar.visible) return;
    std::string scratch;
    const RowText t = row_text(in, row, scratch);
    const float x0 = g.bar_x + bar.x0, x1 = g.bar_x + bar.x1;
    const float pad = std::max(2.0f, mt.row_h * 0.16f);
    const ImVec2 a{x0, y + pad}, b{std::max(x1, x0 + 1.0f), y + mt.row_h - pad};
    const bool ghost = (row.flags & kRowGhost) != 0;
    if (bar.flags & kRowSelected)
        dl->AddRect({a.x - 1.5f, a.y - 1.5f}, {b.x + 1.5f, b.y + 1.5f}, kSelectionColor, 2.0f, 0, 2.0f);
    if (bar.flags & kRowRunning) dl->AddLine({b.x, a.y - 1.0f}, {b.x, b.y + 1.0f}, IM_COL32(255, 255, 255, 230), 2.0f);

    // Label candidates, longest first: "name  duration" (with a note on ghosts and gaps), "name  duration",
    // the duration alone. place_bar_text picks the first that fits clear of the hatching and the badge.
    const int64_t dur = std::min(row.end_ns, std::max(row.start_ns, row.end_ns)) - row.start_ns;
    char dtext[32];
    const int64_t unit = display_unit_ns(in.analysis->traces[static_cast<size_t>(in.trace)].duration_ns());
    format_duration_in((bar.flags & kRowRunning) ? 0 : dur, unit, dtext, sizeof dtext);
    if (LabelProbe* probe = active_probe())
        probe->record("waterfall duration " + std::string(t.name) + " = " + dtext, {x0, y}, {x1, y + mt.row_h},
                      ImGui::GetFrameCount());
    if (bar.flags & kRowRunning) std::snprintf(dtext, sizeof dtext, "running");
    std::string plain(t.name);
    plain += "  ";
    plain += dtext;
    std::string full(t.name);
    if (ghost && (row.flags & kRowBrokenHop))
        full += "  [new trace]";
    else if (ghost)
        full += (row.span >= 0) ? "  [other trace]" : "  [no span]";
    else if (row.flags & kRowBrokenHop)
        full += "  [split off]";
    full += "  ";
    full += dtext;
    if (row.flags & kRowHasGap) full += "  (gap: child lost)";
    const char* candidates[3] = {full.c_str(), plain == full ? nullptr : plain.c_str(), dtext};
    const char* badge = "slowest";
    const bool want_badge = (row.flags & kRowSlowest) && !in.hide_latency_hints;

    BarTextRequest q;
    q.x0 = bar.x0;
    q.x1 = bar.x1;
    q.area_l = 2.0f;
    q.area_r = g.bar_w - 2.0f;
    // A pinned baseline's "+340 ms" holds the row's right end: label and badge stay left of it.
    if (char delta[40]; delta_label(in, row, delta, sizeof delta))
        q.area_r = std::max(q.area_l, delta_label_left(g, delta) - 4.0f);
    q.gaps = gaps;
    for (int i = 0; i < 3; ++i) q.label_w[i] = candidates[i] ? ImGui::CalcTextSize(candidates[i]).x : 0.0f;
    q.badge_w = want_badge ? ImGui::CalcTextSize(badge).x + 8.0f : 0.0f;
    const BarTextPlacement pl = place_bar_text(q);

    const float fs = ImGui::GetFontSize();
    const float ty = y + (mt.row_h - fs) * 0.5f;
    if (pl.label >= 0) {
        const char* label = candidates[pl.label];
        const float lx = g.bar_x + pl.label_x, lw = q.label_w[pl.label];
        if (pl.label_backed)
            dl->AddRectFilled({lx - 2.0f, ty - 1.0f}, {lx + lw + 2.0f, ty + fs + 1.0f}, IM_COL32(20, 22, 28, 210),
                              3.0f);
        draw_text_shadowed(dl, {lx, ty}, ghost ? IM_COL32(210, 212, 220, 230) : IM_COL32(255, 255, 255, 255), label);
        if (LabelProbe* probe = active_probe())
            probe->record("waterfall label " + std::string(t.name), {lx, ty}, {lx + lw, ty + fs},
                          ImGui::GetFrameCount());
    }
    // The slowest hop's badge: beside the bar when there is room, else over its right end (outlined so it
    // stands apart from the bar's colour).
    if (pl.badge) {
        const float bx = g.bar_x + pl.badge_x, bw = q.badge_w;
        dl->AddRectFilled({bx, y + 2.0f}, {bx + bw, y + mt.row_h - 2.0f}, IM_COL32(240, 180, 60, 235), 6.0f);
        if (pl.badge_inside)
            dl->AddRect({bx, y + 2.0f}, {bx + bw, y + mt.row_h - 2.0f}, IM_COL32(20, 22, 28, 255), 6.0f, 0, 1.5f);
        dl->AddText({bx + 4.0f, ty}, IM_COL32(30, 24, 10, 255), badge);
        if (LabelProbe* probe = active_probe())
            probe->record("waterfall slowest badge", {bx, y}, {bx + bw, y + mt.row_h}, ImGui::GetFrameCount());
    }
}

void draw_marks(ImDrawList* dl, const WaterfallFrame& f, const RowsGeometry& g, const Metrics& mt,
                const WaterfallInput& in, const WaterfallModel& m) {
    const float pad = std::max(2.0f, mt.row_h * 0.16f);
    // Critical path: a dark band along the bottom of the bar over exactly the stretches on the path, with a
    // light edge above it so it reads on dark and light service colours alike.
    if (!in.hide_latency_hints)
        for (const WaterfallMark& k : f.critical) {
            const WaterfallRow& row = m.rows()[k.row];
            const float y = g.origin.y + static_cast<float>(k.row) * mt.row_h;
            const float y1 = y + mt.row_h - pad;
            const float y0 = y1 - std::max(3.0f, std::round(mt.row_h * 0.22f));
            const float x0 = g.bar_x + k.x0, x1 = g.bar_x + std::max(k.x1, k.x0 + 1.0f);
            const ImU32 col = (row.flags & kRowError) ? IM_COL32(110, 20, 20, 255) : kCriticalBandColor;
            dl->AddRectFilled({x0, y0}, {x1, y1}, col);
            dl->AddLine({x0, y0 - 0.5f}, {x1, y0 - 0.5f}, IM_COL32(255, 255, 255, 90));
            if (LabelProbe* probe = active_probe())
                probe->record("waterfall critical path", {x0, y0}, {x1, y1}, ImGui::GetFrameCount());
        }
    // Gaps: hatched amber, the time no child explains.
    for (const WaterfallMark& k : f.gaps) {
        const float y0 = g.origin.y + static_cast<float>(k.row) * mt.row_h + pad;
        const float y1 = y0 + mt.row_h - 2.0f * pad;
        const float x0 = g.bar_x + k.x0, x1 = g.bar_x + std::max(k.x1, k.x0 + 2.0f);
        dl->AddRectFilled({x0, y0}, {x1, y1}, IM_COL32(30, 24, 10, 200));
        dl->PushClipRect({x0, y0}, {x1, y1}, true);
        const float h = y1 - y0;
        const float first = std::max(x0 - h, g.bar_x - h);
        const float last = std::min(x1, g.bar_x + g.bar_w);
        for (float x = first; x < last; x += 6.0f) dl->AddLine({x, y1}, {x + h, y0}, kGapColor, 1.5f);
        dl->PopClipRect();
        dl->AddRect({x0, y0}, {x1, y1}, kGapColor);
    }
}

void draw_connectors(ImDrawList* dl, const WaterfallFrame& f, const RowsGeometry& g, const Metrics& mt) {
    const ImU32 col = IM_COL32(200, 200, 215, 200);
    for (const WaterfallConnector& c : f.connectors) {
        const float xf = g.bar_x + c.x_from, xt = g.bar_x + c.x_to;
        const float yf = std::max(g.origin.y + (static_cast<float>(c.from_row) + 1.0f) * mt.row_h - 3.0f, g.top - 2.0f);
        const float yt = g.origin.y + (static_cast<float>(c.to_row) + 0.5f) * mt.row_h;
        const float xe = xt - 3.0f;
        dashed_line(dl, {xf, yf}, {xf, yt}, col, 1.5f);
        if (xe - xf > 2.0f) dashed_line(dl, {xf, yt}, {xe, yt}, col, 1.5f);
        dl->AddTriangleFilled({xe + 3.0f, yt}, {xe - 3.0f, yt - 4.0f}, {xe - 3.0f, yt + 4.0f}, col);
        dl->AddCircleFilled({xf, yf}, 2.5f, col);
    }
}

// [SECTION] Tooltip

void draw_tooltip(const WaterfallInput& in, const WaterfallModel& m, const WaterfallRow& row) {
    std::string scratch;
    const RowText t = row_text(in, row, scratch);
    char a[32], b[32], c[32];
    ImGui::BeginTooltip();
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(service_color(t.service)), "%.*s",
                       static_cast<int>(t.service.size()), t.service.data());
    ImGui::SameLine();
    ImGui::Text("%.*s", static_cast<int>(t.name.size()), t.name.data());
    const int64_t unit = display_unit_ns(m.info().duration_ns());
    format_duration_in(row.end_ns - row.start_ns, unit, a, sizeof a);
    format_duration_in(row.start_ns - m.info().start_ns, unit, b, sizeof b);
    ImGui::Text("duration %s, starts at +%s", a, b);
    const BrokenHop* hop =
        (row.flags & kRowBrokenHop) && row.hop >= 0 && static_cast<size_t>(row.hop) < in.broken_hops.size()
            ? &in.broken_hops[static_cast<size_t>(row.hop)]
            : nullptr;
    if (hop != nullptr) {
        ImGui::PushTextWrapPos(ImGui::GetFontSize() * 32.0f);
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kWarningTextColor), "Broken hop (found in the data):");
        ImGui::TextWrapped("%s.", hop->reason.c_str());
        ImGui::TextDisabled((row.flags & kRowGhost) ? "Click to open the trace it started."
                                                    : "The note above the waterfall opens the caller's trace.");
        ImGui::PopTextWrapPos();
    }
    if ((row.flags & kRowGhost) && hop != nullptr) {
        // Said above.
    } else if (row.flags & kRowGhost) {
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kWarningTextColor),
                           row.span >= 0 ? "Ground truth: this call landed in another trace."
                                         : "Ground truth: this call was never recorded.");
        if (in.ground_truth && row.op >= 0) {
            const Operation& op = in.ground_truth->ops[static_cast<size_t>(row.op)];
            if (op.hop >= 0 && static_cast<size_t>(op.hop) < in.ground_truth->hops.size()) {
                const std::string why = in.ground_truth->hops[static_cast<size_t>(op.hop)].explanation();
                if (!why.empty()) ImGui::TextWrapped("%s", why.c_str());
            }
        }
    } else if (row.span >= 0) {
        const Analysis& an = m.analysis();
        format_duration_in(an.self_ns[static_cast<size_t>(row.span)], unit, c, sizeof c);
        ImGui::Text("self time %s", c);
        if ((row.flags & kRowCritical) && !in.hide_latency_hints) {
            format_duration_in(an.critical_ns[static_cast<size_t>(row.span)], unit, c, sizeof c);
            ImGui::Text("on the critical path for %s (dark band under the bar):", c);
            ImGui::TextDisabled("the request's end waited on this span for that long");
        }
        if ((row.flags & kRowSlowest) && !in.hide_latency_hints)
            ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kWarningTextColor), "slowest hop (largest self time)");
        if (row.flags & kRowError) ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kErrorColor), "status: error");
        if (row.flags & kRowOrphan)
            ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kWarningTextColor),
                               "orphan: its parent span never arrived");
        if (row.flags & kRowHasGap)
            ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kGapColor),
                               "unexplained time inside: a child is missing");
        if (row.flags & kRowCollapsed) ImGui::TextDisabled("%u spans hidden (collapsed)", row.hidden);
    }
    ImGui::EndTooltip();
}

}  // namespace

// [SECTION] draw_waterfall

WaterfallEvents draw_waterfall(const char* id, const WaterfallInput& in, WaterfallViewState& st, ImVec2 size) {
    WaterfallEvents ev;
    ev.selected_span = st.selected_span;
    ImGui::PushID(id);
    ImGui::BeginChild("##waterfall", size, false, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
    WaterfallModel* model = ensure_model(in, st);
    if (!model) {
        ImGui::TextDisabled("No trace to show.");
        ImGui::EndChild();
        ImGui::PopID();
        return ev;
    }
    WaterfallCache& c = *st.cache;
    const float fs = ImGui::GetFontSize();
    Metrics mt;
    mt.row_h = std::round(fs * 1.55f);
    mt.indent = std::round(fs * 0.85f);
    mt.ruler_h = std::round(fs + 8.0f);
    mt.minimap_h = std::round(fs * 2.6f);
    const ImVec2 win_min = ImGui::GetCursorScreenPos();
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float scrollbar = ImGui::GetStyle().ScrollbarSize;
    // Name column: the dragged width, else wide enough for the longest label on screen (grows while scrolling,
    // recomputed when the rows change), clamped so the bars keep most of the room.
    const float max_name_w = std::max(120.0f, avail.x * 0.6f);
    if (!st.name_column_set) {
        const auto& all = model->rows();
        const float rows_view_h = std::max(0.0f, avail.y - mt.minimap_h - mt.ruler_h);
        const auto first = static_cast<size_t>(std::max(0.0f, st.scroll_y / mt.row_h));
        const size_t end = std::min(all.size(), first + static_cast<size_t>(rows_view_h / mt.row_h) + 2);
        std::string scratch;
        for (size_t r = first; r < end; ++r) {
            const WaterfallRow& row = all[r];
            const RowText t = row_text(in, row, scratch);
            float w = 6.0f + static_cast<float>(row.depth) * mt.indent + fs * 0.9f + 9.0f;
            w += ImGui::CalcTextSize(t.service.data(), t.service.data() + t.service.size()).x;
            w += ImGui::CalcTextSize("  ").x;
            w += ImGui::CalcTextSize(t.name.data(), t.name.data() + t.name.size()).x;
            if (row.flags & kRowCollapsed) w += ImGui::CalcTextSize("+0000").x + 6.0f;
            c.auto_name_w = std::max(c.auto_name_w, w + 12.0f);
        }
        st.name_column_px = std::clamp(c.auto_name_w, 160.0f, std::max(160.0f, avail.x * 0.4f));
    }
    const float name_w = std::clamp(st.name_column_px, 120.0f, max_name_w);
    const float bar_x = win_min.x + name_w;
    const float bar_w = std::max(10.0f, avail.x - name_w - scrollbar);
    ImDrawList* dl = ImGui::GetWindowDrawList();

    // Header: trace summary and reset in the name column; minimap and ruler over the bar area.
    const TimeRange full = [&] {
        TimeRange e = model->extent();
        const int64_t m = std::max<int64_t>(e.width(), 1000) / 50;
        return TimeRange{e.start_ns - m, e.end_ns + m};
    }();
    TimeRange view = current_view(st);
    {
        const TraceInfo& ti = model->info();
        char dur[32];
        format_duration_in(ti.duration_ns(), display_unit_ns(ti.duration_ns()), dur, sizeof dur);
        ImGui::SetCursorScreenPos({win_min.x + 6.0f, win_min.y + 4.0f});
        ImGui::Text("%zu %s  %s", ti.spans.size(), ti.spans.size() == 1 ? "span" : "spans", dur);
        probe_item(std::string("waterfall header ") + dur);
        ImGui::SetCursorScreenPos({win_min.x + 6.0f, win_min.y + 6.0f + fs});
        if (ImGui::SmallButton("Reset zoom")) {
            st.reset_zoom();
            view = current_view(st);
            ev.view_changed = true;
        }
        probe_item("Reset zoom");
        // "(legend)" beside the button when the name column has room for it, else the shorter "(?)".
        ImGui::SameLine();
        const float legend_room = bar_x - ImGui::GetCursorScreenPos().x - 4.0f;
        ImGui::TextDisabled(ImGui::CalcTextSize("(legend)").x <= legend_room ? "(legend)" : "(?)");
        if (ImGui::IsItemHovered()) {
            ImGui::BeginTooltip();
            ImGui::TextUnformatted("Bar colour: the service. Red: the span failed.");
            if (!in.hide_latency_hints) {
                ImGui::TextUnformatted("Dark band under a bar: the critical path, the stretches the request's end");
                ImGui::TextUnformatted("waited on. Shorten those and the request gets faster.");
                ImGui::TextUnformatted("\"slowest\": the span with the most time of its own.");
            }
            ImGui::TextUnformatted("Hatched amber: time where a child call went missing from this trace.");
            ImGui::TextUnformatted("Dashed outline (ghosts on): where a lost call really ran.");
            ImGui::EndTooltip();
        }
    }
    if (draw_minimap(in, st, c, {bar_x, win_min.y}, {bar_x + bar_w, win_min.y + mt.minimap_h}, full, &view)) {
        st.view_start_ns = view.start_ns;
        st.view_end_ns = view.end_ns;
        ev.view_changed = true;
    }
    const float ruler_y = win_min.y + mt.minimap_h + 2.0f;
    dl->AddRectFilled({win_min.x, ruler_y}, {bar_x, ruler_y + mt.ruler_h}, IM_COL32(32, 34, 40, 255));
    dl->AddText({win_min.x + 6.0f, ruler_y + (mt.ruler_h - fs) * 0.5f}, ImGui::GetColorU32(ImGuiCol_TextDisabled),
                "service  span");
    const float min_spacing = ImGui::CalcTextSize("-000.0 ms").x + fs * 1.5f;

    // Rows: a scrolling child; the name column and bars scroll together.
    const float rows_top = ruler_y + mt.ruler_h;
    ImGui::SetCursorScreenPos({win_min.x, rows_top});
    const float rows_h = std::max(mt.row_h, win_min.y + avail.y - rows_top);
    const auto& rows = model->rows();
    const float content_h = static_cast<float>(rows.size()) * mt.row_h;
    if (st.scroll_to_selected) {
        const int r = model->row_of_span(st.selected_span);
        if (r >= 0) {
            const float y = static_cast<float>(r) * mt.row_h;
            if (y < st.scroll_y) st.scroll_y = y;
            if (y + mt.row_h > st.scroll_y + rows_h) st.scroll_y = y + mt.row_h - rows_h;
        }
        st.scroll_to_selected = false;
    }
    st.scroll_y = std::clamp(st.scroll_y, 0.0f, std::max(0.0f, content_h - rows_h));
    ImGui::SetNextWindowScroll({0.0f, st.scroll_y});
    ImGui::BeginChild("##rows", {avail.x, rows_h}, false,
                      ImGuiWindowFlags_AlwaysVerticalScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
    st.scroll_y = ImGui::GetScrollY();
    ImDrawList* rdl = ImGui::GetWindowDrawList();
    RowsGeometry g;
    g.origin = {ImGui::GetWindowPos().x, ImGui::GetWindowPos().y - st.scroll_y};
    g.name_w = name_w;
    g.bar_x = g.origin.x + name_w;
    g.bar_w = bar_w;
    g.top = ImGui::GetWindowPos().y;
    g.bottom = g.top + rows_h;

    // The name column's edge: drag to resize, double-click to fit the labels again. Submitted before the rows'
    // interaction surface so it wins the pointer over the few pixels it covers.
    ImGui::SetCursorPos({name_w - 4.0f, st.scroll_y});
    ImGui::InvisibleButton("##name_column_edge", {8.0f, rows_h});
    probe_item("waterfall name column edge");
    if (ImGui::IsItemHovered() || ImGui::IsItemActive()) ImGui::SetMouseCursor(ImGuiMouseCursor_ResizeEW);
    if (ImGui::IsItemActive() && ImGui::GetIO().MouseDelta.x != 0.0f) {
        st.name_column_px = std::clamp(name_w + ImGui::GetIO().MouseDelta.x, 120.0f, max_name_w);
        st.name_column_set = true;
    }
    if (ImGui::IsItemHovered() && ImGui::IsMouseDoubleClicked(0)) st.name_column_set = false;
    const bool edge_hot = ImGui::IsItemHovered() || ImGui::IsItemActive();

    // Interaction surface over the visible part of the rows.
    ImGui::SetCursorPos({0.0f, st.scroll_y});
    ImGui::InvisibleButton("##rows_input", {name_w + bar_w, rows_h});
    probe_item("waterfall rows");
    const bool hovered = ImGui::IsItemHovered();
    const ImGuiIO& io = ImGui::GetIO();
    const ImVec2 mouse = io.MousePos;
    const bool over_bars = mouse.x >= g.bar_x;
    if (ImGui::IsItemActivated()) {
        st.panning = over_bars;
        st.drag_view_start_ns = view.start_ns;
        st.drag_view_end_ns = view.end_ns;
        st.drag_scroll_y = st.scroll_y;
    }
    const double ns_per_px = static_cast<double>(view.width()) / bar_w;
    if (ImGui::IsItemActive() && st.panning && ImGui::IsMouseDragging(0)) {
        const ImVec2 d = ImGui::GetMouseDragDelta(0);
        set_view(st, st.drag_view_start_ns - static_cast<int64_t>(d.x * ns_per_px),
                 st.drag_view_end_ns - st.drag_view_start_ns);
        st.scroll_y = std::clamp(st.drag_scroll_y - d.y, 0.0f, std::max(0.0f, content_h - rows_h));
        ImGui::SetScrollY(st.scroll_y);
        view = current_view(st);
        ev.view_changed = true;
    }
    if (hovered && io.MouseWheel != 0.0f) {
        if (over_bars && !io.KeyShift) {
            st.zoom(std::pow(1.25, static_cast<double>(io.MouseWheel)),
                    std::clamp((mouse.x - g.bar_x) / bar_w, 0.0f, 1.0f));
            view = current_view(st);
            ev.view_changed = true;
        } else {
            st.scroll_y =
                std::clamp(st.scroll_y - io.MouseWheel * mt.row_h * 3.0f, 0.0f, std::max(0.0f, content_h - rows_h));
            ImGui::SetScrollY(st.scroll_y);
        }
    }

    // Layout of what is on screen.
    WaterfallLayoutParams p;
    p.view = view;
    p.width_px = bar_w;
    p.row_height = mt.row_h;
    p.scroll_y = st.scroll_y;
    p.viewport_px = rows_h;
    p.selected_span = st.selected_span;
    p.cutoff_ns = c.rows_cutoff;
    layout_rows(*model, p, c.frame);
    g.origin.y = ImGui::GetWindowPos().y - st.scroll_y;
    ruler_ticks(view, model->info().start_ns, bar_w, min_spacing, c.ticks,
                display_unit_ns(model->info().duration_ns()));

    // Hit test.
    const int hover_row = hovered ? static_cast<int>(std::floor((mouse.y - g.origin.y) / mt.row_h)) : -1;
    const WaterfallRow* hrow = (hover_row >= 0 && static_cast<size_t>(hover_row) < rows.size())
                                   ? &rows[static_cast<size_t>(hover_row)]
                                   : nullptr;
    const WaterfallBar* hbar = nullptr;
    if (hrow)
        for (const WaterfallBar& b : c.frame.bars)
            if (b.row == static_cast<uint32_t>(hover_row)) hbar = &b;
    const bool on_bar = hbar && hbar->visible && over_bars && mouse.x >= g.bar_x + hbar->x0 - 3.0f &&
                        mouse.x <= g.bar_x + hbar->x1 + 3.0f;
    st.hovered_span = (hrow && (on_bar || !over_bars)) ? hrow->span : -1;
    ev.hovered_span = st.hovered_span;

    if (ImGui::IsItemDeactivated() && hrow && !ImGui::IsMouseDragPastThreshold(0)) {
        const float tri_x0 = g.origin.x + 6.0f + std::min(static_cast<float>(hrow->depth) * mt.indent, name_w * 0.45f);
        if (!over_bars && (hrow->flags & kRowHasChildren) && mouse.x < tri_x0 + fs * 0.9f && mouse.x >= tri_x0 - 4.0f) {
            st.toggle_collapsed(*in.store, hrow->span);
            ev.collapse_changed = true;
        } else if (hrow->span >= 0 && (!over_bars || on_bar)) {
            st.selected_span = hrow->span;
            ev.clicked_span = hrow->span;
        } else if (over_bars && !on_bar) {
            st.selected_span = -1;
        }
    }
    if (hovered && on_bar && ImGui::IsMouseDoubleClicked(0) && hrow->span >= 0) {
        st.selected_span = hrow->span;
        const int64_t w = std::max<int64_t>(hrow->end_ns - hrow->start_ns, 1000);
        set_view(st, hrow->start_ns - w / 10, w + w / 5);
        ev.view_changed = true;
    }

    // Paint: backgrounds, grid, bars and labels, marks, connectors, name column.
    const float right = g.bar_x + bar_w;
    rdl->PushClipRect({g.origin.x, g.top}, {right, g.bottom}, true);
    for (const WaterfallBar& b : c.frame.bars) {
        const float y = g.origin.y + static_cast<float>(b.row) * mt.row_h;
        ImU32 bg = (b.row % 2) ? IM_COL32(255, 255, 255, 6) : 0;
        if (b.flags & kRowSelected)
            bg = IM_COL32(90, 140, 230, 60);
        else if (static_cast<int>(b.row) == hover_row)
            bg = IM_COL32(255, 255, 255, 16);
        if (bg) rdl->AddRectFilled({g.origin.x, y}, {right, y + mt.row_h}, bg);
    }
    rdl->AddLine({g.bar_x - 0.5f, g.top}, {g.bar_x - 0.5f, g.bottom},
                 edge_hot ? IM_COL32(150, 170, 220, 255) : IM_COL32(80, 84, 96, 255), edge_hot ? 2.0f : 1.0f);
    DrawTimeGrid(rdl, g.bar_x, g.top, g.bottom, c.ticks);
    rdl->PushClipRect({g.bar_x, g.top}, {right, g.bottom}, true);
    for (const WaterfallBar& b : c.frame.bars)
        draw_bar(rdl, in, rows[b.row], b, g, mt, g.origin.y + static_cast<float>(b.row) * mt.row_h);
    draw_marks(rdl, c.frame, g, mt, in, *model);
    // Gaps come in row order, like the bars: each bar's own run of them.
    size_t gap_at = 0;
    for (const WaterfallBar& b : c.frame.bars) {
        const auto& gaps = c.frame.gaps;
        while (gap_at < gaps.size() && gaps[gap_at].row < b.row) ++gap_at;
        size_t gap_end = gap_at;
        while (gap_end < gaps.size() && gaps[gap_end].row == b.row) ++gap_end;
        draw_bar_label(rdl, in, rows[b.row], b, g, mt, g.origin.y + static_cast<float>(b.row) * mt.row_h,
                       std::span<const WaterfallMark>(gaps.data() + gap_at, gap_end - gap_at));
    }
    draw_connectors(rdl, c.frame, g, mt);
    for (const WaterfallBar& b : c.frame.bars)
        draw_reading_marks(rdl, in, rows[b.row], b, g, mt, g.origin.y + static_cast<float>(b.row) * mt.row_h);
    draw_link_arrows(rdl, in, c.frame, rows, g, mt);
    rdl->PopClipRect();
    rdl->PushClipRect({g.origin.x, g.top}, {g.bar_x - 1.0f, g.bottom}, true);
    for (const WaterfallBar& b : c.frame.bars)
        draw_name_cell(rdl, in, rows[b.row], b, g, mt, g.origin.y + static_cast<float>(b.row) * mt.row_h);
    rdl->PopClipRect();
    rdl->PopClipRect();

    // Test probes: each visible row's name cell, bar and toggle, by span name and by "#<span index>".
    if (LabelProbe* probe = active_probe()) {
        const int frame = ImGui::GetFrameCount();
        for (const WaterfallBar& b : c.frame.bars) {
            const WaterfallRow& row = rows[b.row];
            if (row.span < 0 || (row.flags & kRowGhost)) continue;
            const float y = g.origin.y + static_cast<float>(b.row) * mt.row_h;
            const std::string name(span_name(*in.store, row.span));
            const std::string idx = "#" + std::to_string(row.span);
            probe->record("row " + name, {g.origin.x, y}, {g.bar_x - 1.0f, y + mt.row_h}, frame);
            probe->record("row " + idx, {g.origin.x, y}, {g.bar_x - 1.0f, y + mt.row_h}, frame);
            if (b.visible) {
                probe->record("bar " + name, {g.bar_x + b.x0, y + 2.0f}, {g.bar_x + b.x1, y + mt.row_h - 2.0f}, frame);
                probe->record("bar " + idx, {g.bar_x + b.x0, y + 2.0f}, {g.bar_x + b.x1, y + mt.row_h - 2.0f}, frame);
            }
            if (row.flags & kRowHasChildren) {
                const float tx =
                    g.origin.x + 6.0f + std::min(static_cast<float>(row.depth) * mt.indent, name_w * 0.45f);
                probe->record("toggle " + name, {tx, y}, {tx + fs * 0.8f, y + mt.row_h}, frame);
                probe->record("toggle " + idx, {tx, y}, {tx + fs * 0.8f, y + mt.row_h}, frame);
            }
        }
    }

    if (hovered && hrow && (on_bar || !over_bars) && !ImGui::IsItemActive()) draw_tooltip(in, *model, *hrow);

    // Content height for the scrollbar.
    ImGui::SetCursorPos({0.0f, 0.0f});
    ImGui::Dummy({1.0f, content_h});
    ImGui::EndChild();

    // The ruler is painted last so it shows the view the rows used this frame.
    DrawTimeRuler(dl, {bar_x, ruler_y}, {bar_x + bar_w, ruler_y + mt.ruler_h}, c.ticks);

    ImGui::EndChild();
    ImGui::PopID();
    if (st.selected_span != ev.selected_span) {
        ev.selection_changed = true;
        ev.selected_span = st.selected_span;
    }
    return ev;
}

}  // namespace tl::ui
