// Code panel (see code_panel.hpp).
// [SECTION] Tokens: syntax colouring
// [SECTION] Panel: toolbar, run commands, the code, alternatives popup
// [SECTION] Export as program dialog
#include "ui/panels/code_panel.hpp"

#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include <imgui.h>
#include <imgui_stdlib.h>

#include "ui/app.hpp"
#include "ui/imgui_compat.hpp"
#include "ui/panels/panel.hpp"
#include "ui/theme.hpp"
#include "ui/widgets/label_probe.hpp"

namespace tl::ui {

// [SECTION] Tokens

namespace {
bool ident_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$';
}

bool is_keyword(std::string_view w, codegen::Language lang) {
    static constexpr const char* kJs[] = {"const", "let",    "async", "await", "function", "return", "new",
                                          "for",   "if",     "of",    "throw", "true",     "false",  "null",
                                          "while", "catch",  "else",  "try",   "finally",  "typeof"};
    static constexpr const char* kGo[] = {"func",  "return", "if",     "for",   "range",   "go",  "defer",
                                          "package", "import", "var",  "type",  "const",   "struct", "map",
                                          "true",  "false",  "nil",    "else",  "iota",    "interface"};
    if (lang == codegen::Language::JavaScript) {
        for (const char* k : kJs)
            if (w == k) return true;
    } else {
        for (const char* k : kGo)
            if (w == k) return true;
    }
    return false;
}
}  // namespace

std::vector<CodeToken> tokenize_code_line(const std::string& line, codegen::Language lang) {
    std::vector<CodeToken> out;
    const size_t n = line.size();
    size_t i = 0;
    auto push = [&](size_t b, size_t e, CodeToken::Kind k) {
        if (e <= b) return;
        if (!out.empty() && out.back().kind == k && out.back().end == b) {
            out.back().end = e;
            return;
        }
        out.push_back(CodeToken{b, e, k});
    };
    while (i < n) {
        const char c = line[i];
        if (c == '/' && i + 1 < n && line[i + 1] == '/') {
            push(i, n, CodeToken::Kind::Comment);
            break;
        }
        if (c == '"' || c == '\'' || c == '`') {
            size_t j = i + 1;
            while (j < n && line[j] != c) j += line[j] == '\\' ? 2 : 1;
            j = std::min(n, j + 1);
            push(i, j, CodeToken::Kind::String);
            i = j;
            continue;
        }
        if (c >= '0' && c <= '9') {
            size_t j = i;
            while (j < n && (ident_char(line[j]) || line[j] == '.')) ++j;
            push(i, j, CodeToken::Kind::Number);
            i = j;
            continue;
        }
        if (ident_char(c)) {
            size_t j = i;
            while (j < n && ident_char(line[j])) ++j;
            const std::string_view w(line.data() + i, j - i);
            CodeToken::Kind k = CodeToken::Kind::Plain;
            if (is_keyword(w, lang))
                k = CodeToken::Kind::Keyword;
            else if (j < n && line[j] == '(')
                k = CodeToken::Kind::Call;
            push(i, j, k);
            i = j;
            continue;
        }
        push(i, i + 1, CodeToken::Kind::Plain);
        ++i;
    }
    return out;
}

// [SECTION] Panel

namespace {

constexpr ImU32 kTokenColors[] = {
    IM_COL32(220, 222, 228, 255),  // plain
    IM_COL32(200, 150, 240, 255),  // keyword
    IM_COL32(150, 210, 130, 255),  // string
    IM_COL32(240, 170, 110, 255),  // number
    IM_COL32(130, 140, 155, 255),  // comment
    IM_COL32(110, 180, 250, 255),  // call
};
constexpr ImU32 kMarkedBg = IM_COL32(240, 180, 60, 48);
constexpr ImU32 kHoverBg = IM_COL32(255, 255, 255, 22);

class CodePanel final : public Panel {
public:
    const char* name() const override { return "code"; }
    const char* title() const override { return "Code"; }
    // Beside the waterfall: code needs width and height, and the trace list above still shows the split.
    Area area() const override { return Area::Centre; }
    int order() const override { return 50; }

    void update(const App& app, Actions& actions) override {
        if (app.has_scenario() && !app.showing_file()) follow_selection(app);
        draw_export_dialog(app, actions);
    }

