// Reading user-written JSON with errors a learner can act on.
// - Every loader (scenarios, lessons, quiz, settings, progress) reads through JsonIn, which tracks the
//   JSON Pointer path of the value in hand, so a mistake is reported as
//   `assets/scenarios/x.json: /services/2/calls/0/to: unknown service "paymnts"`.
// - Errors are thrown as LoadError, caught by the loader's entry point and returned as a message.
#pragma once

#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

namespace tl {

using Json = nlohmann::json;

// A failure with a complete, human-readable message ("file: /path: what is wrong").
struct LoadError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Either a value or the message explaining why there is none.
template <class T>
class Result {
public:
    Result(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
    static Result failure(std::string message) { return Result(Fail{std::move(message)}); }
    [[nodiscard]] bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }
    T& value() { return std::get<0>(v_); }
    const T& value() const { return std::get<0>(v_); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() { return value(); }
    const T& operator*() const { return value(); }
    [[nodiscard]] const std::string& error() const { return std::get<1>(v_).message; }

private:
    struct Fail {
        std::string message;
    };
    explicit Result(Fail f) : v_(std::move(f)) {}
    std::variant<T, Fail> v_;
};

// Reads and parses a JSON file. Syntax errors name the file, line and column.
Result<Json> read_json_file(const std::filesystem::path& path);
// Parses JSON text; `source` names it in errors.
Result<Json> parse_json_text(std::string_view text, const std::string& source);
// The same for text that starts on line `first_line` of the source (one line of a JSON Lines file), so
// errors give the line and column in the whole file.
Result<Json> parse_json_text(std::string_view text, const std::string& source, size_t first_line);

// A cursor on one JSON value with its path. Every accessor throws LoadError on a type or range mistake.
class JsonIn {
public:
    JsonIn(const Json& j, std::string source, std::string path = "")
        : j_(&j), source_(std::move(source)), path_(std::move(path)) {}

    [[nodiscard]] const Json& raw() const { return *j_; }
    [[nodiscard]] const std::string& path() const { return path_; }
    [[nodiscard]] const std::string& source() const { return source_; }
    [[noreturn]] void fail(std::string_view message) const;

    // Object access.
    void expect_object() const;
    [[nodiscard]] bool has(std::string_view key) const;
    [[nodiscard]] JsonIn at(std::string_view key) const;  // required
    [[nodiscard]] std::optional<JsonIn> opt(std::string_view key) const;
    // Unknown keys are mistakes (usually typos); the message lists what is allowed.
    void allow_only(std::initializer_list<std::string_view> keys) const;

    // Array access.
    [[nodiscard]] size_t size() const;  // requires an array
    [[nodiscard]] JsonIn operator[](size_t i) const;

    // Scalars.
    [[nodiscard]] std::string str() const;
    [[nodiscard]] std::string nonempty_str() const;
    [[nodiscard]] bool boolean() const;
    [[nodiscard]] double number(double min, double max) const;
    [[nodiscard]] int64_t integer(int64_t min, int64_t max) const;

    // Convenience with defaults for optional fields.
    [[nodiscard]] std::string str_or(std::string_view key, std::string_view def) const;
    [[nodiscard]] bool bool_or(std::string_view key, bool def) const;
    [[nodiscard]] double number_or(std::string_view key, double def, double min, double max) const;
    [[nodiscard]] int64_t integer_or(std::string_view key, int64_t def, int64_t min, int64_t max) const;

private:
    const Json* j_;
    std::string source_;
    std::string path_;
};

// Escapes a JSON Pointer token (~ and /).
std::string json_pointer_token(std::string_view key);
// Describes a JSON value's type for messages ("a string", "an array", …).
const char* json_type_name(const Json& j);

}  // namespace tl
