// Trace file import: every file of the shared corpus (real files from the projects that define the formats)
// imports with the right spans, parents and timings; format detection works from the content.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "sim/formats/formats.hpp"

using namespace tl;

namespace {

ImportedTrace corpus(const char* file) {
    const std::string path = std::string(TRACELAB_SHARED_DIR) + "/corpus/" + file;
    auto r = import_trace_file(path);
    INFO(path);
    REQUIRE_MESSAGE(r.ok(), (r.ok() ? std::string() : r.error()));
    return std::move(r.value());
}

const Span* find_span(const TraceStore& st, std::string_view name, std::string_view service = {}) {
    for (const Span& s : st.spans)
        if (st.str(s.name) == name && (service.empty() || st.str(s.service) == service)) return &s;
    return nullptr;
}

bool any_warning(const ImportedTrace& t, std::string_view needle) {
    return std::any_of(t.warnings.begin(), t.warnings.end(),
                       [&](const std::string& w) { return w.find(needle) != std::string::npos; });
}

std::string attr_text(const TraceStore& st, const Span& s, std::string_view key) {
    const AttrValue* v = st.find_attr(s, key);
    return v ? st.value_text(*v) : std::string("<absent>");
}

}  // namespace

TEST_CASE("formats: corpus OTLP example (uppercase hex ids, int64 times as strings)") {
    auto t = corpus("otlp_trace_example.json");
    CHECK(t.format == TraceFormat::Otlp);
    const TraceStore& st = t.store;
    REQUIRE(st.spans.size() == 1);
    const Span& s = st.spans[0];
    CHECK(to_hex(s.trace_id) == "5b8efff798038103d269b633813fc60c");
    CHECK(to_hex(s.span_id) == "eee19b7ec3c1b174");
    CHECK(to_hex(s.parent_span_id) == "eee19b7ec3c1b173");
    CHECK(st.str(s.name) == "I'm a server span");
    CHECK(s.kind == SpanKind::Server);
    CHECK(s.start_ns == 1544712660000000000LL);
    CHECK(s.duration_ns() == 1000000000LL);
    CHECK(st.str(s.service) == "my.service");
    CHECK(st.str(s.scope) == "my.library");
    CHECK(attr_text(st, s, "my.span.attr") == "some value");
    CHECK(t.warnings.empty());
}

TEST_CASE("formats: corpus OTLP and Jaeger golden pair give the same span") {
    auto o = corpus("jaeger_ui_otlp2jaeger_in.otlp.json");
    auto j = corpus("jaeger_trace_example.json");
    CHECK(o.format == TraceFormat::Otlp);
    CHECK(j.format == TraceFormat::Jaeger);
    // Both files hold the same span twice: the identical copy is dropped with a warning.
    REQUIRE(o.store.spans.size() == 1);
    REQUIRE(j.store.spans.size() == 1);
    CHECK(any_warning(o, "more than once"));
    CHECK(any_warning(j, "more than once"));
    for (const ImportedTrace* t : {&o, &j}) {
        const TraceStore& st = t->store;
        const Span& s = st.spans[0];
        CHECK(to_hex(s.trace_id) == "83a9efd15c1c98a977e0711cc93ee28b");
        CHECK(to_hex(s.span_id) == "e127af99e3b3e074");
        CHECK(to_hex(s.parent_span_id) == "909541b92cf05311");
        CHECK(st.str(s.name) == "okey-dokey-0");
        CHECK(s.kind == SpanKind::Server);
        CHECK(s.start_ns == 1706678909209712000LL);
        CHECK(s.duration_ns() == 123000);
        CHECK(st.str(s.service) == "telemetrygen");
        CHECK(st.str(s.scope) == "telemetrygen");
        CHECK(s.attrs.count == 2);
        CHECK(attr_text(st, s, "net.peer.ip") == "1.2.3.4");
        CHECK(attr_text(st, s, "peer.service") == "telemetrygen-client");
    }
}

