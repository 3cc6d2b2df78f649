// Benchmarks for sim/analysis: one huge trace (BM_Analyze/N) and many small ones (BM_AnalyzeManyTraces/N).
// The stores are synthetic: nested calls, some sequential and some parallel, a few messaging hops, with
// spans shuffled into arrival order as a backend would receive them.

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "sim/trace/analysis.hpp"
#include "sim/trace/ids.hpp"
#include "sim/trace/trace_store.hpp"

namespace {

constexpr int64_t kBase = 1'700'000'000'000'000'000;

// Appends a trace of `count` spans: breadth-first, each span gets 1–5 children that either run one after
// another inside it or in parallel (and then sometimes run past its end).
void add_synthetic_trace(tl::TraceStore& store, tl::IdGenerator& ids, tl::Rng& rng, size_t count) {
    const tl::TraceId trace = ids.trace_id();
    const size_t first = store.spans.size();
    const tl::StrId name = store.strings.intern("op");

    tl::Span root;
    root.trace_id = trace;
    root.span_id = ids.span_id();
    root.name = name;
    root.kind = tl::SpanKind::Server;
    root.start_ns = kBase;
    root.end_ns = kBase + 10'000'000'000;  // 10 s: room for deep nesting in whole nanoseconds
    store.spans.push_back(root);

    for (size_t parent = first; store.spans.size() - first < count; ++parent) {
        const tl::Span p = store.spans[parent];
        const int64_t dur = std::max<int64_t>(p.end_ns - p.start_ns, 8);
        const size_t kids = std::min<size_t>(1 + rng.next() % 5, count - (store.spans.size() - first));
        const bool parallel = rng.next() % 4 == 0;
        const int64_t slot = dur / static_cast<int64_t>(kids);
        for (size_t k = 0; k < kids; ++k) {
            tl::Span c;
            c.trace_id = trace;
            c.span_id = ids.span_id();
            c.parent_span_id = p.span_id;
            c.name = name;
            c.kind = p.kind == tl::SpanKind::Producer ? tl::SpanKind::Consumer
                     : rng.next() % 50 == 0           ? tl::SpanKind::Producer
                     : rng.next() % 2 == 0            ? tl::SpanKind::Client
                                                      : tl::SpanKind::Server;
            if (parallel) {
                c.start_ns = p.start_ns + static_cast<int64_t>(rng.next() % static_cast<uint64_t>(dur / 8 + 1));
                c.end_ns = c.start_ns + dur / 2 + static_cast<int64_t>(rng.next() % static_cast<uint64_t>(dur / 2 + 1));
            } else {
                c.start_ns = p.start_ns + static_cast<int64_t>(k) * slot +
                             static_cast<int64_t>(rng.next() % static_cast<uint64_t>(slot / 10 + 1));
                c.end_ns = c.start_ns + slot * 8 / 10;
            }
            if (rng.next() % 100 == 0) c.status = tl::StatusCode::Error;
            store.spans.push_back(c);
        }
    }
}

void shuffle(tl::TraceStore& store, tl::Rng& rng) {
    auto& s = store.spans;
    for (size_t i = s.size(); i > 1; --i) std::swap(s[i - 1], s[rng.next() % i]);
}

void report(benchmark::State& state, size_t spans) {
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(spans));
}

void BM_Analyze(benchmark::State& state) {
    tl::TraceStore store;
    tl::IdGenerator ids(7);
    tl::Rng rng(7);
    const auto n = static_cast<size_t>(state.range(0));
    add_synthetic_trace(store, ids, rng, n);
    shuffle(store, rng);
    tl::Analysis out;
    tl::analyze(store, out);  // warm the buffers: the steady state of a re-analysis
    for (auto _ : state) {
        tl::analyze(store, out);
        benchmark::DoNotOptimize(out.traces.data());
        benchmark::ClobberMemory();
    }
    state.counters["path_segments"] = static_cast<double>(out.traces[0].critical_path.size());
    report(state, n);
}
BENCHMARK(BM_Analyze)->Arg(1000)->Arg(100000)->Unit(benchmark::kMillisecond);

void BM_AnalyzeManyTraces(benchmark::State& state) {
    tl::TraceStore store;
    tl::IdGenerator ids(11);
    tl::Rng rng(11);
    const auto n = static_cast<size_t>(state.range(0));
    for (size_t done = 0; done < n; done += 10) add_synthetic_trace(store, ids, rng, 10);
    shuffle(store, rng);
    tl::Analysis out;
    tl::analyze(store, out);
    for (auto _ : state) {
        tl::analyze(store, out);
        benchmark::DoNotOptimize(out.traces.data());
        benchmark::ClobberMemory();
    }
    state.counters["traces"] = static_cast<double>(out.traces.size());
    report(state, store.spans.size());
}
BENCHMARK(BM_AnalyzeManyTraces)->Arg(100000)->Unit(benchmark::kMillisecond);

}  // namespace
