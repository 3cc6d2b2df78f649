// Colours that mean something, used by every panel: one colour per service, red for errors, a darker shade
// for the critical path, grey ghosts for ground truth; and the two UI themes (dark, high contrast).
// [SECTION] Service colours
// [SECTION] Semantic colours
// [SECTION] Themes and contrast (WCAG 2.x relative luminance, 4.5:1 for text)
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <imgui.h>

namespace tl::ui {

// [SECTION] Service colours

// The colour of a service, the same in every panel. The services on screen get distinct colours, given in
// the order set_service_order() lists them (the tutorial's five keep their usual colours when present); a
// name not in that list gets a colour from its hash.
ImU32 service_color(std::string_view service, float alpha = 1.0f);
// Called by the App whenever the model on screen changes (scenario order, or first appearance in a file).
void set_service_order(const std::vector<std::string_view>& services);
// The same hue, darkened: bars on the critical path.
ImU32 service_color_dark(std::string_view service);

// The fixed palette behind service_color(), in slot order (the contrast test reads it: names are text too).
std::span<const ImU32> service_palette();

// [SECTION] Semantic colours
// Shared by both themes (both have dark panels), and used as text as well as fills, so each keeps at least
// 4.5:1 against every panel background (tests/ui/theme_test.cpp checks it).
inline constexpr ImU32 kErrorColor = IM_COL32(240, 100, 100, 255);
inline constexpr ImU32 kGhostColor = IM_COL32(160, 160, 170, 110);
inline constexpr ImU32 kGapColor = IM_COL32(240, 170, 40, 255);
inline constexpr ImU32 kSelectionColor = IM_COL32(255, 255, 255, 255);
inline constexpr ImU32 kWarningTextColor = IM_COL32(240, 180, 60, 255);
inline constexpr ImU32 kSuccessTextColor = IM_COL32(90, 190, 110, 255);
inline constexpr ImU32 kAccentTextColor = IM_COL32(150, 190, 255, 255);  // headings, "Try it"
inline constexpr ImU32 kTermTextColor = IM_COL32(250, 200, 90, 255);     // glossary terms in lessons

// [SECTION] Themes and contrast

enum class ThemeKind : uint8_t { Dark, HighContrast };
const char* to_string(ThemeKind t);  // "dark", "high-contrast"
std::optional<ThemeKind> parse_theme(std::string_view s);

// Fills `style` with the theme's colours and shapes (borders in high contrast) at scale 1. Needs no Dear ImGui
// context when `style` is not the context's own.
void theme_style(ThemeKind t, ImGuiStyle& style);
// Applies a theme to the current context at a UI scale (content scale × text size): colours, then every size
// (paddings, spacing, rounding, scrollbar) scaled.
void apply_theme(ThemeKind t, float scale);

// WCAG 2.x relative luminance of an sRGB colour (alpha ignored), 0 (black) to 1 (white).
double relative_luminance(ImU32 colour);
// WCAG contrast ratio (L1 + 0.05) / (L2 + 0.05), 1 to 21, order does not matter.
double contrast_ratio(ImU32 a, ImU32 b);
// `top` drawn with its alpha over an opaque `under`: what reaches the screen.
ImU32 composite(ImU32 top, ImU32 under);

// One text colour over one background, as the theme draws them (translucent backgrounds already composited
// over the panel colour).
struct TextPair {
    std::string what;  // "Text on Button", "error on ChildBg", …
    ImU32 text = 0;
    ImU32 background = 0;
};
// Every text/background pair a theme produces: the style's text colours on each background they are drawn on,
// and the semantic and service colours on the panel backgrounds.
std::vector<TextPair> theme_text_pairs(ThemeKind t);

}  // namespace tl::ui
