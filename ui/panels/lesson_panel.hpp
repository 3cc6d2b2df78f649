// Lesson panel state: the course, the lesson being played and its step machine, kept in an App slot so
// tests and other panels (the quiz's "Go to lesson") can read it.
// - The panel reads this and pushes Custom actions; the functions below are what those actions run.
// - Lesson actions are mapped onto the App's own actions here (scenario edits, selection, panels, ghosts).
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lessons/lesson.hpp"
#include "lessons/progress.hpp"
#include "lessons/session.hpp"
#include "lessons/world.hpp"

namespace tl::ui {

class App;

struct LessonState {
    // Set-up, read when the course starts (tests set these before the first frame).
    std::filesystem::path lesson_dir;                    // empty: <asset dir>/lessons
    std::optional<std::filesystem::path> progress_file;  // empty: lessons::default_progress_path()

    bool started = false;
    std::string error;  // the course could not be loaded
    std::vector<lessons::Lesson> course;
    size_t lesson = 0;  // index into course
    std::unique_ptr<lessons::LessonSession> session;
    lessons::CourseProgress progress;
    uint64_t lesson_request_serial = 0;  // last OpenLessonRequest handled
    // After a step turns done, the next step's set-up waits for "Next step", so the learner can look at
    // what they just did before the scenario is reset.
    bool hold_setup = false;
    // The lesson was reopened by the app starting, not by the learner: its set-up does not bring panels to
    // the front, and when the command line chose a scenario or edits (App::startup_choice) the set-up waits
    // for "Start step" so it does not replace them.
    bool at_startup = false;
    // Head-sampling settings a lesson's set-up put into the sampling lab's controls, and the lab's run count
    // then: until the learner runs the lab again, goals see these; after, the settings of the lab's last run.
    std::string head_sampler = "always";
    double head_ratio = 1.0;
    uint64_t lab_runs_at_setup = 0;
    // The learner's answer to the current step's question ("" until given); cleared when a step starts.
    std::string answer;
    std::string typed_answer;  // the text box of a typed answer, before "Check"
    // Seed of the random faults in diagnosis steps: drawn when the course starts (0 until then; tests set
    // one), so two learners see different faults while a step's set-up and its "Show me" agree.
    uint64_t seed = 0;
    // Set before the course starts (the --lesson flag): "ID[:STEP]" to open, and a span to pick by name once
    // that step's set-up has been applied.
    std::string open_at;
    std::string pick_after_setup;
    // "Show me" points at the control it changed: its probe label, highlighted for a few seconds.
    std::string highlight_label;
    double highlight_until = 0.0;

    [[nodiscard]] bool ready() const { return session != nullptr; }
    // The current step is a find-it step that is live: the waterfall hides the slowest badge and the
    // critical-path band.
    [[nodiscard]] bool hides_latency_hints() const;
};

// Draws a pulsing frame around the last item when it is the control "Show me" just changed.
void highlight_if_shown(const App& app, std::string_view label);

// Loads the course and saved progress and opens the saved lesson. Problems go to the app's banner.
void start_lessons(App& app, LessonState& s);
// Opens lesson `index` at its saved step; its set-up is applied on the next frame.
void open_lesson(App& app, LessonState& s, size_t index);
// Applies lesson actions through the App (scenario edits re-simulate at once, so later actions see them).
// A step's solution does what the learner would: a head sampler is set in the sampling lab, which is brought
// to the front and run.
void apply_lesson_actions(App& app, LessonState& s, const std::vector<lessons::LessonAction>& actions,
                          bool solution = false);
// The world lesson goals are checked against, as the App shows it now.
lessons::LessonWorld lesson_world(const App& app, const LessonState& s);
// Checks the current step's goal; a completed step is saved at once.
void check_lesson_step(App& app, LessonState& s);
void reveal_lesson_hint(App& app, LessonState& s);
// "Show me": leaves a trace file on screen for the simulation, then applies the step's pending set-up and
// its solution at once.
void show_lesson_solution(App& app, LessonState& s);
// Back to the first step; its set-up is applied on the next frame (never held for "Next step").
void restart_lesson(App& app, LessonState& s);
void save_lesson_progress(App& app, LessonState& s);

}  // namespace tl::ui
