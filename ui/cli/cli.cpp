#include "ui/cli/cli.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <ostream>

#include "sim/engine/scenario.hpp"

namespace tl::cli {

namespace {
const char* kUsage =
    "tracelab — learn distributed tracing by breaking and repairing a simulated request\n"
    "\n"
    "usage:\n"
    "  tracelab [--scenario NAME|FILE] [--latency S=MS]… [--error S=RATE]… [--drop A->B[=MODE]]…\n"
    "           open the desktop app (default: the checkout scenario and the first lesson)\n"
    "  tracelab TRACE_FILE             open a trace file (OTLP JSON/protobuf, Jaeger, Zipkin, Chrome) in the app\n"
    "  tracelab --screenshot OUT.png [--size WxH] [--panel NAME] [--frames N]\n"
    "  tracelab --frame-times N        print p50/p95 frame times of N frames\n"
    "  tracelab --listen [--http ADDR] [--grpc ADDR]\n"
    "           open the app receiving OTLP from your own services (127.0.0.1:4318 and :4317, loopback only\n"
    "           unless you give another address)\n"
    "  tracelab --text-size PERCENT, --theme dark|high-contrast, --lesson ID[:STEP], --baseline FILE, ...\n"
    "           all the app's flags: tracelab --help-app\n"
    "\n"
    "commands:\n"
    "  simulate      simulate requests and print the trace (OTLP/JSON, text, Jaeger, Zipkin, Chrome)\n"
    "  traceparent   validate and explain a W3C traceparent (and tracestate) header\n"
    "  analyze       list the traces in a trace file: roots, orphans, critical path, self time\n"
    "  diff          compare the traces of two files span by span: duration changes, added/removed/moved\n"
    "  export        simulate and send the traces to an OTLP/HTTP collector\n"
    "  receive       a local OTLP endpoint (HTTP and gRPC, loopback): see your own services' traces\n"
    "  sample        run the sampling lab: head and tail sampling over many requests\n"
    "  sampler       show a ratio sampler's decision for trace ids\n"
    "  scenario      write a scenario, with edits applied, as a scenario file\n"
    "  quiz          take the five-question quiz in the terminal\n"
    "  code          write the scenario as a real program traced with OpenTelemetry (Go or JavaScript)\n"
    "\n"
    "Run `tracelab COMMAND --help` for a command's options.\n";
}  // namespace

std::optional<int> run(const Args& args, Io io) {
    if (args.empty()) return std::nullopt;
    const std::string& cmd = args[0];
    const Args rest(args.begin() + 1, args.end());
    if (cmd == "--help" || cmd == "-h" || cmd == "help") {
        io.out << kUsage;
        return 0;
    }
    if (cmd == "--version") {
        io.out << "tracelab 0.1.0\n";
        return 0;
    }
    if (cmd == "simulate") return cmd_simulate(rest, io);
    if (cmd == "traceparent") return cmd_traceparent(rest, io);
    if (cmd == "quiz") return cmd_quiz(rest, io);
    if (cmd == "analyze") return cmd_analyze(rest, io);
    if (cmd == "diff") return cmd_diff(rest, io);
    if (cmd == "export") return cmd_export(rest, io);
    if (cmd == "receive") return cmd_receive(rest, io);
    if (cmd == "sample") return cmd_sample(rest, io);
    if (cmd == "sampler") return cmd_sampler(rest, io);
    if (cmd == "code") return cmd_code(rest, io);
    if (cmd == "scenario") return cmd_scenario(rest, io);
    return std::nullopt;  // GUI flags or a trace file: the app parses them
}

double round_ms(int64_t ns) {
    return std::round(static_cast<double>(ns) / 1000.0) / 1000.0;
}

std::string round_ms_text(int64_t ns) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.3f ms", round_ms(ns));
    return buf;
}

bool parse_u64(const std::string& s, uint64_t& out) {
    auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    return r.ec == std::errc() && r.ptr == s.data() + s.size() && !s.empty();
}

