// Code panel, headless: the marked line is the hop's call, clicking it offers the hop's alternatives and applies
// the one picked with the service editor's Action; the tokenizer colours what it should.
#include <doctest/doctest.h>

#include <string>

#include "tests/ui/ui_fixture.hpp"
#include "ui/app.hpp"
#include "ui/panels/code_panel.hpp"

using tl::ui::App;
using tl::ui::test::UiFixture;

namespace {
tl::HopFault fault_of(const tl::Scenario& s, const char* caller, const char* callee) {
    for (const auto& c : s.service(caller)->calls)
        if (c.to == callee) return c.fault;
    FAIL("no hop " << caller << "->" << callee);
    return tl::HopFault::Ok;
}
}  // namespace

TEST_CASE("code panel: clicking the marked line of a broken hop and picking ok repairs the hop") {
    UiFixture ui({1280, 1400});
    tl::ui::AppOptions o;
    o.asset_dir = TRACELAB_ASSET_DIR;
    App app(o);
    REQUIRE(app.load_scenario("checkout") == "");
    app.set_startup_choice(true);  // the lesson keeps its hands off the scenario
    app.push(tl::ui::SetHopFault{"orders", "payments", tl::HopFault::CtxDropped});
    app.apply_actions();
    REQUIRE(app.focus_panel("code") == "");
    ui.gui = [&] { app.frame(); };
    ui.run(3);
    // The line the fault put there is the call with a fresh context, in orders' code (the default view).
    REQUIRE_MESSAGE(ui.item("code:marked") != nullptr, ui.seen());
    REQUIRE(ui.item("code:line:call(context.Background(), tracedClient(tp), \"payments\", 0)") != nullptr);
    REQUIRE(ui.click("code:marked"));
    ui.run(2);
    REQUIRE_MESSAGE(ui.item("code:alt:ok") != nullptr, ui.seen());
    CHECK(ui.item("code:alt:no-inject") != nullptr);
    REQUIRE(ui.click("code:alt:ok"));
    ui.run(2);
    CHECK(fault_of(app.scenario(), "orders", "payments") == tl::HopFault::Ok);
    CHECK(ui.item("code:marked") == nullptr);
}

TEST_CASE("code panel: tokens for comments, strings, keywords and calls") {
    using K = tl::ui::CodeToken::Kind;
    const std::string line = "  return call(ctx, 'payments', 12); // why";
    const auto t = tl::ui::tokenize_code_line(line, tl::codegen::Language::JavaScript);
    auto kind_at = [&](const std::string& what) {
        const size_t at = line.find(what);
        for (const auto& x : t)
            if (x.begin <= at && at < x.end) return x.kind;
        return K::Plain;
    };
    CHECK(kind_at("return") == K::Keyword);
    CHECK(kind_at("call") == K::Call);
    CHECK(kind_at("'payments'") == K::String);
    CHECK(kind_at("12") == K::Number);
    CHECK(kind_at("// why") == K::Comment);
    CHECK(kind_at("ctx") == K::Plain);
    // A // inside a string is not a comment.
    const auto u = tl::ui::tokenize_code_line("x := \"http://a\"", tl::codegen::Language::Go);
    CHECK(u.back().kind == K::String);
}
