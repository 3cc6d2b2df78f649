// Console panel: the current simulation printed as a small instrumented program would log it (one line per
// span start and end, indented by call depth, each with its trace id); lines are rendered by
// lessons/console.hpp, and each distinct trace id gets its own colour so a change of trace stands out.
#pragma once

#include <memory>

#include "ui/panels/panel.hpp"

namespace tl::ui {

std::unique_ptr<Panel> make_console_panel();

}  // namespace tl::ui
