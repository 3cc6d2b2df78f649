// Quiz panel, headless: answer all five questions by clicking option cards, check the score, the one-answer
// rule, the explanation and lesson link, the summary, the saved result and the reshuffled retake.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "lessons/lesson.hpp"
#include "quiz/results.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/ui/ui_fixture.hpp"
#include "ui/app.hpp"
#include "ui/panels/quiz_panel.hpp"
#include "ui/shortcuts.hpp"

namespace fs = std::filesystem;
using tl::ui::QuizSession;

namespace {

using tl::test::TempDir;

tl::ui::AppOptions options() {
    tl::ui::AppOptions o;
    o.asset_dir = fs::path(TRACELAB_SOURCE_DIR) / "assets";
    return o;
}

std::string letter(size_t d) {
    return std::string(1, tl::quiz::option_letter(d));
}

}  // namespace

TEST_CASE("quiz panel: answering all five by clicking gives the score, a summary and a saved attempt") {
    TempDir dir;
    tl::ui::test::UiFixture ui;
    tl::ui::App app(options());
    auto& session = app.slot<QuizSession>();
    session.results_file = dir.path / "quiz.json";
    session.seed = 4;
    REQUIRE(app.focus_panel("quiz").empty());
    ui.gui = [&] { app.frame(); };
    ui.run(3);
    REQUIRE_MESSAGE(session.ready(), session.error);
    CHECK(session.attempt->seed() == 4);
    CHECK(ui.visible("Score"));
    CHECK(ui.visible("Question"));

    const size_t n = session.attempt->question_count();
    REQUIRE(n == 5);
    for (size_t q = 0; q < n; ++q) {
        CAPTURE(q);
        REQUIRE(session.current == q);
        CHECK_FALSE(ui.visible("Explanation"));
        // Answer question 2 wrongly, the rest rightly.
        const size_t right = session.attempt->right_display_index(q);
        const size_t pick = q == 1 ? (right + 2) % 4 : right;
        REQUIRE(ui.click("Option " + letter(pick)));
        ui.run(2);  // the panel scrolls the explanation into view
        REQUIRE(session.attempt->answered(q));
        CHECK(session.attempt->grade(q)->correct == (q != 1));
        CHECK(ui.visible("Explanation"));
        CHECK(ui.visible("Go to lesson"));
        CHECK(session.attempt->score() == static_cast<int>(q < 1 ? q + 1 : q));

        // Scroll back up and click another option: ignored, one answer per question. Then scroll down
        // to the buttons again, as a person would.
        REQUIRE(ui.scroll("Go to lesson", 20.0f));
        ui.run(1);
        REQUIRE(ui.click("Option " + letter((pick + 1) % 4)));
        ui.run(1);
        CHECK(*session.attempt->given(q) == session.attempt->display_order(q)[pick]);
        CHECK(session.attempt->answered_count() == q + 1);
        REQUIRE(ui.scroll("Option a", -20.0f));
        ui.run(1);

        REQUIRE(ui.click("Next question"));
        ui.run(1);
    }
    CHECK(session.in_summary());
    CHECK(ui.visible("Summary"));
    CHECK(ui.visible("Retake"));
    CHECK(ui.visible("Score"));
    CHECK(session.attempt->score() == 4);

    // The finished attempt was saved where the test pointed the store.
    tl::quiz::ResultStore saved(dir.path / "quiz.json", "tracing");
    saved.load();
    REQUIRE(saved.history().attempts.size() == 1);
    CHECK(saved.history().attempts[0].score == 4);
    CHECK(saved.history().attempts[0].complete);
    CHECK(saved.history().best_score == 4);

    // Retake: a fresh attempt, options in a new order from the next seed.
    const uint64_t old_seed = session.attempt->seed();
    REQUIRE(ui.click("Retake"));
    ui.run(1);
    CHECK(session.current == 0);
    CHECK(session.attempt->answered_count() == 0);
    CHECK(session.attempt->score() == 0);
    CHECK(session.attempt->seed() == tl::quiz::next_seed(old_seed));
    CHECK(ui.visible("Question"));
    CHECK(ui.visible("Score"));
    // The best saved score is in view from the first question of the retake.
    CHECK(ui.visible("Best score"));
}

TEST_CASE("quiz panel: the best saved score shows from the start, before any answer") {
    TempDir dir;
    {
        tl::ui::test::UiFixture ui;
        tl::ui::App app(options());
        auto& session = app.slot<QuizSession>();
        session.results_file = dir.path / "quiz.json";
        session.seed = 9;
        REQUIRE(app.focus_panel("quiz").empty());
        ui.gui = [&] { app.frame(); };
        ui.run(3);
        REQUIRE(session.ready());
        CHECK_FALSE(ui.visible("Best score"));  // nothing saved yet
        for (size_t q = 0; q < session.attempt->question_count(); ++q) {
            REQUIRE(ui.click("Option " + letter(session.attempt->right_display_index(q))));
            ui.run(1);
            REQUIRE(ui.click("Next question"));
            ui.run(1);
        }
        REQUIRE(session.in_summary());
    }
    // A new start of the app: the saved best is on the first screen.
    tl::ui::test::UiFixture ui;
    tl::ui::App app(options());
    auto& session = app.slot<QuizSession>();
    session.results_file = dir.path / "quiz.json";
    REQUIRE(app.focus_panel("quiz").empty());
    ui.gui = [&] { app.frame(); };
    ui.run(3);
    REQUIRE(session.ready());
    CHECK(session.attempt->answered_count() == 0);
    CHECK_MESSAGE(ui.visible("Best score"), ui.seen());
}

