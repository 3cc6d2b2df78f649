// Label probe: lets headless tests find widgets by label. Panels call probe_item("label") right after a
// widget; when a probe is active (tests), the item's screen rectangle is recorded under that label.
// - In the app no probe is active and probe_item costs one pointer check.
// - The active probe hangs off ImGuiIO::UserData (reserved for it), so it follows the Dear ImGui context.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <imgui.h>

namespace tl::ui {

struct ProbedItem {
    ImVec2 min;
    ImVec2 max;
    int frame = -1;  // ImGui::GetFrameCount() when last seen
    [[nodiscard]] ImVec2 centre() const { return {(min.x + max.x) * 0.5f, (min.y + max.y) * 0.5f}; }
};

class LabelProbe {
public:
    void record(std::string_view label, ImVec2 min, ImVec2 max, int frame) {
        items_[std::string(label)] = ProbedItem{min, max, frame};
        order_.emplace_back(label);
    }
    // Seen during the given frame (or ever, with frame < 0).
    [[nodiscard]] const ProbedItem* find(std::string_view label, int frame = -1) const {
        auto it = items_.find(std::string(label));
        if (it == items_.end() || (frame >= 0 && it->second.frame != frame)) return nullptr;
        return &it->second;
    }
    // Every label recorded since clear_order(), in drawing order (for failure messages).
    [[nodiscard]] const std::vector<std::string>& order() const { return order_; }
    void clear_order() { order_.clear(); }
    void clear() {
        items_.clear();
        order_.clear();
    }

private:
    std::unordered_map<std::string, ProbedItem> items_;
    std::vector<std::string> order_;
};

// Makes `probe` the active probe of the current context (nullptr to stop).
inline void set_active_probe(LabelProbe* probe) {
    ImGui::GetIO().UserData = probe;
}
inline LabelProbe* active_probe() {
    return static_cast<LabelProbe*>(ImGui::GetIO().UserData);
}

// Records the last item under `label`, if a probe is active.
inline void probe_item(std::string_view label) {
    if (LabelProbe* p = active_probe())
        p->record(label, ImGui::GetItemRectMin(), ImGui::GetItemRectMax(), ImGui::GetFrameCount());
}

}  // namespace tl::ui
