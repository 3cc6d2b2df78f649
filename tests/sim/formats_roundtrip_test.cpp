// Round trips: simulate → export → import gives the same spans, to the precision each format carries
// (OTLP: everything, nanoseconds; Jaeger: µs and typed tags; Zipkin: µs and text tags). Also checks that
// exports are deterministic and that the Chrome export is well-formed for Perfetto.
#include <doctest/doctest.h>

#include <filesystem>
#include <map>
#include <string>

#include "sim/engine/engine.hpp"
#include "sim/formats/formats.hpp"
#include "sim/engine/scenario.hpp"

using namespace tl;

namespace {

const std::filesystem::path kScenarios = std::filesystem::path(TRACELAB_SOURCE_DIR) / "assets" / "scenarios";

Run simulated(const char* name, uint64_t seed, uint32_t requests) {
    auto s = load_scenario(name, kScenarios);
    REQUIRE_MESSAGE(s.ok(), (s.ok() ? "" : s.error()));
    s->client_spans = true;
    return simulate(*s, seed, requests);
}

// A store with what the simulator does not produce: every value type, events, links, status messages,
// trace state, resource attributes, two scopes.
TraceStore hand_built() {
    TraceStore st;
    auto& pool = st.strings;
    const StrId svc = pool.intern("payments");
    st.resources.push_back(Resource{svc, {0, 1}});
    st.attributes.push_back(Attribute{pool.intern("host.name"), AttrValue::str(pool.intern("node-7"))});
    const TraceId trace{0x0af7651916cd43ddULL, 0x8448eb211c80319cULL};
    Span root;
    root.trace_id = trace;
    root.span_id = SpanId{0xb7ad6b7169203331ULL};
    root.name = pool.intern("POST /pay");
    root.service = svc;
    root.scope = pool.intern("http");
    root.kind = SpanKind::Server;
    root.status = StatusCode::Error;
    root.status_message = pool.intern("card declined");
    root.trace_state = pool.intern("vendor=a1,other=b2");
    root.start_ns = 1767225600123456789LL;
    root.end_ns = root.start_ns + 42'000'123;
    root.attrs.begin = static_cast<uint32_t>(st.attributes.size());
    st.attributes.push_back(Attribute{pool.intern("http.route"), AttrValue::str(pool.intern("/pay"))});
    st.attributes.push_back(Attribute{pool.intern("retries"), AttrValue::integer(3)});
    st.attributes.push_back(Attribute{pool.intern("big"), AttrValue::integer(9007199254740993LL)});
    st.attributes.push_back(Attribute{pool.intern("ratio"), AttrValue::real(0.25)});
    st.attributes.push_back(Attribute{pool.intern("cached"), AttrValue::boolean(false)});
    st.attributes.push_back(Attribute{pool.intern("text \"quoted\"\n"), AttrValue::str(pool.intern("tab\there ü"))});
    root.attrs.count = static_cast<uint32_t>(st.attributes.size() - root.attrs.begin);
    root.event_begin = 0;
    root.event_count = 1;
    SpanEvent ev;
    ev.name = pool.intern("exception");
    ev.time_ns = root.start_ns + 1000;
    ev.attrs.begin = static_cast<uint32_t>(st.attributes.size());
    st.attributes.push_back(Attribute{pool.intern("exception.type"), AttrValue::str(pool.intern("Declined"))});
    ev.attrs.count = 1;
    st.events.push_back(ev);
    st.spans.push_back(root);

    Span child = root;
    child.span_id = SpanId{0x00f067aa0ba902b7ULL};
    child.parent_span_id = root.span_id;
    child.name = pool.intern("charge card");
    child.scope = pool.intern("grpc");
    child.kind = SpanKind::Client;
    child.status = StatusCode::Ok;
    child.status_message = 0;
    child.trace_state = 0;
    child.start_ns = root.start_ns + 2'000'000;
    child.end_ns = child.start_ns + 30'000'000;
    child.attrs = {};
    child.event_begin = 1;
    child.event_count = 0;
    child.link_begin = 0;
    child.link_count = 1;
    SpanLink link;
    link.trace_id = TraceId{1, 2};
    link.span_id = SpanId{3};
    st.links.push_back(link);
    st.spans.push_back(child);
    return st;
}

std::string attrs_text(const TraceStore& st, AttrRange r, bool typed) {
    std::map<std::string, std::string> sorted;
    for (const Attribute& a : st.attrs(r)) {
        std::string v = st.value_text(a.value);
        if (typed) v = std::to_string(static_cast<int>(a.value.type)) + ":" + v;
        sorted[std::string(st.str(a.key))] = v;
    }
    std::string out;
    for (const auto& [k, v] : sorted) out += k + "=" + v + ";";
    return out;
}

enum class Precision { Exact, Micros };

// Compares two stores span by span (matched by trace and span id; exports group spans by resource, so
// the order may differ) to the given precision.
void check_same_spans(const TraceStore& a, const TraceStore& b, Precision p, bool typed_attrs, bool events_attrs,
                      bool carries_flags = true) {
    REQUIRE(a.spans.size() == b.spans.size());
    std::map<std::pair<TraceId, SpanId>, size_t> index;
    for (size_t i = 0; i < b.spans.size(); ++i) index[{b.spans[i].trace_id, b.spans[i].span_id}] = i;
    CHECK(index.size() == b.spans.size());
    auto t = [&](int64_t ns) { return p == Precision::Exact ? ns : (ns >= 0 ? ns / 1000 : -((-ns + 999) / 1000)); };
    for (size_t i = 0; i < a.spans.size(); ++i) {
        const Span& x = a.spans[i];
        auto found = index.find({x.trace_id, x.span_id});
        REQUIRE_MESSAGE(found != index.end(), "span " << to_hex(x.span_id) << " did not come back");
        const Span& y = b.spans[found->second];
        INFO("span " << i << " " << a.str(x.name));
        CHECK(x.trace_id == y.trace_id);
        CHECK(x.span_id == y.span_id);
        CHECK(x.parent_span_id == y.parent_span_id);
        CHECK(a.str(x.name) == b.str(y.name));
        CHECK(a.str(x.service) == b.str(y.service));
        CHECK(a.str(x.scope) == b.str(y.scope));
        const SpanKind kx = x.kind == SpanKind::Unspecified ? SpanKind::Internal : x.kind;
        const SpanKind ky = y.kind == SpanKind::Unspecified ? SpanKind::Internal : y.kind;
        CHECK(kx == ky);
        CHECK(x.status == y.status);
        CHECK(a.str(x.status_message) == b.str(y.status_message));
        CHECK(a.str(x.trace_state) == b.str(y.trace_state));
        if (carries_flags) CHECK(x.flags == y.flags);
        CHECK(t(x.start_ns) == t(y.start_ns));
        CHECK(t(x.end_ns) == t(y.end_ns));
        CHECK(attrs_text(a, x.attrs, typed_attrs) == attrs_text(b, y.attrs, typed_attrs));
        REQUIRE(x.event_count == y.event_count);
        for (uint32_t e = 0; e < x.event_count; ++e) {
            CHECK(a.str(a.events_of(x)[e].name) == b.str(b.events_of(y)[e].name));
            CHECK(t(a.events_of(x)[e].time_ns) == t(b.events_of(y)[e].time_ns));
            if (events_attrs)
                CHECK(attrs_text(a, a.events_of(x)[e].attrs, typed_attrs) ==
                      attrs_text(b, b.events_of(y)[e].attrs, typed_attrs));
        }
    }
}

ImportedTrace reimport(const TraceStore& st, TraceFormat f) {
    const std::string text = write_trace(st, f);
    auto r = import_trace_text(text, std::string("roundtrip.") + to_string(f));
    REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error()));
    CHECK(r->format == f);
    return std::move(r.value());
}

}  // namespace

