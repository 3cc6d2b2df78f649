// The simdjson fast path gives the same store as the careful nlohmann-based reader, and steps aside (leaving
// nothing behind) whenever the input needs the careful reader's warnings or errors.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "sim/engine/engine.hpp"
#include "sim/engine/scenario.hpp"
#include "sim/formats/format_io.hpp"
#include "sim/formats/formats.hpp"

using namespace tl;

namespace {

// The careful reader alone, as import_trace_text runs it when the fast path steps aside.
ImportedTrace careful(const std::string& text, TraceFormat format) {
    ImportedTrace out;
    out.format = format;
    const Json doc = Json::parse(text);
    formats::SpanImport in("careful.json", out);
    formats::read_format(format, doc, in);
    in.finish();
    return out;
}

std::string attrs_text(const TraceStore& st, AttrRange r) {
    std::string s;
    for (const Attribute& a : st.attrs(r))
        s += std::string(st.str(a.key)) + "=" + std::to_string(static_cast<int>(a.value.type)) + ":" +
             st.value_text(a.value) + ";";
    return s;
}

// Everything a store says, as text: two stores agree when these agree (string ids may differ).
std::string describe(const TraceStore& st) {
    std::ostringstream o;
    for (const Span& s : st.spans) {
        o << to_hex(s.trace_id) << ' ' << to_hex(s.span_id) << ' ' << to_hex(s.parent_span_id) << ' ' << st.str(s.name)
          << ' ' << st.str(s.service) << ' ' << st.str(s.scope) << ' ' << st.str(s.trace_state) << ' '
          << static_cast<int>(s.kind) << static_cast<int>(s.status) << ' ' << st.str(s.status_message) << ' '
          << int(s.flags) << ' ' << s.start_ns << ' ' << s.end_ns << " [" << attrs_text(st, s.attrs) << "] res["
          << attrs_text(st, st.resources[s.resource].attrs) << "]";
        for (const SpanEvent& e : st.events_of(s))
            o << " ev " << st.str(e.name) << '@' << e.time_ns << '[' << attrs_text(st, e.attrs) << ']';
        for (const SpanLink& l : st.links_of(s))
            o << " link " << to_hex(l.trace_id) << '/' << to_hex(l.span_id) << ' ' << st.str(l.trace_state) << '['
              << attrs_text(st, l.attrs) << ']';
        o << '\n';
    }
    return o.str();
}

std::string read_file(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void check_same(const std::string& text, TraceFormat format, const char* what, bool must_be_fast = true) {
    INFO(std::string(what));
    ImportedTrace fast;
    const bool took = formats::import_fast(text, "fast.json", fast);
    if (!must_be_fast && !took) return;  // a file the careful reader has something to say about
    REQUIRE(took);
    CHECK(fast.format == format);
    const ImportedTrace slow = careful(text, format);
    CHECK(describe(fast.store) == describe(slow.store));
    CHECK(fast.warnings.size() == slow.warnings.size());
}

}  // namespace

TEST_CASE("fast import: OTLP files give the same store as the careful reader") {
    check_same(read_file(std::string(TRACELAB_SHARED_DIR) + "/corpus/otlp_trace_example.json"), TraceFormat::Otlp,
               "corpus example");
    check_same(read_file(std::string(TRACELAB_SHARED_DIR) + "/corpus/jaeger_ui_otlp2jaeger_in.otlp.json"),
               TraceFormat::Otlp, "corpus otlp2jaeger");
    auto scenario = load_scenario("async-order", std::filesystem::path(TRACELAB_ASSET_DIR) / "scenarios");
    REQUIRE(scenario.ok());
    scenario->client_spans = true;
    const Run run = simulate(*scenario, 3, 20);
    check_same(write_trace(run.observed, TraceFormat::Otlp), TraceFormat::Otlp, "simulated, with links and events");

    // Every AnyValue kind, the resource after its spans, the scope after its spans, old field names.
    const std::string odd = R"({"resourceSpans":[{"instrumentationLibrarySpans":[{"spans":[
        {"traceId":"0AF7651916CD43DD8448EB211C80319C","spanId":"B7AD6B7169203331","name":"a","kind":"SPAN_KIND_SERVER",
         "startTimeUnixNano":1000,"endTimeUnixNano":"2000","status":{"code":"STATUS_CODE_ERROR","message":"boom"},
         "attributes":[{"key":"s","value":{"stringValue":"x"}},{"key":"i","value":{"intValue":"-4"}},
           {"key":"d","value":{"doubleValue":2.5}},{"key":"b","value":{"boolValue":true}},
           {"key":"arr","value":{"arrayValue":{"values":[{"stringValue":"p"},{"intValue":"3"}]}}},
           {"key":"kv","value":{"kvlistValue":{"values":[{"key":"in","value":{"boolValue":false}}]}}},
           {"key":"bytes","value":{"bytesValue":"aGk="}},{"key":"none","value":{}}],
         "events":[{"name":"e","timeUnixNano":"1500","attributes":[{"key":"k","value":{"intValue":1}}]}],
         "links":[{"traceId":"0af7651916cd43dd8448eb211c80319d","spanId":"b7ad6b7169203332","traceState":"a=1"}]}],
        "instrumentationLibrary":{"name":"lib"}}],
      "resource":{"attributes":[{"key":"service.name","value":{"stringValue":"svc"}},
                               {"key":"host.name","value":{"stringValue":"h"}}]}}]})";
    check_same(odd, TraceFormat::Otlp, "unusual order and every value kind");
}

