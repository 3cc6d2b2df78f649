// The waterfall widget on a bare Dear ImGui context: clicking a row's triangle hides its children,
// clicking a bar selects its span, the wheel zooms, and the keyboard hooks move the selection.
#include <doctest/doctest.h>

#include "sim/trace/analysis.hpp"
#include "tests/support/span_builder.hpp"
#include "tests/ui/ui_fixture.hpp"
#include "ui/waterfall/waterfall_view.hpp"

using namespace tl;
using namespace tl::ui;

namespace {

constexpr int64_t kMs = 1'000'000;

struct WidgetTrace {
    TraceStore store;
    Analysis an;
    WaterfallViewState state;
    WaterfallEvents last;
    uint32_t add(int parent, int64_t start, int64_t end, const char* name, const char* service) {
        return tl::test::add_span(store, TraceId{7, 9}, parent, start, end, name, service, StatusCode::Unset, 100);
    }
    WidgetTrace() {
        add(-1, 0, 100 * kMs, "GET /checkout", "gateway");
        add(0, 10 * kMs, 60 * kMs, "orders.Create", "orders");
        add(1, 12 * kMs, 30 * kMs, "db.INSERT", "db");
        add(1, 32 * kMs, 58 * kMs, "payments.Charge", "payments");
        add(0, 70 * kMs, 90 * kMs, "audit.Write", "audit");
        an = analyze(store);
    }
    WaterfallInput input() const {
        WaterfallInput in;
        in.store = &store;
        in.analysis = &an;
        in.trace = 0;
        return in;
    }
    void draw() {
        ImGui::SetNextWindowPos({0, 0});
        ImGui::SetNextWindowSize(ImGui::GetIO().DisplaySize);
        ImGui::Begin("host", nullptr, ImGuiWindowFlags_NoDecoration);
        last = draw_waterfall("wf", input(), state, {0, 0});
        ImGui::End();
    }
};

}  // namespace

TEST_CASE("waterfall widget: collapsing a row hides its children, expanding brings them back") {
    tl::ui::test::UiFixture ui;
    WidgetTrace t;
    ui.gui = [&] { t.draw(); };
    ui.run(2);
    REQUIRE_MESSAGE(ui.visible("row db.INSERT"), ui.seen());
    REQUIRE(ui.visible("row payments.Charge"));
    REQUIRE(ui.click("toggle orders.Create"));
    ui.run(1);
    CHECK(ui.visible("row orders.Create"));
    CHECK_FALSE(ui.visible("row db.INSERT"));
    CHECK_FALSE(ui.visible("row payments.Charge"));
    CHECK(ui.visible("row audit.Write"));
    CHECK(t.state.collapsed.count(t.store.spans[1].span_id.value) == 1);
    CHECK(t.state.selected_span == -1);  // the triangle toggles, it does not select

    REQUIRE(ui.click("toggle orders.Create"));
    ui.run(1);
    CHECK(ui.visible("row db.INSERT"));
    CHECK(ui.visible("row payments.Charge"));
}

TEST_CASE("waterfall widget: clicking a bar selects its span and reports it once") {
    tl::ui::test::UiFixture ui;
    WidgetTrace t;
    int changes = 0;
    ui.gui = [&] {
        t.draw();
        if (t.last.selection_changed) ++changes;
    };
    ui.run(2);
    REQUIRE(ui.click("bar payments.Charge"));
    CHECK(t.state.selected_span == 3);
    CHECK(changes == 1);
    CHECK(t.last.selected_span == 3);
    // Clicking the name column of another row selects that one.
    REQUIRE(ui.click("row audit.Write", 0.8f));
    CHECK(t.state.selected_span == 4);
    CHECK(changes == 2);
}

TEST_CASE("waterfall widget: the wheel zooms around the cursor and reset brings the whole trace back") {
    tl::ui::test::UiFixture ui;
    WidgetTrace t;
    ui.gui = [&] { t.draw(); };
    ui.run(2);
    CHECK(t.state.view_end_ns <= t.state.view_start_ns);  // whole trace
    REQUIRE(ui.scroll("bar GET /checkout", 2.0f));
    const int64_t w = t.state.view_end_ns - t.state.view_start_ns;
    CHECK(w > 0);
    CHECK(w < 100 * kMs);
    REQUIRE(ui.click("Reset zoom"));
    CHECK(t.state.view_end_ns <= t.state.view_start_ns);
}

TEST_CASE("waterfall widget: keyboard hooks step through visible spans and collapse everything") {
    tl::ui::test::UiFixture ui;
    WidgetTrace t;
    ui.gui = [&] { t.draw(); };
    ui.run(1);
    const WaterfallInput in = t.input();
    t.state.select_next(in);
    CHECK(t.state.selected_span == 0);
    t.state.select_next(in);
    CHECK(t.state.selected_span == 1);
    t.state.select_previous(in);
    CHECK(t.state.selected_span == 0);
    t.state.collapse_all(in);
    ui.run(1);
    CHECK(ui.visible("row GET /checkout"));
    CHECK_FALSE(ui.visible("row orders.Create"));
    t.state.select_next(in);  // nothing below a collapsed root
    CHECK(t.state.selected_span == 0);
    t.state.expand_all();
    ui.run(1);
    CHECK(ui.visible("row db.INSERT"));
    t.state.zoom(4.0);
    CHECK(t.state.view_end_ns - t.state.view_start_ns < 40 * kMs);
    t.state.reset();
    CHECK(t.state.collapsed.empty());
    CHECK(t.state.selected_span == -1);
}
