// Text as the panels show it: durations with three significant digits (the same as the waterfall's bars), a log
// whose message column lines up whatever the service names, and sampling figures that wrap between figures
// inside a narrow panel.
#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "tests/ui/ui_fixture.hpp"
#include "ui/app.hpp"
#include "ui/panels/sampling_panel.hpp"
#include "ui/waterfall/waterfall_layout.hpp"
#include "ui/widgets/text_helpers.hpp"

using tl::ui::App;
using tl::ui::format_duration;
using tl::ui::test::UiFixture;

namespace {
tl::ui::AppOptions test_options() {
    tl::ui::AppOptions o;
    o.asset_dir = TRACELAB_ASSET_DIR;
    return o;
}

std::string bar_label(int64_t ns) {
    char buf[32];
    tl::ui::format_duration(ns, buf, sizeof buf);
    return buf;
}
}  // namespace

TEST_CASE("format_duration: three significant digits in a fitting unit") {
    CHECK(format_duration(0) == "0 ms");
    CHECK(format_duration(850) == "850 ns");
    CHECK(format_duration(12'400) == "12.4 \xC2\xB5s");
    CHECK(format_duration(1'250'000) == "1.25 ms");
    CHECK(format_duration(98'700'000) == "98.7 ms");  // was "99 ms"
    CHECK(format_duration(240'000'000) == "240 ms");
    CHECK(format_duration(999'600'000) == "1.00 s");  // not "1000 ms"
    CHECK(format_duration(12'400'000'000) == "12.4 s");
}

TEST_CASE("format_duration: the details panel reads what the waterfall bar reads") {
    for (int64_t ns : {int64_t{1}, int64_t{999}, int64_t{1'000}, int64_t{9'996}, int64_t{98'712'345},
                       int64_t{99'960'000}, int64_t{160'000'000}, int64_t{2'500'000'000}, int64_t{-3'000'000}}) {
        CAPTURE(ns);
        CHECK(format_duration(ns) == bar_label(ns));
    }
}

TEST_CASE("logs: the message column starts in one place, however long a service name") {
    for (const char* scenario : {"legacy-proxy", "async-order", "checkout"}) {
        CAPTURE(scenario);
        UiFixture ui({1280, 800});
        App app(test_options());
        ui.gui = [&] { app.frame(); };
        ui.run(3);  // the learning panels set themselves up first
        REQUIRE(app.load_scenario(scenario) == "");
        REQUIRE(app.focus_panel("logs") == "");
        ui.run(3);
        REQUIRE(app.scenario().id == scenario);
        const auto* first = ui.item("log:line 0");
        REQUIRE_MESSAGE(first != nullptr, ui.seen());
        int lines = 0;
        for (int row = 0; row < 200; ++row) {
            const auto* name = ui.item("log:service " + std::to_string(row));
            const auto* text = ui.item("log:line " + std::to_string(row));
            if (!name || !text) break;
            ++lines;
            CAPTURE(row);
            CHECK(text->min.x == doctest::Approx(first->min.x));
            CHECK(name->max.x < text->min.x);
        }
        CHECK(lines >= 3);
    }
}

TEST_CASE("sampling lab: at 1024x640 every result figure is inside the panel and none is broken") {
    UiFixture ui({1024, 640});
    App app(test_options());
    REQUIRE(app.load_scenario("checkout") == "");
    REQUIRE(app.focus_panel("sampling") == "");
    auto* panel = dynamic_cast<tl::ui::SamplingPanel*>(app.find_panel("sampling"));
    REQUIRE(panel != nullptr);
    panel->controls.requests = 5'000;
    ui.gui = [&] { app.frame(); };
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(180);
    while ((panel->running() || !panel->report()) && std::chrono::steady_clock::now() < deadline) {
        ui.frame();
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    ui.run(2);
    REQUIRE(panel->report().has_value());
    const auto* results = ui.item("sampling:results");
    REQUIRE_MESSAGE(results != nullptr, ui.seen());
    int figures = 0;
    for (const char* line : {"requests", "kept", "storage", "latency"}) {
        for (int i = 0; i < 3; ++i) {
            const auto* it = ui.item(std::string("sampling:figure ") + line + "." + std::to_string(i));
            if (!it) continue;
            ++figures;
            CAPTURE(line);
            CAPTURE(i);
            CHECK(it->min.x >= results->min.x - 0.5f);
            CHECK(it->max.x <= results->max.x + 0.5f);
            // One line each: a figure narrower than the panel is never split between lines.
            CHECK(it->max.y - it->min.y < ImGui::GetTextLineHeight() * 1.5f);
        }
    }
    CHECK(figures == 10);
}
