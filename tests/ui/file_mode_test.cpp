// Headless tests of file mode: with a trace file on screen the simulator-only panels say so, Play explains
// itself, the way back works and clears the file's banner lines, times read in one unit per view, a one-span
// trace has no "slowest" badge, and importer warnings name the file once.
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
    CHECK(f.ui.visible("file-mode:on screen: one-span.json, traces read from a file"));
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

TEST_CASE("file mode: a trace of microsecond spans reads in microseconds everywhere, no ms beside them") {
    // tests/data/microsecond-spans.json: GET /health (850 us) with cache.get (+30 us, 120 us) and SELECT 1
    // (+200 us, 500 us); a second trace, GET /ping, lasts 42 us.
    UiFixture ui;
    App app(test_options());
    REQUIRE(app.load_scenario("checkout") == "");
    app.push(tl::ui::OpenFile{std::string(TRACELAB_SOURCE_DIR) + "/tests/data/microsecond-spans.json"});
    app.apply_actions();
    REQUIRE(app.showing_file());
    ui.gui = [&] { app.frame(); };
    app.push(tl::ui::FocusPanel{"details"});
    app.push(tl::ui::SelectSpanNamed{"cache.get"});
    ui.run(4);
    const std::string us = " \xC2\xB5s";
    INFO("drawn: " << ui.seen());
    // The waterfall: header, bars, ruler.
    CHECK(ui.visible("waterfall header 850" + us));
    CHECK(ui.visible("waterfall duration GET /health = 850" + us));
    CHECK(ui.visible("waterfall duration cache.get = 120" + us));
    CHECK(ui.visible("waterfall duration SELECT 1 = 500" + us));
    // Span details of cache.get: its start inside the trace in the same unit.
    CHECK(ui.visible("details:start +30.0" + us));
    // The trace list's Duration column.
    CHECK(ui.visible("trace:0 duration 850" + us));
    CHECK(ui.visible("trace:1 duration 42.0" + us));
    // Every time label drawn in this frame is in microseconds (the ruler's "0" has no unit); none in ms.
    size_t rulers = 0, times = 0;
    for (const std::string& label : ui.probe.order()) {
        const bool ruler = label.starts_with("ruler ");
        const bool time = ruler || label.starts_with("waterfall duration ") || label.starts_with("details:start") ||
                          label.starts_with("waterfall header") || label.find(" duration ") != std::string::npos;
        if (!time) continue;
        CAPTURE(label);
        ++times;
        rulers += ruler ? 1 : 0;
        CHECK(label.find(" ms") == std::string::npos);
        if (label != "ruler 0") CHECK(label.ends_with(us));
    }
    CHECK(rulers >= 3);
    CHECK(times >= rulers + 7);
}
