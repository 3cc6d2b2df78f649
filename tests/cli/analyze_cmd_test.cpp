// `tracelab analyze`: text and --json output for real corpus files and simulated exports.
#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/support/temp_dir.hpp"
#include "sim/formats/formats.hpp"
#include "sim/otlp/otlp_proto.hpp"
#include "ui/cli/cli.hpp"

using namespace tl;

namespace {

struct Cli {
    std::istringstream in;
    std::ostringstream out, err;
    int run(const cli::Args& args) { return *cli::run(args, cli::Io{in, out, err}); }
};

std::string corpus(const char* file) {
    return std::string(TRACELAB_SHARED_DIR) + "/corpus/" + file;
}

nlohmann::json analyze_json(const std::string& path) {
    Cli c;
    const int code = c.run({"analyze", path, "--json"});
    INFO(c.err.str());
    REQUIRE(code == 0);
    return nlohmann::json::parse(c.out.str());
}

}  // namespace

TEST_CASE("tracelab analyze --json: Zipkin corpus trace with its critical path and self time") {
    const auto doc = analyze_json(corpus("zipkin_v2_spans_example.json"));
    CHECK(doc["format"] == "zipkin");
    CHECK(doc["span_count"] == 4);
    REQUIRE(doc["traces"].size() == 1);
    const auto& t = doc["traces"][0];
    CHECK(t["trace_id"] == "00000000000000001e223ff1f80f1c69");
    CHECK(t["root"] == "get");
    CHECK(t["root_service"] == "servicea");
    CHECK(t["spans"] == 4);
    // From the earliest start (the skewed server half, …008761 µs) to the latest end (get: …071068 + 99411 µs).
    CHECK(t["duration_ms"].get<double>() == doctest::Approx(161.718));
    CHECK(t["orphans"].empty());
    REQUIRE(!t["critical_path"].empty());
    CHECK(t["critical_path"][0]["span_id"] == "bf396325699c84bf");
    CHECK(t["critical_path"][0]["name"] == "get");
    double path_ms = 0;
    for (const auto& e : t["critical_path"]) {
        CHECK(e.contains("span_id"));
        CHECK(e.contains("name"));
        CHECK(e["ms"].get<double>() >= 0);
        path_ms += e["ms"].get<double>();
    }
    CHECK(path_ms <= 99.411 + 0.002);  // the path never exceeds the root it runs through
    REQUIRE(t["self_time_ms"].is_array());
    double self_ms = 0;
    for (const auto& s : t["self_time_ms"]) self_ms += s["ms"].get<double>();
    CHECK(self_ms > 0);
    CHECK(t["self_time_ms"].size() == 2);  // servicea and serviceb
}

TEST_CASE("tracelab analyze --json: a trace whose root never arrived lists its orphan") {
    const auto doc = analyze_json(corpus("otlp_trace_example.json"));
    CHECK(doc["format"] == "otlp");
    REQUIRE(doc["traces"].size() == 1);
    const auto& t = doc["traces"][0];
    CHECK(t["root"].is_null());
    CHECK(t["spans"] == 1);
    CHECK(t["duration_ms"].get<double>() == doctest::Approx(1000.0));
    REQUIRE(t["orphans"].size() == 1);
    CHECK(t["orphans"][0] == "eee19b7ec3c1b174");
    CHECK(!t["warnings"].empty());
}

TEST_CASE("tracelab analyze: every corpus file is analysed, with import warnings kept") {
    for (const char* f :
         {"otlp_trace_example.json", "jaeger_ui_otlp2jaeger_in.otlp.json", "jaeger_trace_example.json",
          "jaeger_ui_model_fixture_ui_01.json", "jaeger_ui_trace_two_children.json", "zipkin_v2_spans_example.json",
          "chrome_trace_event_example.json", "chrome_trace_metadata_example.json"}) {
        INFO(f);
        Cli c;
        CHECK(c.run({"analyze", corpus(f)}) == 0);
        CHECK(c.out.str().find("critical path") != std::string::npos);
        CHECK(c.out.str().find("self time by service") != std::string::npos);
    }
    const auto dup = analyze_json(corpus("jaeger_trace_example.json"));
    REQUIRE(!dup["warnings"].empty());
    CHECK(dup["warnings"][0].get<std::string>().find("more than once") != std::string::npos);
    const auto two = analyze_json(corpus("jaeger_ui_trace_two_children.json"));
    CHECK(two["traces"][0]["root"] == "send");
    CHECK(two["traces"][0]["duration_ms"].get<double>() == doctest::Approx(0.5));  // 100 µs … 600 µs
}

