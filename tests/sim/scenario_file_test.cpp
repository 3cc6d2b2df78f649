// Scenario files: what the app and `tracelab scenario` save reopens as the same scenario and simulates to
// byte-identical output; every invalid case is rejected; scenario files are told apart from trace files.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "sim/engine/engine.hpp"
#include "sim/engine/scenario.hpp"
#include "sim/engine/scenario_file.hpp"
#include "sim/formats/formats.hpp"
#include "tests/support/temp_dir.hpp"

using namespace tl;
namespace fs = std::filesystem;

namespace {
const fs::path kScenarios = fs::path(TRACELAB_SOURCE_DIR) / "assets" / "scenarios";

// Everything a backend would receive for a few requests and seeds, as one string.
std::string simulate_all(const Scenario& s) {
    std::string out;
    for (uint64_t seed : {1u, 7u, 42u}) {
        EngineOptions opt;
        opt.seed = seed;
        opt.requests = 3;
        const Run run = Engine(s).run(opt);
        out += write_trace(run.observed, TraceFormat::Otlp);
    }
    return out;
}

Scenario save_and_reopen(const Scenario& s, const fs::path& file) {
    REQUIRE(save_scenario_file(file, s) == "");
    auto back = load_scenario_file(file);
    REQUIRE_MESSAGE(back.ok(), back.error());
    return *back;
}

std::string read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}
}  // namespace

TEST_CASE("scenario file: every built-in scenario, edited as the editor edits it, reopens identically") {
    tl::test::TempDir dir;
    for (const auto& name : builtin_scenario_names(kScenarios)) {
        CAPTURE(name);
        auto loaded = load_scenario(name, kScenarios);
        REQUIRE(loaded.ok());
        Scenario s = *loaded;
        // The editor's edits: own time, jitter, error rate, parallel calls, instrumentation, hop faults.
        const std::string first = s.services.front().name;
        const std::string last = s.services.back().name;
        const LatencyKind last_kind = s.services.back().own.kind;
        REQUIRE(set_own_latency(s, last, 37.25) == "");
        REQUIRE(set_jitter(s, last, 6.5) == "");
        REQUIRE(set_error_rate(s, first, 0.125) == "");
        REQUIRE(set_parallel(s, first, !s.services.front().parallel) == "");
        for (auto& svc : s.services)
            for (auto& call : svc.calls) {
                call.fault = call.transport == Transport::Queue ? HopFault::NoHeadersOnMessage : HopFault::NoExtract;
                break;
            }
        // Switch off the SDK of an application (databases and proxies run none to switch off).
        if (s.services.size() > 2 && s.services[1].role == ServiceRole::Application)
            REQUIRE(set_instrumented(s, s.services[1].name, false) == "");
        const fs::path file = dir.path / (name + "-edited.json");
        const Scenario back = save_and_reopen(s, file);
        CHECK(simulate_all(back) == simulate_all(s));
        // And the document itself is stable: saving the reopened scenario writes the same bytes.
        CHECK(scenario_document(back) == read_file(file));
        // Jitter changed the outcome (it is really in the file), and the edits are there by name.
        const Service* edited = back.service(last);
        REQUIRE(edited != nullptr);
        CHECK(edited->own.jitter_ms == 6.5);
        CHECK(edited->own.kind == (last_kind == LatencyKind::Fixed ? LatencyKind::LogNormal : last_kind));
        CHECK(back.service(first)->error_rate == 0.125);
    }
}

