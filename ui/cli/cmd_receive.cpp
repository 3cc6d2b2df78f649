// `tracelab receive`: a local OTLP endpoint without a window. OTLP/HTTP (protobuf and JSON) and OTLP/gRPC in,
// one line per listener and per request out; on SIGINT/SIGTERM everything received goes to --out as OTLP/JSON.
// [SECTION] Options  [SECTION] Command
#include <csignal>
#include <filesystem>
#include <mutex>
#include <ostream>
#include <thread>

#include "sim/formats/formats.hpp"
#include "sim/io/storage.hpp"
#include "sim/otlp/net/otlp_servers.hpp"
#include "ui/cli/cli.hpp"

namespace tl::cli {

namespace {

const char* kReceiveHelp =
    "usage: tracelab receive [--http ADDR] [--grpc ADDR] [--out FILE] [--max-body MIB] [--max-spans N]\n"
    "                        [--cors ORIGIN]…\n"
    "\n"
    "Runs a local OTLP endpoint: point an OpenTelemetry SDK at it and see what it sends. Prints one line per\n"
    "listener (`listening: http 127.0.0.1:4318`), then one line per request. Stop it with Ctrl-C (SIGINT) or\n"
    "SIGTERM: it writes everything received to --out and prints `received: N spans, M requests, R rejected`:\n"
    "spans kept, requests accepted, and spans refused for bad ids (requests answered with an error status\n"
    "are counted on a `failed:` line before it).\n"
    "\n"
    "  --http ADDR      OTLP/HTTP (POST /v1/traces, protobuf and JSON, gzip); default 127.0.0.1:4318\n"
    "  --grpc ADDR      OTLP/gRPC (TraceService/Export); default 127.0.0.1:4317\n"
    "                   ADDR is HOST:PORT, [IPV6]:PORT or off; port 0 picks a free port\n"
    "  --out FILE       write what was received as OTLP/JSON when stopped (tracelab analyze and the app read it)\n"
    "  --max-body MIB   largest request body after decompression, in whole MiB from 1 to 4096; default 20\n"
    "                   (HTTP 413 above it, gRPC RESOURCE_EXHAUSTED)\n"
    "  --max-spans N    spans kept in memory; beyond it the oldest traces are evicted; default 1000000\n"
    "  --cors ORIGIN    also allow this browser origin (repeatable; \"*\" allows any, http://host:* any port);\n"
    "                   http://localhost:* and http://127.0.0.1:* are always allowed\n"
    "\n"
    "It listens on the loopback interface only (127.0.0.1) unless you give another address, e.g.\n"
    "--http 0.0.0.0:4318 to accept spans from other machines. Exit status: 0 after a clean stop, 1 when a\n"
    "port cannot be opened or --out cannot be written, 2 for usage errors.\n";

volatile std::sig_atomic_t g_stop_signal = 0;

void on_stop_signal(int) {
    g_stop_signal = 1;
}

// [SECTION] Options

struct ReceiveFlags {
    otlp::ListenAddress http{true, "127.0.0.1", 4318};
    otlp::ListenAddress grpc{true, "127.0.0.1", 4317};
    std::string out;
    otlp::ReceiverOptions options;
    size_t max_spans = 1'000'000;
};

// Parses the flags; returns "" or a usage error.
std::string parse_flags(const Args& args, ReceiveFlags& f, bool& help) {
    for (size_t i = 0; i < args.size(); ++i) {
        std::string a = args[i], value;
        bool has_value = false;
        if (auto eq = a.find('='); a.rfind("--", 0) == 0 && eq != std::string::npos) {
            value = a.substr(eq + 1);
            a = a.substr(0, eq);
            has_value = true;
        }
        if (a == "-h" || a == "--help") {
            help = true;
            return "";
        }
        if (a != "--http" && a != "--grpc" && a != "--out" && a != "--max-body" && a != "--max-spans" && a != "--cors")
            return "unknown option \"" + args[i] + "\" (see tracelab receive --help)";
        if (!has_value) {
            if (i + 1 >= args.size()) return a + " needs a value";
            value = args[++i];
        }
        if (a == "--http" || a == "--grpc") {
            auto addr = otlp::parse_listen_address(value);
            if (!addr) return a + ": " + addr.error();
            (a == "--http" ? f.http : f.grpc) = *addr;
        } else if (a == "--out") {
            f.out = value;
        } else if (a == "--max-body") {
            uint64_t mib = 0;
            if (!parse_u64(value, mib) || mib == 0 || mib > 4096)
                return "--max-body needs a whole number of MiB from 1 to 4096, got \"" + value + "\"";
            f.options.max_body_bytes = static_cast<size_t>(mib) << 20;
        } else if (a == "--max-spans") {
            uint64_t n = 0;
            if (!parse_u64(value, n) || n == 0 || n > 100'000'000)
                return "--max-spans needs a whole number from 1 to 100000000, got \"" + value + "\"";
            f.max_spans = static_cast<size_t>(n);
        } else {
            f.options.cors_origins.push_back(value);
        }
    }
    if (!f.http.enabled && !f.grpc.enabled) return "--http off and --grpc off leave nothing to listen on";
    return "";
}

}  // namespace

// [SECTION] Command

int run_receive(const Args& args, Io io, std::stop_token stop) {
    ReceiveFlags flags;
    bool help = false;
    if (std::string error = parse_flags(args, flags, help); !error.empty()) {
        io.err << "tracelab receive: " << error << "\n";
        return 2;
    }
    if (help) {
        io.out << kReceiveHelp;
        return 0;
    }
    // A --out that cannot be written is said now, not after everything was received.
    if (!flags.out.empty()) {
        const std::filesystem::path folder = std::filesystem::absolute(flags.out).parent_path();
        std::error_code ec;
        if (!std::filesystem::is_directory(folder, ec)) {
            io.err << "tracelab receive: --out " << flags.out << ": there is no folder " << folder.string()
                   << "; create it or choose another --out\n";
            return 1;
        }
    }
    std::mutex out_mu;  // request lines come from the servers' threads
    auto say = [&](const std::string& line) {
        std::lock_guard lock(out_mu);
        io.out << line << std::endl;  // flushed: the lines are read live through pipes
    };
    // Caught before the first line goes out, so a signal right after "listening:" still stops cleanly.
    g_stop_signal = 0;
    struct sigaction action{}, old_int{}, old_term{};
    action.sa_handler = on_stop_signal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, &old_int);
    sigaction(SIGTERM, &action, &old_term);
    auto restore_signals = [&] {
        sigaction(SIGINT, &old_int, nullptr);
        sigaction(SIGTERM, &old_term, nullptr);
    };
    otlp::ReceivedTraces traces(flags.max_spans);
    otlp::OtlpReceiver receiver(traces, flags.options);
    receiver.set_log(say);  // before any listener starts: requests may come the moment it does
    otlp::OtlpHttpServer http(receiver);
    otlp::OtlpGrpcServer grpc(receiver);
    if (flags.http.enabled) {
        auto port = http.start(flags.http, "--http");
        if (!port) {
            restore_signals();
            io.err << "tracelab receive: " << port.error() << "\n";
            return 1;
        }
        flags.http.port = *port;
    }
    if (flags.grpc.enabled) {
        auto port = grpc.start(flags.grpc, "--grpc");
        if (!port) {
            http.stop();
            restore_signals();
            io.err << "tracelab receive: " << port.error() << "\n";
            return 1;
        }
        flags.grpc.port = *port;
    }
    // Only once both listen: a run that fails on its second port never claims the first.
    if (flags.http.enabled) say("listening: http " + flags.http.text());
    if (flags.grpc.enabled) say("listening: grpc " + flags.grpc.text());

