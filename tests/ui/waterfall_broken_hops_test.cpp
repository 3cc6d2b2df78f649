// Waterfall layout with broken hops found in the data: the callee's root hangs under the calling span as a
// ghost joined by a connector, the callee trace's root says it was split off, and a simulation's ground-truth
// ghosts are not drawn twice.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "sim/engine/engine.hpp"
#include "sim/engine/scenario.hpp"
#include "sim/formats/formats.hpp"
#include "sim/trace/analysis.hpp"
#include "sim/trace/broken_hops.hpp"
#include "tests/support/span_builder.hpp"
#include "ui/waterfall/waterfall_layout.hpp"

using namespace tl;
using namespace tl::ui;

namespace {
constexpr int64_t kMs = 1'000'000;
}

TEST_CASE("waterfall: a broken hop in imported traces shows the callee's root under its caller") {
    // Two traces as a file would give them: frontend (no client span) and payments, started inside it.
    TraceStore st;
    const TraceId t1{0, 1}, t2{0, 2};
    const uint32_t fe = test::add_span(st, t1, -1, 0, 100 * kMs, "GET /checkout", "frontend");
    const uint32_t render = test::add_span(st, t1, int(fe), 70 * kMs, 90 * kMs, "render", "frontend");
    const uint32_t pay = test::add_span(st, t2, -1, 20 * kMs, 50 * kMs, "POST /charge", "payments");
    test::add_span(st, t2, int(pay), 25 * kMs, 45 * kMs, "INSERT", "payments");
    st.spans[fe].kind = st.spans[pay].kind = SpanKind::Server;
    const Analysis an = analyze(st);
    const auto hops = find_broken_hops(st, an);
    REQUIRE(hops.size() == 1);
    const int caller_trace = an.trace_of[fe], callee_trace = an.trace_of[pay];

    WaterfallModel m;
    m.build(st, an, caller_trace, nullptr, hops);
    for (bool show_ghosts : {false, true}) {  // found in the data: shown whatever the ground-truth toggle says
        m.build_rows({}, show_ghosts);
        REQUIRE(m.rows().size() == 3);  // frontend, the payments ghost, render
        const WaterfallRow& ghost = m.rows()[1];
        CHECK((ghost.flags & kRowGhost) != 0);
        CHECK((ghost.flags & kRowBrokenHop) != 0);
        CHECK(ghost.hop == 0);
        CHECK(ghost.span == int32_t(pay));
        CHECK(ghost.connector_from == 0);
        CHECK(ghost.depth == 1);
        CHECK(ghost.start_ns == st.spans[pay].start_ns);  // one clock: drawn where it was observed
        CHECK(m.rows()[2].span == int32_t(render));       // calls in time order: payments (20 ms) before render
    }
    // The frontend's stretch around the lost call is marked as unexplained.
    CHECK(!m.gaps_of(int32_t(fe)).empty());
    WaterfallFrame f;
    WaterfallLayoutParams p;
    p.view = m.extent();
    p.width_px = 800.0f;
    p.viewport_px = 400.0f;
    layout_rows(m, p, f);
    REQUIRE(f.connectors.size() == 1);
    CHECK(f.connectors[0].to_row == 1);

    // Collapsing the caller hides the ghost with its children.
    m.build_rows({st.spans[fe].span_id.value}, false);
    CHECK(m.rows().size() == 1);

    // The callee's own trace: its root row says a call from another trace started it.
    WaterfallModel callee;
    callee.build(st, an, callee_trace, nullptr, hops);
    callee.build_rows({}, false);
    REQUIRE(!callee.rows().empty());
    CHECK(callee.rows()[0].span == int32_t(pay));
    CHECK((callee.rows()[0].flags & kRowBrokenHop) != 0);
    CHECK(callee.rows()[0].hop == 0);
    CHECK((callee.rows()[1].flags & kRowBrokenHop) == 0);
}

TEST_CASE("waterfall: with ground-truth ghosts shown, a broken hop's callee is drawn once") {
    auto loaded = load_scenario("checkout", std::filesystem::path(TRACELAB_SOURCE_DIR) / "assets" / "scenarios");
    REQUIRE(loaded.ok());
    Scenario s = *loaded;
    REQUIRE(set_hop_fault(s, "orders", "payments", HopFault::NoInject).empty());
    const Run run = simulate(s);
    const Analysis an = analyze(run.observed);
    const auto hops = find_broken_hops(run.observed, an);
    REQUIRE(hops.size() == 1);
    WaterfallModel m;
    m.build(run.observed, an, int(hops[0].caller_trace), &run, hops);
    auto rows_of = [&](bool ghosts) {
        m.build_rows({}, ghosts);
        int callee_rows = 0, hop_rows = 0;
        for (const auto& r : m.rows()) {
            callee_rows += r.span == int32_t(hops[0].callee_span) ? 1 : 0;
            hop_rows += (r.flags & kRowBrokenHop) ? 1 : 0;
        }
        return std::pair{callee_rows, hop_rows};
    };
    CHECK(rows_of(true) == std::pair{1, 0});   // the ground truth draws it (with its subtree)
    CHECK(rows_of(false) == std::pair{1, 1});  // ghosts off: the hop found in the data still shows it
}
