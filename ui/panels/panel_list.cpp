// The one list of panels. To add a panel: write `std::unique_ptr<Panel> make_<name>_panel();` in your
// panel's .cpp (namespace tl::ui) and add one X(make_<name>_panel) line below.
#include "ui/panels/panel.hpp"

#define TL_PANELS(X)             \
    X(make_trace_list_panel)     \
    X(make_waterfall_panel)      \
    X(make_span_details_panel)   \
    X(make_statistics_panel)     \
    X(make_service_editor_panel) \
    X(make_live_panel)           \
    X(make_sampling_panel)       \
    X(make_quiz_panel)           \
    X(make_log_panel)            \
    X(make_lesson_panel)         \
    X(make_console_panel)        \
    X(make_code_panel)

namespace tl::ui {

#define TL_DECLARE_PANEL(fn) std::unique_ptr<Panel> fn();
TL_PANELS(TL_DECLARE_PANEL)
#undef TL_DECLARE_PANEL

std::vector<std::unique_ptr<Panel>> make_panels() {
    std::vector<std::unique_ptr<Panel>> panels;
#define TL_MAKE_PANEL(fn) panels.push_back(fn());
    TL_PANELS(TL_MAKE_PANEL)
#undef TL_MAKE_PANEL
    return panels;
}

}  // namespace tl::ui
