// Service colours: distinct for every service on screen, the tutorial's five always in their own colours.
#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

#include "tests/ui/ui_fixture.hpp"
#include "ui/app.hpp"
#include "ui/theme.hpp"

using namespace tl::ui;

namespace {
std::set<ImU32> colours_of(const std::vector<std::string_view>& names) {
    std::set<ImU32> out;
    for (auto n : names) out.insert(service_color(n));
    return out;
}
}  // namespace

TEST_CASE("service colours: every service on screen gets its own colour, also past the palette") {
    const std::vector<std::string_view> async = {"gateway", "orders", "fulfillment", "db", "email"};
    set_service_order(async);
    CHECK(colours_of(async).size() == async.size());

    std::vector<std::string> many;
    for (int i = 0; i < 24; ++i) many.push_back("service-" + std::to_string(i));
    std::vector<std::string_view> views(many.begin(), many.end());
    set_service_order(views);
    CHECK(colours_of(views).size() == views.size());
    for (auto v : views) CHECK(service_color(v) != IM_COL32(220, 60, 60, 255));  // never the error red
}

TEST_CASE("service colours: the tutorial's services keep their colour in every scenario; alpha is applied") {
    set_service_order({"gateway", "auth", "orders", "db", "payments"});
    const ImU32 orders = service_color("orders");
    const ImU32 db = service_color("db");
    set_service_order({"gateway", "orders", "db-list", "db"});
    CHECK(service_color("orders") == orders);
    CHECK(service_color("db") == db);
    CHECK(service_color("db-list") != orders);
    CHECK(service_color("db-list") != db);
    CHECK((service_color("db", 0.5f) >> IM_COL32_A_SHIFT) == 128);
    // A name not on screen still gets a stable colour.
    CHECK(service_color("elsewhere") == service_color("elsewhere"));
}

TEST_CASE("service colours: the app assigns them for each scenario it shows") {
    tl::ui::test::UiFixture ui;
    AppOptions o;
    o.asset_dir = TRACELAB_ASSET_DIR;
    App app(o);
    for (const char* scenario : {"async-order", "n-plus-one", "fan-out", "legacy-proxy", "checkout"}) {
        CAPTURE(scenario);
        REQUIRE(app.load_scenario(scenario) == "");
        std::vector<std::string_view> names;
        for (const auto& s : app.scenario().services) names.push_back(s.name);
        CHECK(colours_of(names).size() == names.size());
    }
}
