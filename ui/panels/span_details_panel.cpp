// Span details: everything about the selected span — ids, parent, kind, timing, self time, attributes,
// events, links, status — and the exact trace context its hop carried on the wire (traceparent,
// tracestate, flags decoded bit by bit), or that nothing was sent, and why.
// - Everything wraps inside the column: the header breaks at its field separators, events list their attributes
//   one per line.
// [SECTION] Traceparent lines
// [SECTION] Helpers
// [SECTION] Wire context
// [SECTION] Panel
#include "ui/panels/span_details_panel.hpp"

#include <cinttypes>
#include <cstdio>
#include <string>
#include <utility>

#include <imgui.h>

#include "ui/app.hpp"
#include "ui/compare.hpp"
#include "ui/imgui_compat.hpp"
#include "ui/theme.hpp"
#include "ui/waterfall/waterfall_layout.hpp"
#include "ui/widgets/label_probe.hpp"
#include "ui/widgets/text_helpers.hpp"

namespace tl::ui {

// [SECTION] Traceparent lines

std::vector<std::string> traceparent_lines(std::string_view tp, float avail,
                                           const std::function<float(std::string_view)>& width) {
    std::vector<std::string> lines;
    std::string line;
    size_t pos = 0;
    while (pos < tp.size()) {
        const size_t dash = tp.find('-', pos);
        const size_t end = dash == std::string_view::npos ? tp.size() : dash + 1;
        std::string_view field = tp.substr(pos, end - pos);  // with its trailing "-"
        pos = end;
        if (width(line + std::string(field)) <= avail) {
            line += field;
            continue;
        }
        if (!line.empty()) lines.push_back(std::exchange(line, {}));
        // Too wide even alone: cut it where the line is full (at least one character per line).
        while (field.size() > 1 && width(field) > avail) {
            size_t n = field.size() - 1;
            while (n > 1 && width(field.substr(0, n)) > avail) --n;
            lines.emplace_back(field.substr(0, n));
            field.remove_prefix(n);
        }
        line = field;
    }
    if (!line.empty()) lines.push_back(std::move(line));
    return lines;
}

namespace {

// [SECTION] Helpers

void row(const char* key, const std::string& value, ImFont* mono = nullptr) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextDisabled("%s", key);
    ImGui::TableNextColumn();
    if (mono) ImGui::PushFont(mono);
    ImGui::TextWrapped("%s", value.c_str());
    if (mono) ImGui::PopFont();
}

bool begin_kv_table(const char* id) {
    if (!ImGui::BeginTable(id, 2, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp)) return false;
    ImGui::TableSetupColumn("key", ImGuiTableColumnFlags_WidthFixed);
    ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthStretch);
    return true;
}

// "+160 ms  exception", then its attributes one per line below it, each wrapped inside the column.
void draw_event(const TraceStore& store, const Span& s, const SpanEvent& e, int64_t unit_ns) {
    ImGui::Bullet();
    ImGui::TextWrapped("+%s  %s", format_duration_in(e.time_ns - s.start_ns, unit_ns).c_str(),
                       std::string(store.str(e.name)).c_str());
    probe_item("details:event");
    ImGui::Indent();
    for (const Attribute& a : store.attrs(e.attrs)) {
        ImGui::TextWrapped("%s=%s", std::string(store.str(a.key)).c_str(), store.value_text(a.value).c_str());
        probe_item("details:event " + std::string(store.str(a.key)));
    }
    ImGui::Unindent();
}

// [SECTION] Wire context

void draw_flags(uint8_t flags) {
    ImGui::Text("trace-flags %02x, bit by bit:", flags);
    ImGui::Indent();
    ImGui::Bullet();
    ImGui::TextWrapped("bit 0 sampled = %d: %s", flags & 1,
                       (flags & 1) ? "the caller recorded this trace; the callee should too"
                                   : "the caller did not record it; the callee should not either");
    ImGui::Bullet();
    ImGui::TextWrapped("bit 1 random = %d: %s", (flags >> 1) & 1,
                       (flags & 2) ? "the trace id's right 7 bytes are random (W3C level 2)"
                                   : "no promise that the trace id is random");
    if (flags & 0xFC) {
        ImGui::Bullet();
        ImGui::TextWrapped("bits 2-7 = %02x: reserved, must be ignored", flags & 0xFC);
    }
    ImGui::Unindent();
}

// The header in the mono font, broken at its field separators to fit the column.
void draw_traceparent(const std::string& tp, ImFont* mono) {
    if (mono) ImGui::PushFont(mono);
    const auto width = [](std::string_view t) { return ImGui::CalcTextSize(t.data(), t.data() + t.size()).x; };
    ImGui::BeginGroup();
    for (const std::string& line : traceparent_lines(tp, ImGui::GetContentRegionAvail().x, width))
        ImGui::TextUnformatted(line.c_str());
    ImGui::EndGroup();
    if (mono) ImGui::PopFont();
    probe_item("details:traceparent");
}

