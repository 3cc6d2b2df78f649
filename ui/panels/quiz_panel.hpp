// Quiz panel state: the attempt in progress, kept in an App slot so tests and other panels can read it.
// - The panel only reads this and pushes Custom actions; the functions below are what those actions run.
// - Same quiz file, grading and saved results as `tracelab quiz` (quiz/).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "quiz/attempt.hpp"
#include "quiz/quiz.hpp"
#include "quiz/results.hpp"

namespace tl::ui {

class App;

struct QuizSession {
    // Set-up, read when the quiz starts (tests set these before the first frame).
    std::filesystem::path quiz_file;     // empty: <asset dir>/quiz/tracing.json
    std::filesystem::path results_file;  // empty: quiz::ResultStore::default_path()
    std::optional<uint64_t> seed;        // empty: one more than the saved attempts, as in the CLI

    bool started = false;
    std::string error;                 // the quiz file could not be loaded
    std::unique_ptr<quiz::Quiz> bank;  // every question of the quiz file
    std::unique_ptr<quiz::Quiz> quiz;  // this attempt's questions: one per core idea, drawn by its seed
    std::unique_ptr<quiz::Attempt> attempt;
    std::unique_ptr<quiz::ResultStore> results;
    size_t current = 0;       // question on screen; question_count() shows the summary
    int practical_task = -1;  // practical task being played on the waterfall, -1 when none
    // While a practical task waits for its pick, the waterfall hides its slowest badge and critical-path band
    // (they would give the answer away). Set by start_practical, cleared by the pick and by a retake.
    bool hide_latency_hints = false;
    bool recorded = false;  // this attempt is in the saved history
    int retakes = 0;

    [[nodiscard]] bool ready() const { return attempt != nullptr; }
    [[nodiscard]] bool in_summary() const { return ready() && current >= attempt->question_count(); }
    // A practical task is set up on the waterfall and has no pick yet.
    [[nodiscard]] bool awaiting_pick() const {
        return ready() && practical_task >= 0 &&
               !attempt->practical_verdict(static_cast<size_t>(practical_task)).has_value();
    }
    // The lesson's title as the lessons panel shows it, for "Go to lesson" buttons; falls back to the id made
    // readable when the course could not be read or has no such lesson.
    [[nodiscard]] std::string lesson_title(const std::string& lesson) const;
    std::map<std::string, std::string> lesson_titles;  // lesson id -> title, read from the course at start
};

// "Go to lesson" asks for a lesson by id; the lessons panel reads this slot (serial grows per request).
struct OpenLessonRequest {
    std::string lesson;
    uint64_t serial = 0;
};

// Loads the quiz and the saved results and starts an attempt. Problems go to the app's banner.
void start_quiz(App& app, QuizSession& s);
// Answers the current question with the option shown at `display_index`; saves when it was the last.
void answer_question(App& app, QuizSession& s, size_t display_index);
// Moves to the next question, or to the summary after the last.
void next_question(QuizSession& s);
// A new attempt with the options reshuffled (the next seed); an unfinished attempt is saved first.
void retake_quiz(App& app, QuizSession& s);
// Practical round: sets up the task's simulation and waits for a span to be clicked on the waterfall.
void start_practical(App& app, QuizSession& s, size_t task);
// Judges `span` (an index into the store) as the pick for the task being played; one pick per task.
void pick_practical_span(App& app, QuizSession& s, int32_t span);
// Records a lesson request and brings the lessons panel forward when there is one.
void request_lesson(App& app, const std::string& lesson);

}  // namespace tl::ui
