// Waterfall text placement: where a bar's label and the "slowest" badge go (pure), the ruler's tick labels
// at the edges, and the widget drawing both so that the badge never disappears and never covers the label.
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include <imgui_internal.h>  // LogToBuffer / LogBuffer: what ImGui::Text wrote this frame

#include "sim/trace/analysis.hpp"
#include "tests/support/span_builder.hpp"
#include "tests/ui/ui_fixture.hpp"
#include "ui/waterfall/waterfall_layout.hpp"
#include "ui/waterfall/waterfall_view.hpp"
#include "ui/widgets/timeline.hpp"

using namespace tl;
using namespace tl::ui;

namespace {

constexpr int64_t kMs = 1'000'000;

// A request with three labels: full 200 px, plain 120 px, duration 50 px; a 60 px badge.
BarTextRequest request(float x0, float x1, float area_r = 1000.0f) {
    BarTextRequest q;
    q.x0 = x0;
    q.x1 = x1;
    q.area_l = 2.0f;
    q.area_r = area_r;
    q.label_w[0] = 200.0f;
    q.label_w[1] = 120.0f;
    q.label_w[2] = 50.0f;
    q.badge_w = 60.0f;
    return q;
}

struct Box {
    float l, r;
};
Box label_box(const BarTextRequest& q, const BarTextPlacement& p) {
    return {p.label_x, p.label_x + q.label_w[p.label]};
}
bool overlap(Box a, Box b) {
    return a.l < b.r && a.r > b.l;
}

}  // namespace

TEST_CASE("bar text: a short bar keeps its label and badge beside it") {
    const BarTextRequest q = request(100.0f, 150.0f);
    const BarTextPlacement p = place_bar_text(q);
    CHECK(p.label == 0);
    CHECK(p.label_x >= 150.0f);  // after the bar
    REQUIRE(p.badge);
    CHECK_FALSE(p.badge_inside);
    CHECK(p.badge_x >= p.label_x + q.label_w[0]);  // after the label
}

TEST_CASE("bar text: with no room beside the bar the badge goes over its right end, clear of the label") {
    SUBCASE("a bar across the whole area") {
        const BarTextRequest q = request(2.0f, 998.0f);
        const BarTextPlacement p = place_bar_text(q);
        REQUIRE(p.badge);
        CHECK(p.badge_inside);
        CHECK(p.badge_x + q.badge_w <= 998.0f);
        CHECK(p.badge_x >= 2.0f);
        REQUIRE(p.label == 0);
        CHECK_FALSE(overlap(label_box(q, p), {p.badge_x, p.badge_x + q.badge_w}));
    }
    SUBCASE("a bar whose label takes the room after it") {
        // The full label fits only after the bar; then neither side has room for the badge.
        const BarTextRequest q = request(20.0f, 150.0f, 400.0f);
        const BarTextPlacement p = place_bar_text(q);
        REQUIRE(p.badge);
        CHECK(p.badge_inside);
        CHECK(p.badge_x >= 20.0f);
        CHECK(p.badge_x + q.badge_w <= 150.0f);
        REQUIRE(p.label == 0);
        CHECK(p.label_x >= 150.0f);
        CHECK_FALSE(overlap(label_box(q, p), {p.badge_x, p.badge_x + q.badge_w}));
    }
    SUBCASE("a bar just wide enough for the full label: the label shortens") {
        const BarTextRequest tight = request(2.0f, 240.0f, 242.0f);  // the full label fits, label + badge do not
        const BarTextPlacement p = place_bar_text(tight);
        REQUIRE(p.badge);
        CHECK(p.badge_inside);
        REQUIRE(p.label >= 1);  // a shorter candidate
        CHECK_FALSE(overlap(label_box(tight, p), {p.badge_x, p.badge_x + tight.badge_w}));
    }
}

TEST_CASE("bar text: a label stays off the hatching, to the right of a gap near the bar's start") {
    BarTextRequest q = request(100.0f, 900.0f);
    q.badge_w = 0.0f;
    const WaterfallMark gaps[] = {{0, 108.0f, 240.0f}};
    q.gaps = gaps;
    const BarTextPlacement p = place_bar_text(q);
    REQUIRE(p.label == 0);
    CHECK_FALSE(p.label_backed);
    CHECK(p.label_x >= 240.0f);  // after the gap, still on the bar
    CHECK(p.label_x + q.label_w[0] <= 900.0f);
}

