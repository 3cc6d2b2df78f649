// Head samplers: the OpenTelemetry decision formulas and the sampler classes built on them.
// [SECTION] Decision formulas  [SECTION] Samplers  [SECTION] Choosing a sampler by name
#include "sim/sampling/sampling.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace tl {

namespace {

// Shortest round-trip form of a double, as Go's %g prints a float64 ("0.01", "1e-05", "0.123456789").
std::string shortest(double v) {
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general);
    return std::string(buf, r.ptr);
}

std::string_view trim_ows(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

}  // namespace

// [SECTION] Decision formulas

uint64_t trace_id_ratio_upper_bound(double ratio) {
    if (!(ratio > 0)) return 0;  // also NaN
    if (ratio >= 1) return uint64_t{1} << 63;
    return static_cast<uint64_t>(ratio * 0x1p63);  // exact scaling by a power of two, then truncation
}

uint64_t probability_to_threshold(double probability) {
    if (!(probability > 0)) return kMaxAdjustedCount;  // R < 2^56 always: never sampled
    if (probability >= 1) return 0;
    constexpr double kMin = 1.0 / static_cast<double>(kMaxAdjustedCount);
    if (probability < kMin) probability = kMin;
    const auto scaled = static_cast<uint64_t>(std::round(probability * static_cast<double>(kMaxAdjustedCount)));
    return kMaxAdjustedCount - scaled;
}

std::string threshold_tvalue(uint64_t threshold) {
    if (threshold == 0) return "0";
    if (threshold >= kMaxAdjustedCount) return "";  // not representable: nothing is ever sampled
    static constexpr char kHex[] = "0123456789abcdef";
    std::string s(14, '0');
    for (int i = 13; i >= 0; --i) {
        s[static_cast<size_t>(i)] = kHex[threshold & 0xf];
        threshold >>= 4;
    }
    while (s.size() > 1 && s.back() == '0') s.pop_back();
    return s;
}

std::optional<uint64_t> parse_tvalue(std::string_view th) {
    if (th.empty() || th.size() > 14) return std::nullopt;
    uint64_t v = 0;
    for (char c : th) {
        const int d = hex_value(c);
        if (d < 0) return std::nullopt;
        v = (v << 4) | static_cast<uint64_t>(d);
    }
    return v << (4 * (14 - th.size()));
}

std::optional<std::string_view> ot_tracestate_value(std::string_view tracestate, std::string_view key) {
    while (!tracestate.empty()) {
        const size_t comma = tracestate.find(',');
        std::string_view member = trim_ows(tracestate.substr(0, comma));
        tracestate = comma == std::string_view::npos ? std::string_view{} : tracestate.substr(comma + 1);
        if (member.substr(0, 3) != "ot=") continue;
        std::string_view value = member.substr(3);
        while (!value.empty()) {
            const size_t semi = value.find(';');
            std::string_view kv = value.substr(0, semi);
            value = semi == std::string_view::npos ? std::string_view{} : value.substr(semi + 1);
            const size_t colon = kv.find(':');
            if (colon != std::string_view::npos && kv.substr(0, colon) == key) return kv.substr(colon + 1);
        }
        return std::nullopt;  // keys are unique: only the first `ot` member counts
    }
    return std::nullopt;
}

// [SECTION] Samplers

TraceIdRatioSampler::TraceIdRatioSampler(double ratio)
    : ratio_(ratio > 0 ? ratio : 0), upper_bound_(trace_id_ratio_upper_bound(ratio)) {}

std::string TraceIdRatioSampler::description() const {
    return "TraceIDRatioBased{" + shortest(ratio_) + "}";
}

ProbabilitySampler::ProbabilitySampler(double probability)
    : probability_(probability > 0 ? std::min(probability, 1.0) : 0),
      threshold_(probability_to_threshold(probability)),
      tracestate_("ot=th:" + threshold_tvalue(threshold_)) {}

SamplingResult ProbabilitySampler::should_sample(const SamplingInput& in) const {
    uint64_t r = trace_randomness(in.trace_id);
    if (auto rv = ot_tracestate_value(in.parent_tracestate, "rv"); rv && rv->size() == 14) {
        if (auto explicit_r = parse_tvalue(*rv)) r = *explicit_r;  // 14 digits: no padding applied
    }
    if (!threshold_sampled(r, threshold_)) return {false, {}};
    return {true, tracestate_};
}

std::string ProbabilitySampler::description() const {
    return "ProbabilitySampler{" + shortest(probability_) + "}";
}

ParentBasedSampler::ParentBasedSampler(std::shared_ptr<const HeadSampler> root)
    : ParentBasedSampler(std::move(root), Delegates{}) {}

ParentBasedSampler::ParentBasedSampler(std::shared_ptr<const HeadSampler> root, Delegates delegates)
    : root_(std::move(root)), d_(std::move(delegates)) {
    if (!root_) root_ = std::make_shared<AlwaysOnSampler>();
}

const HeadSampler& ParentBasedSampler::delegate_for(const SamplingInput& in) const {
    if (!in.has_parent) return *root_;
    if (in.parent_remote) return in.parent_sampled ? *d_.remote_parent_sampled : *d_.remote_parent_not_sampled;
    return in.parent_sampled ? *d_.local_parent_sampled : *d_.local_parent_not_sampled;
}

SamplingResult ParentBasedSampler::should_sample(const SamplingInput& in) const {
    return delegate_for(in).should_sample(in);
}

std::string ParentBasedSampler::description() const {
    return "ParentBased{root:" + root_->description() +
           ",remoteParentSampled:" + d_.remote_parent_sampled->description() +
           ",remoteParentNotSampled:" + d_.remote_parent_not_sampled->description() +
           ",localParentSampled:" + d_.local_parent_sampled->description() +
           ",localParentNotSampled:" + d_.local_parent_not_sampled->description() + "}";
}

// [SECTION] Choosing a sampler by name

const char* to_string(HeadKind k) {
    switch (k) {
        case HeadKind::AlwaysOn:
            return "always";
        case HeadKind::AlwaysOff:
            return "never";
        case HeadKind::Ratio:
            return "ratio";
        case HeadKind::ParentRatio:
            return "parent-ratio";
        case HeadKind::Probability:
            return "probability";
    }
    return "always";
}

std::optional<HeadKind> parse_head_kind(std::string_view s) {
    for (HeadKind k :
         {HeadKind::AlwaysOn, HeadKind::AlwaysOff, HeadKind::Ratio, HeadKind::ParentRatio, HeadKind::Probability})
        if (s == to_string(k)) return k;
    return std::nullopt;
}

namespace {
std::unique_ptr<HeadSampler> ratio_sampler(double ratio) {
    if (ratio >= 1) return std::make_unique<AlwaysOnSampler>();  // as TraceIDRatioBased(>=1) in the Go SDK
    return std::make_unique<TraceIdRatioSampler>(ratio);
}
}  // namespace

std::unique_ptr<HeadSampler> make_head_sampler(HeadKind kind, double ratio) {
    switch (kind) {
        case HeadKind::AlwaysOn:
            return std::make_unique<AlwaysOnSampler>();
        case HeadKind::AlwaysOff:
            return std::make_unique<AlwaysOffSampler>();
        case HeadKind::Ratio:
            return ratio_sampler(ratio);
        case HeadKind::ParentRatio:
            return std::make_unique<ParentBasedSampler>(std::shared_ptr<const HeadSampler>(ratio_sampler(ratio)));
        case HeadKind::Probability:
            return std::make_unique<ProbabilitySampler>(ratio);
    }
    return std::make_unique<AlwaysOnSampler>();
}

}  // namespace tl
