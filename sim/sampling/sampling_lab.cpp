// Sampling lab: the batch runner (engine → head sampler → tail policies) and its report.
// [SECTION] Histogram  [SECTION] Running  [SECTION] Report
#include "sim/sampling/sampling_lab.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <vector>

namespace tl {

// [SECTION] Histogram

double lab_bucket_upper_ms(int bucket) {
    return std::pow(10.0, bucket / 8.0);
}

int lab_bucket_of(double ms) {
    if (!(ms >= 1.0)) return 0;
    const int b = static_cast<int>(std::floor(std::log10(ms) * 8.0)) + 1;
    return std::min(b, kLabBuckets - 1);
}

uint64_t chunk_seed(uint64_t seed, uint32_t chunk) {
    if (chunk == 0) return seed;
    uint64_t z = seed + 0x9E3779B97F4A7C15ULL * chunk;  // splitmix64 step
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

// [SECTION] Running

namespace {

// Per-request facts kept for the whole run (percentiles need them all).
struct RequestFacts {
    int64_t true_ns = 0;
    int64_t kept_ns = -1;  // extent of the stored spans, -1 when nothing is stored
    bool error = false;
    bool error_kept = false;
};

double percentile_ms(std::vector<int64_t>& v, double q) {
    if (v.empty()) return 0;
    const auto k = static_cast<size_t>(
        std::min<double>(static_cast<double>(v.size()) - 1, std::ceil(q * static_cast<double>(v.size())) - 1));
    std::nth_element(v.begin(), v.begin() + static_cast<ptrdiff_t>(k), v.end());
    return static_cast<double>(v[k]) / 1e6;
}

// Deterministic export delay of one span, in [0, max_ns].
int64_t export_delay(SpanId id, int64_t max_ns) {
    if (max_ns <= 0) return 0;
    uint64_t z = id.value * 0x9E3779B97F4A7C15ULL;
    z ^= z >> 29;
    return static_cast<int64_t>(z % static_cast<uint64_t>(max_ns + 1));
}

// State reused across chunks so a run allocates only while buffers grow.
struct ChunkWork {
    Run run;
    std::vector<TailSpan> tail_spans;
    std::vector<uint32_t> order;  // span indices grouped by trace id
    std::vector<TailSpan> group;
    std::vector<uint8_t> group_kept;
    std::vector<uint8_t> kept;  // per observed span
};

void process_chunk(const Scenario& scenario, ChunkWork& w, TailSampler& tail, int64_t export_max_ns,
                   SamplingLabReport& rep, std::vector<RequestFacts>& facts) {
    const Run& run = w.run;
    const auto& spans = run.observed.spans;
    const size_t n_spans = spans.size();
    rep.spans_recorded += n_spans;

    // Tail sampling, trace by trace.
    w.kept.assign(n_spans, 1);
    if (tail.enabled() && n_spans > 0) {
        w.order.resize(n_spans);
        std::iota(w.order.begin(), w.order.end(), 0u);
        std::sort(w.order.begin(), w.order.end(), [&](uint32_t a, uint32_t b) {
            if (spans[a].trace_id != spans[b].trace_id) return spans[a].trace_id < spans[b].trace_id;
            return a < b;
        });
        for (size_t i = 0; i < n_spans;) {
            size_t j = i;
            w.group.clear();
            while (j < n_spans && spans[w.order[j]].trace_id == spans[w.order[i]].trace_id) {
                const Span& s = spans[w.order[j]];
                w.group.push_back(TailSpan{s.trace_id, s.start_ns, s.end_ns,
                                           s.end_ns + export_delay(s.span_id, export_max_ns),
                                           s.status == StatusCode::Error});
                ++j;
            }
            w.group_kept.assign(w.group.size(), 0);
            const auto outcome = tail.decide(w.group, w.group_kept);
            ++rep.traces_after_head;
            if (outcome.sampled) ++rep.traces_kept;
            rep.late_spans_kept += outcome.late_kept;
            rep.late_spans_dropped += outcome.late_dropped;
            for (size_t k = i; k < j; ++k) w.kept[w.order[k]] = w.group_kept[k - i];
            i = j;
        }
    } else if (n_spans > 0) {
        // No tail stage: count distinct traces (roots of new traces are recorded spans without a parent, but a
        // trace whose root was not sampled can still have recorded spans, so count distinct ids).
        w.order.resize(n_spans);
        std::iota(w.order.begin(), w.order.end(), 0u);
        std::sort(w.order.begin(), w.order.end(),
                  [&](uint32_t a, uint32_t b) { return spans[a].trace_id < spans[b].trace_id; });
        uint64_t distinct = 0;
        for (size_t i = 0; i < n_spans; ++i)
            if (i == 0 || spans[w.order[i]].trace_id != spans[w.order[i - 1]].trace_id) ++distinct;
        rep.traces_after_head += distinct;
        rep.traces_kept += distinct;
    }
    for (uint8_t k : w.kept) rep.spans_stored += k;

    // Per request: ground truth against what is stored.
    const size_t n_req = run.request_first_op.size();
    for (size_t r = 0; r < n_req; ++r) {
        const size_t first = run.request_first_op[r];
        const size_t last = r + 1 < n_req ? run.request_first_op[r + 1] : run.ops.size();
        const Operation& entry = run.ops[first];
        RequestFacts f;
        f.true_ns = entry.end_ns - entry.start_ns;
        uint32_t instrumented = 0, stored = 0;
        int64_t lo = 0, hi = 0;
        for (size_t o = first; o < last; ++o) {
            const Operation& op = run.ops[o];
            f.error = f.error || op.error;
            if (scenario.services[op.service].instrumented) ++instrumented;
            if (op.span < 0 || !w.kept[static_cast<size_t>(op.span)]) continue;
            const Span& s = spans[static_cast<size_t>(op.span)];
            if (stored == 0 || s.start_ns < lo) lo = s.start_ns;
            if (stored == 0 || s.end_ns > hi) hi = s.end_ns;
            ++stored;
            f.error_kept = f.error_kept || op.error;
        }
        rep.spans_possible += instrumented;
        if (stored > 0) {
            f.kept_ns = hi - lo;
            ++rep.requests_kept;
            if (stored < instrumented) ++rep.partial_requests;
        }
        facts.push_back(f);
    }
}

}  // namespace

Result<SamplingLabReport> run_sampling_lab(const Scenario& scenario, const SamplingLabConfig& config,
                                           const SamplingLabHooks& hooks) {
    using R = Result<SamplingLabReport>;
    if (config.requests == 0) return R::failure("the sampling lab needs at least one request");
    if (!(config.ratio >= 0 && config.ratio <= 1)) return R::failure("the head sampling ratio must be from 0 to 1");
    if (config.tail.decision_wait_ms < 0) return R::failure("decision_wait cannot be negative");
    if (!(config.jitter_fraction >= 0 && config.jitter_fraction <= 10))
        return R::failure("the jitter fraction must be from 0 to 10");
    if (auto e = validate_scenario(scenario, scenario.id.empty() ? "scenario" : scenario.id); !e.empty())
        return R::failure(e);

    Scenario jittered = scenario;
    if (config.jitter_fraction > 0)
        for (auto& svc : jittered.services)
            if (svc.own.jitter_ms == 0 && svc.own.ms > 0)
                (void)set_jitter(jittered, svc.name, svc.own.ms * config.jitter_fraction);
    const auto head = make_head_sampler(config.head, config.ratio);
    TailSampler tail(config.tail);
    const Engine engine(jittered);

    SamplingLabReport rep;
    rep.scenario = scenario.id;
    rep.head_description = head->description();
    rep.tail_description = tail.description();
    std::vector<RequestFacts> facts;
    facts.reserve(std::min<uint32_t>(config.requests, 1u << 20));

    ChunkWork work;
    const uint32_t chunk = std::max<uint32_t>(1, config.chunk_requests);
    const auto export_max_ns = static_cast<int64_t>(std::max(0.0, config.export_delay_ms) * 1e6);
    const auto interval_ns = static_cast<int64_t>(scenario.request_interval_ms * 1e6);
    EngineOptions opt;
    opt.sampler = head.get();
    uint32_t done = 0;
    for (uint32_t k = 0; done < config.requests; ++k) {
        if (hooks.cancel && hooks.cancel->load(std::memory_order_relaxed)) {
            rep.cancelled = true;
            break;
        }
        opt.seed = chunk_seed(config.seed, k);
        opt.requests = std::min(chunk, config.requests - done);
        // Chunks follow each other in time, so tail budgets per second see the real request rate.
        opt.epoch_unix_ns = EngineOptions{}.epoch_unix_ns + static_cast<int64_t>(done) * interval_ns;
        engine.run(opt, work.run);
        process_chunk(scenario, work, tail, export_max_ns, rep, facts);
        done += opt.requests;
        if (hooks.progress) hooks.progress(done, config.requests);
    }
    rep.requests = facts.size();
    rep.bytes_stored = rep.spans_stored * kStoredSpanBytes;

    // Latencies, slowness and histograms need the whole run.
    std::vector<int64_t> all, kept;
    all.reserve(facts.size());
    for (const auto& f : facts) {
        all.push_back(f.true_ns);
        if (f.kept_ns >= 0) kept.push_back(f.kept_ns);
    }
    rep.true_p50_ms = percentile_ms(all, 0.50);
    rep.true_p99_ms = percentile_ms(all, 0.99);
    rep.kept_p50_ms = percentile_ms(kept, 0.50);
    rep.kept_p99_ms = percentile_ms(kept, 0.99);
    double slow_ms = config.slow_ms;
    if (slow_ms <= 0) {
        for (const auto& p : config.tail.policies)
            if (p.kind == TailPolicyKind::Latency) slow_ms = static_cast<double>(p.threshold_ms);
    }
    if (slow_ms <= 0) slow_ms = rep.true_p99_ms;
    rep.slow_threshold_ms = slow_ms;
    const auto slow_ns = static_cast<int64_t>(slow_ms * 1e6);
    for (const auto& f : facts) {
        const bool is_kept = f.kept_ns >= 0;
        const int b = lab_bucket_of(static_cast<double>(f.true_ns) / 1e6);
        ++rep.hist_all[static_cast<size_t>(b)];
        if (is_kept) ++rep.hist_kept[static_cast<size_t>(b)];
        if (f.error) {
            ++rep.errored;
            ++rep.hist_errored[static_cast<size_t>(b)];
            if (f.error_kept) ++rep.errored_kept;
        }
        if (f.true_ns >= slow_ns) {
            ++rep.slow;
            if (is_kept) ++rep.slow_kept;
        }
    }
    return rep;
}

// [SECTION] Report

std::string SamplingLabReport::conclusion() const {
    char buf[512];
    std::string out;
    if (requests_kept == 0) return "Nothing was stored: an analyst would see no traffic at all.";
    const double err_true = requests ? double(errored) / double(requests) : 0;
    const double err_seen = 0 < requests_kept ? double(errored_kept) / double(requests_kept) : 0;
    std::snprintf(buf, sizeof buf,
                  "Looking only at stored traces, an analyst would put median latency at %.1f ms and p99 at %.1f ms "
                  "(true: %.1f / %.1f ms) and the error rate at %.2f%% (true: %.2f%%). ",
                  kept_p50_ms, kept_p99_ms, true_p50_ms, true_p99_ms, err_seen * 100, err_true * 100);
    out += buf;
    const double p50 = true_p50_ms > 0 ? kept_p50_ms / true_p50_ms : 1;
    const double p99 = true_p99_ms > 0 ? kept_p99_ms / true_p99_ms : 1;
    if (p50 > 1.15 || p99 > 1.1 || err_seen > err_true * 1.5 + 0.001)
        out +=
            "The stored sample is biased towards bad requests (that is what tail sampling is for): good for "
            "debugging, wrong for statistics unless each trace is weighted by its sampling probability. ";
    else if (p50 < 0.9 || p99 < 0.9)
        out += "Stored traces look faster than reality: slow requests or their late spans were lost. ";
    else
        out += "The stored sample is representative of latency and errors. ";
    if (errored > 0 && kept_error_share() < 0.5) out += "Most failures left no stored trace to debug them with. ";
    if (partial_requests > 0) {
        std::snprintf(buf, sizeof buf, "%llu requests were stored only in part.",
                      static_cast<unsigned long long>(partial_requests));
        out += buf;
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

Json lab_report_json(const SamplingLabReport& r) {
    Json j;
    j["scenario"] = r.scenario;
    j["head_sampler"] = r.head_description;
    j["tail_policies"] = r.tail_description;
    j["requests"] = r.requests;
    j["cancelled"] = r.cancelled;
    j["traces_after_head"] = r.traces_after_head;
    j["kept_traces"] = r.traces_kept;
    j["kept_requests"] = r.requests_kept;
    j["kept_share"] = r.kept_share();
    j["partial_traces"] = r.partial_requests;
    j["errored_requests"] = r.errored;
    j["errored_kept"] = r.errored_kept;
    j["kept_error_share"] = r.kept_error_share();
    j["slow_threshold_ms"] = r.slow_threshold_ms;
    j["slow_requests"] = r.slow;
    j["slow_kept"] = r.slow_kept;
    j["kept_slow_share"] = r.kept_slow_share();
    j["spans_possible"] = r.spans_possible;
    j["spans_recorded"] = r.spans_recorded;
    j["spans_stored"] = r.spans_stored;
    j["bytes_per_span_estimate"] = kStoredSpanBytes;
    j["bytes_stored"] = r.bytes_stored;
    j["late_spans_kept"] = r.late_spans_kept;
    j["late_spans_dropped"] = r.late_spans_dropped;
    j["true_p50_ms"] = r.true_p50_ms;
    j["true_p99_ms"] = r.true_p99_ms;
    j["kept_p50_ms"] = r.kept_p50_ms;
    j["kept_p99_ms"] = r.kept_p99_ms;
    j["conclusion"] = r.conclusion();
    return j;
}

namespace {
std::string bytes_text(uint64_t b) {
    char buf[32];
    if (b >= 1'000'000'000)
        std::snprintf(buf, sizeof buf, "%.2f GB", double(b) / 1e9);
    else if (b >= 1'000'000)
        std::snprintf(buf, sizeof buf, "%.2f MB", double(b) / 1e6);
    else if (b >= 1'000)
        std::snprintf(buf, sizeof buf, "%.1f kB", double(b) / 1e3);
    else
        std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(b));
    return buf;
}
}  // namespace

std::string lab_report_text(const SamplingLabReport& r) {
    char buf[256];
    std::string out;
    auto line = [&](const char* fmt, auto... args) {
        std::snprintf(buf, sizeof buf, fmt, args...);
        out += buf;
        out += '\n';
    };
    using ull = unsigned long long;
    line("scenario          %s", r.scenario.c_str());
    line("head sampler      %s", r.head_description.c_str());
    line("tail policies     %s", r.tail_description.c_str());
    line("requests          %llu%s", ull(r.requests), r.cancelled ? " (cancelled early)" : "");
    line("traces kept       %llu of %llu that reached the tail sampler", ull(r.traces_kept), ull(r.traces_after_head));
    line("requests kept     %llu (%.2f%%), %llu of them partial", ull(r.requests_kept), r.kept_share() * 100,
         ull(r.partial_requests));
    line("errored kept      %llu of %llu (%.2f%%)", ull(r.errored_kept), ull(r.errored), r.kept_error_share() * 100);
    line("slow kept         %llu of %llu (%.2f%%; slow = over %.1f ms)", ull(r.slow_kept), ull(r.slow),
         r.kept_slow_share() * 100, r.slow_threshold_ms);
    line("spans             %llu possible, %llu recorded, %llu stored", ull(r.spans_possible), ull(r.spans_recorded),
         ull(r.spans_stored));
    line("storage           %s (estimate: %llu bytes per span)", bytes_text(r.bytes_stored).c_str(),
         ull(kStoredSpanBytes));
    if (r.late_spans_kept + r.late_spans_dropped > 0)
        line("late spans        %llu kept, %llu lost", ull(r.late_spans_kept), ull(r.late_spans_dropped));
    line("latency p50/p99   true %.1f / %.1f ms, stored %.1f / %.1f ms", r.true_p50_ms, r.true_p99_ms, r.kept_p50_ms,
         r.kept_p99_ms);
    out += "\n" + r.conclusion() + "\n";
    return out;
}

}  // namespace tl
