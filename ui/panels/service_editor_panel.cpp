// Service editor: every service and every hop of the scenario in tables — own latency, jitter, error
// rate, parallel calls, instrumented — and a propagation mode per hop, with each mode's real-world cause
// as a tooltip. Every change is an Action that re-simulates before the next frame: the waterfall is live.
// [SECTION] Services
// [SECTION] Hops
// [SECTION] Authoring: add, rename, remove services and calls
#include <algorithm>
#include <string>

#include <imgui.h>
#include <imgui_stdlib.h>

#include "sim/engine/scenario_authoring.hpp"
#include "ui/app.hpp"
#include "ui/imgui_compat.hpp"
#include "ui/panels/file_mode.hpp"
#include "ui/panels/lesson_panel.hpp"
#include "ui/theme.hpp"
#include "ui/widgets/label_probe.hpp"
#include "ui/widgets/text_helpers.hpp"

namespace tl::ui {
namespace {

// [SECTION] Services

void draw_services(const App& app, const Scenario& sc, Actions& actions) {
    constexpr ImGuiTableFlags kFlags =
        ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingStretchProp;
    // A narrow panel (large text, small window) stacks each service's sliders under its name instead of
    // squeezing two columns until names break mid-word.
    const bool stacked = ImGui::GetContentRegionAvail().x < ImGui::GetFontSize() * 22.0f;
    if (!ImGui::BeginTable("##services", stacked ? 1 : 2, kFlags)) return;
    ImGui::TableSetupColumn("Service", ImGuiTableColumnFlags_WidthStretch, 1.0f);
    if (!stacked) ImGui::TableSetupColumn("Timing and errors", ImGuiTableColumnFlags_WidthStretch, 1.9f);
    ImGui::TableHeadersRow();
    for (const Service& s : sc.services) {
        ImGui::PushID(s.name.c_str());
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::PushStyleColor(ImGuiCol_Text, service_color(s.name));
        ImGui::TextUnformatted(s.name.c_str());
        ImGui::PopStyleColor();
        ImGui::PushTextWrapPos(0.0f);  // the cell's edge: long operation names wrap instead of being cut
        ImGui::TextDisabled("%s", s.span_name.c_str());
        ImGui::PopTextWrapPos();
        probe_item("operation:" + s.name);
        if (s.role == ServiceRole::Application) {
            bool instrumented = s.instrumented;
            if (ImGui::Checkbox("traced", &instrumented)) actions.push(SetInstrumented{s.name, instrumented});
            probe_item("instrumented:" + s.name);
            highlight_if_shown(app, "instrumented:" + s.name);
            compat::item_tooltip(
                "Instrumented: the service records spans and forwards trace context.\n"
                "Untick to make it a legacy service without tracing.");
        } else {
            ImGui::TextDisabled("%s", to_string(s.role));
            probe_item("role:" + s.name);
            compat::item_tooltip("%s", service_role_note(s.role));
        }
        if (!s.calls.empty()) {
            bool parallel = s.parallel;
            if (ImGui::Checkbox("parallel", &parallel)) actions.push(SetParallel{s.name, parallel});
            probe_item("parallel:" + s.name);
            highlight_if_shown(app, "parallel:" + s.name);
            compat::item_tooltip("Make its calls at the same time instead of one after another.");
        }

        if (!stacked) ImGui::TableNextColumn();
        ImGui::SetNextItemWidth(-FLT_MIN);
        float own = float(s.own.ms);
        if (ImGui::SliderFloat("##own", &own, 0.0f, std::max(500.0f, float(s.own.ms)), "own %.0f ms"))
            actions.push(SetLatency{s.name, double(own)});
        probe_item("own:" + s.name);
        highlight_if_shown(app, "own:" + s.name);
        compat::item_tooltip("Own processing time of %s (Ctrl+click to type a value).", s.name.c_str());
        ImGui::SetNextItemWidth(-FLT_MIN);
        float jitter = float(s.own.jitter_ms);
        if (ImGui::SliderFloat("##jitter", &jitter, 0.0f, std::max(100.0f, float(s.own.jitter_ms)), "jitter %.0f ms"))
            actions.push(SetJitter{s.name, double(jitter)});
        probe_item("jitter:" + s.name);
        highlight_if_shown(app, "jitter:" + s.name);
        ImGui::SetNextItemWidth(-FLT_MIN);
        float err = float(s.error_rate * 100.0);
        if (ImGui::SliderFloat("##error", &err, 0.0f, 100.0f, "errors %.0f %%"))
            actions.push(SetErrorRate{s.name, double(err) / 100.0});
        probe_item("error:" + s.name);
        highlight_if_shown(app, "error:" + s.name);
        ImGui::PopID();
    }
    ImGui::EndTable();
}

// [SECTION] Hops

void draw_hops(const App& app, const Scenario& sc, Actions& actions) {
    constexpr ImGuiTableFlags kFlags =
        ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingStretchProp;
    const bool stacked = ImGui::GetContentRegionAvail().x < ImGui::GetFontSize() * 22.0f;
    if (!ImGui::BeginTable("##hops", stacked ? 1 : 2, kFlags)) return;
    ImGui::TableSetupColumn("Hop", ImGuiTableColumnFlags_WidthStretch, 1.0f);
    if (!stacked) ImGui::TableSetupColumn("Propagation", ImGuiTableColumnFlags_WidthStretch, 1.2f);
    ImGui::TableHeadersRow();
    for (const Service& s : sc.services) {
        for (size_t c = 0; c < s.calls.size(); ++c) {
            const Call& call = s.calls[c];
            // Calls to the same callee share a mode (set_hop_fault edits them together): list each pair once.
            bool seen = false;
            for (size_t k = 0; k < c; ++k) seen = seen || s.calls[k].to == call.to;
            if (seen) continue;
            const std::string hop = s.name + "->" + call.to;
            ImGui::PushID(hop.c_str());
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            // Caller, arrow, callee and transport flow within the cell: a narrow column puts them on more lines.
            ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(service_color(s.name)), "%s", s.name.c_str());
            probe_item("hop caller:" + hop);
            same_line_if_fits(ImGui::CalcTextSize("->").x);
            ImGui::TextDisabled("->");
            same_line_if_fits(ImGui::CalcTextSize(call.to.c_str()).x);
            ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(service_color(call.to)), "%s", call.to.c_str());
            probe_item("hop callee:" + hop);
            const Service* callee = sc.service(call.to);
            const char* how = callee && callee->role == ServiceRole::Database ? "query" : to_string(call.transport);
            same_line_if_fits(ImGui::CalcTextSize(how).x);
            ImGui::TextDisabled("%s", how);
            probe_item("hop transport:" + hop);
            if (!stacked) ImGui::TableNextColumn();
            ImGui::SetNextItemWidth(-FLT_MIN);
            const bool broken = call.fault != HopFault::Ok;
            if (broken) ImGui::PushStyleColor(ImGuiCol_Text, kWarningTextColor);
            const bool open = ImGui::BeginCombo("##fault", to_string(call.fault));
            if (broken) ImGui::PopStyleColor();
            probe_item("fault:" + hop);
            highlight_if_shown(app, "fault:" + hop);
            if (!open) compat::item_tooltip("%s", hop_fault_cause(call.fault));
            if (open) {
                for (HopFault f : kAllHopFaults) {
                    if (ImGui::Selectable(to_string(f), f == call.fault)) actions.push(SetHopFault{s.name, call.to, f});
                    probe_item("fault:" + hop + "=" + to_string(f));
                    compat::item_tooltip("%s", hop_fault_cause(f));
                }
                ImGui::EndCombo();
            }
            if (call.repeat > 1) {
                bool batched = call.batched;
                const std::string label = "batch the " + std::to_string(call.repeat) + " calls into one";
                if (ImGui::Checkbox(label.c_str(), &batched))
                    actions.push(Custom{"editor: batch " + hop, [caller = s.name, callee = call.to, batched](App& a) {
                                            Scenario edited = a.scenario();
                                            if (set_batched(edited, caller, callee, batched).empty())
                                                a.apply(ReplaceScenario{std::move(edited)});
                                        }});
                probe_item("batched:" + hop);
                highlight_if_shown(app, "batched:" + hop);
                compat::item_tooltip(
                    "One call that fetches everything at once (e.g. WHERE id IN (...)) instead of "
                    "one call per item.");
            }
            ImGui::PopID();
        }
    }
    ImGui::EndTable();
}

