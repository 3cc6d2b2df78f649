// Benchmarks for the reading tools on one large trace: statistics, clock skew, link resolution, search and
// diff. Each should grow linearly (or n log n) with the span count: compare the /N rows.
// The trace is a synthetic call tree over 40 services, every 7th service's clock 30 ms ahead, a link on every
// 50th span.

#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <vector>

#include "sim/trace/analysis.hpp"
#include "sim/trace/diff.hpp"
#include "sim/trace/links.hpp"
#include "sim/trace/search.hpp"
#include "sim/trace/skew.hpp"
#include "sim/trace/statistics.hpp"

namespace {

constexpr int64_t kBase = 1'700'000'000'000'000'000;

// A tree where span i's parent is (i - 1) / 4: a balanced 4-ary call tree, each child inside its parent.
tl::TraceStore make_store(size_t n) {
    tl::TraceStore st;
    tl::IdGenerator ids(7);
    const tl::TraceId trace = ids.trace_id();
    std::vector<tl::StrId> services, names;
    for (int i = 0; i < 40; ++i) {
        services.push_back(st.strings.intern("svc" + std::to_string(i)));
        names.push_back(st.strings.intern("op" + std::to_string(i % 13)));
    }
    st.spans.reserve(n);
    for (size_t i = 0; i < n; ++i) {
        tl::Span s;
        s.trace_id = trace;
        s.span_id = ids.span_id();
        s.service = services[i % services.size()];
        s.name = names[i % names.size()];
        if (i == 0) {
            s.start_ns = kBase;
            s.end_ns = kBase + 100'000'000'000;
        } else {
            const tl::Span& p = st.spans[(i - 1) / 4];
            s.parent_span_id = p.span_id;
            const int64_t quarter = (p.end_ns - p.start_ns) / 4;
            const int64_t k = static_cast<int64_t>((i - 1) % 4);
            s.start_ns = p.start_ns + k * quarter + quarter / 10;
            s.end_ns = s.start_ns + quarter * 8 / 10;
        }
        if (i % 7 == 3) {  // a skewed clock
            s.start_ns += 30'000'000;
            s.end_ns += 30'000'000;
        }
        if (i % 50 == 49) {
            s.link_begin = static_cast<uint32_t>(st.links.size());
            s.link_count = 1;
            st.links.push_back(tl::SpanLink{trace, st.spans[i / 2].span_id, 0, {}});
        }
        st.spans.push_back(s);
    }
    return st;
}

struct Fixture {
    tl::TraceStore store;
    tl::Analysis analysis;
    explicit Fixture(size_t n) : store(make_store(n)), analysis(tl::analyze(store)) {}
};

void BM_TraceStatistics(benchmark::State& state) {
    const Fixture f(static_cast<size_t>(state.range(0)));
    for (auto _ : state) benchmark::DoNotOptimize(tl::trace_statistics(f.store, f.analysis, 0));
    state.SetItemsProcessed(state.iterations() * state.range(0));
}

void BM_DetectClockSkew(benchmark::State& state) {
    const Fixture f(static_cast<size_t>(state.range(0)));
    for (auto _ : state) benchmark::DoNotOptimize(tl::detect_clock_skew(f.store, f.analysis));
    state.SetItemsProcessed(state.iterations() * state.range(0));
}

void BM_ResolveLinks(benchmark::State& state) {
    const Fixture f(static_cast<size_t>(state.range(0)));
    for (auto _ : state) benchmark::DoNotOptimize(tl::resolve_links(f.store, f.analysis));
    state.SetItemsProcessed(state.iterations() * state.range(0));
}

void BM_SearchTrace(benchmark::State& state) {
    const Fixture f(static_cast<size_t>(state.range(0)));
    const auto q = tl::parse_span_query("op3 duration>1ms service=svc5");
    for (auto _ : state) benchmark::DoNotOptimize(tl::search_trace(f.store, f.analysis, 0, *q));
    state.SetItemsProcessed(state.iterations() * state.range(0));
}

void BM_DiffTraces(benchmark::State& state) {
    const Fixture a(static_cast<size_t>(state.range(0)));
    const Fixture b(static_cast<size_t>(state.range(0)) - 100);
    for (auto _ : state)
        benchmark::DoNotOptimize(
            tl::diff_traces(tl::DiffSide{&a.store, &a.analysis, {0}}, tl::DiffSide{&b.store, &b.analysis, {0}}));
    state.SetItemsProcessed(state.iterations() * state.range(0));
}

}  // namespace

BENCHMARK(BM_TraceStatistics)->Arg(10'000)->Arg(100'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DetectClockSkew)->Arg(10'000)->Arg(100'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ResolveLinks)->Arg(10'000)->Arg(100'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SearchTrace)->Arg(10'000)->Arg(100'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DiffTraces)->Arg(10'000)->Arg(100'000)->Unit(benchmark::kMillisecond);