void draw_wire_context(const App& app, int32_t span_index) {
    const Span& s = app.store().spans[size_t(span_index)];
    ImFont* mono = app.fonts().mono;
    if (app.showing_file()) {
        ImGui::TextWrapped("This span was received or read from a file: OTLP carries spans, not the headers that went over the wire.");
        return;
    }
    const Run& run = *app.run();
    const Hop* hop = app.hop_into_span(span_index);
    if (!hop) {
        ImGui::TextWrapped(
            "No incoming hop: the request entered the system here, so this service started a new "
            "trace and sent its context onward.");
        return;
    }
    const Scenario& sc = app.scenario();
    const bool outgoing = hop->client_span == span_index;
    const auto svc_name = [&](int32_t op) -> std::string {
        if (op < 0 || op >= int32_t(run.ops.size())) return "?";
        const uint32_t svc = run.ops[size_t(op)].service;
        return svc < sc.services.size() ? sc.services[svc].name : "?";
    };
    ImGui::TextWrapped("%s %s -> %s over %s", outgoing ? "Sent on" : "Received on", svc_name(hop->caller_op).c_str(),
                       svc_name(hop->callee_op).c_str(), to_string(hop->transport));
    ImGui::Text("hop mode: %s", to_string(hop->fault));
    compat::item_tooltip("%s", hop_fault_cause(hop->fault));
    const std::string why = hop->explanation();
    if (hop->header_sent) {
        const std::string tp = hop->traceparent();
        ImGui::TextDisabled("traceparent");
        ImGui::SameLine();
        if (ImGui::SmallButton("Copy##traceparent")) ImGui::SetClipboardText(tp.c_str());
        compat::item_tooltip("Copy the whole header, on one line");
        draw_traceparent(tp, mono);
        if (tp.size() == 55) {
            ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
            ImGui::TextWrapped("version %s | trace-id %s... | parent-id %s (the caller's span)",
                               tp.substr(0, 2).c_str(), tp.substr(3, 8).c_str(), tp.substr(36, 16).c_str());
            ImGui::PopStyleColor();
        }
        const std::string_view ts = run.observed.str(hop->tracestate);
        ImGui::TextDisabled("tracestate");
        if (mono) ImGui::PushFont(mono);
        ImGui::TextWrapped("%s", ts.empty() ? "(none)" : std::string(ts).c_str());
        if (mono) ImGui::PopFont();
        draw_flags(hop->flags);
        if (!hop->extracted && !outgoing) {
            ImGui::PushStyleColor(ImGuiCol_Text, kWarningTextColor);
            ImGui::TextWrapped("Ignored: %s", why.c_str());
            ImGui::PopStyleColor();
        } else if (!outgoing) {
            ImGui::TextWrapped("Extracted: this span continues trace %s.", to_hex(s.trace_id).substr(0, 8).c_str());
            // Carried and read, yet not the request's context (a fresh context, a cleared sampled flag).
            if (!why.empty()) {
                ImGui::PushStyleColor(ImGuiCol_Text, kWarningTextColor);
                ImGui::TextWrapped("%s", why.c_str());
                ImGui::PopStyleColor();
            }
        }
    } else {
        // An in-process call that passed the context in memory needed no header: no warning colour for it.
        const bool needed_none = hop->extracted;
        ImGui::TextDisabled("traceparent");
        if (!needed_none) ImGui::PushStyleColor(ImGuiCol_Text, kWarningTextColor);
        ImGui::TextWrapped("%s", why.empty() ? "Not sent." : why.c_str());
        if (!needed_none) ImGui::PopStyleColor();
        probe_item("details:not-sent");
    }
}

// [SECTION] Panel

class SpanDetailsPanel final : public Panel {
public:
    const char* name() const override { return "details"; }
    const char* title() const override { return "Span details"; }
    Area area() const override { return Area::Right; }
    int order() const override { return 0; }

