// Code generator: a Scenario (with its edits) as a real program traced with OpenTelemetry — JavaScript (runnable:
// package.json + main.js) or Go (go.mod + main.go) — and the per-service view of that code for the code panel.
// - One HTTP server per service on loopback, one TracerProvider per service (its own service.name), the scenario's
//   own times (central values, no jitter), its calls in order (sequential, parallel, repeats), an in-process queue
//   for message hops, each hop's fault written as the code that causes it. Exports over OTLP/HTTP.
// - Every line knows whose code it is and which hop it makes or receives, so the code view can mark the lines that
//   differ from the healthy program and offer the alternatives of a hop line.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/engine/scenario.hpp"

namespace tl::codegen {

// [SECTION] Vocabulary

enum class Language : uint8_t { Go, JavaScript };
const char* to_string(Language l);                         // "go", "js"
std::optional<Language> parse_language(std::string_view s);  // "go", "js" or "javascript"

// A hop as the scenario names it: the `call`-th entry of `caller`'s calls (indices into Scenario::services and
// Service::calls); caller < 0 when a line belongs to no hop.
struct HopRef {
    int caller = -1;
    int call = -1;
    [[nodiscard]] bool valid() const { return caller >= 0 && call >= 0; }
    bool operator==(const HopRef&) const = default;
};

// One generated line and what it stands for.
struct CodeLine {
    std::string text;
    int service = -1;           // the service whose code this is; -1 for set-up, helpers and main
    HopRef hop;                 // the hop this line makes (caller side) or receives (callee side: extraction)
    bool instrumentation = false;  // the line that is there because the service is (or is not) instrumented
    bool differs = false;       // differs from the healthy program (a fault or an uninstrumented service)
    std::string why;            // when it differs: one line on what it does to the trace
};

struct CodeFile {
    std::string path;  // relative to the program folder: "main.js", "package.json", "main.go", "go.mod"
    std::vector<CodeLine> lines;
    [[nodiscard]] std::string text() const;  // the lines joined, ending in one newline
};

struct Program {
    Language language = Language::JavaScript;
    std::vector<CodeFile> files;
    std::string run_commands;  // the shell commands that run it against a local receiver, one per line
    [[nodiscard]] const CodeFile* main_file() const;  // main.js / main.go
};

// [SECTION] Generating

// The whole program for `s` as it is (faults, instrumentation, latencies). Never fails on a validated scenario.
Program generate_program(const Scenario& s, Language lang);

// The lines of `service`'s own code in the program (its tracer, handler and operation), in order.
std::vector<const CodeLine*> service_code(const Program& p, int service);

// The fault modes that mean something on a hop over `t` (in-process: only ok and ctx-dropped).
std::vector<HopFault> applicable_faults(Transport t);

// How hop `hop`'s line reads with fault `f` (the code view's alternatives); "" when the hop does not exist.
// `callee_side`: the line is the callee's extraction, so ok and no-extract read as the handler's code.
std::string hop_line(const Scenario& s, Language lang, HopRef hop, HopFault f, bool callee_side = false);

// Writes every file of `p` into `dir` (created if missing). "" on success, else a message naming the path.
std::string write_program(const Program& p, const std::filesystem::path& dir);

// The npm packages main.js needs, with the versions package.json pins: {name, version}.
const std::vector<std::pair<std::string, std::string>>& js_dependencies();

}  // namespace tl::codegen
