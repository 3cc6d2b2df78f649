// Paths that are not what a loader or writer expects: a folder where a file should be, an export into a
// folder that does not exist. Each gets a clear error; nothing crashes and nothing is created by mistake.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "sim/formats/formats.hpp"
#include "sim/io/json_read.hpp"
#include "sim/io/storage.hpp"
#include "tests/support/temp_dir.hpp"

namespace fs = std::filesystem;

TEST_CASE("a folder given as a trace file or a JSON file is refused with a message") {
    tl::test::TempDir dir;
    const auto trace = tl::import_trace_file(dir.path);
    REQUIRE_FALSE(trace);
    CHECK(trace.error().find("folder") != std::string::npos);
    const auto json = tl::read_json_file(dir.path);
    REQUIRE_FALSE(json);
    CHECK(json.error().find("folder") != std::string::npos);
}

TEST_CASE("a saved file that is a folder is reported and left alone, not backed up") {
    tl::test::TempDir dir;
    const auto settings = dir.path / "settings.json";
    fs::create_directories(settings / "inside");
    const auto loaded = tl::load_saved_json(settings);
    CHECK_FALSE(loaded.json);
    CHECK_FALSE(loaded.warning.empty());
    CHECK(loaded.backup.empty());
    CHECK(fs::is_directory(settings / "inside"));
}

TEST_CASE("an export into a folder that does not exist fails and creates nothing") {
    tl::test::TempDir dir;
    const auto target = dir.path / "no-such-folder" / "deeper" / "trace.json";
    const std::string err = tl::atomic_write(target, "{}\n", tl::ParentFolders::MustExist);
    CHECK(err.find("no folder") != std::string::npos);
    CHECK_FALSE(fs::exists(dir.path / "no-such-folder"));
    // Into a folder that exists it works; over a folder it does not.
    CHECK(tl::atomic_write(dir.path / "trace.json", "{}\n", tl::ParentFolders::MustExist).empty());
    fs::create_directories(dir.path / "a-folder");
    CHECK(tl::atomic_write(dir.path / "a-folder", "{}\n").find("folder") != std::string::npos);
    // The app's own files still get their folders made.
    CHECK(tl::atomic_write(dir.path / "made" / "settings.json", "{}\n").empty());
    CHECK(fs::exists(dir.path / "made" / "settings.json"));
}