TEST_CASE("bar text: when all of a wide bar is hatched the label goes on a backing, never on the badge") {
    BarTextRequest q = request(2.0f, 998.0f);
    const WaterfallMark gaps[] = {{0, 2.0f, 998.0f}};
    q.gaps = gaps;
    const BarTextPlacement p = place_bar_text(q);
    REQUIRE(p.badge);
    CHECK(p.badge_inside);
    REQUIRE(p.label >= 0);
    CHECK(p.label_backed);
    CHECK_FALSE(overlap(label_box(q, p), {p.badge_x, p.badge_x + q.badge_w}));
}

TEST_CASE("ruler: a tick label goes left of its tick at the right edge and is skipped when it fits nowhere") {
    // Room to the right.
    CHECK(RulerLabelX(100.0f, 40.0f, 0.0f, 500.0f) == doctest::Approx(103.0f));
    // Near the right edge: right-aligned before the tick.
    const float x = RulerLabelX(480.0f, 40.0f, 0.0f, 500.0f);
    REQUIRE_FALSE(std::isnan(x));
    CHECK(x + 40.0f <= 480.0f);
    // Neither side: the previous label ends too close on the left.
    CHECK(std::isnan(RulerLabelX(480.0f, 40.0f, 450.0f, 500.0f)));
    // A label wider than the ruler never shows.
    CHECK(std::isnan(RulerLabelX(10.0f, 600.0f, 0.0f, 500.0f)));
}

namespace {

// gateway ─ orders (wide, the slowest) ─ db
struct BadgeTrace {
    TraceStore store;
    Analysis an;
    WaterfallViewState state;
    uint32_t add(int parent, int64_t start, int64_t end, const char* name, const char* service) {
        return tl::test::add_span(store, TraceId{7, 9}, parent, start, end, name, service, StatusCode::Unset, 100);
    }
    std::string header;
    void draw() {
        ImGui::SetNextWindowPos({0, 0});
        ImGui::SetNextWindowSize(ImGui::GetIO().DisplaySize);
        ImGui::Begin("host", nullptr, ImGuiWindowFlags_NoDecoration);
        WaterfallInput in;
        in.store = &store;
        in.analysis = &an;
        in.trace = 0;
        ImGui::LogToBuffer();
        draw_waterfall("wf", in, state, {0, 0});
        header = GImGui->LogBuffer.c_str();
        ImGui::LogFinish();
        ImGui::End();
    }
};

}  // namespace

TEST_CASE("waterfall widget: the slowest badge shows over a bar that fills the view, beside its label") {
    tl::ui::test::UiFixture ui({1024, 640});
    BadgeTrace t;
    t.add(-1, 0, 100 * kMs, "GET /checkout", "gateway");
    t.add(0, 0, 100 * kMs, "orders.Create", "orders");  // the whole request: no room beside it
    t.add(1, 2 * kMs, 4 * kMs, "db.INSERT", "db");
    t.an = analyze(t.store);
    REQUIRE(t.an.traces[0].slowest_span == 1);
    ui.gui = [&] { t.draw(); };
    ui.run(3);
    const ProbedItem* badge = ui.item("waterfall slowest badge");
    REQUIRE_MESSAGE(badge != nullptr, ui.seen());
    const ProbedItem* bar = ui.item("bar orders.Create");
    REQUIRE(bar != nullptr);
    CHECK(badge->min.y >= bar->min.y - 4.0f);  // on the orders row
    CHECK(badge->max.y <= bar->max.y + 4.0f);
    CHECK(badge->max.x <= bar->max.x + 1.0f);  // over the bar's right end
    const ProbedItem* label = ui.item("waterfall label orders.Create");
    REQUIRE_MESSAGE(label != nullptr, ui.seen());
    CHECK((label->max.x <= badge->min.x || label->min.x >= badge->max.x));  // the label stays readable
}

TEST_CASE("waterfall widget: the header counts spans in the right number") {
    tl::ui::test::UiFixture ui;
    BadgeTrace t;
    t.add(-1, 0, 52 * kMs, "GET /stock", "gateway");
    t.an = analyze(t.store);
    ui.gui = [&] { t.draw(); };
    ui.run(2);
    CHECK_MESSAGE(t.header.find("1 span ") != std::string::npos, t.header);
    CHECK(t.header.find("1 spans") == std::string::npos);

    BadgeTrace two;
    two.add(-1, 0, 52 * kMs, "GET /stock", "gateway");
    two.add(0, 1 * kMs, 50 * kMs, "inventory.Lookup", "inventory");
    two.an = analyze(two.store);
    ui.gui = [&] { two.draw(); };
    ui.run(2);
    CHECK_MESSAGE(two.header.find("2 spans") != std::string::npos, two.header);
}
