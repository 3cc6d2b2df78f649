// Headless tests of the desktop app: the learner's clicks and drags go through real Dear ImGui frames
// (found by label), and the assertions look at the model the App holds afterwards.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include "sim/engine/engine.hpp"
#include "sim/engine/scenario.hpp"
#include "sim/formats/formats.hpp"
#include "sim/io/storage.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/ui/ui_fixture.hpp"
#include "ui/app.hpp"
#include "ui/shortcuts.hpp"

namespace {

using tl::ui::App;
using tl::ui::AppOptions;
using tl::ui::test::UiFixture;

AppOptions test_options() {
    AppOptions o;
    o.asset_dir = TRACELAB_ASSET_DIR;
    return o;
}

// The trace that holds the request's entry span (the gateway).
const tl::TraceInfo& main_trace(const App& app) {
    const auto& an = app.analysis();
    REQUIRE(!an.traces.empty());
    for (const auto& t : an.traces)
        if (t.root >= 0 && app.store().str(app.store().spans[size_t(t.root)].service) == "gateway") return t;
    return an.traces.front();
}

int32_t span_named(const App& app, std::string_view name) {
    const auto& spans = app.store().spans;
    for (size_t i = 0; i < spans.size(); ++i)
        if (app.store().str(spans[i].name) == name) return int32_t(i);
    return -1;
}

}  // namespace

TEST_CASE("app: the checkout scenario opens as one trace of five spans") {
    UiFixture ui;
    App app(test_options());
    REQUIRE(app.load_scenario("checkout") == "");
    ui.gui = [&] { app.frame(); };
    ui.run(3);
    CHECK(app.analysis().traces.size() == 1);
    CHECK(app.store().spans.size() == 5);
    CHECK(app.current_trace() == 0);
    CHECK(ui.visible("trace:0"));
    for (const auto& b : app.banner()) CHECK_MESSAGE(false, b.text);
}

TEST_CASE("app: setting orders->payments to no-inject through the editor splits the trace in two") {
    UiFixture ui({1600, 1200});
    App app(test_options());
    REQUIRE(app.load_scenario("checkout") == "");
    ui.gui = [&] { app.frame(); };
    REQUIRE(app.focus_panel("editor") == "");
    ui.run(3);
    REQUIRE(app.analysis().traces.size() == 1);

    REQUIRE(ui.click("fault:orders->payments"));
    REQUIRE(ui.click("fault:orders->payments=no-inject"));
    ui.run(1);

    const auto* orders = app.scenario().service("orders");
    REQUIRE(orders != nullptr);
    CHECK(orders->calls[1].fault == tl::HopFault::NoInject);
    CHECK(app.analysis().traces.size() == 2);
    CHECK(ui.visible("trace:1"));  // the trace list shows the split-off trace

    // And back: repairing the hop joins the trace again.
    REQUIRE(ui.click("fault:orders->payments"));
    REQUIRE(ui.click("fault:orders->payments=ok"));
    CHECK(app.analysis().traces.size() == 1);
}

TEST_CASE("app: dragging the payments latency slider changes the root's duration") {
    UiFixture ui({1600, 1200});
    App app(test_options());
    REQUIRE(app.load_scenario("checkout") == "");
    ui.gui = [&] { app.frame(); };
    REQUIRE(app.focus_panel("editor") == "");
    ui.run(3);
    const int64_t before = main_trace(app).duration_ns();
    const double own_before = app.scenario().service("payments")->own.ms;

    REQUIRE(ui.drag("own:payments", 0.5f, 0.95f));
    const double own_after = app.scenario().service("payments")->own.ms;
    const int64_t after = main_trace(app).duration_ns();
    CHECK(own_after > own_before);
    CHECK(after > before);
    // The payments span now lasts what the slider says (the scenario has no jitter on it by default).
    const int32_t charge = span_named(app, "payments.Charge");
    REQUIRE(charge >= 0);
    CHECK(std::llabs(app.store().spans[size_t(charge)].duration_ns() - int64_t(own_after * 1e6)) <= 1'000'000);

    // Dragging to the left end shortens the request below where it started.
    REQUIRE(ui.drag("own:payments", 0.9f, 0.0f));
    CHECK(main_trace(app).duration_ns() < before);
}

