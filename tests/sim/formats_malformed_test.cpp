// Malformed trace files: each kind gives a clear error, or a warning with the partial data — never a crash
// or a hang (this suite also runs under ASan/UBSan).
#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "sim/formats/formats.hpp"
#include "sim/trace/analysis.hpp"

using namespace tl;

namespace {

bool has(const std::string& text, std::string_view needle) {
    return text.find(needle) != std::string::npos;
}

bool any_warning(const ImportedTrace& t, std::string_view needle) {
    return std::any_of(t.warnings.begin(), t.warnings.end(), [&](const std::string& w) { return has(w, needle); });
}

// An OTLP document with the given span objects (JSON text, comma-separated).
std::string otlp(const std::string& spans) {
    return R"({"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"svc"}}]},
        "scopeSpans":[{"scope":{"name":"t"},"spans":[)" +
           spans + "]}]}]}";
}

std::string span(const std::string& id, const std::string& extra = "") {
    return R"({"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":")" + id + R"(","name":"op )" + id +
           R"(","startTimeUnixNano":"1000","endTimeUnixNano":"2000")" + extra + "}";
}

}  // namespace

TEST_CASE("formats malformed: empty file") {
    auto r = import_trace_text("  \n\t", "empty.json");
    REQUIRE_FALSE(r.ok());
    CHECK(has(r.error(), "empty.json: the file is empty"));
    auto missing = import_trace_file("/nonexistent/dir/trace.json");
    REQUIRE_FALSE(missing.ok());
    CHECK(has(missing.error(), "cannot open"));
}

TEST_CASE("formats malformed: not JSON") {
    auto r = import_trace_text("hello, trace", "notes.txt");
    REQUIRE_FALSE(r.ok());
    CHECK(has(r.error(), "notes.txt: line 1, column"));
    CHECK(has(r.error(), "not valid JSON"));
}

TEST_CASE("formats malformed: truncated document") {
    const std::string full = otlp(span("b7ad6b7169203331"));
    auto r = import_trace_text(full.substr(0, full.size() / 2), "cut.json");
    REQUIRE_FALSE(r.ok());
    CHECK(has(r.error(), "cut.json: line"));
}

TEST_CASE("formats malformed: JSON but no known format") {
    for (const char* doc : {R"({"foo": 1})", "42", R"(["a", "b"])", R"([{"x":1}])", "null"}) {
        auto r = import_trace_text(doc, "other.json");
        REQUIRE_FALSE(r.ok());
        CHECK(has(r.error(), "not a trace format tracelab reads"));
    }
}

TEST_CASE("formats malformed: very deep nesting is refused before parsing") {
    auto r = import_trace_text(std::string(100000, '['), "deep.json");
    REQUIRE_FALSE(r.ok());
    CHECK(has(r.error(), "nested deeper than"));
    // Deep inside an otherwise valid document (an attribute value), and brackets inside strings don't count.
    const std::string value = R"({"stringValue":")" + std::string(500, '[') + R"("})";
    auto ok = import_trace_text(otlp(span("b7ad6b7169203331", R"(,"attributes":[{"key":"k","value":)" + value + "}]")),
                                "strings.json");
    CHECK(ok.ok());
    std::string nested;
    for (int i = 0; i < 300; ++i) nested += R"({"arrayValue":{"values":[)";
    for (int i = 0; i < 300; ++i) nested += "]}}";
    auto deep = import_trace_text(
        otlp(span("b7ad6b7169203331", R"(,"attributes":[{"key":"k","value":)" + nested + "}]")), "deep-attr.json");
    REQUIRE_FALSE(deep.ok());
    CHECK(has(deep.error(), "nested deeper than"));
}

TEST_CASE("formats malformed: wrong types") {
    auto top = import_trace_text(R"({"resourceSpans":"lots"})", "types.json");
    REQUIRE_FALSE(top.ok());
    CHECK(has(top.error(), "types.json: /resourceSpans: expected an array, found a string"));
    // A wrong type inside one span costs that span only.
    auto r =
        import_trace_text(otlp(span("b7ad6b7169203331") + "," + span("b7ad6b7169203332", R"(,"name":7)")), "t.json");
    REQUIRE(r.ok());
    CHECK(r->store.spans.size() == 1);
    CHECK(any_warning(*r, "/resourceSpans/0/scopeSpans/0/spans/1/name: expected a string, found a number"));
    // A broken attribute costs the attribute only.
    auto a = import_trace_text(
        otlp(span("b7ad6b7169203331",
                  R"(,"attributes":[{"key":"k","value":{"boolValue":"yes"}},{"key":"ok","value":{"intValue":"1"}}])")),
        "a.json");
    REQUIRE(a.ok());
    CHECK(a->store.spans[0].attrs.count == 1);
    CHECK(any_warning(*a, "/attributes/0/value/boolValue: expected true or false"));
}

