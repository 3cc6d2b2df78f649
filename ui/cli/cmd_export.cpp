// `tracelab export`: simulates requests and sends the observed spans to an OTLP/HTTP collector (JSON
// encoding), e.g. a local Jaeger or OpenTelemetry Collector on port 4318. Exit 0 only when it accepted them.
#include <chrono>
#include <cmath>
#include <ostream>

#include "sim/engine/engine.hpp"
#include "sim/formats/formats.hpp"
#include "ui/cli/cli.hpp"
#include "ui/cli/otlp_http.hpp"

namespace tl::cli {

namespace {

const char* kExportHelp =
    "usage: tracelab export [simulation options] [--format otlp] [--endpoint URL] [--timeout SECONDS]\n"
    "                       [--header 'NAME: VALUE']…\n"
    "\n"
    "Simulates requests and sends the spans to an OTLP/HTTP collector as OTLP/JSON.\n"
    "\n"
    "  --endpoint URL           the full traces URL; default: $OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, else\n"
    "                           $OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces, else http://localhost:4318/v1/traces\n"
    "  --timeout SECONDS        give up after this long, retries included; default 10\n"
    "  --header 'NAME: VALUE'   an extra HTTP header (repeatable), e.g. for an API key\n"
    "  --format otlp            the only format OTLP/HTTP carries (accepted for symmetry with simulate)\n"
    "\n"
    "Answers 429, 502, 503 and 504 are retried (honouring Retry-After) with growing pauses; any other\n"
    "error is final. Exit status: 0 when the collector accepted every span, 1 otherwise, 2 for usage errors.\n"
    "\n"
    "simulation options:\n";

}  // namespace

int cmd_export(const Args& args, Io io) {
    SimFlags flags;
    std::string endpoint_flag;
    otlp::HttpExportOptions options;
    for (size_t i = 0; i < args.size();) {
        std::string error;
        if (parse_sim_flag(args, i, flags, error)) {
            if (!error.empty()) {
                io.err << "tracelab export: " << error << "\n";
                return 2;
            }
            continue;
        }
        std::string a = args[i], value;
        bool has_value = false;
        if (auto eq = a.find('='); a.rfind("--", 0) == 0 && eq != std::string::npos) {
            value = a.substr(eq + 1);
            a = a.substr(0, eq);
            has_value = true;
        }
        if (a == "-h" || a == "--help") {
            io.out << kExportHelp << sim_flags_help();
            return 0;
        }
        if (a != "--format" && a != "--endpoint" && a != "--timeout" && a != "--header") {
            io.err << "tracelab export: unknown option \"" << args[i] << "\" (see tracelab export --help)\n";
            return 2;
        }
        if (!has_value) {
            if (i + 1 >= args.size()) {
                io.err << "tracelab export: " << a << " needs a value\n";
                return 2;
            }
            value = args[++i];
        }
        ++i;
        if (a == "--format" && value != "otlp") {
            io.err << "tracelab export: OTLP/HTTP carries only the otlp format, not \"" << value
                   << "\" (use tracelab simulate --format " << value << " to write a file)\n";
            return 2;
        }
        if (a == "--endpoint") {
            if (value.rfind("http://", 0) != 0 && value.rfind("https://", 0) != 0) {
                io.err << "tracelab export: --endpoint needs an http:// or https:// URL, got \"" << value << "\"\n";
                return 2;
            }
            endpoint_flag = value;
        }
        if (a == "--timeout") {
            double seconds = 0;
            if (!parse_double(value, seconds) || seconds <= 0 || seconds > 3600) {
                io.err << "tracelab export: --timeout needs seconds between 0 and 3600, got \"" << value << "\"\n";
                return 2;
            }
            options.timeout = std::chrono::milliseconds(static_cast<int64_t>(std::ceil(seconds * 1000)));
        }
        if (a == "--header") {
            if (value.find(':') == std::string::npos) {
                io.err << "tracelab export: --header needs 'NAME: VALUE', got \"" << value << "\"\n";
                return 2;
            }
            options.headers.push_back(value);
        }
    }
    auto simulated = run_simulation(flags);
    if (!simulated) {
        io.err << "tracelab export: " << simulated.error() << "\n";
        return 1;
    }
    const Run& run = *simulated;
    options.endpoint = otlp::resolve_traces_endpoint(endpoint_flag);
    const std::string body = write_trace(run.observed, TraceFormat::Otlp);
    io.out << "sending " << run.observed.spans.size() << " span(s) from " << run.requests() << " request(s) to "
           << options.endpoint << "\n";
    const otlp::HttpExportResult result = otlp::send_otlp_traces(body, options);
    for (const auto& line : result.log) io.out << "  " << line << "\n";
    if (result.outcome == otlp::ExportOutcome::Accepted) {
        io.out << result.message << "\n";
        return 0;
    }
    io.err << "tracelab export: " << result.message << "\n";
    return 1;
}

}  // namespace tl::cli
