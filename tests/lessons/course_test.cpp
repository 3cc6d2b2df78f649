// The course content: every lesson loads, every hands-on step is neither impossible nor already done (for
// 20 seeds where its set-up is random), the whole course plays through in one world, most steps ask for
// diagnosis or prediction, and the course fits in an hour.
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

Sandbox fresh(uint64_t seed = 1) {
    auto s = Sandbox::open(kScenarioDir, "checkout", seed);
    if (!s) FAIL(s.error());
    return std::move(s.value());
}

bool is_random(const LessonAction& a) {
    return a.kind == ActionKind::RandomFault || a.kind == ActionKind::RandomSlowService ||
           a.kind == ActionKind::RandomErrorService || a.kind == ActionKind::RandomSkew;
}

bool randomised(const Step& s) {
    return std::any_of(s.setup.begin(), s.setup.end(), is_random);
}

// Seeds a step is checked with: 20 where its set-up draws at random, else one.
std::vector<uint64_t> seeds_for(const Step& s) {
    std::vector<uint64_t> out;
    for (uint64_t seed = 1; seed <= (randomised(s) ? 20u : 1u); ++seed) out.push_back(seed * 7919);
    return out;
}
}  // namespace

TEST_CASE("course: every lesson file loads and validates") {
    for (const auto& entry : std::filesystem::directory_iterator(kLessonDir)) {
        auto l = load_lesson_file(entry.path());
        CHECK_MESSAGE(l.ok(), entry.path().string() << ": " << (l.ok() ? "" : l.error()));
    }
}

TEST_CASE("course: at least thirteen lessons covering the topics, fitting in an hour") {
    const auto c = course();
    REQUIRE(c.size() >= 13);
    std::set<std::string> ids;
    for (const Lesson& l : c) ids.insert(l.id);
    for (const char* topic :
         {"why-tracing", "traces-and-spans", "span-kinds", "propagation-in-process", "propagation-across-network",
          "opentelemetry", "status-and-attributes", "sampling", "tail-sampling", "consistent-sampling", "baggage",
          "broken-traces", "async-hops", "metrics-logs-and-skew", "wrap-up"})
        CHECK_MESSAGE(ids.count(topic) == 1, topic);
    size_t prose = 0, reading = 0, steps = 0;
    for (const Lesson& l : c) {
        CAPTURE(l.id);
        const size_t words = prose_word_count(l);
        prose += words;
        reading += reading_word_count(l);
        steps += l.steps.size();
        CHECK(words >= 120);
        CHECK(words <= 400);
        CHECK(l.glossary.size() >= 2);
        CHECK(l.steps.size() >= 2);
        for (const Step& s : l.steps) CHECK(!s.hints.empty());
    }
    // A learner reads about 200 words a minute and spends about 45 s on a hands-on step.
    const double minutes = static_cast<double>(reading) / 200.0 + static_cast<double>(steps) * 0.75;
    MESSAGE("course: " << c.size() << " lessons, " << prose << " words of prose, " << reading
                       << " words to read in all, " << steps << " steps: about " << minutes << " minutes");
    CHECK(minutes <= 60.0);
}