TEST_CASE("tracelab analyze: a simulated export read back from standard input") {
    Cli sim;
    REQUIRE(sim.run({"simulate", "--scenario", "checkout", "--requests", "3", "--format", "jaeger"}) == 0);
    Cli c;
    c.in.str(sim.out.str());
    REQUIRE(c.run({"analyze", "-", "--json"}) == 0);
    const auto doc = nlohmann::json::parse(c.out.str());
    CHECK(doc["file"] == "<stdin>");
    CHECK(doc["format"] == "jaeger");
    CHECK(doc["traces"].size() >= 3);
    for (const auto& t : doc["traces"]) {
        CHECK(t["trace_id"].get<std::string>().size() == 32);
        CHECK(t["spans"].get<int>() >= 1);
    }
}

TEST_CASE("tracelab analyze: errors and usage") {
    Cli missing;
    CHECK(missing.run({"analyze", "/nonexistent/trace.json"}) == 1);
    CHECK(missing.err.str().find("cannot open") != std::string::npos);
    Cli bad;
    bad.in.str("{\"hello\": 1}");
    CHECK(bad.run({"analyze", "-"}) == 1);
    CHECK(bad.err.str().find("not a trace format") != std::string::npos);
    Cli none;
    CHECK(none.run({"analyze"}) == 2);
    Cli two;
    CHECK(two.run({"analyze", "a.json", "b.json"}) == 2);
    Cli opt;
    CHECK(opt.run({"analyze", "--tree", "a.json"}) == 2);
    Cli help;
    CHECK(help.run({"analyze", "--help"}) == 0);
    CHECK(help.out.str().find("--json") != std::string::npos);
}

TEST_CASE("tracelab analyze: a simulated broken hop is named, in text and in --json broken_hops") {
    // checkout with orders->payments made by a client that sends no traceparent: two traces per request.
    Cli sim;
    REQUIRE(sim.run({"simulate", "--scenario", "checkout", "--drop", "orders->payments=no-inject", "--format",
                     "otlp"}) == 0);
    Cli c;
    c.in.str(sim.out.str());
    REQUIRE(c.run({"analyze", "-", "--json"}) == 0);
    const auto doc = nlohmann::json::parse(c.out.str());
    REQUIRE(doc["traces"].size() == 2);
    REQUIRE(doc["broken_hops"].size() == 1);
    const auto& h = doc["broken_hops"][0];
    CHECK(h["from_service"] == "orders");
    CHECK(h["to_service"] == "payments");
    // The callee trace is the one whose root is payments; the caller trace is the other one.
    for (const auto& t : doc["traces"]) {
        if (t["root_service"] == "payments")
            CHECK(h["callee_trace_id"] == t["trace_id"]);
        else
            CHECK(h["caller_trace_id"] == t["trace_id"]);
    }
    CHECK(h["caller_span_id"].get<std::string>().size() == 16);
    CHECK(h["callee_span_id"].get<std::string>().size() == 16);
    CHECK(h["at_ms"].get<double>() > 0);
    CHECK(h["cause"] == "uninstrumented-client");
    CHECK(h["reason"].get<std::string>().find("orders called payments at ") == 0);

    Cli text;
    text.in.str(sim.out.str());
    REQUIRE(text.run({"analyze", "-"}) == 0);
    CHECK(text.out.str().find("broken hops    1") != std::string::npos);
    CHECK(text.out.str().find(h["reason"].get<std::string>()) != std::string::npos);

    Cli whole;
    whole.in.str([] {
        Cli s;
        s.run({"simulate", "--scenario", "checkout", "--format", "otlp"});
        return s.out.str();
    }());
    REQUIRE(whole.run({"analyze", "-", "--json"}) == 0);
    CHECK(nlohmann::json::parse(whole.out.str())["broken_hops"].empty());
}