TEST_CASE("quiz panel: \"Go to lesson\" asks for the question's lesson") {
    TempDir dir;
    tl::ui::test::UiFixture ui;
    tl::ui::App app(options());
    auto& session = app.slot<QuizSession>();
    session.results_file = dir.path / "quiz.json";
    session.seed = 1;
    REQUIRE(app.focus_panel("quiz").empty());
    ui.gui = [&] { app.frame(); };
    ui.run(3);
    REQUIRE(session.ready());
    REQUIRE(ui.click("Option a"));
    ui.run(2);
    REQUIRE(ui.click("Go to lesson"));
    ui.run(1);
    const auto* request = app.find_slot<tl::ui::OpenLessonRequest>();
    REQUIRE(request);
    CHECK(request->lesson == session.attempt->question(0).lesson);
    CHECK(request->serial == 1);
    // Only one question was answered and it was not finished: nothing is saved yet.
    CHECK_FALSE(fs::exists(dir.path / "quiz.json"));
}

TEST_CASE("quiz panel: a broken quiz file shows the loader's message instead of a crash") {
    TempDir dir;
    const fs::path bad = dir.path / "bad.json";
    std::ofstream(bad) << R"({"id": "x", "title": "t", "questions": [{"id": "q"}]})";
    tl::ui::test::UiFixture ui;
    tl::ui::App app(options());
    auto& session = app.slot<QuizSession>();
    session.quiz_file = bad;
    session.results_file = dir.path / "quiz.json";
    REQUIRE(app.focus_panel("quiz").empty());
    ui.gui = [&] { app.frame(); };
    ui.run(3);
    CHECK(session.started);
    CHECK_FALSE(session.ready());
    CHECK(session.error.find(bad.string() + ": /questions/0: missing required field") != std::string::npos);
    CHECK_FALSE(ui.visible("Score"));
}

TEST_CASE("quiz panel: the practical round is set up on the waterfall and answered by clicking a span") {
    TempDir dir;
    tl::ui::test::UiFixture ui;
    tl::ui::App app(options());
    auto& session = app.slot<QuizSession>();
    session.results_file = dir.path / "quiz.json";
    session.seed = 2;
    REQUIRE(app.focus_panel("quiz").empty());
    ui.gui = [&] { app.frame(); };
    ui.run(3);
    REQUIRE(session.ready());
    // The questions were covered above; reach the summary directly.
    for (size_t q = 0; q < session.attempt->question_count(); ++q) {
        tl::ui::answer_question(app, session, session.attempt->right_display_index(q));
        tl::ui::next_question(session);
    }
    ui.run(2);
    REQUIRE(session.in_summary());

    // Task 1: the span that ate the latency, in the intact checkout.
    REQUIRE(ui.scroll("Summary lesson 1", -50.0f));
    ui.run(1);
    REQUIRE(ui.click("Practical 1"));
    ui.run(2);
    CHECK(session.practical_task == 0);
    // While the task waits, the waterfall does not give the answer away.
    CHECK(session.hide_latency_hints);
    CHECK_FALSE(ui.visible("waterfall slowest badge"));
    CHECK_FALSE(ui.visible("waterfall critical path"));
    REQUIRE(ui.click("bar payments.Charge"));
    ui.run(2);
    CHECK_FALSE(session.hide_latency_hints);
    CHECK(ui.visible("waterfall slowest badge"));
    CHECK(ui.visible("waterfall critical path"));
    REQUIRE(session.attempt->practical_verdict(0));
    CHECK(session.attempt->practical_verdict(0)->correct);
    CHECK(session.attempt->practical_score() == 1);

    // Task 2: the broken hop. Clicking the request's own root is wrong, and says why.
    REQUIRE(app.focus_panel("quiz").empty());
    ui.run(2);
    REQUIRE(ui.scroll("Practical score", -50.0f));
    ui.run(1);
    REQUIRE(ui.click("Practical 2"));
    ui.run(2);
    CHECK(session.practical_task == 1);
    CHECK(app.analysis().traces.size() == 2);
    CHECK(app.view().selected_span == -1);  // nothing picked yet
    REQUIRE(ui.click("bar GET /checkout"));
    ui.run(2);
    REQUIRE(session.attempt->practical_verdict(1));
    CHECK_FALSE(session.attempt->practical_verdict(1)->correct);
    CHECK(session.attempt->practical_verdict(1)->reason == tl::quiz::PickReason::FirstTraceRoot);
    CHECK(session.attempt->practical_score() == 1);
    CHECK(session.attempt->score() == 5);  // the questions' score is untouched

    // Both picks reached the saved attempt, not only the questions.
    tl::quiz::ResultStore saved(session.results_file, session.quiz->id);
    saved.load();
    CHECK(saved.warnings().empty());
    REQUIRE(saved.history().attempts.size() == 1);
    CHECK(saved.history().attempts[0].score == 5);
    CHECK(saved.history().attempts[0].practical_score == 1);
    CHECK(saved.history().attempts[0].practical_total == 2);
}

