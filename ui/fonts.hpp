// Fonts: a real UI font and a monospace font found through fontconfig (DejaVu Sans / Noto Sans, DejaVu Sans
// Mono / Noto Sans Mono), sized by the monitor's content scale; Dear ImGui's own font when none is found.
#pragma once

#include <string>

#include "ui/app.hpp"

struct ImGuiIO;

namespace tl::ui {

// The file fontconfig matches for a pattern ("DejaVu Sans", "monospace"); "" when none.
std::string find_font_file(const char* pattern);

// Adds the UI and monospace fonts to io.Fonts (UI font first, so it is the default) and returns them.
AppFonts load_fonts(ImGuiIO& io, float size_px, float content_scale);

}  // namespace tl::ui