// [SECTION] Authoring

// What the authoring controls hold between frames (the panel owns it).
struct AuthoringState {
    std::string new_service;
    std::string rename_from, rename_to;
    std::string caller, callee;
    int transport = 1;  // index into kTransports
};

constexpr Transport kTransports[] = {Transport::InProcess, Transport::Http, Transport::Grpc, Transport::Queue};

// A combo over the scenario's services; keeps `name` on a service that exists.
void service_combo(const char* id, const Scenario& sc, std::string& name) {
    if (sc.find_service(name) < 0) name = sc.services.front().name;
    ImGui::SetNextItemWidth(-FLT_MIN);
    if (ImGui::BeginCombo(id, name.c_str())) {
        for (const Service& s : sc.services) {
            if (ImGui::Selectable(s.name.c_str(), s.name == name)) name = s.name;
            probe_item("author:" + std::string(id + 2) + "=" + s.name);
        }
        ImGui::EndCombo();
    }
    probe_item("author:" + std::string(id + 2));
}

void draw_authoring(const Scenario& sc, AuthoringState& st, Actions& actions) {
    using Op = EditServices::Op;
    const float button_w = ImGui::CalcTextSize("Remove call").x + 2 * ImGui::GetStyle().FramePadding.x;
    const auto field_width = [&] { return -(button_w + ImGui::GetStyle().ItemSpacing.x); };
    // Add a service.
    if (st.new_service.empty()) st.new_service = unused_service_name(sc);
    ImGui::SetNextItemWidth(field_width());
    const bool add = ImGui::InputText("##new-service", &st.new_service, ImGuiInputTextFlags_EnterReturnsTrue);
    probe_item("author:new-service");
    ImGui::SameLine();
    if (ImGui::Button("Add service", ImVec2(button_w, 0)) || add) {
        actions.push(EditServices{Op::AddService, st.new_service, "", 0, Transport::Http});
        st.new_service.clear();
    }
    probe_item("author:add-service");
    // Rename or remove one.
    ImGui::TextDisabled("Rename or remove a service");
    service_combo("##rename-from", sc, st.rename_from);
    ImGui::SetNextItemWidth(field_width());
    ImGui::InputTextWithHint("##rename-to", "new name", &st.rename_to);
    probe_item("author:rename-to");
    ImGui::SameLine();
    ImGui::BeginDisabled(st.rename_to.empty());
    if (ImGui::Button("Rename", ImVec2(button_w, 0))) {
        actions.push(EditServices{Op::RenameService, st.rename_from, st.rename_to, 0, Transport::Http});
        st.rename_from = st.rename_to;
        st.rename_to.clear();
    }
    ImGui::EndDisabled();
    probe_item("author:rename");
    ImGui::BeginDisabled(sc.services.size() < 2);
    if (ImGui::Button("Remove service")) actions.push(EditServices{Op::RemoveService, st.rename_from, "", 0, {}});
    ImGui::EndDisabled();
    probe_item("author:remove-service");
    compat::item_tooltip("Removes the service and every call to it.");
    // Add a call.
    ImGui::TextDisabled("Add a call: caller, callee, transport");
    service_combo("##caller", sc, st.caller);
    service_combo("##callee", sc, st.callee);
    ImGui::SetNextItemWidth(field_width());
    static constexpr const char* kNames[] = {"in-process", "http", "grpc", "queue"};
    ImGui::Combo("##transport", &st.transport, kNames, int(std::size(kNames)));
    probe_item("author:transport");
    ImGui::SameLine();
    if (ImGui::Button("Add call", ImVec2(button_w, 0)))
        actions.push(EditServices{Op::AddCall, st.caller, st.callee, 0, kTransports[std::clamp(st.transport, 0, 3)]});
    probe_item("author:add-call");
    // Remove a call: one button per call of the chosen caller.
    if (const Service* caller = sc.service(st.caller); caller && !caller->calls.empty()) {
        ImGui::TextDisabled("Calls %s makes", caller->name.c_str());
        for (size_t c = 0; c < caller->calls.size(); ++c) {
            ImGui::PushID(int(c));
            const Call& call = caller->calls[c];
            ImGui::AlignTextToFramePadding();
            ImGui::Text("%zu. %s (%s)", c + 1, call.to.c_str(), to_string(call.transport));
            same_line_if_fits(button_w);
            if (ImGui::SmallButton("Remove call"))
                actions.push(EditServices{Op::RemoveCall, caller->name, "", c, Transport::Http});
            probe_item("author:remove-call:" + caller->name + "->" + call.to);
            ImGui::PopID();
        }
    }
}

