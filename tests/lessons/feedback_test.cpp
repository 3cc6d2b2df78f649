// Answers and feedback: the values a step asks the learner to find, how answers are compared, and the reason
// shown after a wrong pick.
#include <doctest/doctest.h>

#include <set>

#include "lessons/sandbox.hpp"

using namespace tl;
using namespace tl::lessons;

namespace {
const std::filesystem::path kScenarioDir = std::filesystem::path(TRACELAB_SOURCE_DIR) / "assets" / "scenarios";

Sandbox open_box(const std::string& scenario = "checkout") {
    auto s = Sandbox::open(kScenarioDir, scenario);
    if (!s) FAIL(s.error());
    return std::move(s.value());
}

Goal goal(const char* json) {
    return parse_goal(JsonIn(Json::parse(json), "test"));
}

int span_named(const Sandbox& b, std::string_view name, SpanKind kind = SpanKind::Unspecified) {
    const auto& spans = b.run().observed.spans;
    for (size_t i = 0; i < spans.size(); ++i)
        if (b.run().observed.str(spans[i].name) == name && (kind == SpanKind::Unspecified || spans[i].kind == kind))
            return static_cast<int>(i);
    return -1;
}
}  // namespace

TEST_CASE("feedback: a long parent picked for 'most self time' is told its time is its children's") {
    Sandbox b = open_box();
    const Goal g = goal(R"({"type":"selected_span_is","span":"slowest"})");
    CHECK(wrong_pick_feedback(g, b.world()).empty());  // nothing picked yet
    b.selected_span = span_named(b, "orders.Create");
    const std::string why = wrong_pick_feedback(g, b.world());
    // orders.Create: 200 ms, of which db.INSERT (30) and payments.Charge (160) are children: 190 ms, 10 ms own.
    CHECK(why.find("orders.Create lasts 200 ms") != std::string::npos);
    CHECK(why.find("190 ms of that is its children's time") != std::string::npos);
    CHECK(why.find("self time is only 10 ms") != std::string::npos);
    CHECK(why.find("Look at self time") != std::string::npos);
    b.selected_span = span_named(b, "payments.Charge");
    CHECK(wrong_pick_feedback(g, b.world()).empty());  // right: no complaint
}

TEST_CASE("feedback: a span that is not at a break, and a wrong answer, each get their own reason") {
    Sandbox b = open_box();
    REQUIRE(b.apply(parse_action(JsonIn(
                        Json::parse(R"({"type":"set_hop_fault","from":"orders","to":"payments","fault":"no-inject"})"),
                        "t")))
                .empty());
    const Goal pick = goal(R"({"type":"selected_span_is","span":"dropped_context_hop"})");
    b.selected_span = span_named(b, "auth.Verify");
    CHECK(wrong_pick_feedback(pick, b.world()).find("not where the context was lost") != std::string::npos);
    const Goal ask = goal(R"({"type":"answer_is","expect":"$broken_hop_fault"})");
    b.answer = "no-extract";
    CHECK(wrong_pick_feedback(ask, b.world()).find("\"no-extract\"") != std::string::npos);
    b.answer = " No-Inject ";
    CHECK(goal_holds(ask, b.world()));
    CHECK(wrong_pick_feedback(ask, b.world()).empty());
}

TEST_CASE("answers: keys read values the learner has to find in the world") {
    Sandbox b = open_box();
    LessonWorld w = b.world();
    CHECK(answer_key_value("$trace_count", w) == "1");
    CHECK(answer_key_value("$span_count", w) == "5");
    CHECK(answer_key_value("$root_flags", w) == "03");  // sampled + random (W3C Level 2)
    CHECK(answer_key_value("$slow_service", w) == "payments");
    CHECK(answer_key_value("$root_duration_ms", w) == "240");
    CHECK(answer_key_value("$broken_hop_fault", w).empty());
    // legacy-proxy with client spans: the gap is the proxy's 4 ms plus 1 ms of network each way on each side.
    Sandbox p = open_box("legacy-proxy");
    const Scenario& sc = p.scenario();
    const double expected = sc.service("legacy-proxy")->own.ms + 4 * sc.service("gateway")->calls[0].network.ms;
    CHECK(std::stod(answer_key_value("$proxy_gap_ms", p.world())) == doctest::Approx(expected));
    // An error's trace id, as the logs print it.
    REQUIRE(
        b.apply(parse_action(JsonIn(Json::parse(R"({"type":"set_error_rate","service":"payments","rate":1})"), "t")))
            .empty());
    const std::string prefix = answer_key_value("$error_trace_prefix", b.world());
    CHECK(prefix == to_hex(b.run().observed.spans[0].trace_id).substr(0, 8));
}

TEST_CASE("answers: numbers compare within the tolerance, text ignores case and outer spaces") {
    CHECK(answer_matches("340", "340", 0));
    CHECK(answer_matches("340 ms", "340", 0));
    CHECK(answer_matches("339.6", "340", 0.5));
    CHECK_FALSE(answer_matches("338", "340", 0.5));
    CHECK(answer_matches("3", "03", 0));
    CHECK(answer_matches("  Orders ", "orders", 0));
    CHECK_FALSE(answer_matches("", "orders", 0));
    CHECK_FALSE(answer_matches("order", "orders", 0));
}

TEST_CASE("random actions: the same seed draws the same world, and the pick is among the choices") {
    const auto draw = [](uint64_t seed) {
        Scenario s = *load_scenario("checkout", kScenarioDir);
        const LessonAction a = parse_action(JsonIn(
            Json::parse(
                R"({"type":"random_fault","hops":["gateway->auth","orders->payments"],"faults":["no-inject","no-extract"]})"),
            "t"));
        REQUIRE(apply_scenario_action(s, a, kScenarioDir, seed).empty());
        return s;
    };
    std::set<std::string> seen;
    for (uint64_t seed = 1; seed <= 40; ++seed) {
        const Scenario s = draw(seed);
        CHECK(scenario_to_json(s) == scenario_to_json(draw(seed)));
        int broken = 0;
        for (const Service& svc : s.services)
            for (const Call& c : svc.calls)
                if (c.fault != HopFault::Ok) {
                    ++broken;
                    seen.insert(svc.name + "->" + c.to + "=" + to_string(c.fault));
                }
        CHECK(broken == 1);
    }
    CHECK(seen.size() == 4);  // both hops, both faults
}
