// Lesson steps done through the app as a learner does them, headless:
// - lesson 8's head-sampling step is checked against what was set and run in the Sampling lab, and
//   "Show me" sets the lab's controls and runs it;
// - "Restart lesson" while "Start step" is showing applies step 1's set-up, and step 1 can be done again;
// - "Show me" while a trace file is on screen goes back to the simulation and shows the step at once.
#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "tests/support/temp_dir.hpp"
#include "tests/ui/ui_fixture.hpp"
#include "ui/app.hpp"
#include "ui/panels/lesson_panel.hpp"
#include "ui/panels/sampling_panel.hpp"

namespace fs = std::filesystem;
using tl::ui::LessonState;
using tl::ui::SamplingPanel;

namespace {
using tl::test::TempDir;

tl::ui::AppOptions options() {
    tl::ui::AppOptions o;
    o.asset_dir = fs::path(TRACELAB_SOURCE_DIR) / "assets";
    return o;
}

// An app with the lesson panel started and progress kept in `dir`.
struct LessonApp {
    TempDir dir;
    tl::ui::test::UiFixture ui;
    tl::ui::App app{options()};
    LessonState& state = app.slot<LessonState>();

    LessonApp() {
        state.progress_file = dir.path / "progress.json";
        ui.gui = [this] { app.frame(); };
        ui.run(3);
        REQUIRE(state.ready());
    }
    // Chooses lesson `n` (1-based) from the chooser and lets its set-up apply.
    void choose_lesson(int n) {
        REQUIRE(ui.click("Lesson chooser"));
        REQUIRE(ui.click("Lesson " + std::to_string(n)));
        ui.run(3);
    }
    SamplingPanel& lab() {
        auto* p = dynamic_cast<SamplingPanel*>(app.find_panel("sampling"));
        REQUIRE(p != nullptr);
        return *p;
    }
    // Frames until the lab's run ends (bounded), sleeping a little between frames like a real loop.
    void wait_for_lab() {
        // Bounded by wall time, not frames: a sanitizer build on a busy machine runs the lab many times slower.
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(180);
        while (lab().running() && std::chrono::steady_clock::now() < deadline) {
            ui.frame();
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        REQUIRE_FALSE(lab().running());
        ui.run(3);  // pick up the report, see the goal hold, mark the step done
    }
};
}  // namespace

TEST_CASE("lesson 8: the head-sampling step is done in the Sampling lab: choose, set the ratio, Run") {
    LessonApp t;
    t.choose_lesson(8);
    REQUIRE(t.state.session->lesson().id == "sampling");
    REQUIRE(t.state.session->current() == 0);
    SamplingPanel& lab = t.lab();
    lab.controls.requests = 20'000;  // the default million is for people; tests stay quick
    // Step 1's set-up put "always on" into the lab's controls.
    CHECK(lab.controls.head == static_cast<int>(tl::HeadKind::AlwaysOn));

    // Open the lab: it runs once with what the set-up chose, which is not 1 in 100.
    REQUIRE(t.ui.click("tab:sampling"));
    t.wait_for_lab();
    REQUIRE(lab.report().has_value());
    CHECK(lab.report()->head_description == "AlwaysOnSampler");
    CHECK(t.state.session->current() == 0);

    // Choose TraceIDRatioBased and drag the ratio to the middle of its log scale (0.01).
    REQUIRE(t.ui.click("sampling:head"));
    REQUIRE(t.ui.click("sampling:head TraceIDRatioBased"));
    // The slider's item includes its label: its centre is half the slider's own width from the left.
    const tl::ui::ProbedItem* ratio = t.ui.item("sampling:ratio");
    REQUIRE(ratio != nullptr);
    const float centre = 80.0f * t.app.fonts().scale / (ratio->max.x - ratio->min.x);
    REQUIRE(t.ui.drag("sampling:ratio", centre * 1.8f, centre));
    CHECK(lab.controls.head == static_cast<int>(tl::HeadKind::Ratio));
    CHECK(lab.controls.run_ratio() == doctest::Approx(0.01).epsilon(0.1));
    // Set but not yet run: the step waits for the run's results.
    t.ui.run(2);
    CHECK(t.state.session->current() == 0);
    REQUIRE(t.ui.click("sampling:run"));
    t.wait_for_lab();
    CHECK(lab.report()->head_description.find("TraceIDRatioBased") == 0);
    CHECK(t.state.session->status(0).done);
    REQUIRE(t.state.session->current() == 1);
    CHECK_FALSE(t.state.session->status(0).solution_shown);

    // Step 2 is a prediction, answered with a choice in the lesson panel after "Start step".
    REQUIRE(t.ui.click("Start step"));
    t.ui.run(3);
    REQUIRE(t.ui.click("Choice 2"));  // "a new trace of its own": wrong, and explained
    t.ui.run(2);
    CHECK_FALSE(t.state.session->status(1).done);
    CHECK(t.ui.visible("Feedback"));
    REQUIRE(t.ui.click("Choice 1"));
    t.ui.run(3);
    CHECK(t.state.session->status(1).done);
    CHECK(t.state.session->current() == 2);
}

TEST_CASE("lesson 8: Show me sets the Sampling lab's controls, brings it to the front and runs it") {
    LessonApp t;
    t.choose_lesson(8);
    SamplingPanel& lab = t.lab();
    lab.controls.requests = 20'000;
    REQUIRE(t.ui.click("Show me"));
    t.ui.run(2);
    CHECK(lab.controls.head == static_cast<int>(tl::HeadKind::ParentRatio));
    CHECK(lab.controls.ratio == doctest::Approx(0.01));
    CHECK((t.ui.visible("sampling:run") || t.ui.visible("sampling:cancel")));  // the lab is in front
    t.wait_for_lab();
    REQUIRE(lab.report().has_value());
    CHECK(lab.report()->head_description.find("ParentBased") == 0);
    CHECK(t.state.session->status(0).done);
    CHECK(t.state.session->status(0).solution_shown);
}

TEST_CASE("lesson 12: Restart lesson while Start step is showing applies step 1's set-up; step 1 completes again") {
    LessonApp t;
    t.choose_lesson(12);
    REQUIRE(t.state.session->lesson().id == "broken-traces");
    REQUIRE(t.ui.click("Show me"));
    t.ui.run(3);
    REQUIRE(t.ui.click("Start step"));
    t.ui.run(3);
    REQUIRE(t.ui.click("Show me"));  // step 2: the span at the break
    t.ui.run(3);
    REQUIRE(t.state.session->current() == 2);
    REQUIRE(t.ui.visible("Start step"));

    REQUIRE(t.ui.click("Restart lesson"));
    t.ui.run(3);
    REQUIRE(t.state.session->current() == 0);
    CHECK_FALSE(t.state.session->has_pending());  // step 1's set-up was applied
    CHECK(t.app.scenario().id == "legacy-proxy");
    CHECK(t.app.view().selected_span == -1);
    CHECK(t.state.answer.empty());
    CHECK_FALSE(t.ui.visible("Start step"));

    // Doing step 1 by hand (the gap the proxy leaves, read off the two spans) completes it.
    const std::string gap = tl::lessons::answer_key_value("$proxy_gap_ms", tl::ui::lesson_world(t.app, t.state));
    REQUIRE_FALSE(gap.empty());
    t.state.typed_answer = gap;
    REQUIRE(t.ui.click("Check"));
    t.ui.run(3);
    CHECK(t.state.session->status(0).done);
    CHECK(t.state.session->current() == 1);
}

TEST_CASE("lesson 1: Show me while a trace file is on screen returns to the simulation and shows the step") {
    LessonApp t;
    REQUIRE(t.state.session->lesson().id == "why-tracing");
    REQUIRE(t.state.session->current() == 0);
    // A trace file on screen (the simulation's own trace, exported and opened again).
    const fs::path file = t.dir.path / "trace.json";
    t.app.push(tl::ui::ExportTrace{file.string(), tl::TraceFormat::Otlp});
    t.ui.run(1);
    t.app.push(tl::ui::OpenFile{file.string()});
    t.ui.run(2);
    REQUIRE(t.app.showing_file());
    CHECK_FALSE(t.app.front_panels().empty());

    REQUIRE(t.ui.click("Show me"));
    t.ui.run(3);
    CHECK_FALSE(t.app.showing_file());
    CHECK(t.state.session->status(0).done);
    bool console_in_front = false;
    for (const std::string& p : t.app.front_panels()) console_in_front = console_in_front || p == "console";
    CHECK(console_in_front);
}
