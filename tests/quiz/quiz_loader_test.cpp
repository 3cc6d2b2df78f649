// Quiz loader: the shipped quiz is complete and well-formed, and every kind of broken quiz file is rejected
// with a message that names the file and the JSON path of the mistake.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <string>

#include "quiz/quiz.hpp"
#include "tests/support/temp_dir.hpp"

namespace fs = std::filesystem;
using tl::Json;

namespace {

fs::path shipped_quiz() {
    return fs::path(TRACELAB_SOURCE_DIR) / "assets" / "quiz" / "tracing.json";
}

using tl::test::TempDir;

fs::path write_file(const fs::path& dir, const std::string& name, const std::string& text) {
    const fs::path p = dir / name;
    std::ofstream(p, std::ios::binary) << text;
    return p;
}

Json option(const char* id, bool correct) {
    Json o = {{"id", id}, {"text", std::string("text of ") + id}, {"explanation", std::string("why ") + id}};
    if (correct) o["correct"] = true;
    return o;
}

Json question(const char* id) {
    return {{"id", id},
            {"prompt", "Which one?"},
            {"lesson", "traces-and-spans"},
            {"options",
             Json::array({option("one", true), option("two", false), option("three", false), option("four", false)})}};
}

// A small valid quiz that each bad case breaks in exactly one way.
Json valid_quiz() {
    return {{"id", "mini"},
            {"title", "Mini quiz"},
            {"questions", Json::array({question("first"), question("second")})},
            {"practical", Json::array({{{"id", "hog"},
                                        {"prompt", "Click it"},
                                        {"lesson", "traces-and-spans"},
                                        {"goal", "most-self-time"},
                                        {"setup", {{"scenario", "checkout"}}},
                                        {"explanation", "yes"},
                                        {"hint", "look lower"}}})}};
}

}  // namespace

TEST_CASE("the shipped quiz bank loads four-option questions, each linked to a course lesson") {
    auto q = tl::quiz::load_quiz_file(shipped_quiz());
    REQUIRE_MESSAGE(q.ok(), (q.ok() ? "" : q.error()));
    CHECK(q->questions.size() >= 15);
    // The lessons of the course, read from its folder: a question must send the learner somewhere real.
    std::set<std::string> lessons;
    for (const auto& e :
         std::filesystem::directory_iterator(std::filesystem::path(TRACELAB_SOURCE_DIR) / "assets" / "lessons")) {
        const auto j = nlohmann::json::parse(std::ifstream(e.path()));
        lessons.insert(j.at("id").get<std::string>());
    }
    std::set<std::string> taught;
    for (const auto& question : q->questions) {
        CAPTURE(question.id);
        CHECK(lessons.count(question.lesson) == 1);
        taught.insert(question.lesson);
        REQUIRE(question.options.size() == 4);
        int right = 0;
        std::set<std::string> texts, explanations;
        for (const auto& o : question.options) {
            right += o.correct ? 1 : 0;
            texts.insert(o.text);
            explanations.insert(o.explanation);
        }
        CHECK(right == 1);
        // Every wrong option gets its own explanation, not a shared "wrong" text.
        CHECK(texts.size() == 4);
        CHECK(explanations.size() == 4);
    }
    // A drawn quiz asks one question per core idea.
    const auto drawn = tl::quiz::draw_quiz(*q, 1);
    std::set<std::string> ideas;
    for (const auto& question : drawn.questions) ideas.insert(question.idea);
    CHECK(ideas.size() == drawn.questions.size());
    REQUIRE(q->practical.size() == 2);
    CHECK(q->practical[0].goal == tl::quiz::PracticalGoal::MostSelfTime);
    CHECK(q->practical[1].goal == tl::quiz::PracticalGoal::NewTraceRoot);
    for (const auto& t : q->practical) CHECK(lessons.count(t.lesson) == 1);
}

TEST_CASE("the test's valid quiz loads, so each bad case below fails for its own reason") {
    auto q = tl::quiz::parse_quiz(valid_quiz(), "mini.json");
    REQUIRE_MESSAGE(q.ok(), (q.ok() ? "" : q.error()));
    CHECK(q->questions.size() == 2);
    CHECK(q->questions[1].correct_index() == 0);
    CHECK(q->practical.size() == 1);
}

TEST_CASE("lesson ids are lowercase words joined by single dashes") {
    using tl::quiz::is_valid_lesson_id;
    CHECK(is_valid_lesson_id("traces-and-spans"));
    CHECK(is_valid_lesson_id("wrap-up"));
    CHECK(is_valid_lesson_id("step2"));
    CHECK_FALSE(is_valid_lesson_id(""));
    CHECK_FALSE(is_valid_lesson_id("Traces"));
    CHECK_FALSE(is_valid_lesson_id("traces and spans"));
    CHECK_FALSE(is_valid_lesson_id("-sampling"));
    CHECK_FALSE(is_valid_lesson_id("sampling-"));
    CHECK_FALSE(is_valid_lesson_id("broken--traces"));
    CHECK_FALSE(is_valid_lesson_id("lessons/sampling.json"));
}

