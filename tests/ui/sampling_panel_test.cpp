// Sampling panel, headless: the first show starts a run on a worker while frames keep coming, the report
// arrives, Run with other controls gives another report, and Cancel stops a long run early.
#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "tests/ui/ui_fixture.hpp"
#include "ui/app.hpp"
#include "ui/panels/sampling_panel.hpp"

namespace fs = std::filesystem;
using tl::ui::SamplingPanel;

namespace {
tl::ui::AppOptions options() {
    tl::ui::AppOptions o;
    o.asset_dir = fs::path(TRACELAB_SOURCE_DIR) / "assets";
    return o;
}

// Frames until the panel's run ends (bounded by wall time: a sanitizer build on a busy machine is many times
// slower), sleeping a little between frames like a real loop.
int frames_until_done(tl::ui::test::UiFixture& ui, SamplingPanel& panel) {
    int frames = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(180);
    while (panel.running() && std::chrono::steady_clock::now() < deadline) {
        ui.frame();
        ++frames;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ui.frame();
    return frames;
}
}  // namespace

TEST_CASE("sampling panel: runs on a worker, shows the report, reruns with new controls, cancels") {
    tl::ui::test::UiFixture ui;
    tl::ui::App app(options());
    REQUIRE(app.load_scenario("checkout").empty());
    REQUIRE(app.focus_panel("sampling").empty());
    auto* panel = dynamic_cast<SamplingPanel*>(app.find_panel("sampling"));
    REQUIRE(panel != nullptr);
    panel->controls.requests = 20'000;  // the default million is for people; tests stay quick
    ui.gui = [&] { app.frame(); };
    ui.run(2);
    // The first show started a run; frames continue while it works.
    CHECK((panel->running() || panel->report().has_value()));
    frames_until_done(ui, *panel);
    REQUIRE_FALSE(panel->running());
    REQUIRE_MESSAGE(panel->report().has_value(), panel->error());
    const auto first = *panel->report();
    CHECK(first.requests == 20'000);
    CHECK(first.head_description.find("ParentBased") == 0);
    // 1% at the head, then "slow or errored" at the tail: the tail only sees the 1%, so most slow ones are gone.
    CHECK(first.kept_slow_share() < 0.05);
    CHECK(ui.visible("sampling:kept-share"));
    CHECK(ui.visible("sampling:histogram"));
    CHECK(ui.visible("sampling:conclusion"));

    // Head always on: the tail sees everything, so every errored request is kept.
    panel->controls.head = static_cast<int>(tl::HeadKind::AlwaysOn);
    panel->controls.leaf_error_rate = 0.05f;
    REQUIRE(ui.click("sampling:run"));
    CHECK((panel->running() || panel->report()->head_description == "AlwaysOnSampler"));
    frames_until_done(ui, *panel);
    REQUIRE(panel->report().has_value());
    CHECK(panel->report()->head_description == "AlwaysOnSampler");
    CHECK(panel->report()->errored > 0);
    CHECK(panel->report()->kept_error_share() == 1.0);

    // A long run can be cancelled from the button; the partial report says so.
    panel->controls.requests = 2'000'000;
    REQUIRE(ui.click("sampling:run"));
    REQUIRE(panel->running());
    REQUIRE(ui.click("sampling:cancel"));
    frames_until_done(ui, *panel);
    REQUIRE(panel->report().has_value());
    CHECK(panel->report()->cancelled);
    CHECK(panel->report()->requests < 2'000'000);
}

TEST_CASE("sampling panel: says what the run used, greys the ratio when unused, a re-run repeats itself") {
    tl::ui::test::UiFixture ui;
    tl::ui::App app(options());
    REQUIRE(app.load_scenario("checkout").empty());
    app.set_startup_choice(true);  // the lessons keep their hands off the edited scenario
    app.push(tl::ui::SetHopFault{"orders", "payments", tl::HopFault::NoInject});
    app.push(tl::ui::SetJitter{"payments", 20});
    app.apply_actions();
    REQUIRE(app.focus_panel("sampling").empty());
    auto* panel = dynamic_cast<SamplingPanel*>(app.find_panel("sampling"));
    REQUIRE(panel != nullptr);
    panel->controls.requests = 5'000;
    ui.gui = [&] { app.frame(); };
    ui.run(2);
    frames_until_done(ui, *panel);
    REQUIRE(panel->report().has_value());
    const std::string& note = panel->report_note();
    CHECK(note.find("Broken hops: orders->payments (no-inject).") != std::string::npos);
    CHECK(note.find("Jitter set in the scenario: payments 20 ms.") != std::string::npos);
    CHECK(note.find("The lab adds log-normal jitter of 30% of the own time") != std::string::npos);
    CHECK(note.find("gateway") != std::string::npos);
    CHECK(ui.visible("sampling:note"));
    CHECK_FALSE(panel->same_as_previous().has_value());

    // The same settings again: the same figures, and the panel says so.
    panel->start(app);
    frames_until_done(ui, *panel);
    REQUIRE(panel->same_as_previous().has_value());
    CHECK(*panel->same_as_previous());
    CHECK(ui.visible("sampling:repeat-same"));
    // Another seed is not a re-run.
    panel->controls.seed = 2;
    panel->start(app);
    frames_until_done(ui, *panel);
    CHECK_FALSE(panel->same_as_previous().has_value());

    // Always on ignores the ratio: its slider is greyed out.
    CHECK(ui.visible("sampling:ratio"));
    panel->controls.head = static_cast<int>(tl::HeadKind::AlwaysOn);
    ui.run(2);
    CHECK(ui.visible("sampling:ratio (unused)"));
    CHECK_FALSE(ui.visible("sampling:ratio"));
    CHECK(tl::ui::head_uses_ratio(tl::HeadKind::Probability));
    CHECK_FALSE(tl::ui::head_uses_ratio(tl::HeadKind::AlwaysOff));
}
