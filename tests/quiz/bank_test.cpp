// The shipped question bank: enough questions per core idea, application questions among them, distractors
// that absolute wording does not give away, and a seeded draw of one question per idea.
#include <doctest/doctest.h>

#include <cctype>
#include <map>
#include <set>

#include "quiz/attempt.hpp"
#include "quiz/quiz.hpp"

using namespace tl::quiz;

namespace {
const std::filesystem::path kQuiz = std::filesystem::path(TRACELAB_SOURCE_DIR) / "assets" / "quiz" / "tracing.json";

Quiz bank() {
    auto q = load_quiz_file(kQuiz);
    if (!q) FAIL(q.error());
    return q.value();
}

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}
}  // namespace

TEST_CASE("quiz bank: 15+ questions, 3+ per core idea with an application question each") {
    const Quiz b = bank();
    CHECK(b.questions.size() >= 15);
    const auto ideas = quiz_ideas(b);
    CHECK(ideas.size() == 5);
    for (const std::string& idea : ideas) {
        CAPTURE(idea);
        size_t n = 0, applied = 0;
        for (const Question& q : b.questions) {
            if (q.idea != idea) continue;
            ++n;
            applied += q.kind == QuestionKind::Application ? 1 : 0;
        }
        CHECK(n >= 3);
        CHECK(applied >= 1);
    }
}

TEST_CASE("quiz bank: no option can be ruled out by absolute wording alone") {
    for (const Question& q : bank().questions) {
        for (const Option& o : q.options) {
            CAPTURE(q.id);
            CAPTURE(o.text);
            const std::string t = " " + lower(o.text) + " ";
            for (const char* w : {" always ", " never ", " exactly ", " every ", " everything ", " only ",
                                  " guaranteed ", " all ", " none "})
                CHECK(t.find(w) == std::string::npos);
        }
    }
}

TEST_CASE("quiz: the same seed draws the same questions in the same order; seeds vary the draw") {
    const Quiz b = bank();
    std::set<std::string> draws;
    for (uint64_t seed = 1; seed <= 30; ++seed) {
        const Quiz one = draw_quiz(b, seed);
        const Quiz again = draw_quiz(b, seed);
        REQUIRE(one.questions.size() == 5);
        std::string ids;
        std::set<std::string> ideas;
        for (size_t i = 0; i < 5; ++i) {
            CHECK(one.questions[i].id == again.questions[i].id);
            ideas.insert(one.questions[i].idea);
            ids += one.questions[i].id + ",";
        }
        CHECK(ideas.size() == 5);  // one per core idea
        draws.insert(ids);
        const Attempt a(one, seed), b2(again, seed);
        for (size_t q = 0; q < 5; ++q) CHECK(a.display_order(q) == b2.display_order(q));
    }
    CHECK(draws.size() >= 10);
}
