// Benchmarks of the trace formats: importing and exporting large files (simulated checkout traffic). Goals on
// one core, Release: BM_ImportOtlp/100000 within 150 ms (BM_ImportOtlpAnalyzed adds the analysis a view needs),
// BM_ImportJaeger/100000 within 250 ms; Zipkin and Chrome imports for comparison.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <string>

#include "sim/engine/engine.hpp"
#include "sim/engine/scenario.hpp"
#include "sim/formats/formats.hpp"
#include "sim/trace/analysis.hpp"

namespace {

// A store of exactly `spans` simulated spans (checkout scenario with client spans, many requests).
tl::TraceStore simulated_store(size_t spans) {
    auto scenario = tl::load_scenario("checkout", std::filesystem::path(TRACELAB_ASSET_DIR) / "scenarios");
    if (!scenario) return {};
    scenario->client_spans = true;
    const tl::Run one = tl::simulate(*scenario, 1, 1);
    const size_t per_request = std::max<size_t>(1, one.observed.spans.size());
    tl::Run run = tl::simulate(*scenario, 1, static_cast<uint32_t>(spans / per_request + 1));
    run.observed.spans.resize(std::min(spans, run.observed.spans.size()));
    return run.observed;
}

// Imports a simulated store of state.range(0) spans written in `format`. Warm: the thread's parser keeps its
// buffers between imports, as on the receiver's threads and for a second file. Cold: they are given back
// before each import (untimed), as for the first file the app opens.
void import_format(benchmark::State& state, tl::TraceFormat format, bool cold = false) {
    const std::string text = tl::write_trace(simulated_store(static_cast<size_t>(state.range(0))), format);
    for (auto _ : state) {
        if (cold) {
            state.PauseTiming();
            tl::release_import_memory();
            state.ResumeTiming();
        }
        auto r = tl::import_trace_text(text, "bench.json");
        if (!r) state.SkipWithError(r.error().c_str());
        benchmark::DoNotOptimize(r);
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
    state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(text.size()));
    state.counters["file_MB"] = static_cast<double>(text.size()) / 1e6;
}

void BM_ImportOtlp(benchmark::State& state) {
    import_format(state, tl::TraceFormat::Otlp);
}
BENCHMARK(BM_ImportOtlp)->Arg(1000)->Arg(100000)->Unit(benchmark::kMillisecond);

void BM_ImportOtlpCold(benchmark::State& state) {
    import_format(state, tl::TraceFormat::Otlp, true);
}
BENCHMARK(BM_ImportOtlpCold)->Arg(100000)->Unit(benchmark::kMillisecond);

void BM_ImportOtlpAnalyzed(benchmark::State& state) {
    const std::string text =
        tl::write_trace(simulated_store(static_cast<size_t>(state.range(0))), tl::TraceFormat::Otlp);
    for (auto _ : state) {
        auto r = tl::import_trace_text(text, "bench.json");
        if (!r) {
            state.SkipWithError(r.error().c_str());
            break;
        }
        const tl::Analysis a = tl::analyze(r->store);
        benchmark::DoNotOptimize(a.traces.data());
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_ImportOtlpAnalyzed)->Arg(100000)->Unit(benchmark::kMillisecond);

void BM_ExportOtlp(benchmark::State& state) {
    const tl::TraceStore store = simulated_store(static_cast<size_t>(state.range(0)));
    for (auto _ : state) benchmark::DoNotOptimize(tl::write_trace(store, tl::TraceFormat::Otlp));
    state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_ExportOtlp)->Arg(1000)->Arg(100000)->Unit(benchmark::kMillisecond);

void BM_ImportJaeger(benchmark::State& state) {
    import_format(state, tl::TraceFormat::Jaeger);
}
BENCHMARK(BM_ImportJaeger)->Arg(100000)->Unit(benchmark::kMillisecond);

void BM_ImportJaegerCold(benchmark::State& state) {
    import_format(state, tl::TraceFormat::Jaeger, true);
}
BENCHMARK(BM_ImportJaegerCold)->Arg(100000)->Unit(benchmark::kMillisecond);

void BM_ImportZipkin(benchmark::State& state) {
    import_format(state, tl::TraceFormat::Zipkin);
}
BENCHMARK(BM_ImportZipkin)->Arg(100000)->Unit(benchmark::kMillisecond);

void BM_ImportChrome(benchmark::State& state) {
    import_format(state, tl::TraceFormat::Chrome);
}
BENCHMARK(BM_ImportChrome)->Arg(100000)->Unit(benchmark::kMillisecond);

}  // namespace
