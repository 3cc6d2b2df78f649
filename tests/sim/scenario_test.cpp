// Scenario loading: every built-in file loads, and bad files give errors that name the file and JSON path.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "sim/engine/scenario.hpp"

namespace fs = std::filesystem;
using namespace tl;

namespace {
const fs::path kScenarios = fs::path(TRACELAB_SOURCE_DIR) / "assets" / "scenarios";

std::string load_error(const std::string& text) {
    auto json = parse_json_text(text, "bad.json");
    if (!json) return json.error();
    auto s = parse_scenario(*json, "bad.json");
    return s ? std::string() : s.error();
}

const char* kMinimal = R"({"services":[{"name":"a","calls":["b"]},{"name":"b"}]})";
}  // namespace

TEST_CASE("every built-in scenario loads and validates") {
    const auto names = builtin_scenario_names(kScenarios);
    REQUIRE(names.size() >= 5);
    CHECK(names.front() == "checkout");
    for (const auto& n : names) {
        CAPTURE(n);
        auto s = load_scenario(n, kScenarios);
        REQUIRE_MESSAGE(s.ok(), s.error());
        CHECK(s->id == n);
        CHECK(validate_scenario(*s).empty());
        CHECK(!s->title.empty());
        CHECK(!s->description.empty());
    }
}

TEST_CASE("checkout is the tutorial's request") {
    auto s = load_scenario("checkout", kScenarios);
    REQUIRE(s.ok());
    REQUIRE(s->services.size() == 5);
    CHECK(s->entry == "gateway");
    CHECK(s->service("gateway")->span_name == "GET /checkout");
    CHECK(s->service("payments")->own.ms == 160);
    CHECK(s->service("orders")->calls.size() == 2);
}

TEST_CASE("a minimal scenario uses defaults") {
    auto j = parse_json_text(kMinimal, "m.json");
    REQUIRE(j.ok());
    auto s = parse_scenario(*j, "m.json");
    REQUIRE(s.ok());
    CHECK(s->entry == "a");
    CHECK(s->services[0].span_name == "a");
    CHECK(s->services[0].calls[0].transport == Transport::Http);
    CHECK(s->services[0].calls[0].fault == HopFault::Ok);
}

TEST_CASE("scenario round-trips through JSON") {
    auto s = load_scenario("async-order", kScenarios);
    REQUIRE(s.ok());
    auto again = parse_scenario(scenario_to_json(*s), "again", "async-order");
    REQUIRE_MESSAGE(again.ok(), again.error());
    CHECK(scenario_to_json(*again) == scenario_to_json(*s));
}

TEST_CASE("bad scenario files give clear errors with file and JSON path") {
    struct Case {
        const char* what;
        const char* text;
        const char* expect;  // substring of the message
    };
    const Case cases[] = {
        {"unknown callee", R"({"services":[{"name":"orders","calls":[{"to":"paymnts"}]},{"name":"payments"}]})",
         "bad.json: /services/0/calls/0/to: unknown service \"paymnts\""},
        {"cycle", R"({"services":[{"name":"a","calls":["b"]},{"name":"b","calls":["a"]}]})", "cycle (a -> b -> a)"},
        {"self call", R"({"services":[{"name":"a","calls":["a"]}]})", "cycle"},
        {"negative latency", R"({"services":[{"name":"a","latency":-5}]})",
         "bad.json: /services/0/latency: -5 is out of range"},
        {"absurd latency", R"({"services":[{"name":"a","latency":1e12}]})", "/services/0/latency: "},
        {"error rate above 1", R"({"services":[{"name":"a","error_rate":1.5}]})",
         "/services/0/error_rate: 1.5 is out of range"},
        {"typo in a field", R"({"services":[{"name":"a","latncy":5}]})",
         "/services/0/latncy: unknown field \"latncy\""},
        {"wrong type", R"({"services":[{"name":"a","latency":"fast"}]})", "/services/0/latency: expected an object"},
        {"no services field", R"({"title":"x"})", "bad.json: /: missing required field \"services\""},
        {"empty services", R"({"services":[]})", "/services: a scenario needs at least one service"},
        {"duplicate service", R"({"services":[{"name":"a"},{"name":"a"}]})",
         "/services/1/name: service \"a\" is defined twice"},
        {"unknown fault", R"({"services":[{"name":"a","calls":[{"to":"b","fault":"broken"}]},{"name":"b"}]})",
         "/services/0/calls/0/fault: unknown fault mode \"broken\""},
        {"unknown transport", R"({"services":[{"name":"a","calls":[{"to":"b","transport":"pigeon"}]},{"name":"b"}]})",
         "/services/0/calls/0/transport: unknown transport \"pigeon\""},
        {"message fault on http",
         R"({"services":[{"name":"a","calls":[{"to":"b","fault":"no-headers-on-message"}]},{"name":"b"}]})",
         "/services/0/calls/0/fault: no-headers-on-message only applies to a queue hop"},
        {"repeat zero", R"({"services":[{"name":"a","calls":[{"to":"b","repeat":0}]},{"name":"b"}]})",
         "/services/0/calls/0/repeat: 0 is out of range"},
        {"unknown entry", R"({"entry":"web","services":[{"name":"a"}]})", "/entry: unknown service \"web\""},
        {"empty name", R"({"services":[{"name":"  "}]})", "/services/0/name: must not be empty"},
        {"explosive repeats",
         R"({"services":[{"name":"a","calls":[{"to":"b","repeat":1000}]},{"name":"b","calls":[{"to":"c","repeat":1000}]},{"name":"c"}]})",
         "more than 100000 operations"},
        {"not an object", R"([1,2,3])", "bad.json: /: expected an object, found an array"},
        {"truncated JSON", R"({"services":[{"name":"a")", "bad.json: line 1, column"},
        {"unknown latency model", R"({"services":[{"name":"a","latency":{"model":"poisson","ms":3}}]})",
         "/services/0/latency/model: unknown latency model \"poisson\""},
        {"fractional repeat", R"({"services":[{"name":"a","calls":[{"to":"b","repeat":2.5}]},{"name":"b"}]})",
         "expected a whole number"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.what);
        const std::string err = load_error(c.text);
        CHECK_MESSAGE(err.find(c.expect) != std::string::npos, err);
        CHECK(err.rfind("bad.json", 0) == 0);
    }
}

