// The course content: every lesson file loads, stays within its word budget, and every hands-on step is
// neither impossible nor already done — checked by playing it in a Sandbox, alone and in sequence.
#include <doctest/doctest.h>

#include <set>

#include "lessons/lesson.hpp"
#include "lessons/sandbox.hpp"
#include "lessons/session.hpp"

using namespace tl;
using namespace tl::lessons;

namespace {
const std::filesystem::path kLessonDir = std::filesystem::path(TRACELAB_SOURCE_DIR) / "assets" / "lessons";
const std::filesystem::path kScenarioDir = std::filesystem::path(TRACELAB_SOURCE_DIR) / "assets" / "scenarios";

std::vector<Lesson> course() {
    auto c = load_course(kLessonDir);
    if (!c) FAIL(c.error());
    return c.value();
}

Sandbox fresh() {
    auto s = Sandbox::open(kScenarioDir);
    if (!s) FAIL(s.error());
    return std::move(s.value());
}
}  // namespace

TEST_CASE("course: every lesson file loads and validates") {
    for (const auto& entry : std::filesystem::directory_iterator(kLessonDir)) {
        auto l = load_lesson_file(entry.path());
        CHECK_MESSAGE(l.ok(), entry.path().string() << ": " << (l.ok() ? "" : l.error()));
    }
}

TEST_CASE("course: nine lessons in order, with the content the issue asks for") {
    const auto c = course();
    REQUIRE(c.size() >= 9);
    const std::vector<std::string> ids = {
        "why-tracing",   "traces-and-spans", "propagation-in-process", "propagation-across-network",
        "opentelemetry", "sampling",         "broken-traces",          "async-hops",
        "wrap-up"};
    size_t total_words = 0;
    for (size_t i = 0; i < ids.size(); ++i) {
        CAPTURE(ids[i]);
        CHECK(c[i].id == ids[i]);
        const size_t words = prose_word_count(c[i]);
        total_words += words;
        CHECK(words >= 150);
        CHECK(words <= 400);
        CHECK(c[i].glossary.size() >= 2);
        CHECK(c[i].steps.size() >= 2);
        for (const Step& s : c[i].steps) CHECK(!s.hints.empty());
    }
    MESSAGE("course prose: " << total_words << " words");
    // Lesson 5 carries code samples in Go and C++.
    std::set<std::string> languages;
    for (const Block& b : c[4].body)
        if (b.kind == Block::Kind::Code) languages.insert(b.language);
    CHECK(languages.count("go") == 1);
    CHECK(languages.count("cpp") == 1);
}

TEST_CASE("course: every referenced scenario exists") {
    for (const Lesson& l : course())
        for (const Step& s : l.steps)
            for (const auto* list : {&s.setup, &s.solution})
                for (const LessonAction& a : *list)
                    if (a.kind == ActionKind::LoadScenario) {
                        auto sc = load_scenario(a.scenario, kScenarioDir);
                        CHECK_MESSAGE(sc.ok(), l.source << ": " << s.id << ": " << (sc.ok() ? "" : sc.error()));
                    }
}

TEST_CASE("course: each step alone — not done after its set-up, done after its solution") {
    for (const Lesson& l : course()) {
        for (const Step& s : l.steps) {
            CAPTURE(l.id);
            CAPTURE(s.id);
            Sandbox box = fresh();
            const std::string setup_err = box.apply_all(s.setup);
            REQUIRE_MESSAGE(setup_err.empty(), setup_err);
            CHECK_FALSE(goal_holds(s.goal, box.world()));
            const std::string sol_err = box.apply_all(s.solution);
            REQUIRE_MESSAGE(sol_err.empty(), sol_err);
            CHECK(goal_holds(s.goal, box.world()));
        }
    }
}

TEST_CASE("course: each lesson played in sequence through a LessonSession") {
    for (const Lesson& l : course()) {
        CAPTURE(l.id);
        Sandbox box = fresh();
        LessonSession session(l);
        size_t guard = 0;
        while (!session.finished() && guard++ < 100) {
            CAPTURE(session.current());
            // Apply the step's set-up as the app would, then check the step is not already done.
            REQUIRE(box.apply_all(session.take_pending()).empty());
            const size_t step = session.current();
            CHECK_FALSE(session.update(box.world()));
            CHECK(session.current() == step);
            session.show_me();
            REQUIRE(box.apply_all(session.take_pending()).empty());
            CHECK(session.update(box.world()));
            CHECK(session.status(step).done);
            CHECK(session.status(step).solution_shown);
        }
        CHECK(session.finished());
    }
}