    void draw(const App& app, Actions& actions) override {
        if (!app.has_scenario() || app.showing_file()) {
            ImGui::TextDisabled("The code view shows the program behind a scenario; received or imported traces have none.");
            return;
        }
        refresh(app);
        const Scenario& sc = app.scenario();
        toolbar(app, sc);
        const codegen::Program& p = program();
        run_line(p);
        code(app, sc, p, actions);
        alternatives_popup(app, sc, actions);
    }

private:
    const codegen::Program& program() const { return lang_ == codegen::Language::Go ? go_ : js_; }

    void refresh(const App& app) {
        if (generation_ == app.generation() && !js_.files.empty()) return;
        generation_ = app.generation();
        js_ = codegen::generate_program(app.scenario(), codegen::Language::JavaScript);
        go_ = codegen::generate_program(app.scenario(), codegen::Language::Go);
        if (service_ >= static_cast<int>(app.scenario().services.size())) service_ = -1;
    }

    // A span the learner picked (a click on the waterfall, a lesson's "show me") picks the service whose code is
    // shown; the app's own default selection (the root span) does not, so a fault's line is what shows first.
    void follow_selection(const App& app) {
        bool picked = false;
        for (const Action& a : app.last_applied()) {
            if (const auto* sel = std::get_if<SelectSpan>(&a)) picked = picked || sel->clicked;
            picked = picked || std::holds_alternative<SelectSpanNamed>(a);
            // Another scenario (a lesson step's set-up, the Scenario menu): show where its code changed first.
            if (std::holds_alternative<LoadScenario>(a) || std::holds_alternative<ReplaceScenario>(a)) {
                service_ = -1;
                whole_ = false;
            }
        }
        if (!picked) return;
        const int32_t sel = app.view().selected_span;
        const TraceStore& st = app.store();
        if (sel < 0 || static_cast<size_t>(sel) >= st.spans.size()) return;
        const Span& span = st.spans[static_cast<size_t>(sel)];
        const Scenario& sc = app.scenario();
        const std::string_view name = st.str(span.name);
        const std::string_view service = st.str(span.service);
        int pick = -1;
        for (size_t i = 0; i < sc.services.size() && pick < 0; ++i)
            if (sc.services[i].span_name == name && sc.services[i].name == service) pick = static_cast<int>(i);
        if (pick < 0) pick = sc.find_service(service);
        if (pick >= 0) {
            service_ = pick;
            whole_ = false;
        }
    }

    int shown_service(const Scenario& sc) const {
        if (service_ >= 0) return service_;
        // Nothing chosen: the first service whose code differs from the healthy program, else the entry.
        const codegen::CodeFile* f = program().main_file();
        if (f)
            for (const codegen::CodeLine& l : f->lines)
                if (l.differs && l.service >= 0) return l.service;
        return std::max(0, sc.entry_index());
    }

    void toolbar(const App& app, const Scenario& sc) {
        const int shown = shown_service(sc);
        if (ImGui::RadioButton("Go", lang_ == codegen::Language::Go)) lang_ = codegen::Language::Go;
        probe_item("code:go");
        ImGui::SameLine();
        if (ImGui::RadioButton("JavaScript", lang_ == codegen::Language::JavaScript))
            lang_ = codegen::Language::JavaScript;
        probe_item("code:js");
        ImGui::SameLine();
        ImGui::SetNextItemWidth(170 * app.fonts().scale);
        const std::string preview = whole_ ? std::string("whole program") : sc.services[size_t(shown)].name;
        if (ImGui::BeginCombo("##code-service", preview.c_str())) {
            if (ImGui::Selectable("whole program", whole_)) whole_ = true;
            for (size_t i = 0; i < sc.services.size(); ++i) {
                if (ImGui::Selectable(sc.services[i].name.c_str(), !whole_ && int(i) == shown)) {
                    service_ = static_cast<int>(i);
                    whole_ = false;
                }
            }
            ImGui::EndCombo();
        }
        probe_item("code:service");
        same_line_if_fits("Copy");
        if (ImGui::Button("Copy")) ImGui::SetClipboardText(shown_text(sc).c_str());
        probe_item("code:copy");
        compat::item_tooltip("Copy the code shown to the clipboard.");
        same_line_if_fits("Export as program...");
        if (ImGui::Button("Export as program...")) request_export_ = true;
        probe_item("code:export");
    }

