// Saved quiz results: best score and attempt history survive a reload; missing, empty, corrupt and
// malformed files are backed up with a warning; an unwritable location warns and keeps results in memory;
// results of other quizzes and unknown fields in the file are never dropped.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "quiz/results.hpp"
#include "tests/support/temp_dir.hpp"

namespace fs = std::filesystem;
using tl::Json;
using tl::quiz::AttemptRecord;
using tl::quiz::ResultStore;

namespace {

using tl::test::TempDir;

std::string read_text(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void write_text(const fs::path& p, const std::string& text) {
    std::ofstream(p, std::ios::binary) << text;
}

AttemptRecord record(int score, const char* date = "2025-01-02T03:04:05Z") {
    AttemptRecord r;
    r.date = date;
    r.seed = 9;
    r.score = score;
    r.total = 5;
    r.complete = true;
    r.answers = {{"what-tracing-adds", "path-and-timing", true}, {"trace-and-span", "", false}};
    return r;
}

tl::quiz::Quiz tiny_quiz() {
    tl::quiz::Quiz q;
    q.id = "tiny";
    for (const char* id : {"first", "second"}) {
        tl::quiz::Question question;
        question.id = id;
        question.options = {
            {"right", "r", "e", true}, {"w1", "w", "e", false}, {"w2", "w", "e", false}, {"w3", "w", "e", false}};
        q.questions.push_back(question);
    }
    return q;
}

}  // namespace

TEST_CASE("a missing results file starts an empty history without a warning") {
    TempDir dir;
    ResultStore store(dir.path / "quiz.json", "tracing");
    store.load();
    CHECK(store.history().attempts.empty());
    CHECK(store.history().best_score == 0);
    CHECK(store.warnings().empty());
}

TEST_CASE("attempts and the best score are saved atomically and read back") {
    TempDir dir;
    const fs::path file = dir.path / "nested" / "quiz.json";  // the folder is created on first save
    {
        ResultStore store(file, "tracing");
        store.load();
        CHECK(store.record(record(3)));
        CHECK(store.record(record(4, "2025-01-03T00:00:00Z")));
        CHECK(store.record(record(2)));
        CHECK(store.history().best_score == 4);
        CHECK(store.warnings().empty());
    }
    // No temporary files are left beside the result.
    for (const auto& e : fs::directory_iterator(file.parent_path())) CHECK(e.path().filename() == "quiz.json");

    ResultStore again(file, "tracing");
    again.load();
    CHECK(again.warnings().empty());
    const auto& h = again.history();
    CHECK(h.best_score == 4);
    CHECK(h.best_total == 5);
    REQUIRE(h.attempts.size() == 3);
    CHECK(h.attempts[1].date == "2025-01-03T00:00:00Z");
    CHECK(h.attempts[1].score == 4);
    CHECK(h.attempts[0].seed == 9);
    REQUIRE(h.attempts[0].answers.size() == 2);
    CHECK(h.attempts[0].answers[0].question == "what-tracing-adds");
    CHECK(h.attempts[0].answers[0].given == "path-and-timing");
    CHECK(h.attempts[0].answers[0].correct);
    CHECK(h.attempts[0].answers[1].given.empty());
}

TEST_CASE("the practical round's score is stored on the latest attempt, clamped to its total") {
    TempDir dir;
    const fs::path file = dir.path / "quiz.json";
    ResultStore store(file, "tracing");
    store.load();
    CHECK_FALSE(store.record_practical(1, 2));  // no attempt yet: nothing to attach it to
    CHECK(store.record(record(3)));
    CHECK(store.record(record(4)));
    CHECK(store.record_practical(1, 2));
    CHECK(store.record_practical(2, 2));  // a later pick updates it
    CHECK(store.record_practical(7, 2));  // never more than the total

    ResultStore again(file, "tracing");
    again.load();
    const auto& h = again.history();
    REQUIRE(h.attempts.size() == 2);
    CHECK(h.attempts[0].practical_total == 0);
    CHECK(h.attempts[1].practical_score == 2);
    CHECK(h.attempts[1].practical_total == 2);
    CHECK(h.best_score == 4);  // the practical round does not change the best score
}

TEST_CASE("an empty results file is backed up with a warning and the quiz carries on") {
    TempDir dir;
    const fs::path file = dir.path / "quiz.json";
    write_text(file, "");
    ResultStore store(file, "tracing");
    store.load();
    REQUIRE(store.warnings().size() == 1);
    CHECK(store.warnings()[0].find("empty") != std::string::npos);
    CHECK(fs::exists(dir.path / "quiz.json.corrupt-1"));
    CHECK(store.record(record(5)));
    CHECK(store.history().best_score == 5);
}

TEST_CASE("a corrupt results file is kept as .corrupt-N, with a warning naming the copy") {
    TempDir dir;
    const fs::path file = dir.path / "quiz.json";
    const std::string garbage = "{\"quizzes\": {\"tracing\": {\"best_score\": 4,";
    write_text(file, garbage);
    write_text(dir.path / "quiz.json.corrupt-1", "an older backup");

    ResultStore store(file, "tracing");
    store.load();
    REQUIRE(store.warnings().size() == 1);
    const fs::path backup = dir.path / "quiz.json.corrupt-2";
    CHECK(store.warnings()[0].find(backup.string()) != std::string::npos);
    CHECK(read_text(backup) == garbage);
    CHECK(read_text(dir.path / "quiz.json.corrupt-1") == "an older backup");
    CHECK(store.history().attempts.empty());

    // Saving afterwards writes a good file; the backup stays.
    CHECK(store.record(record(1)));
    ResultStore again(file, "tracing");
    again.load();
    CHECK(again.warnings().empty());
    CHECK(again.history().attempts.size() == 1);
    CHECK(read_text(backup) == garbage);
}

TEST_CASE("valid JSON of the wrong shape is backed up too, naming the JSON path") {
    TempDir dir;
    const fs::path file = dir.path / "quiz.json";
    SUBCASE("an attempt with a score that is not a number") {
        write_text(
            file, R"({"quizzes": {"tracing": {"attempts": [{"date": "d", "seed": 1, "score": "high", "total": 5}]}}})");
        ResultStore store(file, "tracing");
        store.load();
        REQUIRE(store.warnings().size() == 1);
        CHECK(store.warnings()[0].find("/quizzes/tracing/attempts/0/score") != std::string::npos);
        CHECK(fs::exists(dir.path / "quiz.json.corrupt-1"));
    }
    SUBCASE("a document that is not an object") {
        write_text(file, "[1, 2, 3]");
        ResultStore store(file, "tracing");
        store.load();
        REQUIRE(store.warnings().size() == 1);
        CHECK(store.warnings()[0].find(": /: expected an object") != std::string::npos);
        CHECK(fs::exists(dir.path / "quiz.json.corrupt-1"));
        CHECK(store.record(record(2)));
    }
}

TEST_CASE("saving one quiz keeps other quizzes' results and unknown fields in the file") {
    TempDir dir;
    const fs::path file = dir.path / "quiz.json";
    write_text(file, R"({"note": "kept", "quizzes": {"other": {"best_score": 2, "best_total": 3, "attempts": []}}})");
    ResultStore store(file, "tracing");
    store.load();
    CHECK(store.warnings().empty());
    CHECK(store.record(record(3)));
    const Json saved = Json::parse(read_text(file));
    CHECK(saved["note"] == "kept");
    CHECK(saved["quizzes"]["other"]["best_score"] == 2);
    CHECK(saved["quizzes"]["tracing"]["best_score"] == 3);

    // A malformed entry for this quiz is backed up, but the other quiz's results survive the next save.
    write_text(file, R"({"quizzes": {"other": {"best_score": 2}, "tracing": {"attempts": 5}}})");
    ResultStore broken(file, "tracing");
    broken.load();
    REQUIRE(broken.warnings().size() == 1);
    CHECK(broken.record(record(1)));
    const Json after = Json::parse(read_text(file));
    CHECK(after["quizzes"]["other"]["best_score"] == 2);
    CHECK(after["quizzes"]["tracing"]["attempts"].size() == 1);
}

TEST_CASE("an unwritable location warns and keeps the results in memory") {
    TempDir dir;
    // A regular file where the folder should be: no one (not even root) can create the folder.
    write_text(dir.path / "blocked", "a file, not a folder");
    const fs::path file = dir.path / "blocked" / "tracelab" / "quiz.json";
    ResultStore store(file, "tracing");
    store.load();
    CHECK(store.warnings().empty());
    CHECK_FALSE(store.record(record(3)));
    REQUIRE(store.warnings().size() == 1);
    CHECK(store.warnings()[0].find("not saved") != std::string::npos);
    CHECK_FALSE(store.record(record(4)));
    CHECK(store.history().attempts.size() == 2);
    CHECK(store.history().best_score == 4);
    CHECK(read_text(dir.path / "blocked") == "a file, not a folder");
}

TEST_CASE("the best score is the best fraction right, and partial attempts count what was answered") {
    TempDir dir;
    ResultStore store(dir.path / "quiz.json", "tracing");
    store.load();
    AttemptRecord partial = record(2);
    partial.complete = false;
    store.record(partial);
    CHECK(store.history().best_score == 2);
    store.record(record(1));
    CHECK(store.history().best_score == 2);
    store.record(record(5));
    CHECK(store.history().best_score == 5);
}

TEST_CASE("an attempt's record lists every question with the option id given") {
    const auto quiz = tiny_quiz();
    tl::quiz::Attempt a(quiz, 5);
    a.answer(0, a.right_display_index(0));
    const auto when = std::chrono::system_clock::time_point(std::chrono::seconds(1700000000));
    const auto r = tl::quiz::make_record(a, when);
    CHECK(r.date == "2023-11-14T22:13:20Z");
    CHECK(r.seed == 5);
    CHECK(r.score == 1);
    CHECK(r.total == 2);
    CHECK_FALSE(r.complete);
    REQUIRE(r.answers.size() == 2);
    CHECK(r.answers[0].question == "first");
    CHECK(r.answers[0].given == "right");
    CHECK(r.answers[0].correct);
    CHECK(r.answers[1].given.empty());
    CHECK(r.practical_total == 0);
}

TEST_CASE("the default results file lives in the XDG data dir") {
    const char* old = std::getenv("XDG_DATA_HOME");
    const std::string saved = old ? old : "";
    ::setenv("XDG_DATA_HOME", "/tmp/tl-xdg-probe", 1);
    CHECK(ResultStore::default_path() == fs::path("/tmp/tl-xdg-probe/tracelab/quiz.json"));
    if (old)
        ::setenv("XDG_DATA_HOME", saved.c_str(), 1);
    else
        ::unsetenv("XDG_DATA_HOME");
}
