// OTLP protobuf ↔ TraceStore: requests built with the generated messages (independently of the converter) are
// read field by field, invalid ids are rejected and counted, and a store survives encode → decode unchanged.
#include <doctest/doctest.h>

#include <string>

#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"
#include "sim/engine/engine.hpp"
#include "sim/engine/scenario.hpp"
#include "sim/formats/format_io.hpp"
#include "sim/formats/formats.hpp"
#include "sim/otlp/otlp_proto.hpp"
#include "ui/cli/cli.hpp"

using namespace tl;
namespace pb = opentelemetry::proto;

namespace {

std::string bytes_of(std::initializer_list<int> b) {
    std::string s;
    for (int x : b) s += static_cast<char>(x);
    return s;
}

const std::string kTrace = bytes_of({0x4b, 0xf9, 0x2f, 0x35, 0x77, 0xb3, 0x4d, 0xa6, 0xa3, 0xce, 0x92, 0x9d, 0x0e, 0x0e, 0x47, 0x36});
const std::string kSpan = bytes_of({0x00, 0xf0, 0x67, 0xaa, 0x0b, 0xa9, 0x02, 0xb7});
const std::string kChild = bytes_of({0x00, 0xf0, 0x67, 0xaa, 0x0b, 0xa9, 0x02, 0xb8});

pb::trace::v1::Span* add_span(pb::trace::v1::ScopeSpans* ss, const std::string& trace, const std::string& id,
                              const std::string& parent, const char* name) {
    auto* s = ss->add_spans();
    s->set_trace_id(trace);
    s->set_span_id(id);
    s->set_parent_span_id(parent);
    s->set_name(name);
    s->set_start_time_unix_nano(1'700'000'000'000'000'000ULL);
    s->set_end_time_unix_nano(1'700'000'000'250'000'000ULL);
    return s;
}

pb::collector::trace::v1::ExportTraceServiceRequest one_service(const char* service) {
    pb::collector::trace::v1::ExportTraceServiceRequest req;
    auto* rs = req.add_resource_spans();
    auto* attr = rs->mutable_resource()->add_attributes();
    attr->set_key("service.name");
    attr->mutable_value()->set_string_value(service);
    rs->add_scope_spans()->mutable_scope()->set_name("@opentelemetry/instrumentation-http");
    return req;
}

Result<otlp::DecodeStats> decode(const std::string& bytes, ImportedTrace& out) {
    formats::SpanImport in("test", out);
    return otlp::decode_export_request(bytes, in);
}

}  // namespace