    // Keeps the next button on this row when it fits, else starts a new row (narrow windows).
    static void same_line_if_fits(const char* label) {
        const ImGuiStyle& st = ImGui::GetStyle();
        const float w = ImGui::CalcTextSize(label).x + 2 * st.FramePadding.x + st.ItemSpacing.x;
        const float right = ImGui::GetItemRectMax().x + w;
        const float edge = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
        if (right <= edge) ImGui::SameLine();
    }

    std::vector<const codegen::CodeLine*> shown_lines(const Scenario& sc) const {
        const codegen::Program& p = program();
        if (whole_) {
            std::vector<const codegen::CodeLine*> all;
            if (const codegen::CodeFile* f = p.main_file())
                for (const codegen::CodeLine& l : f->lines) all.push_back(&l);
            return all;
        }
        return codegen::service_code(p, shown_service(sc));
    }

    std::string shown_text(const Scenario& sc) const {
        std::string out;
        for (const codegen::CodeLine* l : shown_lines(sc)) out += l->text + "\n";
        return out;
    }

    // "Run this for real": the two commands, after exporting the program; and how to change a line.
    static void run_line(const codegen::Program& p) {
        const size_t nl = p.run_commands.find('\n');
        // The first line without its comment (after two spaces).
        const std::string receive = p.run_commands.substr(0, std::min(nl, p.run_commands.find("  ")));
        const std::string run = p.run_commands.substr(nl + 1);
        ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
        ImGui::TextWrapped(
            "Run this for real: Export as program, then run `%s` in one terminal and `%s` in the program's folder. "
            "Lines marked > can be changed: click one.",
            receive.c_str(), run.c_str());
        ImGui::PopStyleColor();
        probe_item("code:run");
    }

    void code(const App& app, const Scenario& sc, const codegen::Program& p, Actions& /*actions*/) {
        const codegen::CodeFile* file = p.main_file();
        ImGui::BeginChild("##code-lines", ImVec2(0, 0), true, ImGuiWindowFlags_HorizontalScrollbar);
        if (app.fonts().mono) ImGui::PushFont(app.fonts().mono);
        const std::vector<const codegen::CodeLine*> lines = shown_lines(sc);
        // A new program, service or language: bring its first marked line into view.
        const uint64_t shown_key = generation_ * 1000003u + static_cast<uint64_t>(shown_service(sc) + 2) * 7u +
                                   (whole_ ? 3u : 0u) + (lang_ == codegen::Language::Go ? 1u : 0u);
        if (shown_key != scrolled_for_) {
            scrolled_for_ = shown_key;
            scroll_to_mark_ = true;
        }
        // Rows: each line, and below a marked line its why.
        struct Row {
            const codegen::CodeLine* line;
            bool why;
        };
        std::vector<Row> rows;
        rows.reserve(lines.size() + 4);
        for (const codegen::CodeLine* l : lines) {
            rows.push_back({l, false});
            if (l->differs && !l->why.empty()) rows.push_back({l, true});
        }
        const float char_w = ImGui::CalcTextSize("M").x;
        const float row_h = ImGui::GetTextLineHeight();
        const float gutter = char_w * 6.0f;
        ImDrawList* dl = ImGui::GetWindowDrawList();
        // A service's code is a few dozen rows and the whole program a few hundred: every row is laid out, and
        // the why below a marked line wraps to the visible width.
        const float visible_w = ImGui::GetContentRegionAvail().x;
        for (size_t r = 0; r < rows.size(); ++r) {
            const Row& row = rows[r];
            const codegen::CodeLine& l = *row.line;
            const ImVec2 pos = ImGui::GetCursorScreenPos();
            if (row.why) {
                const size_t first = l.text.find_first_not_of(" \t");
                const float indent = gutter + char_w * static_cast<float>(first == std::string::npos ? 0 : first);
                const std::string why = "^ " + l.why;
                const float wrap = std::max(char_w * 20.0f, visible_w - indent);
                const ImVec2 size = ImGui::CalcTextSize(why.c_str(), nullptr, false, wrap);
                dl->AddRectFilled(pos, ImVec2(pos.x + visible_w, pos.y + size.y), kMarkedBg);
                dl->AddText(nullptr, 0.0f, ImVec2(pos.x + indent, pos.y), kWarningTextColor, why.c_str(), nullptr,
                            wrap);
                ImGui::Dummy(ImVec2(visible_w, size.y));
                continue;
            }
            const float width = std::max(visible_w, gutter + ImGui::CalcTextSize(l.text.c_str()).x + char_w * 8);
            const bool clickable = l.hop.valid() || (l.instrumentation && l.service >= 0);
            ImGui::PushID(static_cast<int>(r));
            bool hovered = false;
            if (clickable) {
                if (ImGui::InvisibleButton("##line", ImVec2(width, row_h))) {
                    popup_line_ = l;
                    open_popup_ = true;
                }
                hovered = ImGui::IsItemHovered();
                if (l.hop.valid() && l.differs) probe_item("code:marked");
                const size_t first = l.text.find_first_not_of(" \t");
                probe_item("code:line:" + l.text.substr(first == std::string::npos ? 0 : first));
            } else {
                ImGui::Dummy(ImVec2(width, row_h));
            }
            ImGui::PopID();
            if (l.differs && scroll_to_mark_) {
                ImGui::SetScrollHereY(0.35f);
                scroll_to_mark_ = false;
            }
            if (l.differs) dl->AddRectFilled(pos, ImVec2(pos.x + width, pos.y + row_h), kMarkedBg);
            if (hovered) dl->AddRectFilled(pos, ImVec2(pos.x + width, pos.y + row_h), kHoverBg);
            // Gutter: the line number in the file, and > on a line that can be changed.
            char num[16];
            std::snprintf(num, sizeof num, "%4d", file ? static_cast<int>(&l - file->lines.data()) + 1 : 0);
            dl->AddText(pos, IM_COL32(110, 115, 125, 255), num);
            if (clickable)
                dl->AddText(ImVec2(pos.x + char_w * 4.6f, pos.y),
                            l.differs ? kWarningTextColor : IM_COL32(140, 150, 170, 255), ">");
            draw_tokens(dl, ImVec2(pos.x + gutter, pos.y), l.text);
        }
        if (app.fonts().mono) ImGui::PopFont();
        ImGui::EndChild();
        probe_item("code:lines");
        // Opened here, at the panel's level, where alternatives_popup() draws it (same ID stack).
        if (open_popup_) {
            open_popup_ = false;
            ImGui::OpenPopup("##code-alternatives");
        }
    }

