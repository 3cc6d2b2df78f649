// Span links: a span's references to other spans, possibly in other traces (OTLP Span.links).
// - Real SDKs put them where one span relates to others without being their child: a batch consumer's
//   span links to each message's producer span; a new trace started from a scheduled job links back.
// - Resolves each link to the span it names when that span is in the store (any trace), so the app can
//   draw it and follow it, and `tracelab analyze --json` can list it. O(n log n) in spans and links.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/trace/analysis.hpp"

namespace tl {

struct ResolvedLink {
    uint32_t from_span = 0;  // index into TraceStore::spans: the span that carries the link
    uint32_t link = 0;       // index into TraceStore::links
    TraceId to_trace;
    SpanId to_span;
    int32_t target = -1;        // index into TraceStore::spans of the linked span; -1 when it is not in the store
    int32_t target_trace = -1;  // index into Analysis::traces of that span; -1 when not in the store
};

struct LinkIndex {
    std::vector<ResolvedLink> links;  // by from_span, then in the span's link order
    // Per span: range into `links` of the links it carries.
    std::vector<uint32_t> begin, count;
    // Per span: how many links (from any span) point at it.
    std::vector<uint32_t> incoming;
    [[nodiscard]] std::vector<ResolvedLink>::const_iterator from(uint32_t span) const {
        return links.begin() + begin[span];
    }
};

LinkIndex resolve_links(const TraceStore& store, const Analysis& analysis);

// A span's index by (trace id, span id); -1 when absent. O(log n) after an O(n log n) build.
class SpanLookup {
public:
    explicit SpanLookup(const TraceStore& store);
    [[nodiscard]] int32_t find(TraceId trace, SpanId span) const;
    // The first span (in store order) with this span id, whatever its trace; -1 when absent.
    [[nodiscard]] int32_t find(SpanId span) const;

private:
    struct Key {
        TraceId trace;
        SpanId span;
        uint32_t index = 0;
    };
    std::vector<Key> keys_;     // sorted by (trace, span, index)
    std::vector<Key> by_span_;  // sorted by (span, index)
};

}  // namespace tl
