// Headless checks that the controls a class reaches for stay inside their panels at the window and text sizes
// a classroom uses (1024×640 to 1920×1080, 100% and 150% text, both themes): the lesson's answer box and
// "Check", and the waterfall's "Next error" and "Pin as baseline". Real fonts at the real size, as the app
// draws them; item rectangles come from the label probe (unclipped, so a control past an edge is caught).
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "tests/support/temp_dir.hpp"
#include "tests/ui/ui_fixture.hpp"
#include "ui/app.hpp"
#include "ui/compare.hpp"
#include "ui/fonts.hpp"
#include "ui/layout.hpp"
#include "ui/panels/lesson_panel.hpp"
#include "ui/settings.hpp"
#include "ui/theme.hpp"

namespace {

using tl::ui::ProbedItem;
using tl::ui::ThemeKind;
using tl::ui::test::UiFixture;

struct Screen {
    float w, h, text;
    ThemeKind theme = ThemeKind::Dark;
};

// `inner` lies inside the box [x0, x1] × [y0, y1].
void check_inside(const char* what, const ProbedItem& inner, float x0, float y0, float x1, float y1) {
    INFO(what << " at (" << inner.min.x << ", " << inner.min.y << ")-(" << inner.max.x << ", " << inner.max.y
              << "), panel (" << x0 << ", " << y0 << ")-(" << x1 << ", " << y1 << ")");
    CHECK(inner.min.x >= x0);
    CHECK(inner.max.x <= x1);
    CHECK(inner.min.y >= y0);
    CHECK(inner.max.y <= y1);
}

}  // namespace

TEST_CASE("fit: the lesson's Check and the waterfall's Next error and Pin stay inside their panels") {
    const Screen screens[] = {{1024, 640, 1.0f},
                              {1024, 640, 1.5f},
                              {1280, 800, 1.0f},
                              {1280, 800, 1.5f},
                              {1920, 1080, 1.0f},
                              {1920, 1080, 1.5f},
                              {1024, 640, 1.5f, ThemeKind::HighContrast}};
    for (const Screen& sc : screens) {
        CAPTURE(sc.w);
        CAPTURE(sc.h);
        CAPTURE(sc.text);
        const std::string theme = tl::ui::to_string(sc.theme);
        CAPTURE(theme);
        tl::test::TempDir dir;
        tl::ui::FontAtlas fonts = tl::ui::build_fonts(tl::ui::Settings{}.font_size, sc.text);
        UiFixture ui({sc.w, sc.h}, fonts.atlas.get());
        tl::ui::AppOptions o;
        o.asset_dir = std::filesystem::path(TRACELAB_SOURCE_DIR) / "assets";
        tl::ui::App app(o);
        app.set_fonts(fonts.fonts);
        tl::ui::apply_theme(sc.theme, sc.text);
        auto& lesson = app.slot<tl::ui::LessonState>();
        lesson.progress_file = dir.path / "progress.json";
        lesson.open_at = "why-tracing:1";                      // a step answered by typing: a box and "Check"
        app.slot<tl::ui::SearchRequest>().query = "payments";  // one match: the count shows beside the box
        ui.gui = [&] { app.frame(); };
        ui.run(4);
        REQUIRE(lesson.ready());

        // An item drawn in the last frame (the test stops when it was not).
        const auto drawn = [&](const char* label) {
            const ProbedItem* it = ui.item(label);
            INFO("seen: " << ui.seen());
            REQUIRE(it);
            return it;
        };
        // The panels' edges: the splitters between them.
        const ProbedItem* left = drawn("split-left");
        const ProbedItem* right = drawn("split-right");
        const ProbedItem* bottom = drawn("split-bottom");
        const float top = ImGui::GetFrameHeight();  // below the menu bar

        // A short panel scrolls its steps: the wheel, a notch at a time, brings "Check" into view.
        for (int notch = 0; notch < 20 && drawn("Check")->max.y > bottom->min.y; ++notch) {
            REQUIRE(ui.scroll("Step 1", -1.0f));
            ui.run(2);
        }
        check_inside("Answer", *drawn("Answer"), 0.0f, top, left->min.x, bottom->min.y);
        check_inside("Check", *drawn("Check"), 0.0f, top, left->min.x, bottom->min.y);

        const ProbedItem* next_error = drawn("waterfall:next-error");
        const ProbedItem* search = drawn("waterfall:search");
        check_inside("Next error", *next_error, left->max.x, top, right->min.x, bottom->min.y);
        check_inside("Pin as baseline", *drawn("waterfall:pin"), left->max.x, top, right->min.x, bottom->min.y);
        check_inside("search box", *search, left->max.x, top, right->min.x, bottom->min.y);
        // With the match count, still on the search box's line whenever the centre has room for the box at its
        // smallest beside the count and the buttons (all but the narrowest window at 150%).
        (void)drawn("waterfall:match-count");
        if (right->min.x - left->max.x > 330.0f * sc.text) CHECK(next_error->min.y < search->max.y);
    }
}

TEST_CASE("fit: on a short window enlarged text grows the bottom strip and trace list less; drags stay 1:1") {
    using tl::ui::Area;
    using tl::ui::layout;
    using tl::ui::LayoutInput;
    using tl::ui::SplitterState;
    const SplitterState s;
    const auto strip = [&](float h, float scale, Area a) {
        return layout(LayoutInput{1024, h, 24, scale, 4}, s).area(a).h;
    };
    // On a window 1.5 times the full height, 150% text means 150% strips, as everywhere else...
    CHECK(strip(1200, 1.5f, Area::Bottom) == doctest::Approx(1.5f * strip(1200, 1.0f, Area::Bottom)));
    CHECK(strip(1080, 1.5f, Area::Bottom) > strip(1080, 1.0f, Area::Bottom));
    // ...but on 800 px or less they keep their height, leaving the rows to the waterfall and the lesson.
    for (float h : {800.0f, 640.0f}) {
        CAPTURE(h);
        CHECK(strip(h, 1.5f, Area::Bottom) == doctest::Approx(strip(h, 1.0f, Area::Bottom)));
        CHECK(strip(h, 1.5f, Area::TraceList) >= strip(h, 1.0f, Area::TraceList));  // its minimum grows with text
        CHECK(strip(h, 1.5f, Area::TraceList) < 1.3f * strip(h, 1.0f, Area::TraceList));
    }
    // A drag of the bottom splitter by 30 px moves the edge by 30 px, whatever the shrinking.
    const tl::ui::Layout before = layout(LayoutInput{1024, 640, 24, 1.5f, 4}, s);
    SplitterState dragged = s;
    tl::ui::drag_splitter(dragged, tl::ui::Splitter::Bottom, 0.0f, -30.0f, 1.5f * before.height_factor);
    CHECK(layout(LayoutInput{1024, 640, 24, 1.5f, 4}, dragged).area(Area::Bottom).h ==
          doctest::Approx(before.area(Area::Bottom).h + 30.0f));
}
