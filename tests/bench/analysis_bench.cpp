// Benchmarks for sim/analysis: one huge trace (BM_Analyze/N) and many small ones (BM_AnalyzeManyTraces/N).
// The stores are synthetic: nested calls, some sequential and some parallel, a few messaging hops, with
// spans shuffled into arrival order as a backend would receive them.
// Two extreme shapes, each analysed alone and through `tracelab analyze FILE` (OTLP/JSON import, analysis,
// text listing): a root with N back-to-back children (BM_AnalyzeFlat, BM_AnalyzeCommandFlat) and an N-deep
// parent chain (BM_AnalyzeChain, BM_AnalyzeCommandChain).

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>
#include <vector>

#include "sim/formats/formats.hpp"
#include "ui/cli/cli.hpp"

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

// Re-analyses `store` (its buffers warm: the steady state of a re-analysis).
void analyze_store(benchmark::State& state, const tl::TraceStore& store) {
    tl::Analysis out;
    tl::analyze(store, out);
    for (auto _ : state) {
        tl::analyze(store, out);
        benchmark::DoNotOptimize(out.traces.data());
        benchmark::ClobberMemory();
    }
    state.counters["path_segments"] = static_cast<double>(out.traces[0].critical_path.size());
    state.counters["traces"] = static_cast<double>(out.traces.size());
    report(state, store.spans.size());
}

void BM_Analyze(benchmark::State& state) {
    tl::TraceStore store;
    tl::IdGenerator ids(7);
    tl::Rng rng(7);
    add_synthetic_trace(store, ids, rng, static_cast<size_t>(state.range(0)));
    shuffle(store, rng);
    analyze_store(state, store);
}
BENCHMARK(BM_Analyze)->Arg(1000)->Arg(100000)->Unit(benchmark::kMillisecond);

void BM_AnalyzeManyTraces(benchmark::State& state) {
    tl::TraceStore store;
    tl::IdGenerator ids(11);
    tl::Rng rng(11);
    const auto n = static_cast<size_t>(state.range(0));
    for (size_t done = 0; done < n; done += 10) add_synthetic_trace(store, ids, rng, 10);
    shuffle(store, rng);
    analyze_store(state, store);
}
BENCHMARK(BM_AnalyzeManyTraces)->Arg(100000)->Unit(benchmark::kMillisecond);

// One trace of N spans, span i under span parent(i) (-1: the root), running over times(i) in µs.
template <class Parent, class Times>
tl::TraceStore shaped_store(size_t n, uint64_t seed, Parent parent, Times times) {
    tl::TraceStore store;
    tl::IdGenerator ids(seed);
    const tl::TraceId trace = ids.trace_id();
    const tl::StrId svc = store.strings.intern("svc");
    const tl::StrId name = store.strings.intern("call");
    for (size_t i = 0; i < n; ++i) {
        tl::Span s;
        s.trace_id = trace;
        s.span_id = ids.span_id();
        if (const int64_t p = parent(i); p >= 0) s.parent_span_id = store.spans[static_cast<size_t>(p)].span_id;
        s.name = name;
        s.service = svc;
        s.resource = store.resource_for(svc);
        const auto [start_us, end_us] = times(i);
        s.start_ns = kBase + start_us * 1000;
        s.end_ns = kBase + end_us * 1000;
        store.spans.push_back(s);
    }
    return store;
}

// A root of N µs with N-1 children of 1 µs each, one after another.
tl::TraceStore flat_store(size_t n) {
    return shaped_store(
        n, 5, [](size_t i) { return i == 0 ? int64_t{-1} : int64_t{0}; },
        [n](size_t i) {
            const auto k = static_cast<int64_t>(i);
            return i == 0 ? std::pair<int64_t, int64_t>{0, static_cast<int64_t>(n)} : std::pair{k - 1, k};
        });
}

// N spans, each the only child of the one before and 1 µs shorter at both ends.
tl::TraceStore chain_store(size_t n) {
    return shaped_store(
        n, 6, [](size_t i) { return static_cast<int64_t>(i) - 1; },
        [n](size_t i) {
            const auto k = static_cast<int64_t>(i);
            return std::pair<int64_t, int64_t>{k, 2 * static_cast<int64_t>(n) - k};
        });
}

void BM_AnalyzeFlat(benchmark::State& state) {
    analyze_store(state, flat_store(static_cast<size_t>(state.range(0))));
}
BENCHMARK(BM_AnalyzeFlat)->Arg(200000)->Unit(benchmark::kMillisecond);

void BM_AnalyzeChain(benchmark::State& state) {
    analyze_store(state, chain_store(static_cast<size_t>(state.range(0))));
}
BENCHMARK(BM_AnalyzeChain)->Arg(50000)->Unit(benchmark::kMillisecond);

// `tracelab analyze FILE` on the store written as OTLP/JSON: read, import, analyse, list.
void analyze_command(benchmark::State& state, const tl::TraceStore& store, const char* name) {
    const auto path = std::filesystem::temp_directory_path() / name;
    {
        std::ofstream f(path, std::ios::binary);
        f << tl::write_trace(store, tl::TraceFormat::Otlp);
    }
    for (auto _ : state) {
        std::istringstream in;
        std::ostringstream out, err;
        const auto code = tl::cli::run({"analyze", path.string()}, tl::cli::Io{in, out, err});
        if (!code || *code != 0) state.SkipWithError(err.str().c_str());
        benchmark::DoNotOptimize(out.str().size());
    }
    state.counters["file_MB"] = static_cast<double>(std::filesystem::file_size(path)) / 1e6;
    std::filesystem::remove(path);
    report(state, store.spans.size());
}

void BM_AnalyzeCommandFlat(benchmark::State& state) {
    analyze_command(state, flat_store(static_cast<size_t>(state.range(0))), "tracelab-bench-flat.json");
}
BENCHMARK(BM_AnalyzeCommandFlat)->Arg(200000)->Unit(benchmark::kMillisecond)->Iterations(2);

void BM_AnalyzeCommandChain(benchmark::State& state) {
    analyze_command(state, chain_store(static_cast<size_t>(state.range(0))), "tracelab-bench-chain.json");
}
BENCHMARK(BM_AnalyzeCommandChain)->Arg(50000)->Unit(benchmark::kMillisecond)->Iterations(2);

}  // namespace
