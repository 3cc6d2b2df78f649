// Trace comparison: what changed between a baseline and a current set of spans.
// - Spans are matched by service, name and position in the tree: the path of (service, name) pairs from
//   the top of their tree, plus which same-named sibling they are (the 2nd "SELECT" under one parent).
//   Matched spans are "same" (with their duration change). Of the rest, a baseline span and a current span
//   with the same service and name are paired in order as "moved" (their place in the tree changed, e.g.
//   propagation broke and the span now starts a trace of its own); what is left is "removed" or "added".
// - Each side is a list of traces of its own store, so two files, two traces of one file, or a pinned
//   baseline and the current simulation compare alike. Linear in spans (hash maps).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/trace/analysis.hpp"

namespace tl {

struct DiffSide {
    const TraceStore* store = nullptr;
    const Analysis* analysis = nullptr;
    std::vector<uint32_t> traces;  // indices into analysis->traces; their spans are compared
};

enum class SpanChangeKind : uint8_t { Same, Added, Removed, Moved };
const char* to_string(SpanChangeKind k);  // "same", "added", "removed", "moved"

struct SpanChange {
    SpanChangeKind change = SpanChangeKind::Same;
    int32_t old_span = -1;  // index into the baseline's store; -1 for added
    int32_t new_span = -1;  // index into the current store; -1 for removed
    int64_t old_ns = 0;     // durations (0 where the span is missing)
    int64_t new_ns = 0;
    [[nodiscard]] int64_t delta_ns() const { return new_ns - old_ns; }
};

struct TraceDiff {
    // Current spans in pre-order (trace by trace), then removed spans in the baseline's pre-order.
    std::vector<SpanChange> spans;
    // Per span of the current store: index into `spans`, -1 when the span is not part of the comparison.
    std::vector<int32_t> change_of_new;
    // The first root (by trace start) on each side; -1 when a side has none.
    int32_t old_root = -1, new_root = -1;
    int64_t old_root_ns = 0, new_root_ns = 0;
    uint32_t same = 0, added = 0, removed = 0, moved = 0;
    [[nodiscard]] bool has_roots() const { return old_root >= 0 && new_root >= 0; }
    [[nodiscard]] int64_t root_delta_ns() const { return has_roots() ? new_root_ns - old_root_ns : 0; }
};

TraceDiff diff_traces(const DiffSide& baseline, const DiffSide& current);

// Every trace of an analysis, in its order: a side made of a whole file or run.
std::vector<uint32_t> all_traces(const Analysis& analysis);

}  // namespace tl