TEST_CASE("fast import: Jaeger, Zipkin and Chrome files give the same store as the careful reader") {
    auto scenario = load_scenario("checkout", std::filesystem::path(TRACELAB_ASSET_DIR) / "scenarios");
    REQUIRE(scenario.ok());
    scenario->client_spans = true;
    const Run run = simulate(*scenario, 5, 30);
    check_same(write_trace(run.observed, TraceFormat::Jaeger), TraceFormat::Jaeger, "simulated Jaeger");
    check_same(write_trace(run.observed, TraceFormat::Zipkin), TraceFormat::Zipkin, "simulated Zipkin");
    for (const char* f :
         {"jaeger_trace_example.json", "jaeger_ui_model_fixture_ui_01.json", "jaeger_ui_trace_two_children.json"})
        check_same(read_file(std::string(TRACELAB_SHARED_DIR) + "/corpus/" + f), TraceFormat::Jaeger, f, false);
    check_same(read_file(std::string(TRACELAB_SHARED_DIR) + "/corpus/zipkin_v2_spans_example.json"),
               TraceFormat::Zipkin, "corpus Zipkin", false);
    check_same(write_trace(run.observed, TraceFormat::Chrome), TraceFormat::Chrome, "simulated Chrome");
    for (const char* f : {"chrome_trace_event_example.json", "chrome_trace_metadata_example.json"})
        check_same(read_file(std::string(TRACELAB_SHARED_DIR) + "/corpus/" + f), TraceFormat::Chrome, f, false);
    // Chrome's array form with B/E pairs, string tids and arguments of every kind, in no particular key order.
    check_same(R"([{"ph":"M","name":"process_name","pid":3,"args":{"name":"renderer"}},
        {"ts":10,"ph":"B","pid":3,"tid":"main","name":"frame","cat":"gfx","args":{"z":1,"a":[1,{"b":2}],"m":null}},
        {"ph":"X","pid":3,"tid":"main","ts":12,"dur":3.5,"name":"paint","args":{"big":18446744073709551615}},
        {"ph":"E","pid":3,"tid":"main","ts":20,"args":{"frames":2,"ok":true,"ratio":0.25}}])",
               TraceFormat::Chrome, "Chrome array with B/E pairs");

    // A bare Jaeger trace whose processes come after its spans, with references, logs and typed tags.
    const std::string bare = R"({"traceID":"00000000000000000000000000000abc","spans":[
        {"spanID":"0000000000000002","operationName":"child","references":[{"refType":"CHILD_OF","spanID":"1"}],
         "startTime":1010,"duration":"5","processID":"p1",
         "tags":[{"key":"span.kind","type":"string","value":"client"},{"key":"n","type":"int64","value":"7"},
                 {"key":"ok","type":"bool","value":true},{"key":"f","type":"float64","value":0.5}],
         "logs":[{"timestamp":1012,"fields":[{"key":"event","type":"string","value":"retry"},
                                             {"key":"attempt","type":"int64","value":2}]}]},
        {"spanID":"1","operationName":"root","startTime":1000,"duration":20,"processID":"p1","flags":1}],
      "processes":{"p1":{"serviceName":"api","tags":[{"key":"host","type":"string","value":"h1"}]}}})";
    check_same(bare, TraceFormat::Jaeger, "bare trace, processes last");
}

