// A latency histogram with a time axis and percentile markers: the "metric" view of live traffic.
// - make_latency_histogram() and stack_labels() are pure (no Dear ImGui), so they are unit-tested.
// - DrawLatencyHistogram() paints bars, the axis (ruler ticks shared with the waterfall) and one vertical line
//   per marker, with a small tag; tags that would overlap go one row down. Hovering a bar names its range and
//   count.
#pragma once

#include <cstdint>
#include <vector>

#include <imgui.h>

namespace tl::ui {

struct LatencyHistogram {
    int64_t hi_ns = 0;  // the buckets cover [0, hi_ns)
    std::vector<uint32_t> counts;
    uint32_t max_count = 0;
};

// Buckets latencies (ms) into `buckets` equal bins from 0 to a little above the largest value.
LatencyHistogram make_latency_histogram(const std::vector<double>& ms, int buckets);

// For labels starting at x[i] with width w[i] (sorted by x), the row each goes on: the first row where it
// keeps `gap` pixels from every label already there.
std::vector<int> stack_labels(const std::vector<float>& x, const std::vector<float>& w, float gap);

struct HistogramMarker {
    const char* tag;  // "p50"
    double ms;
    ImU32 color;
};

void DrawLatencyHistogram(const char* id, const LatencyHistogram& h, const std::vector<HistogramMarker>& markers,
                          ImVec2 size);

}  // namespace tl::ui
