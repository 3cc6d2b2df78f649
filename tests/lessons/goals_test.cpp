// Goal predicates, span selectors, the step machine, answers and wrong-pick feedback, on real simulations of
// the built-in scenarios.
#include <doctest/doctest.h>

#include <set>

#include "lessons/sandbox.hpp"
#include "lessons/session.hpp"

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
LessonAction action(const char* json) {
    return parse_action(JsonIn(Json::parse(json), "test"));
}

std::string span_service(const Sandbox& b, int span) {
    return std::string(b.run().observed.str(b.run().observed.spans[static_cast<size_t>(span)].service));
}
int span_named(const Sandbox& b, std::string_view name, SpanKind kind = SpanKind::Unspecified) {
    const auto& spans = b.run().observed.spans;
    for (size_t i = 0; i < spans.size(); ++i)
        if (b.run().observed.str(spans[i].name) == name && (kind == SpanKind::Unspecified || spans[i].kind == kind))
            return static_cast<int>(i);
    return -1;
}
}  // namespace

TEST_CASE("goals: span selectors on checkout") {
    Sandbox b = open_box();
    const LessonWorld w = b.world();
    REQUIRE(slowest_span(w) >= 0);
    CHECK(span_service(b, slowest_span(w)) == "payments");  // 160 of 240 ms, all of it its own
    CHECK(span_service(b, root_span(w)) == "gateway");
    CHECK(context_break_spans(w).empty());
    SpanSelector db;
    db.kind = SpanKind::Client;
    CHECK(span_service(b, resolve_span(w, db)) == "orders");  // the query is a CLIENT span of its caller
    SpanSelector none;
    none.service = "nobody";
    CHECK(resolve_span(w, none) == -1);
}

TEST_CASE("goals: a broken hop is found from either side") {
    Sandbox b = open_box();
    REQUIRE(b.apply(action(R"({"type":"set_hop_fault","from":"orders","to":"payments","fault":"no-inject"})")).empty());
    const LessonWorld w = b.world();
    const auto breaks = context_break_spans(w);
    REQUIRE(breaks.size() == 2);
    const auto name = [&](int s) { return std::string(b.run().observed.str(b.run().observed.spans[size_t(s)].name)); };
    CHECK(name(breaks[0]) == "orders.Create");    // the span whose child went missing
    CHECK(name(breaks[1]) == "payments.Charge");  // the span that began a new trace
    const Goal g = goal(R"({"type":"selected_span_is","span":"dropped_context_hop"})");
    for (int s = 0; s < static_cast<int>(b.run().observed.spans.size()); ++s) {
        b.selected_span = s;
        // orders' query (db.INSERT, also reported by orders) is not at the break.
        CHECK(goal_holds(g, b.world()) == (name(s) == "orders.Create" || name(s) == "payments.Charge"));
    }
}

TEST_CASE("goals: counts, durations, comparisons and combinators") {
    Sandbox b = open_box();
    CHECK(goal_holds(goal(R"({"type":"trace_count","op":"==","value":1})"), b.world()));
    CHECK(goal_holds(goal(R"({"type":"root_duration_ms","op":">=","value":239})"), b.world()));
    CHECK_FALSE(goal_holds(goal(R"({"type":"root_duration_ms","op":">","value":241})"), b.world()));
    REQUIRE(b.apply(action(R"({"type":"set_latency","service":"payments","ms":260})")).empty());
    // The root grows by exactly the extra 100 ms: payments is on the critical path.
    CHECK(goal_holds(goal(R"({"type":"root_duration_ms","op":">","value":339})"), b.world()));
    CHECK(goal_holds(goal(R"({"type":"service_latency","service":"payments","op":"==","value":260})"), b.world()));
    CHECK(goal_holds(goal(R"({"type":"service_duration_ms","service":"payments","op":">=","value":260})"), b.world()));
    CHECK(goal_holds(goal(R"({"type":"not","goal":{"type":"slowest_service_is","service":"auth"}})"), b.world()));
    b.ghosts_on = false;
    CHECK(goal_holds(goal(R"({"type":"any","of":[{"type":"ghosts_on"},{"type":"all_hops_ok"}]})"), b.world()));
    CHECK_FALSE(goal_holds(goal(R"({"type":"all","of":[{"type":"ghosts_on"},{"type":"all_hops_ok"}]})"), b.world()));
    CHECK_FALSE(goal_holds(goal(R"({"type":"trace_has_error"})"), b.world()));
    REQUIRE(b.apply(action(R"({"type":"set_error_rate","service":"auth","rate":1})")).empty());
    CHECK(goal_holds(goal(R"({"type":"trace_has_error"})"), b.world()));
    CHECK(goal_holds(goal(R"({"type":"error_rate","service":"auth","op":">","value":0.5})"), b.world()));
}

TEST_CASE("goals: an empty world satisfies no data goal") {
    LessonWorld w;
    CHECK_FALSE(goal_holds(goal(R"({"type":"trace_count","op":"==","value":0})"), w));
    CHECK_FALSE(goal_holds(goal(R"({"type":"selected_span_is","span":"slowest"})"), w));
    CHECK_FALSE(goal_holds(goal(R"({"type":"all_hops_ok"})"), w));
    CHECK_FALSE(goal_holds(goal(R"({"type":"root_duration_ms","op":">=","value":0})"), w));
}

