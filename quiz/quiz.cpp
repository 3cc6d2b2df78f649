// Quiz loader: turns a quiz JSON document into a validated Quiz, or a message naming file and JSON path.
// [SECTION] Ids and names
// [SECTION] Questions
// [SECTION] Practical tasks
// [SECTION] Entry points
#include "quiz/quiz.hpp"

#include <algorithm>
#include <map>

#include "sim/trace/ids.hpp"

namespace tl::quiz {

// [SECTION] Ids and names

size_t Question::correct_index() const {
    for (size_t i = 0; i < options.size(); ++i)
        if (options[i].correct) return i;
    return 0;  // unreachable for a validated question
}

bool is_valid_lesson_id(std::string_view id) {
    if (id.empty() || id.front() == '-' || id.back() == '-') return false;
    char prev = 0;
    for (char c : id) {
        const bool word = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (!word && c != '-') return false;
        if (c == '-' && prev == '-') return false;
        prev = c;
    }
    return true;
}

const char* practical_goal_name(PracticalGoal g) {
    switch (g) {
        case PracticalGoal::MostSelfTime:
            return "most-self-time";
        case PracticalGoal::NewTraceRoot:
            return "new-trace-root";
    }
    return "?";
}

namespace {

std::string read_id(const JsonIn& in, const char* what) {
    const std::string id = in.nonempty_str();
    if (!is_valid_id(id))
        in.fail(std::string(what) + " \"" + id + "\" must be lowercase letters and digits joined by single dashes");
    return id;
}

std::string read_lesson(const JsonIn& in) {
    const std::string id = in.nonempty_str();
    if (!is_valid_lesson_id(id))
        in.fail("lesson link \"" + id +
                "\" is not a lesson id (lowercase words joined by dashes, e.g. \"traces-and-spans\")");
    return id;
}

// Fails at the later of two equal ids, pointing back at the first.
void check_unique(std::map<std::string, size_t>& seen, const std::string& id, size_t index, const JsonIn& at,
                  const char* what) {
    auto [it, inserted] = seen.emplace(id, index);
    if (!inserted)
        at.fail(std::string("duplicate ") + what + " \"" + id + "\" (also used at index " + std::to_string(it->second) +
                ")");
}

// [SECTION] Questions

Option parse_option(const JsonIn& in) {
    in.expect_object();
    in.allow_only({"id", "text", "correct", "explanation"});
    Option o;
    o.id = read_id(in.at("id"), "option id");
    o.text = in.at("text").nonempty_str();
    o.explanation = in.at("explanation").nonempty_str();
    o.correct = in.bool_or("correct", false);
    return o;
}

Question parse_question(const JsonIn& in) {
    in.expect_object();
    in.allow_only({"id", "prompt", "lesson", "idea", "kind", "options"});
    Question q;
    q.id = read_id(in.at("id"), "question id");
    q.prompt = in.at("prompt").nonempty_str();
    q.lesson = read_lesson(in.at("lesson"));
    q.idea = in.has("idea") ? read_id(in.at("idea"), "idea") : q.lesson;
    if (auto k = in.opt("kind")) {
        const std::string ks = k->str();
        if (ks == "concept")
            q.kind = QuestionKind::Concept;
        else if (ks == "application")
            q.kind = QuestionKind::Application;
        else
            k->fail("unknown question kind \"" + ks + "\" (expected concept or application)");
    }
    const JsonIn opts = in.at("options");
    const size_t n = opts.size();
    if (n != kOptionCount)
        opts.fail("a question needs exactly " + std::to_string(kOptionCount) + " options, found " + std::to_string(n));
    std::map<std::string, size_t> ids;
    size_t correct = 0;
    for (size_t i = 0; i < n; ++i) {
        q.options.push_back(parse_option(opts[i]));
        check_unique(ids, q.options.back().id, i, opts[i].at("id"), "option id");
        if (q.options.back().correct) ++correct;
    }
    if (correct != 1)
        opts.fail(correct == 0
                      ? std::string("no option is marked \"correct\": true (exactly one must be)")
                      : std::to_string(correct) + " options are marked \"correct\": true (exactly one must be)");
    return q;
}

// [SECTION] Practical tasks

std::vector<std::string> read_string_list(const JsonIn& owner, std::string_view key) {
    std::vector<std::string> out;
    auto list = owner.opt(key);
    if (!list) return out;
    for (size_t i = 0, n = list->size(); i < n; ++i) out.push_back((*list)[i].nonempty_str());
    return out;
}

PracticalTask parse_task(const JsonIn& in) {
    in.expect_object();
    in.allow_only({"id", "prompt", "lesson", "goal", "setup", "explanation", "hint"});
    PracticalTask t;
    t.id = read_id(in.at("id"), "task id");
    t.prompt = in.at("prompt").nonempty_str();
    t.lesson = read_lesson(in.at("lesson"));
    const JsonIn goal = in.at("goal");
    const std::string g = goal.str();
    if (g == practical_goal_name(PracticalGoal::MostSelfTime))
        t.goal = PracticalGoal::MostSelfTime;
    else if (g == practical_goal_name(PracticalGoal::NewTraceRoot))
        t.goal = PracticalGoal::NewTraceRoot;
    else
        goal.fail("unknown goal \"" + g + "\" (expected most-self-time or new-trace-root)");
    const JsonIn setup = in.at("setup");
    setup.expect_object();
    setup.allow_only({"scenario", "latency", "drop"});
    t.setup.scenario = setup.at("scenario").nonempty_str();
    t.setup.latency = read_string_list(setup, "latency");
    t.setup.drop = read_string_list(setup, "drop");
    t.explanation = in.at("explanation").nonempty_str();
    t.hint = in.at("hint").nonempty_str();
    return t;
}

}  // namespace

// [SECTION] Entry points

std::vector<std::string> quiz_ideas(const Quiz& bank) {
    std::vector<std::string> ideas;
    for (const Question& q : bank.questions)
        if (std::find(ideas.begin(), ideas.end(), q.idea) == ideas.end()) ideas.push_back(q.idea);
    return ideas;
}

Quiz draw_quiz(const Quiz& bank, uint64_t seed) {
    Quiz out;
    out.id = bank.id;
    out.title = bank.title;
    out.practical = bank.practical;
    Rng rng(seed ^ 0x5155495A42414E4BULL);  // its own stream: the option shuffle uses `seed` as it is
    for (const std::string& idea : quiz_ideas(bank)) {
        std::vector<const Question*> pool;
        for (const Question& q : bank.questions)
            if (q.idea == idea) pool.push_back(&q);
        out.questions.push_back(*pool[rng.next() % pool.size()]);
    }
    return out;
}

Result<Quiz> parse_quiz(const Json& j, const std::string& source) {
    try {
        const JsonIn root(j, source);
        root.expect_object();
        root.allow_only({"id", "title", "questions", "practical"});
        Quiz quiz;
        quiz.id = read_id(root.at("id"), "quiz id");
        quiz.title = root.at("title").nonempty_str();
        const JsonIn qs = root.at("questions");
        if (qs.size() == 0) qs.fail("a quiz needs at least one question");
        std::map<std::string, size_t> ids;
        for (size_t i = 0, n = qs.size(); i < n; ++i) {
            quiz.questions.push_back(parse_question(qs[i]));
            check_unique(ids, quiz.questions.back().id, i, qs[i].at("id"), "question id");
        }
        if (auto ps = root.opt("practical")) {
            std::map<std::string, size_t> task_ids;
            for (size_t i = 0, n = ps->size(); i < n; ++i) {
                quiz.practical.push_back(parse_task((*ps)[i]));
                check_unique(task_ids, quiz.practical.back().id, i, (*ps)[i].at("id"), "task id");
            }
        }
        return quiz;
    } catch (const LoadError& e) {
        return Result<Quiz>::failure(e.what());
    }
}

Result<Quiz> load_quiz_file(const std::filesystem::path& path) {
    auto j = read_json_file(path);
    if (!j) return Result<Quiz>::failure(j.error());
    return parse_quiz(*j, path.string());
}

}  // namespace tl::quiz