bool parse_double(const std::string& s, double& out) {
    auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    return r.ec == std::errc() && r.ptr == s.data() + s.size() && !s.empty() && std::isfinite(out);
}

bool parse_sim_flag(const Args& args, size_t& i, SimFlags& flags, std::string& error) {
    const std::string& a = args[i];
    std::string name = a, value;
    bool inline_value = false;
    if (auto eq = a.find('='); a.rfind("--", 0) == 0 && eq != std::string::npos) {
        name = a.substr(0, eq);
        value = a.substr(eq + 1);
        inline_value = true;
    }
    static const char* kWithValue[] = {"--scenario", "--seed", "--requests", "--latency", "--error", "--drop"};
    bool takes_value = false;
    for (const char* f : kWithValue) takes_value = takes_value || name == f;
    if (name == "--client-spans") {
        flags.client_spans = true;
        ++i;
        return true;
    }
    if (name == "--no-client-spans") {
        flags.client_spans = false;
        ++i;
        return true;
    }
    if (!takes_value) return false;
    if (!inline_value) {
        if (i + 1 >= args.size()) {
            error = name + " needs a value";
            ++i;
            return true;
        }
        value = args[i + 1];
        i += 2;
    } else {
        ++i;
    }
    if (name == "--scenario") {
        flags.scenario = value;
    } else if (name == "--seed") {
        if (!parse_u64(value, flags.seed)) error = "--seed needs a whole number, got \"" + value + "\"";
    } else if (name == "--requests") {
        uint64_t n = 0;
        if (!parse_u64(value, n) || n == 0 || n > 10'000'000)
            error = "--requests needs a whole number from 1 to 10000000, got \"" + value + "\"";
        else
            flags.requests = static_cast<uint32_t>(n);
    } else if (name == "--latency") {
        flags.latency.push_back(value);
    } else if (name == "--error") {
        flags.error.push_back(value);
    } else if (name == "--drop") {
        flags.drop.push_back(value);
    }
    return true;
}

Result<Scenario> build_scenario(const SimFlags& flags) {
    auto loaded = load_scenario(flags.scenario, asset_dir() / "scenarios");
    if (!loaded) return loaded;
    Scenario s = std::move(loaded.value());
    for (const auto& v : flags.latency)
        if (auto e = apply_latency_flag(s, v); !e.empty())
            return Result<Scenario>::failure("--latency " + v + ": " + e);
    for (const auto& v : flags.error)
        if (auto e = apply_error_flag(s, v); !e.empty()) return Result<Scenario>::failure("--error " + v + ": " + e);
    for (const auto& v : flags.drop)
        if (auto e = apply_drop_flag(s, v); !e.empty()) return Result<Scenario>::failure("--drop " + v + ": " + e);
    if (flags.client_spans) s.client_spans = *flags.client_spans;
    return s;
}

Result<Run> run_simulation(const SimFlags& flags) {
    auto scenario = build_scenario(flags);
    if (!scenario) return Result<Run>::failure(scenario.error());
    EngineOptions opt;
    opt.seed = flags.seed;
    opt.requests = flags.requests;
    return Engine(*scenario).run(opt);
}

const char* sim_flags_help() {
    return "  --scenario NAME|FILE     a built-in scenario (checkout, async-order, fan-out, n-plus-one,\n"
           "                           legacy-proxy) or a scenario JSON file; default checkout\n"
           "  --seed N                 seed for ids and jitter (same seed, same output); default 1\n"
           "  --requests N             how many requests to simulate; default 1\n"
           "  --latency SERVICE=MS     set a service's own processing time in milliseconds\n"
           "  --error SERVICE=RATE     set a service's error probability (0 to 1)\n"
           "  --drop CALLER->CALLEE[=MODE]\n"
           "                           break propagation on a hop; MODE is no-inject (default), no-extract,\n"
           "                           ctx-dropped, no-headers-on-message, flags-dropped or ok\n"
           "  --client-spans           also record client/producer spans for outgoing calls\n";
}

}  // namespace tl::cli