TEST_CASE("formats round trip: OTLP keeps every field of simulated traces, byte-identical on re-export") {
    for (const char* name : {"checkout", "async-order", "fan-out", "n-plus-one", "legacy-proxy"}) {
        INFO(name);
        const Run run = simulated(name, 7, 3);
        REQUIRE(!run.observed.spans.empty());
        auto back = reimport(run.observed, TraceFormat::Otlp);
        CHECK(back.warnings.empty());
        check_same_spans(run.observed, back.store, Precision::Exact, true, true);
        CHECK(write_trace(back.store, TraceFormat::Otlp) == write_trace(run.observed, TraceFormat::Otlp));
    }
}

TEST_CASE("formats round trip: OTLP keeps every value type, events, links, status and trace state") {
    const TraceStore st = hand_built();
    auto back = reimport(st, TraceFormat::Otlp);
    check_same_spans(st, back.store, Precision::Exact, true, true);
    REQUIRE(back.store.spans[1].link_count == 1);
    CHECK(back.store.links_of(back.store.spans[1])[0].trace_id == TraceId{1, 2});
    REQUIRE(back.store.resources.size() == 1);
    CHECK(attrs_text(back.store, back.store.resources[0].attrs, true) == attrs_text(st, st.resources[0].attrs, true));
    // Two scopes → two ScopeSpans under one ResourceSpans.
    const Json doc = Json::parse(write_trace(st, TraceFormat::Otlp));
    REQUIRE(doc["resourceSpans"].size() == 1);
    CHECK(doc["resourceSpans"][0]["scopeSpans"].size() == 2);
    CHECK(doc["resourceSpans"][0]["scopeSpans"][0]["spans"][0]["startTimeUnixNano"] == "1767225600123456789");
    CHECK(doc["resourceSpans"][0]["scopeSpans"][0]["spans"][0]["kind"] == 2);
    CHECK(doc["resourceSpans"][0]["scopeSpans"][0]["spans"][0]["status"]["code"] == 2);
    CHECK(doc["resourceSpans"][0]["scopeSpans"][0]["spans"][0]["attributes"][1]["value"]["intValue"] == "3");
}

