// Analysis: what a tracing backend derives from the spans it received.
// - Groups spans into traces, builds each trace's tree, finds orphans (parent id not in the trace) and
//   traces without a root, and computes self time, the critical path (Jaeger UI's semantics), the slowest
//   hop and the time inside a span that none of its children explain.
// - Pure and GUI-free: the waterfall, the trace list, lessons, `tracelab analyze` all read this.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "sim/trace/trace_store.hpp"

namespace tl {

// A stretch of a trace's critical path: `span` is the span that is "on the clock" in [start_ns, end_ns).
struct CriticalSegment {
    uint32_t span = 0;
    int64_t start_ns = 0;
    int64_t end_ns = 0;
};

// A stretch inside a span covered by none of its children (with at least one child present).
struct Gap {
    uint32_t span = 0;
    int64_t start_ns = 0;
    int64_t end_ns = 0;
};

struct TraceInfo {
    TraceId id;
    std::vector<uint32_t> spans;    // indices into TraceStore::spans, in tree pre-order (children by start)
    int32_t root = -1;              // the root span (no parent id), or -1 when the trace has none
    uint32_t root_count = 0;        // spans without a parent id, or naming themselves (more than one: a warning)
    std::vector<uint32_t> orphans;  // spans whose parent id is not in this trace
    std::vector<uint32_t> cycle;    // spans on a parent cycle (each names a descendant as parent), detached
    int64_t start_ns = 0;           // earliest start, latest end over all spans
    int64_t end_ns = 0;
    bool has_error = false;
    std::vector<std::string> warnings;           // "incomplete: 1 span's parent never arrived", …
    std::vector<CriticalSegment> critical_path;  // in time order, from the root (or the longest top span)
    int32_t slowest_span = -1;                   // the span with the largest self time
    [[nodiscard]] int64_t duration_ns() const { return end_ns - start_ns; }
    [[nodiscard]] bool incomplete() const { return !orphans.empty() || root < 0; }
    [[nodiscard]] bool has_cycle() const { return !cycle.empty(); }
};

// Working memory of analyze(), kept in Analysis so a re-analysis allocates nothing. Not part of the result.
struct AnalysisScratch {
    struct SpanSlot {
        uint64_t span_id = 0;
        uint32_t trace = 0;
        uint32_t span_plus_one = 0;  // 0: empty slot
    };
    std::vector<int32_t> trace_slots;  // open-addressing table: trace id -> group
    std::vector<SpanSlot> span_slots;  // open-addressing table: (trace, span id) -> span index + 1
    std::vector<int64_t> start, end;   // per span, copied once: later passes touch these, not the Spans
    std::vector<uint64_t> span_id, parent_id;
    std::vector<TraceId> group_ids;
    std::vector<int64_t> group_start;
    std::vector<uint32_t> group_count, group_order, group_rank;
    std::vector<uint32_t> by_trace, trace_begin;  // span indices grouped by trace (counting sort)
    std::vector<uint8_t> flags, visit;            // per span: orphan / cycle / duplicate bits; cycle walk
    std::vector<uint32_t> stack, tops;
    std::vector<int64_t> clip_start, clip_end;  // span times clipped into the parent (critical path)
    std::vector<uint32_t> path_children, path_count, path_next;
    std::vector<CriticalSegment> segments;
};

struct Analysis {
    std::vector<TraceInfo> traces;  // ordered by start time, then trace id
    // Per span (indexed like TraceStore::spans):
    std::vector<int32_t> trace_of;      // index into traces
    std::vector<int32_t> parent;        // parent span index, -1 for roots and orphans
    std::vector<uint32_t> child_begin;  // range into `children`
    std::vector<uint32_t> child_count;
    std::vector<uint32_t> children;    // child span indices, each group ordered by start time
    std::vector<uint16_t> depth;       // 0 for roots and orphans
    std::vector<int64_t> self_ns;      // duration minus the union of children's time inside it
    std::vector<int64_t> critical_ns;  // this span's contribution to its trace's critical path
    std::vector<Gap> gaps;             // unexplained stretches inside spans that have children

    // Per span: the range of its gaps in `gaps` (gaps are stored trace by trace, in pre-order, in time order).
    std::vector<uint32_t> gap_begin;
    std::vector<uint32_t> gap_count;
    // Indices into `traces` ordered by trace id, for find_trace.
    std::vector<uint32_t> trace_by_id;
    AnalysisScratch scratch;

    [[nodiscard]] int find_trace(TraceId id) const;  // index or -1
    [[nodiscard]] std::span<const uint32_t> children_of(uint32_t span) const {
        return {children.data() + child_begin[span], child_count[span]};
    }
    [[nodiscard]] std::span<const Gap> gaps_of(uint32_t span) const {
        return {gaps.data() + gap_begin[span], gap_count[span]};
    }
};

// Whether a child span holds up its parent on the critical path. As in Jaeger UI, the only child that does
// not is a CONSUMER span under a PRODUCER span: the producer's caller does not wait for the message.
[[nodiscard]] inline bool blocks_parent(SpanKind child, SpanKind parent) {
    return !(parent == SpanKind::Producer && child == SpanKind::Consumer);
}

// Full analysis of every span in the store.
Analysis analyze(const TraceStore& store);
void analyze(const TraceStore& store, Analysis& out);  // reuses out's buffers

}  // namespace tl
