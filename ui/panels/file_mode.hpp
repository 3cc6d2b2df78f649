// File mode: what the simulator-only panels show while a trace file (or received traces) is on screen.
// - Instead of the checkout's sliders, one sentence saying what the panel works on and a "Back to the
//   simulation" button, so nothing on screen pretends to edit the traces being read.
#pragma once

#include "ui/actions.hpp"

namespace tl::ui {

class App;

// When a file is shown: draws `why` (one sentence: what the panel works on), what is on screen instead, and
// the way back, and returns true (the caller draws nothing else). Returns false, drawing nothing, while the
// simulation is on screen.
bool draw_file_mode_notice(const App& app, Actions& actions, const char* why);

}  // namespace tl::ui