class ServiceEditorPanel final : public Panel {
public:
    const char* name() const override { return "editor"; }
    const char* title() const override { return "Service editor"; }
    Area area() const override { return Area::Right; }
    int order() const override { return 10; }

    void draw(const App& app, Actions& actions) override {
        if (!app.has_scenario()) {
            ImGui::TextWrapped("No scenario loaded. Choose one in the Scenario menu.");
            return;
        }
        if (draw_file_mode_notice(app, actions,
                                  "The service editor changes the simulated scenario; a trace file cannot be edited."))
            return;
        const Scenario& sc = app.scenario();
        ImGui::TextWrapped("%s", sc.title.empty() ? sc.id.c_str() : sc.title.c_str());
        ImGui::SameLine();
        help_marker(sc.description.empty() ? "A virtual system to break and repair." : sc.description.c_str());
        ImGui::SameLine();
        if (ImGui::SmallButton("Reset")) actions.push(LoadScenario{sc.id});
        probe_item("editor:reset");
        compat::item_tooltip("Reload the scenario as it was shipped.");
        ImGui::PushTextWrapPos(0.0f);
        ImGui::TextDisabled("Every change re-simulates at once.");
        ImGui::PopTextWrapPos();
        compat::separator_text("Services");
        draw_services(app, sc, actions);
        compat::separator_text("Hops: how trace context travels");
        draw_hops(app, sc, actions);
        // A new scenario opens with the structure editor open; a shipped one keeps it folded away.
        if (sc.id != last_id_) ImGui::SetNextItemOpen(sc.id == "untitled", ImGuiCond_Always);
        last_id_ = sc.id;
        const bool open = ImGui::CollapsingHeader("Services and calls: add, rename, remove");
        probe_item("author:header");
        if (open) draw_authoring(sc, authoring_, actions);
    }

private:
    AuthoringState authoring_;
    std::string last_id_;  // the scenario the header's open state was last set for
};

}  // namespace

std::unique_ptr<Panel> make_service_editor_panel() {
    return std::make_unique<ServiceEditorPanel>();
}

}  // namespace tl::ui
