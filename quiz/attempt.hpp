// One run through a quiz: option order shuffled from a seed, one answer per question, the running score,
// and the separately scored practical round.
// - The shuffle uses tl::Rng, so a seed gives the same option order on every platform and standard library.
// - Practical picks are judged on plain facts about the picked span (SpanPick), computed by the caller
//   from the trace analysis, so this file knows nothing about the UI or the trace store.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "quiz/quiz.hpp"

namespace tl::quiz {

// The letter shown for a display position (0 → 'a'), and back (either case; -1 if not a letter in range).
char option_letter(size_t display_index);
int letter_index(char c, size_t option_count = kOptionCount);

// What happened when a question was answered.
struct Grade {
    bool correct = false;
    size_t given = 0;  // option index (file order) of the answer
    size_t right = 0;  // option index (file order) of the right answer
};

// [SECTION] Practical round

// Facts about the span the learner picked on the waterfall.
struct SpanPick {
    std::string name;
    std::string service;
    bool is_root = false;         // it has no parent within its trace
    bool in_first_trace = false;  // it belongs to the trace the request started (the earliest root)
    bool most_self_time = false;  // no span of the request spent more time of its own
};

// Why a pick was judged the way it was; the text for each is in practical_reason_text().
enum class PickReason {
    Right,
    ParentIncludesChildren,  // a long bar made long by its children
    OtherSpanSlower,         // some other span spent more time of its own
    HasParent,               // not a root: it continues a trace
    FirstTraceRoot,          // the root of the original request, not of a broken-off trace
};

struct PickVerdict {
    bool correct = false;
    PickReason reason = PickReason::Right;
};

PickVerdict judge_pick(PracticalGoal goal, const SpanPick& pick);
// A sentence for the learner explaining a verdict.
const char* practical_reason_text(PickReason r);

// [SECTION] Attempt

class Attempt {
public:
    Attempt(const Quiz& quiz, uint64_t seed);

    [[nodiscard]] const Quiz& quiz() const { return *quiz_; }
    [[nodiscard]] uint64_t seed() const { return seed_; }
    [[nodiscard]] size_t question_count() const { return quiz_->questions.size(); }
    [[nodiscard]] const Question& question(size_t q) const { return quiz_->questions[q]; }

    // Option indices (file order) in the order they are shown for question q.
    [[nodiscard]] const std::vector<size_t>& display_order(size_t q) const { return order_[q]; }
    // The option shown at display position d of question q.
    [[nodiscard]] const Option& shown_option(size_t q, size_t d) const;
    // Display position of the right answer of question q.
    [[nodiscard]] size_t right_display_index(size_t q) const;

    // Answers question q with the option at display position d. A question takes one answer per
    // attempt: later calls (and out-of-range positions) return std::nullopt and change nothing.
    std::optional<Grade> answer(size_t q, size_t display_index);
    [[nodiscard]] bool answered(size_t q) const { return given_[q].has_value(); }
    // Option index (file order) given for q, if answered.
    [[nodiscard]] std::optional<size_t> given(size_t q) const { return given_[q]; }
    [[nodiscard]] std::optional<Grade> grade(size_t q) const;

    [[nodiscard]] int score() const;  // right answers so far
    [[nodiscard]] size_t answered_count() const;
    [[nodiscard]] bool finished() const { return answered_count() == question_count(); }
    // The first unanswered question, or question_count() when finished.
    [[nodiscard]] size_t next_unanswered() const;

    // Practical round: one pick per task, scored apart from the questions.
    [[nodiscard]] size_t practical_count() const { return quiz_->practical.size(); }
    std::optional<PickVerdict> pick(size_t task, const SpanPick& picked);
    [[nodiscard]] std::optional<PickVerdict> practical_verdict(size_t task) const { return picks_[task]; }
    [[nodiscard]] int practical_score() const;

private:
    const Quiz* quiz_;
    uint64_t seed_;
    std::vector<std::vector<size_t>> order_;
    std::vector<std::optional<size_t>> given_;
    std::vector<std::optional<PickVerdict>> picks_;
};

// The seed for the next retake: a different, still reproducible option order.
uint64_t next_seed(uint64_t seed);

}  // namespace tl::quiz
