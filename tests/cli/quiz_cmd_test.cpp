// `tracelab quiz` driven through tl::cli::run with string streams: answers from stdin, re-prompts,
// explanations and running score, the final `Score: N/5` line, end of input, seeds, and saved results.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "quiz/attempt.hpp"
#include "quiz/quiz.hpp"
#include "quiz/results.hpp"
#include "tests/support/temp_dir.hpp"
#include "ui/cli/cli.hpp"

namespace fs = std::filesystem;

namespace {

const fs::path kQuizFile = fs::path(TRACELAB_SOURCE_DIR) / "assets" / "quiz" / "tracing.json";

using tl::test::TempDir;

struct Outcome {
    int code = -1;
    std::string out, err;
};

Outcome run_quiz(const std::vector<std::string>& flags, const std::string& input) {
    std::vector<std::string> args = {"quiz"};
    args.insert(args.end(), flags.begin(), flags.end());
    std::istringstream in(input);
    std::ostringstream out, err;
    auto code = tl::cli::run(args, {in, out, err});
    return {code.value_or(-1), out.str(), err.str()};
}

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream ss(text);
    for (std::string l; std::getline(ss, l);) out.push_back(l);
    return out;
}

size_t count(const std::string& text, const std::string& needle) {
    size_t n = 0;
    for (size_t p = text.find(needle); p != std::string::npos; p = text.find(needle, p + 1)) ++n;
    return n;
}

// The letters of the right (or a wrong) answer for each question under `seed`, from the quiz model.
std::string letters(uint64_t seed, bool right) {
    auto quiz = tl::quiz::load_quiz_file(kQuizFile);
    REQUIRE(quiz.ok());
    // The CLI draws one question per core idea from the bank with the seed, then shuffles with it.
    const tl::quiz::Quiz drawn = tl::quiz::draw_quiz(quiz.value(), seed);
    const tl::quiz::Attempt a(drawn, seed);
    std::string s;
    for (size_t q = 0; q < a.question_count(); ++q) {
        const size_t d = a.right_display_index(q);
        s += tl::quiz::option_letter(right ? d : (d + 1) % 4);
    }
    return s;
}

std::string one_per_line(const std::string& letters_) {
    std::string s;
    for (char c : letters_) s += std::string(1, c) + "\n";
    return s;
}

}  // namespace

TEST_CASE("tracelab quiz: all right answers score 5/5, the last line says so, and the result is saved") {
    TempDir dir;
    const fs::path results = dir.path / "quiz.json";
    const auto r = run_quiz({"--seed", "3", "--file", kQuizFile.string(), "--results", results.string()},
                            one_per_line(letters(3, true)));
    CHECK(r.code == 0);
    CHECK_MESSAGE(r.err.empty(), r.err);
    const auto ls = lines(r.out);
    REQUIRE_FALSE(ls.empty());
    CHECK(ls.back() == "Score: 5/5");
    CHECK(count(r.out, "> Right.\n") == 5);
    CHECK(count(r.out, "a) ") == 5);
    CHECK(count(r.out, "d) ") == 5);
    CHECK(r.out.find("Running score: 3 right of 3 answered") != std::string::npos);
    // Each explanation names the lesson that teaches the question.
    const tl::quiz::Quiz drawn = tl::quiz::draw_quiz(tl::quiz::load_quiz_file(kQuizFile).value(), 3);
    CHECK(r.out.find("lesson \"" + drawn.questions[3].lesson + "\"") != std::string::npos);

    tl::quiz::ResultStore store(results, "tracing");
    store.load();
    REQUIRE(store.history().attempts.size() == 1);
    CHECK(store.history().best_score == 5);
    CHECK(store.history().attempts[0].seed == 3);
    CHECK(store.history().attempts[0].complete);
}

TEST_CASE("tracelab quiz: upper case is accepted, anything else re-prompts, wrong answers are explained") {
    TempDir dir;
    std::string right = letters(11, true), wrong = letters(11, false);
    // Q1 right in upper case after three bad lines; Q2 wrong; Q3-5 right.
    std::string input = "x\n\nab\n" + std::string(1, static_cast<char>(right[0] - 'a' + 'A')) + "\n";
    input += std::string(1, wrong[1]) + "\n";
    for (size_t q = 2; q < 5; ++q) input += std::string(1, right[q]) + "\n";
    const auto r =
        run_quiz({"--seed=11", "--file", kQuizFile.string(), "--results", (dir.path / "q.json").string()}, input);
    CHECK(r.code == 0);
    CHECK(count(r.out, "Please type one letter: a, b, c or d.") == 3);
    CHECK(r.out.find(std::string("Not quite: the answer is ") + right[1] + ").") != std::string::npos);
    CHECK(r.out.find(std::string("Why ") + wrong[1] + ") is wrong: ") != std::string::npos);
    CHECK(r.out.find("Running score: 1 right of 2 answered") != std::string::npos);
    CHECK(r.out.find(std::string("wrong   you: ") + wrong[1] + "   answer: " + right[1]) != std::string::npos);
    CHECK(lines(r.out).back() == "Score: 4/5");
}

