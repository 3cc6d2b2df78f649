// `tracelab scenario`: write a scenario, with the command line's edits applied, as a scenario file, so that
// `tracelab simulate --scenario FILE` gives what the same flags gave.
#include <ostream>

#include "sim/engine/scenario_file.hpp"
#include "ui/cli/cli.hpp"

namespace tl::cli {

namespace {
const char* kHelp =
    "usage: tracelab scenario [--scenario NAME|FILE] [--latency S=MS]... [--error S=RATE]...\n"
    "                         [--drop A->B[=MODE]]... [--client-spans] -o FILE\n"
    "\n"
    "Writes the scenario with the edits applied as a scenario JSON file (the format the app's\n"
    "File > Save scenario as... writes; see assets/scenarios/scenario.schema.json). Simulating the file\n"
    "gives the same output as the same flags: `tracelab simulate --scenario FILE`.\n"
    "\n"
    "options:\n";
const char* kHelpTail =
    "  -o, --output FILE        the file to write (replaced atomically; the folder must exist); - for\n"
    "                           standard output\n"
    "  -h, --help               show this help\n"
    "\n"
    "--seed and --requests are not part of a scenario: give them to simulate.\n";
}  // namespace

int cmd_scenario(const Args& args, Io io) {
    SimFlags flags;
    std::string output;
    for (size_t i = 0; i < args.size();) {
        const std::string& a = args[i];
        if (a.rfind("--seed", 0) == 0 || a.rfind("--requests", 0) == 0) {
            io.err << "tracelab scenario: " << a.substr(0, a.find('='))
                   << " is not part of a scenario (give it to tracelab simulate)\n";
            return 2;
        }
        std::string error;
        if (parse_sim_flag(args, i, flags, error)) {
            if (!error.empty()) {
                io.err << "tracelab scenario: " << error << "\n";
                return 2;
            }
            continue;
        }
        if (a == "-h" || a == "--help") {
            io.out << kHelp << sim_flags_help() << kHelpTail;
            return 0;
        }
        if ((a == "-o" || a == "--output") && i + 1 < args.size()) {
            output = args[i + 1];
            i += 2;
            continue;
        }
        if (a.rfind("--output=", 0) == 0) {
            output = a.substr(9);
            ++i;
            continue;
        }
        io.err << "tracelab scenario: unknown option \"" << a << "\" (see tracelab scenario --help)\n";
        return 2;
    }
    if (output.empty()) {
        io.err << "tracelab scenario: say where to write it: -o FILE (or -o - for standard output)\n";
        return 2;
    }
    auto scenario = build_scenario(flags);
    if (!scenario) {
        io.err << "tracelab scenario: " << scenario.error() << "\n";
        return 1;
    }
    if (output == "-") {
        io.out << scenario_document(*scenario);
        return 0;
    }
    if (auto e = save_scenario_file(output, *scenario); !e.empty()) {
        io.err << "tracelab scenario: " << e << "\n";
        return 1;
    }
    return 0;
}

}  // namespace tl::cli
