// The practical round played on real simulations: each shipped task's set-up applies to its scenario, and
// on the resulting trace exactly the spans the task means are judged right.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "quiz/quiz.hpp"
#include "quiz/span_pick.hpp"
#include "sim/trace/analysis.hpp"
#include "sim/engine/engine.hpp"
#include "sim/engine/scenario.hpp"

namespace fs = std::filesystem;

namespace {

const fs::path kSource = TRACELAB_SOURCE_DIR;

struct Played {
    tl::Run run;
    tl::Analysis analysis;
};

Played play(const tl::quiz::PracticalSetup& setup) {
    auto loaded = tl::load_scenario(setup.scenario, kSource / "assets" / "scenarios");
    REQUIRE_MESSAGE(loaded.ok(), (loaded.ok() ? "" : loaded.error()));
    tl::Scenario s = loaded.value();
    for (const auto& l : setup.latency) REQUIRE(tl::apply_latency_flag(s, l) == "");
    for (const auto& d : setup.drop) REQUIRE(tl::apply_drop_flag(s, d) == "");
    Played p;
    p.run = tl::simulate(s, 1, 1);
    p.analysis = tl::analyze(p.run.observed);
    return p;
}

std::string name_of(const Played& p, uint32_t span) {
    return std::string(p.run.observed.str(p.run.observed.spans[span].name));
}

}  // namespace

TEST_CASE("every shipped practical task can be answered, and only by the span it means") {
    auto quiz = tl::quiz::load_quiz_file(kSource / "assets" / "quiz" / "tracing.json");
    REQUIRE(quiz.ok());
    for (const auto& task : quiz->practical) {
        CAPTURE(task.id);
        const Played p = play(task.setup);
        const auto& spans = p.run.observed.spans;
        REQUIRE(spans.size() > 1);
        int right = 0;
        std::string right_name;
        for (uint32_t i = 0; i < spans.size(); ++i) {
            const auto pick = tl::quiz::span_pick(p.run.observed, p.analysis, i);
            CHECK(pick.name == name_of(p, i));
            if (tl::quiz::judge_pick(task.goal, pick).correct) {
                ++right;
                right_name = pick.name;
            }
        }
        CHECK(right == 1);
        // The request's own root is never the answer: it is long only because of its children, and it
        // started the first trace rather than a broken-off one.
        const auto root = static_cast<uint32_t>(p.analysis.traces[0].root);
        CHECK_FALSE(tl::quiz::judge_pick(task.goal, tl::quiz::span_pick(p.run.observed, p.analysis, root)).correct);
        // In checkout the card charge is both the latency hog and the span cut off by the broken hop.
        if (task.setup.scenario == "checkout") CHECK(right_name == "payments.Charge");
    }
}

TEST_CASE("a span pick reads root status, first trace and self-time rank from the analysis") {
    tl::quiz::PracticalSetup intact{"checkout", {}, {}};
    const Played whole = play(intact);
    CHECK(whole.analysis.traces.size() == 1);
    for (uint32_t i = 0; i < whole.run.observed.spans.size(); ++i) {
        const auto pick = tl::quiz::span_pick(whole.run.observed, whole.analysis, i);
        CHECK(pick.in_first_trace);
        CHECK(pick.is_root == (static_cast<int32_t>(i) == whole.analysis.traces[0].root));
    }

    tl::quiz::PracticalSetup broken{"checkout", {}, {"orders->payments"}};
    const Played split = play(broken);
    REQUIRE(split.analysis.traces.size() == 2);
    const auto later_root = static_cast<uint32_t>(split.analysis.traces[1].root);
    const auto pick = tl::quiz::span_pick(split.run.observed, split.analysis, later_root);
    CHECK(pick.is_root);
    CHECK_FALSE(pick.in_first_trace);
    CHECK(pick.service == "payments");

    // Out-of-range picks are harmless and never right.
    const auto none = tl::quiz::span_pick(split.run.observed, split.analysis, 9999);
    CHECK_FALSE(tl::quiz::judge_pick(tl::quiz::PracticalGoal::MostSelfTime, none).correct);
    CHECK_FALSE(tl::quiz::judge_pick(tl::quiz::PracticalGoal::NewTraceRoot, none).correct);
}
