// Sampling lab throughput: simulated requests per second through the engine, a head sampler and tail policies.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <stdexcept>

#include "sim/sampling/sampling.hpp"
#include "sim/sampling/sampling_lab.hpp"

namespace {
tl::Scenario load_checkout() {
    auto s = tl::load_scenario("checkout", std::filesystem::path(TRACELAB_ASSET_DIR) / "scenarios");
    if (!s) throw std::runtime_error(s.error());
    tl::Scenario sc = *s;
    tl::set_error_rate(sc, "payments", 0.01);
    return sc;
}

// The lab's standard set-up: 1% parent-based ratio head sampling, then "slow or errored, plus 10%" at the tail.
// items_per_second = requests.
void BM_SampleRequests(benchmark::State& state) {
    const tl::Scenario sc = load_checkout();
    tl::SamplingLabConfig cfg;
    cfg.requests = static_cast<uint32_t>(state.range(0));
    cfg.head = tl::HeadKind::ParentRatio;
    cfg.ratio = 0.01;
    cfg.tail.policies = {tl::TailPolicy::latency(300), tl::TailPolicy::errors(), tl::TailPolicy::probabilistic(10)};
    for (auto _ : state) {
        ++cfg.seed;
        auto rep = tl::run_sampling_lab(sc, cfg);
        if (!rep) state.SkipWithError(rep.error().c_str());
        benchmark::DoNotOptimize(rep->traces_kept);
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_SampleRequests)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

// Everything recorded at the head (always-on): the tail sampler sees every span, the worst case.
void BM_SampleRequestsAllToTail(benchmark::State& state) {
    const tl::Scenario sc = load_checkout();
    tl::SamplingLabConfig cfg;
    cfg.requests = static_cast<uint32_t>(state.range(0));
    cfg.head = tl::HeadKind::AlwaysOn;
    cfg.tail.policies = {tl::TailPolicy::latency(300), tl::TailPolicy::errors(), tl::TailPolicy::probabilistic(1)};
    for (auto _ : state) {
        ++cfg.seed;
        auto rep = tl::run_sampling_lab(sc, cfg);
        benchmark::DoNotOptimize(rep->traces_kept);
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_SampleRequestsAllToTail)->Arg(100'000)->Unit(benchmark::kMillisecond);

// One decision of each head sampler, for scale.
void BM_HeadDecision(benchmark::State& state) {
    const auto sampler = tl::make_head_sampler(static_cast<tl::HeadKind>(state.range(0)), 0.01);
    tl::IdGenerator ids(1);
    tl::SamplingInput in;
    uint64_t kept = 0;
    for (auto _ : state) {
        in.trace_id = ids.trace_id();
        kept += sampler->should_sample(in).sampled ? 1 : 0;
    }
    benchmark::DoNotOptimize(kept);
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_HeadDecision)->DenseRange(0, 4);
}  // namespace
