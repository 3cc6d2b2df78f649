// Timeline helpers: the time ruler and the overview range selector (see timeline.hpp).
#include "ui/widgets/timeline.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "ui/widgets/label_probe.hpp"

namespace tl::ui {

float RulerLabelX(float tick_x, float label_w, float left_limit, float right) {
    constexpr float kPad = 3.0f;  // between a tick and its label
    if (tick_x + kPad + label_w <= right && tick_x + kPad >= left_limit) return tick_x + kPad;
    if (tick_x - kPad - label_w >= left_limit && tick_x - kPad <= right) return tick_x - kPad - label_w;
    return NAN;
}

void DrawTimeRuler(ImDrawList* dl, ImVec2 min, ImVec2 max, const std::vector<RulerTick>& ticks) {
    dl->AddRectFilled(min, max, IM_COL32(32, 34, 40, 255));
    dl->AddLine({min.x, max.y - 0.5f}, {max.x, max.y - 0.5f}, IM_COL32(80, 84, 96, 255));
    const float h = max.y - min.y;
    const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
    const float ty = min.y + (h - ImGui::GetFontSize()) * 0.5f;
    float label_end = min.x;  // labels never touch: each starts a space after the previous one ends
    for (const RulerTick& t : ticks) {
        const float x = std::floor(min.x + t.x) + 0.5f;
        if (x < min.x || x > max.x) continue;
        if (t.major) {
            dl->AddLine({x, min.y + 2.0f}, {x, max.y}, IM_COL32(150, 154, 166, 255));
            const float w = ImGui::CalcTextSize(t.label).x;
            const float lx = RulerLabelX(x, w, label_end, max.x - 2.0f);
            if (std::isnan(lx)) continue;
            dl->AddText({lx, ty}, text, t.label);
            if (LabelProbe* probe = active_probe())
                probe->record(std::string("ruler ") + t.label, {lx, ty}, {lx + w, ty + ImGui::GetFontSize()},
                              ImGui::GetFrameCount());
            label_end = lx + w + ImGui::GetFontSize();  // a clear space: each label reads as its own tick's
        } else {
            dl->AddLine({x, max.y - h * 0.3f}, {x, max.y}, IM_COL32(100, 104, 116, 255));
        }
    }
}

void DrawTimeGrid(ImDrawList* dl, float left, float top, float bottom, const std::vector<RulerTick>& ticks) {
    for (const RulerTick& t : ticks)
        if (t.major) {
            const float x = std::floor(left + t.x) + 0.5f;
            dl->AddLine({x, top}, {x, bottom}, IM_COL32(255, 255, 255, 18));
        }
}

bool TimeRangeSelector(const char* id, ImVec2 min, ImVec2 max, TimeRange full, TimeRange* view,
                       RangeSelectorState* st) {
    const float w = max.x - min.x;
    if (w <= 1.0f || full.empty()) return false;
    ImGui::SetCursorScreenPos(min);
    ImGui::InvisibleButton(id, {w, max.y - min.y});
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const double ns_per_px = static_cast<double>(full.width()) / w;
    auto to_time = [&](float x) { return full.start_ns + static_cast<int64_t>((x - min.x) * ns_per_px); };
    auto to_x = [&](int64_t t) {
        return min.x + static_cast<float>(static_cast<double>(t - full.start_ns) / ns_per_px);
    };

    bool changed = false;
    const ImVec2 mouse = ImGui::GetIO().MousePos;
    if (ImGui::IsItemActivated()) {
        const float wx0 = to_x(view->start_ns), wx1 = to_x(view->end_ns);
        st->press_start_ns = view->start_ns;
        st->press_end_ns = view->end_ns;
        st->press_time_ns = to_time(mouse.x);
        st->mode = (mouse.x >= wx0 - 2.0f && mouse.x <= wx1 + 2.0f && wx1 - wx0 < w - 4.0f) ? 1 : 2;
    }
    if (ImGui::IsItemActive()) {
        const float dx = ImGui::GetMouseDragDelta(0, 0.0f).x;
        if (st->mode == 1) {
            const auto shift = static_cast<int64_t>(dx * ns_per_px);
            const int64_t width = st->press_end_ns - st->press_start_ns;
            int64_t s = std::clamp(st->press_start_ns + shift, full.start_ns - width / 2, full.end_ns - width / 2);
            if (s != view->start_ns) {
                *view = {s, s + width};
                changed = true;
            }
        } else if (st->mode == 2 && std::fabs(dx) >= 3.0f) {
            const int64_t a = st->press_time_ns, b = to_time(mouse.x);
            TimeRange r{std::min(a, b), std::max(a, b)};
            if (r.width() > 0 && (r.start_ns != view->start_ns || r.end_ns != view->end_ns)) {
                *view = r;
                changed = true;
            }
        }
    }
    if (ImGui::IsItemDeactivated()) {
        // A click (no drag) outside the window centres the window there.
        if (st->mode == 2 && std::fabs(ImGui::GetMouseDragDelta(0, 0.0f).x) < 3.0f) {
            const int64_t width = view->width(), c = to_time(mouse.x);
            *view = {c - width / 2, c - width / 2 + width};
            changed = true;
        }
        st->mode = 0;
    }

    // Dim what lies outside the window, outline the window.
    const float x0 = std::clamp(to_x(view->start_ns), min.x, max.x), x1 = std::clamp(to_x(view->end_ns), min.x, max.x);
    const ImU32 shade = IM_COL32(0, 0, 0, 110);
    if (x0 > min.x) dl->AddRectFilled(min, {x0, max.y}, shade);
    if (x1 < max.x) dl->AddRectFilled({x1, min.y}, max, shade);
    dl->AddRect(
        {x0, min.y}, {std::max(x1, x0 + 2.0f), max.y},
        ImGui::IsItemHovered() || ImGui::IsItemActive() ? IM_COL32(255, 255, 255, 230) : IM_COL32(255, 255, 255, 150),
        0.0f, 0, 1.5f);
    return changed;
}

}  // namespace tl::ui
