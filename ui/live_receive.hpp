// Receiving traces in the app (File > Receive traces…, `tracelab --listen`): the OTLP servers run on their own
// worker threads and feed a ReceivedTraces; the frame copies the spans out only when they changed, at most four
// times a second, and never waits for the lock (ReceivedTraces::try_snapshot).
#pragma once

#include <chrono>
#include <string>
#include <unordered_set>
#include <vector>

#include "sim/otlp/net/otlp_servers.hpp"

namespace tl::ui {

struct LiveReceive {
    otlp::ReceivedTraces traces;
    otlp::OtlpReceiver receiver;
    otlp::OtlpHttpServer http;
    otlp::OtlpGrpcServer grpc;
    std::string http_address;  // "127.0.0.1:4318" once listening, "" when off
    std::string grpc_address;
    uint64_t seen_version = 0;
    std::chrono::steady_clock::time_point last_copy{};
    // Traces that got spans in the last few seconds, refreshed with each copy (trace list marker).
    std::unordered_set<uint64_t> active;
    static uint64_t key(TraceId id) { return id.hi ^ (id.lo * 0x9e3779b97f4a7c15ULL); }

    explicit LiveReceive(size_t max_spans = 1'000'000)
        : traces(max_spans), receiver(traces, {}), http(receiver), grpc(receiver) {}
    // Starts the listeners that are enabled; "" or the message of the first that could not start.
    std::string start(const otlp::ListenAddress& http_at, const otlp::ListenAddress& grpc_at);
    // "receiving: http 127.0.0.1:4318, grpc 127.0.0.1:4317 · 1,234 spans · 0 rejected"
    [[nodiscard]] std::string status_line() const;
};

}  // namespace tl::ui
