// Headless tests of the reading tools in the app: search, clock skew, span links, compare, statistics,
// selecting by span id — driven through real frames by label, checked on the model afterwards.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "sim/engine/engine.hpp"
#include "sim/formats/formats.hpp"
#include "sim/io/storage.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/ui/ui_fixture.hpp"
#include "ui/app.hpp"
#include "ui/compare.hpp"

namespace {

using tl::ui::App;
using tl::ui::test::UiFixture;

tl::ui::AppOptions test_options() {
    tl::ui::AppOptions o;
    o.asset_dir = TRACELAB_ASSET_DIR;
    return o;
}

int32_t span_named(const App& app, std::string_view name) {
    const auto& spans = app.store().spans;
    for (size_t i = 0; i < spans.size(); ++i)
        if (app.store().str(spans[i].name) == name) return int32_t(i);
    return -1;
}

std::string selected_name(const App& app) {
    const int32_t s = app.view().selected_span;
    return s < 0 ? "" : std::string(app.store().str(app.store().spans[size_t(s)].name));
}

tl::Scenario builtin(const char* name) {
    auto s = tl::load_scenario(name, std::filesystem::path(TRACELAB_ASSET_DIR) / "scenarios");
    REQUIRE(s.ok());
    return *s;
}

}  // namespace

TEST_CASE("reading: the search box counts matches, Enter selects the next one, X jumps to the next error") {
    UiFixture ui;
    App app(test_options());
    REQUIRE(app.load_scenario("checkout") == "");
    ui.gui = [&] { app.frame(); };
    ui.run(3);
    REQUIRE(ui.click("waterfall:search"));
    ui.type("duration>100ms");
    ui.run(2);
    // gateway 240 ms, orders ~200 ms and payments 160 ms run longer than 100 ms; auth and db do not.
    REQUIRE(ui.visible("waterfall:match-count"));
    // Enter walks the matches in waterfall order from the selection (or the top when nothing is selected): the
    // root, then orders, then payments.
    if (selected_name(app) != "GET /checkout") {
        ui.key(ImGuiKey_Enter);
        ui.run(2);
    }
    CHECK(selected_name(app) == "GET /checkout");
    ui.key(ImGuiKey_Enter);
    ui.run(2);
    CHECK(selected_name(app) == "orders.Create");
    ui.key(ImGuiKey_Enter);
    ui.run(2);
    CHECK(selected_name(app) == "payments.Charge");
    ui.key(ImGuiKey_Escape);  // leave the search box: the keys are shortcuts again

    app.push(tl::ui::SetErrorRate{"payments", 1.0});
    app.apply_actions();
    app.push(tl::ui::SelectSpan{span_named(app, "auth.Verify")});
    app.apply_actions();
    ui.run(2);
    ui.char_key('X');
    ui.run(2);
    CHECK(selected_name(app) == "payments.Charge");
}

TEST_CASE("reading: a skewed service is flagged, adjusting moves it into its caller and back on request") {
    UiFixture ui;
    App app(test_options());
    tl::Scenario s = builtin("checkout");
    s.service("payments")->clock_skew_ms = 300;
    app.set_startup_choice(true);  // the first lesson keeps its hands off this scenario
    app.set_scenario(s);
    ui.gui = [&] { app.frame(); };
    ui.run(3);
    const int32_t pay = span_named(app, "payments.Charge");
    const int32_t orders = span_named(app, "orders.Create");
    REQUIRE(pay >= 0);
    REQUIRE(app.clock_skew().any());
    const int64_t raw_start = app.store().spans[size_t(pay)].start_ns;
    CHECK(raw_start > app.store().spans[size_t(orders)].end_ns);  // 300 ms ahead: past its caller's end
    app.push(tl::ui::SelectSpan{pay});
    ui.run(3);
    CHECK(ui.visible("details:skew"));
    CHECK_FALSE(ui.visible("waterfall:skew-indicator"));

    REQUIRE(ui.click("waterfall:adjust-skew"));
    ui.run(2);
    CHECK(app.skew_adjusted());
    CHECK(ui.visible("waterfall:skew-indicator"));
    const auto& p = app.store().spans[size_t(pay)];
    const auto& o = app.store().spans[size_t(orders)];
    CHECK(p.start_ns >= o.start_ns);
    CHECK(p.end_ns <= o.end_ns);

    REQUIRE(ui.click("waterfall:adjust-skew"));
    ui.run(2);
    CHECK_FALSE(app.skew_adjusted());
    CHECK(app.store().spans[size_t(pay)].start_ns == raw_start);
}