TEST_CASE("tracelab quiz: end of input stops cleanly with the partial score, which is saved") {
    TempDir dir;
    const fs::path results = dir.path / "quiz.json";
    const std::string right = letters(5, true);
    const auto r = run_quiz({"--seed", "5", "--file", kQuizFile.string(), "--results", results.string()},
                            std::string(1, right[0]) + "\n" + std::string(1, right[1]) + "\nzz\n");
    CHECK(r.code == 0);
    CHECK(r.out.find("stopping after 2 of 5 questions") != std::string::npos);
    CHECK(r.out.find("skipped you: -") != std::string::npos);
    CHECK(lines(r.out).back() == "Score: 2/5");

    tl::quiz::ResultStore store(results, "tracing");
    store.load();
    REQUIRE(store.history().attempts.size() == 1);
    CHECK_FALSE(store.history().attempts[0].complete);
    CHECK(store.history().attempts[0].score == 2);
    CHECK(store.history().attempts[0].answers[2].given.empty());

    // No input at all is just as clean.
    const auto none = run_quiz({"--seed", "5", "--file", kQuizFile.string(), "--results", results.string()}, "");
    CHECK(none.code == 0);
    CHECK(lines(none.out).back() == "Score: 0/5");
}

TEST_CASE("tracelab quiz: the same seed prints the same option order; other seeds reshuffle") {
    TempDir dir;
    const std::string res = (dir.path / "q.json").string();
    const std::string answers = one_per_line("aaaaa");
    auto options_of = [](const std::string& out) {
        std::string s;
        for (const auto& l : lines(out))
            if (l.size() > 6 && l[0] == ' ' && l[5] == ')') s += l + "\n";
        return s;
    };
    const auto a = run_quiz({"--seed", "8", "--file", kQuizFile.string(), "--results", res}, answers);
    const auto b = run_quiz({"--seed", "8", "--file", kQuizFile.string(), "--results", res}, answers);
    REQUIRE_FALSE(options_of(a.out).empty());
    CHECK(options_of(a.out) == options_of(b.out));
    CHECK(lines(a.out).back() == lines(b.out).back());
    int differing = 0;
    for (const char* s : {"9", "10", "11"}) {
        const auto c = run_quiz({"--seed", s, "--file", kQuizFile.string(), "--results", res}, answers);
        differing += options_of(c.out) != options_of(a.out) ? 1 : 0;
    }
    CHECK(differing >= 2);
}

TEST_CASE("tracelab quiz: without --results, results go to the XDG data dir; the default seed moves on") {
    TempDir dir;
    const char* old = std::getenv("XDG_DATA_HOME");
    const std::string saved = old ? old : "";
    ::setenv("XDG_DATA_HOME", dir.path.c_str(), 1);
    const auto first = run_quiz({"--file", kQuizFile.string()}, "a\n");
    const auto second = run_quiz({"--file", kQuizFile.string()}, "");
    if (old)
        ::setenv("XDG_DATA_HOME", saved.c_str(), 1);
    else
        ::unsetenv("XDG_DATA_HOME");

    CHECK(first.code == 0);
    CHECK(first.out.find("seed 1 (") != std::string::npos);
    CHECK(second.out.find("seed 2 (") != std::string::npos);
    tl::quiz::ResultStore store(dir.path / "tracelab" / "quiz.json", "tracing");
    store.load();
    CHECK(store.history().attempts.size() == 2);
}

TEST_CASE("tracelab quiz: a corrupt or unwritable results file warns on stderr and the quiz still runs") {
    TempDir dir;
    SUBCASE("corrupt") {
        const fs::path results = dir.path / "quiz.json";
        std::ofstream(results) << "{not json";
        const auto r = run_quiz({"--seed", "1", "--file", kQuizFile.string(), "--results", results.string()}, "b\n");
        CHECK(r.code == 0);
        CHECK(r.err.find("warning: ") != std::string::npos);
        CHECK(r.err.find("quiz.json.corrupt-1") != std::string::npos);
        CHECK(fs::exists(dir.path / "quiz.json.corrupt-1"));
        CHECK(lines(r.out).back().rfind("Score: ", 0) == 0);
    }
    SUBCASE("unwritable") {
        std::ofstream(dir.path / "file") << "x";
        const fs::path results = dir.path / "file" / "quiz.json";
        const auto r = run_quiz({"--seed", "1", "--file", kQuizFile.string(), "--results", results.string()}, "b\n");
        CHECK(r.code == 0);
        CHECK(r.err.find("not saved") != std::string::npos);
        CHECK(lines(r.out).back().rfind("Score: ", 0) == 0);
    }
}

TEST_CASE("tracelab quiz: --help, bad flags and a bad quiz file") {
    auto help = run_quiz({"--help"}, "");
    CHECK(help.code == 0);
    CHECK(help.out.find("usage: tracelab quiz") != std::string::npos);

    auto bad_seed = run_quiz({"--seed", "soon"}, "");
    CHECK(bad_seed.code == 2);
    CHECK(bad_seed.err.find("--seed needs a whole number") != std::string::npos);

    auto missing_value = run_quiz({"--file"}, "");
    CHECK(missing_value.code == 2);

    auto unknown = run_quiz({"--colour"}, "");
    CHECK(unknown.code == 2);
    CHECK(unknown.err.find("unknown argument \"--colour\"") != std::string::npos);

    TempDir dir;
    const fs::path bad = dir.path / "bad.json";
    std::ofstream(bad) << R"({"id": "x", "title": "t", "questions": []})";
    auto r = run_quiz({"--file", bad.string(), "--results", (dir.path / "r.json").string()}, "a\n");
    CHECK(r.code == 1);
    CHECK(r.err.find(bad.string() + ": /questions: a quiz needs at least one question") != std::string::npos);
    CHECK_FALSE(fs::exists(dir.path / "r.json"));
}
