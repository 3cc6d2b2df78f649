// Saved quiz results: best score and the history of attempts, kept in `data_dir()/quiz.json`.
// - Writes are atomic (sim/io/storage.hpp). A corrupt or malformed file is backed up as `.corrupt-N` with a
//   warning; an unwritable location gives a warning and the results stay in memory for the session.
// - The file holds results per quiz id and any fields it does not know are written back untouched, so
//   saving one quiz's attempt never drops anything else stored there.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "quiz/attempt.hpp"
#include "sim/io/json_read.hpp"

namespace tl::quiz {

struct AnswerRecord {
    std::string question;  // question id
    std::string given;     // option id, "" when left unanswered
    bool correct = false;
};

struct AttemptRecord {
    std::string date;  // UTC, ISO 8601 ("2025-03-01T09:30:00Z")
    uint64_t seed = 0;
    int score = 0;
    int total = 0;
    bool complete = false;  // every question answered
    std::vector<AnswerRecord> answers;
    int practical_score = 0;
    int practical_total = 0;  // 0 when the practical round was not played
};

struct QuizHistory {
    int best_score = 0;
    int best_total = 0;
    std::vector<AttemptRecord> attempts;  // oldest first
};

// Builds the record of an attempt (answered or not) at time `now`.
AttemptRecord make_record(const Attempt& attempt, std::chrono::system_clock::time_point now,
                          bool practical_played = false);
std::string utc_timestamp(std::chrono::system_clock::time_point t);

class ResultStore {
public:
    // `file` is usually default_path(); tests pass a path in a temporary directory.
    ResultStore(std::filesystem::path file, std::string quiz_id);
    static std::filesystem::path default_path();

    // Reads the file. Missing → empty history. Empty, corrupt or malformed → backed up, warning, empty history.
    void load();
    // Appends an attempt, updates the best score and saves. Returns false (with a warning) when the file
    // could not be written; the attempt is still kept in memory.
    bool record(const AttemptRecord& attempt);
    // The practical round is played after the questions were recorded: stores its score on the latest
    // attempt and saves. False when there is no attempt, or (with a warning) when the file could not be written.
    bool record_practical(int score, int total);

    [[nodiscard]] const QuizHistory& history() const { return history_; }
    [[nodiscard]] const std::filesystem::path& file() const { return file_; }
    // Everything the learner should be told, oldest first.
    [[nodiscard]] const std::vector<std::string>& warnings() const { return warnings_; }

private:
    bool save();

    std::filesystem::path file_;
    std::string quiz_id_;
    Json document_ = Json::object();  // the whole file, so unknown content survives a save
    QuizHistory history_;
    std::vector<std::string> warnings_;
};

// Conversions, exposed for tests.
Json history_to_json(const QuizHistory& h);
Result<QuizHistory> parse_history(const Json& j, const std::string& source, const std::string& path);

}  // namespace tl::quiz