TEST_CASE("goals: head sampling, panels and unknown names") {
    Sandbox b = open_box();
    const Goal near = goal(R"({"type":"head_sampling_ratio_near","value":0.01,"tolerance":0.002})");
    CHECK_FALSE(goal_holds(near, b.world()));
    REQUIRE(b.apply(action(R"({"type":"set_head_sampler","sampler":"ratio","ratio":0.011})")).empty());
    CHECK(goal_holds(near, b.world()));
    REQUIRE(b.apply(action(R"({"type":"set_head_sampler","sampler":"always"})")).empty());
    CHECK_FALSE(goal_holds(near, b.world()));  // a ratio only counts with a ratio-based sampler

    CHECK_FALSE(goal_holds(goal(R"({"type":"panel_open","panel":"console"})"), b.world()));
    REQUIRE(b.apply(action(R"({"type":"open_panel","panel":"console"})")).empty());
    CHECK(goal_holds(goal(R"({"type":"panel_open","panel":"console"})"), b.world()));
    CHECK(goal_holds(goal(R"({"type":"console_seen"})"), b.world()));
    REQUIRE(b.apply(action(R"({"type":"open_panel","panel":"logs"})")).empty());  // same area: console goes back
    CHECK_FALSE(goal_holds(goal(R"({"type":"console_seen"})"), b.world()));

    // A failed edit names the problem and leaves the world as it was.
    const std::string err = b.apply(action(R"({"type":"set_latency","service":"paymnts","ms":5})"));
    CHECK(err.find("paymnts") != std::string::npos);
    CHECK_FALSE(b.apply(action(R"({"type":"load_scenario","scenario":"no-such-scenario"})")).empty());
    CHECK(b.scenario().id == "checkout");
}

TEST_CASE("goals: the selection follows its span across re-simulation") {
    Sandbox b = open_box();
    REQUIRE(b.apply(action(R"({"type":"select_span","service":"payments"})")).empty());
    REQUIRE(b.apply(action(R"({"type":"set_latency","service":"auth","ms":50})")).empty());
    REQUIRE(b.selected_span >= 0);
    CHECK(span_service(b, b.selected_span) == "payments");
    REQUIRE(b.apply(action(R"({"type":"load_scenario","scenario":"fan-out"})")).empty());
    CHECK(b.selected_span == -1);
}

TEST_CASE("session: steps in order, hints one at a time, show me queues the solution") {
    Lesson l;
    l.id = "t";
    for (int i = 0; i < 2; ++i) {
        Step s;
        s.id = "s" + std::to_string(i);
        s.setup = {action(R"({"type":"load_scenario","scenario":"checkout"})")};
        s.goal = goal(i == 0 ? R"({"type":"slowest_service_is","service":"auth"})"
                             : R"({"type":"trace_count","op":"==","value":2})");
        s.hints = {"first", "second"};
        s.solution = {i == 0 ? action(R"({"type":"set_latency","service":"auth","ms":300})")
                             : action(R"({"type":"set_hop_fault","from":"gateway","to":"auth","fault":"no-inject"})")};
        l.steps.push_back(s);
    }
    Sandbox b = open_box();
    LessonSession session(l);
    CHECK(session.has_pending());
    // While set-up waits, goals are not checked even if they would hold.
    REQUIRE(b.apply(action(R"({"type":"set_latency","service":"auth","ms":300})")).empty());
    CHECK_FALSE(session.update(b.world()));
    REQUIRE(b.apply_all(session.take_pending()).empty());  // reloads checkout: auth is fast again
    CHECK_FALSE(session.update(b.world()));
    CHECK(session.reveal_hint());
    CHECK(session.reveal_hint());
    CHECK_FALSE(session.reveal_hint());
    CHECK(session.status(0).hints_shown == 2);
    // The learner solves it by hand: done the moment the goal holds.
    REQUIRE(b.apply(action(R"({"type":"set_latency","service":"auth","ms":250})")).empty());
    CHECK(session.update(b.world()));
    CHECK(session.current() == 1);
    CHECK(session.status(0).done);
    CHECK_FALSE(session.status(0).solution_shown);
    REQUIRE(b.apply_all(session.take_pending()).empty());
    session.show_me();
    CHECK(session.status(1).solution_shown);
    REQUIRE(b.apply_all(session.take_pending()).empty());
    CHECK(session.update(b.world()));
    CHECK(session.finished());
    CHECK_FALSE(session.update(b.world()));
    CHECK_FALSE(session.reveal_hint());
    // Resuming from saved progress starts at the saved step with its set-up queued.
    LessonSession resumed(l, 1);
    CHECK(resumed.current() == 1);
    CHECK(resumed.status(0).done);
    CHECK(resumed.take_pending().size() == 1);
    LessonSession clamped(l, 99);
    CHECK(clamped.finished());
}

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
