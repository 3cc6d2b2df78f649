// File chooser: the desktop dialog's command line (zenity, then kdialog), and the in-app browser's listing.
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>

#include "tests/support/temp_dir.hpp"
#include "ui/file_chooser.hpp"

using namespace tl::ui;
namespace fs = std::filesystem;

TEST_CASE("file chooser: zenity first, then kdialog, else nothing (the in-app browser)") {
    ChooserRequest save;
    save.mode = ChooserMode::Save;
    save.title = "Save scenario as";
    save.folder = "/home/learner/class";
    save.suggested_name = "checkout.json";
    save.filter_name = "JSON files";
    save.patterns = {"*.json"};
    const auto zenity = native_chooser_command(save, [](const std::string& t) { return t == "zenity"; });
    REQUIRE(!zenity.empty());
    CHECK(zenity[0] == "zenity");
    CHECK(std::find(zenity.begin(), zenity.end(), "--save") != zenity.end());
    CHECK(std::find(zenity.begin(), zenity.end(), "--filename=/home/learner/class/checkout.json") != zenity.end());
    CHECK(std::find(zenity.begin(), zenity.end(), "--file-filter=JSON files | *.json") != zenity.end());
    const auto kde = native_chooser_command(save, [](const std::string& t) { return t == "kdialog"; });
    REQUIRE(kde.size() >= 5);
    CHECK(kde[0] == "kdialog");
    CHECK(kde[3] == "--getsavefilename");
    CHECK(kde[4] == "/home/learner/class/checkout.json");
    ChooserRequest open = save;
    open.mode = ChooserMode::Open;
    const auto kde_open = native_chooser_command(open, [](const std::string& t) { return t == "kdialog"; });
    CHECK(kde_open[3] == "--getopenfilename");
    CHECK(native_chooser_command(open, [](const std::string&) { return false; }).empty());
    CHECK(tool_on_path("sh"));
    CHECK_FALSE(tool_on_path("no-such-tool-anywhere"));
}

TEST_CASE("file chooser: folders first, then matching files, by name; hidden entries left out") {
    tl::test::TempDir dir;
    fs::create_directories(dir.path / "b-folder");
    fs::create_directories(dir.path / "a-folder");
    fs::create_directories(dir.path / ".hidden");
    for (const char* f : {"z.json", "a.JSON", "notes.txt", ".secret.json"}) std::ofstream(dir.path / f) << "{}";
    auto listed = list_folder(dir.path, {"*.json"});
    REQUIRE(listed.ok());
    std::vector<std::string> names;
    for (const auto& e : *listed) names.push_back(e.name + (e.folder ? "/" : ""));
    CHECK(names == std::vector<std::string>{"a-folder/", "b-folder/", "a.JSON", "z.json"});
    CHECK((*listed)[3].bytes == 2);
    auto all = list_folder(dir.path, {});
    REQUIRE(all.ok());
    CHECK(all->size() == 5);
    auto missing = list_folder(dir.path / "nope", {});
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.error().find((dir.path / "nope").string()) != std::string::npos);
    CHECK(matches_pattern("trace.jsonl", "*.jsonl"));
    CHECK_FALSE(matches_pattern("trace.json", "*.jsonl"));
    CHECK(matches_pattern("anything", "*"));
}
