// Fonts: a real UI font and a monospace font found through fontconfig (DejaVu Sans / Noto Sans, DejaVu Sans
// Mono / Noto Sans Mono), sized by the monitor's content scale; Dear ImGui's own font when none is found.
#pragma once

#include <memory>
#include <string>

#include "ui/app.hpp"

struct ImFontAtlas;

namespace tl::ui {

// The file fontconfig matches for a pattern ("DejaVu Sans", "monospace"); "" when none.
std::string find_font_file(const char* pattern);

// A font atlas with the UI font (first, so it is Dear ImGui's default) and the monospace font, already
// rasterised. Needs no Dear ImGui context, so it can be built on another thread while the window opens; pass
// `atlas` to ImGui::CreateContext, and keep it alive until the context is destroyed.
struct FontAtlas {
    std::unique_ptr<ImFontAtlas> atlas;
    AppFonts fonts;
};
FontAtlas build_fonts(float size_px, float content_scale);

}  // namespace tl::ui
