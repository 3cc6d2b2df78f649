// Trace list: every trace the request produced, as a backend lists them — root name, span count, duration
// and "incomplete" / "no root" / broken-hop warnings. When propagation breaks, one request shows up as several
// traces: the broken hops found in the data say which trace called which.
#include <algorithm>
#include <string>
#include <vector>

#include <imgui.h>

#include "ui/app.hpp"
#include "ui/imgui_compat.hpp"
#include "ui/panels/quiz_panel.hpp"
#include "ui/theme.hpp"
#include "ui/waterfall/waterfall_layout.hpp"
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
        // In a file, several traces are just several requests unless a broken hop ties two of them together.
        const bool hide_hops = hops_hidden(app);
        const size_t hop_count = hide_hops ? 0 : app.broken_hops().size();
        const bool split = hop_count > 0 || (app.run() != nullptr && an.traces.size() > 1);
        std::string hop_sentence, hop_short;
        if (hop_count > 0) {
            hop_sentence = "- " + std::to_string(hop_count) + " broken hop" + (hop_count == 1 ? "" : "s") +
                           ": a request split where trace context was lost";
            hop_short = "- " + std::to_string(hop_count) + " broken hop" + (hop_count == 1 ? "" : "s");
        }
        const char* sentence = hop_count > 0 ? hop_sentence.c_str()
                               : split       ? "- one request, split into several traces: context was lost on the way"
                                             : "- every span a backend received, grouped by trace id";
        const char* shorter = hop_count > 0 ? hop_short.c_str()
                              : split       ? "- context was lost on the way"
                                            : "- grouped by trace id";
        const bool fits = ImGui::CalcTextSize(sentence).x <= ImGui::GetContentRegionAvail().x;
        const ImVec4 colour = ImGui::GetStyle().Colors[ImGuiCol_TextDisabled];
        ImGui::TextColored(split ? ImGui::ColorConvertU32ToFloat4(kWarningTextColor) : colour, "%s",
                           fits ? sentence : shorter);
        if (!fits) compat::item_tooltip("%s", sentence + 2);
        constexpr ImGuiTableFlags kFlags = ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY |
                                           ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingStretchProp;
        if (!ImGui::BeginTable("##traces", 5, kFlags)) return;
        ImGui::TableSetupScrollFreeze(0, 1);
        ImGui::TableSetupColumn("Root span", ImGuiTableColumnFlags_WidthStretch, 3.0f);
        ImGui::TableSetupColumn("Trace id", ImGuiTableColumnFlags_WidthFixed);
        ImGui::TableSetupColumn("Spans", ImGuiTableColumnFlags_WidthFixed);
        ImGui::TableSetupColumn("Duration", ImGuiTableColumnFlags_WidthFixed);
        ImGui::TableSetupColumn("Warnings", ImGuiTableColumnFlags_WidthStretch, 3.0f);
        ImGui::TableHeadersRow();
        // Per trace: the hops it made (lost calls) and the hop that started it. Rebuilt when the data changes.
        if (cached_generation_ != app.generation() || cached_hidden_ != hide_hops) {
            cached_generation_ = app.generation();
            cached_hidden_ = hide_hops;
            // One unit for the whole Duration column, the longest trace's, so the column reads down.
            int64_t longest = 0;
            for (const TraceInfo& t : an.traces) longest = std::max(longest, t.duration_ns());
            unit_ns_ = display_unit_ns(longest);
            hops_out_.assign(an.traces.size(), 0);
            hop_in_.assign(an.traces.size(), -1);
            if (!hide_hops)
                for (size_t h = 0; h < app.broken_hops().size(); ++h) {
                    const BrokenHop& hop = app.broken_hops()[h];
                    if (hop.caller_trace < hops_out_.size()) ++hops_out_[hop.caller_trace];
                    if (hop.callee_trace < hop_in_.size() && hop_in_[hop.callee_trace] < 0)
                        hop_in_[hop.callee_trace] = int32_t(h);
                }
        }
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
                // A root name wider than its column ends in "..." (never cut mid-word); the tooltip has it whole.
                const std::string shown = fit_text(root_label, ImGui::GetContentRegionAvail().x);
                if (ImGui::Selectable((shown + "##root").c_str(), i == current, ImGuiSelectableFlags_SpanAllColumns))
                    actions.push(SelectTrace{i});
                ImGui::PopStyleColor();
                if (shown != root_label && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", root_label.c_str());
                probe_item("trace:" + std::to_string(i));
                ImGui::PopID();
                ImGui::TableNextColumn();
                ImGui::TextDisabled("%s", to_hex(t.id).substr(0, 8).c_str());
                compat::item_tooltip("%s", to_hex(t.id).c_str());
                ImGui::TableNextColumn();
                ImGui::Text("%zu", t.spans.size());
                ImGui::TableNextColumn();
                const std::string duration = format_duration_in(t.duration_ns(), unit_ns_);
                ImGui::TextUnformatted(duration.c_str());
                probe_item("trace:" + std::to_string(i) + " duration " + duration);
                ImGui::TableNextColumn();
                std::string warn;
                if (t.root < 0) warn += "no root  ";
                if (!t.orphans.empty()) warn += "incomplete  ";
                if (t.has_error) warn += "error  ";
                const int32_t in_hop = size_t(i) < hop_in_.size() ? hop_in_[size_t(i)] : -1;
                const uint32_t out_hops = size_t(i) < hops_out_.size() ? hops_out_[size_t(i)] : 0;
                // Short words, the column is narrow; the tooltip names the services and the cause.
                if (in_hop >= 0) warn += "split off  ";
                if (out_hops > 0) warn += out_hops == 1 ? "lost a call  " : std::to_string(out_hops) + " lost calls  ";
                if (app.trace_receiving(t.id)) {
                    ImGui::TextColored(ImVec4(0.35f, 0.75f, 0.45f, 1.0f), "receiving");
                    probe_item("trace-receiving:" + std::to_string(i));
                    if (!warn.empty()) ImGui::SameLine();
                }
                if (!warn.empty()) {
                    while (warn.ends_with(' ')) warn.pop_back();
                    // Too many words for the column: they end in "..." and the tooltip has them all.
                    const std::string shown_warn = fit_text(warn, ImGui::GetContentRegionAvail().x);
                    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(t.has_error && t.root >= 0 && t.orphans.empty()
                                                                          ? kErrorColor
                                                                          : kWarningTextColor),
                                       "%s", shown_warn.c_str());
                    const bool cut = shown_warn != warn;
                    if ((cut || !t.warnings.empty() || in_hop >= 0 || out_hops > 0) && ImGui::IsItemHovered()) {
                        ImGui::BeginTooltip();
                        ImGui::PushTextWrapPos(ImGui::GetFontSize() * 32.0f);
                        if (cut) ImGui::TextUnformatted(warn.c_str());
                        for (const auto& w : t.warnings) ImGui::BulletText("%s", w.c_str());
                        for (const BrokenHop& h : app.broken_hops())
                            if (h.callee_trace == uint32_t(i) || h.caller_trace == uint32_t(i))
                                ImGui::BulletText("Broken hop: %s.", h.reason.c_str());
                        ImGui::PopTextWrapPos();
                        ImGui::EndTooltip();
                    }
                }
            }
        }
        ImGui::EndTable();
    }

private:
    // A practical quiz task asks the learner to find what broke: the list does not answer it.
    static bool hops_hidden(const App& app) {
        const QuizSession* quiz = app.find_slot<QuizSession>();
        return quiz != nullptr && quiz->hide_latency_hints;
    }

    uint64_t cached_generation_ = ~0ull;
    bool cached_hidden_ = false;
    int64_t unit_ns_ = 1'000'000;     // the Duration column's unit (see display_unit_ns)
    std::vector<uint32_t> hops_out_;  // per trace: broken hops whose caller is in it
    std::vector<int32_t> hop_in_;     // per trace: the broken hop that started it, -1 for none
};

}  // namespace

std::unique_ptr<Panel> make_trace_list_panel() {
    return std::make_unique<TraceListPanel>();
}

}  // namespace tl::ui