namespace {

// An OTLP/JSON file: frontend [0,100] ms calls payments, whose clock is 45 ms ahead ([85,105] instead of
// [40,60]); a batch job in a second trace links to the payments span.
const char* kSkewedOtlp = R"({"resourceSpans":[
 {"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"frontend"}}]},
  "scopeSpans":[{"spans":[
   {"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"00f067aa0ba902b7","name":"GET /","kind":2,
    "startTimeUnixNano":"1700000000000000000","endTimeUnixNano":"1700000000100000000"}]}]},
 {"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"payments"}}]},
  "scopeSpans":[{"spans":[
   {"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331","parentSpanId":"00f067aa0ba902b7",
    "name":"charge","kind":2,
    "startTimeUnixNano":"1700000000085000000","endTimeUnixNano":"1700000000105000000"}]}]},
 {"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"billing"}}]},
  "scopeSpans":[{"spans":[
   {"traceId":"11111111111111111111111111111111","spanId":"2222222222222222","name":"nightly batch","kind":1,
    "startTimeUnixNano":"1700000001000000000","endTimeUnixNano":"1700000001010000000",
    "links":[{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331"}]}]}]}]})";

}  // namespace

TEST_CASE("tracelab analyze --json: clock_skew, links and statistics per trace; --adjust-skew moves the span") {
    tl::test::TempDir dir;
    const auto path = (dir.path / "skewed.json").string();
    std::ofstream(path) << kSkewedOtlp;
    const auto doc = analyze_json(path);
    REQUIRE(doc["traces"].size() == 2);
    CHECK(doc["skew_adjusted"] == false);
    const auto& t = doc["traces"][0];
    CHECK(t["trace_id"] == "0af7651916cd43dd8448eb211c80319c");
    REQUIRE(t["clock_skew"].size() == 1);
    CHECK(t["clock_skew"][0]["service"] == "payments");
    CHECK(t["clock_skew"][0]["span_id"] == "b7ad6b7169203331");
    CHECK(t["clock_skew"][0]["offset_ms"].get<double>() == doctest::Approx(45.0));
    CHECK(t["links"].empty());
    // Unadjusted, the trace runs from 0 to 105 ms; the root's self time is 100 - 15 (payments inside it).
    CHECK(t["duration_ms"].get<double>() == doctest::Approx(105.0));
    REQUIRE(t["statistics"].size() == 2);
    for (const auto& r : t["statistics"]) {
        CHECK(r["count"] == 1);
        CHECK(r["avg_ms"] == r["total_ms"]);
        CHECK(r["min_ms"] == r["max_ms"]);
        if (r["service"] == "frontend") CHECK(r["self_ms"].get<double>() == doctest::Approx(85.0));
        if (r["service"] == "payments") CHECK(r["self_ms"].get<double>() == doctest::Approx(20.0));
    }
    const auto& batch = doc["traces"][1];
    REQUIRE(batch["links"].size() == 1);
    CHECK(batch["links"][0]["from_span_id"] == "2222222222222222");
    CHECK(batch["links"][0]["to_trace_id"] == "0af7651916cd43dd8448eb211c80319c");
    CHECK(batch["links"][0]["to_span_id"] == "b7ad6b7169203331");
    CHECK(batch["links"][0]["resolved"] == true);

    Cli c;
    REQUIRE(c.run({"analyze", path, "--json", "--adjust-skew"}) == 0);
    const auto adj = nlohmann::json::parse(c.out.str());
    CHECK(adj["skew_adjusted"] == true);
    const auto& at = adj["traces"][0];
    CHECK(at["duration_ms"].get<double>() == doctest::Approx(100.0));  // payments now sits at [40,60]
    CHECK(at["clock_skew"][0]["offset_ms"].get<double>() == doctest::Approx(45.0));
    for (const auto& r : at["statistics"])
        if (r["service"] == "frontend") CHECK(r["self_ms"].get<double>() == doctest::Approx(80.0));

    Cli text;
    REQUIRE(text.run({"analyze", path}) == 0);
    CHECK(text.out.str().find("payments's clock looks 45.000 ms ahead") == std::string::npos);
    CHECK(text.out.str().find("payments' clock looks 45.000 ms ahead") != std::string::npos);
}

TEST_CASE("tracelab analyze: a protobuf file is titled OTLP protobuf, a JSON one OTLP/JSON") {
    cli::SimFlags flags;
    flags.requests = 2;
    auto run = cli::run_simulation(flags);
    REQUIRE(run.ok());
    test::TempDir dir;
    const auto json_path = dir.path / "t.json", pb_path = dir.path / "t.binpb";
    std::ofstream(json_path, std::ios::binary) << write_trace(run->observed, TraceFormat::Otlp);
    std::ofstream(pb_path, std::ios::binary) << otlp::encode_export_request(run->observed);
    Cli json;
    REQUIRE(json.run({"analyze", json_path.string()}) == 0);
    CHECK(json.out.str().find(": OTLP/JSON, ") != std::string::npos);
    Cli proto;
    REQUIRE(proto.run({"analyze", pb_path.string()}) == 0);
    CHECK(proto.out.str().find(": OTLP protobuf, ") != std::string::npos);
}
