// Clock skew (Jaeger's adjuster): hand-made traces with known offsets, and a simulated skewed service.
#include <doctest/doctest.h>

#include <filesystem>

#include "sim/engine/engine.hpp"
#include "sim/trace/skew.hpp"
#include "tests/support/span_builder.hpp"

using namespace tl;
using tl::test::add_span;

namespace {
constexpr int64_t kMs = 1'000'000;
constexpr int64_t kBase = 1'700'000'000'000'000'000;
}  // namespace

TEST_CASE("clock skew: a child that ends after its parent is centred, its same-service children follow") {
    TraceStore st;
    const TraceId t{5, 6};
    // frontend [0,100]. payments truly ran [40,60] but its clock is 45 ms ahead: reported [85,105].
    const int root = static_cast<int>(add_span(st, t, -1, kBase, kBase + 100 * kMs, "GET /", "frontend"));
    const int pay = static_cast<int>(add_span(st, t, root, kBase + 85 * kMs, kBase + 105 * kMs, "charge", "payments"));
    const int inner = static_cast<int>(add_span(st, t, pay, kBase + 90 * kMs, kBase + 100 * kMs, "sign", "payments"));
    // db's clock is right: truly [45,50] inside payments.
    const int db = static_cast<int>(add_span(st, t, pay, kBase + 45 * kMs, kBase + 50 * kMs, "INSERT", "db"));
    // A child on the caller's own service is never checked, even when it sticks out.
    const int same = static_cast<int>(add_span(st, t, root, kBase + 95 * kMs, kBase + 110 * kMs, "log", "frontend"));
    st.events.push_back(SpanEvent{st.strings.intern("retry"), kBase + 100 * kMs, {}});
    st.spans[static_cast<size_t>(inner)].event_begin = 0;
    st.spans[static_cast<size_t>(inner)].event_count = 1;

    const Analysis a = analyze(st);
    const ClockSkewReport r = detect_clock_skew(st, a);
    REQUIRE(r.findings.size() == 1);
    CHECK(r.findings[0].span == static_cast<uint32_t>(pay));
    CHECK(st.str(r.findings[0].service) == "payments");
    // (100 - 20) / 2 = 40 ms of network before it: it should start at 40, it says 85: 45 ms ahead.
    CHECK(r.findings[0].offset_ns == 45 * kMs);
    CHECK(r.shift_ns[static_cast<size_t>(pay)] == -45 * kMs);
    CHECK(r.shift_ns[static_cast<size_t>(inner)] == -45 * kMs);
    CHECK(r.finding_of[static_cast<size_t>(inner)] == 0);
    CHECK(r.shift_ns[static_cast<size_t>(db)] == 0);
    CHECK(r.shift_ns[static_cast<size_t>(same)] == 0);
    CHECK(r.shift_ns[static_cast<size_t>(root)] == 0);

    TraceStore adjusted = st;
    adjust_for_skew(adjusted, r);
    CHECK(adjusted.spans[static_cast<size_t>(pay)].start_ns == kBase + 40 * kMs);
    CHECK(adjusted.spans[static_cast<size_t>(pay)].end_ns == kBase + 60 * kMs);
    CHECK(adjusted.spans[static_cast<size_t>(inner)].start_ns == kBase + 45 * kMs);
    CHECK(adjusted.events[0].time_ns == kBase + 55 * kMs);
    // Adjusted once, nothing is left to adjust.
    CHECK_FALSE(detect_clock_skew(adjusted, analyze(adjusted)).any());
}

TEST_CASE("clock skew: a child longer than its parent only stops starting before it; a fitting child is left") {
    TraceStore st;
    const TraceId t{7, 8};
    const int root = static_cast<int>(add_span(st, t, -1, kBase + 10 * kMs, kBase + 30 * kMs, "publish", "orders"));
    // Async work longer than the parent, reported 4 ms before the parent started: clock 4 ms behind.
    const int late = static_cast<int>(add_span(st, t, root, kBase + 6 * kMs, kBase + 90 * kMs, "process", "fulfil"));
    const int fits = static_cast<int>(add_span(st, t, root, kBase + 12 * kMs, kBase + 20 * kMs, "check", "auth"));
    const Analysis a = analyze(st);
    const ClockSkewReport r = detect_clock_skew(st, a);
    REQUIRE(r.findings.size() == 1);
    CHECK(r.findings[0].span == static_cast<uint32_t>(late));
    CHECK(r.findings[0].offset_ns == -4 * kMs);
    CHECK(r.shift_ns[static_cast<size_t>(fits)] == 0);
}

TEST_CASE("clock skew: a consumer that runs after its producer ended is not skew") {
    TraceStore st;
    const TraceId t{9, 9};
    const int prod = static_cast<int>(add_span(st, t, -1, kBase, kBase + 10 * kMs, "publish", "orders"));
    st.spans[static_cast<size_t>(prod)].kind = SpanKind::Producer;
    const int cons = static_cast<int>(add_span(st, t, prod, kBase + 20 * kMs, kBase + 25 * kMs, "process", "mail"));
    st.spans[static_cast<size_t>(cons)].kind = SpanKind::Consumer;
    CHECK_FALSE(detect_clock_skew(st, analyze(st)).any());
}

TEST_CASE("clock skew: a simulated service whose clock runs ahead is found and adjusted into its caller") {
    auto loaded = load_scenario("checkout", std::filesystem::path(TRACELAB_SOURCE_DIR) / "assets" / "scenarios");
    REQUIRE(loaded.ok());
    Scenario s = *loaded;
    s.service("payments")->clock_skew_ms = 300;  // far beyond anything the call itself can explain
    Run run = Engine(s).run(EngineOptions{});
    const Analysis a = analyze(run.observed);
    const ClockSkewReport r = detect_clock_skew(run.observed, a);
    REQUIRE(r.findings.size() == 1);
    CHECK(run.observed.str(r.findings[0].service) == "payments");
    // Jaeger centres the call in its caller, so the estimate is the skew give or take the caller's own work.
    CHECK(r.findings[0].offset_ns > 250 * kMs);
    CHECK(r.findings[0].offset_ns < 350 * kMs);
    adjust_for_skew(run.observed, r);
    const Analysis after = analyze(run.observed);
    const Span& pay = run.observed.spans[r.findings[0].span];
    const Span& caller = run.observed.spans[static_cast<size_t>(after.parent[r.findings[0].span])];
    CHECK(pay.start_ns >= caller.start_ns);
    CHECK(pay.end_ns <= caller.end_ns);
}
