// Search inside traces: a small query language over spans, as a trace viewer's search box reads it.
// - Terms separated by spaces; a span matches when every term does. "Double quotes" keep spaces in a term.
//   word              service or span name contains it (any case), or the span id starts with it
//   service=NAME      the service is NAME (any case); also name=, kind=server|client|…, status=error|ok|unset,
//                     span=HEX (span id prefix), trace=HEX (trace id prefix)
//   KEY=VALUE         the span has attribute KEY whose value reads VALUE (http.response.status_code=500)
//   KEY               an attribute key alone is not a term: it is read as a word
//   duration>50ms     also >=, <, <=, =; units ns, us (µs), ms, s; a bare number is ms
// - Pure and GUI-free: the search box and tests use it. Matching is linear in spans (and their attributes).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sim/io/json_read.hpp"
#include "sim/trace/analysis.hpp"

namespace tl {

struct SearchTerm {
    enum class Kind : uint8_t {
        Word,
        Service,
        Name,
        SpanKind,
        Status,
        SpanIdPrefix,
        TraceIdPrefix,
        Attribute,
        Duration
    };
    enum class Cmp : uint8_t { Less, LessEq, Equal, GreaterEq, Greater };
    Kind kind = Kind::Word;
    std::string key;    // attribute key (Attribute)
    std::string value;  // lower-cased for Word/Service/Name/SpanKind/Status/id prefixes; as typed for Attribute
    Cmp cmp = Cmp::Greater;
    int64_t duration_ns = 0;
};

struct SpanQuery {
    std::vector<SearchTerm> terms;
    [[nodiscard]] bool empty() const { return terms.empty(); }
    // Whether span `index` of the store matches every term.
    [[nodiscard]] bool matches(const TraceStore& store, uint32_t index) const;
};

// Parses a query; an error says which term is wrong and why ("duration>fast: … a number with a unit").
Result<SpanQuery> parse_span_query(std::string_view text);

// The matching spans of trace `trace` (index into Analysis::traces), in the waterfall's (pre-)order.
std::vector<uint32_t> search_trace(const TraceStore& store, const Analysis& analysis, uint32_t trace,
                                   const SpanQuery& query);

// Next (or previous) position in a list of matches after `current` (a span index or -1), in the trace's
// pre-order; wraps around. Returns -1 when there are no matches.
int32_t step_match(const Analysis& analysis, uint32_t trace, const std::vector<uint32_t>& matches, int32_t current,
                   bool forward);

// Parses a duration such as "50ms", "1.5s", "200us", "300" (ms); false when it is not one.
bool parse_duration_ns(std::string_view text, int64_t& out);

}  // namespace tl