TEST_CASE("app: selecting a span shows the header it received, or why none arrived") {
    UiFixture ui;
    App app(test_options());
    REQUIRE(app.load_scenario("checkout") == "");
    ui.gui = [&] { app.frame(); };
    ui.run(3);
    const int32_t charge = span_named(app, "payments.Charge");
    REQUIRE(charge >= 0);
    // Select it the way a learner does: click its row in the waterfall.
    REQUIRE(ui.click("row payments.Charge"));
    ui.run(2);
    CHECK(app.view().selected_span == charge);
    CHECK(ui.visible("details:title"));
    CHECK(ui.visible("details:traceparent"));
    const tl::Hop* hop = app.hop_into_span(charge);
    REQUIRE(hop != nullptr);
    CHECK(hop->header_sent);
    // The header carries the trace the span joined, with its parent (orders) as parent-id.
    const std::string tp = hop->traceparent();
    CHECK(tp.find(tl::to_hex(app.store().spans[size_t(charge)].trace_id)) != std::string::npos);
    CHECK(tp.find(tl::to_hex(app.store().spans[size_t(charge)].parent_span_id)) != std::string::npos);

    // Break the hop: the selection follows the operation, and the panel says nothing was sent.
    app.push(tl::ui::SetHopFault{"orders", "payments", tl::HopFault::NoInject});
    ui.run(2);
    const int32_t charge2 = app.view().selected_span;
    REQUIRE(charge2 >= 0);
    CHECK(app.store().str(app.store().spans[size_t(charge2)].name) == "payments.Charge");
    CHECK(ui.visible("details:not-sent"));
    CHECK_FALSE(ui.visible("details:traceparent"));
}

TEST_CASE("app: selecting a trace in the trace list") {
    UiFixture ui;
    App app(test_options());
    REQUIRE(app.load_scenario("checkout") == "");
    ui.gui = [&] { app.frame(); };
    ui.run(3);  // the learning panels set themselves up first
    app.push(tl::ui::SetHopFault{"orders", "payments", tl::HopFault::NoExtract});
    ui.run(2);
    REQUIRE(app.analysis().traces.size() == 2);
    REQUIRE(ui.click("trace:1"));
    CHECK(app.view().selected_trace == 1);
    CHECK(app.current_trace() == 1);
}

TEST_CASE("app: shortcuts toggle help and ghosts, and space plays live traffic") {
    UiFixture ui;
    App app(test_options());
    REQUIRE(app.load_scenario("checkout") == "");
    ui.gui = [&] { app.frame(); };
    ui.run(2);
    CHECK_FALSE(app.view().show_help);
    ui.char_key(tl::ui::kShortcutHelp);
    CHECK(app.view().show_help);
    const bool ghosts = app.view().show_ghosts;
    ui.char_key(tl::ui::kShortcutGhosts);
    CHECK(app.view().show_ghosts != ghosts);

    ui.key(ImGuiKey_Space);
    CHECK(app.view().live.playing);
    CHECK(app.animating());
    app.push(tl::ui::SetLiveRate{30.0});
    ui.run(60);  // one second of frames at 30 requests/s
    CHECK(app.view().live.root_ms.size() >= 20);
    ui.key(ImGuiKey_Space);
    CHECK_FALSE(app.view().live.playing);
}

TEST_CASE("app: a bad trace file or scenario shows an error and the app keeps running") {
    UiFixture ui;
    App app(test_options());
    REQUIRE(app.load_scenario("checkout") == "");
    ui.gui = [&] { app.frame(); };
    app.push(tl::ui::OpenFile{"/nonexistent/trace.json"});
    ui.run(2);
    REQUIRE_FALSE(app.banner().empty());
    CHECK(app.banner().back().level == tl::ui::BannerLevel::Error);
    CHECK(app.store().spans.size() == 5);  // still the simulation
    CHECK(ui.visible("banner:dismiss"));
    REQUIRE(ui.click("banner:dismiss"));
    CHECK(app.banner().empty());

    app.push(tl::ui::LoadScenario{"no-such-scenario"});
    ui.run(2);
    REQUIRE_FALSE(app.banner().empty());
    CHECK(app.scenario().id == "checkout");
}

