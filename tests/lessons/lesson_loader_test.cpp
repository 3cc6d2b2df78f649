// Bad lesson files: each mistake is reported with the file name and the JSON path of the offending value.
#include <doctest/doctest.h>

#include <fstream>

#include "lessons/lesson.hpp"

using namespace tl;
using namespace tl::lessons;

namespace {
// A small valid lesson; each case below breaks one thing.
Json good() {
    return Json::parse(R"({
      "id": "tiny", "order": 1, "title": "Tiny",
      "body": ["A trace follows one request through every service.", {"code": "x := 1", "language": "go"}],
      "glossary": [{"term": "trace", "definition": "one request's journey"}],
      "steps": [{
        "id": "slow", "instruction": "Make payments slow.",
        "setup": [{"type": "load_scenario", "scenario": "checkout"}],
        "goal": {"type": "service_latency", "service": "payments", "op": ">", "value": 300},
        "hints": ["Drag the slider."],
        "solution": [{"type": "set_latency", "service": "payments", "ms": 400}]
      }]
    })");
}

std::string error_of(const Json& j) {
    auto r = parse_lesson(j, "lessons/tiny.json");
    REQUIRE_FALSE(r.ok());
    return r.error();
}
}  // namespace

TEST_CASE("lesson loader: the reference lesson is valid") {
    auto r = parse_lesson(good(), "lessons/tiny.json");
    REQUIRE_MESSAGE(r.ok(), (r.ok() ? std::string() : r.error()));
    CHECK(r->steps.size() == 1);
    CHECK(r->body.size() == 2);
    CHECK(r->body[1].kind == Block::Kind::Code);
    CHECK(prose_word_count(*r) == 8);  // the code block does not count
    CHECK(r->steps[0].goal.kind == GoalKind::ServiceLatency);
    CHECK(r->steps[0].solution[0].value == 400);
}

TEST_CASE("lesson loader: bad files give errors naming file and JSON path") {
    struct Case {
        const char* what;
        std::function<void(Json&)> mutate;
        const char* expected;  // must appear in the message
    };
    const std::vector<Case> cases = {
        {"missing title", [](Json& j) { j.erase("title"); }, "lessons/tiny.json: /: missing required field \"title\""},
        {"unknown field", [](Json& j) { j["tittle"] = "x"; }, "/tittle: unknown field \"tittle\""},
        {"bad lesson id", [](Json& j) { j["id"] = "Tiny Lesson"; }, "/id: lesson id \"Tiny Lesson\""},
        {"steps not an array", [](Json& j) { j["steps"] = "none"; }, "/steps: expected an array, found a string"},
        {"no steps", [](Json& j) { j["steps"] = Json::array(); }, "/steps: a lesson needs at least one hands-on step"},
        {"unknown goal type", [](Json& j) { j["steps"][0]["goal"]["type"] = "make_it_fast"; },
         "/steps/0/goal/type: unknown goal type \"make_it_fast\""},
        {"unknown action type", [](Json& j) { j["steps"][0]["solution"][0]["type"] = "teleport"; },
         "/steps/0/solution/0/type: unknown action type \"teleport\""},
        {"bad comparison", [](Json& j) { j["steps"][0]["goal"]["op"] = "=>"; },
         "/steps/0/goal/op: unknown comparison \"=>\""},
        {"unknown hop fault",
         [](Json& j) {
             j["steps"][0]["setup"].push_back(
                 {{"type", "set_hop_fault"}, {"from", "orders"}, {"to", "payments"}, {"fault", "broken"}});
         },
         "/steps/0/setup/1/fault: unknown hop fault \"broken\""},
        {"latency out of range", [](Json& j) { j["steps"][0]["solution"][0]["ms"] = -5; },
         "/steps/0/solution/0/ms: -5 is out of range"},
        {"duplicate step id", [](Json& j) { j["steps"].push_back(j["steps"][0]); },
         "/steps/1/id: step id \"slow\" is already used by step 0"},
        {"empty solution", [](Json& j) { j["steps"][0]["solution"] = Json::array(); },
         "/steps/0/solution: a step needs at least one solution action"},
        {"glossary term not in the text", [](Json& j) { j["glossary"][0]["term"] = "baggage"; },
         "/glossary/0/term: glossary term \"baggage\" does not appear"},
        {"bad special span",
         [](Json& j) {
             j["steps"][0]["goal"] = {{"type", "selected_span_is"}, {"span", "fastest"}};
         },
         "/steps/0/goal/span: \"fastest\" is not a special span"},
        {"empty all",
         [](Json& j) {
             j["steps"][0]["goal"] = {{"type", "all"}, {"of", Json::array()}};
         },
         "/steps/0/goal/of: \"all\" needs at least one goal"},
        {"ratio without a value",
         [](Json& j) {
             j["steps"][0]["solution"][0] = {{"type", "set_head_sampler"}, {"sampler", "ratio"}};
         },
         "/steps/0/solution/0: missing required field \"ratio\""},
        {"code block without language", [](Json& j) { j["body"][1].erase("language"); },
         "/body/1: missing required field \"language\""},
        {"goal field for another kind", [](Json& j) { j["steps"][0]["goal"]["panel"] = "console"; },
         "/steps/0/goal/panel: unknown field \"panel\""},
    };
    for (const Case& c : cases) {
        CAPTURE(c.what);
        Json j = good();
        c.mutate(j);
        const std::string err = error_of(j);
        CHECK_MESSAGE(err.find(c.expected) != std::string::npos, err);
        CHECK(err.rfind("lessons/tiny.json: /", 0) == 0);
    }
}

TEST_CASE("lesson loader: files on disk — syntax errors, empty files, duplicate ids in a course") {
    const auto dir = std::filesystem::temp_directory_path() / "tl-lesson-loader-test";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    {
        std::ofstream(dir / "broken.json") << "{\"id\": \"x\",\n \"order\": }";
        auto r = load_lesson_file(dir / "broken.json");
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().find("broken.json: line 2") != std::string::npos);
    }
    {
        std::ofstream(dir / "empty.json") << "  \n";
        auto r = load_lesson_file(dir / "empty.json");
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().find("empty.json: the file is empty") != std::string::npos);
    }
    std::filesystem::remove(dir / "broken.json");
    std::filesystem::remove(dir / "empty.json");
    Json a = good();
    Json b = good();
    b["order"] = 2;
    std::ofstream(dir / "a.json") << a.dump();
    std::ofstream(dir / "b.json") << b.dump();
    auto course = load_course(dir);
    REQUIRE_FALSE(course.ok());
    CHECK(course.error().find("b.json: /id: lesson id \"tiny\" is already used by") != std::string::npos);
    b["id"] = "other";
    std::ofstream(dir / "b.json") << b.dump();
    course = load_course(dir);
    REQUIRE(course.ok());
    CHECK(course->size() == 2);
    CHECK_FALSE(load_course(dir / "missing").ok());
    std::filesystem::remove_all(dir);
}
