// Trace statistics on hand-made traces whose per-operation numbers are worked out by hand.
#include <doctest/doctest.h>

#include "sim/trace/statistics.hpp"
#include "tests/support/span_builder.hpp"

using namespace tl;
using tl::test::add_span;

namespace {
constexpr int64_t kMs = 1'000'000;
constexpr int64_t kBase = 1'700'000'000'000'000'000;

const OperationStats* row(const TraceStore& st, const std::vector<OperationStats>& rows, const char* service,
                          const char* name) {
    for (const auto& r : rows)
        if (st.str(r.service) == service && st.str(r.name) == name) return &r;
    return nullptr;
}
}  // namespace

TEST_CASE("statistics: count, total, self, avg, min, max and share per service and operation") {
    TraceStore st;
    const TraceId t{1, 2};
    // frontend 0..100; db SELECT 10..30 and 40..70; payments 50..90 overlaps the second SELECT.
    const int root = static_cast<int>(add_span(st, t, -1, kBase, kBase + 100 * kMs, "GET /", "frontend"));
    add_span(st, t, root, kBase + 10 * kMs, kBase + 30 * kMs, "SELECT", "db");
    add_span(st, t, root, kBase + 40 * kMs, kBase + 70 * kMs, "SELECT", "db");
    add_span(st, t, root, kBase + 50 * kMs, kBase + 90 * kMs, "charge", "payments");
    const Analysis a = analyze(st);
    const auto rows = trace_statistics(st, a, 0);
    REQUIRE(rows.size() == 3);

    const auto* db = row(st, rows, "db", "SELECT");
    REQUIRE(db);
    CHECK(db->count == 2);
    CHECK(db->total_ns == 50 * kMs);
    CHECK(db->self_ns == 50 * kMs);
    CHECK(db->avg_ns() == 25 * kMs);
    CHECK(db->min_ns == 20 * kMs);
    CHECK(db->max_ns == 30 * kMs);
    CHECK(db->share == doctest::Approx(0.5));

    // The root's children cover [10,30] and [40,90]: 70 of its 100 ms.
    const auto* fe = row(st, rows, "frontend", "GET /");
    REQUIRE(fe);
    CHECK(fe->self_ns == 30 * kMs);
    CHECK(fe->share == doctest::Approx(0.3));

    // Largest self time first: db 50, payments 40, frontend 30.
    CHECK(st.str(rows[0].service) == "db");
    CHECK(st.str(rows[1].service) == "payments");
    CHECK(st.str(rows[2].service) == "frontend");
}

TEST_CASE("statistics: sorting by a column, both ways, and by name") {
    TraceStore st;
    const TraceId t{1, 3};
    const int root = static_cast<int>(add_span(st, t, -1, kBase, kBase + 100 * kMs, "root", "a"));
    add_span(st, t, root, kBase, kBase + 10 * kMs, "x", "b");
    add_span(st, t, root, kBase + 10 * kMs, kBase + 15 * kMs, "x", "b");
    add_span(st, t, root, kBase + 20 * kMs, kBase + 80 * kMs, "y", "c");
    const Analysis a = analyze(st);
    auto rows = trace_statistics(st, a, 0);
    sort_statistics(st, rows, StatsColumn::Count, false);
    CHECK(rows[0].count == 2);
    sort_statistics(st, rows, StatsColumn::Max, true);
    CHECK(rows[0].max_ns == 10 * kMs);
    CHECK(rows[2].max_ns == 100 * kMs);
    sort_statistics(st, rows, StatsColumn::Service, true);
    CHECK(st.str(rows[0].service) == "a");
    CHECK(st.str(rows[2].service) == "c");
    CHECK(trace_statistics(st, a, 7).empty());  // no such trace
}
