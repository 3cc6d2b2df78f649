// Waterfall panel: hosts the waterfall widget (ui/waterfall/) for the selected trace, turns what the user
// did there into Actions, handles the waterfall's keyboard shortcuts, and replays the request on a scaled
// clock (spans appear and grow as they run).
#include <algorithm>
#include <limits>
#include <string>

#include <imgui.h>

#include "ui/app.hpp"
#include "ui/imgui_compat.hpp"
#include "ui/panels/quiz_panel.hpp"
#include "ui/shortcuts.hpp"
#include "ui/theme.hpp"
#include "ui/waterfall/waterfall_view.hpp"
#include "ui/widgets/label_probe.hpp"
#include "ui/widgets/text_helpers.hpp"

namespace tl::ui {
namespace {

constexpr int64_t kShowAll = std::numeric_limits<int64_t>::max();

class WaterfallPanel final : public Panel {
public:
    const char* name() const override { return "waterfall"; }
    const char* title() const override { return "Waterfall"; }
    Area area() const override { return Area::Centre; }
    int order() const override { return 0; }
    bool animating(const App& /*app*/) const override { return replaying_; }

    void update(const App& app, Actions& actions) override {
        const WaterfallInput in = input(app);
        if (replaying_) {
            playback_ns_ += int64_t(double(ImGui::GetIO().DeltaTime) * 1e9 / slowdown_);
            if (in.trace < 0 || playback_ns_ >= app.analysis().traces[size_t(in.trace)].duration_ns())
                replaying_ = false;
        }
        // Ctrl+=, Ctrl+- and Ctrl+0 change the text size (App), not the zoom.
        if (!shortcuts_allowed() || ImGui::GetIO().KeyCtrl || in.trace < 0) return;
        state_.selected_span = app.view().selected_span;
        const int32_t before = state_.selected_span;
        if (compat::char_key_pressed(kShortcutNextSpan) || compat::key_pressed(ImGuiKey_DownArrow))
            state_.select_next(in);
        if (compat::char_key_pressed(kShortcutPrevSpan) || compat::key_pressed(ImGuiKey_UpArrow))
            state_.select_previous(in);
        if (compat::char_key_pressed(kShortcutExpandAll, false)) state_.expand_all();
        if (compat::char_key_pressed(kShortcutCollapseAll, false)) state_.collapse_all(in);
        if (compat::char_key_pressed(kShortcutZoomIn)) state_.zoom(1.25);
        if (compat::char_key_pressed(kShortcutZoomOut)) state_.zoom(0.8);
        if (compat::char_key_pressed(kShortcutResetView, false)) state_.reset_zoom();
        if (compat::char_key_pressed(kShortcutZoomSelected, false)) state_.zoom_to_selected(in);
        if (compat::key_pressed(ImGuiKey_LeftArrow)) state_.pan(-0.1);
        if (compat::key_pressed(ImGuiKey_RightArrow)) state_.pan(0.1);
        if (state_.selected_span != before) actions.push(SelectSpan{state_.selected_span});
    }

    void draw(const App& app, Actions& actions) override {
        const WaterfallInput in = input(app);
        if (in.trace < 0) {
            ImGui::TextDisabled("No spans: every service in this request is uninstrumented or nothing was sampled.");
            return;
        }
        draw_toolbar(app, actions, in);
        draw_broken_hops(app, actions, in);
        state_.selected_span = app.view().selected_span;
        const WaterfallEvents ev = draw_waterfall("##waterfall", in, state_, ImVec2(0, 0));
        if (ev.clicked_span >= 0)
            actions.push(SelectSpan{ev.clicked_span, true});
        else if (ev.selection_changed)
            actions.push(SelectSpan{ev.selected_span});
    }

private:
    WaterfallInput input(const App& app) const {
        WaterfallInput in;
        in.store = &app.store();
        in.analysis = &app.analysis();
        in.trace = app.current_trace();
        in.ground_truth = app.run();
        in.scenario = app.has_scenario() ? &app.scenario() : nullptr;
        // A practical quiz task asks which span ate the latency: do not show the answer on the bars.
        if (const QuizSession* quiz = app.find_slot<QuizSession>()) in.hide_latency_hints = quiz->hide_latency_hints;
        // Broken hops would give away where context was lost: hidden too while a practical task is played.
        if (!in.hide_latency_hints) in.broken_hops = app.broken_hops();
        in.show_ghosts = app.view().show_ghosts && app.run() != nullptr;
        in.data_generation = app.generation();
        in.playback_ns = replaying_ ? playback_ns_ : kShowAll;
        return in;
    }

