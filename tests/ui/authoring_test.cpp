// Scenario authoring in the app: New scenario, the editor's add/rename/remove, Save scenario as through the
// in-app file chooser, and opening a scenario file through File > Open or a drop (told by content).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "sim/engine/scenario.hpp"
#include "sim/engine/scenario_file.hpp"
#include "sim/formats/formats.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/ui/ui_fixture.hpp"
#include "ui/app.hpp"

namespace {

using tl::ui::App;
using tl::ui::AppOptions;
using tl::ui::test::UiFixture;
namespace fs = std::filesystem;

AppOptions test_options() {
    AppOptions o;
    o.asset_dir = TRACELAB_ASSET_DIR;
    return o;
}

bool banner_has(const App& app, const std::string& text) {
    for (const auto& b : app.banner())
        if (b.text.find(text) != std::string::npos) return true;
    return false;
}

// Types a folder into the chooser's folder field and presses Enter.
void chooser_go_to(UiFixture& ui, const fs::path& folder) {
    REQUIRE(ui.click("chooser:folder"));
    ui.replace_text(folder.string().c_str());
    ui.key(ImGuiKey_Enter);
}

}  // namespace

TEST_CASE("authoring: Save scenario as, then File > Open, gives the same scenario and the same traces") {
    tl::test::TempDir dir;
    UiFixture ui({1600, 1000});
    App app(test_options());
    REQUIRE(app.load_scenario("checkout") == "");
    ui.gui = [&] { app.frame(); };
    ui.run(2);
    // Edits the editor makes: jitter, a broken hop, an error rate.
    app.push(tl::ui::SetJitter{"payments", 12.5});
    app.push(tl::ui::SetHopFault{"orders", "payments", tl::HopFault::NoExtract});
    app.push(tl::ui::SetErrorRate{"auth", 0.3});
    ui.run(1);
    const std::string before = tl::write_trace(app.store(), tl::TraceFormat::Otlp);
    const tl::Json scenario_before = tl::scenario_to_json(app.scenario());

    REQUIRE(ui.click("menu:File"));
    REQUIRE(ui.click("file:save-scenario"));
    ui.run(2);
    REQUIRE(app.file_chooser().active());
    chooser_go_to(ui, dir.path);
    CHECK(app.file_chooser().folder() == fs::weakly_canonical(dir.path));
    REQUIRE(ui.click("chooser:name"));
    ui.replace_text("my-class.json");
    REQUIRE(ui.click("chooser:ok"));
    ui.run(1);
    const fs::path saved = fs::weakly_canonical(dir.path) / "my-class.json";
    REQUIRE(fs::exists(saved));
    CHECK(banner_has(app, "Saved the scenario to " + saved.string()));
    CHECK_FALSE(app.file_chooser().active());

    // Another scenario in between, then the file back through File > Open (the chooser lists it).
    REQUIRE(app.load_scenario("fan-out") == "");
    REQUIRE(ui.click("menu:File"));
    REQUIRE(ui.click("file:open"));
    ui.run(2);
    chooser_go_to(ui, dir.path);
    REQUIRE(ui.click("chooser:entry:my-class.json"));
    REQUIRE(ui.click("chooser:ok"));
    ui.run(2);
    CHECK_FALSE(app.showing_file());  // loaded as a scenario, not shown as a trace file
    CHECK(banner_has(app, "Opened the scenario " + saved.string()));
    CHECK(tl::scenario_to_json(app.scenario())["services"] == scenario_before["services"]);
    CHECK(tl::write_trace(app.store(), tl::TraceFormat::Otlp) == before);
}

TEST_CASE("authoring: a dropped scenario file is loaded, whatever its name; a dropped trace is shown") {
    tl::test::TempDir dir;
    App app(test_options());
    REQUIRE(app.load_scenario("checkout") == "");
    auto fan = tl::load_scenario("fan-out", fs::path(TRACELAB_ASSET_DIR) / "scenarios");
    REQUIRE(fan.ok());
    const fs::path odd = dir.path / "looks-like-a-trace.otlp.json";
    REQUIRE(tl::save_scenario_file(odd, *fan) == "");
    app.push(tl::ui::OpenFile{odd.string()});
    app.apply_actions();
    CHECK_FALSE(app.showing_file());
    CHECK(app.scenario().service("shard-b") != nullptr);
    app.push(tl::ui::OpenFile{TRACELAB_SHARED_DIR "/corpus/otlp_trace_example.json"});
    app.apply_actions();
    CHECK(app.showing_file());
    CHECK(banner_has(app, "Showing /"));  // the full path
}

TEST_CASE("authoring: New scenario, then services and calls added, renamed and removed in the editor") {
    UiFixture ui({1600, 1200});
    App app(test_options());
    REQUIRE(app.load_scenario("checkout") == "");
    ui.gui = [&] { app.frame(); };
    ui.run(2);
    REQUIRE(ui.click("menu:File"));
    REQUIRE(ui.click("file:new-scenario"));
    ui.run(3);
    REQUIRE(app.scenario().services.size() == 1);
    CHECK(app.store().spans.size() == 1);
    REQUIRE(ui.visible("author:add-service"));  // the structure editor is open for a new scenario

    REQUIRE(ui.click("author:add-service"));  // the suggested name: service-1
    ui.run(1);
    REQUIRE(app.scenario().service("service-1") != nullptr);
    // A call frontend -> service-1 over gRPC.
    REQUIRE(ui.click("author:callee"));
    REQUIRE(ui.click("author:callee=service-1"));
    REQUIRE(ui.click("author:add-call"));
    ui.run(1);
    REQUIRE(app.scenario().service("frontend")->calls.size() == 1);
    CHECK(app.store().spans.size() == 2);
    CHECK(app.analysis().traces.size() == 1);
    // A call back would be a cycle: refused, said in the banner, nothing changes.
    REQUIRE(ui.click("author:caller"));
    REQUIRE(ui.click("author:caller=service-1"));
    REQUIRE(ui.click("author:callee"));
    REQUIRE(ui.click("author:callee=frontend"));
    REQUIRE(ui.click("author:add-call"));
    ui.run(1);
    CHECK(app.scenario().service("service-1")->calls.empty());
    CHECK(banner_has(app, "cycle"));
    // Rename service-1 to payments: the call follows.
    REQUIRE(ui.click("author:rename-from"));
    REQUIRE(ui.click("author:rename-from=service-1"));
    REQUIRE(ui.click("author:rename-to"));
    ui.type("payments");
    REQUIRE(ui.click("author:rename"));
    ui.run(1);
    REQUIRE(app.scenario().service("payments") != nullptr);
    CHECK(app.scenario().service("frontend")->calls[0].to == "payments");
    // Remove the call, then the service.
    REQUIRE(ui.click("author:caller"));
    REQUIRE(ui.click("author:caller=frontend"));
    REQUIRE(ui.click("author:remove-call:frontend->payments"));
    ui.run(1);
    CHECK(app.scenario().service("frontend")->calls.empty());
    REQUIRE(ui.click("author:remove-service"));
    ui.run(1);
    CHECK(app.scenario().services.size() == 1);
}

TEST_CASE("export: the banner names the file and the folder it was written to") {
    tl::test::TempDir dir;
    App app(test_options());
    REQUIRE(app.load_scenario("checkout") == "");
    const fs::path out = dir.path / "sub" / ".." / "t.json";
    fs::create_directories(dir.path / "sub");
    app.push(tl::ui::ExportTrace{out.string(), tl::TraceFormat::Zipkin});
    app.apply_actions();
    CHECK(banner_has(app, "to t.json in the folder " + dir.path.string()));
}
