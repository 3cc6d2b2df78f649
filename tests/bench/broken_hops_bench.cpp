// Benchmarks for sim/trace/broken_hops: BM_FindBrokenHops/N finds the lost hop of N overlapping checkout
// requests (orders->payments sent without a traceparent, a request every 2 ms while each lasts ~240 ms, so
// about a hundred requests are in flight at any moment and every root falls in many callers' windows).

#include <benchmark/benchmark.h>

#include <filesystem>

#include "sim/engine/engine.hpp"
#include "sim/engine/scenario.hpp"
#include "sim/trace/analysis.hpp"
#include "sim/trace/broken_hops.hpp"

namespace {

void BM_FindBrokenHops(benchmark::State& state) {
    auto loaded = tl::load_scenario("checkout", std::filesystem::path(TRACELAB_ASSET_DIR) / "scenarios");
    if (!loaded) {
        state.SkipWithError(loaded.error().c_str());
        return;
    }
    tl::Scenario sc = *loaded;
    tl::apply_drop_flag(sc, "orders->payments=no-inject");
    sc.request_interval_ms = 2.0;
    tl::EngineOptions opt;
    opt.requests = static_cast<uint32_t>(state.range(0));
    const tl::Run run = tl::Engine(sc).run(opt);
    const tl::Analysis an = tl::analyze(run.observed);
    size_t hops = 0;
    for (auto _ : state) {
        const auto found = tl::find_broken_hops(run.observed, an);
        hops = found.size();
        benchmark::DoNotOptimize(found.data());
    }
    state.counters["hops"] = static_cast<double>(hops);
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(run.observed.spans.size()));
}
BENCHMARK(BM_FindBrokenHops)->Arg(1000)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond);

}  // namespace
