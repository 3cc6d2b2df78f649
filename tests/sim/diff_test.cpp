// Trace comparison on hand-made pairs with known deltas, and a simulated hop whose propagation breaks.
#include <doctest/doctest.h>

#include <filesystem>

#include "sim/engine/engine.hpp"
#include "sim/trace/diff.hpp"
#include "tests/support/span_builder.hpp"

using namespace tl;
using tl::test::add_span;

namespace {
constexpr int64_t kMs = 1'000'000;
constexpr int64_t kBase = 1'700'000'000'000'000'000;

const SpanChange* change_for(const TraceStore& st, const TraceDiff& d, const char* name, bool use_new = true) {
    for (const auto& c : d.spans) {
        const int32_t i = use_new ? c.new_span : c.old_span;
        if (i >= 0 && st.str(st.spans[static_cast<size_t>(i)].name) == name) return &c;
    }
    return nullptr;
}
}  // namespace

TEST_CASE("diff: same spans with their duration change, added and removed, and the root's change") {
    TraceStore a, b;
    const TraceId ta{1, 1}, tb{2, 2};
    // Baseline: root 100 ms; auth 15; two SELECTs (10, 20) under orders; cache 5.
    const int ar = static_cast<int>(add_span(a, ta, -1, kBase, kBase + 100 * kMs, "GET /", "gateway"));
    add_span(a, ta, ar, kBase + kMs, kBase + 16 * kMs, "verify", "auth");
    const int ao = static_cast<int>(add_span(a, ta, ar, kBase + 20 * kMs, kBase + 90 * kMs, "create", "orders"));
    add_span(a, ta, ao, kBase + 21 * kMs, kBase + 31 * kMs, "SELECT", "db");
    add_span(a, ta, ao, kBase + 40 * kMs, kBase + 60 * kMs, "SELECT", "db");
    add_span(a, ta, ao, kBase + 70 * kMs, kBase + 75 * kMs, "get", "cache");
    // Current: root 440 ms (+340); auth 15 -> 12 (-3); SELECTs 10 -> 10, 20 -> 300; no cache; a new email.
    const int br = static_cast<int>(add_span(b, tb, -1, kBase, kBase + 440 * kMs, "GET /", "gateway"));
    add_span(b, tb, br, kBase + kMs, kBase + 13 * kMs, "verify", "auth");
    const int bo = static_cast<int>(add_span(b, tb, br, kBase + 20 * kMs, kBase + 430 * kMs, "create", "orders"));
    add_span(b, tb, bo, kBase + 21 * kMs, kBase + 31 * kMs, "SELECT", "db");
    const uint32_t slow = add_span(b, tb, bo, kBase + 40 * kMs, kBase + 340 * kMs, "SELECT", "db");
    add_span(b, tb, bo, kBase + 350 * kMs, kBase + 420 * kMs, "send", "email");
    const Analysis aa = analyze(a), ab = analyze(b);
    const TraceDiff d = diff_traces(DiffSide{&a, &aa, {0}}, DiffSide{&b, &ab, {0}});

    CHECK(d.root_delta_ns() == 340 * kMs);
    CHECK(d.same == 5);
    CHECK(d.added == 1);
    CHECK(d.removed == 1);
    CHECK(d.moved == 0);
    CHECK(change_for(b, d, "verify")->delta_ns() == -3 * kMs);
    const SpanChange& s2 = d.spans[static_cast<size_t>(d.change_of_new[slow])];
    CHECK(s2.change == SpanChangeKind::Same);
    CHECK(s2.old_ns == 20 * kMs);  // the second SELECT matched the second, not the first
    CHECK(s2.delta_ns() == 280 * kMs);
    CHECK(change_for(b, d, "send")->change == SpanChangeKind::Added);
    const SpanChange* gone = change_for(a, d, "get", false);
    REQUIRE(gone);
    CHECK(gone->change == SpanChangeKind::Removed);
    CHECK(gone->old_ns == 5 * kMs);
    CHECK(gone->new_span == -1);
}

TEST_CASE("diff: breaking propagation moves the callee's spans to another trace") {
    auto loaded = load_scenario("checkout", std::filesystem::path(TRACELAB_SOURCE_DIR) / "assets" / "scenarios");
    REQUIRE(loaded.ok());
    EngineOptions o;
    o.jitter = false;
    Scenario before = *loaded;
    const Run r1 = Engine(before).run(o);
    Scenario after = before;
    REQUIRE(apply_drop_flag(after, "orders->payments").empty());
    const Run r2 = Engine(after).run(o);
    const Analysis a1 = analyze(r1.observed), a2 = analyze(r2.observed);
    REQUIRE(a1.traces.size() == 1);
    REQUIRE(a2.traces.size() == 2);
    const TraceDiff d =
        diff_traces(DiffSide{&r1.observed, &a1, all_traces(a1)}, DiffSide{&r2.observed, &a2, all_traces(a2)});
    CHECK(d.moved == 1);
    CHECK(d.added == 0);
    CHECK(d.removed == 0);
    CHECK(d.same + d.moved == r1.observed.spans.size());
    const SpanChange* pay = change_for(r2.observed, d, "payments.Charge");
    REQUIRE(pay);
    CHECK(pay->change == SpanChangeKind::Moved);
    CHECK(pay->delta_ns() == 0);  // no jitter: the same work, only its trace changed
    CHECK(d.root_delta_ns() == 0);
    // Comparing a run with itself: everything the same.
    const TraceDiff self = diff_traces(DiffSide{&r1.observed, &a1, {0}}, DiffSide{&r1.observed, &a1, {0}});
    CHECK(self.same == r1.observed.spans.size());
    CHECK(self.added + self.removed + self.moved == 0);
}
