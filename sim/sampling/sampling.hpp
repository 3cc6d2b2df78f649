// Head samplers as the OpenTelemetry SDKs implement them: the decision made when a span starts.
// - The decision functions are exposed on their own so tests (and `tracelab sampler`) can check them
//   against the published formulas: TraceIdRatioBased (Go SDK, trace id bytes 8..15) and the consistent
//   probability threshold of the "TraceState: Probability Sampling" spec (rightmost 56 bits, `ot=th:…`).
// - Samplers plug into the engine through EngineOptions::sampler (sim/engine.hpp).
// [SECTION] Decision formulas  [SECTION] Samplers  [SECTION] Choosing a sampler by name
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "sim/engine/engine.hpp"
#include "sim/trace/ids.hpp"

namespace tl {

// [SECTION] Decision formulas

// TraceIdRatioBased (opentelemetry-go sdk/trace/sampling.go): upper bound uint64(ratio · 2^63).
// Ratios <= 0 give 0 (nothing sampled); ratios >= 1 are AlwaysOn and never reach this bound.
uint64_t trace_id_ratio_upper_bound(double ratio);
// Sampled when the big-endian value of trace id bytes 8..15 (TraceId::lo), shifted right by one, is below
// the bound. (Go SDK since v1.12; earlier releases read bytes 0..7.)
constexpr bool trace_id_ratio_sampled(TraceId id, uint64_t upper_bound) {
    return (id.lo >> 1) < upper_bound;
}

// Consistent probability sampling: 56-bit values, 2^56 = the largest adjusted count.
inline constexpr uint64_t kMaxAdjustedCount = uint64_t{1} << 56;
// Randomness R: the rightmost 7 bytes of the trace id (W3C Trace Context Level 2 "random" bits).
constexpr uint64_t trace_randomness(TraceId id) {
    return id.lo & (kMaxAdjustedCount - 1);
}
// Rejection threshold T = 2^56 − round(p · 2^56); p is clamped to [2^-56, 1]. T = 0 samples everything.
uint64_t probability_to_threshold(double probability);
// Sampled when R >= T.
constexpr bool threshold_sampled(uint64_t randomness, uint64_t threshold) {
    return randomness >= threshold;
}
// The `th` value: T as 14 hex digits with trailing zeros removed; "0" for T = 0.
std::string threshold_tvalue(uint64_t threshold);
// Parses a `th` value (1–14 hex digits, implicitly padded with trailing zeros).
std::optional<uint64_t> parse_tvalue(std::string_view th);
// The value of sub-key `key` (e.g. "th", "rv") inside the `ot=` member of a W3C tracestate, if any.
std::optional<std::string_view> ot_tracestate_value(std::string_view tracestate, std::string_view key);

// [SECTION] Samplers

class AlwaysOnSampler final : public HeadSampler {
public:
    [[nodiscard]] SamplingResult should_sample(const SamplingInput&) const override { return {true, {}}; }
    [[nodiscard]] std::string description() const override { return "AlwaysOnSampler"; }
};

class AlwaysOffSampler final : public HeadSampler {
public:
    [[nodiscard]] SamplingResult should_sample(const SamplingInput&) const override { return {false, {}}; }
    [[nodiscard]] std::string description() const override { return "AlwaysOffSampler"; }
};

// Decides by trace id alone, ignoring the parent: use it as ParentBased's root to respect the parent.
class TraceIdRatioSampler final : public HeadSampler {
public:
    explicit TraceIdRatioSampler(double ratio);
    [[nodiscard]] SamplingResult should_sample(const SamplingInput& in) const override {
        return {trace_id_ratio_sampled(in.trace_id, upper_bound_), {}};
    }
    [[nodiscard]] std::string description() const override;  // "TraceIDRatioBased{0.01}"
    [[nodiscard]] double ratio() const { return ratio_; }
    [[nodiscard]] uint64_t upper_bound() const { return upper_bound_; }

private:
    double ratio_;
    uint64_t upper_bound_;
};

// Consistent probability sampler: R (explicit `ot=rv:` from the parent's tracestate, else the trace id's
// rightmost 56 bits) against T; a sampled span carries `ot=th:<T>` so later stages know its probability.
// - Only the `ot` member is written: other vendors' tracestate members are not merged in this simulation.
class ProbabilitySampler final : public HeadSampler {
public:
    explicit ProbabilitySampler(double probability);
    [[nodiscard]] SamplingResult should_sample(const SamplingInput& in) const override;
    [[nodiscard]] std::string description() const override;  // "ProbabilitySampler{0.01}"
    [[nodiscard]] uint64_t threshold() const { return threshold_; }
    [[nodiscard]] const std::string& tracestate() const { return tracestate_; }  // "ot=th:fd70a3d70a3d7"

private:
    double probability_;
    uint64_t threshold_;
    std::string tracestate_;
};

// ParentBased: a root sampler for spans without a parent, and one delegate per parent case.
class ParentBasedSampler final : public HeadSampler {
public:
    struct Delegates {
        std::shared_ptr<const HeadSampler> remote_parent_sampled = std::make_shared<AlwaysOnSampler>();
        std::shared_ptr<const HeadSampler> remote_parent_not_sampled = std::make_shared<AlwaysOffSampler>();
        std::shared_ptr<const HeadSampler> local_parent_sampled = std::make_shared<AlwaysOnSampler>();
        std::shared_ptr<const HeadSampler> local_parent_not_sampled = std::make_shared<AlwaysOffSampler>();
    };
    explicit ParentBasedSampler(std::shared_ptr<const HeadSampler> root);
    ParentBasedSampler(std::shared_ptr<const HeadSampler> root, Delegates delegates);
    [[nodiscard]] SamplingResult should_sample(const SamplingInput& in) const override;
    // "ParentBased{root:…,remoteParentSampled:…,remoteParentNotSampled:…,localParentSampled:…,
    //  localParentNotSampled:…}" as the Go SDK prints it.
    [[nodiscard]] std::string description() const override;
    // The delegate that decides for this input (the root sampler when there is no parent).
    [[nodiscard]] const HeadSampler& delegate_for(const SamplingInput& in) const;

private:
    std::shared_ptr<const HeadSampler> root_;
    Delegates d_;
};

// [SECTION] Choosing a sampler by name

enum class HeadKind : uint8_t { AlwaysOn, AlwaysOff, Ratio, ParentRatio, Probability };
const char* to_string(HeadKind k);  // "always", "never", "ratio", "parent-ratio", "probability"
std::optional<HeadKind> parse_head_kind(std::string_view s);
// AlwaysOn / AlwaysOff / TraceIDRatioBased(r) (AlwaysOn when r >= 1, as the Go SDK does) /
// ParentBased{root: TraceIDRatioBased(r)} / ProbabilitySampler(r).
std::unique_ptr<HeadSampler> make_head_sampler(HeadKind kind, double ratio);

}  // namespace tl
