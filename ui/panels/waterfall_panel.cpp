// Waterfall panel: hosts the waterfall widget (ui/waterfall/) for the selected trace and turns what the
// user did there (select, collapse, zoom) into Actions; also handles the waterfall's keyboard shortcuts.
// Until the widget lands this draws a plain row-per-span view so the app is usable.
#include <algorithm>
#include <string>

#include <imgui.h>

#include "ui/app.hpp"
#include "ui/imgui_compat.hpp"
#include "ui/shortcuts.hpp"
#include "ui/theme.hpp"
#include "ui/widgets/label_probe.hpp"
#include "ui/widgets/text_helpers.hpp"

namespace tl::ui {
namespace {

class WaterfallPanel final : public Panel {
public:
    const char* name() const override { return "waterfall"; }
    const char* title() const override { return "Waterfall"; }
    Area area() const override { return Area::Centre; }
    int order() const override { return 0; }

    void update(const App& app, Actions& actions) override {
        if (ImGui::GetIO().WantTextInput) return;
        const int32_t trace = app.current_trace();
        if (trace < 0) return;
        const auto& spans = app.analysis().traces[size_t(trace)].spans;
        if (spans.empty()) return;
        const bool next = compat::char_key_pressed(kShortcutNextSpan) || compat::key_pressed(ImGuiKey_DownArrow);
        const bool prev = compat::char_key_pressed(kShortcutPrevSpan) || compat::key_pressed(ImGuiKey_UpArrow);
        if (!next && !prev) return;
        auto it = std::find(spans.begin(), spans.end(), uint32_t(std::max(app.view().selected_span, 0)));
        size_t pos = it == spans.end() ? 0 : size_t(it - spans.begin());
        if (it != spans.end()) pos = next ? std::min(pos + 1, spans.size() - 1) : (pos > 0 ? pos - 1 : 0);
        actions.push(SelectSpan{int32_t(spans[pos])});
    }

    void draw(const App& app, Actions& actions) override {
        const int32_t trace = app.current_trace();
        if (trace < 0) {
            ImGui::TextDisabled("No spans: every service in this request is uninstrumented or nothing was sampled.");
            return;
        }
        const TraceStore& store = app.store();
        const Analysis& an = app.analysis();
        const TraceInfo& t = an.traces[size_t(trace)];
        const double t0 = double(t.start_ns), span_ns = std::max(1.0, double(t.duration_ns()));
        const float name_w = 260.0f * app.fonts().scale;
        const float row_h = ImGui::GetFrameHeight();
        ImGui::BeginChild("##rows", ImVec2(0, 0), false);
        ImDrawList* dl = ImGui::GetWindowDrawList();
        ImGuiListClipper clipper;
        clipper.Begin(int(t.spans.size()), row_h);
        while (clipper.Step()) {
            for (int r = clipper.DisplayStart; r < clipper.DisplayEnd; ++r) {
                const uint32_t si = t.spans[size_t(r)];
                const Span& s = store.spans[si];
                const std::string_view svc = store.str(s.service);
                const std::string label = std::string(svc) + ": " + std::string(store.str(s.name));
                const ImVec2 p = ImGui::GetCursorScreenPos();
                const float avail = ImGui::GetContentRegionAvail().x;
                ImGui::PushID(int(si));
                if (ImGui::InvisibleButton("##row", ImVec2(std::max(avail, 1.0f), row_h)))
                    actions.push(SelectSpan{int32_t(si)});
                probe_item("span:" + label);
                ImGui::PopID();
                const bool selected = int32_t(si) == app.view().selected_span;
                if (selected || ImGui::IsItemHovered())
                    dl->AddRectFilled(p, ImVec2(p.x + avail, p.y + row_h),
                                      ImGui::GetColorU32(selected ? ImGuiCol_Header : ImGuiCol_HeaderHovered));
                const float indent = 12.0f * float(an.depth[si]);
                dl->AddText(ImVec2(p.x + 4 + indent, p.y + 2), service_color(svc), label.c_str());
                const float bx0 = p.x + name_w, bw = std::max(avail - name_w - 8, 10.0f);
                const float x0 = bx0 + float((double(s.start_ns) - t0) / span_ns) * bw;
                const float x1 = std::max(x0 + 2.0f, bx0 + float((double(s.end_ns) - t0) / span_ns) * bw);
                const ImU32 col = s.status == StatusCode::Error ? kErrorColor : service_color(svc);
                dl->AddRectFilled(ImVec2(x0, p.y + 3), ImVec2(x1, p.y + row_h - 3), col, 3.0f);
                const std::string d = format_duration(s.duration_ns());
                const float tw = ImGui::CalcTextSize(d.c_str()).x;
                if (x1 + 4 + tw <= bx0 + bw)  // after the bar, else inside it on the dark side
                    dl->AddText(ImVec2(x1 + 4, p.y + 2), ImGui::GetColorU32(ImGuiCol_Text), d.c_str());
                else
                    dl->AddText(ImVec2(std::max(x0 + 2, x1 - tw - 4), p.y + 2), IM_COL32(20, 20, 24, 255), d.c_str());
            }
        }
        ImGui::EndChild();
    }
};

}  // namespace

std::unique_ptr<Panel> make_waterfall_panel() {
    return std::make_unique<WaterfallPanel>();
}

}  // namespace tl::ui
