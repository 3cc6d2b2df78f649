// Clock skew detection and adjustment, after Jaeger's clock-skew adjuster (see skew.hpp).
#include "sim/trace/skew.hpp"

namespace tl {

namespace {

// The adjustment Jaeger computes for `child` against its already adjusted parent [p_start, p_end).
int64_t skew_delta(int64_t p_start, int64_t p_end, const Span& child, bool child_blocks_parent) {
    const int64_t p_dur = p_end - p_start;
    const int64_t c_dur = child.duration_ns();
    if (c_dur > p_dur || !child_blocks_parent) {
        // Longer than the parent (async, or the parent timed out), or not awaited: only make sure it does not
        // start before the parent.
        return child.start_ns < p_start ? p_start - child.start_ns : 0;
    }
    if (child.start_ns >= p_start && child.end_ns <= p_end) return 0;  // fits: nothing to adjust
    // Assume the network latency splits evenly between request and response.
    const int64_t latency = (p_dur - c_dur) / 2;
    return p_start + latency - child.start_ns;
}

}  // namespace

ClockSkewReport detect_clock_skew(const TraceStore& store, const Analysis& analysis) {
    ClockSkewReport r;
    const size_t n = store.spans.size();
    r.shift_ns.assign(n, 0);
    r.finding_of.assign(n, -1);
    for (uint32_t ti = 0; ti < analysis.traces.size(); ++ti) {
        // Pre-order: every parent is visited (and its shift known) before its children.
        for (uint32_t i : analysis.traces[ti].spans) {
            const int32_t p = analysis.parent[i];
            if (p < 0) continue;  // roots and orphans stay where they are
            const Span& s = store.spans[i];
            const Span& ps = store.spans[static_cast<size_t>(p)];
            const auto pu = static_cast<size_t>(p);
            if (s.service == ps.service && s.service != 0) {  // same host: same clock, same shift
                r.shift_ns[i] = r.shift_ns[pu];
                r.finding_of[i] = r.finding_of[pu];
                continue;
            }
            const int64_t delta =
                skew_delta(ps.start_ns + r.shift_ns[pu], ps.end_ns + r.shift_ns[pu], s, blocks_parent(s.kind, ps.kind));
            r.shift_ns[i] = delta;
            if (delta != 0) {
                r.finding_of[i] = static_cast<int32_t>(r.findings.size());
                r.findings.push_back(SkewFinding{ti, i, s.service, -delta});
            }
        }
    }
    return r;
}

std::string clock_of(std::string_view service) {
    std::string out(service);
    out += (!out.empty() && (out.back() == 's' || out.back() == 'S')) ? "' clock" : "'s clock";
    return out;
}

void adjust_for_skew(TraceStore& store, const ClockSkewReport& report) {
    for (size_t i = 0; i < store.spans.size() && i < report.shift_ns.size(); ++i) {
        const int64_t d = report.shift_ns[i];
        if (d == 0) continue;
        Span& s = store.spans[i];
        s.start_ns += d;
        s.end_ns += d;
        for (uint32_t e = 0; e < s.event_count; ++e) store.events[s.event_begin + e].time_ns += d;
    }
}

}  // namespace tl
