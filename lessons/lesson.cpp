// Lesson loader: validates lesson files through JsonIn so every mistake names file and JSON path.
// [SECTION] Helpers  [SECTION] Body and glossary  [SECTION] Steps  [SECTION] Entry points
#include "lessons/lesson.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <set>

namespace tl::lessons {

// [SECTION] Helpers

bool is_valid_lesson_id(std::string_view id) {
    if (id.empty() || id.front() == '-' || id.back() == '-') return false;
    char prev = 'a';
    for (char c : id) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
        if (!ok || (c == '-' && prev == '-')) return false;
        prev = c;
    }
    return true;
}

namespace {
size_t count_words(std::string_view text) {
    size_t n = 0;
    bool in_word = false;
    for (char c : text) {
        const bool space = std::isspace(static_cast<unsigned char>(c)) != 0;
        if (!space && !in_word) ++n;
        in_word = !space;
    }
    return n;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string read_id(const JsonIn& in, const char* what) {
    std::string id = in.str();
    if (!is_valid_lesson_id(id))
        in.fail(std::string(what) + " \"" + id +
                "\" must be lowercase words joined by dashes (e.g. \"traces-and-spans\")");
    return id;
}

std::vector<LessonAction> read_actions(const JsonIn& owner, std::string_view key) {
    std::vector<LessonAction> out;
    auto list = owner.opt(key);
    if (!list) return out;
    for (size_t i = 0, n = list->size(); i < n; ++i) out.push_back(parse_action((*list)[i]));
    return out;
}
}  // namespace

size_t prose_word_count(const Lesson& l) {
    size_t n = 0;
    for (const Block& b : l.body)
        if (b.kind != Block::Kind::Code) n += count_words(b.text);
    return n;
}

size_t reading_word_count(const Lesson& l) {
    size_t n = prose_word_count(l);
    for (const Step& s : l.steps) {
        n += count_words(s.instruction) + count_words(s.done_text);
        for (const std::string& c : s.choices) n += count_words(c);
    }
    return n;
}

namespace {
// Whether `word` appears in the text as a whole word ("ok" is not in "broken").
bool mentions(const std::string& low_text, std::string_view word) {
    if (word.empty()) return false;
    const std::string w = lower(word);
    const auto is_word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
    for (size_t p = low_text.find(w); p != std::string::npos; p = low_text.find(w, p + 1)) {
        const bool start = p == 0 || !is_word(low_text[p - 1]) || !is_word(w.front());
        const size_t e = p + w.size();
        const bool end = e >= low_text.size() || !is_word(low_text[e]) || !is_word(w.back());
        if (start && end) return true;
    }
    return false;
}

std::string number_words(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

// Whether `text` (lowercased) names this action's control and the value it sets.
bool names_action(const std::string& text, const LessonAction& a) {
    switch (a.kind) {
        case ActionKind::SetLatency:
        case ActionKind::SetJitter:
        case ActionKind::SetClockSkew:
            return mentions(text, a.service) && mentions(text, number_words(a.value));
        case ActionKind::SetErrorRate:
            return mentions(text, a.service) &&
                   (mentions(text, number_words(a.value)) || mentions(text, number_words(a.value * 100) + "%") ||
                    mentions(text, number_words(a.value * 100) + " %"));
        case ActionKind::SetHopFault:
            return a.fault == HopFault::Ok ? mentions(text, a.from) && mentions(text, a.to)
                                           : mentions(text, to_string(a.fault));
        case ActionKind::SetInstrumented:
            return mentions(text, a.service) && mentions(text, "instrument");
        case ActionKind::SetParallel:
            return mentions(text, a.service) && mentions(text, "parallel");
        case ActionKind::SelectSpan:
            if (!a.span.special.empty()) return a.span.special == "root" && mentions(text, "root");
            return (!a.span.name.empty() && mentions(text, a.span.name)) ||
                   (a.span.name.empty() && !a.span.service.empty() && mentions(text, a.span.service));
        case ActionKind::SetHeadSampler:
            return mentions(text, a.sampler) || mentions(text, number_words(a.value));
        case ActionKind::OpenPanel:
            return true;  // navigation: where to look is not the answer
        case ActionKind::SetGhosts:
            return mentions(text, "ghost");
        case ActionKind::SetClientSpans:
            return mentions(text, "client span");
        case ActionKind::SetBatched:
            return mentions(text, "batch");
        case ActionKind::Answer:
            return !a.answer.starts_with('$') && mentions(text, a.answer);
        case ActionKind::LoadScenario:
            return mentions(text, a.scenario);
        case ActionKind::RepairAllHops:
        case ActionKind::OpenLiveTail:
            return false;
        case ActionKind::PlayLive:
            return true;  // starting the traffic is the scene, not the answer
        default:
            return false;  // random faults are never in the instruction
    }
}

bool goal_asks(const Goal& g) {
    if (g.kind == GoalKind::AnswerIs) return true;
    return std::any_of(g.children.begin(), g.children.end(), goal_asks);
}
}  // namespace

bool instruction_names_solution(const Step& s) {
    const std::string text = lower(s.instruction);
    bool any = false;
    for (const LessonAction& a : s.solution) {
        if (a.kind == ActionKind::OpenPanel || a.kind == ActionKind::ClearSelection || a.kind == ActionKind::PlayLive)
            continue;
        any = true;
        if (!names_action(text, a)) return false;
    }
    return any;
}

bool asks_question(const Step& s) {
    return goal_asks(s.goal);
}

// [SECTION] Body and glossary

namespace {
Block parse_block(const JsonIn& in) {
    Block b;
    if (in.raw().is_string()) {
        b.text = in.nonempty_str();
        return b;
    }
    if (!in.raw().is_object())
        in.fail(std::string("a body block is a paragraph string or an object with \"heading\" or \"code\", found ") +
                json_type_name(in.raw()));
    if (in.has("heading")) {
        in.allow_only({"heading"});
        b.kind = Block::Kind::Heading;
        b.text = in.at("heading").nonempty_str();
        return b;
    }
    if (in.has("code")) {
        in.allow_only({"code", "language"});
        b.kind = Block::Kind::Code;
        const JsonIn code = in.at("code");
        // Code may be one string or an array of lines (easier to read in the file).
        if (code.raw().is_array()) {
            for (size_t i = 0, n = code.size(); i < n; ++i) b.text += code[i].str() + "\n";
            if (!b.text.empty()) b.text.pop_back();
        } else {
            b.text = code.str();
        }
        if (b.text.find_first_not_of(" \n") == std::string::npos) code.fail("must not be empty");
        b.language = in.at("language").nonempty_str();
        return b;
    }
    in.fail("a body block object needs \"heading\" or \"code\"");
}

GlossaryEntry parse_glossary_entry(const JsonIn& in) {
    in.expect_object();
    in.allow_only({"term", "definition"});
    return {in.at("term").nonempty_str(), in.at("definition").nonempty_str()};
}

// [SECTION] Steps

Step parse_step(const JsonIn& in) {
    in.expect_object();
    in.allow_only(
        {"id", "instruction", "setup", "goal", "hints", "solution", "done", "choices", "feedback", "hide_hints"});
    Step s;
    s.id = read_id(in.at("id"), "step id");
    s.instruction = in.at("instruction").nonempty_str();
    s.setup = read_actions(in, "setup");
    s.goal = parse_goal(in.at("goal"));
    if (auto hints = in.opt("hints"))
        for (size_t i = 0, n = hints->size(); i < n; ++i) s.hints.push_back((*hints)[i].nonempty_str());
    const JsonIn solution = in.at("solution");
    if (solution.size() == 0) solution.fail("a step needs at least one solution action (\"show me\" applies them)");
    s.solution = read_actions(in, "solution");
    s.done_text = in.str_or("done", "");
    if (auto c = in.opt("choices")) {
        for (size_t i = 0, n = c->size(); i < n; ++i) s.choices.push_back((*c)[i].nonempty_str());
        if (s.choices.size() < 2) c->fail("a question needs at least two choices");
    }
    s.feedback = in.str_or("feedback", "");
    s.hide_hints = in.bool_or("hide_hints", false);
    if (!s.choices.empty() && !asks_question(s))
        in.at("choices").fail("choices need a goal that reads the answer (\"answer_is\")");
    return s;
}
}  // namespace

// [SECTION] Entry points

Result<Lesson> parse_lesson(const Json& j, const std::string& source) {
    try {
        const JsonIn root(j, source);
        root.expect_object();
        root.allow_only({"id", "order", "title", "summary", "body", "glossary", "steps"});
        Lesson l;
        l.source = source;
        l.id = read_id(root.at("id"), "lesson id");
        l.order = static_cast<int>(root.at("order").integer(1, 1000));
        l.title = root.at("title").nonempty_str();
        l.summary = root.str_or("summary", "");

        const JsonIn body = root.at("body");
        if (body.size() == 0) body.fail("a lesson needs at least one paragraph");
        for (size_t i = 0, n = body.size(); i < n; ++i) l.body.push_back(parse_block(body[i]));

        std::string prose;
        for (const Block& b : l.body)
            if (b.kind != Block::Kind::Code) prose += lower(b.text) + "\n";
        if (auto gl = root.opt("glossary")) {
            std::set<std::string> terms;
            for (size_t i = 0, n = gl->size(); i < n; ++i) {
                l.glossary.push_back(parse_glossary_entry((*gl)[i]));
                const std::string t = lower(l.glossary.back().term);
                if (!terms.insert(t).second)
                    (*gl)[i].at("term").fail("glossary term \"" + l.glossary.back().term + "\" appears twice");
                // Terms are highlighted in the prose, so each must actually be used there.
                if (prose.find(t) == std::string::npos)
                    (*gl)[i].at("term").fail("glossary term \"" + l.glossary.back().term +
                                             "\" does not appear in the lesson's text");
            }
        }

        const JsonIn steps = root.at("steps");
        if (steps.size() == 0) steps.fail("a lesson needs at least one hands-on step");
        std::map<std::string, size_t> ids;
        for (size_t i = 0, n = steps.size(); i < n; ++i) {
            l.steps.push_back(parse_step(steps[i]));
            auto [it, fresh] = ids.emplace(l.steps.back().id, i);
            if (!fresh)
                steps[i].at("id").fail("step id \"" + l.steps.back().id + "\" is already used by step " +
                                       std::to_string(it->second));
        }
        return l;
    } catch (const LoadError& e) {
        return Result<Lesson>::failure(e.what());
    }
}

Result<Lesson> load_lesson_file(const std::filesystem::path& path) {
    auto j = read_json_file(path);
    if (!j) return Result<Lesson>::failure(j.error());
    return parse_lesson(*j, path.string());
}

Result<std::vector<Lesson>> load_course(const std::filesystem::path& dir) {
    using Out = Result<std::vector<Lesson>>;
    std::error_code ec;
    std::vector<std::filesystem::path> files;
    for (auto it = std::filesystem::directory_iterator(dir, ec); !ec && it != std::filesystem::directory_iterator();
         it.increment(ec))
        if (it->path().extension() == ".json") files.push_back(it->path());
    if (ec) return Out::failure(dir.string() + ": cannot read the lesson folder (" + ec.message() + ")");
    if (files.empty()) return Out::failure(dir.string() + ": no lesson files (*.json) found");
    std::sort(files.begin(), files.end());
    std::vector<Lesson> course;
    for (const auto& f : files) {
        auto l = load_lesson_file(f);
        if (!l) return Out::failure(l.error());
        for (const Lesson& other : course) {
            if (other.id == l->id)
                return Out::failure(f.string() + ": /id: lesson id \"" + l->id + "\" is already used by " +
                                    other.source);
            if (other.order == l->order)
                return Out::failure(f.string() + ": /order: position " + std::to_string(l->order) +
                                    " is already taken by " + other.source);
        }
        course.push_back(std::move(l.value()));
    }
    std::sort(course.begin(), course.end(), [](const Lesson& a, const Lesson& b) { return a.order < b.order; });
    return course;
}

}  // namespace tl::lessons
