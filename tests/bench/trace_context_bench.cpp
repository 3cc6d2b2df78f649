// Benchmarks for sim/trace_context: parsing the two headers every instrumented request carries.
#include <benchmark/benchmark.h>

#include <string>

#include "sim/trace/trace_context.hpp"

namespace {

void BM_ParseTraceparent(benchmark::State& state) {
    const std::string value = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    for (auto _ : state) {
        auto tp = tl::parse_traceparent(value);
        benchmark::DoNotOptimize(tp);
    }
    state.SetItemsProcessed(state.iterations());
    state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(value.size()));
}
BENCHMARK(BM_ParseTraceparent);

void BM_FormatTraceparent(benchmark::State& state) {
    auto tp = tl::parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    char out[tl::kTraceparentLength];
    for (auto _ : state) {
        tl::write_traceparent(*tp, out);
        benchmark::DoNotOptimize(out);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_FormatTraceparent);

// Arg: number of list members (vendors) in the tracestate.
void BM_ParseTracestate(benchmark::State& state) {
    std::string value;
    for (int64_t i = 0; i < state.range(0); ++i)
        value += (i ? "," : "") + std::string("vendor") + std::to_string(i) + "=00f067aa0ba902b7";
    for (auto _ : state) {
        auto ts = tl::parse_tracestate(value);
        benchmark::DoNotOptimize(ts);
    }
    state.SetItemsProcessed(state.iterations());
    state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(value.size()));
}
BENCHMARK(BM_ParseTracestate)->Arg(1)->Arg(4)->Arg(32);

}  // namespace
