// libFuzzer target for sim/trace_context: arbitrary bytes as traceparent and tracestate values.
// - Input layout: the bytes up to the first '\n' are a traceparent value; each further line is one tracestate
//   header line. Every byte sequence is accepted.
// - Invariants: no crash; a parsed header re-formats to a value that parses to the same content; a rejection
//   always has a reason; receive() agrees with the parsers.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "sim/trace/trace_context.hpp"

namespace {

void require(bool ok) {
    if (!ok) std::abort();
}

void check_traceparent(std::string_view value) {
    auto tp = tl::parse_traceparent(value);
    if (!tp) {
        require(!tp.error().empty());
        return;
    }
    require(tp->trace_id.valid() && tp->parent_id.valid() && tp->version != 0xff);
    const std::string wire = tl::format_traceparent(*tp);
    require(wire.size() == tl::kTraceparentLength);
    auto again = tl::parse_traceparent(wire);
    require(again.ok());
    require(again->version == 0 && again->trace_id == tp->trace_id && again->parent_id == tp->parent_id);
    require(again->flags == (tp->flags & tl::kKnownFlags));
    require(tl::format_traceparent(*again) == wire);
    // A canonical version-00 input (no whitespace, only defined flag bits) formats back byte for byte.
    if (tp->version == 0 && tp->unknown_flags() == 0 && value.size() == tl::kTraceparentLength) require(wire == value);
}

void check_tracestate(const std::vector<std::string_view>& lines) {
    auto ts = tl::parse_tracestate(lines);
    if (!ts) {
        require(!ts.error().empty());
        return;
    }
    require(ts->entries.size() <= tl::kTraceStateMaxMembers);
    for (const auto& e : ts->entries) require(!tl::tracestate_key_error(e.key) && !tl::tracestate_value_error(e.value));
    const std::string wire = tl::format_tracestate(*ts);
    size_t input_chars = lines.empty() ? 0 : lines.size() - 1;
    for (auto l : lines) input_chars += l.size();
    require(wire.size() <= input_chars);  // whitespace, empty members and repeats only ever shrink it
    auto again = tl::parse_tracestate(wire);
    require(again.ok() && *again == *ts);
    tl::TraceState copy = *ts;
    copy.truncate(wire.size() / 2);
    require(tl::format_tracestate(copy).size() <= wire.size() / 2);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const size_t nl = input.find('\n');
    const std::string_view traceparent = input.substr(0, nl);
    std::vector<std::string_view> tracestate_lines;
    if (nl != std::string_view::npos) {
        std::string_view rest = input.substr(nl + 1);
        while (true) {
            const size_t next = rest.find('\n');
            tracestate_lines.push_back(rest.substr(0, next));
            if (next == std::string_view::npos) break;
            rest.remove_prefix(next + 1);
        }
    }
    check_traceparent(traceparent);
    check_tracestate(tracestate_lines);

    std::vector<tl::HeaderField> headers{{"traceparent", std::string(traceparent)}};
    for (auto l : tracestate_lines) headers.push_back({"TraceState", std::string(l)});
    const tl::ReceivedContext rc = tl::receive(headers);
    require(rc.continues() == tl::parse_traceparent(traceparent).ok());
    require(!rc.explanation.empty());
    if (!rc.continues()) require(rc.tracestate.empty() && !rc.traceparent_problem.empty());
    if (rc.continues() && !tracestate_lines.empty() && tl::parse_tracestate(tracestate_lines).ok())
        require(rc.tracestate == *tl::parse_tracestate(tracestate_lines));
    return 0;
}