    void draw_tokens(ImDrawList* dl, ImVec2 at, const std::string& text) const {
        // Tabs (Go) are drawn as four columns.
        std::string expanded;
        expanded.reserve(text.size() + 8);
        for (char c : text) {
            if (c == '\t')
                expanded += "    ";
            else
                expanded += c;
        }
        // Each run starts where the text before it ends (exact, whatever the font's advances).
        for (const CodeToken& t : tokenize_code_line(expanded, lang_)) {
            const float x = ImGui::CalcTextSize(expanded.data(), expanded.data() + t.begin).x;
            dl->AddText(ImVec2(at.x + x, at.y), kTokenColors[static_cast<size_t>(t.kind)], expanded.data() + t.begin,
                        expanded.data() + t.end);
        }
    }

    void alternatives_popup(const App& /*app*/, const Scenario& sc, Actions& actions) {
        if (!popup_line_ || !ImGui::BeginPopup("##code-alternatives")) return;
        const codegen::CodeLine& l = *popup_line_;
        if (l.hop.valid() && size_t(l.hop.caller) < sc.services.size() &&
            size_t(l.hop.call) < sc.services[size_t(l.hop.caller)].calls.size()) {
            const Service& from = sc.services[size_t(l.hop.caller)];
            const Call& call = from.calls[size_t(l.hop.call)];
            ImGui::TextDisabled("%s -> %s (%s): what this hop's code does", from.name.c_str(), call.to.c_str(),
                                to_string(call.transport));
            for (HopFault f : codegen::applicable_faults(call.transport)) {
                const std::string code = codegen::hop_line(sc, lang_, l.hop, f, l.service != l.hop.caller);
                const std::string label = std::string(to_string(f)) + "   " + code;
                if (ImGui::Selectable(label.c_str(), call.fault == f)) {
                    actions.push(SetHopFault{from.name, call.to, f});
                    popup_line_.reset();
                }
                probe_item(std::string("code:alt:") + to_string(f));
                compat::item_tooltip("%s", hop_fault_cause(f));
            }
        } else if (l.service >= 0 && size_t(l.service) < sc.services.size()) {
            const Service& s = sc.services[size_t(l.service)];
            ImGui::TextDisabled("%s: set up the OpenTelemetry SDK or not", s.name.c_str());
            if (ImGui::Selectable("instrumented   (an SDK with its own TracerProvider: spans, propagation)",
                                  s.instrumented)) {
                actions.push(SetInstrumented{s.name, true});
                popup_line_.reset();
            }
            probe_item("code:alt:instrumented");
            if (ImGui::Selectable("not instrumented   (no SDK: no spans, no context passed on)", !s.instrumented)) {
                actions.push(SetInstrumented{s.name, false});
                popup_line_.reset();
            }
            probe_item("code:alt:uninstrumented");
        }
        ImGui::EndPopup();
    }

