// `tracelab simulate`: run the scenario and print what a tracing backend would receive.
#include <cstdio>
#include <fstream>
#include <ostream>
#include <sstream>

#include "sim/trace/analysis.hpp"
#include "sim/engine/engine.hpp"
#include "sim/formats/formats.hpp"
#include "sim/io/storage.hpp"
#include "ui/cli/cli.hpp"

namespace tl::cli {

namespace {
const char* kHelp =
    "usage: tracelab simulate [options]\n"
    "\n"
    "Simulates requests through a scenario and prints the spans a tracing backend would receive.\n"
    "\n"
    "options:\n";
const char* kHelpTail =
    "  --format FORMAT          otlp (default: an OTLP/JSON ExportTraceServiceRequest), text (an indented\n"
    "                           waterfall per trace), jaeger, zipkin or chrome\n"
    "  -o, --output FILE        write to FILE instead of standard output\n"
    "  -h, --help               show this help\n";

std::string ms_text(int64_t ns) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f ms", static_cast<double>(ns) / 1e6);
    return buf;
}
}  // namespace

// The waterfall as text: one block per trace, one line per span, indented by depth.
std::string text_waterfall(const TraceStore& store) {
    const Analysis a = analyze(store);
    std::ostringstream out;
    for (size_t t = 0; t < a.traces.size(); ++t) {
        const TraceInfo& tr = a.traces[t];
        out << "trace " << to_hex(tr.id) << "  (" << tr.spans.size() << (tr.spans.size() == 1 ? " span, " : " spans, ")
            << ms_text(tr.duration_ns()) << ")";
        if (tr.root < 0)
            out << "  [no root]";
        else if (!tr.orphans.empty())
            out << "  [incomplete]";
        out << "\n";
        for (uint32_t si : tr.spans) {
            const Span& s = store.spans[si];
            const int depth = a.depth[si];
            std::string label(static_cast<size_t>(depth) * 2, ' ');
            label += std::string(store.str(s.name)) + " [" + std::string(store.str(s.service)) + "]";
            const double offset_ms = static_cast<double>(s.start_ns - tr.start_ns) / 1e6;
            char line[512];
            std::snprintf(line, sizeof line, "  %-52s %10s  +%.1f ms%s\n", label.c_str(),
                          ms_text(s.duration_ns()).c_str(), offset_ms, s.status == StatusCode::Error ? "  ERROR" : "");
            out << line;
        }
        if (t + 1 < a.traces.size()) out << "\n";
    }
    return out.str();
}

int cmd_simulate(const Args& args, Io io) {
    SimFlags flags;
    std::string format = "otlp";
    std::string output;
    for (size_t i = 0; i < args.size();) {
        std::string error;
        if (parse_sim_flag(args, i, flags, error)) {
            if (!error.empty()) {
                io.err << "tracelab simulate: " << error << "\n";
                return 2;
            }
            continue;
        }
        const std::string& a = args[i];
        if (a == "-h" || a == "--help") {
            io.out << kHelp << sim_flags_help() << kHelpTail;
            return 0;
        }
        if ((a == "--format" || a == "-o" || a == "--output") && i + 1 < args.size()) {
            (a == "--format" ? format : output) = args[i + 1];
            i += 2;
            continue;
        }
        if (a.rfind("--format=", 0) == 0) {
            format = a.substr(9);
            ++i;
            continue;
        }
        io.err << "tracelab simulate: unknown option \"" << a << "\" (see tracelab simulate --help)\n";
        return 2;
    }
    if (format != "text" && !parse_trace_format(format)) {
        io.err << "tracelab simulate: unknown format \"" << format << "\" (use otlp, text, jaeger, zipkin or chrome)\n";
        return 2;
    }
    auto simulated = run_simulation(flags);
    if (!simulated) {
        io.err << "tracelab simulate: " << simulated.error() << "\n";
        return 1;
    }
    const Run& run = *simulated;
    std::string doc =
        format == "text" ? text_waterfall(run.observed) : write_trace(run.observed, *parse_trace_format(format));
    if (!doc.empty() && doc.back() != '\n') doc += '\n';  // one newline at the end, never a blank last line
    if (output.empty()) {
        io.out << doc;
    } else if (auto err = atomic_write(output, doc, ParentFolders::MustExist); !err.empty()) {
        io.err << "tracelab simulate: " << err << "\n";
        return 1;
    }
    return 0;
}

}  // namespace tl::cli
