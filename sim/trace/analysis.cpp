// Analysis: turns the flat spans of a TraceStore into traces, trees, self times, gaps and critical paths.
// - Everything is flat arrays indexed by span; all working memory lives in Analysis::scratch, so a
//   re-analysis of a store of the same size allocates nothing. O(n log n) overall (sorts of sibling groups).
// - Bad input (duplicate span ids, parent cycles, children outside their parent) never hangs or crashes:
//   it becomes a warning on the trace.
//
// [SECTION] Helpers
// [SECTION] Grouping spans into traces
// [SECTION] Linking parents, breaking cycles
// [SECTION] Children and tree order
// [SECTION] Self time and gaps
// [SECTION] Critical path (Jaeger UI's algorithm)
// [SECTION] Trace summary and warnings
// [SECTION] Entry points

#include "sim/trace/analysis.hpp"

#include <algorithm>
#include <numeric>

namespace tl {
namespace {

// [SECTION] Helpers

constexpr uint8_t kMissingParent = 1;  // parent id set, but no such span in the trace
constexpr uint8_t kInCycle = 2;        // part of a parent cycle; detached and listed as the trace's cycle
constexpr uint8_t kDuplicateId = 4;    // reuses a span id already seen in the trace
constexpr uint8_t kOnPathTree = 8;     // takes part in the critical-path walk of its trace
constexpr uint8_t kRoot = 16;          // has no parent id, or names itself as parent (then read as a root)
constexpr uint8_t kError = 32;         // status ERROR
constexpr uint8_t kProducer = 64;      // kind PRODUCER
constexpr uint8_t kConsumer = 128;     // kind CONSUMER

uint64_t mix64(uint64_t x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

// A power of two at least twice `n`, so linear probing stays short.
size_t table_size(size_t n) {
    size_t c = 16;
    while (c < n * 2) c <<= 1;
    return c;
}

// A span that ends before it starts is treated as lasting zero time.
int64_t end_of(const Span& s) {
    return s.end_ns < s.start_ns ? s.start_ns : s.end_ns;
}

std::string count_words(size_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

// [SECTION] Grouping spans into traces

// Fills trace_of (final trace index per span), scratch.by_trace/trace_begin and the traces' ids, in the
// order "start time, then trace id".
void group_into_traces(const TraceStore& store, Analysis& out) {
    const auto& spans = store.spans;
    const size_t n = spans.size();
    AnalysisScratch& sc = out.scratch;

    sc.trace_slots.assign(table_size(n), -1);
    const size_t mask = sc.trace_slots.size() - 1;
    sc.group_ids.clear();
    sc.group_start.clear();
    sc.group_count.clear();
    for (size_t i = 0; i < n; ++i) {
        const TraceId id = spans[i].trace_id;
        size_t h = mix64(id.hi ^ mix64(id.lo)) & mask;
        while (sc.trace_slots[h] >= 0 && sc.group_ids[static_cast<size_t>(sc.trace_slots[h])] != id) {
            h = (h + 1) & mask;
        }
        if (sc.trace_slots[h] < 0) {
            sc.trace_slots[h] = static_cast<int32_t>(sc.group_ids.size());
            sc.group_ids.push_back(id);
            sc.group_start.push_back(spans[i].start_ns);
            sc.group_count.push_back(0);
        }
        const auto g = static_cast<size_t>(sc.trace_slots[h]);
        const Span& s = spans[i];
        sc.start[i] = s.start_ns;
        sc.end[i] = end_of(s);
        sc.span_id[i] = s.span_id.value;
        sc.parent_id[i] = s.parent_span_id.value;
        sc.flags[i] =
            uint8_t((s.is_root() ? kRoot : 0) | (s.status == StatusCode::Error ? kError : 0) |
                    (s.kind == SpanKind::Producer ? kProducer : 0) | (s.kind == SpanKind::Consumer ? kConsumer : 0));
        sc.group_count[g]++;
        sc.group_start[g] = std::min(sc.group_start[g], spans[i].start_ns);
        out.trace_of[i] = static_cast<int32_t>(g);
    }

    const size_t trace_count = sc.group_ids.size();
    sc.group_order.resize(trace_count);
    std::iota(sc.group_order.begin(), sc.group_order.end(), 0u);
    std::sort(sc.group_order.begin(), sc.group_order.end(), [&](uint32_t a, uint32_t b) {
        if (sc.group_start[a] != sc.group_start[b]) return sc.group_start[a] < sc.group_start[b];
        return sc.group_ids[a] < sc.group_ids[b];
    });
    sc.group_rank.resize(trace_count);
    for (size_t k = 0; k < trace_count; ++k) sc.group_rank[sc.group_order[k]] = static_cast<uint32_t>(k);
    for (size_t i = 0; i < n; ++i) {
        out.trace_of[i] = static_cast<int32_t>(sc.group_rank[static_cast<size_t>(out.trace_of[i])]);
    }

    // Counting sort of span indices by trace (stable: store order within a trace).
    sc.trace_begin.assign(trace_count + 1, 0);
    for (size_t g = 0; g < trace_count; ++g) sc.trace_begin[sc.group_rank[g] + 1] = sc.group_count[g];
    for (size_t t = 0; t < trace_count; ++t) sc.trace_begin[t + 1] += sc.trace_begin[t];
    sc.by_trace.resize(n);
    sc.path_next.assign(sc.trace_begin.begin(), sc.trace_begin.end() - 1);  // fill cursor per trace
    for (size_t i = 0; i < n; ++i) {
        sc.by_trace[sc.path_next[static_cast<size_t>(out.trace_of[i])]++] = static_cast<uint32_t>(i);
    }

    out.traces.resize(trace_count);
    for (size_t t = 0; t < trace_count; ++t) {
        TraceInfo& info = out.traces[t];
        info.id = sc.group_ids[sc.group_order[t]];
        info.spans.clear();
        info.root = -1;
        info.root_count = 0;
        info.orphans.clear();
        info.cycle.clear();
        info.start_ns = sc.group_start[sc.group_order[t]];
        info.end_ns = info.start_ns;
        info.has_error = false;
        info.warnings.clear();
        info.critical_path.clear();
        info.slowest_span = -1;
    }
    out.trace_by_id.resize(trace_count);
    std::iota(out.trace_by_id.begin(), out.trace_by_id.end(), 0u);
    std::sort(out.trace_by_id.begin(), out.trace_by_id.end(),
              [&](uint32_t a, uint32_t b) { return out.traces[a].id < out.traces[b].id; });
}

// [SECTION] Linking parents, breaking cycles

// Resolves each parent span id within the span's own trace. The first span (in store order) with an id
// owns it; later spans with the same id are flagged as duplicates.
void link_parents(Analysis& out) {
    AnalysisScratch& sc = out.scratch;
    const size_t n = sc.span_id.size();
    sc.span_slots.assign(table_size(n), AnalysisScratch::SpanSlot{});
    const size_t mask = sc.span_slots.size() - 1;
    auto slot_of = [&](uint32_t trace, uint64_t id) {
        return mix64(id ^ (static_cast<uint64_t>(trace) * 0x9e3779b97f4a7c15ULL)) & mask;
    };

    // Table slots are random memory accesses: ask for them a few spans ahead so the misses overlap.
    constexpr size_t kAhead = 16;
    auto prefetch = [&](size_t i, uint64_t id) {
        __builtin_prefetch(&sc.span_slots[slot_of(static_cast<uint32_t>(out.trace_of[i]), id)]);
    };
    for (size_t i = 0; i < n; ++i) {
        if (i + kAhead < n) prefetch(i + kAhead, sc.span_id[i + kAhead]);
        const auto t = static_cast<uint32_t>(out.trace_of[i]);
        const uint64_t id = sc.span_id[i];
        size_t h = slot_of(t, id);
        while (sc.span_slots[h].span_plus_one != 0 &&
               !(sc.span_slots[h].span_id == id && sc.span_slots[h].trace == t)) {
            h = (h + 1) & mask;
        }
        if (sc.span_slots[h].span_plus_one != 0) {
            sc.flags[i] |= kDuplicateId;
        } else {
            sc.span_slots[h] = AnalysisScratch::SpanSlot{id, t, static_cast<uint32_t>(i) + 1};
        }
    }

    for (size_t i = 0; i < n; ++i) {
        if (i + kAhead < n) prefetch(i + kAhead, sc.parent_id[i + kAhead]);
        out.parent[i] = -1;
        if (sc.flags[i] & kRoot) continue;
        const auto t = static_cast<uint32_t>(out.trace_of[i]);
        const uint64_t id = sc.parent_id[i];
        for (size_t h = slot_of(t, id); sc.span_slots[h].span_plus_one != 0; h = (h + 1) & mask) {
            if (sc.span_slots[h].span_id == id && sc.span_slots[h].trace == t) {
                out.parent[i] = static_cast<int32_t>(sc.span_slots[h].span_plus_one - 1);
                break;
            }
        }
        if (out.parent[i] == static_cast<int32_t>(i)) {
            // Its parent id is its own: a root whose exporter filled in the wrong field (Zipkin's span builder
            // drops such a self-reference the same way). summarize_trace() warns about it.
            out.parent[i] = -1;
            sc.flags[i] |= kRoot;
        } else if (out.parent[i] < 0) {
            sc.flags[i] |= kMissingParent;
        }
    }
}

// Every span has at most one parent, so each walk upwards either ends at a top-level span, reaches a span
// already explained, or comes back to itself (a cycle). Spans on a cycle lose their parent.
void break_cycles(Analysis& out) {
    AnalysisScratch& sc = out.scratch;
    const size_t n = out.parent.size();
    sc.visit.assign(n, 0);  // 0 unseen, 1 on the current walk, 2 done
    for (size_t i = 0; i < n; ++i) {
        if (sc.visit[i] != 0) continue;
        sc.stack.clear();
        int32_t v = static_cast<int32_t>(i);
        while (v >= 0 && sc.visit[static_cast<size_t>(v)] == 0) {
            sc.visit[static_cast<size_t>(v)] = 1;
            sc.stack.push_back(static_cast<uint32_t>(v));
            v = out.parent[static_cast<size_t>(v)];
        }
        if (v >= 0 && sc.visit[static_cast<size_t>(v)] == 1) {
            for (size_t k = sc.stack.size(); k-- > 0;) {
                sc.flags[sc.stack[k]] |= kInCycle;
                if (sc.stack[k] == static_cast<uint32_t>(v)) break;
            }
        }
        for (uint32_t u : sc.stack) sc.visit[u] = 2;
    }
    for (size_t i = 0; i < n; ++i) {
        if (sc.flags[i] & kInCycle) out.parent[i] = -1;
    }
}

// [SECTION] Children and tree order

void collect_children(Analysis& out) {
    const auto& start = out.scratch.start;
    const size_t n = start.size();
    std::fill(out.child_count.begin(), out.child_count.end(), 0u);
    for (size_t i = 0; i < n; ++i) {
        if (out.parent[i] >= 0) out.child_count[static_cast<size_t>(out.parent[i])]++;
    }
    uint32_t total = 0;
    for (size_t i = 0; i < n; ++i) {
        out.child_begin[i] = total;
        total += out.child_count[i];
    }
    out.children.resize(total);
    auto& cursor = out.scratch.path_next;
    cursor.assign(out.child_begin.begin(), out.child_begin.end());
    for (size_t i = 0; i < n; ++i) {
        if (out.parent[i] >= 0) out.children[cursor[static_cast<size_t>(out.parent[i])]++] = static_cast<uint32_t>(i);
    }
    auto by_start = [&](uint32_t a, uint32_t b) { return start[a] != start[b] ? start[a] < start[b] : a < b; };
    for (size_t i = 0; i < n; ++i) {
        if (out.child_count[i] < 2) continue;
        auto first = out.children.begin() + out.child_begin[i];
        auto last = first + out.child_count[i];
        if (!std::is_sorted(first, last, by_start)) std::sort(first, last, by_start);
    }
}

// Pre-order walk of one trace: top-level spans (roots and orphans) by start time, each followed by its
// subtree with children by start time. Sets depth, root, root_count, orphans, time range and errors.
void order_trace(Analysis& out, size_t t) {
    AnalysisScratch& sc = out.scratch;
    const auto& start = sc.start;
    TraceInfo& info = out.traces[t];
    const uint32_t begin = sc.trace_begin[t];
    const uint32_t end = sc.trace_begin[t + 1];

    sc.tops.clear();
    for (uint32_t k = begin; k < end; ++k) {
        const uint32_t i = sc.by_trace[k];
        if (out.parent[i] < 0) sc.tops.push_back(i);
    }
    std::sort(sc.tops.begin(), sc.tops.end(),
              [&](uint32_t a, uint32_t b) { return start[a] != start[b] ? start[a] < start[b] : a < b; });

    info.spans.reserve(end - begin);
    for (uint32_t top : sc.tops) {
        out.depth[top] = 0;
        sc.stack.clear();
        sc.stack.push_back(top);
        while (!sc.stack.empty()) {
            const uint32_t v = sc.stack.back();
            sc.stack.pop_back();
            info.spans.push_back(v);
            const uint32_t cb = out.child_begin[v];
            const uint16_t child_depth = out.depth[v] == UINT16_MAX ? UINT16_MAX : uint16_t(out.depth[v] + 1);
            for (uint32_t c = out.child_count[v]; c-- > 0;) {
                const uint32_t child = out.children[cb + c];
                out.depth[child] = child_depth;
                sc.stack.push_back(child);
            }
        }
    }

    for (uint32_t v : info.spans) {
        info.end_ns = std::max(info.end_ns, sc.end[v]);
        if (sc.flags[v] & kError) info.has_error = true;
        if (sc.flags[v] & kRoot) {
            if (info.root_count++ == 0) info.root = static_cast<int32_t>(v);
        } else if (sc.flags[v] & kInCycle) {
            info.cycle.push_back(v);
        } else if (out.parent[v] < 0) {
            info.orphans.push_back(v);
        }
    }
}

// [SECTION] Self time and gaps

// One sweep over the children (already by start time), each clipped to the span: what they cover is not
// self time, and every stretch they leave uncovered is a gap.
void measure_self_time(Analysis& out, size_t t) {
    const auto& start = out.scratch.start;
    const auto& end = out.scratch.end;
    for (uint32_t v : out.traces[t].spans) {
        const int64_t s_start = start[v];
        const int64_t s_end = end[v];
        out.gap_begin[v] = static_cast<uint32_t>(out.gaps.size());
        out.gap_count[v] = 0;
        const uint32_t count = out.child_count[v];
        if (count == 0) {
            out.self_ns[v] = s_end - s_start;
            continue;
        }
        int64_t reach = s_start;  // everything before `reach` is covered or already reported as a gap
        int64_t covered = 0;
        auto add_gap = [&](int64_t a, int64_t b) {
            out.gaps.push_back(Gap{v, a, b});
            out.gap_count[v]++;
        };
        for (uint32_t k = 0; k < count; ++k) {
            const uint32_t c = out.children[out.child_begin[v] + k];
            const int64_t cs = std::max(start[c], s_start);
            const int64_t ce = std::min(end[c], s_end);
            if (ce <= cs) continue;
            if (cs > reach) add_gap(reach, cs);
            if (ce > reach) {
                covered += ce - std::max(cs, reach);
                reach = ce;
            }
        }
        if (reach < s_end) add_gap(reach, s_end);
        out.self_ns[v] = s_end - s_start - covered;
    }
}

// [SECTION] Critical path (Jaeger UI's algorithm)
//
// Ported from jaeger-ui packages/jaeger-ui/src/components/TracePage/CriticalPath (index.ts,
// utils/filterBlockingSpans.ts, utils/sanitizeOverFlowingChildren.ts, utils/findLastFinishingChildSpan.ts):
// - Non-blocking children (a CONSUMER under a PRODUCER) are removed with their whole subtree.
// - Children are clipped into their (already clipped) parent; a child entirely outside it is dropped with
//   its subtree.
// - From the top span's end, walk backwards: the span is on the path until its last-finishing child ends;
//   that child is then followed. When a span has no child left that ends before the point reached, it is
//   on the path back to its own start, and the walk returns to its parent at that start.
// Two differences from Jaeger's code, neither visible on its own test fixtures:
// - "Ends before" includes ending exactly at the point. Jaeger requires strictly earlier, so of two calls
//   made back to back (db.INSERT ends at the instant payments.Charge starts, as the simulator produces them)
//   the first would never be on the path and its parent would be blamed for its time.
// - Jaeger's recursion becomes a loop (a 100k-deep chain must not overflow the stack). Each span keeps a
//   cursor into its children sorted by end time; it only moves backwards, past every child already taken,
//   so no child is walked twice (zero-length children included).

void walk_critical_path(Analysis& out, size_t t) {
    AnalysisScratch& sc = out.scratch;
    TraceInfo& info = out.traces[t];
    if (info.spans.empty()) return;

    // Where the walk starts: the root, or the longest top-level span when the root never arrived.
    size_t pos = 0;
    if (info.root >= 0) {
        while (info.spans[pos] != static_cast<uint32_t>(info.root)) ++pos;
    } else {
        int64_t longest = -1;
        for (size_t k = 0; k < info.spans.size(); ++k) {
            const uint32_t v = info.spans[k];
            if (out.depth[v] != 0) continue;
            const int64_t d = sc.end[v] - sc.start[v];
            if (d > longest) {
                longest = d;
                pos = k;
            }
        }
    }
    const uint32_t top = info.spans[pos];
    size_t pos_end = pos + 1;  // the subtree of a top-level span is contiguous in pre-order
    while (pos_end < info.spans.size() && out.depth[info.spans[pos_end]] != 0) ++pos_end;

    // Clip (parents come before children in pre-order, so each parent is final when its children look).
    for (size_t k = pos; k < pos_end; ++k) {
        const uint32_t v = info.spans[k];
        int64_t cs = sc.start[v];
        int64_t ce = sc.end[v];
        bool kept = true;
        if (v != top) {
            const auto p = static_cast<uint32_t>(out.parent[v]);
            // Jaeger's blocks_parent(): a consumer under a producer is left out with its subtree.
            kept = (sc.flags[p] & kOnPathTree) && !((sc.flags[v] & kConsumer) && (sc.flags[p] & kProducer));
            if (kept) {
                const int64_t ps = sc.clip_start[p];
                const int64_t pe = sc.clip_end[p];
                if (cs >= ps) {
                    kept = cs < pe;
                    ce = std::min(ce, pe);
                } else {
                    kept = ce > ps;
                    cs = ps;
                    ce = std::min(ce, pe);
                }
            }
        }
        sc.flags[v] = kept ? uint8_t(sc.flags[v] | kOnPathTree) : uint8_t(sc.flags[v] & ~kOnPathTree);
        sc.clip_start[v] = cs;
        sc.clip_end[v] = ce;
    }

    // Each kept span's kept children, ordered so that the one Jaeger would pick among equals comes last:
    // by end, then the earliest start, then store order.
    auto picked_last = [&](uint32_t a, uint32_t b) {
        if (sc.clip_end[a] != sc.clip_end[b]) return sc.clip_end[a] < sc.clip_end[b];
        if (sc.clip_start[a] != sc.clip_start[b]) return sc.clip_start[a] > sc.clip_start[b];
        return a > b;
    };
    for (size_t k = pos; k < pos_end; ++k) {
        const uint32_t v = info.spans[k];
        if (!(sc.flags[v] & kOnPathTree)) continue;
        const uint32_t cb = out.child_begin[v];
        uint32_t kept = 0;
        for (uint32_t c = 0; c < out.child_count[v]; ++c) {
            const uint32_t child = out.children[cb + c];
            if (sc.flags[child] & kOnPathTree) sc.path_children[cb + kept++] = child;
        }
        std::sort(sc.path_children.begin() + cb, sc.path_children.begin() + cb + kept, picked_last);
        sc.path_count[v] = kept;
        sc.path_next[v] = kept;
    }

    // The walk, backwards in time.
    sc.segments.clear();
    sc.segments.reserve(pos_end - pos);
    uint32_t cur = top;
    int64_t point = sc.clip_end[top];
    for (;;) {
        uint32_t next = sc.path_next[cur];
        const uint32_t cb = out.child_begin[cur];
        while (next > 0 && sc.clip_end[sc.path_children[cb + next - 1]] > point) --next;
        if (next > 0) {
            const uint32_t child = sc.path_children[cb + next - 1];
            const int64_t child_end = sc.clip_end[child];
            sc.path_next[cur] = next - 1;  // taken: never again
            if (child_end != point) sc.segments.push_back(CriticalSegment{cur, child_end, point});
            cur = child;
            point = child_end;
        } else {
            sc.path_next[cur] = 0;
            if (sc.clip_start[cur] != point) sc.segments.push_back(CriticalSegment{cur, sc.clip_start[cur], point});
            if (cur == top) break;
            point = sc.clip_start[cur];
            cur = static_cast<uint32_t>(out.parent[cur]);
        }
    }

    info.critical_path.assign(sc.segments.rbegin(), sc.segments.rend());
    for (const CriticalSegment& seg : info.critical_path) out.critical_ns[seg.span] += seg.end_ns - seg.start_ns;
}

// [SECTION] Trace summary and warnings

void summarize_trace(Analysis& out, size_t t) {
    const AnalysisScratch& sc = out.scratch;
    TraceInfo& info = out.traces[t];
    size_t missing = 0;
    size_t in_cycle = 0;
    size_t duplicates = 0;
    size_t self_parent = 0;
    int64_t slowest = -1;
    for (uint32_t v : info.spans) {
        if ((sc.flags[v] & kRoot) && sc.parent_id[v] != 0) ++self_parent;
        if (sc.flags[v] & kMissingParent) ++missing;
        if (sc.flags[v] & kInCycle) ++in_cycle;
        if (sc.flags[v] & kDuplicateId) ++duplicates;
        if (out.self_ns[v] > slowest) {
            slowest = out.self_ns[v];
            info.slowest_span = static_cast<int32_t>(v);
        }
    }
    if (missing > 0) {
        info.warnings.push_back(missing == 1
                                    ? std::string("incomplete: the parent of 1 span never arrived")
                                    : "incomplete: the parents of " + std::to_string(missing) + " spans never arrived");
    }
    if (self_parent > 0) {
        info.warnings.push_back("self-parent: " + count_words(self_parent, "span names", "spans name") +
                                " itself as parent; read as a root");
    }
    if (info.root_count == 0) info.warnings.emplace_back("no root span");
    if (info.root_count > 1) info.warnings.push_back(std::to_string(info.root_count) + " root spans");
    if (duplicates > 0) {
        info.warnings.push_back("duplicate span ids: " + count_words(duplicates, "span reuses", "spans reuse") +
                                " an id already used in this trace");
    }
    if (in_cycle > 0) {
        info.warnings.push_back("parent cycle: following parent ids, " + count_words(in_cycle, "span", "spans") +
                                " come back round to themselves; shown as a cycle, not as orphans");
    }
}

}  // namespace

// [SECTION] Entry points

int Analysis::find_trace(TraceId id) const {
    auto it = std::lower_bound(trace_by_id.begin(), trace_by_id.end(), id,
                               [&](uint32_t k, TraceId key) { return traces[k].id < key; });
    if (it == trace_by_id.end() || traces[*it].id != id) return -1;
    return static_cast<int>(*it);
}

void analyze(const TraceStore& store, Analysis& out) {
    const size_t n = store.spans.size();
    AnalysisScratch& sc = out.scratch;
    out.trace_of.resize(n);
    out.parent.resize(n);
    out.child_begin.resize(n);
    out.child_count.resize(n);
    out.depth.resize(n);
    out.self_ns.resize(n);
    out.critical_ns.assign(n, 0);
    out.gap_begin.resize(n);
    out.gap_count.resize(n);
    out.gaps.clear();
    sc.flags.resize(n);  // set for every span by group_into_traces
    sc.start.resize(n);
    sc.end.resize(n);
    sc.span_id.resize(n);
    sc.parent_id.resize(n);
    sc.clip_start.resize(n);
    sc.clip_end.resize(n);
    sc.path_count.resize(n);

    group_into_traces(store, out);
    link_parents(out);
    break_cycles(out);
    collect_children(out);
    sc.path_children.resize(out.children.size());
    sc.path_next.resize(n);
    for (size_t t = 0; t < out.traces.size(); ++t) {
        order_trace(out, t);
        measure_self_time(out, t);
        walk_critical_path(out, t);
        summarize_trace(out, t);
    }
}

Analysis analyze(const TraceStore& store) {
    Analysis out;
    analyze(store, out);
    return out;
}

}  // namespace tl
