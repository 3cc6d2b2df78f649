// Reads a picked span's name, service, root status, trace and self-time rank from a trace analysis.
#include "quiz/span_pick.hpp"

#include <algorithm>

namespace tl::quiz {

SpanPick span_pick(const TraceStore& store, const Analysis& analysis, uint32_t span) {
    SpanPick p;
    if (span >= store.spans.size() || span >= analysis.self_ns.size()) return p;
    const Span& s = store.spans[span];
    p.name = std::string(store.str(s.name));
    p.service = std::string(store.str(s.service));
    p.is_root = s.is_root();
    p.in_first_trace = !analysis.traces.empty() && analysis.trace_of[span] == 0;
    const int64_t most = *std::max_element(analysis.self_ns.begin(), analysis.self_ns.end());
    p.most_self_time = analysis.self_ns[span] == most;
    return p;
}

}  // namespace tl::quiz
