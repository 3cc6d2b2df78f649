// Service colours: a qualitative palette handed out in order to the services on screen, so that no two share
// a colour; golden-angle hues beyond the palette.
#include "ui/theme.hpp"

#include <algorithm>
#include <cmath>
#include <functional>

namespace tl::ui {
namespace {
// A qualitative palette (readable on a dark background, distinct from the error red).
constexpr ImU32 kPalette[] = {
    IM_COL32(86, 156, 214, 255),  IM_COL32(78, 201, 176, 255),  IM_COL32(197, 134, 192, 255),
    IM_COL32(220, 180, 90, 255),  IM_COL32(110, 190, 110, 255), IM_COL32(240, 140, 90, 255),
    IM_COL32(150, 150, 230, 255), IM_COL32(90, 200, 220, 255),  IM_COL32(210, 120, 150, 255),
    IM_COL32(170, 200, 80, 255),
};
constexpr size_t kPaletteSize = std::size(kPalette);
// The tutorial's services, in palette order: they look the same in every scenario that has them.
constexpr std::string_view kKnown[] = {"gateway", "auth", "orders", "db", "payments"};

// Colour slot of each service on screen (a slot past the palette is a generated hue). Looked up by
// string_view without building a string: service_color() runs for every bar drawn.
struct NameHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
std::unordered_map<std::string, size_t, NameHash, std::equal_to<>> g_slots;
std::vector<std::string> g_order;  // the list g_slots was made from

uint32_t fnv1a(std::string_view s) {
    uint32_t h = 2166136261u;
    for (unsigned char c : s) {
        h ^= c;
        h *= 16777619u;
    }
    return h;
}

ImU32 slot_color(size_t slot) {
    if (slot < kPaletteSize) return kPalette[slot];
    // Golden-angle steps around the hue circle, away from the error red, at the palette's brightness.
    float r = 0, g = 0, b = 0;
    const float hue = std::fmod(0.13f + 0.618034f * float(slot - kPaletteSize), 1.0f);
    ImGui::ColorConvertHSVtoRGB(0.05f + hue * 0.9f, 0.5f, 0.86f, r, g, b);
    return ImGui::ColorConvertFloat4ToU32(ImVec4(r, g, b, 1.0f));
}
}  // namespace

void set_service_order(const std::vector<std::string_view>& services) {
    // Called after every re-simulation; the services on screen rarely change, so usually nothing to do.
    if (std::equal(services.begin(), services.end(), g_order.begin(), g_order.end())) return;
    g_order.assign(services.begin(), services.end());
    g_slots.clear();
    std::vector<bool> used(kPaletteSize, false);
    // The tutorial's names first, in their own slots; then every other name takes the lowest free slot.
    for (std::string_view s : services)
        for (size_t i = 0; i < std::size(kKnown); ++i)
            if (s == kKnown[i] && g_slots.find(s) == g_slots.end()) {
                g_slots.emplace(std::string(s), i);
                used[i] = true;
            }
    size_t next = 0, extra = 0;
    for (std::string_view s : services) {
        if (g_slots.find(s) != g_slots.end()) continue;
        while (next < kPaletteSize && used[next]) ++next;
        if (next < kPaletteSize) {
            used[next] = true;
            g_slots.emplace(std::string(s), next);
        } else {
            g_slots.emplace(std::string(s), kPaletteSize + extra++);
        }
    }
}

ImU32 service_color(std::string_view service, float alpha) {
    ImU32 c = 0;
    if (auto it = g_slots.find(service); it != g_slots.end()) {
        c = slot_color(it->second);
    } else {
        for (size_t i = 0; i < std::size(kKnown) && c == 0; ++i)
            if (service == kKnown[i]) c = kPalette[i];
        if (c == 0) c = kPalette[fnv1a(service) % kPaletteSize];
    }
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
