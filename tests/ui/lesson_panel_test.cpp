// Lesson panel, headless: walk lesson 2 (traces and spans) by clicking through the panel — choose the
// lesson, reveal a hint, press "Show me" for each step — and check the app's model and the saved progress.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "lessons/progress.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/ui/ui_fixture.hpp"
#include "ui/app.hpp"
#include "ui/panels/lesson_panel.hpp"

namespace fs = std::filesystem;
using tl::ui::LessonState;

namespace {
using tl::test::TempDir;

tl::ui::AppOptions options() {
    tl::ui::AppOptions o;
    o.asset_dir = fs::path(TRACELAB_SOURCE_DIR) / "assets";
    return o;
}

std::string selected_service(const tl::ui::App& app) {
    const int s = app.view().selected_span;
    if (s < 0) return "";
    return std::string(app.store().str(app.store().spans[static_cast<size_t>(s)].service));
}
}  // namespace

TEST_CASE("lesson panel: walking lesson 2 by clicking hints, Start step and Show me completes every step") {
    TempDir dir;
    tl::ui::test::UiFixture ui;
    tl::ui::App app(options());
    auto& state = app.slot<LessonState>();
    state.progress_file = dir.path / "progress.json";
    state.seed = 7;  // the random slow service of step 1
    ui.gui = [&] { app.frame(); };
    ui.run(3);
    REQUIRE(state.ready());
    CHECK(state.session->lesson().id == "why-tracing");
    CHECK(ui.visible("Lesson title"));

    // Choose lesson 2 from the chooser.
    REQUIRE(ui.click("Lesson chooser"));
    REQUIRE(ui.click("Lesson 2"));
    ui.run(3);  // the step's set-up is applied on the following frames
    REQUIRE(state.session->lesson().id == "traces-and-spans");
    CHECK(state.session->current() == 0);
    CHECK(app.view().selected_span == -1);
    CHECK(ui.visible("Code sample 0") == false);  // lesson 2 has no code
    // A find-it step: the waterfall does not show which span is slowest.
    CHECK(state.hides_latency_hints());

    // Step 1: a hint, then Show me selects the span with the most self time; the step turns done by itself.
    REQUIRE(ui.click("Hint"));
    CHECK(state.session->status(0).hints_shown == 1);
    REQUIRE(ui.click("Show me"));
    ui.run(3);
    const std::string slow = selected_service(app);
    CHECK((slow == "auth" || slow == "payments"));
    CHECK(app.scenario().service(slow)->own.ms == doctest::Approx(160));
    CHECK(state.session->status(0).done);
    CHECK(state.session->status(0).solution_shown);
    REQUIRE(state.session->current() == 1);
    // Step 2 waits for "Start step": the world of step 1 stays on screen, and nothing counts meanwhile.
    ui.run(3);
    CHECK(selected_service(app) == slow);
    CHECK(ui.visible("Start step"));
    CHECK_FALSE(ui.visible("Show me"));
    CHECK_FALSE(state.hides_latency_hints());
    REQUIRE(ui.click("Start step"));
    ui.run(3);
    // The step's own world: checkout as shipped (auth 15 ms, payments 160 ms).
    CHECK(app.scenario().service("auth")->own.ms == doctest::Approx(15));
    CHECK(app.scenario().service("payments")->own.ms == doctest::Approx(160));

    // Step 2: a prediction answered in the panel. Show me types it and makes the change it predicts.
    REQUIRE(ui.visible("Answer"));
    REQUIRE(ui.click("Show me"));
    ui.run(3);
    CHECK(state.answer == "340");
    CHECK(app.scenario().service("payments")->own.ms == doctest::Approx(260));
    CHECK(app.store().spans.at(0).duration_ns() == 340'000'000);
    CHECK(state.session->status(1).done);
    // "Show me" pointed at the control it changed.
    CHECK(state.highlight_label == "own:payments");
    REQUIRE(state.session->current() == 2);

    // Step 3: Show me selects the root and opens Span details.
    REQUIRE(ui.click("Start step"));
    ui.run(3);
    CHECK(app.scenario().service("payments")->own.ms == doctest::Approx(160));  // the set-up reloaded checkout
    REQUIRE(ui.click("Show me"));
    ui.run(6);  // apply, bring Span details to the front, see the goal hold, mark it done
    CHECK(selected_service(app) == "gateway");
    CHECK(state.session->finished());
    CHECK_MESSAGE(ui.visible("Next lesson"), ui.seen());

    // Progress was saved as the steps turned done.
    const auto saved = tl::lessons::load_progress(dir.path / "progress.json");
    CHECK(saved.warning.empty());
    CHECK(saved.progress.current_lesson == "traces-and-spans");
    CHECK(saved.progress.lessons.at("traces-and-spans").steps_done == 3);
    CHECK(saved.progress.lessons.at("traces-and-spans").hints_used == 1);

    // Next lesson opens lesson 3.
    REQUIRE(ui.click("Next lesson"));
    ui.run(2);
    CHECK(state.session->lesson().id == "span-kinds");
}