    void draw_toolbar(const App& app, Actions& actions, const WaterfallInput& in) {
        const TraceInfo& t = app.analysis().traces[size_t(in.trace)];
        bool ghosts = app.view().show_ghosts;
        if (app.run() && ImGui::Checkbox("Ghosts", &ghosts)) actions.push(SetGhosts{ghosts});
        probe_item("waterfall:ghosts");
        compat::item_tooltip(
            "Ground truth: draw the spans of this request that ended up in other traces, where\n"
            "they really happened, joined to the hop that lost the context (G).");
        ImGui::SameLine();
        if (ImGui::Button(replaying_ ? "Stop replay" : "Replay")) {
            replaying_ = !replaying_;
            playback_ns_ = 0;
        }
        probe_item("waterfall:replay");
        compat::item_tooltip("Replay the request on a slowed clock: spans appear and grow as they run.");
        ImGui::SameLine();
        ImGui::SetNextItemWidth(110 * app.fonts().scale);
        ImGui::SliderFloat("##slowdown", &slowdown_, 1.0f, 50.0f, "%.0fx slower", ImGuiSliderFlags_Logarithmic);
        if (t.incomplete()) {
            ImGui::SameLine();
            ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kWarningTextColor), "%s",
                               t.root < 0 ? "no root: the start of this trace never arrived" : "incomplete trace");
        }
    }

    // One line per broken hop into or out of this trace: the sentence, and a button to the trace at the other end.
    static void draw_broken_hops(const App& app, Actions& actions, const WaterfallInput& in) {
        constexpr size_t kMaxLines = 3;
        size_t shown = 0, total = 0;
        for (size_t i = 0; i < in.broken_hops.size(); ++i) {
            const BrokenHop& h = in.broken_hops[i];
            const bool out = h.caller_trace == uint32_t(in.trace), into = h.callee_trace == uint32_t(in.trace);
            if (!out && !into) continue;
            if (++total > kMaxLines) continue;
            ++shown;
            ImGui::PushID(int(i));
            if (ImGui::SmallButton(out ? "Open new trace" : "Open caller's trace"))
                actions.push(SelectSpan{int32_t(out ? h.callee_span : h.caller_span)});
            probe_item("waterfall:broken-hop:" + std::to_string(shown - 1));
            compat::item_tooltip("%s", out ? "Show the trace the call started (its root is the dashed row)."
                                           : "Show the trace whose call started this one, at the calling span.");
            ImGui::SameLine();
            ImGui::PushStyleColor(ImGuiCol_Text, kWarningTextColor);
            // The sentence when it fits, else shorter forms; the sentence is then the tooltip.
            const std::string from(app.store().str(h.from_service)), to(app.store().str(h.to_service));
            const std::string forms[] = {"Broken hop: " + h.reason + ".",
                                         "Broken hop: " + from + " -> " + to + " (" + cause_summary(h.cause) + ")",
                                         "Broken hop: " + from + " -> " + to, from + " -> " + to};
            const float avail = ImGui::GetContentRegionAvail().x;
            size_t pick = 0;
            while (pick + 1 < std::size(forms) && ImGui::CalcTextSize(forms[pick].c_str()).x > avail) ++pick;
            ImGui::TextUnformatted(forms[pick].c_str());
            if (pick > 0) compat::item_tooltip("%s", forms[0].c_str());
            ImGui::PopStyleColor();
            ImGui::PopID();
        }
        if (total > shown) ImGui::TextDisabled("... and %zu more broken hops (see the Traces list)", total - shown);
    }

    WaterfallViewState state_;
    bool replaying_ = false;
    int64_t playback_ns_ = 0;
    float slowdown_ = 10.0f;
};

}  // namespace

std::unique_ptr<Panel> make_waterfall_panel() {
    return std::make_unique<WaterfallPanel>();
}

}  // namespace tl::ui
