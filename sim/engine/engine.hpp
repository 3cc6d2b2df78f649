// Engine: simulates requests through a Scenario and returns a Run.
// - Run = ground truth (every operation with its true start and end) + the observed spans a tracing
//   backend would receive + the trace-context headers actually sent on each hop.
// - Deterministic: the same scenario, options and seed give byte-identical output.
// - The scenario is compiled once into a flat plan; run() then allocates nothing per span once the Run's
//   buffers have grown (re-simulating into the same Run reuses them).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sim/engine/scenario.hpp"
#include "sim/trace/ids.hpp"
#include "sim/trace/trace_store.hpp"

namespace tl {

// [SECTION] Head sampling hook

// What a head sampler sees when a span is about to start (OpenTelemetry's ShouldSample inputs).
struct SamplingInput {
    TraceId trace_id;
    bool has_parent = false;      // a valid parent context exists
    bool parent_remote = false;   // it came over the wire (extracted), not from the same process
    bool parent_sampled = false;  // the parent's sampled flag
    std::string_view parent_tracestate;
    std::string_view span_name;
    std::string_view service;
    SpanKind kind = SpanKind::Server;
};

struct SamplingResult {
    bool sampled = true;
    // The tracestate the new span carries; empty keeps the parent's. Must stay valid while the sampler lives.
    std::string_view tracestate;
};

class HeadSampler {
public:
    virtual ~HeadSampler() = default;
    [[nodiscard]] virtual SamplingResult should_sample(const SamplingInput& in) const = 0;
    [[nodiscard]] virtual std::string description() const = 0;
};

// [SECTION] Run

// One operation as it really happened (ground truth), whether or not anyone recorded it.
struct Operation {
    uint32_t request = 0;
    uint32_t service = 0;  // index into Scenario::services
    int32_t parent = -1;   // calling operation, -1 for the request's entry
    int32_t hop = -1;      // incoming hop, -1 for the entry
    int64_t start_ns = 0;  // true times, relative to the run's epoch (no clock skew)
    int64_t end_ns = 0;
    uint16_t depth = 0;
    bool error = false;
    int32_t span = -1;   // its observed span, -1 when none (uninstrumented or not sampled)
    TraceId true_trace;  // the trace the request "should" be in: the entry's trace id
};

// One call on the wire and the context it carried.
struct Hop {
    uint32_t request = 0;
    int32_t caller_op = -1;
    int32_t callee_op = -1;
    uint16_t call_index = 0;  // index into the caller's Service::calls
    HopFault fault = HopFault::Ok;
    Transport transport = Transport::Http;
    bool caller_instrumented = true;
    bool callee_instrumented = true;
    bool header_sent = false;  // a traceparent travelled on this hop
    bool extracted = false;    // the callee continued the incoming context
    TraceId trace_id;          // header content when sent
    SpanId parent_id;
    uint8_t flags = 0;
    StrId tracestate = 0;      // in Run::observed.strings
    int32_t client_span = -1;  // the caller-side client/producer span, -1 when none was recorded
    int64_t send_ns = 0;       // true time the request left the caller
    int64_t receive_ns = 0;    // true time it reached the callee
    ServiceRole caller_role = ServiceRole::Application;
    ServiceRole callee_role = ServiceRole::Application;  // a database hop is recorded by the caller's client span

    // "00-<trace>-<parent>-<flags>", or "" when nothing was sent.
    [[nodiscard]] std::string traceparent() const;
    // Why no header was sent or why it was ignored, in a learner's words; "" when a header carried the caller's
    // context as intended (an in-process hop, which never sends one, says why none was needed).
    [[nodiscard]] std::string explanation() const;
};

struct Run {
    TraceStore observed;
    std::vector<Operation> ops;
    std::vector<Hop> hops;
    std::vector<uint32_t> request_first_op;  // index into ops of each request's entry
    int64_t epoch_unix_ns = 0;               // add to relative times for wall-clock values
    uint64_t seed = 0;
    void clear();
    [[nodiscard]] size_t requests() const { return request_first_op.size(); }
};

struct EngineOptions {
    uint64_t seed = 1;
    uint32_t requests = 1;
    int client_spans = -1;                                // -1: the scenario's default, 0 off, 1 on
    int64_t epoch_unix_ns = 1767225600LL * 1000000000LL;  // 2026-01-01T00:00:00Z
    const HeadSampler* sampler = nullptr;                 // nullptr: every span is sampled
    bool jitter = true;                                   // false: every latency at its central value
};

class Engine {
public:
    explicit Engine(const Scenario& scenario);
    ~Engine();
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    // Simulates options.requests requests into `out` (cleared first; its buffers are reused).
    void run(const EngineOptions& options, Run& out) const;
    [[nodiscard]] Run run(const EngineOptions& options) const {
        Run r;
        run(options, r);
        return r;
    }
    [[nodiscard]] const Scenario& scenario() const { return scenario_; }
    struct Plan;  // the compiled scenario (opaque)

private:
    Scenario scenario_;
    std::unique_ptr<Plan> plan_;
};

// Convenience: one deterministic request.
Run simulate(const Scenario& s, uint64_t seed = 1, uint32_t requests = 1);

}  // namespace tl
