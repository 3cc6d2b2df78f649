// Lesson panel, headless: walk lesson 2 (traces and spans) by clicking through the panel — choose the
// lesson, reveal a hint, press "Show me" for each step — and check the app's model and the saved progress.
#include <doctest/doctest.h>

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

TEST_CASE("lesson panel: walking lesson 2 by clicking hints and Show me completes every step") {
    TempDir dir;
    tl::ui::test::UiFixture ui;
    tl::ui::App app(options());
    auto& state = app.slot<LessonState>();
    state.progress_file = dir.path / "progress.json";
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

    // Step 1: a hint, then Show me selects payments.Charge; the step turns done by itself.
    REQUIRE(ui.click("Hint"));
    CHECK(state.session->status(0).hints_shown == 1);
    REQUIRE(ui.click("Show me"));
    ui.run(3);
    CHECK(selected_service(app) == "payments");
    CHECK(state.session->status(0).done);
    CHECK(state.session->status(0).solution_shown);
    REQUIRE(state.session->current() == 1);
    // The next step's set-up waits for "Next step", so the selection stays on screen meanwhile.
    ui.run(3);
    CHECK(selected_service(app) == "payments");
    REQUIRE(ui.click("Next step"));

    // Step 2: Show me makes auth the slowest hop; the root grows by the extra auth time.
    ui.run(2);
    const auto before = app.store().spans.at(0).duration_ns();
    REQUIRE(ui.click("Show me"));
    ui.run(3);
    CHECK(app.scenario().service("auth")->own.ms == doctest::Approx(200));
    CHECK(state.session->status(1).done);
    CHECK(app.store().spans.at(0).duration_ns() > before);
    REQUIRE(state.session->current() == 2);

    // Step 3: its set-up puts the Service editor in front; Show me selects the root and opens Span details.
    REQUIRE(ui.click("Next step"));
    ui.run(3);
    CHECK(app.scenario().service("auth")->own.ms == doctest::Approx(15));  // the set-up reloaded checkout
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
    CHECK(state.session->lesson().id == "propagation-in-process");
}

TEST_CASE("lesson panel: saved progress reopens the lesson at its step; the console lists the spans") {
    TempDir dir;
    tl::lessons::CourseProgress p;
    p.current_lesson = "propagation-in-process";
    p.lessons["propagation-in-process"].steps_done = 2;
    REQUIRE(tl::lessons::save_progress(dir.path / "progress.json", p).empty());
    tl::ui::test::UiFixture ui;
    tl::ui::App app(options());
    app.slot<LessonState>().progress_file = dir.path / "progress.json";
    ui.gui = [&] { app.frame(); };
    ui.run(4);
    const auto& state = app.slot<LessonState>();
    REQUIRE(state.ready());
    CHECK(state.session->lesson().id == "propagation-in-process");
    CHECK(state.session->current() == 2);
    // The step's set-up broke orders -> db, so the simulation now shows two traces.
    CHECK(app.analysis().traces.size() == 2);
    REQUIRE(app.focus_panel("console").empty());
    ui.run(2);
    CHECK(ui.visible("Console lines"));
    REQUIRE(ui.click("Show me"));
    ui.run(3);
    CHECK(app.analysis().traces.size() == 1);
    CHECK(state.session->finished());
}
