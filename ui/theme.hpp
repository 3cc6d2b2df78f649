// Colours that mean something, used by every panel: one colour per service, red for errors, a darker shade
// for the critical path, grey ghosts for ground truth.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <imgui.h>

namespace tl::ui {

// The colour of a service, the same in every panel. The services on screen get distinct colours, given in
// the order set_service_order() lists them (the tutorial's five keep their usual colours when present); a
// name not in that list gets a colour from its hash.
ImU32 service_color(std::string_view service, float alpha = 1.0f);
// Called by the App whenever the model on screen changes (scenario order, or first appearance in a file).
void set_service_order(const std::vector<std::string_view>& services);
// The same hue, darkened: bars on the critical path.
ImU32 service_color_dark(std::string_view service);

inline constexpr ImU32 kErrorColor = IM_COL32(220, 60, 60, 255);
inline constexpr ImU32 kGhostColor = IM_COL32(160, 160, 170, 110);
inline constexpr ImU32 kGapColor = IM_COL32(240, 170, 40, 255);
inline constexpr ImU32 kSelectionColor = IM_COL32(255, 255, 255, 255);
inline constexpr ImU32 kWarningTextColor = IM_COL32(240, 180, 60, 255);

}  // namespace tl::ui
