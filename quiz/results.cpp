// Saved quiz results: conversion to and from JSON, and the store that loads and saves them safely.
// [SECTION] Records
// [SECTION] JSON
// [SECTION] ResultStore
#include "quiz/results.hpp"

#include <algorithm>
#include <ctime>

#include "sim/io/storage.hpp"

namespace tl::quiz {

namespace {
constexpr int kFormatVersion = 1;
}

// [SECTION] Records

std::string utc_timestamp(std::chrono::system_clock::time_point t) {
    const std::time_t secs = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

AttemptRecord make_record(const Attempt& attempt, std::chrono::system_clock::time_point now, bool practical_played) {
    AttemptRecord r;
    r.date = utc_timestamp(now);
    r.seed = attempt.seed();
    r.score = attempt.score();
    r.total = static_cast<int>(attempt.question_count());
    r.complete = attempt.finished();
    for (size_t q = 0; q < attempt.question_count(); ++q) {
        AnswerRecord a;
        a.question = attempt.question(q).id;
        if (auto g = attempt.grade(q)) {
            a.given = attempt.question(q).options[g->given].id;
            a.correct = g->correct;
        }
        r.answers.push_back(std::move(a));
    }
    if (practical_played) {
        r.practical_score = attempt.practical_score();
        r.practical_total = static_cast<int>(attempt.practical_count());
    }
    return r;
}

// [SECTION] JSON

Json history_to_json(const QuizHistory& h) {
    Json attempts = Json::array();
    for (const auto& a : h.attempts) {
        Json answers = Json::array();
        for (const auto& x : a.answers)
            answers.push_back({{"question", x.question}, {"given", x.given}, {"correct", x.correct}});
        Json rec = {{"date", a.date},   {"seed", a.seed},         {"score", a.score},
                    {"total", a.total}, {"complete", a.complete}, {"answers", std::move(answers)}};
        if (a.practical_total > 0) rec["practical"] = {{"score", a.practical_score}, {"total", a.practical_total}};
        attempts.push_back(std::move(rec));
    }
    return {{"best_score", h.best_score}, {"best_total", h.best_total}, {"attempts", std::move(attempts)}};
}

Result<QuizHistory> parse_history(const Json& j, const std::string& source, const std::string& path) {
    try {
        const JsonIn in(j, source, path);
        in.expect_object();
        in.allow_only({"best_score", "best_total", "attempts"});
        QuizHistory h;
        h.best_score = static_cast<int>(in.integer_or("best_score", 0, 0, 1000));
        h.best_total = static_cast<int>(in.integer_or("best_total", 0, 0, 1000));
        if (auto list = in.opt("attempts")) {
            for (size_t i = 0, n = list->size(); i < n; ++i) {
                const JsonIn a = (*list)[i];
                a.expect_object();
                a.allow_only({"date", "seed", "score", "total", "complete", "answers", "practical"});
                AttemptRecord r;
                r.date = a.at("date").str();
                const JsonIn seed = a.at("seed");
                if (!seed.raw().is_number_unsigned() && !seed.raw().is_number_integer())
                    seed.fail(std::string("expected a whole number, found ") + json_type_name(seed.raw()));
                r.seed = seed.raw().get<uint64_t>();
                r.total = static_cast<int>(a.at("total").integer(0, 1000));
                r.score = static_cast<int>(a.at("score").integer(0, r.total));
                r.complete = a.bool_or("complete", false);
                if (auto answers = a.opt("answers")) {
                    for (size_t k = 0, m = answers->size(); k < m; ++k) {
                        const JsonIn x = (*answers)[k];
                        x.allow_only({"question", "given", "correct"});
                        r.answers.push_back(
                            {x.at("question").str(), x.str_or("given", ""), x.bool_or("correct", false)});
                    }
                }
                if (auto p = a.opt("practical")) {
                    p->allow_only({"score", "total"});
                    r.practical_total = static_cast<int>(p->at("total").integer(0, 1000));
                    r.practical_score = static_cast<int>(p->at("score").integer(0, r.practical_total));
                }
                h.attempts.push_back(std::move(r));
            }
        }
        return h;
    } catch (const LoadError& e) {
        return Result<QuizHistory>::failure(e.what());
    }
}

// [SECTION] ResultStore

ResultStore::ResultStore(std::filesystem::path file, std::string quiz_id)
    : file_(std::move(file)), quiz_id_(std::move(quiz_id)) {}

std::filesystem::path ResultStore::default_path() {
    return data_dir() / "quiz.json";
}

void ResultStore::load() {
    document_ = Json::object();
    history_ = {};
    SavedJson saved = load_saved_json(file_);
    if (!saved.warning.empty()) warnings_.push_back(saved.warning);
    if (!saved.json) return;

    // Parsed, but is it ours? A document of the wrong shape is treated like a corrupt one: kept aside.
    const std::string source = file_.string();
    std::string problem;
    if (!saved.json->is_object()) {
        problem = source + ": /: expected an object, found " + json_type_name(*saved.json);
    } else {
        const Json& doc = *saved.json;
        auto quizzes = doc.find("quizzes");
        if (quizzes != doc.end() && !quizzes->is_object()) {
            problem = source + ": /quizzes: expected an object, found " + json_type_name(*quizzes);
        } else if (quizzes != doc.end()) {
            if (auto mine = quizzes->find(quiz_id_); mine != quizzes->end()) {
                auto h = parse_history(*mine, source, "/quizzes/" + json_pointer_token(quiz_id_));
                if (h)
                    history_ = std::move(h.value());
                else
                    problem = h.error();
            }
        }
    }
    if (problem.empty()) {
        document_ = std::move(*saved.json);
        return;
    }
    const auto backup = backup_file(file_);
    warnings_.push_back(
        problem + "; " +
        (backup.empty() ? std::string("could not make a backup copy") : "a copy was kept as " + backup.string()) +
        ", starting with no saved results");
    // Keep whatever else the document held, minus the part we could not read.
    if (saved.json->is_object()) {
        document_ = std::move(*saved.json);
        if (!document_.contains("quizzes") || !document_["quizzes"].is_object()) document_["quizzes"] = Json::object();
        document_["quizzes"].erase(quiz_id_);
    }
}

bool ResultStore::record(const AttemptRecord& attempt) {
    history_.attempts.push_back(attempt);
    // Best is by fraction right, so a later quiz file with more questions compares fairly.
    const auto better = [](int s, int t, int bs, int bt) {
        return bt == 0 || static_cast<int64_t>(s) * bt > static_cast<int64_t>(bs) * t;
    };
    if (attempt.total > 0 && better(attempt.score, attempt.total, history_.best_score, history_.best_total)) {
        history_.best_score = attempt.score;
        history_.best_total = attempt.total;
    }
    return save();
}

bool ResultStore::record_practical(int score, int total) {
    if (history_.attempts.empty()) return false;
    AttemptRecord& last = history_.attempts.back();
    last.practical_total = std::max(total, 0);
    last.practical_score = std::clamp(score, 0, last.practical_total);
    return save();
}

bool ResultStore::save() {
    document_["version"] = kFormatVersion;
    if (!document_.contains("quizzes") || !document_["quizzes"].is_object()) document_["quizzes"] = Json::object();
    document_["quizzes"][quiz_id_] = history_to_json(history_);
    const std::string err = atomic_write(file_, document_.dump(2) + "\n");
    if (err.empty()) return true;
    warnings_.push_back("results not saved (" + err + "); they are kept until you close tracelab");
    return false;
}

}  // namespace tl::quiz
