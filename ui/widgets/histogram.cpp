#include "ui/widgets/histogram.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "ui/waterfall/waterfall_layout.hpp"
#include "ui/widgets/text_helpers.hpp"
#include "ui/widgets/timeline.hpp"

namespace tl::ui {

LatencyHistogram make_latency_histogram(const std::vector<double>& ms, int buckets) {
    LatencyHistogram h;
    buckets = std::max(buckets, 1);
    h.counts.assign(size_t(buckets), 0);
    double max_ms = 0;
    for (double v : ms)
        if (std::isfinite(v)) max_ms = std::max(max_ms, v);
    // 5% headroom, so the slowest request is a bar and not the frame's edge; at least 1 ms.
    h.hi_ns = std::max<int64_t>(int64_t(max_ms * 1.05 * 1e6), 1'000'000);
    const double per_bucket_ms = double(h.hi_ns) / 1e6 / buckets;
    for (double v : ms) {
        if (!std::isfinite(v) || v < 0) continue;
        const int i = std::min(buckets - 1, int(v / per_bucket_ms));
        h.max_count = std::max(h.max_count, ++h.counts[size_t(i)]);
    }
    return h;
}

std::vector<int> stack_labels(const std::vector<float>& x, const std::vector<float>& w, float gap) {
    std::vector<int> row(x.size(), 0);
    std::vector<float> row_end;  // right edge of the last label on each row
    for (size_t i = 0; i < x.size(); ++i) {
        size_t r = 0;
        while (r < row_end.size() && x[i] < row_end[r] + gap) ++r;
        if (r == row_end.size()) row_end.push_back(0);
        row_end[r] = x[i] + w[i];
        row[i] = int(r);
    }
    return row;
}

void DrawLatencyHistogram(const char* id, const LatencyHistogram& h, const std::vector<HistogramMarker>& markers,
                          ImVec2 size) {
    const ImVec2 min = ImGui::GetCursorScreenPos();
    ImGui::InvisibleButton(id, size);
    const bool hovered = ImGui::IsItemHovered();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float line_h = ImGui::GetTextLineHeight();
    const ImVec2 plot_min = min;
    const ImVec2 plot_max(min.x + size.x, min.y + size.y - line_h - 2.0f);
    const float w = plot_max.x - plot_min.x, plot_h = plot_max.y - plot_min.y;
    if (w < 10.0f || plot_h < 10.0f || h.counts.empty()) return;
    dl->AddRectFilled(plot_min, plot_max, IM_COL32(22, 24, 29, 255));

    // Axis: the waterfall's ruler ticks over [0, hi], labels under the plot.
    std::vector<RulerTick> ticks;
    ruler_ticks(TimeRange{0, h.hi_ns}, 0, w, 80.0f, ticks);
    DrawTimeGrid(dl, plot_min.x, plot_min.y, plot_max.y, ticks);
    const ImU32 text = ImGui::GetColorU32(ImGuiCol_TextDisabled);
    for (const RulerTick& t : ticks) {
        if (!t.major) continue;
        const float tw = ImGui::CalcTextSize(t.label).x;
        const float x = std::clamp(plot_min.x + t.x - tw * 0.5f, plot_min.x, plot_max.x - tw);
        dl->AddText({x, plot_max.y + 1.0f}, text, t.label);
    }

    // Bars, below the marker tags' first row.
    const float top = plot_min.y + line_h + 2.0f;
    const size_t n = h.counts.size();
    const float bw = w / float(n);
    for (size_t i = 0; i < n; ++i) {
        if (!h.counts[i]) continue;
        const float bh = std::max(1.0f, (plot_max.y - top) * float(h.counts[i]) / float(std::max(h.max_count, 1u)));
        dl->AddRectFilled({plot_min.x + bw * float(i) + 1.0f, plot_max.y - bh},
                          {plot_min.x + bw * float(i + 1) - 1.0f, plot_max.y}, IM_COL32(86, 132, 196, 255));
    }

    // Markers: a line across the plot, a tag at the top (stacked when tags would collide).
    std::vector<HistogramMarker> sorted = markers;
    std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.ms < b.ms; });
    std::vector<float> xs, ws;
    const float pad = 3.0f;
    for (const auto& m : sorted) {
        const float tw = ImGui::CalcTextSize(m.tag).x + 2 * pad;
        const float x = plot_min.x + float(m.ms * 1e6 / double(h.hi_ns)) * w;
        xs.push_back(std::clamp(x + 1.0f, plot_min.x, plot_max.x - tw));
        ws.push_back(tw);
    }
    const std::vector<int> rows = stack_labels(xs, ws, 2.0f);
    for (size_t i = 0; i < sorted.size(); ++i) {
        const float x = std::floor(plot_min.x + float(sorted[i].ms * 1e6 / double(h.hi_ns)) * w) + 0.5f;
        dl->AddLine({x, plot_min.y}, {x, plot_max.y}, sorted[i].color, 2.0f);
        const float y = plot_min.y + float(rows[i]) * (line_h + 1.0f);
        if (y + line_h > plot_max.y) continue;  // no room for another row of tags: the line alone says it
        dl->AddRectFilled({xs[i], y}, {xs[i] + ws[i], y + line_h}, IM_COL32(22, 24, 29, 230), 2.0f);
        dl->AddText({xs[i] + pad, y}, sorted[i].color, sorted[i].tag);
    }

    if (hovered) {
        const float mx = ImGui::GetIO().MousePos.x;
        const size_t i = std::min(n - 1, size_t(std::max(0.0f, (mx - plot_min.x) / bw)));
        const int64_t step = h.hi_ns / int64_t(n);
        ImGui::BeginTooltip();
        ImGui::Text("%s to %s: %u request%s", format_duration(step * int64_t(i)).c_str(),
                    format_duration(step * int64_t(i + 1)).c_str(), h.counts[i], h.counts[i] == 1 ? "" : "s");
        ImGui::EndTooltip();
    }
}

}  // namespace tl::ui
