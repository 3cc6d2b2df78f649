// Span details, headless: the traceparent breaks at its field separators to fit the column, events and their
// attributes wrap inside it, and an in-process hop says why it sent no header — at the three window sizes the
// app is laid out for.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/ui/ui_fixture.hpp"
#include "ui/app.hpp"
#include "ui/panels/span_details_panel.hpp"

using tl::ui::App;
using tl::ui::traceparent_lines;
using tl::ui::test::UiFixture;

namespace {
constexpr const char* kHeader = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

// Every character 1 unit wide: widths below are counted in characters.
float chars(std::string_view s) {
    return static_cast<float>(s.size());
}

std::string joined(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& l : lines) out += l;
    return out;
}

tl::ui::AppOptions test_options() {
    tl::ui::AppOptions o;
    o.asset_dir = TRACELAB_ASSET_DIR;
    return o;
}

// `inner` lies inside `outer` horizontally (half a pixel of rounding allowed).
bool inside_x(const tl::ui::ProbedItem& inner, const tl::ui::ProbedItem& outer) {
    return inner.min.x >= outer.min.x - 0.5f && inner.max.x <= outer.max.x + 0.5f;
}
}  // namespace

TEST_CASE("traceparent lines: whole when it fits, else broken after a field's dash") {
    CHECK(traceparent_lines(kHeader, 55, chars) == std::vector<std::string>{kHeader});
    // The old two-line split needed 36 characters; one less puts the trace id on a line of its own.
    CHECK(traceparent_lines(kHeader, 36, chars) ==
          std::vector<std::string>{"00-4bf92f3577b34da6a3ce929d0e0e4736-", "00f067aa0ba902b7-01"});
    CHECK(traceparent_lines(kHeader, 35, chars) ==
          std::vector<std::string>{"00-", "4bf92f3577b34da6a3ce929d0e0e4736-", "00f067aa0ba902b7-01"});
    // Narrower than the trace id: only that field is cut, where its line is full.
    CHECK(traceparent_lines(kHeader, 18, chars) ==
          std::vector<std::string>{"00-", "4bf92f3577b34da6a3", "ce929d0e0e4736-", "00f067aa0ba902b7-", "01"});
}

TEST_CASE("traceparent lines: never wider than the column, and nothing lost") {
    for (float w = 1; w <= 60; ++w) {
        CAPTURE(w);
        const auto lines = traceparent_lines(kHeader, w, chars);
        CHECK(joined(lines) == kHeader);
        for (const auto& l : lines) CHECK(chars(l) <= w);
        // Where every field fits on a line of its own, lines end only at a field's end.
        if (w >= 33)
            for (size_t i = 0; i + 1 < lines.size(); ++i) CHECK(lines[i].back() == '-');
    }
}

TEST_CASE("span details: the header and the events stay inside the column at every window size") {
    for (const ImVec2 size : {ImVec2{1024, 640}, ImVec2{1280, 800}, ImVec2{1920, 1080}}) {
        CAPTURE(size.x);
        UiFixture ui(size);
        App app(test_options());
        REQUIRE(app.load_scenario("checkout") == "");
        ui.gui = [&] { app.frame(); };
        ui.run(3);  // the learning panels set themselves up first
        app.push(tl::ui::SetErrorRate{"payments", 1.0});
        app.push(tl::ui::SelectSpanNamed{"payments.Charge"});
        REQUIRE(app.focus_panel("details") == "");
        ui.run(3);
        const auto* column = ui.item("details:column");
        REQUIRE(column != nullptr);
        for (const char* label : {"details:traceparent", "details:event", "details:event exception.type",
                                  "details:event exception.message"}) {
            CAPTURE(label);
            const auto* it = ui.item(label);
            REQUIRE_MESSAGE(it != nullptr, ui.seen());
            CHECK(inside_x(*it, *column));
        }
    }
}

TEST_CASE("span details: an in-process hop says the context passed in memory, no header needed") {
    UiFixture ui;
    App app(test_options());
    REQUIRE(app.load_scenario("checkout") == "");
    // orders prices the order in its own process: an in-process call to an INTERNAL operation.
    tl::Scenario sc = app.scenario();
    tl::Service pricing;
    pricing.name = "pricing";
    pricing.span_name = "orders.Price";
    pricing.own.ms = 3;
    sc.services.push_back(pricing);
    tl::Call call;
    call.to = "pricing";
    call.transport = tl::Transport::InProcess;
    sc.service("orders")->calls.push_back(call);
    REQUIRE(tl::validate_scenario(sc).empty());
    ui.gui = [&] { app.frame(); };
    ui.run(3);  // the lessons start (and set up their step) first
    app.apply(tl::ui::ReplaceScenario{sc});
    ui.run(2);
    app.push(tl::ui::SelectSpanNamed{"orders.Price"});
    REQUIRE(app.focus_panel("details") == "");
    ui.run(3);
    CHECK_MESSAGE(ui.visible("details:not-sent"), ui.seen());
    const tl::Hop* hop = app.hop_into_span(app.view().selected_span);
    REQUIRE(hop != nullptr);
    CHECK(hop->transport == tl::Transport::InProcess);
    CHECK(hop->explanation().find("in memory") != std::string::npos);
}
