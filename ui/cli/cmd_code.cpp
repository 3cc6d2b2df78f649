// `tracelab code`: the scenario (with its edits) as a real program traced with OpenTelemetry, in Go or JavaScript.
#include <ostream>

#include "sim/codegen/codegen.hpp"
#include "ui/cli/cli.hpp"

namespace tl::cli {

namespace {
const char* kHelp =
    "usage: tracelab code [options] --lang go|js [-o DIR]\n"
    "\n"
    "Writes the scenario as a program: one HTTP server per service on loopback, each with its own\n"
    "TracerProvider, the scenario's times and calls, and each hop's fault as the code that causes it.\n"
    "JavaScript (package.json + main.js) runs with `npm install && node main.js [--requests N]`;\n"
    "Go (go.mod + main.go) with `go mod tidy && go run . [-requests N]`. Spans go over OTLP/HTTP to\n"
    "OTEL_EXPORTER_OTLP_ENDPOINT (default http://localhost:4318), e.g. an OpenTelemetry Collector or Jaeger.\n"
    "Without -o, the main file is printed.\n"
    "\n"
    "options:\n";
const char* kHelpTail =
    "  --lang go|js             the language (js is the runnable one); required\n"
    "  -o, --output DIR         write every file of the program into DIR (created if missing)\n"
    "  -h, --help               show this help\n";
}  // namespace

int cmd_code(const Args& args, Io io) {
    SimFlags flags;
    std::string lang_text, output;
    for (size_t i = 0; i < args.size();) {
        std::string error;
        if (parse_sim_flag(args, i, flags, error)) {
            if (!error.empty()) {
                io.err << "tracelab code: " << error << "\n";
                return 2;
            }
            continue;
        }
        const std::string& a = args[i];
        if (a == "-h" || a == "--help") {
            io.out << kHelp << sim_flags_help() << kHelpTail;
            return 0;
        }
        if ((a == "--lang" || a == "-o" || a == "--output") && i + 1 < args.size()) {
            (a == "--lang" ? lang_text : output) = args[i + 1];
            i += 2;
            continue;
        }
        if (a.rfind("--lang=", 0) == 0) {
            lang_text = a.substr(7);
            ++i;
            continue;
        }
        io.err << "tracelab code: unknown option \"" << a << "\" (see tracelab code --help)\n";
        return 2;
    }
    if (lang_text.empty()) {
        io.err << "tracelab code: --lang go|js is required\n";
        return 2;
    }
    const auto lang = codegen::parse_language(lang_text);
    if (!lang) {
        io.err << "tracelab code: unknown language \"" << lang_text << "\" (use go or js)\n";
        return 2;
    }
    auto scenario = build_scenario(flags);
    if (!scenario) {
        io.err << "tracelab code: " << scenario.error() << "\n";
        return 1;
    }
    const codegen::Program program = codegen::generate_program(*scenario, *lang);
    if (output.empty()) {
        if (const codegen::CodeFile* f = program.main_file()) io.out << f->text();
        return 0;
    }
    if (auto err = codegen::write_program(program, output); !err.empty()) {
        io.err << "tracelab code: " << err << "\n";
        return 1;
    }
    io.out << "wrote " << output << "; run it with:\n  cd " << output << "\n";
    for (size_t start = 0; start < program.run_commands.size();) {
        size_t end = program.run_commands.find('\n', start);
        if (end == std::string::npos) end = program.run_commands.size();
        io.out << "  " << program.run_commands.substr(start, end - start) << "\n";
        start = end + 1;
    }
    return 0;
}

}  // namespace tl::cli
