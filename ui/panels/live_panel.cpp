// Live traffic: play/pause a stream of requests (one re-simulation per request, new seed each time) and a
// histogram of the root's latency with p50/p95/p99 — the metric that says "slow" but not where — beside the
// request log. The view either follows the latest request or stays pinned on the one the learner looks at;
// clicking a request in the log opens its trace (from a metric to a trace).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include <imgui.h>

#include "ui/app.hpp"
#include "ui/imgui_compat.hpp"
#include "ui/panels/file_mode.hpp"
#include "ui/theme.hpp"
#include "ui/widgets/histogram.hpp"
#include "ui/widgets/label_probe.hpp"

namespace tl::ui {
namespace {

constexpr ImU32 kP50Color = IM_COL32(225, 228, 235, 255);

// The p-quantile (nearest rank) of values already sorted.
double percentile(const std::vector<double>& sorted, double p) {
    if (sorted.empty()) return 0.0;
    const size_t i = size_t(std::ceil(p * double(sorted.size()))) - 1;
    return sorted[std::min(i, sorted.size() - 1)];
}

class LivePanel final : public Panel {
public:
    const char* name() const override { return "live"; }
    const char* title() const override { return "Live traffic"; }
    Area area() const override { return Area::Bottom; }
    int order() const override { return 20; }

    void draw(const App& app, Actions& actions) override {
        const LiveTraffic& live = app.view().live;
        if (draw_file_mode_notice(app, actions,
                                  "Live traffic plays simulated requests, so Play needs the simulation on screen."))
            return;
        if (ImGui::Button(live.playing ? "Pause" : "Play", ImVec2(80 * app.fonts().scale, 0)))
            actions.push(SetPlaying{!live.playing});
        probe_item("live:play");
        compat::item_tooltip("Space: play / pause. Each request gets a new seed, so jitter and errors vary.");
        ImGui::SameLine();
        float rate = float(live.requests_per_second);
        ImGui::SetNextItemWidth(160 * app.fonts().scale);
        if (ImGui::SliderFloat("requests/s", &rate, 0.5f, 30.0f, "%.1f")) actions.push(SetLiveRate{double(rate)});
        ImGui::SameLine();
        ImGui::Text("%zu requests seen", live.root_ms.size());
        const size_t errors = size_t(std::count(live.root_error.begin(), live.root_error.end(), true));
        if (errors) {
            ImGui::SameLine();
            ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kErrorColor), "%zu with errors", errors);
        }
        ImGui::SameLine(0, 24 * app.fonts().scale);
        if (ImGui::RadioButton("Follow latest", !live.pinned))
            actions.push(Custom{"live: follow", [](App& a) { a.set_live_pinned(false); }});
        probe_item("live:follow");
        compat::item_tooltip("Each new request replaces the trace on screen.");
        ImGui::SameLine();
        if (ImGui::RadioButton("Pin this request", live.pinned))
            actions.push(Custom{"live: pin", [](App& a) { a.set_live_pinned(true); }});
        probe_item("live:pin");
        compat::item_tooltip("Keep the trace on screen; new requests still feed the histogram.");
        if (live.root_ms.empty()) {
            ImGui::TextDisabled("Press Play to send requests. The histogram shows the latency of each whole request.");
            return;
        }
        std::vector<double> sorted = live.root_ms;  // one sort for the three percentiles
        std::sort(sorted.begin(), sorted.end());
        const double p50 = percentile(sorted, 0.50), p95 = percentile(sorted, 0.95), p99 = percentile(sorted, 0.99);
        const float avail = ImGui::GetContentRegionAvail().x;
        const float log_w = std::min(360.0f * app.fonts().scale, avail * 0.4f);
        const float plot_w = avail - log_w - ImGui::GetStyle().ItemSpacing.x;
        ImGui::BeginGroup();
        // The percentiles in words, each in its marker's colour.
        const std::vector<HistogramMarker> markers = {
            {"p50", p50, kP50Color}, {"p95", p95, kWarningTextColor}, {"p99", p99, kErrorColor}};
        ImGui::TextUnformatted("root latency");
        for (const auto& m : markers) {
            ImGui::SameLine();
            ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(m.color), " %s %.1f ms", m.tag, m.ms);
        }
        probe_item("live:percentiles");
        const int buckets = std::clamp(int(plot_w / (8.0f * app.fonts().scale)), 10, 60);
        DrawLatencyHistogram("##latency", make_latency_histogram(live.root_ms, buckets), markers,
                             ImVec2(plot_w, std::max(48.0f * app.fonts().scale, ImGui::GetContentRegionAvail().y)));
        probe_item("live:histogram");
        ImGui::EndGroup();
        ImGui::SameLine();
        draw_request_log(app, live, log_w, actions);
    }

private:
    // One line per request, newest first; only the visible lines are drawn.
    static void draw_request_log(const App& app, const LiveTraffic& live, float width, Actions& actions) {
        ImGui::BeginChild("##live-log", ImVec2(width, 0), true);
        if (app.fonts().mono) ImGui::PushFont(app.fonts().mono);
        const size_t n = live.root_ms.size();
        const uint64_t first_number = live.requests_sent >= n ? live.requests_sent - n + 1 : 1;
        ImGuiListClipper clipper;
        clipper.Begin(int(n));
        while (clipper.Step()) {
            for (int row = clipper.DisplayStart; row < clipper.DisplayEnd; ++row) {
                const size_t i = n - 1 - size_t(row);
                const bool error = live.root_error[i];
                const ImU32 col = error ? kErrorColor : ImGui::GetColorU32(ImGuiCol_Text);
                ImGui::PushStyleColor(ImGuiCol_Text, col);
                char line[64];
                std::snprintf(line, sizeof line, "#%-5llu %8.1f ms  %s",
                              static_cast<unsigned long long>(first_number + i), live.root_ms[i],
                              error ? "ERROR" : "ok");
                const uint64_t number = first_number + i;
                // A click opens that request's trace: the same seed gives the same request again.
                if (ImGui::Selectable(line, app.seed() == app.live_request_seed(number)))
                    actions.push(Custom{"live: open request", [number](App& a) {
                                            a.set_live_pinned(true);
                                            a.apply(SetSeed{a.live_request_seed(number)});
                                        }});
                if (active_probe()) probe_item("live:request " + std::to_string(number));
                ImGui::PopStyleColor();
            }
        }
        if (app.fonts().mono) ImGui::PopFont();
        ImGui::EndChild();
        probe_item("live:requests");
    }
};

}  // namespace

std::unique_ptr<Panel> make_live_panel() {
    return std::make_unique<LivePanel>();
}

}  // namespace tl::ui
