// Step machine for one lesson (see session.hpp).
#include "lessons/session.hpp"

#include <algorithm>

namespace tl::lessons {

LessonSession::LessonSession(const Lesson& lesson, size_t steps_done) : lesson_(&lesson), status_(lesson.steps.size()) {
    jump_to(steps_done);
}

void LessonSession::start_step() {
    if (finished()) return;
    const Step& s = lesson_->steps[current_];
    pending_.insert(pending_.end(), s.setup.begin(), s.setup.end());
}

void LessonSession::jump_to(size_t step) {
    current_ = std::min(step, lesson_->steps.size());
    for (size_t i = 0; i < status_.size(); ++i) status_[i] = StepStatus{i < current_, 0, false};
    pending_.clear();
    start_step();
}

void LessonSession::restart() {
    jump_to(0);
}

bool LessonSession::update(const LessonWorld& world) {
    if (finished() || !pending_.empty()) return false;
    if (!goal_holds(lesson_->steps[current_].goal, world)) return false;
    status_[current_].done = true;
    ++current_;
    start_step();
    return true;
}

std::vector<LessonAction> LessonSession::take_pending() {
    std::vector<LessonAction> out;
    out.swap(pending_);
    return out;
}

bool LessonSession::reveal_hint() {
    if (finished()) return false;
    StepStatus& st = status_[current_];
    if (st.hints_shown >= static_cast<int>(lesson_->steps[current_].hints.size())) return false;
    ++st.hints_shown;
    return true;
}

void LessonSession::show_me() {
    if (finished()) return;
    status_[current_].solution_shown = true;
    const Step& s = lesson_->steps[current_];
    pending_.insert(pending_.end(), s.solution.begin(), s.solution.end());
}

}  // namespace tl::lessons
