// Lesson progress persistence (see progress.hpp).
#include "lessons/progress.hpp"

#include "lessons/lesson.hpp"
#include "sim/io/storage.hpp"

namespace tl::lessons {

namespace {
constexpr int kFormatVersion = 1;
}

std::filesystem::path default_progress_path() {
    return data_dir() / "lesson-progress.json";
}

Json progress_to_json(const CourseProgress& p) {
    Json lessons = Json::object();
    for (const auto& [id, lp] : p.lessons)
        lessons[id] = {
            {"steps_done", lp.steps_done}, {"hints_used", lp.hints_used}, {"solutions_used", lp.solutions_used}};
    return {{"version", kFormatVersion}, {"current_lesson", p.current_lesson}, {"lessons", lessons}};
}

Result<CourseProgress> parse_progress(const Json& j, const std::string& source) {
    try {
        const JsonIn root(j, source);
        root.expect_object();
        root.allow_only({"version", "current_lesson", "lessons"});
        const JsonIn version = root.at("version");
        if (version.integer(1, 1000) != kFormatVersion)
            version.fail("this progress file was written by a newer tracelab (format " + version.raw().dump() + ")");
        CourseProgress p;
        p.current_lesson = root.str_or("current_lesson", "");
        if (!p.current_lesson.empty() && !is_valid_lesson_id(p.current_lesson))
            root.at("current_lesson").fail("\"" + p.current_lesson + "\" is not a lesson id");
        if (auto lessons = root.opt("lessons")) {
            lessons->expect_object();
            for (auto it = lessons->raw().begin(); it != lessons->raw().end(); ++it) {
                const JsonIn e = *lessons->opt(it.key());
                if (!is_valid_lesson_id(it.key())) e.fail("\"" + it.key() + "\" is not a lesson id");
                e.expect_object();
                e.allow_only({"steps_done", "hints_used", "solutions_used"});
                LessonProgress lp;
                lp.steps_done = static_cast<int>(e.integer_or("steps_done", 0, 0, 1000));
                lp.hints_used = static_cast<int>(e.integer_or("hints_used", 0, 0, 1000000));
                lp.solutions_used = static_cast<int>(e.integer_or("solutions_used", 0, 0, 1000000));
                p.lessons[it.key()] = lp;
            }
        }
        return p;
    } catch (const LoadError& e) {
        return Result<CourseProgress>::failure(e.what());
    }
}

LoadedProgress load_progress(const std::filesystem::path& path) {
    LoadedProgress out;
    SavedJson saved = load_saved_json(path);
    out.warning = saved.warning;
    if (!saved.json) return out;
    auto parsed = parse_progress(*saved.json, path.string());
    if (parsed) {
        out.progress = std::move(parsed.value());
        return out;
    }
    // Valid JSON of the wrong shape is as damaged as bad JSON: keep a copy, start fresh.
    const auto backup = backup_file(path);
    out.warning =
        parsed.error() + "; " +
        (backup.empty() ? std::string("could not make a backup copy") : "a copy was kept as " + backup.string()) +
        ", starting fresh";
    return out;
}

std::string save_progress(const std::filesystem::path& path, const CourseProgress& p) {
    return atomic_write(path, progress_to_json(p).dump(2) + "\n");
}

}  // namespace tl::lessons
