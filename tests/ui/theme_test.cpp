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
    for (auto v : views) CHECK(service_color(v) != kErrorColor);  // never the error red
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

// [SECTION] Contrast (WCAG 2.x)

TEST_CASE("contrast: relative luminance and ratio follow WCAG 2.x") {
    // Reference values: black/white are the extremes; #767676 is the lightest grey that passes 4.5:1 on
    // white and #777777 the first that fails (4.54 and 4.48); sRGB #808080 has luminance 0.2159.
    CHECK(relative_luminance(IM_COL32(0, 0, 0, 255)) == doctest::Approx(0.0));
    CHECK(relative_luminance(IM_COL32(255, 255, 255, 255)) == doctest::Approx(1.0));
    CHECK(relative_luminance(IM_COL32(128, 128, 128, 255)) == doctest::Approx(0.2159).epsilon(0.001));
    CHECK(contrast_ratio(IM_COL32(0, 0, 0, 255), IM_COL32(255, 255, 255, 255)) == doctest::Approx(21.0));
    CHECK(contrast_ratio(IM_COL32(0x76, 0x76, 0x76, 255), IM_COL32(255, 255, 255, 255)) ==
          doctest::Approx(4.54).epsilon(0.002));
    CHECK(contrast_ratio(IM_COL32(255, 255, 255, 255), IM_COL32(0x77, 0x77, 0x77, 255)) ==
          doctest::Approx(4.48).epsilon(0.002));
    // Pure green carries most of the luminance weight (0.7152), pure blue the least (0.0722).
    CHECK(relative_luminance(IM_COL32(0, 255, 0, 255)) == doctest::Approx(0.7152));
    CHECK(relative_luminance(IM_COL32(0, 0, 255, 255)) == doctest::Approx(0.0722));
    // The grey the old theme used for secondary text on its panels was below AA.
    CHECK(contrast_ratio(IM_COL32(0x7F, 0x7F, 0x7F, 255), IM_COL32(0x1F, 0x21, 0x26, 255)) < 4.5);
    // Half-transparent white over black lands on mid grey.
    CHECK(composite(IM_COL32(255, 255, 255, 128), IM_COL32(0, 0, 0, 255)) == IM_COL32(128, 128, 128, 255));
}

TEST_CASE("contrast: every text colour of both themes has at least 4.5:1 against its background") {
    for (ThemeKind t : {ThemeKind::Dark, ThemeKind::HighContrast}) {
        CAPTURE(to_string(t));
        const auto pairs = theme_text_pairs(t);
        CHECK(pairs.size() > 40);
        for (const TextPair& p : pairs) {
            CAPTURE(p.what);
            CHECK(contrast_ratio(p.text, p.background) >= 4.5);
        }
    }
}

TEST_CASE("contrast: the high-contrast theme reaches 7:1 (WCAG AAA) for its own text colours") {
    for (const TextPair& p : theme_text_pairs(ThemeKind::HighContrast)) {
        if (p.what.rfind("Text", 0) != 0) continue;  // Text… and TextDisabled…; semantic colours are shared
        CAPTURE(p.what);
        CHECK(contrast_ratio(p.text, p.background) >= 7.0);
    }
}

TEST_CASE("themes: names round-trip and the high-contrast theme draws borders on frames") {
    for (ThemeKind t : {ThemeKind::Dark, ThemeKind::HighContrast}) CHECK(parse_theme(to_string(t)) == t);
    CHECK_FALSE(parse_theme("light").has_value());
    ImGuiStyle dark, high;
    theme_style(ThemeKind::Dark, dark);
    theme_style(ThemeKind::HighContrast, high);
    CHECK(dark.FrameBorderSize == 0.0f);
    CHECK(high.FrameBorderSize == 1.0f);
    CHECK(ImGui::ColorConvertFloat4ToU32(high.Colors[ImGuiCol_ChildBg]) == IM_COL32(0, 0, 0, 255));
}

// [SECTION] Text size

TEST_CASE("text size: View > Text size, Ctrl+= / Ctrl+- / Ctrl+0 change the scale and ask for new fonts") {
    tl::ui::test::UiFixture ui;
    AppOptions o;
    o.asset_dir = TRACELAB_ASSET_DIR;
    App app(o);
    REQUIRE(app.load_scenario("checkout") == "");
    ui.gui = [&] { app.frame(); };
    ui.run(2);
    CHECK(app.settings().text_scale == 1.0f);
    CHECK_FALSE(app.take_style_change());

    REQUIRE(ui.click("menu:View"));
    REQUIRE(ui.hover("view:text-size"));
    ui.run(2);
    REQUIRE(ui.click("text-size:150%"));
    CHECK(app.settings().text_scale == doctest::Approx(1.5f));
    CHECK(app.take_style_change());
    CHECK_FALSE(app.take_style_change());  // once

    ui.press_key_with_ctrl('=');
    CHECK(app.settings().text_scale == doctest::Approx(1.75f));
    ui.press_key_with_ctrl('-');
    ui.press_key_with_ctrl('-');
    CHECK(app.settings().text_scale == doctest::Approx(1.25f));
    ui.press_key_with_ctrl('0');
    CHECK(app.settings().text_scale == doctest::Approx(1.0f));
    for (int i = 0; i < 12; ++i) ui.press_key_with_ctrl('-');
    CHECK(app.settings().text_scale == doctest::Approx(kMinTextScale));
    CHECK(app.take_style_change());
}

TEST_CASE("text size and theme persist in settings.json; bad values are rejected with their path") {
    Settings s;
    s.text_scale = 1.5f;
    s.theme = "high-contrast";
    auto back = settings_from_json(settings_to_json(s), "settings.json");
    REQUIRE(back);
    CHECK(back->text_scale == doctest::Approx(1.5f));
    CHECK(back->theme == "high-contrast");
    auto bad = settings_from_json(tl::Json{{"theme", "neon"}}, "settings.json");
    REQUIRE_FALSE(bad);
    CHECK(bad.error().find("/theme") != std::string::npos);
    CHECK_FALSE(settings_from_json(tl::Json{{"text_scale", 5}}, "settings.json"));
}

TEST_CASE("quit: File > Quit and Ctrl+Q ask the window to close") {
    tl::ui::test::UiFixture ui;
    AppOptions o;
    o.asset_dir = TRACELAB_ASSET_DIR;
    {
        App app(o);
        ui.gui = [&] { app.frame(); };
        ui.run(2);
        CHECK_FALSE(app.quit_requested());
        ui.press_key_with_ctrl('Q');
        CHECK(app.quit_requested());
    }
    App app(o);
    ui.gui = [&] { app.frame(); };
    ui.run(2);
    REQUIRE(ui.click("menu:File"));
    REQUIRE(ui.click("file:quit"));
    CHECK(app.quit_requested());
}