TEST_CASE("course: the OpenTelemetry lesson's samples register a propagator and export") {
    for (const Lesson& l : course()) {
        if (l.id != "opentelemetry") continue;
        std::set<std::string> languages;
        for (const Block& b : l.body) {
            if (b.kind != Block::Kind::Code) continue;
            languages.insert(b.language);
            if (b.language == "go") {
                // Go's global propagator is a no-op until one is set; the sample sets it and wraps both ends.
                for (const char* must : {"package main", "otel.SetTextMapPropagator(", "propagation.TraceContext{}",
                                         "otelhttp.NewTransport(", "otelhttp.NewHandler(", "otlptracehttp.New(",
                                         "tp.Shutdown(", "codes.Error"})
                    CHECK_MESSAGE(b.text.find(must) != std::string::npos, must);
                CHECK(b.text.find("codes.Ok") == std::string::npos);  // success leaves the status Unset
            }
        }
        CHECK(languages.count("go") == 1);
        CHECK(languages.count("python") == 1);
    }
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

TEST_CASE("course: each step alone — not done after its set-up, done after its solution (20 seeds if random)") {
    for (const Lesson& l : course()) {
        for (const Step& s : l.steps) {
            for (const uint64_t seed : seeds_for(s)) {
                CAPTURE(l.id);
                CAPTURE(s.id);
                CAPTURE(seed);
                Sandbox box = fresh(seed);
                const std::string setup_err = box.start_step(s.setup);
                REQUIRE_MESSAGE(setup_err.empty(), setup_err);
                CHECK_FALSE(goal_holds(s.goal, box.world()));
                const std::string sol_err = box.apply_all(s.solution);
                REQUIRE_MESSAGE(sol_err.empty(), sol_err);
                CHECK(goal_holds(s.goal, box.world()));
                // A question's right answer is one of its choices, whatever the seed drew.
                if (!s.choices.empty())
                    CHECK(std::find(s.choices.begin(), s.choices.end(), box.answer) != s.choices.end());
            }
        }
    }
}

TEST_CASE("course: a random step gives different learners different answers") {
    size_t random_steps = 0;
    for (const Lesson& l : course()) {
        for (const Step& s : l.steps) {
            if (!randomised(s)) continue;
            ++random_steps;
            CAPTURE(l.id);
            CAPTURE(s.id);
            std::set<std::string> worlds;
            for (const uint64_t seed : seeds_for(s)) {
                Sandbox box = fresh(seed);
                REQUIRE(box.start_step(s.setup).empty());
                worlds.insert(scenario_to_json(box.scenario()).dump());
            }
            CHECK(worlds.size() >= 2);
        }
    }
    CHECK(random_steps >= 6);
}

TEST_CASE("course: a step's set-up alone decides its world, whatever the learner did before") {
    for (const Lesson& l : course()) {
        for (const Step& s : l.steps) {
            CAPTURE(l.id);
            CAPTURE(s.id);
            Sandbox clean = fresh();
            REQUIRE(clean.start_step(s.setup).empty());
            // A learner who wandered off: other scenario, edits, selection, ghosts, sampler, an old answer.
            Sandbox used = fresh();
            REQUIRE(used.apply_all(
                            {parse_action(JsonIn(Json::parse(R"({"type":"load_scenario","scenario":"fan-out"})"), "t")),
                             parse_action(
                                 JsonIn(Json::parse(R"({"type":"set_latency","service":"gateway","ms":90})"), "t")),
                             parse_action(JsonIn(Json::parse(R"({"type":"set_ghosts","value":false})"), "t")),
                             parse_action(JsonIn(
                                 Json::parse(R"({"type":"set_head_sampler","sampler":"ratio","ratio":0.5})"), "t")),
                             parse_action(JsonIn(Json::parse(R"({"type":"select_span","span":"root"})"), "t"))})
                        .empty());
            used.answer = "something";
            REQUIRE(used.start_step(s.setup).empty());
            CHECK(scenario_to_json(used.scenario()).dump() == scenario_to_json(clean.scenario()).dump());
            CHECK(used.selected_span == clean.selected_span);
            CHECK(used.ghosts_on == clean.ghosts_on);
            CHECK(used.head_sampler == clean.head_sampler);
            CHECK(used.answer.empty());
        }
    }
}

TEST_CASE("course: the whole course plays through in one world, step after step") {
    Sandbox box = fresh(424242);
    size_t done = 0;
    for (const Lesson& l : course()) {
        CAPTURE(l.id);
        LessonSession session(l);
        size_t guard = 0;
        while (!session.finished() && guard++ < 100) {
            CAPTURE(session.current());
            REQUIRE(box.start_step(session.take_pending()).empty());
            const size_t step = session.current();
            CHECK_FALSE(session.update(box.world()));
            CHECK(session.current() == step);
            session.show_me();
            REQUIRE(box.apply_all(session.take_pending()).empty());
            CHECK(session.update(box.world()));
            CHECK(session.status(step).done);
            ++done;
        }
        CHECK(session.finished());
    }
    MESSAGE("played " << done << " steps");
}

TEST_CASE("course: at most 40% of steps name the control and the value in their instruction") {
    size_t steps = 0, told = 0, questions = 0;
    std::string listed;
    for (const Lesson& l : course()) {
        for (const Step& s : l.steps) {
            ++steps;
            questions += asks_question(s) ? 1 : 0;
            if (instruction_names_solution(s)) {
                ++told;
                listed += "\n  " + l.id + "/" + s.id;
            }
        }
    }
    MESSAGE(told << " of " << steps << " steps name control and value:" << listed);
    MESSAGE(questions << " steps are answered in the lesson panel");
    CHECK(told * 100 <= steps * 40);
    CHECK(questions * 4 >= steps);  // predict-then-verify and diagnosis questions are a real share
}

TEST_CASE("course: the heuristic that spots a step giving its answer away") {
    const auto step = [](const char* instruction, const char* solution) {
        Step s;
        s.instruction = instruction;
        s.solution = {parse_action(JsonIn(Json::parse(solution), "t"))};
        return s;
    };
    CHECK(instruction_names_solution(
        step("Set payments' latency to 40 ms.", R"({"type":"set_latency","service":"payments","ms":40})")));
    CHECK_FALSE(instruction_names_solution(
        step("Make the request faster than 100 ms.", R"({"type":"set_latency","service":"payments","ms":40})")));
    CHECK(instruction_names_solution(
        step("Set the orders to payments hop to no-inject.",
             R"({"type":"set_hop_fault","from":"orders","to":"payments","fault":"no-inject"})")));
    CHECK_FALSE(instruction_names_solution(
        step("One hop lost its context. Name the cause.", R"({"type":"answer","value":"$broken_hop_fault"})")));
}
