// Waterfall panel: hosts the waterfall widget (ui/waterfall/) for the selected trace, turns what the user
// did there into Actions, handles the waterfall's keyboard shortcuts, and replays the request on a scaled
// clock (spans appear and grow as they run).
// - Reading tools on a second toolbar line: search inside the trace (matches outlined, the rest dimmed,
//   next/previous, next error), compare with a pinned baseline, and the opt-in clock-skew adjustment.
// [SECTION] Panel  [SECTION] Reading tools
#include <algorithm>
#include <cstdio>
#include <limits>
#include <string>

#include <imgui.h>

#include "sim/trace/search.hpp"
#include "ui/app.hpp"
#include "ui/compare.hpp"
#include "ui/imgui_compat.hpp"
#include "ui/panels/lesson_panel.hpp"
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
        refresh_reading(app, in);
        if (compat::char_key_pressed(kShortcutNextMatch)) step(app, in, true, false);
        if (compat::char_key_pressed(kShortcutPrevMatch)) step(app, in, false, false);
        if (compat::char_key_pressed(kShortcutNextError)) step(app, in, true, true);
        if (compat::char_key_pressed(kShortcutFind, false)) focus_search_ = true;
        if (compat::char_key_pressed(kShortcutPinBaseline, false))
            actions.push(Custom{"pin baseline", [](App& a) { pin_baseline(a); }});
        if (state_.selected_span != before) {
            state_.scroll_to_selected = true;
            actions.push(SelectSpan{state_.selected_span});
        }
    }

    void draw(const App& app, Actions& actions) override {
        const WaterfallInput in = input(app);
        if (in.trace < 0) {
            if (app.receiving())
                ImGui::TextDisabled("No spans yet: they appear here as an SDK exports them to this receiver.");
            else if (app.showing_file())
                ImGui::TextDisabled("No spans on screen.");
            else
                ImGui::TextDisabled("No spans: every service in this request is uninstrumented or nothing was sampled.");
            probe_item("waterfall:empty");
            return;
        }
        draw_toolbar(app, actions, in);
        draw_broken_hops(app, actions, in);
        refresh_reading(app, in);
        draw_reading_bar(app, actions, in);
        state_.selected_span = app.view().selected_span;
        WaterfallInput marked = in;
        marked.marks = &marks_;
        const int32_t before = state_.selected_span;
        if (pending_select_ >= 0) {
            state_.selected_span = pending_select_;
            state_.scroll_to_selected = true;
            pending_select_ = -1;
        }
        const WaterfallEvents ev = draw_waterfall("##waterfall", marked, state_, ImVec2(0, 0));
        if (state_.selected_span != before && ev.clicked_span < 0 && !ev.selection_changed)
            actions.push(SelectSpan{state_.selected_span});
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
        // So does a lesson's find-it step while it is live.
        if (const LessonState* lesson = app.find_slot<LessonState>(); lesson && lesson->hides_latency_hints())
            in.hide_latency_hints = true;
        // Broken hops would give away where context was lost: hidden too while a practical task or a find-it
        // step is played.
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
        const char* replay = replaying_ ? "Stop replay" : "Replay";
        if (app.run()) same_line_if_fits(button_width(replay));
        if (ImGui::Button(replay)) {
            replaying_ = !replaying_;
            playback_ns_ = 0;
        }
        probe_item("waterfall:replay");
        compat::item_tooltip("Replay the request on a slowed clock: spans appear and grow as they run.");
        same_line_if_fits(110 * app.fonts().scale);
        ImGui::SetNextItemWidth(110 * app.fonts().scale);
        ImGui::SliderFloat("##slowdown", &slowdown_, 1.0f, 50.0f, "%.0fx slower", ImGuiSliderFlags_Logarithmic);
        if (t.incomplete()) {
            const char* note = t.root < 0 ? "no root: the start of this trace never arrived" : "incomplete trace";
            same_line_if_fits(ImGui::CalcTextSize(note).x);
            ImGui::PushTextWrapPos(0.0f);
            ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kWarningTextColor), "%s", note);
            ImGui::PopTextWrapPos();
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

    // [SECTION] Reading tools

    // Recomputes matches, skew/link marks and the comparison when the data, trace, query or baseline change.
    void refresh_reading(const App& app, const WaterfallInput& in) {
        if (const SearchRequest* r = app.find_slot<SearchRequest>(); r && !took_request_) {
            took_request_ = true;
            std::snprintf(search_, sizeof search_, "%s", r->query.c_str());
        }
        const CompareBaseline* base = app.find_slot<CompareBaseline>();
        const uint64_t base_version = base ? base->version : 0;
        const std::string query(search_);
        if (app.generation() == seen_generation_ && in.trace == seen_trace_ && query == seen_query_ &&
            base_version == seen_baseline_)
            return;
        seen_generation_ = app.generation();
        seen_trace_ = in.trace;
        seen_query_ = query;
        seen_baseline_ = base_version;
        const TraceStore& st = app.store();
        const size_t n = st.spans.size();
        marks_.flags.assign(n, 0);
        marks_.delta_ns.assign(n, SpanMarks::kNoDelta);
        marks_.arrows.clear();
        matches_.clear();
        errors_.clear();
        query_error_.clear();
        if (in.trace < 0) return;
        const auto trace = static_cast<uint32_t>(in.trace);
        auto parsed = parse_span_query(query);
        if (!parsed) {
            query_error_ = parsed.error();
        } else if (!parsed->empty()) {
            matches_ = search_trace(st, app.analysis(), trace, *parsed);
            for (uint32_t i : app.analysis().traces[trace].spans) marks_.flags[i] |= SpanMarks::Dim;
            for (uint32_t m : matches_) marks_.flags[m] = (marks_.flags[m] & ~SpanMarks::Dim) | SpanMarks::Match;
        }
        for (uint32_t i : app.analysis().traces[trace].spans)
            if (st.spans[i].status == StatusCode::Error) errors_.push_back(i);
        const ClockSkewReport& skew = app.clock_skew();
        for (const SkewFinding& f : skew.findings)
            if (f.span < n) marks_.flags[f.span] |= SpanMarks::Skewed;
        const LinkIndex& links = app.links();
        for (const ResolvedLink& l : links.links) {
            if (l.from_span < n) marks_.flags[l.from_span] |= SpanMarks::Linked;
            if (l.target >= 0) marks_.arrows.emplace_back(static_cast<int32_t>(l.from_span), l.target);
        }
        diff_ = base && base->pinned ? diff_with_baseline(app, *base) : TraceDiff{};
        for (const SpanChange& c : diff_.spans) {
            if (c.new_span < 0) continue;
            const auto i = static_cast<size_t>(c.new_span);
            if (c.change == SpanChangeKind::Added) marks_.flags[i] |= SpanMarks::Added;
            if (c.change == SpanChangeKind::Moved) marks_.flags[i] |= SpanMarks::Moved;
            marks_.delta_ns[i] = c.change == SpanChangeKind::Added ? 0 : c.delta_ns();
        }
    }

    // Next/previous search match (or error) after the selection, wrapping; selects it and scrolls to it.
    void step(const App& app, const WaterfallInput& in, bool forward, bool errors) {
        if (in.trace < 0) return;
        const int32_t next = step_match(app.analysis(), static_cast<uint32_t>(in.trace), errors ? errors_ : matches_,
                                        state_.selected_span, forward);
        if (next >= 0) {
            state_.selected_span = next;
            state_.scroll_to_selected = true;
        }
    }

    void draw_reading_bar(const App& app, Actions& actions, const WaterfallInput& in) {
        const float scale = app.fonts().scale;
        if (focus_search_) {
            ImGui::SetKeyboardFocusHere();
            focus_search_ = false;
        }
        // The search box gives up width (down to a minimum) so that the match buttons stay on its line; every
        // control after it moves to the next line when it no longer fits (narrow window, large text).
        const float spacing = ImGui::GetStyle().ItemSpacing.x;
        char count[32] = "";  // "?" for a query that does not parse, else the number of matches
        if (!query_error_.empty())
            std::snprintf(count, sizeof count, "?");
        else if (search_[0])
            std::snprintf(count, sizeof count, "%zu match%s", matches_.size(), matches_.size() == 1 ? "" : "es");
        const float count_w = count[0] ? ImGui::CalcTextSize(count).x + spacing : 0.0f;
        const float nav_w = count_w + button_width("<") + button_width(">") + button_width("Next error") + 3 * spacing;
        const float avail = ImGui::GetContentRegionAvail().x;
        ImGui::SetNextItemWidth(std::min(avail, std::clamp(avail - nav_w, 120 * scale, 220 * scale)));
        const bool enter = ImGui::InputTextWithHint("##search", "Search: name, service=, key=value, duration>50ms",
                                                    search_, sizeof search_, ImGuiInputTextFlags_EnterReturnsTrue);
        probe_item("waterfall:search");
        compat::item_tooltip(
            "Search this trace (F). Words match a service or span name; service=, name=, status=error,\n"
            "kind=client, span=ID, an attribute as key=value, duration>50ms (also <, >=, <=).\n"
            "Enter or N: next match; P: previous; X: next error.");
        if (enter) {
            refresh_reading(app, in);
            step(app, in, true, false);
            pending_select_ = state_.selected_span;
            ImGui::SetKeyboardFocusHere(-1);
        }
        if (!query_error_.empty()) {
            same_line_if_fits(ImGui::CalcTextSize(count).x);
            ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kWarningTextColor), "%s", count);
            compat::item_tooltip(query_error_.c_str());
        } else if (count[0]) {
            same_line_if_fits(ImGui::CalcTextSize(count).x);
            ImGui::TextUnformatted(count);
            probe_item("waterfall:match-count");
        }
        same_line_if_fits(button_width("<"));
        if (ImGui::SmallButton("<")) step_and_select(app, in, false, false);
        compat::item_tooltip("Previous match (P)");
        same_line_if_fits(button_width(">"));
        if (ImGui::SmallButton(">")) step_and_select(app, in, true, false);
        compat::item_tooltip("Next match (N or Enter)");
        same_line_if_fits(button_width("Next error"));
        ImGui::BeginDisabled(errors_.empty());
        if (ImGui::SmallButton("Next error")) step_and_select(app, in, true, true);
        ImGui::EndDisabled();
        probe_item("waterfall:next-error");
        compat::item_tooltip("Select the next span with status error (X)");

        // Compare with a baseline.
        const CompareBaseline* base = app.find_slot<CompareBaseline>();
        const bool pinned = base && base->pinned;
        const char* pin = pinned ? "Re-pin" : "Pin as baseline";
        same_line_if_fits(button_width(pin), 14 * scale);
        if (ImGui::SmallButton(pin)) actions.push(Custom{"pin baseline", [](App& a) { pin_baseline(a); }});
        probe_item("waterfall:pin");
        compat::item_tooltip(
            "Keep what is on screen as the baseline (B); then change the scenario, pick another trace or open\n"
            "another file: each span shows its duration change, and spans added, removed or moved are marked.");
        if (pinned) {
            same_line_if_fits(button_width("Clear"));
            if (ImGui::SmallButton("Clear")) actions.push(Custom{"clear baseline", [](App& a) { clear_baseline(a); }});
            probe_item("waterfall:clear-baseline");
        }

        // Clock skew: only offered when some service's clock disagrees with its caller's.
        if (app.clock_skew().any()) {
            same_line_if_fits(labelled_width(ImGui::GetFrameHeight(), "Adjust for skew"), 14 * scale);
            bool adjust = app.skew_adjusted();
            if (ImGui::Checkbox("Adjust for skew", &adjust))
                actions.push(Custom{"adjust for skew", [adjust](App& a) { a.set_adjust_skew(adjust); }});
            probe_item("waterfall:adjust-skew");
            compat::item_tooltip(
                "Move each service whose clock disagrees with its caller's into the caller, the way Jaeger's\n"
                "clock-skew adjuster does (the network time is assumed to split evenly). Untick for the raw times.");
            if (app.skew_adjusted()) {
                same_line_if_fits(ImGui::CalcTextSize("times adjusted").x);
                ImGui::TextColored(ImVec4(1.0f, 0.6f, 0.16f, 1.0f), "times adjusted");
                probe_item("waterfall:skew-indicator");
            }
        }
        if (pinned) draw_compare_summary(app, *base);
    }

    void step_and_select(const App& app, const WaterfallInput& in, bool forward, bool errors) {
        step(app, in, forward, errors);
        pending_select_ = state_.selected_span;
    }

    // "vs baseline: root +340 ms · 1 added · 1 removed · 1 moved", coloured by the root's change.
    void draw_compare_summary(const App& app, const CompareBaseline& base) {
        (void)app;
        std::string text = "vs " + base.label + ":";
        ImU32 col = ImGui::GetColorU32(ImGuiCol_Text);
        if (diff_.has_roots()) {
            const int64_t d = diff_.root_delta_ns();
            text += " root ";
            text += d > 0 ? "+" : d < 0 ? "-" : "";
            text += format_duration(d < 0 ? -d : d);
            col = d > 0 ? IM_COL32(255, 110, 100, 255) : d < 0 ? IM_COL32(110, 220, 130, 255) : col;
        }
        auto part = [&](uint32_t n, const char* what) {
            if (n) text += "  " + std::to_string(n) + " " + what;
        };
        part(diff_.added, "added");
        part(diff_.removed, "removed");
        part(diff_.moved, "moved");
        if (!diff_.added && !diff_.removed && !diff_.moved) text += "  same spans";
        ImGui::PushStyleColor(ImGuiCol_Text, col);
        ImGui::TextWrapped("%s", text.c_str());
        ImGui::PopStyleColor();
        probe_item("waterfall:compare-summary");
        if (diff_.removed && ImGui::IsItemHovered()) {
            ImGui::BeginTooltip();
            ImGui::TextUnformatted("Removed since the baseline:");
            for (const SpanChange& c : diff_.spans)
                if (c.change == SpanChangeKind::Removed) {
                    const Span& s = base.store.spans[static_cast<size_t>(c.old_span)];
                    ImGui::BulletText("%s  %s  (%s)", std::string(base.store.str(s.service)).c_str(),
                                      std::string(base.store.str(s.name)).c_str(), format_duration(c.old_ns).c_str());
                }
            ImGui::EndTooltip();
        }
    }

    WaterfallViewState state_;
    char search_[256] = {};
    bool focus_search_ = false;
    bool took_request_ = false;
    int32_t pending_select_ = -1;
    std::string query_error_;
    std::vector<uint32_t> matches_, errors_;
    SpanMarks marks_;
    TraceDiff diff_;
    uint64_t seen_generation_ = ~0ULL, seen_baseline_ = ~0ULL;
    int seen_trace_ = -2;
    std::string seen_query_ = "\x01";
    bool replaying_ = false;
    int64_t playback_ns_ = 0;
    float slowdown_ = 10.0f;
};

}  // namespace

std::unique_ptr<Panel> make_waterfall_panel() {
    return std::make_unique<WaterfallPanel>();
}

}  // namespace tl::ui