TEST_CASE("formats malformed: huge numbers") {
    auto r = import_trace_text(
        otlp(span("b7ad6b7169203331") + "," +
             span("b7ad6b7169203332", R"(,"startTimeUnixNano":"99999999999999999999999")") + "," +
             span("b7ad6b7169203333", R"(,"endTimeUnixNano":1e300)") + "," +
             span("b7ad6b7169203334", R"(,"attributes":[{"key":"n","value":{"intValue":"184467440737095516160"}}])")),
        "huge.json");
    REQUIRE(r.ok());
    CHECK(r->store.spans.size() == 2);  // the two with impossible times are skipped, the attribute is dropped
    CHECK(any_warning(*r, "spans/1/startTimeUnixNano"));
    CHECK(any_warning(*r, "spans/2/endTimeUnixNano"));
    CHECK(any_warning(*r, "is not a 64-bit integer"));
    auto j = import_trace_text(R"({"traceID":"1","spans":[{"spanID":"2","startTime":1e300,"duration":1}]})", "j.json");
    REQUIRE_FALSE(j.ok());
    CHECK(has(j.error(), "/spans/0/startTime"));
}

TEST_CASE("formats malformed: ids of the wrong length") {
    auto r = import_trace_text(
        otlp(span("b7ad6b7169203331") + "," + span("b7ad6b71692033") + "," +
             R"({"traceId":"0af7651916cd43dd8448eb211c8031","spanId":"b7ad6b7169203335","name":"short trace"})"),
        "len.json");
    REQUIRE(r.ok());
    CHECK(r->store.spans.size() == 1);
    CHECK(any_warning(*r, "spans/1/spanId: expected 16 hex digits, found \"b7ad6b71692033\""));
    CHECK(any_warning(*r, "spans/2/traceId: expected 32 hex digits"));
    auto z = import_trace_text(R"([{"traceId":"1e223ff1f80f1c69","id":"43210ae0c10d123400","timestamp":1}])", "z.json");
    REQUIRE_FALSE(z.ok());
    CHECK(has(z.error(), "/0/id"));
}

TEST_CASE("formats malformed: ids with non-hex characters and all-zero ids") {
    auto r = import_trace_text(
        otlp(span("b7ad6b7169203331") + "," + span("b7ad6b716920333g") + "," + span("0000000000000000")), "hex.json");
    REQUIRE(r.ok());
    CHECK(r->store.spans.size() == 1);
    CHECK(any_warning(*r, "found \"b7ad6b716920333g\""));
    CHECK(any_warning(*r, "all-zero"));
    auto j = import_trace_text(R"({"traceID":"xyz","spans":[{"spanID":"2","startTime":1,"duration":1}]})", "j.json");
    REQUIRE_FALSE(j.ok());
    CHECK(has(j.error(), "/traceID: expected a trace id of 1 to 32 hex digits, found \"xyz\""));
}

TEST_CASE("formats malformed: end before start") {
    auto r = import_trace_text(
        otlp(span("b7ad6b7169203331", R"(,"startTimeUnixNano":"5000","endTimeUnixNano":"4000")")), "back.json");
    REQUIRE(r.ok());
    REQUIRE(r->store.spans.size() == 1);
    CHECK(r->store.spans[0].start_ns == 5000);
    CHECK(r->store.spans[0].duration_ns() == 0);
    CHECK(any_warning(*r, "end before they start"));
}

TEST_CASE("formats malformed: negative times") {
    auto j = import_trace_text(R"({"traceID":"1","processes":{"p":{"serviceName":"s"}},"spans":[
        {"spanID":"2","processID":"p","startTime":-5,"duration":1},
        {"spanID":"3","processID":"p","startTime":10,"duration":-1},
        {"spanID":"4","processID":"p","startTime":10,"duration":1}]})",
                               "neg.json");
    REQUIRE(j.ok());
    CHECK(j->store.spans.size() == 1);
    CHECK(any_warning(*j, "/spans/0/startTime: a start time cannot be negative"));
    CHECK(any_warning(*j, "/spans/1/duration: a duration cannot be negative"));
    auto o = import_trace_text(otlp(span("b7ad6b7169203331", R"(,"startTimeUnixNano":"-1")")), "neg.otlp.json");
    REQUIRE_FALSE(o.ok());
    CHECK(has(o.error(), "cannot be negative"));
}

TEST_CASE("formats malformed: duplicate span ids") {
    // Identical copies are dropped; a different span reusing the id gets a derived one.
    auto r = import_trace_text(otlp(span("b7ad6b7169203331") + "," + span("b7ad6b7169203331") + "," +
                                    span("b7ad6b7169203331", R"(,"name":"other")")),
                               "dup.json");
    REQUIRE(r.ok());
    REQUIRE(r->store.spans.size() == 2);
    CHECK(r->store.spans[0].span_id != r->store.spans[1].span_id);
    CHECK(r->store.str(r->store.spans[1].name) == "other");
    CHECK(any_warning(*r, "1 span(s) appeared more than once"));
    CHECK(any_warning(*r, "1 span(s) reused another span's id"));
}

