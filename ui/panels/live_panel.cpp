// Live traffic: play/pause a stream of requests (one re-simulation per request, new seed each time) and a
// histogram of the root's latency with p50/p95/p99 — the metric that says "slow" but not where.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <imgui.h>

#include "ui/app.hpp"
#include "ui/imgui_compat.hpp"
#include "ui/theme.hpp"
#include "ui/widgets/label_probe.hpp"

namespace tl::ui {
namespace {

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0.0;
    std::sort(v.begin(), v.end());
    const size_t i = size_t(std::ceil(p * double(v.size()))) - 1;
    return v[std::min(i, v.size() - 1)];
}

class LivePanel final : public Panel {
public:
    const char* name() const override { return "live"; }
    const char* title() const override { return "Live traffic"; }
    Area area() const override { return Area::Bottom; }
    int order() const override { return 20; }

    void draw(const App& app, Actions& actions) override {
        const LiveTraffic& live = app.view().live;
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
        if (live.root_ms.empty()) {
            ImGui::TextDisabled("Press Play to send requests. The histogram shows the latency of each whole request.");
            return;
        }
        const double p50 = percentile(live.root_ms, 0.50), p95 = percentile(live.root_ms, 0.95),
                     p99 = percentile(live.root_ms, 0.99);
        ImGui::Text("root latency  p50 %.1f ms   p95 %.1f ms   p99 %.1f ms", p50, p95, p99);
        // Histogram over 30 buckets from 0 to the max.
        const double hi = *std::max_element(live.root_ms.begin(), live.root_ms.end()) * 1.05 + 1e-9;
        float buckets[30] = {};
        for (double v : live.root_ms) buckets[std::min(29, int(v / hi * 30.0))] += 1.0f;
        const std::string overlay = "0 .. " + std::to_string(int(hi)) + " ms";
        ImGui::PlotHistogram("##latency", buckets, 30, 0, overlay.c_str(), 0.0f, FLT_MAX,
                             ImVec2(-FLT_MIN, std::max(40.0f, ImGui::GetContentRegionAvail().y)));
        probe_item("live:histogram");
    }
};

}  // namespace

std::unique_ptr<Panel> make_live_panel() {
    return std::make_unique<LivePanel>();
}

}  // namespace tl::ui
