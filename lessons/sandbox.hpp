// A window-less stand-in for the app's model: a scenario that re-simulates after every edit, plus the view
// state lessons look at (selection, front panel, ghosts, head sampler). It applies every kind of lesson
// action, so tests and the command line can play a lesson step by step exactly as the app would.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "lessons/world.hpp"
#include "sim/engine/engine.hpp"
#include "sim/engine/scenario.hpp"
#include "sim/trace/analysis.hpp"

namespace tl::lessons {

class Sandbox {
public:
    // The default world the app opens with: `scenario` (built-in), nothing selected, the waterfall in front.
    static Result<Sandbox> open(const std::filesystem::path& builtin_dir, const std::string& scenario = "checkout",
                                uint64_t seed = 1);

    // Applies one action of any kind; "" on success, else what went wrong (the world is left unchanged).
    std::string apply(const LessonAction& a);
    // Applies in order, stopping at the first failure.
    std::string apply_all(const std::vector<LessonAction>& actions);
    // Starts a step as the app does: the previous answer is forgotten, then the step's set-up is applied.
    std::string start_step(const std::vector<LessonAction>& setup);

    [[nodiscard]] LessonWorld world() const;
    [[nodiscard]] const Scenario& scenario() const { return scenario_; }
    [[nodiscard]] const Run& run() const { return run_; }
    [[nodiscard]] const Analysis& analysis() const { return analysis_; }

    // View state, as the app holds it.
    int selected_span = -1;
    // One panel in front per area, as the app starts.
    std::vector<std::string> visible_panels = {"lessons", "traces", "waterfall", "editor", "live"};
    bool ghosts_on = true;  // the app starts with the ground-truth overlay on
    std::string head_sampler = "always";
    double head_ratio = 1.0;
    std::string answer;                // the learner's answer to the current step's question
    std::vector<double> live_root_ms;  // root durations of the live requests sent (play_live)

    [[nodiscard]] uint64_t seed() const { return seed_; }

private:
    Sandbox(std::filesystem::path dir, Scenario s, uint64_t seed);
    void resimulate();
    std::filesystem::path builtin_dir_;
    Scenario scenario_;
    uint64_t seed_ = 1;
    uint64_t live_request_ = 0;  // the live request on screen (0: the scenario's own run), as the app counts them
    Run run_;
    Analysis analysis_;
};

}  // namespace tl::lessons
