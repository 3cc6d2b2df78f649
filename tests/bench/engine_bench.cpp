// Simulation throughput: observed spans per second, id generation included.
#include <benchmark/benchmark.h>

#include <filesystem>

#include "sim/engine/engine.hpp"

namespace {
tl::Scenario load(const char* name) {
    auto s = tl::load_scenario(name, std::filesystem::path(TRACELAB_ASSET_DIR) / "scenarios");
    if (!s) throw std::runtime_error(s.error());
    return *s;
}

// Re-simulates `requests` checkout requests into one Run, as the app does on every edit.
void BM_SimulateCheckout(benchmark::State& state) {
    const tl::Engine engine(load("checkout"));
    tl::EngineOptions opt;
    opt.requests = static_cast<uint32_t>(state.range(0));
    tl::Run run;
    engine.run(opt, run);  // grow buffers once
    size_t spans = 0;
    for (auto _ : state) {
        ++opt.seed;
        engine.run(opt, run);
        spans += run.observed.spans.size();
        benchmark::DoNotOptimize(run.observed.spans.data());
    }
    state.SetItemsProcessed(static_cast<int64_t>(spans));
}
BENCHMARK(BM_SimulateCheckout)->Arg(1)->Arg(1000)->Arg(100000);

// The same with a client span for every remote call (8 spans per request instead of 5), as auto-instrumentation
// records them.
void BM_SimulateCheckoutClientSpans(benchmark::State& state) {
    const tl::Engine engine(load("checkout"));
    tl::EngineOptions opt;
    opt.requests = static_cast<uint32_t>(state.range(0));
    opt.client_spans = 1;
    tl::Run run;
    engine.run(opt, run);
    size_t spans = 0;
    for (auto _ : state) {
        ++opt.seed;
        engine.run(opt, run);
        spans += run.observed.spans.size();
        benchmark::DoNotOptimize(run.observed.spans.data());
    }
    state.SetItemsProcessed(static_cast<int64_t>(spans));
}
BENCHMARK(BM_SimulateCheckoutClientSpans)->Arg(1000);

void BM_SimulateScenario(benchmark::State& state, const char* name) {
    const tl::Engine engine(load(name));
    tl::EngineOptions opt;
    opt.requests = 1000;
    tl::Run run;
    size_t spans = 0;
    for (auto _ : state) {
        ++opt.seed;
        engine.run(opt, run);
        spans += run.observed.spans.size();
    }
    state.SetItemsProcessed(static_cast<int64_t>(spans));
}
BENCHMARK_CAPTURE(BM_SimulateScenario, fan_out, "fan-out");
BENCHMARK_CAPTURE(BM_SimulateScenario, async_order, "async-order");
}  // namespace
