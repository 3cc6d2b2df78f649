// The whole app on the headless UI fixture, with the checkout simulation on screen and laid out (two frames):
// the start of most tests that drive the app's menus and dialogs.
//   CheckoutOnScreen f;  REQUIRE(f.ui.click("menu:File"));  CHECK(f.app.showing_file());
#pragma once

#include "tests/ui/ui_fixture.hpp"
#include "ui/app.hpp"

namespace tl::ui::test {

// AppOptions for tests: the shipped assets (lessons, quiz, scenarios) from the source tree.
inline AppOptions test_app_options() {
    AppOptions o;
    o.asset_dir = TRACELAB_ASSET_DIR;
    return o;
}

struct CheckoutOnScreen {
    UiFixture ui;
    App app{test_app_options()};
    CheckoutOnScreen() {
        REQUIRE(app.load_scenario("checkout").empty());
        ui.gui = [this] { app.frame(); };
        ui.run(2);
    }
    CheckoutOnScreen(const CheckoutOnScreen&) = delete;
    CheckoutOnScreen& operator=(const CheckoutOnScreen&) = delete;
};

}  // namespace tl::ui::test