TEST_CASE("reading: span details list a link and a click follows it to the linked span") {
    UiFixture ui;
    App app(test_options());
    app.set_startup_choice(true);
    REQUIRE(app.load_scenario("async-order") == "");
    ui.gui = [&] { app.frame(); };
    ui.run(3);
    const int32_t consumer = span_named(app, "process order.created");
    REQUIRE(consumer >= 0);
    app.push(tl::ui::SelectSpan{consumer});
    ui.run(3);
    REQUIRE(ui.click("details:follow-link"));
    ui.run(2);
    // The consumer continued the message's context, so the span it links to is its parent: the publish.
    const int32_t sel = app.view().selected_span;
    REQUIRE(sel >= 0);
    CHECK(app.store().spans[size_t(sel)].span_id == app.store().spans[size_t(consumer)].parent_span_id);
    CHECK(app.store().str(app.store().spans[size_t(sel)].service) == "orders");
    CHECK(ui.visible("details:link-source"));  // and the way back
}

TEST_CASE("reading: pin a baseline, make payments slower, and the waterfall shows +340 ms clear of the badge") {
    UiFixture ui;
    App app(test_options());
    REQUIRE(app.load_scenario("checkout") == "");
    ui.gui = [&] { app.frame(); };
    ui.run(3);
    REQUIRE(ui.click("waterfall:pin"));
    ui.run(2);
    const auto* base = app.find_slot<tl::ui::CompareBaseline>();
    REQUIRE(base);
    CHECK(base->pinned);
    app.push(tl::ui::SetLatency{"payments", 500});  // 160 -> 500 ms of its own
    app.apply_actions();
    ui.run(3);
    CHECK(ui.visible("waterfall:compare-summary"));
    CHECK(ui.visible("waterfall delta +340 ms"));  // payments, and the root above it
    // payments (the slowest hop) now ends near the row's right end, where its change is drawn: the change,
    // the bar's label and the slowest badge keep clear of each other.
    const tl::ui::ProbedItem* delta = ui.item("waterfall delta of payments.Charge");
    const tl::ui::ProbedItem* badge = ui.item("waterfall slowest badge");
    const tl::ui::ProbedItem* label = ui.item("waterfall label payments.Charge");
    REQUIRE(delta);
    REQUIRE(badge);
    REQUIRE(label);
    CHECK(badge->max.x <= delta->min.x);  // same row: the badge ends before the change's backing starts
    CHECK(label->max.x <= delta->min.x);
    CHECK((label->max.x <= badge->min.x || badge->max.x <= label->min.x));
    const tl::TraceDiff d = tl::ui::diff_with_baseline(app, *base);
    CHECK(d.root_delta_ns() == 340'000'000);

    // Breaking the hop moves payments into a trace of its own.
    app.push(tl::ui::SetHopFault{"orders", "payments", tl::HopFault::NoInject});
    app.apply_actions();
    ui.run(2);
    CHECK(tl::ui::diff_with_baseline(app, *base).moved == 1);
    REQUIRE(ui.click("waterfall:clear-baseline"));
    ui.run(2);
    CHECK_FALSE(app.find_slot<tl::ui::CompareBaseline>()->pinned);
}

TEST_CASE("reading: the statistics panel lists each operation and a row selects its span") {
    UiFixture ui;
    App app(test_options());
    REQUIRE(app.load_scenario("checkout") == "");
    ui.gui = [&] { app.frame(); };
    app.push(tl::ui::FocusPanel{"statistics"});
    ui.run(4);
    REQUIRE(ui.click("stats:row payments payments.Charge"));
    ui.run(2);
    CHECK(selected_name(app) == "payments.Charge");
}

TEST_CASE("reading: selecting by span id works like selecting by name") {
    App app(test_options());
    REQUIRE(app.load_scenario("checkout") == "");
    const int32_t pay = span_named(app, "payments.Charge");
    app.push(tl::ui::SelectSpanNamed{tl::to_hex(app.store().spans[size_t(pay)].span_id)});
    app.apply_actions();
    CHECK(app.view().selected_span == pay);
}
