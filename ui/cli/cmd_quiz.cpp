// `tracelab quiz`: the five-question quiz in a terminal, one letter per line on stdin.
// - Same quiz file, grading and saved results as the quiz panel (quiz/), so scores count in both.
// - End of input stops cleanly with the partial score; the last line of a run is always `Score: N/T`.
#include <cctype>
#include <chrono>
#include <istream>
#include <ostream>
#include <sstream>

#include "quiz/attempt.hpp"
#include "quiz/quiz.hpp"
#include "quiz/results.hpp"
#include "sim/engine/scenario.hpp"
#include "ui/cli/cli.hpp"

namespace tl::cli {

namespace {

const char* kQuizUsage =
    "usage: tracelab quiz [--seed N] [--file PATH] [--results PATH]\n"
    "\n"
    "Take the tracing quiz in the terminal. Each question lists options a to d; type one letter and press\n"
    "Enter. After each answer you see why it is right or wrong and your running score. End of input\n"
    "(Ctrl-D) stops early and keeps the score so far. Results are saved with those from the app.\n"
    "\n"
    "  --seed N        which questions are drawn from the bank and their option order (the same\n"
    "                  seed always gives the same questions in the same order);\n"
    "                  default: one more than the number of saved attempts, so each retake differs\n"
    "  --file PATH     a quiz file to take instead of the built-in one\n"
    "  --results PATH  where to save results (default: quiz.json in the tracelab data folder)\n";

// Prints `text` word-wrapped to `width` columns: the first line indented by `indent` spaces, the rest by
// `hang` (so lettered options line up under their text).
void print_wrapped(std::ostream& out, const std::string& text, size_t indent, size_t hang, size_t width = 80) {
    std::istringstream words(text);
    std::string word;
    size_t col = 0;
    bool first_line = true;
    while (words >> word) {
        if (col > 0 && col + 1 + word.size() > width) {
            out << '\n';
            col = 0;
            first_line = false;
        }
        if (col == 0) {
            col = first_line ? indent : hang;
            out << std::string(col, ' ');
        } else {
            out << ' ';
            ++col;
        }
        out << word;
        col += word.size();
    }
    out << '\n';
}

void print_wrapped(std::ostream& out, const std::string& text, size_t indent) {
    print_wrapped(out, text, indent, indent);
}

std::string trim(const std::string& s) {
    size_t b = 0, e = s.size();
    while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
    while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
    return s.substr(b, e - b);
}

// Reads lines until one is a single option letter; std::nullopt at end of input.
std::optional<size_t> read_choice(Io io, size_t option_count) {
    std::string line;
    for (;;) {
        io.out << "> " << std::flush;
        if (!std::getline(io.in, line)) return std::nullopt;
        const std::string t = trim(line);
        if (t.size() == 1) {
            if (int i = quiz::letter_index(t[0], option_count); i >= 0) return static_cast<size_t>(i);
        }
        io.out << "Please type one letter: ";
        for (size_t d = 0; d < option_count; ++d)
            io.out << quiz::option_letter(d) << (d + 2 < option_count ? ", " : d + 1 < option_count ? " or " : ".\n");
    }
}

void ask(const quiz::Attempt& a, size_t q, Io io) {
    const auto& question = a.question(q);
    io.out << "\nQuestion " << q + 1 << " of " << a.question_count() << "\n";
    print_wrapped(io.out, question.prompt, 2);
    for (size_t d = 0; d < question.options.size(); ++d) {
        std::ostringstream line;
        line << quiz::option_letter(d) << ") " << a.shown_option(q, d).text;
        print_wrapped(io.out, line.str(), 4, 7);
    }
}

void explain(const quiz::Attempt& a, size_t q, size_t shown, const quiz::Grade& g, Io io) {
    const auto& question = a.question(q);
    const size_t right = a.right_display_index(q);
    if (g.correct) {
        io.out << "Right.\n";
        print_wrapped(io.out, question.options[g.right].explanation, 2);
    } else {
        io.out << "Not quite: the answer is " << quiz::option_letter(right) << ").\n";
        print_wrapped(
            io.out,
            std::string("Why ") + quiz::option_letter(shown) + ") is wrong: " + question.options[g.given].explanation,
            2);
        print_wrapped(
            io.out,
            std::string("Why ") + quiz::option_letter(right) + ") is right: " + question.options[g.right].explanation,
            2);
    }
    print_wrapped(io.out, "Learn more in the lesson \"" + question.lesson + "\".", 2);
    io.out << "Running score: " << a.score() << " right of " << a.answered_count() << " answered ("
           << a.question_count() << " in all)\n";
}

void summarize(const quiz::Attempt& a, Io io) {
    io.out << "\nSummary\n";
    for (size_t q = 0; q < a.question_count(); ++q) {
        const char right = quiz::option_letter(a.right_display_index(q));
        io.out << "  " << q + 1 << ". ";
        if (auto g = a.grade(q)) {
            size_t shown = 0;
            while (a.display_order(q)[shown] != g->given) ++shown;
            io.out << (g->correct ? "right   " : "wrong   ") << "you: " << quiz::option_letter(shown);
        } else {
            io.out << "skipped you: -";
        }
        io.out << "   answer: " << right << "   lesson: " << a.question(q).lesson << "\n";
    }
}

}  // namespace

int cmd_quiz(const Args& args, Io io) {
    std::optional<uint64_t> seed;
    std::filesystem::path quiz_file, results_file;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "--help" || a == "-h") {
            io.out << kQuizUsage;
            return 0;
        }
        std::string name = a, value;
        bool has_value = false;
        if (auto eq = a.find('='); a.rfind("--", 0) == 0 && eq != std::string::npos) {
            name = a.substr(0, eq);
            value = a.substr(eq + 1);
            has_value = true;
        }
        if (name != "--seed" && name != "--file" && name != "--results") {
            io.err << "tracelab quiz: unknown argument \"" << a << "\"\n" << kQuizUsage;
            return 2;
        }
        if (!has_value) {
            if (i + 1 >= args.size()) {
                io.err << "tracelab quiz: " << name << " needs a value\n";
                return 2;
            }
            value = args[++i];
        }
        if (name == "--seed") {
            uint64_t s = 0;
            if (!parse_u64(value, s)) {
                io.err << "tracelab quiz: --seed needs a whole number, got \"" << value << "\"\n";
                return 2;
            }
            seed = s;
        } else if (name == "--file") {
            quiz_file = value;
        } else {
            results_file = value;
        }
    }
    if (quiz_file.empty()) quiz_file = asset_dir() / "quiz" / "tracing.json";
    if (results_file.empty()) results_file = quiz::ResultStore::default_path();

    auto loaded = quiz::load_quiz_file(quiz_file);
    if (!loaded) {
        io.err << "tracelab quiz: " << loaded.error() << "\n";
        return 1;
    }
    const quiz::Quiz& bank = loaded.value();
    quiz::ResultStore store(results_file, bank.id);
    store.load();
    for (const auto& w : store.warnings()) io.err << "warning: " << w << "\n";
    const size_t warnings_shown = store.warnings().size();

    if (!seed) seed = store.history().attempts.size() + 1;
    // One question per core idea, drawn from the bank by the seed.
    const quiz::Quiz qz = quiz::draw_quiz(bank, *seed);
    quiz::Attempt attempt(qz, *seed);
    io.out << qz.title << "\n";
    io.out << "Answer each question with its letter and Enter.\n"
           << "Questions and option order: seed " << *seed << " (run with --seed " << *seed
           << " to get the same again)\n";

    bool ended_early = false;
    for (size_t q = 0; q < attempt.question_count(); ++q) {
        ask(attempt, q, io);
        auto choice = read_choice(io, attempt.question(q).options.size());
        if (!choice) {
            ended_early = true;
            break;
        }
        const auto grade = attempt.answer(q, *choice);
        if (grade) explain(attempt, q, *choice, *grade, io);
    }
    if (ended_early)
        io.out << "\nEnd of input: stopping after " << attempt.answered_count() << " of " << attempt.question_count()
               << " questions.\n";

    summarize(attempt, io);
    store.record(quiz::make_record(attempt, std::chrono::system_clock::now()));
    for (size_t i = warnings_shown; i < store.warnings().size(); ++i)
        io.err << "warning: " << store.warnings()[i] << "\n";
    const auto& h = store.history();
    io.out << "Best score so far: " << h.best_score << "/" << h.best_total << " over " << h.attempts.size()
           << (h.attempts.size() == 1 ? " attempt" : " attempts") << "\n";
    io.out << "Score: " << attempt.score() << "/" << attempt.question_count() << "\n";
    return 0;
}

}  // namespace tl::cli
