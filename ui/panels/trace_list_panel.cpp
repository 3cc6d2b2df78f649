// Trace list: every trace the request produced, as a backend lists them — root name, span count, duration
// and "incomplete" / "no root" warnings. When propagation breaks, one request shows up as several traces.
#include <string>

#include <imgui.h>

#include "ui/app.hpp"
#include "ui/imgui_compat.hpp"
#include "ui/theme.hpp"
#include "ui/widgets/label_probe.hpp"
#include "ui/widgets/text_helpers.hpp"

namespace tl::ui {
namespace {

class TraceListPanel final : public Panel {
public:
    const char* name() const override { return "traces"; }
    const char* title() const override { return "Traces"; }
    Area area() const override { return Area::TraceList; }

    void draw(const App& app, Actions& actions) override {
        const Analysis& an = app.analysis();
        const TraceStore& store = app.store();
        const int32_t current = app.current_trace();
        ImGui::Text("%zu trace%s", an.traces.size(), an.traces.size() == 1 ? "" : "s");
        probe_item("traces:count");
        ImGui::SameLine();
        // The sentence, or its short form when the strip is too narrow (the sentence is then the tooltip).
        const bool split = an.traces.size() > 1;
        const char* sentence = split ? "- one request, split into several traces: context was lost on the way"
                                     : "- every span a backend received, grouped by trace id";
        const char* shorter = split ? "- context was lost on the way" : "- grouped by trace id";
        const bool fits = ImGui::CalcTextSize(sentence).x <= ImGui::GetContentRegionAvail().x;
        const ImVec4 colour = ImGui::GetStyle().Colors[ImGuiCol_TextDisabled];
        ImGui::TextColored(split ? ImGui::ColorConvertU32ToFloat4(kWarningTextColor) : colour, "%s",
                           fits ? sentence : shorter);
        if (!fits) compat::item_tooltip("%s", sentence + 2);
        constexpr ImGuiTableFlags kFlags = ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY |
                                           ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingStretchProp;
        if (!ImGui::BeginTable("##traces", 5, kFlags)) return;
        ImGui::TableSetupScrollFreeze(0, 1);
        ImGui::TableSetupColumn("Root span", ImGuiTableColumnFlags_WidthStretch, 4.0f);
        ImGui::TableSetupColumn("Trace id", ImGuiTableColumnFlags_WidthFixed);
        ImGui::TableSetupColumn("Spans", ImGuiTableColumnFlags_WidthFixed);
        ImGui::TableSetupColumn("Duration", ImGuiTableColumnFlags_WidthFixed);
        ImGui::TableSetupColumn("Warnings", ImGuiTableColumnFlags_WidthStretch, 2.0f);
        ImGui::TableHeadersRow();
        ImGuiListClipper clipper;
        clipper.Begin(int(an.traces.size()));
        while (clipper.Step()) {
            for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
                const TraceInfo& t = an.traces[size_t(i)];
                ImGui::TableNextRow();
                ImGui::TableNextColumn();
                std::string root_label;
                std::string_view service;
                if (t.root >= 0) {
                    const Span& r = store.spans[size_t(t.root)];
                    service = store.str(r.service);
                    root_label = std::string(service) + ": " + std::string(store.str(r.name));
                } else if (!t.spans.empty()) {
                    const Span& r = store.spans[t.spans.front()];
                    service = store.str(r.service);
                    root_label = "(no root) " + std::string(service) + ": " + std::string(store.str(r.name));
                }
                ImGui::PushID(i);
                ImGui::PushStyleColor(ImGuiCol_Text, service_color(service));
                if (ImGui::Selectable(root_label.c_str(), i == current, ImGuiSelectableFlags_SpanAllColumns))
                    actions.push(SelectTrace{i});
                ImGui::PopStyleColor();
                probe_item("trace:" + std::to_string(i));
                ImGui::PopID();
                ImGui::TableNextColumn();
                ImGui::TextDisabled("%s", to_hex(t.id).substr(0, 8).c_str());
                compat::item_tooltip("%s", to_hex(t.id).c_str());
                ImGui::TableNextColumn();
                ImGui::Text("%zu", t.spans.size());
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(format_duration(t.duration_ns()).c_str());
                ImGui::TableNextColumn();
                std::string warn;
                if (t.root < 0) warn += "no root  ";
                if (!t.orphans.empty()) warn += "incomplete  ";
                if (t.has_error) warn += "error  ";
                if (!warn.empty()) {
                    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(t.has_error && t.root >= 0 && t.orphans.empty()
                                                                          ? kErrorColor
                                                                          : kWarningTextColor),
                                       "%s", warn.c_str());
                    if (!t.warnings.empty() && ImGui::IsItemHovered()) {
                        ImGui::BeginTooltip();
                        for (const auto& w : t.warnings) ImGui::BulletText("%s", w.c_str());
                        ImGui::EndTooltip();
                    }
                }
            }
        }
        ImGui::EndTable();
    }
};

}  // namespace

std::unique_ptr<Panel> make_trace_list_panel() {
    return std::make_unique<TraceListPanel>();
}

}  // namespace tl::ui
