// Scenario documents: key order for people, atomic saving, content sniffing.
#include "sim/engine/scenario_file.hpp"

#include <algorithm>
#include <array>
#include <fstream>
#include <sstream>
#include <string_view>
#include <vector>

#include "sim/io/storage.hpp"

namespace tl {
namespace fs = std::filesystem;

namespace {
// The order a person reads a scenario in; keys not listed (newer fields) follow, alphabetically.
constexpr std::array<std::string_view, 28> kKeyOrder = {
    "$schema",      "title",        "description",   "entry",      "request_interval_ms",
    "client_spans", "services",     "name",          "role",       "span",
    "kind",         "instrumented", "clock_skew_ms", "latency",    "model",
    "ms",           "jitter_ms",    "work_before",   "error_rate", "parallel",
    "calls",        "to",           "transport",     "network",    "fault",
    "repeat",       "batched",      "attributes"};

size_t rank(const std::string& key) {
    const auto it = std::find(kKeyOrder.begin(), kKeyOrder.end(), key);
    return size_t(it - kKeyOrder.begin());
}

// Copies a document into an insertion-ordered one, objects' keys in kKeyOrder. Attribute maps keep their
// (sorted) order: their keys are the user's. Iterative, so a deep document cannot overflow the stack.
nlohmann::ordered_json ordered(const Json& root) {
    nlohmann::ordered_json out;
    struct Item {
        const Json* from;
        nlohmann::ordered_json* to;
        bool user_keys;
    };
    std::vector<Item> todo{{&root, &out, false}};
    while (!todo.empty()) {
        const Item it = todo.back();
        todo.pop_back();
        const Json& j = *it.from;
        if (j.is_object()) {
            std::vector<std::string> keys;
            for (auto kv = j.begin(); kv != j.end(); ++kv) keys.push_back(kv.key());
            if (!it.user_keys)
                std::stable_sort(keys.begin(), keys.end(),
                                 [](const std::string& a, const std::string& b) { return rank(a) < rank(b); });
            *it.to = nlohmann::ordered_json::object();
            for (const auto& k : keys) (*it.to)[k] = nullptr;
            for (const auto& k : keys) todo.push_back({&j.at(k), &(*it.to)[k], k == "attributes"});
        } else if (j.is_array()) {
            *it.to = nlohmann::ordered_json::array();
            for (size_t i = 0; i < j.size(); ++i) it.to->push_back(nullptr);
            for (size_t i = 0; i < j.size(); ++i) todo.push_back({&j[i], &(*it.to)[i], false});
        } else {
            *it.to = nlohmann::ordered_json::parse(j.dump());
        }
    }
    return out;
}
}  // namespace

std::string scenario_document(const Scenario& s) {
    return ordered(scenario_to_json(s)).dump(2) + "\n";
}

std::string save_scenario_file(const fs::path& path, const Scenario& s) {
    if (path.empty()) return "choose a file name to save the scenario to";
    if (auto e = validate_scenario(s, path.string()); !e.empty()) return e;
    return atomic_write(path, scenario_document(s), ParentFolders::MustExist);
}

bool looks_like_scenario(const Json& j) {
    if (!j.is_object() || !j.contains("services") || !j["services"].is_array()) return false;
    for (const char* trace_key : {"resourceSpans", "data", "traceEvents", "spans", "traceID"})
        if (j.contains(trace_key)) return false;
    return true;
}

bool is_scenario_file(const fs::path& path) {
    std::error_code ec;
    const auto size = fs::file_size(path, ec);
    if (ec || size > 8u * 1024 * 1024) return false;
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    std::ostringstream text;
    text << in.rdbuf();
    const Json j = Json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
    return !j.is_discarded() && looks_like_scenario(j);
}

}  // namespace tl
