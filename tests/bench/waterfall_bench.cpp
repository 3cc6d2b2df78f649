// Waterfall frame cost: one whole headless Dear ImGui frame (NewFrame … the waterfall in a full-size window …
// Render, no GL) over a synthetic trace of N spans. Goals: ≤ 1 ms at 100k spans, ≤ 2 ms at 1M, and at most
// 50k vertices per frame at any size (reported as the `vertices` counter).
#ifdef TRACELAB_BENCH_HAS_UI
#include <benchmark/benchmark.h>

#include <deque>
#include <string>

#include <imgui.h>

#include "sim/trace/analysis.hpp"
#include "ui/waterfall/waterfall_view.hpp"

namespace {

using namespace tl;

// A tree with fan-out 10, children spread inside their parent, services and names cycling.
void synthetic_trace(size_t n, TraceStore& store) {
    store.clear();
    store.spans.reserve(n);
    const char* services[] = {"gateway", "auth", "orders", "db", "payments", "inventory", "search", "cache"};
    StrId svc[8], names[8];
    for (int i = 0; i < 8; ++i) {
        svc[i] = store.strings.intern(services[i]);
        names[i] = store.strings.intern(std::string(services[i]) + ".Handle");
        store.resource_for(svc[i]);
    }
    const TraceId trace{0xabcdef, 0x123456};
    Span root;
    root.trace_id = trace;
    root.span_id = SpanId{1};
    root.name = names[0];
    root.service = svc[0];
    root.start_ns = 1'767'225'600'000'000'000;
    root.end_ns = root.start_ns + 2'000'000'000;
    store.spans.push_back(root);
    std::deque<uint32_t> open{0};
    Rng rng(42);
    while (store.spans.size() < n && !open.empty()) {
        const uint32_t p = open.front();
        open.pop_front();
        const Span parent = store.spans[p];
        const int64_t slot = parent.duration_ns() / 10;
        for (int c = 0; c < 10 && store.spans.size() < n; ++c) {
            Span s;
            s.trace_id = trace;
            s.span_id = SpanId{store.spans.size() + 1};
            s.parent_span_id = parent.span_id;
            const auto k = static_cast<size_t>(rng.next() % 8);
            s.name = names[k];
            s.service = svc[k];
            s.start_ns = parent.start_ns + slot * c + slot / 10;
            s.end_ns = s.start_ns + slot * 8 / 10;
            if (rng.next() % 50 == 0) s.status = StatusCode::Error;
            store.spans.push_back(s);
            open.push_back(static_cast<uint32_t>(store.spans.size() - 1));
        }
    }
}

struct Fixture {
    TraceStore store;
    Analysis analysis;
    ImGuiContext* ctx = nullptr;
    explicit Fixture(size_t n) {
        synthetic_trace(n, store);
        analyze(store, analysis);
        ctx = ImGui::CreateContext();
        ImGuiIO& io = ImGui::GetIO();
        io.IniFilename = nullptr;
        io.DisplaySize = {1920, 1080};
        io.DeltaTime = 1.0f / 60.0f;
        unsigned char* px = nullptr;
        int w = 0, h = 0;
        io.Fonts->GetTexDataAsRGBA32(&px, &w, &h);
        io.MousePos = {1200, 600};  // over the bars: hover and tooltip work happens too
    }
    ~Fixture() { ImGui::DestroyContext(ctx); }
    Fixture(const Fixture&) = delete;
    Fixture& operator=(const Fixture&) = delete;
};

int frame(Fixture& f, ui::WaterfallViewState& st) {
    ImGui::NewFrame();
    ImGui::SetNextWindowPos({0, 0});
    ImGui::SetNextWindowSize(ImGui::GetIO().DisplaySize);
    ImGui::Begin("waterfall", nullptr, ImGuiWindowFlags_NoDecoration);
    ui::WaterfallInput in;
    in.store = &f.store;
    in.analysis = &f.analysis;
    in.trace = 0;
    ui::draw_waterfall("wf", in, st, {0, 0});
    ImGui::End();
    ImGui::Render();
    return ImGui::GetDrawData()->TotalVtxCount;
}

void run_frames(benchmark::State& state, bool zoomed) {
    Fixture f(static_cast<size_t>(state.range(0)));
    ui::WaterfallViewState st;
    frame(f, st);  // builds the per-trace cache once, as the app does on a new trace
    if (zoomed) {
        st.zoom(40.0, 0.5);
        st.scroll_y = static_cast<float>(state.range(0)) * 10.0f;  // about half-way down the rows
    }
    frame(f, st);
    int vertices = 0, max_vertices = 0;
    for (auto _ : state) {
        vertices = frame(f, st);
        max_vertices = std::max(max_vertices, vertices);
        benchmark::DoNotOptimize(vertices);
    }
    state.counters["vertices"] = max_vertices;
    state.counters["spans"] = static_cast<double>(f.store.spans.size());
}
// The whole trace in view.
void BM_WaterfallFrame(benchmark::State& state) {
    run_frames(state, false);
}
BENCHMARK(BM_WaterfallFrame)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMicrosecond);
// Zoomed 40× and scrolled half-way down the rows.
void BM_WaterfallFrameZoomed(benchmark::State& state) {
    run_frames(state, true);
}
BENCHMARK(BM_WaterfallFrameZoomed)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMicrosecond);

// The pure per-trace model build (once per new trace / re-simulation), for scale.
void BM_WaterfallModelBuild(benchmark::State& state) {
    TraceStore store;
    synthetic_trace(static_cast<size_t>(state.range(0)), store);
    Analysis an = analyze(store);
    ui::WaterfallModel m;
    for (auto _ : state) {
        m.build(store, an, 0, nullptr);
        m.build_rows({}, false);
        benchmark::DoNotOptimize(m.rows().data());
    }
}
BENCHMARK(BM_WaterfallModelBuild)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond);

}  // namespace
#endif
