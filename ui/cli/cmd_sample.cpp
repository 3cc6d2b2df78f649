// `tracelab sample`: the sampling lab on the command line — many requests through a head sampler and tail
// policies, then what the storage holds compared with what really happened.
#include <ostream>

#include "sim/sampling/sampling_lab.hpp"
#include "ui/cli/cli.hpp"

namespace tl::cli {

namespace {
const char* kHelp =
    "usage: tracelab sample [options]\n"
    "\n"
    "Simulates many requests, samples them at the head (in the SDK, when a trace starts) and at the tail\n"
    "(in a collector, once the trace is complete), and reports what was kept: how many errored and slow\n"
    "requests survive, how much storage the spans take, and what the stored traces say about latency.\n"
    "\n"
    "options:\n";
const char* kHelpTail =
    "  --head KIND              head sampler: always, never, ratio (TraceIDRatioBased on every span),\n"
    "                           parent-ratio (ParentBased with a ratio root; default) or probability\n"
    "                           (consistent probability sampling, writes ot=th:… into tracestate)\n"
    "  --ratio R                head sampling ratio from 0 to 1; default 0.01\n"
    "  --tail-probability P     tail policy: keep P percent of traces (0 to 100), by trace id hash\n"
    "  --tail-errors            tail policy: keep traces with an ERROR span\n"
    "  --tail-latency MS        tail policy: keep traces lasting at least MS milliseconds\n"
    "                           (a trace is kept when any tail policy keeps it; none: keep all)\n"
    "  --decision-wait MS       how long the collector waits after a trace's first span; default 30000\n"
    "  --export-delay MS        spans reach the collector up to MS after they end; default 0\n"
    "  --jitter F               give services without jitter a spread of F times their time; default 0.3\n"
    "  --json                   print the report as JSON\n"
    "  -h, --help               show this help\n"
    "\n"
    "The default is 100000 requests. Example: tracelab sample --requests 1000000 --ratio 0.01 \\\n"
    "  --tail-errors --error payments=0.02\n";

bool take_value(const Args& args, size_t& i, std::string& name, std::string& value) {
    const std::string& a = args[i];
    if (auto eq = a.find('='); a.rfind("--", 0) == 0 && eq != std::string::npos) {
        name = a.substr(0, eq);
        value = a.substr(eq + 1);
        ++i;
        return true;
    }
    name = a;
    if (i + 1 >= args.size()) return false;
    value = args[i + 1];
    i += 2;
    return true;
}
}  // namespace

int cmd_sample(const Args& args, Io io) {
    SimFlags flags;
    flags.requests = 100'000;
    SamplingLabConfig cfg;
    bool json = false;
    auto usage = [&](const std::string& msg) {
        io.err << "tracelab sample: " << msg << "\n";
        return 2;
    };
    for (size_t i = 0; i < args.size();) {
        std::string error;
        if (parse_sim_flag(args, i, flags, error)) {
            if (!error.empty()) return usage(error);
            continue;
        }
        const std::string& a = args[i];
        if (a == "-h" || a == "--help") {
            io.out << kHelp << sim_flags_help() << kHelpTail;
            return 0;
        }
        if (a == "--json") {
            json = true;
            ++i;
            continue;
        }
        if (a == "--tail-errors") {
            cfg.tail.policies.push_back(TailPolicy::errors());
            ++i;
            continue;
        }
        const std::string flag = a.substr(0, a.find('='));
        static const char* kWithValue[] = {"--head",         "--ratio",         "--tail-probability",
                                           "--tail-latency", "--decision-wait", "--export-delay",
                                           "--jitter"};
        bool known = false;
        for (const char* f : kWithValue) known = known || flag == f;
        if (!known) return usage("unknown option \"" + a + "\" (see tracelab sample --help)");
        std::string name, value;
        if (!take_value(args, i, name, value)) return usage(name + " needs a value");
        double v = 0;
        if (name == "--head") {
            auto k = parse_head_kind(value);
            if (!k)
                return usage("--head must be always, never, ratio, parent-ratio or probability, got \"" + value + "\"");
            cfg.head = *k;
        } else if (!parse_double(value, v)) {
            return usage(name + " needs a number, got \"" + value + "\"");
        } else if (name == "--ratio") {
            if (v < 0 || v > 1) return usage("--ratio must be from 0 to 1, got " + value);
            cfg.ratio = v;
        } else if (name == "--tail-probability") {
            if (v < 0 || v > 100) return usage("--tail-probability is a percentage from 0 to 100, got " + value);
            cfg.tail.policies.push_back(TailPolicy::probabilistic(v));
        } else if (name == "--tail-latency") {
            if (v < 0 || v > 3'600'000) return usage("--tail-latency must be from 0 to 3600000 ms, got " + value);
            cfg.tail.policies.push_back(TailPolicy::latency(static_cast<int64_t>(v)));
        } else if (name == "--decision-wait") {
            if (v < 0 || v > 3'600'000) return usage("--decision-wait must be from 0 to 3600000 ms, got " + value);
            cfg.tail.decision_wait_ms = static_cast<int64_t>(v);
        } else if (name == "--export-delay") {
            if (v < 0 || v > 3'600'000) return usage("--export-delay must be from 0 to 3600000 ms, got " + value);
            cfg.export_delay_ms = v;
        } else if (name == "--jitter") {
            if (v < 0 || v > 10) return usage("--jitter must be from 0 to 10, got " + value);
            cfg.jitter_fraction = v;
        }
    }
    auto scenario = build_scenario(flags);
    if (!scenario) {
        io.err << "tracelab sample: " << scenario.error() << "\n";
        return 1;
    }
    cfg.requests = flags.requests;
    cfg.seed = flags.seed;
    auto report = run_sampling_lab(*scenario, cfg);
    if (!report) {
        io.err << "tracelab sample: " << report.error() << "\n";
        return 1;
    }
    if (json)
        io.out << lab_report_json(*report).dump(2) << "\n";
    else
        io.out << lab_report_text(*report);
    return 0;
}

}  // namespace tl::cli
