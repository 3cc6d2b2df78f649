// Display helpers shared by panels.
#include "ui/widgets/text_helpers.hpp"

#include <cmath>
#include <cstdio>

#include <imgui.h>

namespace tl::ui {

std::string format_duration(int64_t ns) {
    char buf[48];
    const double a = std::fabs(double(ns));
    if (ns == 0)
        return "0 ms";
    else if (a >= 1e9)
        std::snprintf(buf, sizeof buf, "%.2f s", double(ns) / 1e9);
    else if (a >= 1e7)
        std::snprintf(buf, sizeof buf, "%.0f ms", double(ns) / 1e6);
    else if (a >= 1e6)
        std::snprintf(buf, sizeof buf, "%.2f ms", double(ns) / 1e6);
    else if (a >= 1e3)
        std::snprintf(buf, sizeof buf, "%.0f \xC2\xB5s", double(ns) / 1e3);
    else
        std::snprintf(buf, sizeof buf, "%lld ns", static_cast<long long>(ns));
    return buf;
}

void help_marker(const char* text) {
    ImGui::TextDisabled("(?)");
    if (ImGui::IsItemHovered()) {
        ImGui::BeginTooltip();
        ImGui::PushTextWrapPos(ImGui::GetFontSize() * 32.0f);
        ImGui::TextUnformatted(text);
        ImGui::PopTextWrapPos();
        ImGui::EndTooltip();
    }
}

float labelled_width(float item_width, const char* label) {
    const float text = ImGui::CalcTextSize(label, nullptr, true).x;
    return item_width + (text > 0.0f ? ImGui::GetStyle().ItemInnerSpacing.x + text : 0.0f);
}

void same_line_if_fits(float width) {
    const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
    if (ImGui::GetItemRectMax().x + ImGui::GetStyle().ItemSpacing.x + width <= right) ImGui::SameLine();
}

}  // namespace tl::ui
