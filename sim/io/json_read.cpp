#include "sim/io/json_read.hpp"

#include <cmath>
#include <fstream>
#include <sstream>

namespace tl {

std::string json_pointer_token(std::string_view key) {
    std::string out;
    for (char c : key) {
        if (c == '~')
            out += "~0";
        else if (c == '/')
            out += "~1";
        else
            out += c;
    }
    return out;
}

const char* json_type_name(const Json& j) {
    switch (j.type()) {
        case Json::value_t::null:
            return "null";
        case Json::value_t::object:
            return "an object";
        case Json::value_t::array:
            return "an array";
        case Json::value_t::string:
            return "a string";
        case Json::value_t::boolean:
            return "a boolean";
        case Json::value_t::number_integer:
        case Json::value_t::number_unsigned:
        case Json::value_t::number_float:
            return "a number";
        case Json::value_t::binary:
            return "binary data";
        case Json::value_t::discarded:
            return "invalid JSON";
    }
    return "a value";
}

Result<Json> parse_json_text(std::string_view text, const std::string& source) {
    return parse_json_text(text, source, 1);
}

Result<Json> parse_json_text(std::string_view text, const std::string& source, size_t first_line) {
    try {
        return Json::parse(text.begin(), text.end());
    } catch (const Json::parse_error& e) {
        // Turn the byte offset into line and column, which is what an editor shows.
        size_t line = first_line, col = 1;
        const size_t end = std::min<size_t>(e.byte == 0 ? 0 : e.byte - 1, text.size());
        for (size_t i = 0; i < end; ++i) {
            if (text[i] == '\n') {
                ++line;
                col = 1;
            } else {
                ++col;
            }
        }
        std::string what = e.what();
        // nlohmann's message starts with "[json.exception.parse_error.101] parse error at line …: "; keep the tail.
        if (auto p = what.find("syntax error"); p != std::string::npos)
            what = what.substr(p);
        else if (auto q = what.rfind(": "); q != std::string::npos)
            what = what.substr(q + 2);
        std::ostringstream msg;
        msg << source << ": line " << line << ", column " << col << ": not valid JSON (" << what << ")";
        return Result<Json>::failure(msg.str());
    } catch (const std::exception& e) {
        return Result<Json>::failure(source + ": not valid JSON (" + e.what() + ")");
    }
}

Result<Json> read_json_file(const std::filesystem::path& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        return Result<Json>::failure(path.string() + ": this is a folder, not a JSON file");
    std::ifstream in(path, std::ios::binary);
    if (!in) return Result<Json>::failure(path.string() + ": cannot open the file");
    std::ostringstream ss;
    ss << in.rdbuf();
    const std::string text = ss.str();
    if (text.find_first_not_of(" \t\r\n") == std::string::npos)
        return Result<Json>::failure(path.string() + ": the file is empty");
    return parse_json_text(text, path.string());
}

void JsonIn::fail(std::string_view message) const {
    std::string m = source_;
    m += ": ";
    m += path_.empty() ? "/" : path_;
    m += ": ";
    m += message;
    throw LoadError(m);
}

void JsonIn::expect_object() const {
    if (!j_->is_object()) fail(std::string("expected an object, found ") + json_type_name(*j_));
}

bool JsonIn::has(std::string_view key) const {
    return j_->is_object() && j_->find(key) != j_->end();
}

JsonIn JsonIn::at(std::string_view key) const {
    expect_object();
    auto it = j_->find(key);
    if (it == j_->end()) fail("missing required field \"" + std::string(key) + "\"");
    return JsonIn(*it, source_, path_ + "/" + json_pointer_token(key));
}

std::optional<JsonIn> JsonIn::opt(std::string_view key) const {
    expect_object();
    auto it = j_->find(key);
    if (it == j_->end() || it->is_null()) return std::nullopt;
    return JsonIn(*it, source_, path_ + "/" + json_pointer_token(key));
}

void JsonIn::allow_only(std::initializer_list<std::string_view> keys) const {
    expect_object();
    for (auto it = j_->begin(); it != j_->end(); ++it) {
        bool known = false;
        for (auto k : keys) known = known || (k == it.key());
        if (known) continue;
        std::string list;
        for (auto k : keys) {
            if (!list.empty()) list += ", ";
            list += k;
        }
        JsonIn(*it, source_, path_ + "/" + json_pointer_token(it.key()))
            .fail("unknown field \"" + it.key() + "\" (expected one of: " + list + ")");
    }
}

size_t JsonIn::size() const {
    if (!j_->is_array()) fail(std::string("expected an array, found ") + json_type_name(*j_));
    return j_->size();
}

JsonIn JsonIn::operator[](size_t i) const {
    return JsonIn((*j_)[i], source_, path_ + "/" + std::to_string(i));
}

std::string JsonIn::str() const {
    if (!j_->is_string()) fail(std::string("expected a string, found ") + json_type_name(*j_));
    return j_->get<std::string>();
}

std::string JsonIn::nonempty_str() const {
    auto s = str();
    if (s.find_first_not_of(" \t\r\n") == std::string::npos) fail("must not be empty");
    return s;
}

bool JsonIn::boolean() const {
    if (!j_->is_boolean()) fail(std::string("expected true or false, found ") + json_type_name(*j_));
    return j_->get<bool>();
}

double JsonIn::number(double min, double max) const {
    if (!j_->is_number()) fail(std::string("expected a number, found ") + json_type_name(*j_));
    const double v = j_->get<double>();
    if (!std::isfinite(v) || v < min || v > max) {
        std::ostringstream m;
        m << v << " is out of range (allowed: " << min << " to " << max << ")";
        fail(m.str());
    }
    return v;
}

int64_t JsonIn::integer(int64_t min, int64_t max) const {
    if (!j_->is_number_integer() && !j_->is_number_unsigned()) {
        if (j_->is_number_float()) fail("expected a whole number, found " + j_->dump());
        fail(std::string("expected a whole number, found ") + json_type_name(*j_));
    }
    if (j_->is_number_unsigned() && j_->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX))
        fail(j_->dump() + " is out of range");
    const int64_t v = j_->get<int64_t>();
    if (v < min || v > max)
        fail(std::to_string(v) + " is out of range (allowed: " + std::to_string(min) + " to " + std::to_string(max) +
             ")");
    return v;
}

std::string JsonIn::str_or(std::string_view key, std::string_view def) const {
    auto o = opt(key);
    return o ? o->str() : std::string(def);
}
bool JsonIn::bool_or(std::string_view key, bool def) const {
    auto o = opt(key);
    return o ? o->boolean() : def;
}
double JsonIn::number_or(std::string_view key, double def, double min, double max) const {
    auto o = opt(key);
    return o ? o->number(min, max) : def;
}
int64_t JsonIn::integer_or(std::string_view key, int64_t def, int64_t min, int64_t max) const {
    auto o = opt(key);
    return o ? o->integer(min, max) : def;
}

}  // namespace tl
