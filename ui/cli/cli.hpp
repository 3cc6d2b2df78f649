// The command line of the one `tracelab` binary: `tracelab COMMAND …` runs without a window.
// - run() dispatches; a command gets the arguments after its name and returns the exit code.
// - Conventions: `--help` on every command prints usage and exits 0; usage errors go to stderr with exit 2;
//   other failures exit 1.
// - Commands are plain functions over streams so tests drive them without a process.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "sim/engine/engine.hpp"
#include "sim/engine/scenario.hpp"
#include "sim/io/json_read.hpp"

namespace tl::cli {

struct Io {
    std::istream& in;
    std::ostream& out;
    std::ostream& err;
};

using Args = std::vector<std::string>;

// Runs a command; std::nullopt when the arguments ask for the desktop app instead.
std::optional<int> run(const Args& args, Io io);

int cmd_simulate(const Args& args, Io io);
// The indented text waterfall of `simulate --format text`.
std::string text_waterfall(const TraceStore& store);
int cmd_traceparent(const Args& args, Io io);
int cmd_quiz(const Args& args, Io io);
int cmd_analyze(const Args& args, Io io);
int cmd_diff(const Args& args, Io io);
int cmd_export(const Args& args, Io io);
int cmd_sample(const Args& args, Io io);
int cmd_sampler(const Args& args, Io io);
// `tracelab code`: the scenario as a Go or JavaScript program (sim/codegen).
int cmd_code(const Args& args, Io io);
// `tracelab scenario`: writes the (edited) scenario as a scenario file.
int cmd_scenario(const Args& args, Io io);
// `tracelab receive`: runs until SIGINT/SIGTERM (or `stop`, for tests driving it in a thread).
int cmd_receive(const Args& args, Io io);
int run_receive(const Args& args, Io io, std::stop_token stop);

// [SECTION] Simulation flags shared by simulate, export, sample and the app

struct SimFlags {
    std::string scenario = "checkout";
    uint64_t seed = 1;
    uint32_t requests = 1;
    std::vector<std::string> latency;  // SERVICE=MS
    std::vector<std::string> error;    // SERVICE=RATE
    std::vector<std::string> drop;     // CALLER->CALLEE[=MODE]
    std::optional<bool> client_spans;
};

// If args[i] is a simulation flag, consumes it (and its value), advancing i, and returns true.
// A malformed value sets `error`.
bool parse_sim_flag(const Args& args, size_t& i, SimFlags& flags, std::string& error);
// Loads the scenario and applies the edits in the flags.
Result<Scenario> build_scenario(const SimFlags& flags);
// build_scenario, then simulates flags.requests requests from flags.seed.
Result<Run> run_simulation(const SimFlags& flags);
// The usage text of the shared flags, for --help.
const char* sim_flags_help();

// Milliseconds rounded to the microsecond, the precision every trace format carries; and as "12.345 ms".
double round_ms(int64_t ns);
std::string round_ms_text(int64_t ns);

// Parses a whole number / real number, with a usage error message on failure.
bool parse_u64(const std::string& s, uint64_t& out);
bool parse_double(const std::string& s, double& out);

}  // namespace tl::cli
