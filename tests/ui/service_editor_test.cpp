// Service editor, headless: every name stays in its own table cell at every window size; long hop and
// operation names wrap instead of running under the controls beside them, and a narrow editor puts the
// controls under the names.
#include <doctest/doctest.h>

#include <string>

#include "tests/ui/ui_fixture.hpp"
#include "ui/app.hpp"

using tl::ui::App;
using tl::ui::test::UiFixture;

TEST_CASE("service editor: hop and operation names end before the controls beside them") {
    for (const ImVec2 size : {ImVec2{1024, 640}, ImVec2{1280, 800}, ImVec2{1920, 1080}}) {
        for (const char* scenario : {"legacy-proxy", "async-order", "checkout"}) {
            CAPTURE(size.x);
            CAPTURE(scenario);
            // Tall enough that every row is on screen (the probes record visible items).
            UiFixture ui({size.x, 2400});
            tl::ui::AppOptions o;
            o.asset_dir = TRACELAB_ASSET_DIR;
            App app(o);
            REQUIRE(app.load_scenario(scenario) == "");
            REQUIRE(app.focus_panel("editor") == "");
            ui.gui = [&] { app.frame(); };
            ui.run(4);
            for (const auto& s : app.scenario().services) {
                CAPTURE(s.name);
                const auto* op = ui.item("operation:" + s.name);
                const auto* slider = ui.item("own:" + s.name);
                REQUIRE_MESSAGE(op != nullptr, ui.seen());
                REQUIRE(slider != nullptr);
                // Beside the slider (ends left of it) or, in a narrow editor, above it.
                CHECK((op->max.x <= slider->min.x || op->max.y <= slider->min.y));
                for (const auto& c : s.calls) {
                    const std::string hop = s.name + "->" + c.to;
                    CAPTURE(hop);
                    const auto* combo = ui.item("fault:" + hop);
                    REQUIRE(combo != nullptr);
                    for (const char* part : {"hop caller:", "hop callee:", "hop transport:"}) {
                        const auto* it = ui.item(part + hop);
                        REQUIRE(it != nullptr);
                        CHECK((it->max.x <= combo->min.x || it->max.y <= combo->min.y));
                    }
                }
            }
        }
    }
}

TEST_CASE("service editor: a narrow editor stacks the controls under each service, full width") {
    UiFixture ui({1024, 2400});
    tl::ui::AppOptions o;
    o.asset_dir = TRACELAB_ASSET_DIR;
    App app(o);
    REQUIRE(app.load_scenario("checkout") == "");
    REQUIRE(app.focus_panel("editor") == "");
    ui.gui = [&] { app.frame(); };
    ui.run(4);
    const auto* name = ui.item("operation:payments");
    const auto* slider = ui.item("own:payments");
    REQUIRE(name != nullptr);
    REQUIRE(slider != nullptr);
    CHECK(slider->min.y >= name->max.y);
    CHECK(slider->min.x <= name->min.x + 1.0f);  // the slider starts at the left edge, under the name
}