TEST_CASE("loading from files reports missing, empty and unknown names") {
    const fs::path dir = fs::temp_directory_path() / "tracelab-scenario-test";
    fs::create_directories(dir);
    const fs::path empty = dir / "empty.json";
    { std::ofstream(empty) << "  \n"; }
    auto e = load_scenario(empty.string(), kScenarios);
    REQUIRE_FALSE(e.ok());
    CHECK(e.error() == empty.string() + ": the file is empty");
    auto missing = load_scenario((dir / "nope.json").string(), kScenarios);
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.error().find("cannot open") != std::string::npos);
    auto unknown = load_scenario("chekout", kScenarios);
    REQUIRE_FALSE(unknown.ok());
    CHECK(unknown.error().find("unknown scenario \"chekout\" (built-in: checkout") != std::string::npos);
    fs::remove_all(dir);
}

TEST_CASE("edit functions validate names and values") {
    auto s = load_scenario("checkout", kScenarios);
    REQUIRE(s.ok());
    CHECK(apply_latency_flag(*s, "payments=500").empty());
    CHECK(s->service("payments")->own.ms == 500);
    CHECK(apply_latency_flag(*s, "paymnts=5").find("unknown service \"paymnts\"") != std::string::npos);
    CHECK(apply_latency_flag(*s, "payments").find("SERVICE=MILLISECONDS") != std::string::npos);
    CHECK(apply_latency_flag(*s, "payments=-1").find("between 0") != std::string::npos);
    CHECK(apply_error_flag(*s, "auth=0.25").empty());
    CHECK(s->service("auth")->error_rate == 0.25);
    CHECK(apply_error_flag(*s, "auth=2").find("probability") != std::string::npos);
    CHECK(apply_drop_flag(*s, "orders->payments").empty());
    CHECK(s->service("orders")->calls[1].fault == HopFault::NoInject);
    CHECK(apply_drop_flag(*s, "orders->payments=no-extract").empty());
    CHECK(s->service("orders")->calls[1].fault == HopFault::NoExtract);
    CHECK(apply_drop_flag(*s, "orders->auth").find("orders does not call auth") != std::string::npos);
    CHECK(apply_drop_flag(*s, "orders->payments=sideways").find("unknown mode") != std::string::npos);
    CHECK(apply_drop_flag(*s, "orders").find("CALLER->CALLEE") != std::string::npos);
    CHECK(set_hop_fault(*s, "gateway", "orders", HopFault::NoHeadersOnMessage).find("queue hop") != std::string::npos);
    CHECK(set_jitter(*s, "db", 5).empty());
    CHECK(s->service("db")->own.kind == LatencyKind::LogNormal);
}
