// Logs: what each service would write to its log for the current request — start, finish, errors — each
// line stamped with the trace id the service knows about. Next to the waterfall it shows the point of
// tracing: the logs say something happened, the trace id ties the lines together (or fails to).
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include <imgui.h>

#include "ui/app.hpp"
#include "ui/theme.hpp"
#include "ui/widgets/label_probe.hpp"

namespace tl::ui {
namespace {

// One line: the start or the end of an operation. The text is formatted only when the line is drawn.
struct LogLine {
    int64_t t_ns = 0;
    uint32_t op = 0;  // index into Run::ops
    uint32_t service = 0;
    bool end = false;
    bool error = false;
};

class LogPanel final : public Panel {
public:
    const char* name() const override { return "logs"; }
    const char* title() const override { return "Service logs"; }
    Area area() const override { return Area::Bottom; }
    int order() const override { return 10; }

    void draw(const App& app, Actions& actions) override {
        const Run* run = app.run();
        if (!run) {
            ImGui::TextDisabled("Logs come from the simulation; received or imported traces have none.");
            return;
        }
        const Scenario& sc = app.scenario();
        if (cached_generation_ != app.generation()) rebuild(app, *run);
        ImGui::SetNextItemWidth(160 * app.fonts().scale);
        const char* preview = filter_ < 0 || filter_ >= int(sc.services.size())
                                  ? "all services"
                                  : sc.services[size_t(filter_)].name.c_str();
        const int filter_before = filter_;
        if (ImGui::BeginCombo("service", preview)) {
            if (ImGui::Selectable("all services", filter_ < 0)) filter_ = -1;
            for (size_t i = 0; i < sc.services.size(); ++i)
                if (ImGui::Selectable(sc.services[i].name.c_str(), filter_ == int(i))) filter_ = int(i);
            ImGui::EndCombo();
        }
        if (filter_ != filter_before) refilter();
        ImGui::SameLine();
        ImGui::TextDisabled("one request; each line carries the trace id the service had in hand");
        ImGui::BeginChild("##lines", ImVec2(0, 0), false, ImGuiWindowFlags_HorizontalScrollbar);
        if (app.fonts().mono) ImGui::PushFont(app.fonts().mono);
        // The service column is as wide as the longest name in this run, so every line's text starts in one place.
        float name_w = 0.0f;
        for (const uint32_t svc : services_)
            name_w = std::max(name_w, ImGui::CalcTextSize(sc.services[svc].name.c_str()).x);
        const float text_x = ImGui::GetCursorPosX() + name_w + ImGui::CalcTextSize("  ").x;
        // A request can log hundreds of thousands of lines: only the visible ones are drawn.
        ImGuiListClipper clipper;
        clipper.Begin(int(shown_.size()));
        while (clipper.Step()) {
            for (int row = clipper.DisplayStart; row < clipper.DisplayEnd; ++row) {
                const LogLine& l = lines_[shown_[size_t(row)]];
                const std::string& svc = sc.services[l.service].name;
                const std::string text = format_line(app, *run, l);
                ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(service_color(svc)), "%s", svc.c_str());
                if (active_probe()) probe_item("log:service " + std::to_string(row));
                ImGui::SameLine(text_x);
                if (l.error)
                    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kErrorColor), "%s", text.c_str());
                else
                    ImGui::TextUnformatted(text.c_str());
                if (active_probe()) probe_item("log:line " + std::to_string(row));
            }
        }
        if (app.fonts().mono) ImGui::PopFont();
        ImGui::EndChild();
        (void)actions;
    }

private:
    static std::string format_line(const App& app, const Run& run, const LogLine& l) {
        const Operation& op = run.ops[l.op];
        std::string trace = "trace_id=-";
        // A database runs no SDK: its own log knows no trace id, even though its caller's span recorded the query.
        const bool traced_here = app.scenario().services[op.service].role == ServiceRole::Application;
        if (op.span >= 0 && traced_here)
            trace = "trace_id=" + to_hex(run.observed.spans[size_t(op.span)].trace_id).substr(0, 12) + "..";
        const std::string& span_name = app.scenario().services[op.service].span_name;
        char buf[256];
        if (!l.end)
            std::snprintf(buf, sizeof buf, "%8.2f ms  INFO  start %s  %s", double(op.start_ns) / 1e6, span_name.c_str(),
                          trace.c_str());
        else
            std::snprintf(buf, sizeof buf, "%8.2f ms  %s  %s %s after %.2f ms  %s", double(op.end_ns) / 1e6,
                          op.error ? "ERROR" : "INFO ", op.error ? "failed" : "done ", span_name.c_str(),
                          double(op.end_ns - op.start_ns) / 1e6, trace.c_str());
        return buf;
    }

    void rebuild(const App& app, const Run& run) {
        cached_generation_ = app.generation();
        lines_.clear();
        lines_.reserve(run.ops.size() * 2);
        services_.clear();
        for (size_t i = 0; i < run.ops.size(); ++i) {
            const Operation& op = run.ops[i];
            if (std::find(services_.begin(), services_.end(), op.service) == services_.end())
                services_.push_back(op.service);
            lines_.push_back({op.start_ns, uint32_t(i), op.service, false, false});
            lines_.push_back({op.end_ns, uint32_t(i), op.service, true, op.error});
        }
        std::stable_sort(lines_.begin(), lines_.end(),
                         [](const LogLine& a, const LogLine& b) { return a.t_ns < b.t_ns; });
        if (filter_ >= int(app.scenario().services.size())) filter_ = -1;
        refilter();
    }

    void refilter() {
        shown_.clear();
        for (size_t i = 0; i < lines_.size(); ++i)
            if (filter_ < 0 || int(lines_[i].service) == filter_) shown_.push_back(i);
    }

    uint64_t cached_generation_ = ~uint64_t(0);
    std::vector<LogLine> lines_;
    std::vector<size_t> shown_;       // indices into lines_ that pass the service filter
    std::vector<uint32_t> services_;  // every service with a line in this run (sizes the name column)
    int filter_ = -1;
};

}  // namespace

std::unique_ptr<Panel> make_log_panel() {
    return std::make_unique<LogPanel>();
}

}  // namespace tl::ui