TEST_CASE("formats: corpus Jaeger fixture with references, typed tags, logs and processes") {
    auto t = corpus("jaeger_ui_model_fixture_ui_01.json");
    CHECK(t.format == TraceFormat::Jaeger);
    const TraceStore& st = t.store;
    REQUIRE(st.spans.size() == 5);
    // A 16-digit trace id is left-padded to 128 bits.
    for (const Span& s : st.spans) CHECK(s.trace_id == TraceId{0, 1});

    const Span* general = find_span(st, "test-general-conversion");
    REQUIRE(general);
    CHECK(general->span_id.value == 2);
    CHECK(general->is_root());
    CHECK(st.str(general->service) == "service-x");
    CHECK(general->duration_ns() == 5000);
    REQUIRE(general->event_count == 2);
    CHECK(st.str(st.events_of(*general)[0].name) == "some-event");
    CHECK(st.events_of(*general)[0].time_ns == 1485467191639875000LL);
    CHECK(st.str(st.events_of(*general)[1].name) == "log");
    REQUIRE(st.events_of(*general)[1].attrs.count == 1);
    CHECK(st.value_text(st.attrs(st.events_of(*general)[1].attrs)[0].value) == "y");

    // The second span with id 2 has different content: it keeps its data under a derived id.
    const Span* typed = find_span(st, "some-operation", "service-x");
    REQUIRE(typed);
    CHECK(typed->span_id.value != 2);
    CHECK(any_warning(t, "reused another span's id"));
    CHECK(typed->status == StatusCode::Error);  // error=true
    CHECK(st.find_attr(*typed, "error") == nullptr);
    REQUIRE(st.find_attr(*typed, "peer.ipv4"));
    CHECK(st.find_attr(*typed, "peer.ipv4")->type == ValueType::Int);
    CHECK(st.find_attr(*typed, "peer.ipv4")->i == 23456);
    CHECK(st.find_attr(*typed, "javascript_limit")->i == 9223372036854775222LL);
    CHECK(st.find_attr(*typed, "temperature")->type == ValueType::Double);
    CHECK(st.find_attr(*typed, "temperature")->d == doctest::Approx(72.5));
    CHECK(st.find_attr(*typed, "blob")->type == ValueType::Bytes);
    CHECK(attr_text(st, *typed, "blob") == "AAAwOQ==");

    const Span* child = find_span(st, "some-operation", "service-y");
    REQUIRE(child);
    CHECK(child->span_id.value == 3);
    CHECK(child->parent_span_id.value == 2);

    // First CHILD_OF within the same trace is the parent; the reference into another trace and the
    // FOLLOWS_FROM stay as links.
    const Span* refs = find_span(st, "reference-test");
    REQUIRE(refs);
    CHECK(refs->parent_span_id.value == 2);
    REQUIRE(refs->link_count == 2);
    CHECK(st.links_of(*refs)[0].trace_id == TraceId{0, 0xff});
    CHECK(st.links_of(*refs)[0].span_id.value == 0xff);
    CHECK(st.links_of(*refs)[1].span_id.value == 2);

    const Span* preserve = find_span(st, "preserveParentID-test");
    REQUIRE(preserve);
    CHECK(preserve->parent_span_id.value == 4);
    CHECK(preserve->duration_ns() == 4000);
    CHECK(any_warning(t, "some trace warning"));
    CHECK(any_warning(t, "some span warning"));
}

TEST_CASE("formats: corpus Jaeger trace with two children and span.kind tags") {
    auto t = corpus("jaeger_ui_trace_two_children.json");
    const TraceStore& st = t.store;
    REQUIRE(st.spans.size() == 3);
    const Span* send = find_span(st, "send");
    REQUIRE(send);
    CHECK(send->trace_id == TraceId{0, 0x006c3cf93508f205ULL});
    CHECK(send->is_root());
    CHECK(send->kind == SpanKind::Producer);
    CHECK(st.str(send->service) == "service-one");
    CHECK(send->start_ns == 100000);
    CHECK(send->end_ns == 140000);
    CHECK(st.find_attr(*send, "span.kind") == nullptr);
    const Span* a = find_span(st, "non-overlapping child");
    const Span* b = find_span(st, "async task 2");
    REQUIRE(a);
    REQUIRE(b);
    CHECK(a->parent_span_id == send->span_id);
    CHECK(b->parent_span_id == send->span_id);
    CHECK(a->kind == SpanKind::Client);
    CHECK(st.str(a->service) == "service-two");
    CHECK(a->start_ns == 110000);
    CHECK(a->duration_ns() == 10000);
    CHECK(b->start_ns == 500000);
    CHECK(b->duration_ns() == 100000);
    CHECK(attr_text(st, *b, "http.method") == "POST");
}