TEST_CASE("lesson panel: an edit made while a step is live counts; a wrong pick is explained") {
    TempDir dir;
    tl::ui::test::UiFixture ui;
    tl::ui::App app(options());
    auto& state = app.slot<LessonState>();
    state.progress_file = dir.path / "progress.json";
    state.seed = 3;
    ui.gui = [&] { app.frame(); };
    ui.run(3);
    REQUIRE(state.session->lesson().id == "why-tracing");
    // Step 1 by hand: the console, then the answer typed in the panel.
    REQUIRE(app.focus_panel("console").empty());
    ui.run(1);
    state.typed_answer = "1";
    REQUIRE(ui.click("Check"));
    ui.run(3);
    REQUIRE(state.session->status(0).done);
    REQUIRE(ui.click("Start step"));
    ui.run(3);
    // Step 2 is live at once: the learner's own edit completes it, with no button in between.
    app.push(tl::ui::SetLatency{"payments", 400});
    ui.run(3);
    CHECK(state.session->status(1).done);
    REQUIRE(ui.click("Start step"));
    ui.run(3);
    // Step 3: pick orders.Create, a long bar that is mostly its children's time: the panel says so.
    app.push(tl::ui::SelectSpanNamed{"orders.Create"});
    ui.run(2);
    REQUIRE_MESSAGE(ui.visible("Feedback"), ui.seen());
    CHECK_FALSE(state.session->status(2).done);
    const auto why =
        tl::lessons::wrong_pick_feedback(state.session->current_step()->goal, tl::ui::lesson_world(app, state));
    CHECK(why.find("children's time") != std::string::npos);
}

TEST_CASE("lesson panel: a finished lesson reopens with its steps ticked") {
    TempDir dir;
    tl::lessons::CourseProgress p;
    p.current_lesson = "traces-and-spans";
    p.lessons["traces-and-spans"].steps_done = 3;
    REQUIRE(tl::lessons::save_progress(dir.path / "progress.json", p).empty());
    tl::ui::test::UiFixture ui;
    tl::ui::App app(options());
    app.slot<LessonState>().progress_file = dir.path / "progress.json";
    ui.gui = [&] { app.frame(); };
    ui.run(4);
    const auto& state = app.slot<LessonState>();
    REQUIRE(state.ready());
    CHECK(state.session->lesson().id == "traces-and-spans");
    CHECK(state.session->finished());
    for (size_t i = 0; i < 3; ++i) CHECK(state.session->status(i).done);
    CHECK(ui.visible("Restart lesson"));
}

TEST_CASE("lesson panel: saved progress reopens the lesson at its step; the console lists the spans") {
    TempDir dir;
    tl::lessons::CourseProgress p;
    p.current_lesson = "propagation-in-process";
    p.lessons["propagation-in-process"].steps_done = 3;
    REQUIRE(tl::lessons::save_progress(dir.path / "progress.json", p).empty());
    tl::ui::test::UiFixture ui;
    tl::ui::App app(options());
    app.slot<LessonState>().progress_file = dir.path / "progress.json";
    app.slot<LessonState>().seed = 11;
    ui.gui = [&] { app.frame(); };
    ui.run(4);
    const auto& state = app.slot<LessonState>();
    REQUIRE(state.ready());
    CHECK(state.session->lesson().id == "propagation-in-process");
    CHECK(state.session->current() == 3);
    // The step's set-up dropped the context on one hop, so the simulation now shows two traces.
    CHECK(app.analysis().traces.size() == 2);
    REQUIRE(app.focus_panel("console").empty());
    ui.run(2);
    CHECK(ui.visible("Console lines"));
    REQUIRE(ui.click("Show me"));
    ui.run(3);
    CHECK(app.analysis().traces.size() == 1);
    CHECK(state.session->finished());
}

TEST_CASE("lesson panel: from a metric to a trace — a live request opens by a click, Show me opens the p99 one") {
    TempDir dir;
    tl::ui::test::UiFixture ui;
    tl::ui::App app(options());
    auto& state = app.slot<LessonState>();
    state.progress_file = dir.path / "progress.json";
    state.seed = 5;
    state.open_at = "metrics-logs-and-skew:1";
    ui.gui = [&] { app.frame(); };
    ui.run(3);
    REQUIRE(state.ready());
    REQUIRE(state.session->lesson().id == "metrics-logs-and-skew");
    REQUIRE(state.session->current() == 0);
    CHECK(app.scenario().id == "fan-out");
    CHECK(app.view().live.playing);  // the set-up started live traffic
    ui.run(90);                      // about 60 requests at 40 per second
    const auto& live = app.view().live;
    REQUIRE(live.root_ms.size() >= 20);
    CHECK_FALSE(state.session->status(0).done);

    // A click on the newest request in the list opens that request: its seed, pinned on screen.
    app.push(tl::ui::SetPlaying{false});
    ui.run(2);
    const uint64_t newest = live.requests_sent;
    REQUIRE_MESSAGE(ui.click("live:request " + std::to_string(newest)), ui.seen());
    ui.run(2);
    CHECK(app.seed() == app.live_request_seed(newest));
    CHECK(live.pinned);
    CHECK(static_cast<double>(app.store().spans.at(0).duration_ns()) / 1e6 == doctest::Approx(live.root_ms.back()));

    // Show me opens the slowest request and names its slowest shard.
    REQUIRE(ui.click("Show me"));
    ui.run(3);
    const auto slowest = std::max_element(live.root_ms.begin(), live.root_ms.end());
    const uint64_t number = live.requests_sent - live.root_ms.size() + 1 + uint64_t(slowest - live.root_ms.begin());
    CHECK(app.seed() == app.live_request_seed(number));
    CHECK(state.session->status(0).done);
}
