// The live-traffic histogram's pure parts: bucketing and the stacking of marker tags.
#include <doctest/doctest.h>

#include <cmath>
#include <numeric>

#include "ui/widgets/histogram.hpp"

using namespace tl::ui;

TEST_CASE("histogram: every finite, non-negative latency lands in exactly one bucket") {
    const std::vector<double> ms = {0.0, 1.0, 10.0, 99.0, 100.0, 100.0, 50.0, -3.0, std::nan(""), INFINITY};
    const auto h = make_latency_histogram(ms, 10);
    REQUIRE(h.counts.size() == 10);
    CHECK(std::accumulate(h.counts.begin(), h.counts.end(), 0u) == 7u);
    CHECK(h.hi_ns == 105'000'000);  // 5% above the largest value
    CHECK(h.counts[0] == 3);        // 0, 1 and 10 ms are under 10.5 ms
    CHECK(h.counts[9] == 3);        // 99 and both 100 ms in the last bucket, none past it
    CHECK(h.counts[4] == 1);        // 50 ms in [42, 52.5)
    CHECK(h.max_count == 3);
}

TEST_CASE("histogram: no data or zero latencies still give a usable range") {
    const auto empty = make_latency_histogram({}, 0);
    CHECK(empty.counts.size() == 1);
    CHECK(empty.hi_ns == 1'000'000);
    CHECK(empty.max_count == 0);
    const auto zeros = make_latency_histogram({0.0, 0.0}, 4);
    CHECK(zeros.counts[0] == 2);
}

TEST_CASE("histogram: marker tags that would collide go to the next free row") {
    // p50 far left; p95 and p99 close together: p99 moves down a row, a fourth tag clear of them goes back up.
    const auto rows = stack_labels({10, 200, 215, 300}, {30, 30, 30, 30}, 2.0f);
    CHECK(rows == std::vector<int>{0, 0, 1, 0});
    // Three on top of each other take three rows.
    CHECK(stack_labels({5, 5, 5}, {20, 20, 20}, 0.0f) == std::vector<int>{0, 1, 2});
    CHECK(stack_labels({}, {}, 1.0f).empty());
}
