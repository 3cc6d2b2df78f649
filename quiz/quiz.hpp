// The quiz model and its loader: multiple-choice questions, each linked to the lesson that teaches it,
// plus an optional practical round answered by picking a span on the waterfall.
// - Content is data (assets/quiz/*.json); every mistake in a quiz file is reported as `file: /json/path: what`.
// - No Dear ImGui here: the CLI (`tracelab quiz`) and the quiz panel share this model.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "sim/io/json_read.hpp"

namespace tl::quiz {

// Every question has exactly this many options, exactly one of them right.
inline constexpr size_t kOptionCount = 4;

struct Option {
    std::string id;  // stable across shuffles; saved answers refer to it
    std::string text;
    std::string explanation;  // why this option is right, or why it is wrong
    bool correct = false;
};

// What a question asks for: recall of an idea, or applying it (read a header, predict a sampling outcome,
// name the fault from what a backend shows).
enum class QuestionKind { Concept, Application };

struct Question {
    std::string id;
    std::string prompt;
    std::string lesson;  // id of the lesson that teaches it ("traces-and-spans")
    std::string idea;    // the core idea it checks; one question per idea is drawn (default: lesson)
    QuestionKind kind = QuestionKind::Concept;
    std::vector<Option> options;  // kOptionCount, in file order
    [[nodiscard]] size_t correct_index() const;
};

// What a practical task asks the learner to pick on the waterfall.
enum class PracticalGoal {
    MostSelfTime,  // the span that spent the most time of its own (not waiting on children)
    NewTraceRoot,  // the root span of a trace that broke away from the request's first trace
};

// The simulation a practical task is played on, as the command-line edit strings (`--drop A->B`, …),
// so this model stays free of the scenario types; the UI applies them with the scenario edit functions.
struct PracticalSetup {
    std::string scenario;              // built-in scenario name
    std::vector<std::string> latency;  // SERVICE=MS
    std::vector<std::string> drop;     // CALLER->CALLEE[=MODE]
};

struct PracticalTask {
    std::string id;
    std::string prompt;
    std::string lesson;
    PracticalGoal goal = PracticalGoal::MostSelfTime;
    PracticalSetup setup;
    std::string explanation;  // shown once the right span is picked
    std::string hint;         // shown after a wrong pick
};

struct Quiz {
    std::string id;
    std::string title;
    std::vector<Question> questions;       // the bank (a drawn quiz: the questions of this attempt, in order)
    std::vector<PracticalTask> practical;  // may be empty
};

// Lesson ids are lowercase words joined by single dashes ("propagation-across-network").
bool is_valid_lesson_id(std::string_view id);
// Option, question and task ids follow the same rule.
inline bool is_valid_id(std::string_view id) {
    return is_valid_lesson_id(id);
}

const char* practical_goal_name(PracticalGoal g);

// The core ideas of a bank, in the order they first appear.
std::vector<std::string> quiz_ideas(const Quiz& bank);
// One question per idea, picked by `seed`, ideas in bank order: the same seed gives the same questions.
// The practical round is kept as it is.
Quiz draw_quiz(const Quiz& bank, uint64_t seed);

// Parses and validates a quiz document; `source` names the file in errors.
Result<Quiz> parse_quiz(const Json& j, const std::string& source);
// Reads, parses and validates a quiz file. Never throws.
Result<Quiz> load_quiz_file(const std::filesystem::path& path);

}  // namespace tl::quiz
