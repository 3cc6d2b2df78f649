// Start-up and the lessons: what the command line chose (a scenario, edits) survives the lesson panel
// starting, until the learner starts the step; a lesson reopened at start-up does not pull its panels
// to the front, so the bottom strip opens on the service logs.
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

namespace {
using tl::test::TempDir;

tl::ui::AppOptions options() {
    tl::ui::AppOptions o;
    o.asset_dir = fs::path(TRACELAB_SOURCE_DIR) / "assets";
    return o;
}

// Progress that reopens lesson 3 at its third step, whose set-up breaks the orders -> db hop (two traces).
void save_progress_at_broken_hop(const fs::path& file) {
    tl::lessons::CourseProgress p;
    p.current_lesson = "propagation-in-process";
    p.lessons["propagation-in-process"].steps_done = 2;
    REQUIRE(tl::lessons::save_progress(file, p).empty());
}

std::string bottom_front(const tl::ui::App& app) {
    return app.front_panels()[size_t(tl::ui::Area::Bottom)];
}
}  // namespace

TEST_CASE("start-up: command-line edits survive the lessons until the learner starts the step") {
    TempDir dir;
    save_progress_at_broken_hop(dir.path / "progress.json");
    tl::ui::test::UiFixture ui;
    tl::ui::App app(options());
    app.slot<tl::ui::LessonState>().progress_file = dir.path / "progress.json";
    // What main.cpp does for `tracelab --scenario checkout --latency auth=123`.
    app.set_startup_choice(true);
    REQUIRE(app.load_scenario("checkout").empty());
    app.apply(tl::ui::SetLatency{"auth", 123});
    ui.gui = [&] { app.frame(); };
    ui.run(5);
    const auto& state = app.slot<tl::ui::LessonState>();
    REQUIRE(state.ready());
    CHECK(state.session->current() == 2);
    CHECK(app.scenario().service("auth")->own.ms == doctest::Approx(123));
    CHECK(app.analysis().traces.size() == 1);  // the step's broken hop was not applied
    CHECK_FALSE(state.session->status(2).done);

    REQUIRE(ui.click("Start step"));
    ui.run(3);
    CHECK(app.analysis().traces.size() == 2);  // now the step's set-up ran
    CHECK(app.scenario().service("auth")->own.ms == doctest::Approx(15));
    CHECK_FALSE(ui.visible("Start step"));
}

TEST_CASE("start-up: without command-line choices the lesson sets up its step, the logs stay in front") {
    TempDir dir;  // no saved progress: lesson 1, whose first step would bring Live traffic forward
    tl::ui::test::UiFixture ui;
    tl::ui::App app(options());
    app.slot<tl::ui::LessonState>().progress_file = dir.path / "progress.json";
    REQUIRE(app.load_scenario("fan-out").empty());
    ui.gui = [&] { app.frame(); };
    ui.run(5);
    const auto& state = app.slot<tl::ui::LessonState>();
    REQUIRE(state.ready());
    CHECK(app.scenario().id == "checkout");  // the step's set-up loaded its scenario
    CHECK_FALSE(ui.visible("Start step"));
    CHECK(bottom_front(app) == "logs");

    // Opening the lesson on purpose (what the chooser does) runs the same set-up with its panel.
    app.push(tl::ui::Custom{"open lesson 1", [](tl::ui::App& a) { open_lesson(a, a.slot<tl::ui::LessonState>(), 0); }});
    ui.run(4);  // open, apply the set-up, ask for the tab, the tab bar switches
    CHECK(bottom_front(app) == "live");
}
