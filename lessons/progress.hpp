// Lesson progress that survives restarts: which lesson is open and how far the learner got in each.
// - Saved as JSON in the XDG data dir through sim/io/storage.hpp: atomic writes, and a file that cannot be
//   read (bad JSON, or JSON of the wrong shape) is backed up and replaced by fresh progress, never a crash.
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "sim/io/json_read.hpp"

namespace tl::lessons {

struct LessonProgress {
    int steps_done = 0;
    int hints_used = 0;      // over the whole lesson
    int solutions_used = 0;  // "show me" presses
    [[nodiscard]] bool operator==(const LessonProgress&) const = default;
};

struct CourseProgress {
    std::string current_lesson;                     // id, empty for the first lesson
    std::map<std::string, LessonProgress> lessons;  // by lesson id
    [[nodiscard]] bool operator==(const CourseProgress&) const = default;
};

struct LoadedProgress {
    CourseProgress progress;
    std::string warning;  // non-empty when the learner should be told (a damaged file was backed up)
};

// $XDG_DATA_HOME/tracelab/lesson-progress.json
std::filesystem::path default_progress_path();

Json progress_to_json(const CourseProgress& p);
// Validates the document's shape; errors name the file and JSON path.
Result<CourseProgress> parse_progress(const Json& j, const std::string& source);
// Missing file → empty progress, no warning. Unreadable or malformed → backed up, empty progress, warning.
LoadedProgress load_progress(const std::filesystem::path& path);
// Atomic write (parent folders are created). Returns "" or a message.
std::string save_progress(const std::filesystem::path& path, const CourseProgress& p);

}  // namespace tl::lessons
