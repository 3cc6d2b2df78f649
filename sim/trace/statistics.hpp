// Trace statistics: Jaeger UI's per-trace table, one row per service and operation (span name).
// - count, total duration, self time (duration minus the union of children inside it, from Analysis),
//   average, minimum and maximum duration, and the self time's share of the trace's duration.
// - Pure and GUI-free: the statistics panel and `tracelab analyze --json` read it. O(n log n) in spans.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/trace/analysis.hpp"

namespace tl {

// One row: every span of `service` named `name` in the trace. Times in ns.
struct OperationStats {
    StrId service = 0;
    StrId name = 0;
    uint32_t count = 0;
    int64_t total_ns = 0;  // sum of the spans' durations
    int64_t self_ns = 0;   // sum of their self times (Analysis::self_ns)
    int64_t min_ns = 0;
    int64_t max_ns = 0;
    double share = 0.0;  // self_ns / trace duration, 0..1 (Jaeger UI's "ST in Duration"); 0 for an empty trace
    [[nodiscard]] int64_t avg_ns() const { return count ? total_ns / count : 0; }
};

// Rows of trace `trace` (index into Analysis::traces), largest self time first; ties by service, then name text.
std::vector<OperationStats> trace_statistics(const TraceStore& store, const Analysis& analysis, uint32_t trace);

// The columns a statistics table sorts by.
enum class StatsColumn : uint8_t { Service, Name, Count, Total, Self, Avg, Min, Max, Share };

// Sorts rows by one column (ascending or descending); ties keep service/name order, so the order is stable.
void sort_statistics(const TraceStore& store, std::vector<OperationStats>& rows, StatsColumn column, bool ascending);

}  // namespace tl
