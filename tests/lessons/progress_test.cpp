// Lesson progress on disk: round trip, atomic replacement, missing folders, damaged files backed up.
#include <doctest/doctest.h>

#include <unistd.h>
#include <fstream>
#include <sstream>

#include "lessons/progress.hpp"
#include "tests/support/temp_dir.hpp"

using namespace tl;
using namespace tl::lessons;
namespace fs = std::filesystem;

namespace {
using tl::test::TempDir;

std::string read_all(const fs::path& p) {
    std::ifstream in(p);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

CourseProgress sample() {
    CourseProgress p;
    p.current_lesson = "sampling";
    p.lessons["why-tracing"] = {3, 1, 0};
    p.lessons["sampling"] = {1, 2, 1};
    return p;
}
}  // namespace

TEST_CASE("progress: save then load gives the same progress, creating missing folders") {
    TempDir dir;
    const fs::path file = dir.path / "deep" / "er" / "lesson-progress.json";
    CHECK(save_progress(file, sample()).empty());
    const LoadedProgress loaded = load_progress(file);
    CHECK(loaded.warning.empty());
    CHECK(loaded.progress == sample());
    // No temporary files are left beside it.
    size_t entries = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(file.parent_path())) ++entries;
    CHECK(entries == 1);
}

TEST_CASE("progress: a missing file is fresh progress without a warning") {
    TempDir dir;
    const LoadedProgress loaded = load_progress(dir.path / "none.json");
    CHECK(loaded.warning.empty());
    CHECK(loaded.progress == CourseProgress{});
}

TEST_CASE("progress: a corrupt or malformed file is backed up, never lost") {
    TempDir dir;
    fs::create_directories(dir.path);
    const fs::path file = dir.path / "lesson-progress.json";
    for (const char* content :
         {"{\"version\": 1, \"lessons\": {", "", R"({"version": 1, "lessons": {"sampling": {"steps_done": "three"}}})",
          R"({"version": 1, "lessons": {"Not An Id": {}}})", "[1, 2, 3]"}) {
        CAPTURE(content);
        for (const auto& e : fs::directory_iterator(dir.path)) fs::remove(e.path());
        std::ofstream(file) << content;
        const LoadedProgress loaded = load_progress(file);
        CHECK_FALSE(loaded.warning.empty());
        CHECK(loaded.warning.find("lesson-progress.json") != std::string::npos);
        CHECK(loaded.progress == CourseProgress{});
        CHECK(read_all(dir.path / "lesson-progress.json.corrupt-1") == content);
    }
    // A later save replaces the damaged file; the backup stays.
    CHECK(save_progress(file, sample()).empty());
    CHECK(load_progress(file).progress == sample());
    CHECK(fs::exists(dir.path / "lesson-progress.json.corrupt-1"));
}

TEST_CASE("progress: the JSON shape names its path on errors") {
    auto r = parse_progress(Json::parse(R"({"version": 1, "lessons": {"sampling": {"steps_done": -1}}})"), "p.json");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().find("p.json: /lessons/sampling/steps_done:") == 0);
    auto newer = parse_progress(Json::parse(R"({"version": 7})"), "p.json");
    REQUIRE_FALSE(newer.ok());
    CHECK(newer.error().find("newer") != std::string::npos);
}