TEST_CASE("formats round trip: Jaeger keeps spans to the microsecond with typed tags") {
    for (const char* name : {"checkout", "async-order", "legacy-proxy"}) {
        INFO(name);
        const Run run = simulated(name, 11, 2);
        auto back = reimport(run.observed, TraceFormat::Jaeger);
        check_same_spans(run.observed, back.store, Precision::Micros, true, true);
    }
    const TraceStore st = hand_built();
    auto back = reimport(st, TraceFormat::Jaeger);
    check_same_spans(st, back.store, Precision::Micros, true, true);
    // An int64 beyond 2^53 travels as a string and still comes back as the same integer.
    CHECK(back.store.find_attr(back.store.spans[0], "big")->i == 9007199254740993LL);
    const Json doc = Json::parse(write_trace(st, TraceFormat::Jaeger));
    CHECK(doc["data"][0]["processes"]["p1"]["serviceName"] == "payments");
    CHECK(doc["data"][0]["spans"][1]["references"][0]["refType"] == "CHILD_OF");
    CHECK(doc["data"][0]["spans"][1]["references"][1]["refType"] == "FOLLOWS_FROM");
}

TEST_CASE("formats round trip: Zipkin keeps spans to the microsecond with text tags") {
    for (const char* name : {"checkout", "fan-out"}) {
        INFO(name);
        const Run run = simulated(name, 5, 2);
        auto back = reimport(run.observed, TraceFormat::Zipkin);
        check_same_spans(run.observed, back.store, Precision::Micros, false, false, false);
    }
    const TraceStore st = hand_built();
    auto back = reimport(st, TraceFormat::Zipkin);
    check_same_spans(st, back.store, Precision::Micros, false, false, false);
}

TEST_CASE("formats: Chrome export has one process per service and properly nested lanes") {
    const Run run = simulated("fan-out", 3, 20);
    const TraceStore& st = run.observed;
    const Json doc = Json::parse(write_trace(st, TraceFormat::Chrome));
    REQUIRE(doc["traceEvents"].is_array());
    std::map<int, std::string> process_names;
    std::map<std::pair<int, int>, std::vector<std::pair<double, double>>> slices;
    size_t complete = 0;
    for (const Json& e : doc["traceEvents"]) {
        if (e["ph"] == "M" && e["name"] == "process_name") process_names[e["pid"]] = e["args"]["name"];
        if (e["ph"] != "X") continue;
        ++complete;
        CHECK(e["ts"].is_number());
        CHECK(e["dur"].is_number());
        CHECK(e["args"].contains("span_id"));
        slices[{e["pid"].get<int>(), e["tid"].get<int>()}].emplace_back(e["ts"].get<double>(),
                                                                        e["ts"].get<double>() + e["dur"].get<double>());
    }
    CHECK(complete == st.spans.size());
    std::map<std::string, int> services;
    for (const Span& s : st.spans) services[std::string(st.str(s.service))] = 1;
    CHECK(process_names.size() == services.size());
    for (const auto& [pid, svc] : process_names) CHECK(services.count(svc) == 1);
    // On each thread lane, any two slices are either disjoint or one contains the other.
    for (const auto& [lane, list] : slices)
        for (size_t i = 0; i < list.size(); ++i)
            for (size_t j = i + 1; j < list.size(); ++j) {
                const auto& [a0, a1] = list[i];
                const auto& [b0, b1] = list[j];
                const bool disjoint = a1 <= b0 + 1e-3 || b1 <= a0 + 1e-3;
                const bool nested = (a0 <= b0 + 1e-3 && b1 <= a1 + 1e-3) || (b0 <= a0 + 1e-3 && a1 <= b1 + 1e-3);
                CHECK((disjoint || nested));
            }
    // And it reads back in: the same number of slices with the same durations (to the nanosecond here).
    auto back = import_trace_text(write_trace(st, TraceFormat::Chrome), "perfetto.json");
    REQUIRE(back.ok());
    CHECK(back->store.spans.size() == st.spans.size());
}

TEST_CASE("formats: exports are deterministic and name formats both ways") {
    const Run a = simulated("checkout", 9, 4);
    const Run b = simulated("checkout", 9, 4);
    for (TraceFormat f : {TraceFormat::Otlp, TraceFormat::Jaeger, TraceFormat::Zipkin, TraceFormat::Chrome}) {
        CHECK(write_trace(a.observed, f) == write_trace(b.observed, f));
        CHECK(parse_trace_format(to_string(f)) == f);
    }
    CHECK_FALSE(parse_trace_format("protobuf").has_value());
}