TEST_CASE("formats: corpus Zipkin spans with a shared client/server id") {
    auto t = corpus("zipkin_v2_spans_example.json");
    CHECK(t.format == TraceFormat::Zipkin);
    const TraceStore& st = t.store;
    REQUIRE(st.spans.size() == 4);
    const Span* get = find_span(st, "get");
    const Span* client = find_span(st, "post", "servicea");
    const Span* server = find_span(st, "post", "serviceb");
    const Span* async = find_span(st, "async");
    REQUIRE(get);
    REQUIRE(client);
    REQUIRE(server);
    REQUIRE(async);
    CHECK(get->is_root());
    CHECK(get->kind == SpanKind::Server);
    CHECK(get->start_ns == 1470150004071068000LL);
    CHECK(get->duration_ns() == 99411000);
    CHECK(to_hex(client->span_id) == "74280ae0c10d8062");
    CHECK(client->kind == SpanKind::Client);
    CHECK(client->parent_span_id == get->span_id);
    // The server half is a span of its own, under the client half; what ran inside it follows it.
    CHECK(server->kind == SpanKind::Server);
    CHECK(server->span_id != client->span_id);
    CHECK(server->parent_span_id == client->span_id);
    CHECK(server->duration_ns() == 93577000);
    CHECK(async->parent_span_id == server->span_id);
    CHECK(async->kind == SpanKind::Internal);
    CHECK(async->duration_ns() == 65000000);
    CHECK(any_warning(t, "shared one span id"));
    for (const Span& s : st.spans) CHECK(to_hex(s.trace_id) == "00000000000000001e223ff1f80f1c69");
}

TEST_CASE("formats: corpus Chrome trace events import as nested slices") {
    auto t = corpus("chrome_trace_event_example.json");
    CHECK(t.format == TraceFormat::Chrome);
    const TraceStore& st = t.store;
    REQUIRE(st.spans.size() == 2);  // one B/E pair and one X; the instants are skipped
    const Span* begin = find_span(st, "BeginEvent");
    const Span* complete = find_span(st, "CompleteEvent");
    REQUIRE(begin);
    REQUIRE(complete);
    CHECK(begin->start_ns == 100000);
    CHECK(begin->end_ns == 200000);
    CHECK(attr_text(st, *begin, "arg_str") == "hello");
    CHECK(attr_text(st, *begin, "arg_double") == "45.67");  // the E event's args join the slice
    CHECK(complete->start_ns == 250000);
    CHECK(complete->duration_ns() == 50000);
    CHECK(st.str(complete->service) == "pid 10");
    CHECK(any_warning(t, "6 event(s) of other kinds"));

    auto m = corpus("chrome_trace_metadata_example.json");
    const TraceStore& ms = m.store;
    REQUIRE(ms.spans.size() == 4);
    const Span* act = find_span(ms, "ActivityOnThread31");
    REQUIRE(act);
    CHECK(ms.str(act->service) == "MyProcess30");  // named by process_name metadata
    CHECK(act->duration_ns() == 25000);
    const Span* missing = find_span(ms, "EventMissingCatAndArgs");
    REQUIRE(missing);
    CHECK(missing->duration_ns() == 50000);
    REQUIRE(find_span(ms, "PidOnlyEvent"));
    CHECK(ms.str(find_span(ms, "PidOnlyEvent")->service) == "pid 33");
    REQUIRE(find_span(ms, "NoPidNoTidEvent"));
}

TEST_CASE("formats: the format is detected from the content, not the file name") {
    const std::string otlp =
        R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0af7651916cd43dd8448eb211c80319c",
        "spanId":"b7ad6b7169203331","name":"x","startTimeUnixNano":"1","endTimeUnixNano":"2"}]}]}]})";
    auto a = import_trace_text(otlp, "trace.zipkin.json");
    REQUIRE(a.ok());
    CHECK(a->format == TraceFormat::Otlp);
    CHECK(a->store.str(a->store.spans[0].service) == "unknown_service");
    const std::string zipkin = R"([{"traceId":"1","id":"2","name":"y","timestamp":5,"duration":1}])";
    auto b = import_trace_text(zipkin, "otlp.json");
    REQUIRE(b.ok());
    CHECK(b->format == TraceFormat::Zipkin);
    CHECK(b->store.spans[0].start_ns == 5000);
    const std::string jaeger =
        R"({"traceID":"a","spans":[{"spanID":"b","operationName":"z","startTime":1,"duration":2}],"processes":{}})";
    auto c = import_trace_text(jaeger, "x.txt");
    REQUIRE(c.ok());
    CHECK(c->format == TraceFormat::Jaeger);
    CHECK(c->store.spans[0].trace_id == TraceId{0, 0xa});  // the trace's id applies to spans without one
    CHECK(any_warning(*c, "no known process"));
}