    while (!g_stop_signal && !stop.stop_requested()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    restore_signals();

    http.stop();
    grpc.stop();
    receiver.set_log(nullptr);
    int code = 0;
    if (!flags.out.empty()) {
        const TraceStore all = traces.snapshot();
        if (std::string error = atomic_write(flags.out, write_trace(all, TraceFormat::Otlp), ParentFolders::MustExist);
            !error.empty()) {
            io.err << "tracelab receive: " << error << "\n";
            code = 1;
        }
    }
    const otlp::ReceiveCounts c = traces.counts();
    if (c.evicted_traces > 0)
        say("evicted: " + std::to_string(c.evicted_traces) + " oldest traces (" + std::to_string(c.evicted_spans) +
            " spans) to stay within --max-spans " + std::to_string(flags.max_spans));
    if (c.failed_requests > 0)
        say("failed: " + std::to_string(c.failed_requests) + (c.failed_requests == 1 ? " request" : " requests") +
            " answered with an error status (the lines above say why)");
    if (c.resent > 0)
        say("dropped: " + std::to_string(c.resent) +
            " spans received a second time (an exporter retried a request whose answer it did not get)");
    say("received: " + std::to_string(c.spans) + " spans, " + std::to_string(c.requests) + " requests, " +
        std::to_string(c.rejected) + " rejected");
    return code;
}

int cmd_receive(const Args& args, Io io) {
    return run_receive(args, io, {});
}

}  // namespace tl::cli
