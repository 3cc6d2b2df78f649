// Small display helpers shared by panels: durations, a help marker, rows of controls that wrap.
#pragma once

#include <cstdint>
#include <string>

namespace tl::ui {

// "240 ms", "1.25 ms", "850 µs", "12.4 s" — a duration as a learner reads it.
std::string format_duration(int64_t ns);
// The same duration in a view's one unit (see display_unit_ns in ui/waterfall/waterfall_layout.hpp).
std::string format_duration_in(int64_t ns, int64_t unit_ns);
// "(?)" that shows `text` as a tooltip when hovered.
void help_marker(const char* text);

// Flowing rows of controls: the width a widget of `item_width` takes with its visible label (the part before
// "##"), and SameLine() only when that much still fits before the right edge (of the table cell inside a
// table, else of the window), so a narrow panel wraps its controls onto the next line instead of cutting
// them off. `spacing` is the gap before the item (< 0: the style's ItemSpacing.x); true when it stayed on
// the line.
float labelled_width(float item_width, const char* label);
// The width of ImGui::Button(label) (or SmallButton: same width) with the current font and style.
float button_width(const char* label);
bool same_line_if_fits(float width, float spacing = -1.0f);
// `text` as it fits in `width` pixels with the current font: whole, or cut after the last whole word that fits
// (else the last character) with "..." appended.
std::string fit_text(const std::string& text, float width);

}  // namespace tl::ui
