// Span links resolved to the spans they name, and a lookup of spans by id.
#include "sim/trace/links.hpp"

#include <algorithm>
#include <tuple>

namespace tl {

SpanLookup::SpanLookup(const TraceStore& store) {
    keys_.reserve(store.spans.size());
    for (uint32_t i = 0; i < store.spans.size(); ++i)
        keys_.push_back(Key{store.spans[i].trace_id, store.spans[i].span_id, i});
    by_span_ = keys_;
    std::sort(keys_.begin(), keys_.end(), [](const Key& a, const Key& b) {
        return std::tie(a.trace, a.span, a.index) < std::tie(b.trace, b.span, b.index);
    });
    std::sort(by_span_.begin(), by_span_.end(),
              [](const Key& a, const Key& b) { return std::tie(a.span, a.index) < std::tie(b.span, b.index); });
}

int32_t SpanLookup::find(TraceId trace, SpanId span) const {
    auto it = std::lower_bound(
        keys_.begin(), keys_.end(), std::tie(trace, span),
        [](const Key& k, const std::tuple<TraceId&, SpanId&>& v) { return std::tie(k.trace, k.span) < v; });
    if (it == keys_.end() || it->trace != trace || it->span != span) return -1;
    return static_cast<int32_t>(it->index);
}

int32_t SpanLookup::find(SpanId span) const {
    auto it = std::lower_bound(by_span_.begin(), by_span_.end(), span,
                               [](const Key& k, const SpanId& v) { return k.span < v; });
    if (it == by_span_.end() || it->span != span) return -1;
    return static_cast<int32_t>(it->index);
}

LinkIndex resolve_links(const TraceStore& store, const Analysis& analysis) {
    LinkIndex out;
    const size_t n = store.spans.size();
    out.begin.assign(n, 0);
    out.count.assign(n, 0);
    out.incoming.assign(n, 0);
    size_t total = 0;
    for (const Span& s : store.spans) total += s.link_count;
    if (total == 0) return out;
    const SpanLookup lookup(store);
    out.links.reserve(total);
    for (uint32_t i = 0; i < n; ++i) {
        const Span& s = store.spans[i];
        out.begin[i] = static_cast<uint32_t>(out.links.size());
        out.count[i] = s.link_count;
        for (uint32_t k = 0; k < s.link_count; ++k) {
            const SpanLink& l = store.links[s.link_begin + k];
            ResolvedLink r{i, s.link_begin + k, l.trace_id, l.span_id, -1, -1};
            r.target = lookup.find(l.trace_id, l.span_id);
            if (r.target >= 0) {
                const auto t = static_cast<size_t>(r.target);
                r.target_trace = t < analysis.trace_of.size() ? analysis.trace_of[t] : -1;
                out.incoming[t] += 1;
            }
            out.links.push_back(r);
        }
    }
    return out;
}

}  // namespace tl
