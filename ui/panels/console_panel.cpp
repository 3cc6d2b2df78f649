// Console panel (see console_panel.hpp). Lines are rebuilt only when the simulation changes.
#include "ui/panels/console_panel.hpp"

#include <string>
#include <vector>

#include <imgui.h>

#include "lessons/console.hpp"
#include "ui/app.hpp"
#include "ui/theme.hpp"
#include "ui/widgets/label_probe.hpp"

namespace tl::ui {
namespace {

// Trace-id colours: the request's first trace in a calm blue, split-off traces in warning hues.
constexpr ImU32 kTraceColors[] = {IM_COL32(120, 180, 255, 255), IM_COL32(255, 150, 80, 255),
                                  IM_COL32(230, 110, 200, 255), IM_COL32(120, 220, 160, 255),
                                  IM_COL32(240, 220, 90, 255)};

class ConsolePanel final : public Panel {
public:
    const char* name() const override { return "console"; }
    const char* title() const override { return "Console"; }
    Area area() const override { return Area::Bottom; }
    int order() const override { return 40; }

    void draw(const App& app, Actions& /*actions*/) override {
        const Run* run = app.run();
        if (run == nullptr) {
            ImGui::TextDisabled("The console prints the simulation; a trace file has no program to run.");
            return;
        }
        if (generation_ != app.generation() || lines_.empty()) rebuild(app, *run);
        ImGui::TextDisabled("what the program would print: a line per span start and end, with the trace id in hand");
        ImGui::SameLine();
        ImGui::Text("  %zu trace%s", trace_count_, trace_count_ == 1 ? "" : "s");
        if (trace_count_ > 1) {
            ImGui::SameLine();
            ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kWarningTextColor),
                               "- the trace id changes where propagation broke");
        }
        ImGui::BeginChild("##console-lines", ImVec2(0, 0), true, ImGuiWindowFlags_HorizontalScrollbar);
        if (app.fonts().mono) ImGui::PushFont(app.fonts().mono);
        ImGuiListClipper clip;
        clip.Begin(static_cast<int>(lines_.size()));
        while (clip.Step())
            for (int i = clip.DisplayStart; i < clip.DisplayEnd; ++i) draw_line(lines_[static_cast<size_t>(i)]);
        if (app.fonts().mono) ImGui::PopFont();
        ImGui::EndChild();
        probe_item("Console lines");
    }

private:
    struct Line {
        std::string time, trace, rest;
        ImU32 color = 0;
        ImU32 service_color = 0;
        bool error = false;
    };

    void rebuild(const App& app, const Run& run) {
        generation_ = app.generation();
        lines_.clear();
        std::vector<TraceId> order;  // traces in order of first appearance
        for (const lessons::ConsoleLine& l : lessons::console_lines(run.observed, app.analysis(), &run)) {
            size_t k = 0;
            while (k < order.size() && order[k] != l.trace) ++k;
            if (k == order.size()) order.push_back(l.trace);
            // The rendered text is "<time> ms  trace=<id>  <indent><start|end> …": split it for colouring.
            const size_t id_at = l.text.find("trace=");
            const size_t id_end = l.text.find("  ", id_at);
            Line out;
            out.time = l.text.substr(0, id_at);
            out.trace = l.text.substr(id_at, id_end - id_at);
            out.rest = l.text.substr(id_end);
            out.color = kTraceColors[k % std::size(kTraceColors)];
            const Span& s = run.observed.spans[l.span];
            out.service_color = service_color(run.observed.str(s.service));
            out.error = !l.start && s.status == StatusCode::Error;
            lines_.push_back(std::move(out));
        }
        trace_count_ = order.size();
    }

    static void draw_line(const Line& l) {
        ImGui::TextDisabled("%s", l.time.c_str());
        ImGui::SameLine(0, 0);
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(l.color), "%s", l.trace.c_str());
        ImGui::SameLine(0, 0);
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(l.error ? kErrorColor : IM_COL32(225, 225, 230, 255)), "%s",
                           l.rest.c_str());
    }

    uint64_t generation_ = ~0ull;
    std::vector<Line> lines_;
    size_t trace_count_ = 0;
};

}  // namespace

std::unique_ptr<Panel> make_console_panel() {
    return std::make_unique<ConsolePanel>();
}

}  // namespace tl::ui
