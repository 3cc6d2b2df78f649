// Display helpers shared by panels.
#include "ui/widgets/text_helpers.hpp"

#include <imgui.h>

#include "ui/waterfall/waterfall_layout.hpp"

namespace tl::ui {

// The waterfall's formatter (three significant digits), so a span's duration reads the same on its bar, in its
// tooltip and in the details panel: "98.7 ms" everywhere, never "99 ms" in one place.
std::string format_duration(int64_t ns) {
    if (ns == 0) return "0 ms";
    char buf[48];
    format_duration(ns, buf, sizeof buf);
    return buf;
}

std::string format_duration_in(int64_t ns, int64_t unit_ns) {
    char buf[32];
    format_duration_in(ns, unit_ns, buf, sizeof buf);
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

float button_width(const char* label) {
    return ImGui::CalcTextSize(label, nullptr, true).x + 2.0f * ImGui::GetStyle().FramePadding.x;
}

bool same_line_if_fits(float width, float spacing) {
    // GetContentRegionMax() is the table cell's edge inside a table, the window's elsewhere.
    const float right = ImGui::GetWindowPos().x + ImGui::GetContentRegionMax().x;
    const float gap = spacing >= 0.0f ? spacing : ImGui::GetStyle().ItemSpacing.x;
    if (ImGui::GetItemRectMax().x + gap + width > right) return false;
    ImGui::SameLine(0.0f, gap);
    return true;
}

std::string fit_text(const std::string& text, float width) {
    if (ImGui::CalcTextSize(text.c_str()).x <= width) return text;
    const float dots = ImGui::CalcTextSize("...").x;
    // The longest prefix that fits with the dots (binary search on bytes, then back to a UTF-8 boundary).
    size_t lo = 0, hi = text.size();
    while (lo < hi) {
        const size_t mid = (lo + hi + 1) / 2;
        if (ImGui::CalcTextSize(text.c_str(), text.c_str() + mid).x + dots <= width)
            lo = mid;
        else
            hi = mid - 1;
    }
    while (lo > 0 && (static_cast<unsigned char>(text[lo]) & 0xC0) == 0x80) --lo;
    // Prefer to end after a whole word when one fits in the cut.
    const size_t space = text.find_last_of(" /.:", lo > 0 ? lo - 1 : 0);
    if (space != std::string::npos && space > 0 && lo < text.size() && text[lo] != ' ') lo = space + 1;
    std::string out = text.substr(0, lo);
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out + "...";
}

}  // namespace tl::ui
