// Clock skew: spans whose timestamps cannot be right because their host's clock differs from the caller's.
// - Follows Jaeger's clock-skew adjuster (model/adjuster/clockskew.go): walk each tree from its root; where a
//   span's service differs from its parent's, compare it with the (already adjusted) parent. A child that
//   fits inside its parent needs nothing; one that does not is moved so that the network latency
//   (parent duration - child duration) splits evenly before and after it; a child longer than its parent
//   (async, or a parent that timed out) is only moved so it does not start before the parent. The shift
//   then applies to every descendant on the same service. Roots and orphans are never moved.
// - One difference from Jaeger: a CONSUMER under a PRODUCER may run after the producer ended (the producer
//   does not wait), so it is only checked for starting before its parent.
// - Detecting never changes the store; adjust_for_skew() applies the shifts (opt-in, like Jaeger's UI).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sim/trace/analysis.hpp"

namespace tl {

// Where a service's clock disagrees with its caller's: found at `span`, the first span of that service
// below a span of another service.
struct SkewFinding {
    uint32_t trace = 0;  // index into Analysis::traces
    uint32_t span = 0;   // index into TraceStore::spans
    StrId service = 0;
    // How far the service's clock looks ahead of its caller's, in ns (negative: behind). Adjusting moves
    // the span and its same-service descendants by -offset_ns.
    int64_t offset_ns = 0;
};

struct ClockSkewReport {
    std::vector<SkewFinding> findings;  // trace by trace, in tree pre-order
    // Per span (indexed like TraceStore::spans): what adjusting adds to its times (ns), and the finding that
    // shift comes from (index into findings, -1 for none).
    std::vector<int64_t> shift_ns;
    std::vector<int32_t> finding_of;
    [[nodiscard]] bool any() const { return !findings.empty(); }
};

// Finds the skewed services of every trace. Linear in spans (iterative: no recursion over deep chains).
ClockSkewReport detect_clock_skew(const TraceStore& store, const Analysis& analysis);

// "payments' clock" / "auth's clock": the owner form of a service name, for the sentences that explain skew.
std::string clock_of(std::string_view service);

// Moves each span (start, end and its events) by report.shift_ns; the caller re-analyses afterwards.
void adjust_for_skew(TraceStore& store, const ClockSkewReport& report);

}  // namespace tl