TEST_CASE("otlp proto: every span field and attribute type is read") {
    auto req = one_service("frontend");
    auto* res_attr = req.mutable_resource_spans(0)->mutable_resource()->add_attributes();
    res_attr->set_key("host.name");
    res_attr->mutable_value()->set_string_value("laptop");
    auto* ss = req.mutable_resource_spans(0)->mutable_scope_spans(0);
    auto* root = add_span(ss, kTrace, kSpan, "", "GET /checkout");
    root->set_kind(pb::trace::v1::Span::SPAN_KIND_SERVER);
    root->set_trace_state("vendor=1");
    root->set_flags(0x301);  // sampled, with the has-is-remote and is-remote bits above the W3C flags
    root->mutable_status()->set_code(pb::trace::v1::Status::STATUS_CODE_ERROR);
    root->mutable_status()->set_message("card declined");
    auto set = [&](const char* key) {
        auto* kv = root->add_attributes();
        kv->set_key(key);
        return kv->mutable_value();
    };
    set("http.route")->set_string_value("/checkout");
    set("http.response.status_code")->set_int_value(502);
    set("retry")->set_bool_value(true);
    set("ratio")->set_double_value(0.25);
    set("raw")->set_bytes_value("\x01\x02");
    auto* arr = set("tags")->mutable_array_value();
    arr->add_values()->set_string_value("a");
    arr->add_values()->set_int_value(7);
    auto* kvl = set("map")->mutable_kvlist_value()->add_values();
    kvl->set_key("k");
    kvl->mutable_value()->set_bool_value(false);
    auto* ev = root->add_events();
    ev->set_name("exception");
    ev->set_time_unix_nano(1'700'000'000'100'000'000ULL);
    auto* link = root->add_links();
    link->set_trace_id(kTrace);
    link->set_span_id(kChild);
    auto* child = add_span(ss, kTrace, kChild, kSpan, "charge");
    child->set_kind(pb::trace::v1::Span::SPAN_KIND_CLIENT);

    ImportedTrace out;
    auto stats = decode(req.SerializeAsString(), out);
    REQUIRE(stats.ok());
    CHECK(stats->accepted == 2);
    CHECK(stats->rejected == 0);
    const TraceStore& st = out.store;
    REQUIRE(st.spans.size() == 2);
    const Span& s = st.spans[0];
    CHECK(to_hex(s.trace_id) == "4bf92f3577b34da6a3ce929d0e0e4736");
    CHECK(to_hex(s.span_id) == "00f067aa0ba902b7");
    CHECK_FALSE(s.parent_span_id.valid());
    CHECK(st.str(s.name) == "GET /checkout");
    CHECK(st.str(s.service) == "frontend");
    CHECK(st.str(s.scope) == "@opentelemetry/instrumentation-http");
    CHECK(st.str(s.trace_state) == "vendor=1");
    CHECK(s.flags == 0x01);
    CHECK(s.kind == SpanKind::Server);
    CHECK(s.status == StatusCode::Error);
    CHECK(st.str(s.status_message) == "card declined");
    CHECK(s.start_ns == 1'700'000'000'000'000'000LL);
    CHECK(s.duration_ns() == 250'000'000);
    CHECK(st.value_text(*st.find_attr(s, "http.route")) == "/checkout");
    CHECK(st.find_attr(s, "http.response.status_code")->i == 502);
    CHECK(st.find_attr(s, "retry")->b);
    CHECK(st.find_attr(s, "ratio")->d == 0.25);
    CHECK(st.find_attr(s, "raw")->type == ValueType::Bytes);
    CHECK(st.value_text(*st.find_attr(s, "raw")) == "AQI=");
    CHECK(st.value_text(*st.find_attr(s, "tags")) == R"(["a",7])");
    CHECK(st.value_text(*st.find_attr(s, "map")) == R"({"k":false})");
    REQUIRE(s.event_count == 1);
    CHECK(st.str(st.events_of(s)[0].name) == "exception");
    REQUIRE(s.link_count == 1);
    CHECK(to_hex(st.links_of(s)[0].span_id) == "00f067aa0ba902b8");
    // service.name moved to the resource's service; the other resource attributes stay.
    const Resource& r = st.resources[s.resource];
    CHECK(st.str(r.service) == "frontend");
    REQUIRE(r.attrs.count == 1);
    CHECK(st.str(st.attrs(r.attrs)[0].key) == "host.name");
    CHECK(st.spans[1].parent_span_id == s.span_id);
    CHECK(st.spans[1].kind == SpanKind::Client);
}

TEST_CASE("otlp proto: spans with invalid ids are rejected and counted, the rest kept") {
    auto req = one_service("svc");
    auto* ss = req.mutable_resource_spans(0)->mutable_scope_spans(0);
    add_span(ss, kTrace, kSpan, "", "good");
    add_span(ss, kTrace.substr(0, 4), kChild, "", "short trace id");
    add_span(ss, std::string(16, '\0'), kChild, "", "zero trace id");
    add_span(ss, kTrace, std::string(8, '\0'), "", "zero span id");
    add_span(ss, kTrace, kSpan.substr(0, 7), "", "short span id");
    add_span(ss, kTrace, kChild, "abc", "bad parent");
    ImportedTrace out;
    auto stats = decode(req.SerializeAsString(), out);
    REQUIRE(stats.ok());
    CHECK(stats->accepted == 1);
    CHECK(stats->rejected == 5);
    CHECK(stats->rejected_reason == "resource_spans[0].scope_spans[0].spans[1]: trace_id is 4 bytes, not 16");
    REQUIRE(out.store.spans.size() == 1);
    CHECK(out.store.str(out.store.spans[0].name) == "good");
}