TEST_CASE("formats: OTLP accepts every AnyValue form, enum names, numbers for int64 and base64 ids") {
    const std::string doc = R"({"resourceSpans":[{"resource":{"attributes":[
        {"key":"service.name","value":{"stringValue":"svc"}},{"key":"host.name","value":{"stringValue":"h1"}}]},
      "scopeSpans":[{"scope":{"name":"lib"},"spans":[{
        "traceId":"0AF7651916CD43DD8448EB211C80319C","spanId":"B7AD6B7169203331","parentSpanId":"",
        "name":"op","kind":"SPAN_KIND_CLIENT","startTimeUnixNano":1000,"endTimeUnixNano":"3000",
        "status":{"code":"STATUS_CODE_ERROR","message":"boom"},"unknownField":{"nested":[1,2]},
        "attributes":[
          {"key":"s","value":{"stringValue":"text"}},
          {"key":"b","value":{"boolValue":true}},
          {"key":"i1","value":{"intValue":"-42"}},
          {"key":"i2","value":{"intValue":42}},
          {"key":"d","value":{"doubleValue":1.5}},
          {"key":"nan","value":{"doubleValue":"NaN"}},
          {"key":"bytes","value":{"bytesValue":"aGVsbG8="}},
          {"key":"arr","value":{"arrayValue":{"values":[{"stringValue":"a"},{"intValue":"7"}]}}},
          {"key":"kv","value":{"kvlistValue":{"values":[{"key":"k","value":{"boolValue":false}}]}}},
          {"key":"empty","value":{}}],
        "events":[{"timeUnixNano":"2000","name":"retry","attributes":[{"key":"n","value":{"intValue":"1"}}]}],
        "links":[{"traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spanId":"00f067aa0ba902b7","traceState":"a=1"}]
      },{"traceId":"C/dlGRbNQ92ESOshHIAxnA==","spanId":"t61rcWkgMzE=","name":"b64","kind":3}]}]}]})";
    auto r = import_trace_text(doc, "anyvalue.json");
    REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error()));
    const TraceStore& st = r->store;
    REQUIRE(st.spans.size() == 2);
    const Span& s = st.spans[0];
    CHECK(s.is_root());
    CHECK(s.kind == SpanKind::Client);
    CHECK(s.start_ns == 1000);
    CHECK(s.end_ns == 3000);
    CHECK(s.status == StatusCode::Error);
    CHECK(st.str(s.status_message) == "boom");
    CHECK(st.str(s.service) == "svc");
    REQUIRE(s.resource < st.resources.size());
    REQUIRE(st.resources[s.resource].attrs.count == 1);  // service.name moves to Resource::service
    CHECK(st.value_text(st.attrs(st.resources[s.resource].attrs)[0].value) == "h1");
    CHECK(attr_text(st, s, "s") == "text");
    CHECK(st.find_attr(s, "b")->b == true);
    CHECK(st.find_attr(s, "i1")->i == -42);
    CHECK(st.find_attr(s, "i2")->i == 42);
    CHECK(st.find_attr(s, "d")->d == 1.5);
    CHECK(st.find_attr(s, "nan")->type == ValueType::Double);
    CHECK(st.find_attr(s, "bytes")->type == ValueType::Bytes);
    CHECK(st.find_attr(s, "arr")->type == ValueType::Array);
    CHECK(attr_text(st, s, "arr") == R"(["a",7])");
    CHECK(st.find_attr(s, "kv")->type == ValueType::KvList);
    CHECK(attr_text(st, s, "kv") == R"({"k":false})");
    CHECK(st.find_attr(s, "empty")->type == ValueType::Empty);
    REQUIRE(s.event_count == 1);
    CHECK(st.events_of(s)[0].time_ns == 2000);
    CHECK(st.events_of(s)[0].attrs.count == 1);
    REQUIRE(s.link_count == 1);
    CHECK(to_hex(st.links_of(s)[0].span_id) == "00f067aa0ba902b7");
    CHECK(st.str(st.links_of(s)[0].trace_state) == "a=1");
    // Base64 ids (protobuf's default JSON, which OTLP forbids) are read with a warning.
    CHECK(to_hex(st.spans[1].trace_id) == "0bf7651916cd43dd8448eb211c80319c");
    CHECK(to_hex(st.spans[1].span_id) == "b7ad6b7169203331");
    CHECK(any_warning(*r, "base64"));
}

TEST_CASE("formats: OTLP JSON Lines from the collector's file exporter") {
    const std::string line1 =
        R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331","name":"a"}]}]}]})";
    const std::string line2 =
        R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203332","parentSpanId":"b7ad6b7169203331","name":"b"}]}]}]})";
    auto r = import_trace_text(line1 + "\n" + line2 + "\n", "spans.jsonl");
    REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error()));
    REQUIRE(r->store.spans.size() == 2);
    CHECK(r->store.spans[1].parent_span_id == r->store.spans[0].span_id);
}