    // [SECTION] Export as program dialog

    void draw_export_dialog(const App& app, Actions& actions) {
        if (const auto* req = app.find_slot<ProgramExportRequest>(); req && req->count != export_seen_) {
            export_seen_ = req->count;
            request_export_ = true;
        }
        if (request_export_) {
            request_export_ = false;
            if (app.has_scenario() && !app.showing_file()) {
                export_path_ = "tracelab-" + app.scenario().id + "-" + codegen::to_string(export_lang_);
                ImGui::OpenPopup("Export as program");
            }
        }
        ImGui::SetNextWindowSize(ImVec2(560 * app.fonts().scale, 0), ImGuiCond_Appearing);
        if (!ImGui::BeginPopupModal("Export as program", nullptr)) return;
        ImGui::TextWrapped(
            "Writes the scenario, with its edits, as a program traced with OpenTelemetry: one HTTP server per "
            "service on loopback, each with its own service.name. JavaScript runs as it is; Go is source to run "
            "where Go modules can be fetched.");
        if (ImGui::RadioButton("JavaScript (package.json + main.js)", export_lang_ == codegen::Language::JavaScript))
            export_lang_ = codegen::Language::JavaScript;
        ImGui::SameLine();
        if (ImGui::RadioButton("Go (go.mod + main.go)", export_lang_ == codegen::Language::Go))
            export_lang_ = codegen::Language::Go;
        ImGui::InputText("Folder##program", &export_path_);
        probe_item("program:path");
        const codegen::Program preview = codegen::generate_program(app.scenario(), export_lang_);
        ImGui::TextDisabled("Then, in that folder:");
        if (app.fonts().mono) ImGui::PushFont(app.fonts().mono);
        ImGui::TextUnformatted(preview.run_commands.c_str());
        if (app.fonts().mono) ImGui::PopFont();
        if (ImGui::Button("Export") && !export_path_.empty()) {
            const std::string dir = export_path_;
            const codegen::Language lang = export_lang_;
            actions.push(Custom{"export program", [dir, lang](App& a) {
                                    const codegen::Program p = codegen::generate_program(a.scenario(), lang);
                                    const std::string err = codegen::write_program(p, dir);
                                    if (err.empty())
                                        a.add_banner(BannerLevel::Info, "Wrote the program to " + dir + "; run it: " +
                                                                            p.run_commands.substr(
                                                                                p.run_commands.find('\n') + 1));
                                    else
                                        a.add_banner(BannerLevel::Error, "Export as program failed: " + err);
                                }});
            ImGui::CloseCurrentPopup();
        }
        probe_item("program:ok");
        ImGui::SameLine();
        if (ImGui::Button("Cancel") || compat::key_pressed(ImGuiKey_Escape, false)) ImGui::CloseCurrentPopup();
        ImGui::EndPopup();
    }

    codegen::Language lang_ = codegen::Language::Go;
    codegen::Program js_, go_;
    uint64_t generation_ = ~0ull;
    int service_ = -1;  // -1: not chosen yet
    bool whole_ = false;
    uint64_t scrolled_for_ = 0;
    bool scroll_to_mark_ = false;
    std::optional<codegen::CodeLine> popup_line_;  // a copy: the program is regenerated after every edit
    bool open_popup_ = false;
    bool request_export_ = false;
    uint64_t export_seen_ = 0;
    codegen::Language export_lang_ = codegen::Language::JavaScript;
    std::string export_path_;
};

}  // namespace

std::unique_ptr<Panel> make_code_panel() {
    return std::make_unique<CodePanel>();
}

}  // namespace tl::ui
