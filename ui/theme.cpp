#include "ui/theme.hpp"

namespace tl::ui {
namespace {
// A qualitative palette (readable on a dark background, distinct from the error red).
constexpr ImU32 kPalette[] = {
    IM_COL32(86, 156, 214, 255),  IM_COL32(78, 201, 176, 255),  IM_COL32(197, 134, 192, 255),
    IM_COL32(220, 180, 90, 255),  IM_COL32(110, 190, 110, 255), IM_COL32(240, 140, 90, 255),
    IM_COL32(150, 150, 230, 255), IM_COL32(90, 200, 220, 255),  IM_COL32(210, 120, 150, 255),
    IM_COL32(170, 200, 80, 255),
};

uint32_t fnv1a(std::string_view s) {
    uint32_t h = 2166136261u;
    for (unsigned char c : s) {
        h ^= c;
        h *= 16777619u;
    }
    return h;
}
}  // namespace

ImU32 service_color(std::string_view service, float alpha) {
    // The tutorial's services get fixed, well-separated colours; others hash into the palette.
    static constexpr std::string_view kKnown[] = {"gateway", "auth", "orders", "db", "payments"};
    ImU32 c = 0;
    for (size_t i = 0; i < std::size(kKnown); ++i)
        if (service == kKnown[i]) c = kPalette[i];
    if (c == 0) c = kPalette[fnv1a(service) % std::size(kPalette)];
    const auto a = static_cast<ImU32>(alpha * 255.0f + 0.5f);
    return (c & ~IM_COL32_A_MASK) | (a << IM_COL32_A_SHIFT);
}

ImU32 service_color_dark(std::string_view service) {
    ImVec4 v = ImGui::ColorConvertU32ToFloat4(service_color(service));
    v.x *= 0.62f;
    v.y *= 0.62f;
    v.z *= 0.62f;
    return ImGui::ColorConvertFloat4ToU32(v);
}

}  // namespace tl::ui
