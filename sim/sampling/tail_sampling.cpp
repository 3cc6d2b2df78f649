// Tail sampling: policy evaluation, the decision-wait window and late spans.
// [SECTION] Policies  [SECTION] TailSampler
#include "sim/sampling/tail_sampling.hpp"

#include <algorithm>
#include <cstdio>

namespace tl {

// [SECTION] Policies

const char* to_string(TailPolicyKind k) {
    switch (k) {
        case TailPolicyKind::AlwaysSample:
            return "always_sample";
        case TailPolicyKind::Latency:
            return "latency";
        case TailPolicyKind::StatusCode:
            return "status_code";
        case TailPolicyKind::Probabilistic:
            return "probabilistic";
        case TailPolicyKind::And:
            return "and";
        case TailPolicyKind::Composite:
            return "composite";
    }
    return "always_sample";
}

TailPolicy TailPolicy::always_sample(std::string name) {
    TailPolicy p;
    p.name = std::move(name);
    return p;
}

TailPolicy TailPolicy::latency(int64_t threshold_ms, std::string name) {
    TailPolicy p;
    p.name = std::move(name);
    p.kind = TailPolicyKind::Latency;
    p.threshold_ms = threshold_ms;
    return p;
}

TailPolicy TailPolicy::errors(std::string name) {
    TailPolicy p;
    p.name = std::move(name);
    p.kind = TailPolicyKind::StatusCode;
    return p;
}

TailPolicy TailPolicy::probabilistic(double percentage, std::string salt, std::string name) {
    TailPolicy p;
    p.name = std::move(name);
    p.kind = TailPolicyKind::Probabilistic;
    p.sampling_percentage = percentage;
    p.hash_salt = std::move(salt);
    return p;
}

TailPolicy TailPolicy::all_of(std::vector<TailPolicy> sub, std::string name) {
    TailPolicy p;
    p.name = std::move(name);
    p.kind = TailPolicyKind::And;
    p.sub = std::move(sub);
    return p;
}

TailPolicy TailPolicy::composite(std::vector<TailPolicy> sub, std::vector<double> rate_allocation,
                                 int64_t max_total_spans_per_second, std::string name) {
    TailPolicy p;
    p.name = std::move(name);
    p.kind = TailPolicyKind::Composite;
    p.sub = std::move(sub);
    p.rate_allocation = std::move(rate_allocation);
    p.max_total_spans_per_second = max_total_spans_per_second;
    return p;
}

uint64_t tail_probabilistic_threshold(double ratio) {
    // The processor multiplies MaxUint64 by the ratio in a 64-bit-mantissa big.Float and truncates; x87
    // long double has the same 64-bit mantissa and round-to-nearest.
    if (!(ratio > 0)) return 0;
    if (ratio >= 1) return UINT64_MAX;
    const long double v = static_cast<long double>(UINT64_MAX) * static_cast<long double>(ratio);
    return static_cast<uint64_t>(v);
}

uint64_t tail_trace_hash(std::string_view salt, TraceId id) {
    uint64_t h = 14695981039346656037ULL;  // FNV-1a 64 offset basis
    constexpr uint64_t kPrime = 1099511628211ULL;
    for (char c : salt) {
        h ^= static_cast<uint8_t>(c);
        h *= kPrime;
    }
    for (int i = 56; i >= 0; i -= 8) {
        h ^= (id.hi >> i) & 0xff;
        h *= kPrime;
    }
    for (int i = 56; i >= 0; i -= 8) {
        h ^= (id.lo >> i) & 0xff;
        h *= kPrime;
    }
    return h;
}

// [SECTION] TailSampler

TailSampler::TailSampler(TailConfig config) : config_(std::move(config)) {}

TailSampler::CompositeBudget& TailSampler::budget_for(const TailPolicy& p) {
    for (auto& b : budgets_)
        if (b.policy == &p) return b;
    budgets_.push_back({&p, -1, std::vector<int64_t>(p.sub.size(), 0)});
    return budgets_.back();
}

bool TailSampler::evaluate(const TailPolicy& p, const TraceSummary& t) {
    switch (p.kind) {
        case TailPolicyKind::AlwaysSample:
            return true;
        case TailPolicyKind::Latency: {
            const int64_t d = t.duration_ms();
            if (p.upper_threshold_ms == 0) return d >= p.threshold_ms;
            return p.threshold_ms < d && d <= p.upper_threshold_ms;
        }
        case TailPolicyKind::StatusCode:
            return t.has_error;
        case TailPolicyKind::Probabilistic: {
            const std::string_view salt =
                p.hash_salt.empty() ? std::string_view(kDefaultTailHashSalt) : std::string_view(p.hash_salt);
            return tail_trace_hash(salt, t.trace_id) <= tail_probabilistic_threshold(p.sampling_percentage / 100);
        }
        case TailPolicyKind::And: {
            // Every sub-policy is evaluated (no short cut), so composite budgets inside see every trace.
            bool all = !p.sub.empty();
            for (const auto& s : p.sub) all = evaluate(s, t) && all;
            return all;
        }
        case TailPolicyKind::Composite: {
            CompositeBudget& b = budget_for(p);
            const int64_t second = t.decision_ns / 1'000'000'000;
            if (second != b.second) {
                b.second = second;
                std::fill(b.spent.begin(), b.spent.end(), 0);
            }
            int64_t total = 0;
            for (int64_t s : b.spent) total += s;
            for (size_t i = 0; i < p.sub.size(); ++i) {
                if (!evaluate(p.sub[i], t)) continue;
                const double share = i < p.rate_allocation.size() ? p.rate_allocation[i] : 0.0;
                const auto allocated =
                    static_cast<int64_t>(static_cast<double>(p.max_total_spans_per_second) * share / 100);
                const int64_t if_sampled = b.spent[i] + t.span_count;
                if (if_sampled <= allocated && total + t.span_count <= p.max_total_spans_per_second) {
                    b.spent[i] = if_sampled;
                    return true;
                }
                // Over this sub-policy's allocation: the next one may still take the trace.
            }
            return false;
        }
    }
    return false;
}

bool TailSampler::evaluate(const TraceSummary& t) {
    if (config_.policies.empty()) return true;
    bool any = false;
    for (const auto& p : config_.policies) any = evaluate(p, t) || any;
    return any;
}

TailSampler::TraceOutcome TailSampler::decide(std::span<const TailSpan> spans, std::span<uint8_t> kept) {
    TraceOutcome out;
    if (spans.empty()) return out;
    int64_t first_arrival = spans[0].arrival_ns;
    for (const auto& s : spans) first_arrival = std::min(first_arrival, s.arrival_ns);
    TraceSummary t;
    t.trace_id = spans[0].trace_id;
    t.decision_ns = first_arrival + config_.decision_wait_ms * 1'000'000;
    bool first = true;
    for (const auto& s : spans) {
        if (s.arrival_ns > t.decision_ns) continue;  // still in flight when the decision is made
        if (first || s.start_ns < t.min_start_ns) t.min_start_ns = s.start_ns;
        if (first || s.end_ns > t.max_end_ns) t.max_end_ns = s.end_ns;
        first = false;
        t.has_error = t.has_error || s.error;
        ++t.span_count;
    }
    out.on_time = t.span_count;
    out.sampled = evaluate(t);
    for (size_t i = 0; i < spans.size(); ++i) {
        const bool late = spans[i].arrival_ns > t.decision_ns;
        if (late) ++(out.sampled ? out.late_kept : out.late_dropped);
        if (i < kept.size()) kept[i] = out.sampled ? 1 : 0;
    }
    return out;
}

namespace {
void describe(const TailPolicy& p, std::string& out) {
    char buf[96];
    switch (p.kind) {
        case TailPolicyKind::AlwaysSample:
            out += "always_sample";
            break;
        case TailPolicyKind::Latency:
            if (p.upper_threshold_ms > 0)
                std::snprintf(buf, sizeof buf, "latency %lld..%lld ms", static_cast<long long>(p.threshold_ms),
                              static_cast<long long>(p.upper_threshold_ms));
            else
                std::snprintf(buf, sizeof buf, "latency >= %lld ms", static_cast<long long>(p.threshold_ms));
            out += buf;
            break;
        case TailPolicyKind::StatusCode:
            out += "status_code ERROR";
            break;
        case TailPolicyKind::Probabilistic:
            std::snprintf(buf, sizeof buf, "probabilistic %g%%", p.sampling_percentage);
            out += buf;
            break;
        case TailPolicyKind::And:
        case TailPolicyKind::Composite:
            out += p.kind == TailPolicyKind::And ? "and(" : "composite(";
            for (size_t i = 0; i < p.sub.size(); ++i) {
                if (i) out += ", ";
                describe(p.sub[i], out);
            }
            out += ")";
            break;
    }
}
}  // namespace

std::string TailSampler::description() const {
    if (config_.policies.empty()) return "none (every trace kept)";
    std::string out;
    for (size_t i = 0; i < config_.policies.size(); ++i) {
        if (i) out += " OR ";
        describe(config_.policies[i], out);
    }
    return out;
}

}  // namespace tl
