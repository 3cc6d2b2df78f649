// Panel: one view of the app (waterfall, service editor, span details, lessons, …), one class per file.
// - A panel reads the App's const state and pushes Actions; it never mutates the model.
// - It may keep its own UI state (scroll, filter text, open rows) as members.
// - Every panel is listed once in ui/panels/panel_list.cpp; the App places it in its Area as a tab.
#pragma once

#include <memory>
#include <vector>

#include "ui/actions.hpp"
#include "ui/layout.hpp"

namespace tl::ui {

class App;

class Panel {
public:
    virtual ~Panel() = default;
    // Stable id used by `--panel NAME`, FocusPanel and settings: "waterfall", "editor", "details", …
    [[nodiscard]] virtual const char* name() const = 0;
    // Tab label shown to the learner.
    [[nodiscard]] virtual const char* title() const = 0;
    // Where it lives; panels sharing an area become tabs, ordered by order().
    [[nodiscard]] virtual Area area() const = 0;
    [[nodiscard]] virtual int order() const { return 100; }
    // Draws the content inside the area's region (already inside a child window / tab item).
    virtual void draw(const App& app, Actions& actions) = 0;
    // Called once per frame for every panel, visible or not, before drawing (timers, workers, shortcuts).
    virtual void update(const App& /*app*/, Actions& /*actions*/) {}
    // True while the panel animates or waits on a worker: the main loop then keeps redrawing.
    [[nodiscard]] virtual bool animating(const App& /*app*/) const { return false; }
};

// Every registered panel, freshly constructed, in registration order.
std::vector<std::unique_ptr<Panel>> make_panels();

}  // namespace tl::ui
