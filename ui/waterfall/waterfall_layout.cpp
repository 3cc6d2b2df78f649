// Waterfall layout: per-trace model (rows, lanes, indexes, ghost placement) and the per-frame visible pass.
// No Dear ImGui here: everything is testable on plain data.
// [SECTION] Formatting and ruler ticks
// [SECTION] Model
// [SECTION] Ghosts (ground truth, broken hops)
// [SECTION] Per-frame layout
// [SECTION] Bar text placement
#include "ui/waterfall/waterfall_layout.hpp"

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <unordered_map>
#include <unordered_set>

namespace tl::ui {

// [SECTION] Formatting and ruler ticks

namespace {
struct Unit {
    int64_t ns;
    const char* name;
};
constexpr Unit kUnits[] = {{1'000'000'000, "s"}, {1'000'000, "ms"}, {1'000, "\xC2\xB5s"}, {1, "ns"}};

int64_t floor_div(int64_t a, int64_t b) {
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}
int64_t ceil_div(int64_t a, int64_t b) {
    return -floor_div(-a, b);
}
}  // namespace

int format_duration(int64_t ns, char* buf, size_t n) {
    if (n == 0) return 0;
    const int64_t a = ns < 0 ? -ns : ns;
    int len = 0;
    if (a < 1000) {
        len = std::snprintf(buf, n, "%" PRId64 " ns", ns);
    } else {
        size_t u = 0;
        while (u + 1 < std::size(kUnits) && a < kUnits[u].ns) ++u;
        double v = static_cast<double>(ns) / static_cast<double>(kUnits[u].ns);
        // 999.96 µs would print as "1000 µs": move up a unit instead.
        if (std::fabs(v) >= 999.5 && u > 0) {
            --u;
            v = static_cast<double>(ns) / static_cast<double>(kUnits[u].ns);
        }
        const double av = std::fabs(v);
        const int decimals = av < 10.0 ? 2 : av < 100.0 ? 1 : 0;
        len = std::snprintf(buf, n, "%.*f %s", decimals, v, kUnits[u].name);
    }
    return std::min(len, static_cast<int>(n) - 1);
}

int64_t display_unit_ns(int64_t extent_ns) {
    const int64_t a = extent_ns < 0 ? -extent_ns : extent_ns;
    if (a >= 10'000'000'000) return 1'000'000'000;
    if (a >= 1'000'000) return 1'000'000;
    if (a >= 1'000) return 1'000;
    return 1;
}

int format_duration_in(int64_t ns, int64_t unit_ns, char* buf, size_t n) {
    if (n == 0) return 0;
    const char* name = "ns";
    for (const Unit& u : kUnits)
        if (u.ns == unit_ns) name = u.name;
    if (unit_ns <= 1 || ns == 0)  // "0 µs", not "0.000 µs"
        return std::min(std::snprintf(buf, n, "%" PRId64 " %s", ns, name), static_cast<int>(n) - 1);
    const double v = static_cast<double>(ns) / static_cast<double>(unit_ns);
    const double av = std::fabs(v);
    int len = 0;
    if (ns != 0 && av < 0.0005)
        len = std::snprintf(buf, n, "<0.001 %s", name);
    else
        len = std::snprintf(buf, n, "%.*f %s", av >= 100.0 ? 0 : av >= 10.0 ? 1 : av >= 1.0 ? 2 : 3, v, name);
    return std::min(len, static_cast<int>(n) - 1);
}

int64_t ruler_step(TimeRange view, float width_px, float min_spacing_px) {
    if (view.empty() || width_px <= 0.0f || min_spacing_px <= 0.0f) return 0;
    const double raw = static_cast<double>(view.width()) * static_cast<double>(min_spacing_px) / width_px;
    int64_t pow10 = 1;
    while (true) {
        for (int64_t m : {1, 2, 5})
            if (static_cast<double>(m * pow10) >= raw) return m * pow10;
        if (pow10 > std::numeric_limits<int64_t>::max() / 100) return pow10 * 10;
        pow10 *= 10;
    }
}

namespace {
// Label for a major tick: the unit and precision follow the step, so neighbours never read the same.
void tick_label(int64_t rel, int64_t step, int64_t unit_ns, char* buf, size_t n) {
    if (rel == 0) {
        std::snprintf(buf, n, "0");
        return;
    }
    // The view's unit, with as many decimals as the step needs (up to three: deeper zooms name their own unit).
    if (unit_ns > 1 && step * 1000 >= unit_ns) {
        const char* name = "ns";
        for (const Unit& u : kUnits)
            if (u.ns == unit_ns) name = u.name;
        int decimals = 0;
        for (int64_t q = unit_ns; q > step && decimals < 3; q /= 10) ++decimals;
        std::snprintf(buf, n, "%.*f %s", decimals, static_cast<double>(rel) / static_cast<double>(unit_ns), name);
        return;
    }
    for (const Unit& u : kUnits) {
        // Seconds only from half-second steps ("100 ms", not "0.1 s"); other units from a tenth.
        if (step * (u.ns == 1'000'000'000 ? 2 : 10) >= u.ns || u.ns == 1) {
            const int decimals = step >= u.ns ? 0 : 1;
            std::snprintf(buf, n, "%.*f %s", decimals, static_cast<double>(rel) / static_cast<double>(u.ns), u.name);
            return;
        }
    }
}
}  // namespace

void ruler_ticks(TimeRange view, int64_t origin_ns, float width_px, float min_spacing_px, std::vector<RulerTick>& out,
                 int64_t unit_ns) {
    out.clear();
    const int64_t step = ruler_step(view, width_px, min_spacing_px);
    if (step <= 0) return;
    int64_t mantissa = step;
    while (mantissa >= 10 && mantissa % 10 == 0) mantissa /= 10;
    int64_t minor = mantissa == 2 ? step / 4 : step / 5;
    if (minor <= 0 || step % minor != 0) minor = step;
    const int64_t k0 = ceil_div(view.start_ns - origin_ns, minor);
    const int64_t k1 = floor_div(view.end_ns - origin_ns, minor);
    if (k1 - k0 > 4096) return;  // cannot happen with a sane spacing; keeps a bad input cheap
    for (int64_t k = k0; k <= k1; ++k) {
        RulerTick t;
        const int64_t rel = k * minor;
        t.time_ns = origin_ns + rel;
        t.x = static_cast<float>(time_to_x(view, t.time_ns, width_px));
        t.major = rel % step == 0;
        if (t.major) tick_label(rel, step, unit_ns, t.label, sizeof t.label);
        out.push_back(t);
    }
}

// [SECTION] Model

void WaterfallModel::index_by_span(std::vector<std::pair<uint32_t, uint32_t>>& pairs, std::vector<uint32_t>& keys,
                                   std::vector<uint32_t>& values) {
    std::sort(pairs.begin(), pairs.end());
    keys.resize(pairs.size());
    values.resize(pairs.size());
    for (size_t i = 0; i < pairs.size(); ++i) {
        keys[i] = pairs[i].first;
        values[i] = pairs[i].second;
    }
}

void WaterfallModel::build(const TraceStore& store, const Analysis& analysis, int trace, const Run* truth,
                           std::span<const BrokenHop> hops) {
    store_ = &store;
    analysis_ = &analysis;
    trace_ = trace;
    subtree_end_.clear();
    lanes_.clear();
    gap_marks_.clear();
    crit_keys_.clear();
    crit_values_.clear();
    ghosts_.clear();
    rows_.clear();
    row_of_pos_.clear();
    pos_of_span_.assign(store.spans.size(), -1);
    callee_hops_.clear();
    trace_extent_ = ghost_extent_ = hop_extent_ = extent_ = {};
    if (trace < 0 || static_cast<size_t>(trace) >= analysis.traces.size()) {
        trace_ = -1;
        return;
    }
    const TraceInfo& ti = analysis.traces[static_cast<size_t>(trace)];
    const size_t n = ti.spans.size();
    trace_extent_ = {ti.start_ns, ti.end_ns};

    // Subtree ends from depths (pre-order: a subtree ends at the next span at the same or a shallower depth).
    subtree_end_.assign(n, static_cast<uint32_t>(n));
    std::vector<uint32_t> stack;
    for (uint32_t pos = 0; pos < n; ++pos) {
        const uint32_t s = ti.spans[pos];
        pos_of_span_[s] = static_cast<int32_t>(pos);
        const uint16_t d = analysis.depth[s];
        while (!stack.empty() && analysis.depth[ti.spans[stack.back()]] >= d) {
            subtree_end_[stack.back()] = pos;
            stack.pop_back();
        }
        stack.push_back(pos);
    }

    // Minimap lanes: each depth packed into up to kLanesPerDepth sub-lanes (a span takes the first sub-lane
    // free at its start, so parallel calls show side by side), at most kMaxLanes in all; then each lane is
    // sorted by start, with a running max of ends for the binary search.
    const auto by_start = [&](uint32_t a, uint32_t b) { return store.spans[a].start_ns < store.spans[b].start_ns; };
    std::vector<std::vector<uint32_t>> by_depth;
    for (uint32_t s : ti.spans) {
        const size_t d = analysis.depth[s];
        if (by_depth.size() <= d) by_depth.resize(d + 1);
        by_depth[d].push_back(s);
    }
    for (auto& group : by_depth) {
        std::stable_sort(group.begin(), group.end(), by_start);
        const size_t first = lanes_.size();
        std::vector<int64_t> ends;  // where each of this depth's sub-lanes is busy until
        for (uint32_t s : group) {
            const Span& sp = store.spans[s];
            size_t k = 0;
            while (k < ends.size() && ends[k] > sp.start_ns) ++k;
            if (k == ends.size()) {
                if (ends.size() < size_t(kLanesPerDepth) && lanes_.size() < size_t(kMaxLanes)) {
                    ends.push_back(std::numeric_limits<int64_t>::min());
                    lanes_.emplace_back();
                } else if (ends.empty()) {
                    lanes_.back().spans.push_back(s);  // no lane left for this depth: it shares the last one
                    continue;
                } else {
                    k = ends.size() - 1;  // every sub-lane busy: fold into the last
                }
            }
            ends[k] = std::max(ends[k], sp.end_ns);
            lanes_[first + k].spans.push_back(s);
        }
    }
    for (Lane& lane : lanes_) {
        // Already in order, unless deeper depths were folded into the last lane.
        if (!std::is_sorted(lane.spans.begin(), lane.spans.end(), by_start))
            std::stable_sort(lane.spans.begin(), lane.spans.end(), by_start);
        lane.starts.resize(lane.spans.size());
        lane.max_end.resize(lane.spans.size());
        lane.errors_before.resize(lane.spans.size() + 1);
        lane.errors_before[0] = 0;
        int64_t running = std::numeric_limits<int64_t>::min();
        for (size_t i = 0; i < lane.spans.size(); ++i) {
            const Span& sp = store.spans[lane.spans[i]];
            lane.starts[i] = sp.start_ns;
            running = std::max(running, sp.end_ns);
            lane.max_end[i] = running;
            lane.errors_before[i + 1] = lane.errors_before[i] + (sp.status == StatusCode::Error ? 1u : 0u);
        }
    }

    if (truth != nullptr) build_ghosts(*truth);
    add_hop_ghosts(hops);

    // Gaps worth marking: stretches inside a span where the ground truth shows a child that went elsewhere
    // (a ghost hanging directly off it) and overlapping that child. Ordinary own time is not a gap. The
    // analysis only reports uncovered stretches of spans that still have children; a span that lost every
    // child has none left to cover it, so all of it is unexplained. Ghosts are grouped by anchor.
    for (size_t g = 0; g < ghosts_.size();) {
        const uint32_t pos = ghosts_[g].anchor_pos;
        size_t e = g;
        while (e < ghosts_.size() && ghosts_[e].anchor_pos == pos) ++e;
        const uint32_t s = ti.spans[pos];
        auto lost_child_in = [&](int64_t from, int64_t to) {
            for (size_t k = g; k < e; ++k)
                if (ghosts_[k].caller_ghost < 0 && ghosts_[k].start_ns < to && ghosts_[k].end_ns > from) return true;
            return false;
        };
        if (analysis.child_count[s] == 0) {
            const Span& sp = store.spans[s];
            if (lost_child_in(sp.start_ns, sp.end_ns)) gap_marks_.push_back(Gap{s, sp.start_ns, sp.end_ns});
        } else {
            for (const Gap& gap : analysis.gaps_of(s))
                if (lost_child_in(gap.start_ns, gap.end_ns)) gap_marks_.push_back(gap);
        }
        g = e;
    }
    // By span, each span's stretches staying in time order.
    std::stable_sort(gap_marks_.begin(), gap_marks_.end(), [](const Gap& x, const Gap& y) { return x.span < y.span; });
    std::vector<std::pair<uint32_t, uint32_t>> pairs;
    pairs.clear();
    for (size_t i = 0; i < ti.critical_path.size(); ++i)
        pairs.emplace_back(ti.critical_path[i].span, static_cast<uint32_t>(i));
    index_by_span(pairs, crit_keys_, crit_values_);
    extent_ = trace_extent_;
}

namespace {
void range_of(const std::vector<uint32_t>& keys, const std::vector<uint32_t>& values, int32_t span,
              const uint32_t** begin, const uint32_t** end) {
    const auto [lo, hi] = std::equal_range(keys.begin(), keys.end(), static_cast<uint32_t>(span));
    *begin = values.data() + (lo - keys.begin());
    *end = values.data() + (hi - keys.begin());
}
}  // namespace

std::span<const Gap> WaterfallModel::gaps_of(int32_t span) const {
    const auto [lo, hi] = std::equal_range(gap_marks_.begin(), gap_marks_.end(), Gap{static_cast<uint32_t>(span), 0, 0},
                                           [](const Gap& x, const Gap& y) { return x.span < y.span; });
    return {lo, hi};
}

void WaterfallModel::critical_of(int32_t span, const uint32_t** begin, const uint32_t** end) const {
    range_of(crit_keys_, crit_values_, span, begin, end);
}

int WaterfallModel::row_of_span(int32_t span) const {
    if (span < 0 || static_cast<size_t>(span) >= pos_of_span_.size()) return -1;
    const int32_t pos = pos_of_span_[static_cast<size_t>(span)];
    if (pos < 0 || static_cast<size_t>(pos) >= row_of_pos_.size()) return -1;
    return row_of_pos_[static_cast<size_t>(pos)];
}

void WaterfallModel::build_rows(const std::unordered_set<uint64_t>& collapsed, bool show_ghosts, int64_t cutoff_ns) {
    rows_.clear();
    row_of_pos_.assign(subtree_end_.size(), -1);
    extent_ = trace_extent_;
    if (trace_ < 0) return;
    const TraceInfo& ti = info();
    const Analysis& a = *analysis_;
    const size_t n = ti.spans.size();
    std::vector<int32_t> ghost_row(ghosts_.size(), -1);
    bool hops_visible = false;
    for (size_t k = 0; k < ghosts_.size() && !hops_visible; ++k)
        hops_visible = ghosts_[k].hop >= 0 && ghost_visible(k, show_ghosts);
    if (hops_visible) {
        extent_.start_ns = std::min(extent_.start_ns, hop_extent_.start_ns);
        extent_.end_ns = std::max(extent_.end_ns, hop_extent_.end_ns);
    }
    if (show_ghosts && !ghosts_.empty()) {
        extent_.start_ns = std::min(extent_.start_ns, ghost_extent_.start_ns);
        extent_.end_ns = std::max(extent_.end_ns, ghost_extent_.end_ns);
    }
    if (show_ghosts && !ghosts_.empty()) {
        extent_.start_ns = std::min(extent_.start_ns, ghost_extent_.start_ns);
        extent_.end_ns = std::max(extent_.end_ns, ghost_extent_.end_ns);
    }
    // Ghosts join their anchor's children in time order: a ghost block (a top-level ghost and the ghosts it
    // called) goes before the first real child that started after it, or after the anchor's subtree.
    struct PendingAnchor {
        size_t next = 0, end = 0;  // ghost indices still to place
        uint32_t subtree_end = 0;  // pre-order position where the anchor's subtree ends
        int32_t row = -1;
        int32_t span = -1;
    };
    std::vector<PendingAnchor> pending;
    auto emit_block = [&](PendingAnchor& pa) {
        size_t k = pa.next;
        do {
            const GhostPlacement& gp = ghosts_[k];
            if (gp.start_ns <= cutoff_ns && ghost_visible(k, show_ghosts)) {
                WaterfallRow gr;
                gr.op = gp.op;
                gr.start_ns = gp.start_ns;
                gr.end_ns = gp.end_ns;
                gr.depth = gp.depth;
                gr.flags = kRowGhost;
                if (gp.connector)
                    gr.connector_from = gp.caller_ghost < 0 ? pa.row : ghost_row[static_cast<size_t>(gp.caller_ghost)];
                gr.span = gp.span;
                if (gp.span < 0) gr.flags |= kRowNotTraced;
                if (gp.error) gr.flags |= kRowError;
                if (gp.hop >= 0) {
                    gr.flags |= kRowBrokenHop;
                    gr.hop = gp.hop;
                }
                ghost_row[k] = static_cast<int32_t>(rows_.size());
                rows_.push_back(gr);
            }
            ++k;
        } while (k < pa.end && ghosts_[k].caller_ghost >= 0);
        pa.next = k;
    };
    auto close_ended = [&](uint32_t at) {
        while (!pending.empty() && pending.back().subtree_end <= at) {
            while (pending.back().next < pending.back().end) emit_block(pending.back());
            pending.pop_back();
        }
    };
    size_t g = 0;
    uint32_t pos = 0;
    while (pos < n) {
        close_ended(pos);
        const uint32_t s = ti.spans[pos];
        const Span& sp = store_->spans[s];
        if (sp.start_ns > cutoff_ns) {
            ++pos;
            continue;
        }
        // Ghosts of the parent that started before this child come first.
        if (!pending.empty() && pending.back().span == a.parent[s]) {
            PendingAnchor& pa = pending.back();
            while (pa.next < pa.end && ghosts_[pa.next].start_ns < sp.start_ns) emit_block(pa);
        }
        WaterfallRow row;
        row.span = static_cast<int32_t>(s);
        row.op = sp.op;
        row.start_ns = sp.start_ns;
        row.end_ns = sp.end_ns;
        row.depth = a.depth[s];
        if (a.child_count[s] > 0) row.flags |= kRowHasChildren;
        const bool is_collapsed = a.child_count[s] > 0 && collapsed.count(sp.span_id.value) != 0;
        if (is_collapsed) {
            row.flags |= kRowCollapsed;
            row.hidden = subtree_end_[pos] - pos - 1;
        }
        if (sp.status == StatusCode::Error) row.flags |= kRowError;
        if (s < a.critical_ns.size() && a.critical_ns[s] > 0) row.flags |= kRowCritical;
        // "Slowest" compares spans: a trace of one span has nothing to compare it with.
        if (ti.slowest_span == static_cast<int32_t>(s) && ti.spans.size() > 1) row.flags |= kRowSlowest;
        if (!gaps_of(static_cast<int32_t>(s)).empty()) row.flags |= kRowHasGap;
        if (a.parent[s] < 0 && !sp.is_root()) row.flags |= kRowOrphan;
        if (a.parent[s] < 0)
            for (const auto& [callee, hop] : callee_hops_)
                if (callee == s) {
                    row.flags |= kRowBrokenHop;
                    row.hop = hop;
                }
        const auto anchor_row = static_cast<int32_t>(rows_.size());
        row_of_pos_[pos] = anchor_row;
        rows_.push_back(row);

        while (g < ghosts_.size() && ghosts_[g].anchor_pos < pos) ++g;
        if (!is_collapsed && g < ghosts_.size() && ghosts_[g].anchor_pos == pos) {
            size_t e = g;
            bool any = false;
            for (; e < ghosts_.size() && ghosts_[e].anchor_pos == pos; ++e)
                if (ghost_visible(e, show_ghosts)) any = true;
            if (any) pending.push_back({g, e, subtree_end_[pos], anchor_row, static_cast<int32_t>(s)});
            // Leaves close at once; others wait for their children.
            close_ended(pos + 1);
        }
        pos = is_collapsed ? subtree_end_[pos] : pos + 1;
    }
    close_ended(std::numeric_limits<uint32_t>::max());
}

// [SECTION] Ghosts

void WaterfallModel::build_ghosts(const Run& truth) {
    const TraceInfo& ti = info();
    const Analysis& a = *analysis_;
    const auto op_count = static_cast<int32_t>(truth.ops.size());
    // The request this trace belongs to: the first of its spans that the engine tied to an operation.
    int64_t request = -1;
    for (uint32_t s : ti.spans) {
        const int32_t op = store_->spans[s].op;
        if (op >= 0 && op < op_count) {
            request = truth.ops[static_cast<size_t>(op)].request;
            break;
        }
    }
    if (request < 0) return;
    auto in_trace = [&](const Operation& o) {
        return o.span >= 0 && static_cast<size_t>(o.span) < a.trace_of.size() &&
               static_cast<size_t>(o.span) < store_->spans.size() &&
               a.trace_of[static_cast<size_t>(o.span)] == trace_ &&
               store_->spans[static_cast<size_t>(o.span)].op == static_cast<int32_t>(&o - truth.ops.data());
    };
    // Which trace an operation's span landed in; distinct negative keys for operations without a span.
    auto trace_key = [&](int32_t op) -> int64_t {
        const Operation& o = truth.ops[static_cast<size_t>(op)];
        if (in_trace(o)) return trace_;
        if (o.span >= 0 && static_cast<size_t>(o.span) < a.trace_of.size())
            return a.trace_of[static_cast<size_t>(o.span)];
        return -2 - static_cast<int64_t>(op);
    };
    // Children of each operation of the request, by true start.
    std::unordered_map<int32_t, std::vector<int32_t>> kids;
    for (int32_t i = 0; i < op_count; ++i) {
        const Operation& o = truth.ops[static_cast<size_t>(i)];
        if (static_cast<int64_t>(o.request) != request || o.parent < 0 || o.parent >= op_count) continue;
        kids[o.parent].push_back(i);
    }
    for (auto& [parent, list] : kids)
        std::sort(list.begin(), list.end(), [&](int32_t x, int32_t y) {
            return truth.ops[static_cast<size_t>(x)].start_ns < truth.ops[static_cast<size_t>(y)].start_ns;
        });

    struct Frame {
        int32_t op;
        int32_t caller_ghost;
    };
    std::vector<Frame> todo;
    for (uint32_t pos = 0; pos < ti.spans.size(); ++pos) {
        const uint32_t s = ti.spans[pos];
        const int32_t anchor_op = store_->spans[s].op;
        if (anchor_op < 0 || anchor_op >= op_count) continue;
        const Operation& anchor = truth.ops[static_cast<size_t>(anchor_op)];
        if (static_cast<int64_t>(anchor.request) != request || !in_trace(anchor)) continue;
        auto it = kids.find(anchor_op);
        if (it == kids.end()) continue;
        // Anchor the ground truth to the anchor's observed start: ghosts sit where they happened relative to it.
        const int64_t shift = store_->spans[s].start_ns - anchor.start_ns;
        todo.clear();
        for (auto k = it->second.rbegin(); k != it->second.rend(); ++k) todo.push_back({*k, -1});
        while (!todo.empty()) {
            const Frame f = todo.back();
            todo.pop_back();
            const Operation& o = truth.ops[static_cast<size_t>(f.op)];
            if (in_trace(o)) continue;  // back in this trace: it has a real row
            GhostPlacement gp;
            gp.op = f.op;
            gp.span = o.span;
            gp.error = o.error;
            gp.anchor_pos = pos;
            gp.caller_ghost = f.caller_ghost;
            gp.depth = static_cast<uint16_t>(a.depth[s] + std::max(1, o.depth - anchor.depth));
            gp.start_ns = o.start_ns + shift;
            gp.end_ns = o.end_ns + shift;
            gp.connector = o.parent >= 0 && trace_key(o.parent) != trace_key(f.op);
            const auto me = static_cast<int32_t>(ghosts_.size());
            ghosts_.push_back(gp);
            if (ghosts_.size() == 1) {
                ghost_extent_ = {gp.start_ns, gp.end_ns};
            } else {
                ghost_extent_.start_ns = std::min(ghost_extent_.start_ns, gp.start_ns);
                ghost_extent_.end_ns = std::max(ghost_extent_.end_ns, gp.end_ns);
            }
            auto kit = kids.find(f.op);
            if (kit == kids.end()) continue;
            for (auto k = kit->second.rbegin(); k != kit->second.rend(); ++k) todo.push_back({*k, me});
        }
    }
}

// Broken hops called from this trace: each callee's root becomes a ghost under the calling span, at its own
// (observed) time. Merged into ghosts_, which stays grouped by anchor; a hop's ghost closes its anchor's group.
void WaterfallModel::add_hop_ghosts(std::span<const BrokenHop> hops) {
    std::vector<GhostPlacement> extra;
    std::unordered_set<int32_t> shown;  // spans the ground-truth ghosts already draw
    for (const GhostPlacement& g : ghosts_)
        if (g.span >= 0) shown.insert(g.span);
    for (size_t i = 0; i < hops.size(); ++i) {
        const BrokenHop& h = hops[i];
        if (h.callee_span >= store_->spans.size() || h.caller_span >= store_->spans.size()) continue;
        if (h.callee_trace == static_cast<uint32_t>(trace_))
            callee_hops_.emplace_back(h.callee_span, static_cast<int32_t>(i));
        if (h.caller_trace != static_cast<uint32_t>(trace_)) continue;
        const int32_t pos = pos_of_span_[h.caller_span];
        if (pos < 0) continue;
        const Span& callee = store_->spans[h.callee_span];
        GhostPlacement gp;
        gp.span = static_cast<int32_t>(h.callee_span);
        gp.error = callee.status == StatusCode::Error;
        gp.anchor_pos = static_cast<uint32_t>(pos);
        gp.depth = static_cast<uint16_t>(analysis_->depth[h.caller_span] + 1);
        gp.connector = true;
        gp.hop = static_cast<int32_t>(i);
        gp.covered = shown.count(gp.span) != 0;
        gp.start_ns = callee.start_ns;
        gp.end_ns = callee.end_ns;
        if (extra.empty()) {
            hop_extent_ = {gp.start_ns, gp.end_ns};
        } else {
            hop_extent_.start_ns = std::min(hop_extent_.start_ns, gp.start_ns);
            hop_extent_.end_ns = std::max(hop_extent_.end_ns, gp.end_ns);
        }
        extra.push_back(gp);
    }
    if (extra.empty()) return;
    std::stable_sort(extra.begin(), extra.end(),
                     [](const GhostPlacement& x, const GhostPlacement& y) { return x.anchor_pos < y.anchor_pos; });
    std::vector<GhostPlacement> merged;
    merged.reserve(ghosts_.size() + extra.size());
    std::vector<int32_t> remap(ghosts_.size(), -1);
    size_t i = 0, j = 0;
    while (i < ghosts_.size() || j < extra.size()) {
        if (j >= extra.size() || (i < ghosts_.size() && ghosts_[i].anchor_pos <= extra[j].anchor_pos)) {
            remap[i] = static_cast<int32_t>(merged.size());
            merged.push_back(ghosts_[i++]);
        } else {
            merged.push_back(extra[j++]);
        }
    }
    for (GhostPlacement& g : merged)
        if (g.hop < 0 && g.caller_ghost >= 0) g.caller_ghost = remap[static_cast<size_t>(g.caller_ghost)];
    ghosts_ = std::move(merged);
}

// [SECTION] Per-frame layout

void layout_rows(const WaterfallModel& model, const WaterfallLayoutParams& p, WaterfallFrame& out) {
    out.clear();
    const auto& rows = model.rows();
    const auto n = static_cast<int64_t>(rows.size());
    if (n == 0 || p.row_height <= 0.0f || p.viewport_px <= 0.0f) return;
    const int64_t first = std::clamp<int64_t>(static_cast<int64_t>(std::floor(p.scroll_y / p.row_height)), 0, n);
    const int64_t end =
        std::clamp<int64_t>(static_cast<int64_t>(std::ceil((p.scroll_y + p.viewport_px) / p.row_height)), first, n);
    out.first_row = static_cast<uint32_t>(first);
    out.end_row = static_cast<uint32_t>(end);
    const double w = p.width_px;
    const float lo = -4.0f, hi = p.width_px + 4.0f;
    auto clip = [&](double x) {
        return static_cast<float>(std::clamp(x, static_cast<double>(lo), static_cast<double>(hi)));
    };
    const TraceInfo& ti = model.info();

    for (int64_t r = first; r < end; ++r) {
        const WaterfallRow& row = rows[static_cast<size_t>(r)];
        WaterfallBar bar;
        bar.row = static_cast<uint32_t>(r);
        bar.flags = row.flags;
        if (row.span >= 0 && row.span == p.selected_span && !(row.flags & kRowGhost)) bar.flags |= kRowSelected;
        int64_t e = row.end_ns;
        if (e > p.cutoff_ns) {
            e = std::max(row.start_ns, p.cutoff_ns);
            bar.flags |= kRowRunning;
        }
        const double x0 = time_to_x(p.view, row.start_ns, w);
        double x1 = time_to_x(p.view, e, w);
        if (x1 - x0 < p.min_bar_px) x1 = x0 + p.min_bar_px;
        bar.visible = !p.view.empty() && x1 >= 0.0 && x0 <= w;
        bar.x0 = clip(x0);
        bar.x1 = clip(x1);
        out.bars.push_back(bar);
        if (!bar.visible || (row.flags & kRowGhost)) continue;

        if (row.flags & kRowHasGap) {
            for (const Gap& gap : model.gaps_of(row.span)) {
                const int64_t gs = gap.start_ns, ge = std::min(gap.end_ns, e);
                if (ge <= gs) continue;
                out.gaps.push_back({bar.row, clip(time_to_x(p.view, gs, w)), clip(time_to_x(p.view, ge, w))});
            }
        }
        if (row.flags & kRowCritical) {
            const uint32_t *b = nullptr, *en = nullptr;
            model.critical_of(row.span, &b, &en);
            for (; b != en; ++b) {
                const CriticalSegment& seg = ti.critical_path[*b];
                const int64_t cs = seg.start_ns, ce = std::min(seg.end_ns, e);
                if (ce <= cs) continue;
                out.critical.push_back({bar.row, clip(time_to_x(p.view, cs, w)), clip(time_to_x(p.view, ce, w))});
            }
        }
    }

    // Connectors into ghosts on screen (their caller row may be above the viewport).
    const int64_t scan_end = std::min<int64_t>(n, end + 64);
    for (int64_t r = first; r < scan_end; ++r) {
        const WaterfallRow& row = rows[static_cast<size_t>(r)];
        if (row.connector_from < 0 || row.connector_from >= end) continue;
        const WaterfallRow& from = rows[static_cast<size_t>(row.connector_from)];
        const double xt = time_to_x(p.view, row.start_ns, w);
        const double xf = std::clamp(xt, time_to_x(p.view, from.start_ns, w), time_to_x(p.view, from.end_ns, w));
        out.connectors.push_back({row.connector_from, static_cast<uint32_t>(r), clip(xf), clip(xt)});
    }
}

void layout_lanes(const WaterfallModel& model, TimeRange view, float width_px, float min_px,
                  std::vector<LaneBlock>& out, int64_t cutoff_ns) {
    out.clear();
    if (view.empty() || width_px <= 0.0f) return;
    const double scale = width_px / static_cast<double>(view.width());  // px per ns
    const auto min_ns = std::max<int64_t>(1, static_cast<int64_t>(std::ceil(min_px / scale)));
    const int64_t view_end =
        std::min(view.end_ns, cutoff_ns == std::numeric_limits<int64_t>::max() ? view.end_ns : cutoff_ns + 1);
    for (int li = 0; li < model.lane_count(); ++li) {
        const WaterfallModel::Lane& lane = model.lane(li);
        const auto& starts = lane.starts;
        const size_t n = starts.size();
        // First span that can reach into the view: the running max of ends passes view.start there.
        size_t i = static_cast<size_t>(std::upper_bound(lane.max_end.begin(), lane.max_end.end(), view.start_ns) -
                                       lane.max_end.begin());
        while (i < n && starts[i] < view_end) {
            const int64_t a = starts[i];
            int64_t e = std::max(lane.max_end[i], a);
            size_t j = i + 1;
            // Absorb everything that overlaps the block, or starts within min_px of a block still that narrow.
            while (true) {
                const int64_t threshold = std::min(std::max(e, a + min_ns), view_end);
                const auto k = static_cast<size_t>(
                    std::lower_bound(starts.begin() + static_cast<std::ptrdiff_t>(j), starts.end(), threshold) -
                    starts.begin());
                if (k == j) break;
                e = std::max(e, lane.max_end[k - 1]);
                j = k;
            }
            LaneBlock blk;
            blk.lane = static_cast<uint16_t>(li);
            blk.count = static_cast<uint32_t>(j - i);
            blk.span = static_cast<int32_t>(lane.spans[i]);
            blk.start_ns = a;
            blk.end_ns = std::min(e, cutoff_ns);
            blk.errors = lane.errors_before[j] - lane.errors_before[i];
            double x0 = time_to_x(view, a, width_px), x1 = time_to_x(view, blk.end_ns, width_px);
            if (x1 - x0 < 1.0) x1 = x0 + 1.0;
            blk.x0 = static_cast<float>(std::max(x0, -1.0));
            blk.x1 = static_cast<float>(std::min(x1, static_cast<double>(width_px) + 1.0));
            out.push_back(blk);
            i = j;
        }
    }
}

// [SECTION] Bar text placement

namespace {
constexpr float kTextInset = 4.0f;  // text inside a bar, from its ends and from a gap
constexpr float kTextGap = 6.0f;    // text beside a bar, and between label and badge

struct Interval {
    float l = 0.0f, r = 0.0f;
};

bool overlaps(float l, float r, const Interval* block) {
    return block != nullptr && l < block->r && r > block->l;
}

// The label for a bar, with `badge` (margins included) kept clear when given.
void place_label(const BarTextRequest& q, const Interval* badge, BarTextPlacement& out) {
    out.label = -1;
    out.label_backed = false;
    const float in_l = std::max(q.x0, q.area_l) + kTextInset, in_r = std::min(q.x1, q.area_r) - kTextInset;
    // Stretches inside the bar clear of gaps and the badge. Few per row: a fixed buffer, no allocation.
    Interval free[16];
    int n = 0;
    float from = in_l;
    auto cut = [&](float l, float r) {
        if (l > from && n < 16) free[n++] = {from, std::min(l, in_r)};
        from = std::max(from, r);
    };
    bool badge_cut = badge == nullptr;
    for (const WaterfallMark& g : q.gaps) {
        if (!badge_cut && badge->l < g.x0) {
            cut(badge->l, badge->r);
            badge_cut = true;
        }
        cut(g.x0 - kTextInset, g.x1 + kTextInset);
    }
    if (!badge_cut) cut(badge->l, badge->r);
    cut(in_r, in_r);
    for (int i = 0; i < 3; ++i) {
        const float w = q.label_w[i];
        if (w <= 0.0f) continue;
        for (int k = 0; k < n; ++k)
            if (free[k].r - free[k].l >= w) {
                out.label = i;
                out.label_x = free[k].l;
                return;
            }
        const float after = q.x1 + kTextGap, before = q.x0 - kTextGap - w;
        if (after + w <= q.area_r && !overlaps(after, after + w, badge)) {
            out.label = i;
            out.label_x = after;
            return;
        }
        if (before >= q.area_l && !overlaps(before, before + w, badge)) {
            out.label = i;
            out.label_x = before;
            return;
        }
    }
    // Nowhere clear of the hatching: the shortest useful text that fits on the bar, over the hatching.
    const float limit = badge != nullptr ? std::min(in_r, badge->l) : in_r;
    for (int i : {q.label_w[1] > 0.0f ? 1 : 0, 2}) {
        const float w = q.label_w[i];
        if (w <= 0.0f || limit - in_l < w) continue;
        out.label = i;
        out.label_x = in_l;
        out.label_backed = true;
        return;
    }
}
}  // namespace

BarTextPlacement place_bar_text(const BarTextRequest& q) {
    BarTextPlacement out;
    place_label(q, nullptr, out);
    if (q.badge_w <= 0.0f) return out;
    // Beside the label (or the bar) on the right, else on the left.
    float used_l = q.x0, used_r = q.x1;
    if (out.label >= 0 && !out.label_backed) {
        used_l = std::min(used_l, out.label_x);
        used_r = std::max(used_r, out.label_x + q.label_w[out.label]);
    }
    float bx = used_r + kTextGap;
    if (bx + q.badge_w > q.area_r) bx = used_l - kTextGap - q.badge_w;
    if (bx >= q.area_l && bx + q.badge_w <= q.area_r) {
        out.badge = true;
        out.badge_x = bx;
        return out;
    }
    // No room beside it: over the bar's right end, and the label moves or shortens to keep clear.
    const float right = std::min(q.x1, q.area_r) - 2.0f;
    out.badge = true;
    out.badge_inside = true;
    out.badge_x = std::max(q.area_l, right - q.badge_w);
    const Interval block{out.badge_x - kTextGap, out.badge_x + q.badge_w + kTextGap};
    place_label(q, &block, out);
    return out;
}

}  // namespace tl::ui
