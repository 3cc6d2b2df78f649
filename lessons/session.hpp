// The step machine of one lesson being played: steps in order, each turning done the moment its goal holds
// (checked every frame), hints revealed one at a time, and "show me" queueing the step's solution.
// - Pure state: the session never touches the world. It queues actions (a step's set-up, a solution) that
//   the app takes with take_pending() and applies; goals are not checked while actions wait.
#pragma once

#include <cstddef>
#include <vector>

#include "lessons/lesson.hpp"
#include "lessons/world.hpp"

namespace tl::lessons {

struct StepStatus {
    bool done = false;
    int hints_shown = 0;
    bool solution_shown = false;  // "show me" was used
};

class LessonSession {
public:
    // Starts at step `steps_done` (clamped), marking the earlier steps done, and queues that step's set-up.
    // `lesson` must outlive the session.
    explicit LessonSession(const Lesson& lesson, size_t steps_done = 0);

    [[nodiscard]] const Lesson& lesson() const { return *lesson_; }
    // Index of the step being worked on; equals the step count when the lesson is finished.
    [[nodiscard]] size_t current() const { return current_; }
    [[nodiscard]] bool finished() const { return current_ >= lesson_->steps.size(); }
    [[nodiscard]] size_t steps_done() const { return current_; }
    [[nodiscard]] const StepStatus& status(size_t step) const { return status_.at(step); }
    [[nodiscard]] const Step* current_step() const { return finished() ? nullptr : &lesson_->steps[current_]; }

    // Checks the current step's goal. When it holds, the step is done, the next one starts (its set-up is
    // queued) and true is returned. Does nothing while actions are pending or once finished.
    bool update(const LessonWorld& world);
    // Actions the app should apply now, in order; the queue is emptied.
    [[nodiscard]] std::vector<LessonAction> take_pending();
    [[nodiscard]] bool has_pending() const { return !pending_.empty(); }

    // Reveals the current step's next hint; false when there is none left.
    bool reveal_hint();
    // Queues the current step's solution.
    void show_me();
    // Back to the first step, its set-up queued.
    void restart();
    // Moves to step `step` (earlier steps count as done), its set-up queued.
    void jump_to(size_t step);

private:
    void start_step();
    const Lesson* lesson_;
    size_t current_ = 0;
    std::vector<StepStatus> status_;
    std::vector<LessonAction> pending_;
};

}  // namespace tl::lessons