    void draw(const App& app, Actions& actions) override {
        // Tests check that nothing is wider than the column.
        if (LabelProbe* p = active_probe()) {
            const ImVec2 wp = ImGui::GetWindowPos();
            const ImVec2 lo = ImGui::GetWindowContentRegionMin(), hi = ImGui::GetWindowContentRegionMax();
            p->record("details:column", {wp.x + lo.x, wp.y + lo.y}, {wp.x + hi.x, wp.y + hi.y}, ImGui::GetFrameCount());
        }
        const int32_t si = app.view().selected_span;
        const TraceStore& store = app.store();
        if (si < 0 || si >= int32_t(store.spans.size())) {
            ImGui::TextWrapped(
                "Select a span in the waterfall to see its ids, timing, attributes and the trace "
                "context it received.");
            return;
        }
        const Span& s = store.spans[size_t(si)];
        const Analysis& an = app.analysis();
        const std::string_view svc = store.str(s.service);
        ImGui::PushStyleColor(ImGuiCol_Text, service_color(svc));
        ImGui::TextWrapped("%.*s: %.*s", int(svc.size()), svc.data(), int(store.str(s.name).size()),
                           store.str(s.name).data());
        ImGui::PopStyleColor();
        probe_item("details:title");
        ImFont* mono = app.fonts().mono;

        const int32_t ti = an.trace_of[size_t(si)];
        const TraceInfo& trace = an.traces[size_t(ti)];
        if (begin_kv_table("##ids")) {
            row("trace id", to_hex(s.trace_id), mono);
            row("span id", to_hex(s.span_id), mono);
            std::string parent = "none: this is a root span";
            if (s.parent_span_id.valid()) {
                parent = to_hex(s.parent_span_id);
                const int32_t p = an.parent[size_t(si)];
                parent += p >= 0 ? "  (" + std::string(store.str(store.spans[size_t(p)].name)) + ")"
                                 : "  (never arrived: this span is an orphan)";
            }
            row("parent", parent, mono);
            row("kind", to_string(s.kind));
            row("service", std::string(svc));
            // One unit for every time of the trace (its duration decides), as in the waterfall.
            const int64_t unit = display_unit_ns(trace.duration_ns());
            row("start", "+" + format_duration_in(s.start_ns - trace.start_ns, unit) + " into the trace");
            probe_item("details:start +" + format_duration_in(s.start_ns - trace.start_ns, unit));
            row("duration", format_duration_in(s.duration_ns(), unit));
            row("self time", format_duration_in(an.self_ns[size_t(si)], unit) + " (not covered by children)");
            if (an.critical_ns[size_t(si)] > 0)
                row("critical path", format_duration_in(an.critical_ns[size_t(si)], unit) + " of this span is on it");
            std::string status = to_string(s.status);
            if (!store.str(s.status_message).empty()) status += ": " + std::string(store.str(s.status_message));
            row("status", status);
            if (!store.str(s.scope).empty()) row("scope", std::string(store.str(s.scope)));
            if (!store.str(s.trace_state).empty()) row("tracestate", std::string(store.str(s.trace_state)), mono);
            ImGui::EndTable();
        }
        if (s.parent_span_id.valid() && an.parent[size_t(si)] >= 0) {
            if (ImGui::SmallButton("Select parent")) actions.push(SelectSpan{an.parent[size_t(si)]});
            probe_item("details:select-parent");
        }
        draw_skew(app, si);
        draw_compare(app, si);
        draw_links(app, actions, si, mono);

        compat::separator_text("Trace context on the wire");
        draw_wire_context(app, si);

        compat::separator_text("Attributes");
        const auto attrs = store.attrs(s.attrs);
        if (attrs.empty()) ImGui::TextDisabled("(none)");
        if (!attrs.empty() && begin_kv_table("##attrs")) {
            for (const Attribute& a : attrs) row(std::string(store.str(a.key)).c_str(), store.value_text(a.value));
            ImGui::EndTable();
        }
        const auto events = store.events_of(s);
        if (!events.empty()) {
            compat::separator_text("Events");
            for (const SpanEvent& e : events) draw_event(store, s, e, display_unit_ns(trace.duration_ns()));
        }
    }

private:
    // "payments' clock looks 45 ms ahead": this span (or the span its service's shift comes from) was found
    // off its caller's clock.
    static void draw_skew(const App& app, int32_t si) {
        const ClockSkewReport& skew = app.clock_skew();
        if (size_t(si) >= skew.finding_of.size() || skew.finding_of[size_t(si)] < 0) return;
        const SkewFinding& f = skew.findings[size_t(skew.finding_of[size_t(si)])];
        const int64_t off = f.offset_ns < 0 ? -f.offset_ns : f.offset_ns;
        ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1.0f, 0.6f, 0.16f, 1.0f));
        ImGui::TextWrapped("%s looks %s %s: %s", clock_of(app.store().str(f.service)).c_str(),
                           format_duration(off).c_str(), f.offset_ns > 0 ? "ahead" : "behind",
                           f.span == uint32_t(si) ? "this span does not fit inside its caller's."
                                                  : "a span above this one did not fit inside its caller's.");
        ImGui::PopStyleColor();
        probe_item("details:skew");
        ImGui::TextDisabled(app.skew_adjusted() ? "Shown moved by %s (Adjust for skew is on)."
                                                : "Raw times shown; Adjust for skew would move it by %s.",
                            format_duration(off).c_str());
    }

    // The span's change against the pinned baseline (the comparison is redone only when either side changes).
    void draw_compare(const App& app, int32_t si) {
        const CompareBaseline* base = app.find_slot<CompareBaseline>();
        if (!base || !base->pinned) return;
        const int32_t trace = app.current_trace();
        if (diff_generation_ != app.generation() || diff_baseline_ != base->version || diff_trace_ != trace) {
            diff_ = diff_with_baseline(app, *base);
            diff_generation_ = app.generation();
            diff_baseline_ = base->version;
            diff_trace_ = trace;
        }
        const TraceDiff& d = diff_;
        if (size_t(si) >= d.change_of_new.size() || d.change_of_new[size_t(si)] < 0) return;
        const SpanChange& c = d.spans[size_t(d.change_of_new[size_t(si)])];
        std::string text = "vs baseline: ";
        if (c.change == SpanChangeKind::Added) {
            text += "new, not in the baseline";
        } else {
            const int64_t delta = c.delta_ns();
            text += format_duration(c.old_ns) + " -> " + format_duration(c.new_ns) + " (" +
                    (delta > 0   ? "+"
                     : delta < 0 ? "-"
                                 : "") +
                    format_duration(delta < 0 ? -delta : delta) + ")";
            if (c.change == SpanChangeKind::Moved) text += "; moved: its place in the trees changed";
        }
        ImGui::TextWrapped("%s", text.c_str());
        probe_item("details:compare");
    }

    // Links with their attributes; a button follows each one to the span it names (in any trace).
    static void draw_links(const App& app, Actions& actions, int32_t si, ImFont* mono) {
        const TraceStore& store = app.store();
        const LinkIndex& li = app.links();
        const bool resolved = size_t(si) < li.count.size();
        const auto links = store.links_of(store.spans[size_t(si)]);
        const uint32_t incoming = resolved ? li.incoming[size_t(si)] : 0;
        if (links.empty() && incoming == 0) return;
        compat::separator_text("Links");
        for (size_t k = 0; k < links.size(); ++k) {
            const SpanLink& l = links[k];
            const ResolvedLink* r =
                resolved && k < li.count[size_t(si)] ? &li.links[li.begin[size_t(si)] + k] : nullptr;
            ImGui::PushID(int(k));
            ImGui::Bullet();
            if (mono) ImGui::PushFont(mono);
            ImGui::TextWrapped("trace %s span %s", to_hex(l.trace_id).c_str(), to_hex(l.span_id).c_str());
            if (mono) ImGui::PopFont();
            ImGui::Indent();
            if (r && r->target >= 0) {
                const Span& t = store.spans[size_t(r->target)];
                const bool other = r->target_trace != app.analysis().trace_of[size_t(si)];
                const std::string label = "Go to " + std::string(store.str(t.name)) + " (" +
                                          std::string(store.str(t.service)) + ")" + (other ? " in its trace" : "");
                if (ImGui::SmallButton(label.c_str())) actions.push(SelectSpan{r->target, true});
                probe_item("details:follow-link");
            } else {
                ImGui::TextDisabled("the linked span is not among the shown traces");
            }
            for (const Attribute& a : store.attrs(l.attrs))
                ImGui::TextWrapped("%s=%s", std::string(store.str(a.key)).c_str(), store.value_text(a.value).c_str());
            ImGui::Unindent();
            ImGui::PopID();
        }
        if (incoming > 0) {
            ImGui::TextDisabled("%u link%s from other spans point here", incoming, incoming == 1 ? "" : "s");
            for (const ResolvedLink& r : li.links)
                if (r.target == si) {
                    ImGui::PushID(int(r.link) + 100000);
                    const Span& from = store.spans[r.from_span];
                    const std::string label =
                        "From " + std::string(store.str(from.name)) + " (" + std::string(store.str(from.service)) + ")";
                    if (ImGui::SmallButton(label.c_str())) actions.push(SelectSpan{int32_t(r.from_span), true});
                    probe_item("details:link-source");
                    ImGui::PopID();
                }
        }
    }

    TraceDiff diff_;
    uint64_t diff_generation_ = ~0ULL, diff_baseline_ = ~0ULL;
    int32_t diff_trace_ = -2;
};

}  // namespace

std::unique_ptr<Panel> make_span_details_panel() {
    return std::make_unique<SpanDetailsPanel>();
}

}  // namespace tl::ui
