// Grading and scoring of one quiz attempt, the seeded option shuffle, and the practical-round judge.
#include "quiz/attempt.hpp"

#include <numeric>

#include "sim/trace/ids.hpp"

namespace tl::quiz {

char option_letter(size_t display_index) {
    return static_cast<char>('a' + display_index);
}

int letter_index(char c, size_t option_count) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c < 'a' || c > 'z') return -1;
    const int i = c - 'a';
    return static_cast<size_t>(i) < option_count ? i : -1;
}

// [SECTION] Practical round

PickVerdict judge_pick(PracticalGoal goal, const SpanPick& pick) {
    switch (goal) {
        case PracticalGoal::MostSelfTime:
            if (pick.most_self_time) return {true, PickReason::Right};
            return {false, pick.is_root ? PickReason::ParentIncludesChildren : PickReason::OtherSpanSlower};
        case PracticalGoal::NewTraceRoot:
            if (!pick.is_root) return {false, PickReason::HasParent};
            if (pick.in_first_trace) return {false, PickReason::FirstTraceRoot};
            return {true, PickReason::Right};
    }
    return {false, PickReason::OtherSpanSlower};
}

const char* practical_reason_text(PickReason r) {
    switch (r) {
        case PickReason::Right:
            return "Right span.";
        case PickReason::ParentIncludesChildren:
            return "That bar is long because it contains the spans below it; most of its time is spent waiting "
                   "for them. Look for the span whose own work, not its children's, takes longest.";
        case PickReason::OtherSpanSlower:
            return "Another span spent more time doing its own work. Compare self time, not just bar length.";
        case PickReason::HasParent:
            return "That span has a parent in its trace, so it carries on a trace rather than starting one.";
        case PickReason::FirstTraceRoot:
            return "That is the root of the request's original trace. The one you want is a root that appears "
                   "later, where a hop lost the context.";
    }
    return "";
}

// [SECTION] Attempt

Attempt::Attempt(const Quiz& quiz, uint64_t seed)
    : quiz_(&quiz), seed_(seed), given_(quiz.questions.size()), picks_(quiz.practical.size()) {
    // Fisher–Yates over each question's options, drawing from one generator in question order.
    Rng rng(seed);
    order_.reserve(quiz.questions.size());
    for (const auto& q : quiz.questions) {
        std::vector<size_t> order(q.options.size());
        std::iota(order.begin(), order.end(), size_t{0});
        for (size_t i = order.size(); i > 1; --i) {
            const size_t j = static_cast<size_t>(rng.next() % i);
            std::swap(order[i - 1], order[j]);
        }
        order_.push_back(std::move(order));
    }
}

const Option& Attempt::shown_option(size_t q, size_t d) const {
    return question(q).options[order_[q][d]];
}

size_t Attempt::right_display_index(size_t q) const {
    const size_t right = question(q).correct_index();
    for (size_t d = 0; d < order_[q].size(); ++d)
        if (order_[q][d] == right) return d;
    return 0;
}

std::optional<Grade> Attempt::answer(size_t q, size_t display_index) {
    if (q >= question_count() || given_[q] || display_index >= order_[q].size()) return std::nullopt;
    given_[q] = order_[q][display_index];
    return grade(q);
}

std::optional<Grade> Attempt::grade(size_t q) const {
    if (q >= question_count() || !given_[q]) return std::nullopt;
    Grade g;
    g.given = *given_[q];
    g.right = question(q).correct_index();
    g.correct = g.given == g.right;
    return g;
}

int Attempt::score() const {
    int s = 0;
    for (size_t q = 0; q < question_count(); ++q)
        if (auto g = grade(q); g && g->correct) ++s;
    return s;
}

size_t Attempt::answered_count() const {
    size_t n = 0;
    for (const auto& g : given_) n += g.has_value() ? 1 : 0;
    return n;
}

size_t Attempt::next_unanswered() const {
    for (size_t q = 0; q < question_count(); ++q)
        if (!given_[q]) return q;
    return question_count();
}

std::optional<PickVerdict> Attempt::pick(size_t task, const SpanPick& picked) {
    if (task >= practical_count() || picks_[task]) return std::nullopt;
    picks_[task] = judge_pick(quiz_->practical[task].goal, picked);
    return picks_[task];
}

int Attempt::practical_score() const {
    int s = 0;
    for (const auto& p : picks_) s += (p && p->correct) ? 1 : 0;
    return s;
}

uint64_t next_seed(uint64_t seed) {
    // Rng seeds through splitmix64, so neighbouring seeds already give unrelated orders; +1 keeps the
    // seed short enough to read out and pass back with --seed.
    return seed + 1;
}

}  // namespace tl::quiz
