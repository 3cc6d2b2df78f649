// Waterfall layout (pure, no Dear ImGui): duration text, ruler ticks, rows and collapse, culling to the
// viewport, clipping to the view, lane folding with counts, playback, and ghosts from the ground truth.
#include <doctest/doctest.h>

#include <cstring>
#include <filesystem>
#include <set>
#include <string>

#include "sim/engine/engine.hpp"
#include "sim/engine/scenario.hpp"
#include "sim/trace/analysis.hpp"
#include "tests/support/span_builder.hpp"
#include "ui/waterfall/waterfall_layout.hpp"

using namespace tl;
using namespace tl::ui;

namespace {

constexpr int64_t kMs = 1'000'000;

// A hand-built trace: spans given as (parent index or -1, start, end, name, service).
struct TraceBuilder {
    TraceStore store;
    TraceId trace{0x1234, 0x5678};
    uint32_t add(int parent, int64_t start, int64_t end, const char* name, const char* service = "orders",
                 StatusCode status = StatusCode::Unset) {
        return tl::test::add_span(store, trace, parent, start, end, name, service, status);
    }
};

std::string fmt(int64_t ns) {
    char buf[32];
    format_duration(ns, buf, sizeof buf);
    return buf;
}

std::vector<std::string> row_names(const WaterfallModel& m) {
    std::vector<std::string> out;
    for (const auto& r : m.rows()) out.emplace_back(m.store().str(m.store().spans[static_cast<size_t>(r.span)].name));
    return out;
}

// root ─┬ a ─┬ a1
//       │    └ a2
//       └ b ── b1
struct SmallTrace {
    TraceBuilder tb;
    Analysis an;
    WaterfallModel m;
    uint32_t root, a, a1, a2, b, b1;
    SmallTrace() {
        root = tb.add(-1, 0, 100 * kMs, "root", "gateway");
        a = tb.add(0, 5 * kMs, 40 * kMs, "a", "orders");
        a1 = tb.add(1, 6 * kMs, 20 * kMs, "a1", "db");
        a2 = tb.add(1, 22 * kMs, 39 * kMs, "a2", "db", StatusCode::Error);
        b = tb.add(0, 50 * kMs, 95 * kMs, "b", "payments");
        b1 = tb.add(4, 55 * kMs, 60 * kMs, "b1", "payments");
        an = analyze(tb.store);
        REQUIRE(an.traces.size() == 1);
        m.build(tb.store, an, 0, nullptr);
    }
};

}  // namespace