TEST_CASE("scenario file: every field the loader reads is written") {
    const char* kAll = R"({
      "title": "All fields", "description": "d", "entry": "front", "request_interval_ms": 250.5,
      "client_spans": true,
      "services": [
        {"name": "front", "span": "GET /", "kind": "server", "clock_skew_ms": -3.5,
         "latency": {"model": "uniform", "ms": 12, "jitter_ms": 4}, "work_before": 0.3, "error_rate": 0.01,
         "parallel": true,
         "attributes": {"http.request.method": "GET", "retries": 3, "ratio": 0.25, "cached": false},
         "calls": [{"to": "queue-consumer", "transport": "queue", "fault": "no-headers-on-message",
                    "network": {"model": "normal", "ms": 2, "jitter_ms": 0.5}},
                   {"to": "legacy", "transport": "grpc", "fault": "flags-dropped", "repeat": 3}]},
        {"name": "queue-consumer", "kind": "consumer", "latency": 5},
        {"name": "legacy", "instrumented": false, "latency": {"model": "lognormal", "ms": 8, "jitter_ms": 0}}
      ]})";
    auto json = parse_json_text(kAll, "all.json");
    REQUIRE(json.ok());
    auto s = parse_scenario(*json, "all.json", "all");
    REQUIRE_MESSAGE(s.ok(), s.error());
    tl::test::TempDir dir;
    const Scenario back = save_and_reopen(*s, dir.path / "all.json");
    CHECK(scenario_to_json(back) == scenario_to_json(*s));
    CHECK(simulate_all(back) == simulate_all(*s));
    const Json doc = Json::parse(scenario_document(*s));
    const Json& front = doc["services"][0];
    CHECK(front["clock_skew_ms"] == -3.5);
    CHECK(front["attributes"]["retries"].is_number_integer());
    CHECK(front["attributes"]["ratio"].is_number_float());
    CHECK(front["calls"][0]["network"]["model"] == "normal");
    CHECK(front["calls"][1]["repeat"] == 3);
    CHECK(doc["services"][2]["instrumented"] == false);
    CHECK(doc["client_spans"] == true);
    CHECK(doc["request_interval_ms"] == 250.5);
    // People read it top down: title before services, a service's name first.
    const std::string text = scenario_document(*s);
    CHECK(text.find("\"title\"") < text.find("\"services\""));
    CHECK(text.find("\"name\": \"front\"") < text.find("\"latency\""));
    CHECK(text.back() == '\n');
}

TEST_CASE("scenario file: saving refuses an invalid scenario and a missing folder, naming the path") {
    auto s = load_scenario("checkout", kScenarios);
    REQUIRE(s.ok());
    tl::test::TempDir dir;
    const fs::path missing = dir.path / "no-such-folder" / "x.json";
    const std::string e = save_scenario_file(missing, *s);
    CHECK(e.find((dir.path / "no-such-folder").string()) != std::string::npos);
    Scenario broken = *s;
    broken.services[0].calls[0].to = "nowhere";
    const fs::path bad = dir.path / "bad.json";
    CHECK(save_scenario_file(bad, broken).find("unknown service \"nowhere\"") != std::string::npos);
    CHECK_FALSE(fs::exists(bad));
}

TEST_CASE("scenario file: every invalid case is rejected by the loader with the file named") {
    auto cases = read_json_file(fs::path(TRACELAB_SOURCE_DIR) / "tests" / "data" / "scenarios-invalid.json");
    REQUIRE(cases.ok());
    REQUIRE((*cases)["cases"].size() >= 30);
    for (const auto& c : (*cases)["cases"]) {
        CAPTURE(c["what"].get<std::string>());
        auto s = parse_scenario(c["doc"], "case.json", "case");
        REQUIRE_FALSE(s.ok());
        CHECK(s.error().rfind("case.json: /", 0) == 0);
    }
}

TEST_CASE("scenario file: told apart from trace files by content, not by name") {
    for (const auto& name : builtin_scenario_names(kScenarios)) {
        CAPTURE(name);
        CHECK(is_scenario_file(kScenarios / (name + ".json")));
    }
    CHECK_FALSE(is_scenario_file(kScenarios / "scenario.schema.json"));
    const fs::path corpus = TRACELAB_SHARED_DIR "/corpus";
    int traces = 0;
    for (const auto& e : fs::directory_iterator(corpus))
        if (e.path().extension() == ".json") {
            CAPTURE(e.path().string());
            CHECK_FALSE(is_scenario_file(e.path()));
            ++traces;
        }
    CHECK(traces >= 5);
    CHECK_FALSE(is_scenario_file(corpus / "no-such-file.json"));
    // A scenario saved under a trace-like name is still a scenario.
    tl::test::TempDir dir;
    auto s = load_scenario("fan-out", kScenarios);
    REQUIRE(s.ok());
    REQUIRE(save_scenario_file(dir.path / "trace.otlp.json", *s) == "");
    CHECK(is_scenario_file(dir.path / "trace.otlp.json"));
    CHECK_FALSE(looks_like_scenario(Json::parse(R"({"resourceSpans": [], "services": []})")));
}

TEST_CASE("scenario file: the schema is not listed as a built-in scenario") {
    const auto names = builtin_scenario_names(kScenarios);
    CHECK(std::find(names.begin(), names.end(), "scenario.schema") == names.end());
    CHECK(names.size() >= 5);
}