TEST_CASE("app: export writes the trace and opening it shows the same spans") {
    UiFixture ui;
    App app(test_options());
    REQUIRE(app.load_scenario("checkout") == "");
    ui.gui = [&] { app.frame(); };
    ui.run(2);
    const auto dir = std::filesystem::temp_directory_path() / "tracelab-ui-test";
    std::filesystem::create_directories(dir);
    const auto path = dir / "export.json";
    std::filesystem::remove(path);
    app.push(tl::ui::ExportTrace{path.string(), tl::TraceFormat::Otlp});
    ui.run(1);
    REQUIRE(std::filesystem::exists(path));
    CHECK(std::filesystem::file_size(path) > 100);
    app.push(tl::ui::OpenFile{path.string()});
    ui.run(2);
    if (app.showing_file()) {  // the OTLP importer is in place
        CHECK(app.store().spans.size() == 5);
        CHECK(app.run() == nullptr);
        app.push(tl::ui::ReturnToSimulation{});
        ui.run(1);
        CHECK_FALSE(app.showing_file());
    } else {
        MESSAGE("OTLP import not available yet: " << (app.banner().empty() ? "" : app.banner().back().text));
    }
    std::filesystem::remove_all(dir);
}

TEST_CASE("app smoke: every panel draws for several frames in every built-in scenario") {
    const auto dir = std::filesystem::path(TRACELAB_ASSET_DIR) / "scenarios";
    REQUIRE(std::filesystem::is_directory(dir));
    int scenarios = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        if (entry.path().extension() != ".json") continue;
        if (entry.path().stem().extension() == ".schema") continue;  // the format's JSON Schema
        ++scenarios;
        CAPTURE(entry.path().string());
        for (ImVec2 size : {ImVec2(1280, 800), ImVec2(1024, 640), ImVec2(1920, 1080)}) {
            UiFixture ui(size);
            App app(test_options());
            REQUIRE(app.load_scenario(entry.path().string()) == "");
            ui.gui = [&] { app.frame(); };
            for (const auto& p : app.panels()) {
                CAPTURE(p->name());
                REQUIRE(app.focus_panel(p->name()) == "");
                ui.run(3);
            }
            // Select every span in turn and play a little live traffic with ghosts on and off.
            for (int32_t s = 0; s < int32_t(app.store().spans.size()); ++s) {
                app.push(tl::ui::SelectSpan{s});
                ui.run(1);
            }
            app.push(tl::ui::ToggleGhosts{});
            app.push(tl::ui::SetPlaying{true});
            ui.run(10);
            app.push(tl::ui::SetPlaying{false});
            ui.run(1);
            for (const auto& b : app.banner()) CHECK_MESSAGE(b.level != tl::ui::BannerLevel::Error, b.text);
            CHECK(ImGui::GetDrawData() != nullptr);
        }
    }
    CHECK(scenarios >= 1);
}

TEST_CASE("app: when the selected span is gone from a new run, its trace's root is selected instead") {
    App app(test_options());
    REQUIRE(app.load_scenario("checkout") == "");
    const int32_t pay = span_named(app, "payments.Charge");
    REQUIRE(pay >= 0);
    app.apply(tl::ui::SelectSpan{pay});
    REQUIRE(app.view().selected_span == pay);

    // payments stops reporting spans: the selected operation has no span any more.
    app.apply(tl::ui::SetInstrumented{"payments", false});
    CHECK(span_named(app, "payments.Charge") == -1);
    REQUIRE(app.view().selected_span >= 0);
    CHECK(app.store().str(app.store().spans[size_t(app.view().selected_span)].name) == "GET /checkout");

    // A span that still exists stays selected across runs (new seed, same operations).
    const int32_t auth = span_named(app, "auth.Verify");
    app.apply(tl::ui::SelectSpan{auth});
    app.apply(tl::ui::SetSeed{7});
    REQUIRE(app.view().selected_span >= 0);
    CHECK(app.store().str(app.store().spans[size_t(app.view().selected_span)].name) == "auth.Verify");
}

TEST_CASE("app: a corrupt settings file read at start-up is backed up once and reported in the banner") {
    tl::test::TempDir dir;
    // The user's own XDG folders are set aside for the test and restored after it.
    struct EnvOverride {
        const char* name;
        std::optional<std::string> old;
        EnvOverride(const char* n, const std::string& value) : name(n) {
            if (const char* v = std::getenv(n)) old = v;
            ::setenv(n, value.c_str(), 1);
        }
        ~EnvOverride() {
            if (old)
                ::setenv(name, old->c_str(), 1);
            else
                ::unsetenv(name);
        }
    };
    const EnvOverride config("XDG_CONFIG_HOME", (dir.path / "config").string());
    const EnvOverride data("XDG_DATA_HOME", (dir.path / "data").string());
    const auto file = tl::ui::settings_path();
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file) << "{ \"font_size\": ";  // cut off mid-write

    // As main() does it: read once (for the window size), then hand the result to the App.
    AppOptions o = test_options();
    o.persist = true;
    o.loaded_settings = tl::ui::load_settings(file);
    {
        App app(o);
        bool reported = false;
        for (const auto& b : app.banner()) reported = reported || b.text.find("corrupt") != std::string::npos;
        CHECK(reported);
    }
    size_t backups = 0;
    for (const auto& e : std::filesystem::directory_iterator(file.parent_path()))
        if (e.path().filename().string().find(".corrupt-") != std::string::npos) ++backups;
    CHECK(backups == 1);
}

