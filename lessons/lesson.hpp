// The lesson model and its loader: prose, glossary, code samples and hands-on steps, read from
// assets/lessons/*.json. Every mistake in a lesson file is reported as `file: /json/path: what is wrong`.
// - No Dear ImGui here: the lesson panel, the tests and the command line share this model.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "lessons/world.hpp"
#include "sim/io/json_read.hpp"

namespace tl::lessons {

// One piece of a lesson's body, shown in order.
struct Block {
    enum class Kind { Paragraph, Heading, Code };
    Kind kind = Kind::Paragraph;
    std::string text;      // paragraph / heading text, or the code itself
    std::string language;  // code only: "go", "cpp", "text", …
};

struct GlossaryEntry {
    std::string term;
    std::string definition;
};

// A hands-on step: do something in the simulator until the goal holds.
struct Step {
    std::string id;
    std::string instruction;
    std::vector<LessonAction> setup;  // applied when the step becomes current
    Goal goal;
    std::vector<std::string> hints;      // revealed one at a time
    std::vector<LessonAction> solution;  // "show me"
    std::string done_text;               // shown once the goal holds (what the learner just saw)
    // A question answered in the lesson panel (the goal reads the answer with answer_is): the choices offered,
    // or none for a typed answer.
    std::vector<std::string> choices;
    std::string feedback;     // shown after a wrong answer or pick, before the generic reason
    bool hide_hints = false;  // a find-it step: no "slowest" badge or critical-path band while it is live
};

struct Lesson {
    std::string id;  // "traces-and-spans"; the quiz links to it
    int order = 0;   // position in the course
    std::string title;
    std::string summary;  // one line for the lesson chooser
    std::vector<Block> body;
    std::vector<GlossaryEntry> glossary;
    std::vector<Step> steps;
    std::string source;  // the file it came from
};

// Lesson and step ids are lowercase words joined by single dashes.
bool is_valid_lesson_id(std::string_view id);
// Words in the lesson's prose (paragraphs and headings; code samples do not count).
size_t prose_word_count(const Lesson& l);
// Words a learner reads to do the lesson: prose plus step instructions, hints' first lines, done texts and choices.
size_t reading_word_count(const Lesson& l);
// Whether the instruction gives the step away: it names the control and the value of every solution action
// (a span by name, a fault mode, a number, a sampler), so the learner only has to follow it. Steps where it
// does not ask for diagnosis or prediction instead.
bool instruction_names_solution(const Step& s);
// Whether the step's goal asks for an answer typed or chosen in the lesson panel.
bool asks_question(const Step& s);

// Parses and validates a lesson document; `source` names the file in errors. Never throws.
Result<Lesson> parse_lesson(const Json& j, const std::string& source);
Result<Lesson> load_lesson_file(const std::filesystem::path& path);
// Every *.json in `dir`, ordered by `order`; duplicate ids or orders are errors.
Result<std::vector<Lesson>> load_course(const std::filesystem::path& dir);

}  // namespace tl::lessons
