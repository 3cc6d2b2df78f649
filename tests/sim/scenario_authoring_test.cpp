// Authoring: services and calls added, renamed and removed keep the scenario loadable, or are refused.
#include <doctest/doctest.h>

#include "sim/engine/engine.hpp"
#include "sim/engine/scenario_authoring.hpp"
#include "sim/engine/scenario_file.hpp"

using namespace tl;

TEST_CASE("authoring: a new scenario grows into a request through three services") {
    Scenario s = new_scenario();
    CHECK(validate_scenario(s) == "");
    REQUIRE(s.services.size() == 1);
    CHECK(unused_service_name(s) == "service-1");
    REQUIRE(add_service(s, "orders") == "");
    REQUIRE(add_service(s, "db") == "");
    REQUIRE(add_call(s, "frontend", "orders", Transport::Http) == "");
    REQUIRE(add_call(s, "orders", "db", Transport::InProcess) == "");
    const Run run = Engine(s).run(EngineOptions{});
    CHECK(run.observed.spans.size() == 3);  // one span per service, one trace
    // It saves as a document the loader takes back.
    auto back = parse_scenario(Json::parse(scenario_document(s)), "new.json", "new");
    REQUIRE_MESSAGE(back.ok(), back.error());
    CHECK(back->services.size() == 3);
    CHECK(back->services[1].calls[0].transport == Transport::InProcess);
}

TEST_CASE("authoring: refusals leave the scenario as it was") {
    Scenario s = new_scenario();
    REQUIRE(add_service(s, "b") == "");
    REQUIRE(add_call(s, "frontend", "b", Transport::Grpc) == "");
    const Json before = scenario_to_json(s);
    CHECK(add_service(s, "b").find("already a service called \"b\"") != std::string::npos);
    CHECK(add_service(s, "   ") == "a service needs a name");
    CHECK(add_service(s, std::string(65, 'x')).find("64") != std::string::npos);
    CHECK(add_call(s, "b", "frontend", Transport::Http).find("cycle") != std::string::npos);
    CHECK(add_call(s, "b", "b", Transport::Http).find("cycle") != std::string::npos);
    CHECK(add_call(s, "b", "nowhere", Transport::Http) == "unknown service \"nowhere\"");
    CHECK(rename_service(s, "b", "frontend").find("already") != std::string::npos);
    CHECK(remove_call(s, "b", 0).find("no call number 1") != std::string::npos);
    CHECK(scenario_to_json(s) == before);
    Scenario one = new_scenario();
    CHECK(remove_service(one, "frontend") == "a scenario needs at least one service");
}

TEST_CASE("authoring: renaming follows every call and the entry; removing drops the calls to it") {
    Scenario s = new_scenario();
    REQUIRE(add_service(s, "b") == "");
    REQUIRE(add_service(s, "c") == "");
    REQUIRE(add_call(s, "frontend", "b", Transport::Http) == "");
    REQUIRE(add_call(s, "frontend", "c", Transport::Http) == "");
    REQUIRE(add_call(s, "b", "c", Transport::Queue) == "");
    REQUIRE(rename_service(s, "c", "ledger") == "");
    CHECK(s.services[0].calls[1].to == "ledger");
    CHECK(s.services[1].calls[0].to == "ledger");
    CHECK(s.service("ledger")->span_name == "ledger");  // a span named after the service follows it
    REQUIRE(rename_service(s, "frontend", "edge") == "");
    CHECK(s.entry == "edge");
    CHECK(s.service("edge")->span_name == "GET /");  // a real operation name stays
    REQUIRE(remove_service(s, "ledger") == "");
    CHECK(s.service("edge")->calls.size() == 1);
    CHECK(s.service("b")->calls.empty());
    REQUIRE(remove_service(s, "edge") == "");
    CHECK(s.entry == "b");
    CHECK(validate_scenario(s) == "");
    REQUIRE(add_call(s, "b", "b", Transport::Http) != "");
}