TEST_CASE("waterfall: durations read with three significant digits and a fitting unit") {
    CHECK(fmt(850) == "850 ns");
    CHECK(fmt(1500) == "1.50 \xC2\xB5s");
    CHECK(fmt(12'400'000) == "12.4 ms");
    CHECK(fmt(240 * kMs) == "240 ms");
    CHECK(fmt(2'000'000'000) == "2.00 s");
    CHECK(fmt(999'999) == "1.00 ms");  // not "1000 µs"
    CHECK(fmt(-3 * kMs) == "-3.00 ms");
    char tiny[4];
    CHECK(format_duration(123456789, tiny, sizeof tiny) == 3);
    CHECK(std::strlen(tiny) == 3);
}

TEST_CASE("waterfall: ruler steps are 1-2-5 and majors are at least the spacing apart") {
    for (int64_t width : {int64_t{700}, 3 * kMs, 240 * kMs, 7'000 * kMs}) {
        for (float px : {300.0f, 1000.0f, 1900.0f}) {
            const TimeRange view{0, width};
            const int64_t step = ruler_step(view, px, 80.0f);
            REQUIRE(step > 0);
            int64_t m = step;
            while (m % 10 == 0) m /= 10;
            CHECK((m == 1 || m == 2 || m == 5));
            CHECK(static_cast<double>(step) * px / static_cast<double>(width) >= 80.0 - 1e-6);
            // The next smaller nice step would be too tight.
            const int64_t smaller = m == 1 ? step / 2 : m == 2 ? step / 2 : step * 2 / 5;
            if (smaller > 0) CHECK(static_cast<double>(smaller) * px / static_cast<double>(width) < 80.0);
        }
    }
}

TEST_CASE("waterfall: ruler ticks are labelled relative to the trace start, distinct and in order") {
    std::vector<RulerTick> ticks;
    const int64_t origin = 1'767'225'600'000'000'000;
    ruler_ticks({origin - 10 * kMs, origin + 250 * kMs}, origin, 1000.0f, 90.0f, ticks);
    REQUIRE(!ticks.empty());
    std::vector<const RulerTick*> majors;
    for (const auto& t : ticks)
        if (t.major) majors.push_back(&t);
    REQUIRE(majors.size() >= 2);
    std::set<std::string> labels;
    float last_x = -1e9f;
    bool saw_zero = false;
    for (const RulerTick* t : majors) {
        CHECK(t->x - last_x >= 90.0f - 0.01f);
        last_x = t->x;
        CHECK(labels.insert(t->label).second);
        if (t->time_ns == origin) {
            saw_zero = true;
            CHECK(std::string(t->label) == "0");
        }
        CHECK(t->x >= 0.0f);
        CHECK(t->x <= 1000.0f);
    }
    CHECK(saw_zero);
    CHECK(std::string(majors.back()->label).find("ms") != std::string::npos);
    for (const auto& t : ticks)
        if (!t.major) CHECK(t.label[0] == '\0');
}

TEST_CASE("waterfall: rows follow pre-order and collapsing hides the subtree") {
    SmallTrace t;
    t.m.build_rows({}, false);
    CHECK(row_names(t.m) == std::vector<std::string>{"root", "a", "a1", "a2", "b", "b1"});
    CHECK(t.m.rows()[2].depth == 2);
    CHECK((t.m.rows()[1].flags & kRowHasChildren) != 0);
    CHECK((t.m.rows()[2].flags & kRowHasChildren) == 0);
    CHECK((t.m.rows()[3].flags & kRowError) != 0);

    std::unordered_set<uint64_t> collapsed{t.tb.store.spans[t.a].span_id.value};
    t.m.build_rows(collapsed, false);
    CHECK(row_names(t.m) == std::vector<std::string>{"root", "a", "b", "b1"});
    CHECK((t.m.rows()[1].flags & kRowCollapsed) != 0);
    CHECK(t.m.rows()[1].hidden == 2);
    CHECK(t.m.row_of_span(static_cast<int32_t>(t.a1)) == -1);
    CHECK(t.m.row_of_span(static_cast<int32_t>(t.b)) == 2);

    collapsed = {t.tb.store.spans[t.root].span_id.value};
    t.m.build_rows(collapsed, false);
    CHECK(row_names(t.m) == std::vector<std::string>{"root"});
    CHECK(t.m.rows()[0].hidden == 5);
    // Collapsing a leaf changes nothing.
    collapsed = {t.tb.store.spans[t.b1].span_id.value};
    t.m.build_rows(collapsed, false);
    CHECK(t.m.rows().size() == 6);
}

TEST_CASE("waterfall: bars map time to pixels, clip to the view and keep a minimum width") {
    SmallTrace t;
    t.m.build_rows({}, false);
    WaterfallFrame f;
    WaterfallLayoutParams p;
    p.view = {0, 100 * kMs};
    p.width_px = 1000.0f;
    p.row_height = 20.0f;
    p.viewport_px = 400.0f;
    p.selected_span = static_cast<int32_t>(t.b);
    layout_rows(t.m, p, f);
    REQUIRE(f.bars.size() == 6);
    CHECK(f.bars[1].x0 == doctest::Approx(50.0f));
    CHECK(f.bars[1].x1 == doctest::Approx(400.0f));
    CHECK((f.bars[4].flags & kRowSelected) != 0);
    CHECK((f.bars[1].flags & kRowSelected) == 0);

    // Zoomed to 45–60 ms: "a" and "a1" lie left of the view, "b" is clipped at the left edge.
    p.view = {45 * kMs, 60 * kMs};
    layout_rows(t.m, p, f);
    CHECK_FALSE(f.bars[2].visible);  // a1: 6–20 ms
    CHECK(f.bars[0].visible);        // root spans the whole view
    CHECK(f.bars[0].x0 <= 0.0f);
    CHECK(f.bars[0].x1 >= 1000.0f);
    CHECK(f.bars[4].visible);
    CHECK(f.bars[4].x0 == doctest::Approx(5000.0f / 15.0f).epsilon(0.01));
    for (const auto& b : f.bars) {
        CHECK(b.x0 >= -4.0f);
        CHECK(b.x1 <= 1004.0f);
    }
    // A 1 ns span at this scale is still drawn min_bar_px wide.
    p.view = {0, 100 * kMs};
    TraceBuilder tb;
    tb.add(-1, 0, 100 * kMs, "root");
    tb.add(0, 10 * kMs, 10 * kMs + 1, "blink");
    Analysis an = analyze(tb.store);
    WaterfallModel m;
    m.build(tb.store, an, 0, nullptr);
    m.build_rows({}, false);
    layout_rows(m, p, f);
    REQUIRE(f.bars.size() == 2);
    CHECK(f.bars[1].x1 - f.bars[1].x0 == doctest::Approx(p.min_bar_px));
}

TEST_CASE("waterfall: only rows inside the viewport are laid out, whatever the trace size") {
    TraceBuilder tb;
    tb.add(-1, 0, 10'000 * kMs, "root");
    for (int i = 0; i < 5000; ++i) tb.add(0, i * 2 * kMs, i * 2 * kMs + kMs, "child");
    Analysis an = analyze(tb.store);
    WaterfallModel m;
    m.build(tb.store, an, 0, nullptr);
    m.build_rows({}, false);
    REQUIRE(m.rows().size() == 5001);
    WaterfallFrame f;
    WaterfallLayoutParams p;
    p.view = {0, 10'000 * kMs};
    p.width_px = 800.0f;
    p.row_height = 20.0f;
    p.viewport_px = 200.0f;
    p.scroll_y = 20.0f * 1000.0f + 5.0f;  // row 1000 partly scrolled off
    layout_rows(m, p, f);
    CHECK(f.first_row == 1000);
    CHECK(f.end_row == 1011);
    CHECK(f.bars.size() == 11);
    CHECK(f.bars.front().row == 1000);
    // Scrolled past the end: nothing, and no crash.
    p.scroll_y = 1e9f;
    layout_rows(m, p, f);
    CHECK(f.bars.empty());
}

TEST_CASE("waterfall: lanes fold spans narrower than a few pixels into blocks with a count") {
    TraceBuilder tb;
    tb.add(-1, 0, 1000 * kMs, "root");
    // 10 000 children of 10 µs each, evenly spread: far below 3 px at full width.
    const int n = 10'000;
    for (int i = 0; i < n; ++i) tb.add(0, int64_t{i} * 100'000, int64_t{i} * 100'000 + 10'000, "tiny");
    Analysis an = analyze(tb.store);
    WaterfallModel m;
    m.build(tb.store, an, 0, nullptr);
    REQUIRE(m.lane_count() == 2);
    std::vector<LaneBlock> blocks;
    layout_lanes(m, {0, 1000 * kMs}, 900.0f, 3.0f, blocks);
    uint64_t lane1 = 0, lane1_spans = 0;
    for (const auto& b : blocks) {
        if (b.lane != 1) continue;
        ++lane1;
        lane1_spans += b.count;
    }
    CHECK(lane1_spans == n);      // every span accounted for once
    CHECK(lane1 <= 900 / 3 + 1);  // at most one block per 3 px
    CHECK(lane1 < 1000);
    // Zoomed in on 1 ms (10 children, each 9 px wide at 900 px): every span on its own.
    layout_lanes(m, {500 * kMs, 501 * kMs}, 900.0f, 3.0f, blocks);
    int singles = 0;
    for (const auto& b : blocks)
        if (b.lane == 1) {
            CHECK(b.count == 1);
            CHECK(b.x1 - b.x0 == doctest::Approx(9.0f).epsilon(0.05));
            ++singles;
        }
    CHECK(singles == 10);
    // The root, wider than the view, is one block clipped to it.
    int roots = 0;
    for (const auto& b : blocks)
        if (b.lane == 0) {
            ++roots;
            CHECK(b.x0 <= 0.0f);
            CHECK(b.x1 >= 900.0f);
        }
    CHECK(roots == 1);
}

TEST_CASE("waterfall: parallel calls get minimap lanes side by side, up to three per depth") {
    TraceBuilder tb;
    tb.add(-1, 0, 100 * kMs, "root");
    // Five calls at once (a fan-out), then one after they all finished.
    for (int i = 0; i < 5; ++i) tb.add(0, 10 * kMs, (40 + 10 * i) * kMs, "shard", i < 3 ? "a" : "b");
    tb.add(0, 95 * kMs, 99 * kMs, "after");
    Analysis an = analyze(tb.store);
    WaterfallModel m;
    m.build(tb.store, an, 0, nullptr);
    REQUIRE(m.lane_count() == 1 + WaterfallModel::kLanesPerDepth);
    std::vector<LaneBlock> blocks;
    layout_lanes(m, {0, 100 * kMs}, 1000.0f, 3.0f, blocks);
    std::vector<uint32_t> spans_in_lane(size_t(m.lane_count()), 0);
    for (const auto& b : blocks) spans_in_lane[b.lane] += b.count;
    CHECK(spans_in_lane[0] == 1);
    CHECK(spans_in_lane[1] == 2);  // the first shard, and the call after them (its lane was free again)
    CHECK(spans_in_lane[2] == 1);
    CHECK(spans_in_lane[3] == 3);  // the third shard, and the two that found no free lane fold in with it
}

TEST_CASE("waterfall: a deep trace keeps to the minimap's lane limit") {
    TraceBuilder tb;
    int parent = -1;
    for (int d = 0; d < 40; ++d) parent = int(tb.add(parent, d * kMs, 100 * kMs, "deep"));
    Analysis an = analyze(tb.store);
    WaterfallModel m;
    m.build(tb.store, an, 0, nullptr);
    CHECK(m.lane_count() == WaterfallModel::kMaxLanes);
    size_t total = 0;
    for (int i = 0; i < m.lane_count(); ++i) total += m.lane(i).spans.size();
    CHECK(total == 40);
}

TEST_CASE("waterfall: lanes skip what lies before the view and stop at its end") {
    TraceBuilder tb;
    tb.add(-1, 0, 100 * kMs, "root");
    for (int i = 0; i < 100; ++i) tb.add(0, i * kMs, i * kMs + kMs / 2, "c");
    Analysis an = analyze(tb.store);
    WaterfallModel m;
    m.build(tb.store, an, 0, nullptr);
    std::vector<LaneBlock> blocks;
    layout_lanes(m, {40 * kMs, 50 * kMs}, 1000.0f, 3.0f, blocks);
    uint32_t count = 0;
    for (const auto& b : blocks)
        if (b.lane == 1) {
            count += b.count;
            CHECK(b.start_ns >= 40 * kMs);
            CHECK(b.start_ns < 50 * kMs);
        }
    CHECK(count == 10);
}

TEST_CASE("waterfall: playback shows only started spans and marks running ones") {
    SmallTrace t;
    const int64_t cutoff = 30 * kMs;
    t.m.build_rows({}, false, cutoff);
    CHECK(row_names(t.m) == std::vector<std::string>{"root", "a", "a1", "a2"});
    WaterfallFrame f;
    WaterfallLayoutParams p;
    p.view = {0, 100 * kMs};
    p.width_px = 1000.0f;
    p.viewport_px = 400.0f;
    p.cutoff_ns = cutoff;
    layout_rows(t.m, p, f);
    REQUIRE(f.bars.size() == 4);
    CHECK((f.bars[0].flags & kRowRunning) != 0);
    CHECK(f.bars[0].x1 == doctest::Approx(300.0f));  // root grows up to the playhead
    CHECK((f.bars[2].flags & kRowRunning) == 0);     // a1 already ended at 20 ms
    CHECK(f.bars[2].x1 == doctest::Approx(200.0f));
}

namespace {
Scenario checkout() {
    auto s = load_scenario("checkout", std::filesystem::path(TRACELAB_SOURCE_DIR) / "assets" / "scenarios");
    REQUIRE_MESSAGE(s.ok(), s.error());
    return *s;
}
int trace_with(const Run& run, const Analysis& an, std::string_view root_name) {
    for (size_t i = 0; i < an.traces.size(); ++i)
        if (an.traces[i].root >= 0 &&
            run.observed.str(run.observed.spans[static_cast<size_t>(an.traces[i].root)].name) == root_name)
            return static_cast<int>(i);
    return -1;
}
}  // namespace

TEST_CASE("waterfall: checkout marks the critical path and the slowest hop") {
    const Run run = simulate(checkout());
    const Analysis an = analyze(run.observed);
    REQUIRE(an.traces.size() == 1);
    WaterfallModel m;
    m.build(run.observed, an, 0, &run);
    m.build_rows({}, true);
    CHECK(m.ghosts().empty());  // nothing split off
    int critical = 0, slowest = 0;
    for (const auto& r : m.rows()) {
        CHECK((r.flags & kRowHasGap) == 0);  // own time of a healthy span is not an unexplained gap
        if (r.flags & kRowCritical) ++critical;
        if (r.flags & kRowSlowest) {
            ++slowest;
            CHECK(r.span == an.traces[0].slowest_span);
        }
    }
    CHECK(critical >= 2);
    CHECK(slowest == 1);
    WaterfallFrame f;
    WaterfallLayoutParams p;
    p.view = {an.traces[0].start_ns, an.traces[0].end_ns};
    p.width_px = 1000.0f;
    p.viewport_px = 1000.0f;
    layout_rows(m, p, f);
    CHECK(!f.critical.empty());
    float total = 0.0f;
    for (const auto& k : f.critical) total += k.x1 - k.x0;
    CHECK(total == doctest::Approx(1000.0f).epsilon(0.02));  // the critical path covers the root's whole length
}

TEST_CASE("waterfall: a dropped hop shows a gap in the caller and the lost fragment as a ghost") {
    Scenario s = checkout();
    REQUIRE(set_hop_fault(s, "orders", "payments", HopFault::NoInject).empty());
    const Run run = simulate(s);
    const Analysis an = analyze(run.observed);
    REQUIRE(an.traces.size() == 2);
    const int main = trace_with(run, an, "GET /checkout");
    REQUIRE(main >= 0);
    WaterfallModel m;
    m.build(run.observed, an, main, &run);
    REQUIRE(!m.ghosts().empty());

    m.build_rows({}, false);
    const size_t real_rows = m.rows().size();
    bool gap_in_orders = false;
    for (const auto& r : m.rows())
        if ((r.flags & kRowHasGap) &&
            run.observed.str(run.observed.spans[static_cast<size_t>(r.span)].name) == "orders.Create")
            gap_in_orders = true;
    CHECK(gap_in_orders);

    m.build_rows({}, true);
    REQUIRE(m.rows().size() > real_rows);
    int ghost_rows = 0;
    for (size_t i = 0; i < m.rows().size(); ++i) {
        const WaterfallRow& r = m.rows()[i];
        if (!(r.flags & kRowGhost)) continue;
        ++ghost_rows;
        REQUIRE(r.span >= 0);
        CHECK(an.trace_of[static_cast<size_t>(r.span)] != main);  // it landed in the other trace
        // The fragment's root is joined to the caller that dropped the context: orders.
        if (run.observed.str(run.observed.spans[static_cast<size_t>(r.span)].name) == "payments.Charge") {
            REQUIRE(r.connector_from >= 0);
            const WaterfallRow& from = m.rows()[static_cast<size_t>(r.connector_from)];
            CHECK(run.observed.str(run.observed.spans[static_cast<size_t>(from.span)].name) == "orders.Create");
            CHECK(r.start_ns >= from.start_ns);
            CHECK(r.end_ns <= from.end_ns);  // where it really happened: inside the caller
            CHECK(static_cast<int>(i) > r.connector_from);
        }
    }
    CHECK(ghost_rows >= 1);
    // Collapsing the caller hides its ghosts with it.
    const int orders_row = [&] {
        for (size_t i = 0; i < m.rows().size(); ++i)
            if (m.rows()[i].span >= 0 &&
                run.observed.str(run.observed.spans[static_cast<size_t>(m.rows()[i].span)].name) == "orders.Create")
                return static_cast<int>(i);
        return -1;
    }();
    REQUIRE(orders_row >= 0);
    std::unordered_set<uint64_t> collapsed{
        run.observed.spans[static_cast<size_t>(m.rows()[static_cast<size_t>(orders_row)].span)].span_id.value};
    m.build_rows(collapsed, true);
    for (const auto& r : m.rows()) CHECK((r.flags & kRowGhost) == 0);

    // Connectors are laid out for ghosts on screen.
    m.build_rows({}, true);
    WaterfallFrame f;
    WaterfallLayoutParams p;
    p.view = m.extent();
    p.width_px = 1000.0f;
    p.viewport_px = 1000.0f;
    layout_rows(m, p, f);
    CHECK(!f.connectors.empty());
    CHECK(!f.gaps.empty());
}

namespace {
// The gaps marked in the row of the span called `name` in trace `t`, and that span.
struct MarkedGaps {
    const Span* span = nullptr;
    std::vector<Gap> gaps;
    uint16_t flags = 0;
};
MarkedGaps marked_gaps(const Run& run, const WaterfallModel& m, std::string_view name) {
    MarkedGaps out;
    for (const auto& r : m.rows()) {
        if (r.span < 0 || (r.flags & kRowGhost)) continue;
        const Span& sp = run.observed.spans[static_cast<size_t>(r.span)];
        if (run.observed.str(sp.name) != name) continue;
        out.span = &sp;
        out.flags = r.flags;
        const auto g = m.gaps_of(r.span);
        out.gaps.assign(g.begin(), g.end());
    }
    return out;
}
}  // namespace

TEST_CASE("waterfall: a span whose children all went to other traces is one unexplained gap") {
    SUBCASE("orders lost both db and payments") {
        Scenario s = checkout();
        REQUIRE(apply_drop_flag(s, "orders->db=ctx-dropped").empty());
        REQUIRE(apply_drop_flag(s, "orders->payments").empty());
        const Run run = simulate(s);
        const Analysis an = analyze(run.observed);
        const int main = trace_with(run, an, "GET /checkout");
        REQUIRE(main >= 0);
        WaterfallModel m;
        m.build(run.observed, an, main, &run);
        m.build_rows({}, false);
        const MarkedGaps orders = marked_gaps(run, m, "orders.Create");
        REQUIRE(orders.span != nullptr);
        CHECK((orders.flags & kRowHasChildren) == 0);  // nothing left under it in this trace
        CHECK((orders.flags & kRowHasGap) != 0);
        REQUIRE(orders.gaps.size() == 1);
        CHECK(orders.gaps[0].start_ns == orders.span->start_ns);
        CHECK(orders.gaps[0].end_ns == orders.span->end_ns);
        // auth kept its (absent) children to itself: a leaf that lost nothing has no gap.
        const MarkedGaps auth = marked_gaps(run, m, "auth.Verify");
        REQUIRE(auth.span != nullptr);
        CHECK(auth.gaps.empty());
        CHECK((auth.flags & kRowHasGap) == 0);

        WaterfallFrame f;
        WaterfallLayoutParams p;
        p.view = m.extent();
        p.width_px = 1000.0f;
        p.viewport_px = 1000.0f;
        layout_rows(m, p, f);
        CHECK(f.gaps.size() == 1);
    }
    SUBCASE("the gateway calls a proxy that drops trace headers") {
        auto s = load_scenario("header-stripping-proxy",
                               std::filesystem::path(TRACELAB_SOURCE_DIR) / "assets" / "scenarios");
        REQUIRE_MESSAGE(s.ok(), s.error());
        s->client_spans = false;  // the gateway's own span is then the one left waiting
        const Run run = simulate(*s);
        const Analysis an = analyze(run.observed);
        const int main = trace_with(run, an, "GET /stock");
        REQUIRE(main >= 0);
        WaterfallModel m;
        m.build(run.observed, an, main, &run);
        m.build_rows({}, true);
        const MarkedGaps gw = marked_gaps(run, m, "GET /stock");
        REQUIRE(gw.span != nullptr);
        REQUIRE(gw.gaps.size() == 1);
        CHECK(gw.gaps[0].start_ns == gw.span->start_ns);
        CHECK(gw.gaps[0].end_ns == gw.span->end_ns);
    }
    SUBCASE("a leaf without lost children stays unmarked even with ground truth") {
        const Run run = simulate(checkout());
        const Analysis an = analyze(run.observed);
        WaterfallModel m;
        m.build(run.observed, an, 0, &run);
        m.build_rows({}, true);
        for (const auto& r : m.rows()) CHECK(m.gaps_of(r.span).empty());
    }
}

TEST_CASE("waterfall: a span that kept some children marks only the stretches where one went missing") {
    Scenario s = checkout();
    REQUIRE(apply_drop_flag(s, "orders->db=ctx-dropped").empty());
    const Run run = simulate(s);
    const Analysis an = analyze(run.observed);
    const int main = trace_with(run, an, "GET /checkout");
    REQUIRE(main >= 0);
    WaterfallModel m;
    m.build(run.observed, an, main, &run);
    m.build_rows({}, false);
    const MarkedGaps orders = marked_gaps(run, m, "orders.Create");
    REQUIRE(orders.span != nullptr);
    REQUIRE(orders.gaps.size() == 1);  // the stretch before payments, where db ran; not the tail after payments
    CHECK(orders.gaps[0].start_ns == orders.span->start_ns);
    CHECK(orders.gaps[0].end_ns < orders.span->end_ns);
    const auto own = an.gaps_of(static_cast<uint32_t>(orders.span - run.observed.spans.data()));
    REQUIRE(own.size() == 2);  // the analysis sees both uncovered stretches
    CHECK(orders.gaps[0].end_ns == own[0].end_ns);
}

TEST_CASE("waterfall: ghosts sit among their caller's children in the order the calls happened") {
    Scenario s = checkout();
    REQUIRE(set_hop_fault(s, "orders", "payments", HopFault::NoInject).empty());
    const Run run = simulate(s);
    const Analysis an = analyze(run.observed);
    const int main = trace_with(run, an, "GET /checkout");
    REQUIRE(main >= 0);
    WaterfallModel m;
    m.build(run.observed, an, main, &run);
    m.build_rows({}, true);
    const auto& rows = m.rows();
    auto name_of = [&](const WaterfallRow& r) {
        return r.span >= 0 ? std::string(run.observed.str(run.observed.spans[static_cast<size_t>(r.span)].name))
                           : std::string();
    };
    int orders = -1, ghost = -1;
    for (size_t i = 0; i < rows.size(); ++i) {
        if (!(rows[i].flags & kRowGhost) && name_of(rows[i]) == "orders.Create") orders = static_cast<int>(i);
        if ((rows[i].flags & kRowGhost) && name_of(rows[i]) == "payments.Charge") ghost = static_cast<int>(i);
    }
    REQUIRE(orders >= 0);
    REQUIRE(ghost > orders);
    const int32_t orders_span = rows[static_cast<size_t>(orders)].span;
    int siblings = 0;
    for (size_t i = static_cast<size_t>(orders) + 1; i < rows.size(); ++i) {
        const WaterfallRow& r = rows[i];
        if (r.flags & kRowGhost) continue;
        if (r.depth <= rows[static_cast<size_t>(orders)].depth) break;  // past the caller's subtree
        if (an.parent[static_cast<size_t>(r.span)] != orders_span) continue;
        ++siblings;
        // A real child that started before the lost call is above its ghost, one that started after is below.
        if (r.start_ns < rows[static_cast<size_t>(ghost)].start_ns)
            CHECK(static_cast<int>(i) < ghost);
        else
            CHECK(static_cast<int>(i) > ghost);
    }
    CHECK(siblings >= 1);
}

TEST_CASE("waterfall: a folded minimap block counts the failed spans inside it") {
    TraceBuilder tb;
    tb.add(-1, 0, 1000 * kMs, "root");
    for (int i = 0; i < 1000; ++i)
        tb.add(0, int64_t{i} * kMs, int64_t{i} * kMs + 10'000, "tiny", "orders",
               i == 500 ? StatusCode::Error : StatusCode::Unset);
    Analysis an = analyze(tb.store);
    WaterfallModel m;
    m.build(tb.store, an, 0, nullptr);
    std::vector<LaneBlock> blocks;
    layout_lanes(m, {0, 1000 * kMs}, 100.0f, 3.0f, blocks);
    uint32_t errors = 0, folded_with_error = 0;
    for (const auto& b : blocks) {
        if (b.lane != 1) continue;
        errors += b.errors;
        if (b.errors > 0) {
            CHECK(b.count > 1);
            CHECK(b.start_ns <= 500 * kMs);
            CHECK(b.end_ns >= 500 * kMs);
            ++folded_with_error;
        }
    }
    CHECK(errors == 1);
    CHECK(folded_with_error == 1);
    // Zoomed in, the failed span is its own block and the others carry none.
    layout_lanes(m, {499 * kMs, 502 * kMs}, 900.0f, 3.0f, blocks);
    for (const auto& b : blocks)
        if (b.lane == 1) CHECK(b.errors == (b.start_ns == 500 * kMs ? 1u : 0u));
}

TEST_CASE("waterfall: ruler labels given a unit stay in it; zero durations print without decimals") {
    std::vector<RulerTick> ticks;
    const int64_t origin = 1'700'000'000'000'000'000;
    const int64_t us = 1000;
    // 850 µs across 1000 px, labels at least 90 px apart: a 100 µs step.
    ruler_ticks({origin, origin + 850 * us}, origin, 1000.0f, 90.0f, ticks, us);
    std::vector<std::string> majors;
    for (const auto& t : ticks)
        if (t.major) majors.emplace_back(t.label);
    REQUIRE(majors.size() == 9);  // 0, 100, ..., 800 µs
    CHECK(majors[0] == "0");
    for (size_t i = 1; i < majors.size(); ++i) CHECK(majors[i] == std::to_string(i * 100) + " \xC2\xB5s");
    // The same view in milliseconds: one decimal is enough for a 100 µs step.
    ruler_ticks({origin, origin + 850 * us}, origin, 1000.0f, 90.0f, ticks, kMs);
    std::vector<std::string> in_ms;
    for (const auto& t : ticks)
        if (t.major) in_ms.emplace_back(t.label);
    REQUIRE(in_ms.size() == 9);
    CHECK(in_ms[3] == "0.3 ms");
    char buf[32];
    format_duration_in(0, us, buf, sizeof buf);
    CHECK(std::string(buf) == "0 \xC2\xB5s");
    format_duration_in(30 * us, us, buf, sizeof buf);
    CHECK(std::string(buf) == "30.0 \xC2\xB5s");
}