TEST_CASE("a bad quiz file is rejected with its file name, the JSON path and what is wrong") {
    struct Case {
        const char* what;
        std::function<void(Json&)> edit;
        const char* path;     // expected JSON pointer in the message
        const char* message;  // expected explanation in the message
    };
    const Case cases[] = {
        {"wrong type", [](Json& j) { j["questions"][0]["prompt"] = 5; }, "/questions/0/prompt",
         "expected a string, found a number"},
        {"missing field", [](Json& j) { j["questions"][1].erase("lesson"); }, "/questions/1",
         "missing required field \"lesson\""},
        {"three options", [](Json& j) { j["questions"][0]["options"].erase(3); }, "/questions/0/options",
         "exactly 4 options, found 3"},
        {"five options", [](Json& j) { j["questions"][0]["options"].push_back(option("five", false)); },
         "/questions/0/options", "exactly 4 options, found 5"},
        {"no correct answer", [](Json& j) { j["questions"][1]["options"][0].erase("correct"); }, "/questions/1/options",
         "no option is marked"},
        {"two correct answers", [](Json& j) { j["questions"][0]["options"][2]["correct"] = true; },
         "/questions/0/options", "2 options are marked"},
        {"correct is not a boolean", [](Json& j) { j["questions"][0]["options"][0]["correct"] = "yes"; },
         "/questions/0/options/0/correct", "expected true or false"},
        {"duplicate question id", [](Json& j) { j["questions"][1]["id"] = "first"; }, "/questions/1/id",
         "duplicate question id \"first\""},
        {"duplicate option id", [](Json& j) { j["questions"][0]["options"][3]["id"] = "two"; },
         "/questions/0/options/3/id", "duplicate option id \"two\""},
        {"empty option text", [](Json& j) { j["questions"][0]["options"][1]["text"] = "  "; },
         "/questions/0/options/1/text", "must not be empty"},
        {"empty explanation", [](Json& j) { j["questions"][1]["options"][2]["explanation"] = ""; },
         "/questions/1/options/2/explanation", "must not be empty"},
        {"unknown field", [](Json& j) { j["questions"][0]["hint"] = "typo of a field"; }, "/questions/0/hint",
         "unknown field \"hint\""},
        {"bad lesson link", [](Json& j) { j["questions"][0]["lesson"] = "Traces and Spans"; }, "/questions/0/lesson",
         "is not a lesson id"},
        {"bad option id", [](Json& j) { j["questions"][0]["options"][0]["id"] = "Option A"; },
         "/questions/0/options/0/id", "lowercase letters and digits"},
        {"no questions", [](Json& j) { j["questions"] = Json::array(); }, "/questions", "at least one question"},
        {"questions not an array", [](Json& j) { j["questions"] = Json::object(); }, "/questions",
         "expected an array, found an object"},
        {"root not an object", [](Json& j) { j = Json::array(); }, "/", "expected an object, found an array"},
        {"unknown practical goal", [](Json& j) { j["practical"][0]["goal"] = "fastest"; }, "/practical/0/goal",
         "unknown goal \"fastest\""},
        {"practical setup without a scenario", [](Json& j) { j["practical"][0]["setup"].erase("scenario"); },
         "/practical/0/setup", "missing required field \"scenario\""},
        {"practical drop is not a list", [](Json& j) { j["practical"][0]["setup"]["drop"] = "a->b"; },
         "/practical/0/setup/drop", "expected an array"},
    };
    TempDir dir;
    for (const auto& c : cases) {
        CAPTURE(c.what);
        Json j = valid_quiz();
        c.edit(j);
        const fs::path file = write_file(dir.path, "bad.json", j.dump(2));
        auto q = tl::quiz::load_quiz_file(file);
        REQUIRE_FALSE(q.ok());
        const std::string expected_prefix = file.string() + ": " + c.path + ": ";
        CHECK_MESSAGE(q.error().rfind(expected_prefix, 0) == 0, q.error());
        CHECK_MESSAGE(q.error().find(c.message) != std::string::npos, q.error());
    }
}

TEST_CASE("a truncated or empty quiz file is rejected with its name, and the line for a syntax error") {
    TempDir dir;
    std::string text = valid_quiz().dump(2);
    text.resize(text.size() / 2);
    const fs::path truncated = write_file(dir.path, "truncated.json", text);
    auto a = tl::quiz::load_quiz_file(truncated);
    REQUIRE_FALSE(a.ok());
    CHECK_MESSAGE(a.error().rfind(truncated.string() + ": line ", 0) == 0, a.error());
    CHECK(a.error().find("not valid JSON") != std::string::npos);

    const fs::path empty = write_file(dir.path, "empty.json", "\n  \n");
    auto b = tl::quiz::load_quiz_file(empty);
    REQUIRE_FALSE(b.ok());
    CHECK(b.error() == empty.string() + ": the file is empty");

    auto c = tl::quiz::load_quiz_file(dir.path / "missing.json");
    REQUIRE_FALSE(c.ok());
    CHECK(c.error().find("missing.json: cannot open") != std::string::npos);
}