TEST_CASE("app: selecting by name after opening a file looks the name up in the file") {
    // A fan-out trace written to a file; the app shows checkout, which has no span called search.Query.
    tl::test::TempDir dir;
    auto fan_out = tl::load_scenario("fan-out", std::filesystem::path(TRACELAB_ASSET_DIR) / "scenarios");
    REQUIRE(fan_out);
    tl::Run run;
    tl::Engine(fan_out.value()).run(tl::EngineOptions{}, run);
    const auto file = dir.path / "fan-out.json";
    REQUIRE(tl::atomic_write(file, tl::write_trace(run.observed, tl::TraceFormat::Otlp)).empty());

    App app(test_options());
    REQUIRE(app.load_scenario("checkout") == "");
    app.push(tl::ui::OpenFile{file.string()});
    app.push(tl::ui::SelectSpanNamed{"search.Query"});
    app.apply_actions();
    CHECK(app.showing_file());
    REQUIRE(app.view().selected_span >= 0);
    CHECK(app.store().str(app.store().spans[size_t(app.view().selected_span)].name) == "search.Query");
    const auto mentions = [&](std::string_view text) {
        for (const auto& b : app.banner())
            if (b.text.find(text) != std::string::npos) return true;
        return false;
    };
    CHECK_FALSE(mentions("search.Query"));

    // A name that is nowhere: reported, selection unchanged.
    const int32_t before = app.view().selected_span;
    app.push(tl::ui::SelectSpanNamed{"no.Such"});
    app.apply_actions();
    CHECK(app.view().selected_span == before);
    CHECK(mentions("no.Such"));
}

TEST_CASE("app: live traffic keeps its rate when frames are longer than the interval between requests") {
    UiFixture ui;
    App app(test_options());
    REQUIRE(app.load_scenario("checkout") == "");
    ui.gui = [&] { app.frame(); };
    ui.run(2);
    app.push(tl::ui::SetLiveRate{30.0});
    app.push(tl::ui::SetPlaying{true});
    app.apply_actions();  // playing from the first of the frames below
    // Ten frames of 0.2 s (a slow machine): two seconds at 30 requests/s is 60 requests, not one per frame.
    ui.io().DeltaTime = 0.2f;
    ui.run(10);
    const size_t sent = app.view().live.root_ms.size();
    CHECK(sent >= 58);
    CHECK(sent <= 62);
    // A stall far longer than the interval sends at most a handful at once, not the whole backlog.
    ui.io().DeltaTime = 10.0f;
    ui.run(1);
    CHECK(app.view().live.root_ms.size() - sent <= 8);
}

TEST_CASE("app: shortcuts do nothing while a dialog is open, and an export needs an existing folder") {
    tl::test::TempDir dir;
    UiFixture ui;
    App app(test_options());
    REQUIRE(app.load_scenario("checkout") == "");
    ui.gui = [&] { app.frame(); };
    ui.run(3);
    REQUIRE(ui.click("menu:File"));
    REQUIRE(ui.click("file:export"));
    ui.run(2);
    REQUIRE(ui.visible("export:path"));
    ui.key(ImGuiKey_Space);
    CHECK_FALSE(app.view().live.playing);  // the key went to the dialog, not to live traffic behind it

    const auto failed = [&] {
        for (const auto& b : app.banner())
            if (b.text.find("Export failed") != std::string::npos) return true;
        return false;
    };
    const auto missing = dir.path / "typo" / "trace.json";
    app.push(tl::ui::ExportTrace{missing.string(), tl::TraceFormat::Jaeger});
    app.apply_actions();
    CHECK(failed());
    CHECK_FALSE(std::filesystem::exists(dir.path / "typo"));
    app.push(tl::ui::DismissBanner{});
    app.apply_actions();
    const auto ok = dir.path / "trace.json";
    app.push(tl::ui::ExportTrace{ok.string(), tl::TraceFormat::Jaeger});
    app.apply_actions();
    CHECK_FALSE(failed());
    CHECK(std::filesystem::exists(ok));
}