TEST_CASE("quiz panel: in the practical round only a click on a span picks; keys and other selections do not") {
    TempDir dir;
    tl::ui::test::UiFixture ui;
    tl::ui::App app(options());
    auto& session = app.slot<QuizSession>();
    session.results_file = dir.path / "quiz.json";
    session.seed = 2;
    REQUIRE(app.focus_panel("quiz").empty());
    ui.gui = [&] { app.frame(); };
    ui.run(3);
    REQUIRE(session.ready());
    for (size_t q = 0; q < session.attempt->question_count(); ++q) {
        tl::ui::answer_question(app, session, session.attempt->right_display_index(q));
        tl::ui::next_question(session);
    }
    ui.run(2);
    REQUIRE(session.in_summary());
    REQUIRE(ui.scroll("Summary lesson 1", -50.0f));
    ui.run(1);
    REQUIRE(ui.click("Practical 1"));
    ui.run(2);
    REQUIRE(session.practical_task == 0);
    REQUIRE(app.view().selected_span == -1);

    // Down and J walk the rows, as they always do, but they are not an answer.
    ui.key(ImGuiKey_DownArrow);
    ui.run(1);
    CHECK(app.view().selected_span >= 0);
    CHECK_FALSE(session.attempt->practical_verdict(0));
    CHECK(session.hide_latency_hints);
    ui.char_key(tl::ui::kShortcutNextSpan);
    ui.run(1);
    const int32_t walked_to = app.view().selected_span;
    CHECK(walked_to >= 0);
    CHECK_FALSE(session.attempt->practical_verdict(0));
    CHECK(session.hide_latency_hints);
    CHECK_FALSE(ui.visible("waterfall slowest badge"));

    // A selection made by something else (a lesson, the app restoring one) is not an answer either.
    app.apply(tl::ui::SelectSpan{0});
    ui.run(2);
    CHECK_FALSE(session.attempt->practical_verdict(0));
    CHECK(session.hide_latency_hints);

    // Walk back to a row and click it while it is already selected: the click is the pick.
    app.apply(tl::ui::SelectSpan{walked_to});
    ui.run(2);
    REQUIRE(ui.click("row #" + std::to_string(walked_to)));
    ui.run(2);
    REQUIRE(session.attempt->practical_verdict(0));
    CHECK_FALSE(session.hide_latency_hints);
    CHECK(ui.visible("waterfall slowest badge"));
}

TEST_CASE("quiz panel: every lesson button is labelled with its lesson's title from the course") {
    auto course = tl::lessons::load_course(fs::path(TRACELAB_SOURCE_DIR) / "assets" / "lessons");
    REQUIRE_MESSAGE(course, course.error());
    std::map<std::string, std::string> titles;
    for (const auto& l : course.value()) titles[l.id] = l.title;

    TempDir dir;
    tl::ui::test::UiFixture ui;
    tl::ui::App app(options());
    auto& session = app.slot<QuizSession>();
    session.results_file = dir.path / "quiz.json";
    session.seed = 1;
    REQUIRE(app.focus_panel("quiz").empty());
    ui.gui = [&] { app.frame(); };
    ui.run(3);
    REQUIRE(session.ready());
    // Every question in the file, not only the five this attempt drew.
    for (const auto& q : session.quiz->questions) {
        CAPTURE(q.id);
        REQUIRE(titles.count(q.lesson) == 1);
        CHECK(session.lesson_title(q.lesson) == titles[q.lesson]);
    }
    // The buttons as drawn: after each answer, and in the summary.
    for (size_t q = 0; q < session.attempt->question_count(); ++q) {
        const std::string title = titles[session.attempt->question(q).lesson];
        CAPTURE(title);
        REQUIRE(ui.click("Option a"));
        ui.run(2);
        CHECK(ui.visible("Go to lesson: " + title));
        REQUIRE(ui.click("Next question"));
        ui.run(1);
    }
    REQUIRE(session.in_summary());
    for (size_t q = 0; q < session.attempt->question_count(); ++q) {
        CAPTURE(q);
        CHECK(ui.visible("Lesson: " + titles[session.attempt->question(q).lesson]));
    }
}