TEST_CASE("fast import: anything the careful reader would warn about or reject takes the careful path") {
    const std::string good_span =
        R"({"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331","name":"a"})";
    for (const std::string& text : {
             std::string(R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"spanId":"b7ad6b7169203331"}]}]}]})"),
             std::string(
                 R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"zz","spanId":"b7ad6b7169203331"}]}]}]})"),
             std::string(R"({"resourceSpans":[{"scopeSpans":[{"spans":[)") + good_span.substr(0, good_span.size() - 1) +
                 R"(,"kind":9}]}]}]})",
             std::string(R"({"resourceSpans":[{"scopeSpans":[{"spans":[)") + good_span + "]}]}]",  // cut off
             std::string(R"({"resourceSpans":[]})"),                                               // no spans
             std::string(R"({"data":[]})"),                                                        // not OTLP
         }) {
        INFO(text);
        ImportedTrace out;
        CHECK_FALSE(formats::import_fast(text, "x.json", out));
        CHECK(out.store.spans.empty());
        CHECK(out.warnings.empty());
    }
}

TEST_CASE("fast import: OTLP JSON Lines, and the public in-memory OTLP/JSON entry point") {
    const std::string line1 =
        R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331","name":"a"}]}]}]})";
    const std::string line2 =
        R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203332","parentSpanId":"b7ad6b7169203331","name":"b"}]}]}]})";
    ImportedTrace fast;
    REQUIRE(formats::import_fast(line1 + "\n" + line2 + "\n", "spans.jsonl", fast));
    REQUIRE(fast.store.spans.size() == 2);
    CHECK(fast.store.spans[1].parent_span_id == fast.store.spans[0].span_id);

    auto body = import_otlp_json(line1, "POST /v1/traces");
    REQUIRE(body.ok());
    CHECK(body->store.spans.size() == 1);
    auto empty = import_otlp_json("{}", "POST /v1/traces");
    REQUIRE(empty.ok());
    CHECK(empty->store.spans.empty());
    auto zipkin = import_otlp_json(R"([{"traceId":"1","id":"2","timestamp":1}])", "POST /v1/traces");
    REQUIRE_FALSE(zipkin.ok());
    CHECK(zipkin.error().find("not an OTLP/JSON ExportTraceServiceRequest") != std::string::npos);
    auto broken = import_otlp_json(R"({"resourceSpans":[)", "POST /v1/traces");
    REQUIRE_FALSE(broken.ok());
    CHECK(broken.error().find("POST /v1/traces: line 1") != std::string::npos);
}

TEST_CASE("fast import: one pass over the document, whatever order its keys come in") {
    const std::string trace_processes_first = R"({"traceID":"00000000000000000000000000000abc",
        "processes":{"p1":{"serviceName":"api"},"p2":{"serviceName":"db","tags":[{"key":"host","value":"h2"}]}},
        "spans":[{"traceID":"00000000000000000000000000000abc","spanID":"1","operationName":"root","startTime":1000,
                  "duration":20,"processID":"p1"},
                 {"traceID":"00000000000000000000000000000abc","spanID":"2","operationName":"query","startTime":1002,
                  "duration":5,"processID":"p2","references":[{"refType":"CHILD_OF","spanID":"1"}]}]})";
    check_same(R"({"data":[)" + trace_processes_first + "]}", TraceFormat::Jaeger, "processes before spans");
    {
        ImportedTrace fast;
        REQUIRE(formats::import_fast(R"({"data":[)" + trace_processes_first + "]}", "q.json", fast));
        REQUIRE(fast.store.spans.size() == 2);
        CHECK(fast.store.str(fast.store.spans[1].service) == "db");
    }

    // A Jaeger response that reports errors is the careful reader's: each error becomes a warning.
    ImportedTrace out;
    CHECK_FALSE(formats::import_fast(R"({"data":[)" + trace_processes_first + R"(],"errors":[{"msg":"x"}]})", "e.json",
                                     out));
    CHECK(out.store.spans.empty());

    // Two shapes in one document: the careful reader picks OTLP, as detect() does, wherever the keys are.
    const std::string otlp =
        R"("resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331","name":"a"}]}]}])";
    for (const std::string& both : {R"({"data":[)" + trace_processes_first + "]," + otlp + "}",
                                    "{" + otlp + R"(,"data":[)" + trace_processes_first + "]}"}) {
        auto r = import_trace_text(both, "both.json");
        REQUIRE(r.ok());
        CHECK(r->format == TraceFormat::Otlp);
        CHECK(r->store.spans.size() == 1);
    }

    // A field name written with an escape is still that field: the careful reader unescapes it.
    const std::string escaped =
        R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"trace\u0049d":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331","name":"a"}]}]}]})";
    ImportedTrace none;
    CHECK_FALSE(formats::import_fast(escaped, "esc.json", none));
    auto r = import_trace_text(escaped, "esc.json");
    REQUIRE(r.ok());
    REQUIRE(r->store.spans.size() == 1);
    CHECK(to_hex(r->store.spans[0].trace_id) == "0af7651916cd43dd8448eb211c80319c");
}