TEST_CASE("formats malformed: parent cycles are kept and analysis copes") {
    auto r = import_trace_text(otlp(span("b7ad6b7169203331", R"(,"parentSpanId":"b7ad6b7169203332")") + "," +
                                    span("b7ad6b7169203332", R"(,"parentSpanId":"b7ad6b7169203331")") + "," +
                                    span("b7ad6b7169203333", R"(,"parentSpanId":"b7ad6b7169203333")")),
                               "cycle.json");
    REQUIRE(r.ok());
    REQUIRE(r->store.spans.size() == 3);
    CHECK(any_warning(*r, "named themselves as parent"));  // 333 names itself: read as a root
    const Analysis a = analyze(r->store);
    REQUIRE(a.traces.size() == 1);
    CHECK(a.traces[0].spans.size() == 3);
    CHECK(a.traces[0].cycle.size() == 2);  // 331 and 332 name each other; neither is a root
    CHECK(a.traces[0].orphans.empty());
    REQUIRE(a.traces[0].root >= 0);
    CHECK(r->store.spans[static_cast<size_t>(a.traces[0].root)].span_id.value == 0xb7ad6b7169203333);
}

TEST_CASE("formats malformed: bad UTF-8 is replaced with a warning") {
    const std::string doc = otlp(span("b7ad6b7169203331", ",\"name\":\"caf\xe9 \xff\xfe\""));
    auto r = import_trace_text(doc, "latin1.json");
    REQUIRE(r.ok());
    REQUIRE(r->store.spans.size() == 1);
    CHECK(r->store.str(r->store.spans[0].name) == "caf\xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd");
    CHECK(any_warning(*r, "3 byte(s) were not valid UTF-8"));
    // An escaped lone surrogate is not a byte problem: the parser rejects it with a position.
    auto s = import_trace_text(otlp(span("b7ad6b7169203331", R"(,"name":"\ud800")")), "surrogate.json");
    REQUIRE_FALSE(s.ok());
    CHECK(has(s.error(), "surrogate.json: line"));
}

TEST_CASE("formats malformed: missing required fields") {
    auto r =
        import_trace_text(otlp(R"({"traceId":"0af7651916cd43dd8448eb211c80319c","name":"no id"})"), "missing.json");
    REQUIRE_FALSE(r.ok());
    CHECK(has(r.error(), "/resourceSpans/0/scopeSpans/0/spans/0: missing required field \"spanId\""));
    CHECK(has(r.error(), "no usable span remained"));
    auto z = import_trace_text(R"([{"traceId":"1","id":"2","name":"no time"},{"traceId":"1","id":"3","timestamp":1}])",
                               "z.json");
    REQUIRE(z.ok());
    CHECK(z->store.spans.size() == 2);  // the span without a timestamp is placed at the start of its trace
    CHECK(any_warning(*z, "/0: no \"timestamp\""));
    auto j = import_trace_text(R"({"data":[{"traceID":"1","processes":{}}]})", "nospans.json");
    REQUIRE_FALSE(j.ok());
    CHECK(has(j.error(), "missing required field \"spans\""));
}

TEST_CASE("formats malformed: a Jaeger query response that carries only errors") {
    auto r = import_trace_text(
        R"({"data":null,"total":0,"limit":0,"offset":0,"errors":[{"code":404,"msg":"trace not found"}]})", "err.json");
    REQUIRE_FALSE(r.ok());
    CHECK(has(r.error(), "trace not found"));
}

TEST_CASE("formats malformed: Chrome begin without end, end without begin") {
    auto r = import_trace_text(R"([{"ph":"B","pid":1,"tid":1,"ts":1,"name":"open"},{"ph":"E","pid":1,"tid":2,"ts":3},
        {"ph":"X","pid":1,"tid":1,"ts":2,"dur":1,"name":"done"}])",
                               "chrome.json");
    REQUIRE(r.ok());
    CHECK(r->store.spans.size() == 1);
    CHECK(any_warning(*r, "never ended"));
    CHECK(any_warning(*r, "without a matching begin"));
}

TEST_CASE("formats malformed: thousands of bad spans give a bounded list of warnings") {
    std::string spans;
    for (int i = 0; i < 2000; ++i) spans += span("zz" + std::to_string(i)) + ",";
    spans += span("b7ad6b7169203331");
    auto r = import_trace_text(otlp(spans), "many.json");
    REQUIRE(r.ok());
    CHECK(r->store.spans.size() == 1);
    CHECK(r->warnings.size() <= 51);
    CHECK(has(r->warnings.back(), "more warnings"));
}

TEST_CASE("formats malformed: empty but valid documents") {
    auto z = import_trace_text("[]", "empty-list.json");
    REQUIRE(z.ok());
    CHECK(z->store.spans.empty());
    CHECK(any_warning(*z, "holds no spans"));
    auto o = import_trace_text(R"({"resourceSpans":[]})", "empty-otlp.json");
    REQUIRE(o.ok());
    CHECK(o->format == TraceFormat::Otlp);
}