TEST_CASE("otlp proto: undecodable bytes fail and append nothing; unknown fields are skipped") {
    ImportedTrace out;
    CHECK_FALSE(decode("\x0a\xff\xff\xff\xff\x0f garbage", out).ok());
    CHECK_FALSE(decode(std::string("\x0a\x05\x0a\x03\x0a", 5), out).ok());  // a length running past the end
    CHECK(out.store.spans.empty());

    auto req = one_service("svc");
    add_span(req.mutable_resource_spans(0)->mutable_scope_spans(0), kTrace, kSpan, "", "a");
    // Field 15 (varint) and field 16 (length-delimited) are not in ExportTraceServiceRequest.
    const std::string bytes = req.SerializeAsString() + std::string("\x78\x01\x82\x01\x02hi", 7);
    ImportedTrace with_unknown;
    auto stats = decode(bytes, with_unknown);
    REQUIRE(stats.ok());
    CHECK(stats->accepted == 1);
}

TEST_CASE("otlp proto: a simulated store survives encode and decode") {
    cli::SimFlags flags;
    flags.scenario = "async-order";
    flags.requests = 3;
    flags.client_spans = true;
    auto run = cli::run_simulation(flags);
    REQUIRE(run.ok());
    const TraceStore& original = run->observed;
    REQUIRE(original.spans.size() > 5);
    const std::string bytes = otlp::encode_export_request(original);
    ImportedTrace back;
    auto stats = decode(bytes, back);
    REQUIRE(stats.ok());
    CHECK(stats->accepted == original.spans.size());
    // The OTLP/JSON writer renders both the same way only if every field came back.
    CHECK(write_trace(back.store, TraceFormat::Otlp) == write_trace(original, TraceFormat::Otlp));
}

TEST_CASE("otlp proto: files are detected from the content; unknown content names every format") {
    auto req = one_service("svc");
    add_span(req.mutable_resource_spans(0)->mutable_scope_spans(0), kTrace, kSpan, "", "from a file");
    auto imported = import_trace_text(req.SerializeAsString(), "trace.bin");
    REQUIRE(imported.ok());
    CHECK(imported->format == TraceFormat::Otlp);
    REQUIRE(imported->store.spans.size() == 1);
    CHECK(imported->store.str(imported->store.spans[0].name) == "from a file");

    auto garbage = import_trace_text(std::string("\x01\x02\x03 not a trace", 15), "x.pb");
    REQUIRE_FALSE(garbage.ok());
    for (const char* format : {"OTLP/JSON", "OTLP protobuf", "Jaeger", "Zipkin", "Chrome"})
        CHECK(garbage.error().find(format) != std::string::npos);
    // A JSON file that starts with a newline is still JSON.
    auto json = import_trace_text("\n" + write_trace(imported->store, TraceFormat::Otlp), "t.json");
    REQUIRE(json.ok());
    CHECK(json->store.spans.size() == 1);
}

TEST_CASE("otlp proto: one thread decodes request after request, big and small, each from scratch") {
    // The decoder keeps its message between requests on a thread and drops it after a big one: nothing of an
    // earlier request may leak into a later one.
    auto with_spans = [](int n, const char* service, const char* name) {
        auto req = one_service(service);
        auto* ss = req.mutable_resource_spans(0)->mutable_scope_spans(0);
        for (int i = 0; i < n; ++i) {
            std::string id = kSpan;
            id[6] = static_cast<char>(i >> 8);
            id[7] = static_cast<char>(i & 0xff);
            auto* s = add_span(ss, kTrace, id, "", name);
            auto* kv = s->add_attributes();
            kv->set_key("padding");
            kv->mutable_value()->set_string_value(std::string(200, 'x'));
        }
        return req.SerializeAsString();
    };
    const std::string big = with_spans(6000, "big", "bulk");  // over 1 MiB
    REQUIRE(big.size() > (size_t(1) << 20));
    const std::string small = with_spans(3, "small", "one");
    const std::string bare = one_service("empty").SerializeAsString();
    for (const std::string* bytes : {&small, &big, &small, &bare, &big, &bare}) {
        ImportedTrace out;
        auto stats = decode(*bytes, out);
        REQUIRE(stats.ok());
        const size_t expected = bytes == &big ? 6000 : bytes == &small ? 3 : 0;
        CHECK(out.store.spans.size() == expected);
        if (expected == 0) continue;
        CHECK(out.store.str(out.store.spans.back().service) == (bytes == &big ? "big" : "small"));
        CHECK(out.store.str(out.store.spans.back().name) == (bytes == &big ? "bulk" : "one"));
        CHECK(out.store.spans.back().attrs.count == 1);
    }
}
