// Tail sampling modelled on the OpenTelemetry Collector's tail_sampling processor: spans are held per trace
// until `decision_wait` after the trace's first span arrived, then policies decide on the whole trace.
// - Policies: always_sample, latency (trace duration = latest end − earliest start), status_code (ERROR),
//   probabilistic (FNV-1a of salt + trace id against a percentage), and (all sub-policies), composite
//   (ordered sub-policies sharing a spans-per-second budget). A trace is kept when any top-level policy
//   samples it.
// - Spans arriving after the decision are "late": kept if their trace was sampled, else dropped (the
//   processor's decision cache). Only spans a head sampler recorded ever reach a tail sampler.
// [SECTION] Policies  [SECTION] Trace summary and decision  [SECTION] TailSampler
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "sim/trace/ids.hpp"

namespace tl {

// [SECTION] Policies

enum class TailPolicyKind : uint8_t { AlwaysSample, Latency, StatusCode, Probabilistic, And, Composite };
const char* to_string(TailPolicyKind k);  // "always_sample", "latency", "status_code", …

struct TailPolicy {
    std::string name;
    TailPolicyKind kind = TailPolicyKind::AlwaysSample;
    // latency: sampled when duration >= threshold_ms (or threshold_ms < d <= upper_threshold_ms when an
    // upper bound is set), durations in whole milliseconds as the processor compares them.
    int64_t threshold_ms = 0;
    int64_t upper_threshold_ms = 0;
    // probabilistic: percentage of traces, hash salt ("" means the processor's default salt).
    double sampling_percentage = 0;
    std::string hash_salt;
    // and / composite: sub-policies (composite: in priority order).
    std::vector<TailPolicy> sub;
    // composite: total spans per second shared by the sub-policies, and each one's share in percent.
    int64_t max_total_spans_per_second = 0;
    std::vector<double> rate_allocation;

    static TailPolicy always_sample(std::string name = "always");
    static TailPolicy latency(int64_t threshold_ms, std::string name = "slow");
    static TailPolicy errors(std::string name = "errors");
    static TailPolicy probabilistic(double percentage, std::string salt = "", std::string name = "sample");
    static TailPolicy all_of(std::vector<TailPolicy> sub, std::string name = "and");
    static TailPolicy composite(std::vector<TailPolicy> sub, std::vector<double> rate_allocation,
                                int64_t max_total_spans_per_second, std::string name = "composite");
};

// The processor's probabilistic policy, exposed for tests: FNV-1a 64 over salt then the 16 trace id bytes,
// sampled when the hash <= threshold = MaxUint64 · ratio.
uint64_t tail_probabilistic_threshold(double ratio);
uint64_t tail_trace_hash(std::string_view salt, TraceId id);
inline constexpr const char* kDefaultTailHashSalt = "default-hash-seed";

// [SECTION] Trace summary and decision

// One span as the collector receives it.
struct TailSpan {
    TraceId trace_id;
    int64_t start_ns = 0;
    int64_t end_ns = 0;
    int64_t arrival_ns = 0;  // when it reached the collector
    bool error = false;      // status ERROR
};

// What the policies see of a trace at decision time: only the spans that had arrived.
struct TraceSummary {
    TraceId trace_id;
    int64_t min_start_ns = 0;
    int64_t max_end_ns = 0;
    bool has_error = false;
    uint32_t span_count = 0;
    int64_t decision_ns = 0;
    [[nodiscard]] int64_t duration_ms() const { return (max_end_ns - min_start_ns) / 1'000'000; }
};

struct TailConfig {
    std::vector<TailPolicy> policies;   // empty: every trace is kept (no tail sampling)
    int64_t decision_wait_ms = 30'000;  // the processor's default
};

// [SECTION] TailSampler

class TailSampler {
public:
    explicit TailSampler(TailConfig config);
    // Composite budgets point into the owned config: moving keeps the addresses, copying would not.
    TailSampler(const TailSampler&) = delete;
    TailSampler& operator=(const TailSampler&) = delete;
    TailSampler(TailSampler&&) noexcept = default;
    TailSampler& operator=(TailSampler&&) noexcept = default;
    ~TailSampler() = default;

    struct TraceOutcome {
        bool sampled = false;
        uint32_t on_time = 0;       // spans that arrived before the decision
        uint32_t late_kept = 0;     // arrived after, trace sampled: forwarded
        uint32_t late_dropped = 0;  // arrived after, trace not sampled: lost
    };
    // Decides one trace. `spans` are all of its spans; `kept[i]` is set for each span that is stored.
    TraceOutcome decide(std::span<const TailSpan> spans, std::span<uint8_t> kept);
    // Evaluates the policy list on a summary (composite budgets are consumed when a trace is sampled).
    bool evaluate(const TraceSummary& t);
    [[nodiscard]] const TailConfig& config() const { return config_; }
    [[nodiscard]] bool enabled() const { return !config_.policies.empty(); }
    // Human-readable policy list, e.g. "latency ≥ 500 ms OR status_code ERROR".
    [[nodiscard]] std::string description() const;

private:
    struct CompositeBudget {
        const TailPolicy* policy = nullptr;
        int64_t second = -1;
        std::vector<int64_t> spent;  // spans sampled per sub-policy in the current second
    };
    bool evaluate(const TailPolicy& p, const TraceSummary& t);
    CompositeBudget& budget_for(const TailPolicy& p);
    TailConfig config_;
    std::vector<CompositeBudget> budgets_;
};

}  // namespace tl
