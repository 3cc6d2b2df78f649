// Headless tests of file mode: with a trace file on screen the simulator-only panels say so, Play explains
// itself, the way back works and clears the file's banner lines, a one-span trace has no "slowest" badge, and
// importer warnings name the file once.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "sim/engine/engine.hpp"
#include "sim/formats/formats.hpp"
#include "sim/io/storage.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/ui/ui_fixture.hpp"
#include "ui/app.hpp"

namespace {

using tl::ui::App;
using tl::ui::test::UiFixture;

tl::ui::AppOptions test_options() {
    tl::ui::AppOptions o;
    o.asset_dir = TRACELAB_ASSET_DIR;
    return o;
}

size_t count_of(const std::string& hay, const std::string& needle) {
    size_t n = 0;
    for (size_t p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + needle.size())) ++n;
    return n;
}

std::string banner_text(const App& app) {
    std::string all;
    for (const auto& b : app.banner()) all += b.text + "\n";
    return all;
}

// One OTLP/JSON span with an unknown kind (a warning) in a file called one-span.json.
std::string write_one_span(const tl::test::TempDir& dir, int kind = 2) {
    const auto path = (dir.path / "one-span.json").string();
    std::ofstream(path)
        << R"({"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":)"
           R"({"stringValue":"cron"}}]},"scopeSpans":[{"spans":[{"traceId":)"
           R"("0af7651916cd43dd8448eb211c80319c","spanId":"00f067aa0ba902b7","name":"nightly",)"
           R"("kind":)"
        << kind << R"(,"startTimeUnixNano":"1700000000000000000","endTimeUnixNano":"1700000000000850000"}]}]}]})";
    return path;
}

struct FileOnScreen {
    tl::test::TempDir dir;
    UiFixture ui;
    App app{test_options()};
    std::string path;
    explicit FileOnScreen(int kind = 2) {
        REQUIRE(app.load_scenario("checkout") == "");
        path = write_one_span(dir, kind);
        app.push(tl::ui::OpenFile{path});
        app.apply_actions();
        REQUIRE(app.showing_file());
        ui.gui = [&] { app.frame(); };
        ui.run(3);
    }
};

}  // namespace

TEST_CASE("file mode: the service editor says it edits the simulation instead of showing sliders") {
    FileOnScreen f;
    f.app.push(tl::ui::FocusPanel{"editor"});
    f.ui.run(3);
    CHECK(f.ui.visible("file-mode:notice"));
    CHECK_FALSE(f.ui.visible("editor:reset"));
}

TEST_CASE("file mode: the sampling lab says it runs the simulation") {
    FileOnScreen f;
    f.app.push(tl::ui::FocusPanel{"sampling"});
    f.ui.run(3);
    CHECK(f.ui.visible("file-mode:notice"));
}

TEST_CASE("file mode: Play in Live traffic explains that it needs the simulation") {
    FileOnScreen f;
    f.app.push(tl::ui::FocusPanel{"live"});
    f.ui.run(3);
    CHECK(f.ui.visible("file-mode:notice"));
    CHECK_FALSE(f.ui.visible("live:play"));
    f.ui.key(ImGuiKey_Space);  // the shortcut
    f.ui.run(2);
    CHECK_FALSE(f.app.view().live.playing);
    CHECK(banner_text(f.app).find("Live traffic plays simulated requests") != std::string::npos);
}

TEST_CASE("file mode: Back to the simulation leaves the file and its banner lines") {
    FileOnScreen f;
    CHECK(banner_text(f.app).find("one-span.json") != std::string::npos);
    f.app.push(tl::ui::FocusPanel{"editor"});
    f.ui.run(3);
    REQUIRE(f.ui.click("file-mode:back"));
    f.ui.run(2);
    CHECK_FALSE(f.app.showing_file());
    CHECK(banner_text(f.app).find("one-span.json") == std::string::npos);
    f.ui.run(2);
    CHECK(f.ui.visible("editor:reset"));  // the sliders are back
}

TEST_CASE("file mode: a trace of one span has no slowest badge; the simulation's trace has one") {
    FileOnScreen f;
    f.app.push(tl::ui::FocusPanel{"waterfall"});
    f.ui.run(3);
    CHECK(f.ui.visible("bar nightly"));
    CHECK_FALSE(f.ui.visible("waterfall slowest badge"));
    f.app.push(tl::ui::ReturnToSimulation{});
    f.ui.run(4);
    CHECK(f.ui.visible("waterfall slowest badge"));
}

TEST_CASE("file mode: importer warnings name the file once, in one line, the JSON path last") {
    FileOnScreen f(42);  // an unknown span kind: read as unspecified, with a warning
    const std::string all = banner_text(f.app);
    INFO(all);
    std::string warning;
    for (const auto& b : f.app.banner())
        if (b.level == tl::ui::BannerLevel::Warning) warning = b.text;
    REQUIRE_FALSE(warning.empty());
    CHECK(count_of(warning, "one-span.json") == 1);
    CHECK(warning.find("was read with 1 problem: unknown span kind 42") == 0 + std::string("one-span.json ").size());
    CHECK(warning.find("(at /resourceSpans/0/") != std::string::npos);
}
