// Hand-built traces for tests: appends one span to a store, its parent given by index (-1 for a root).
#pragma once

#include <cstdint>

#include "sim/trace/trace_store.hpp"

namespace tl::test {

// Span ids are `first_id` + the span's index, so they differ between stores built with different bases.
inline uint32_t add_span(TraceStore& store, TraceId trace, int parent, int64_t start_ns, int64_t end_ns,
                         const char* name, const char* service, StatusCode status = StatusCode::Unset,
                         uint64_t first_id = 1) {
    Span s;
    s.trace_id = trace;
    s.span_id = SpanId{store.spans.size() + first_id};
    if (parent >= 0) s.parent_span_id = store.spans[static_cast<size_t>(parent)].span_id;
    s.name = store.strings.intern(name);
    s.service = store.strings.intern(service);
    s.resource = store.resource_for(s.service);
    s.start_ns = start_ns;
    s.end_ns = end_ns;
    s.status = status;
    store.spans.push_back(s);
    return static_cast<uint32_t>(store.spans.size() - 1);
}

}  // namespace tl::test
