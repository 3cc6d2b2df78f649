// Receiving traces in the app (File > Receive traces…, `tracelab --listen`): the OTLP servers run on their own
// worker threads and feed a ReceivedTraces. A third worker copies what arrived (at most four times a second,
// only when something changed), analyses the copy (traces, skew, links, broken hops) and hands it over whole;
// the frame only swaps a finished LiveView in (LiveReceive::take, never waits for a lock), so arriving load
// never lengthens a frame by more than that swap.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "sim/otlp/net/otlp_servers.hpp"
#include "sim/trace/analysis.hpp"
#include "sim/trace/broken_hops.hpp"
#include "sim/trace/links.hpp"
#include "sim/trace/skew.hpp"

namespace tl::ui {

// One analysed copy of everything received, ready to show: the same results App::reanalyze computes.
struct LiveView {
    TraceStore store;
    Analysis analysis;
    ClockSkewReport skew;
    bool skew_applied = false;  // `store` holds times adjusted for skew (App's --adjust-skew was on)
    LinkIndex links;
    std::vector<BrokenHop> broken_hops;
    std::vector<std::string> services;  // in order of first appearance, for the service colours
    std::unordered_set<uint64_t> active;  // LiveReceive::key of traces that got spans in the last 3 s
};

struct LiveReceive {
    otlp::ReceivedTraces traces;
    otlp::OtlpReceiver receiver;
    otlp::OtlpHttpServer http;
    otlp::OtlpGrpcServer grpc;
    std::string http_address;  // "127.0.0.1:4318" once listening, "" when off
    std::string grpc_address;
    // Traces that got spans in the last few seconds, as of the view last taken (trace list marker).
    std::unordered_set<uint64_t> active;
    static uint64_t key(TraceId id) { return id.hi ^ (id.lo * 0x9e3779b97f4a7c15ULL); }

    explicit LiveReceive(size_t max_spans = 1'000'000)
        : traces(max_spans), receiver(traces, background_options()), http(receiver), grpc(receiver) {}
    ~LiveReceive();
    LiveReceive(const LiveReceive&) = delete;
    LiveReceive& operator=(const LiveReceive&) = delete;
    // Starts the listeners that are enabled and the analysing worker; "" or the message of the first listener
    // that could not start.
    // `command_line`: the addresses came from --http/--grpc, which the error then names.
    std::string start(const otlp::ListenAddress& http_at, const otlp::ListenAddress& grpc_at, bool command_line = true);
    // The window's receiver decodes on background-priority threads (the frame thread comes first).
    static otlp::ReceiverOptions background_options() {
        otlp::ReceiverOptions o;
        o.background_threads = true;
        return o;
    }
    // "receiving: http 127.0.0.1:4318, grpc 127.0.0.1:4317  |  1234 spans, 0 rejected". Never waits: while
    // the counters' lock is busy it shows the last counts read.
    [[nodiscard]] std::string status_line() const;
    // The newest finished view, if one was built since the last call; never blocks (nullptr when busy or none).
    std::unique_ptr<LiveView> take();
    // A finished view waits to be taken (the app draws a frame for it; otherwise it idles between events).
    [[nodiscard]] bool view_ready() const { return view_ready_.load(); }
    // Views built from now on adjust times for clock skew (App's "Adjust for clock skew"); rebuilds at once.
    void set_adjust_skew(bool on);
    // Rebuild at once even if nothing arrived (after Clear, say).
    void refresh();
    // Hands a view that is no longer shown back to the worker, which frees it: freeing a large store and its
    // analysis (many small allocations) would otherwise cost the frame that swapped it out.
    void retire(std::unique_ptr<LiveView> old);

private:
    void work(const std::stop_token& stop);
    std::unique_ptr<LiveView> build(bool adjust_skew) const;

    std::mutex ready_mu_;
    std::unique_ptr<LiveView> ready_;
    mutable otlp::ReceiveCounts shown_counts_;  // the frame thread's last read of traces.counts()
    std::vector<std::unique_ptr<LiveView>> retired_;  // guarded by ready_mu_
    std::mutex wake_mu_;
    std::condition_variable_any wake_;
    std::atomic<bool> adjust_skew_{false};
    std::atomic<bool> dirty_{false};
    std::atomic<bool> view_ready_{false};
    std::jthread worker_;  // last: stopped and joined first
};

}  // namespace tl::ui
