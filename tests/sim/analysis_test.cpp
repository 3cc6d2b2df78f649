// Tests for sim/analysis: grouping, trees, orphans, self time, gaps and the critical path.
// Stores are built by hand through the TraceStore API; times are written in milliseconds (or, for the
// Jaeger UI fixtures, in their original microseconds) on top of a realistic unix-nanosecond base.

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "sim/engine/engine.hpp"
#include "sim/engine/scenario.hpp"
#include "sim/trace/analysis.hpp"
#include "sim/trace/ids.hpp"
#include "sim/trace/trace_store.hpp"

using namespace tl;

namespace {

constexpr int64_t kBase = 1'700'000'000'000'000'000;  // 2023-11-14, in unix ns
constexpr int64_t kMs = 1'000'000;
constexpr int64_t kUs = 1'000;

struct SpanSpec {
    uint64_t id = 0;
    uint64_t parent = 0;
    const char* name = "";
    int64_t start = 0;  // in `unit`s after kBase
    int64_t end = 0;
    SpanKind kind = SpanKind::Server;
    StatusCode status = StatusCode::Unset;
};

// Adds spans of one trace; returns their store indices in the order given.
std::vector<uint32_t> add_trace(TraceStore& store, TraceId trace, const std::vector<SpanSpec>& specs,
                                int64_t unit = kMs) {
    std::vector<uint32_t> idx;
    for (const SpanSpec& spec : specs) {
        Span s;
        s.trace_id = trace;
        s.span_id = SpanId{spec.id};
        s.parent_span_id = SpanId{spec.parent};
        s.name = store.strings.intern(spec.name);
        s.service = s.name;
        s.kind = spec.kind;
        s.status = spec.status;
        s.start_ns = kBase + spec.start * unit;
        s.end_ns = kBase + spec.end * unit;
        idx.push_back(static_cast<uint32_t>(store.spans.size()));
        store.spans.push_back(s);
    }
    return idx;
}

struct Seg {
    uint32_t span;
    int64_t start;
    int64_t end;
    friend bool operator==(const Seg&, const Seg&) = default;
};

// The critical path in `unit`s relative to kBase, for readable comparisons.
std::vector<Seg> path_of(const TraceInfo& info, int64_t unit = kMs) {
    std::vector<Seg> out;
    for (const CriticalSegment& c : info.critical_path) {
        out.push_back(Seg{c.span, (c.start_ns - kBase) / unit, (c.end_ns - kBase) / unit});
    }
    return out;
}

std::string describe(const std::vector<Seg>& segs) {
    std::string s;
    for (const Seg& g : segs) {
        s += "[" + std::to_string(g.span) + ": " + std::to_string(g.start) + "-" + std::to_string(g.end) + "] ";
    }
    return s;
}

bool has_warning(const TraceInfo& info, const std::string& text) {
    return std::find(info.warnings.begin(), info.warnings.end(), text) != info.warnings.end();
}

std::vector<uint32_t> children_vec(const Analysis& a, uint32_t span) {
    auto c = a.children_of(span);
    return {c.begin(), c.end()};
}

const TraceId kT1{0x1111, 0x1};
const TraceId kT2{0x2222, 0x2};
const TraceId kT3{0x0333, 0x3};

}  // namespace

TEST_SUITE("analysis") {
    TEST_CASE("analysis: spans are grouped into traces ordered by start time, then trace id") {
        TraceStore store;
        // Interleave the traces in the store, as a backend receives them.
        auto a = add_trace(store, kT2, {{1, 0, "b-root", 10, 50}});
        auto b = add_trace(store, kT1, {{1, 0, "a-root", 0, 100}});
        auto c = add_trace(store, kT2, {{2, 1, "b-child", 20, 30}});
        auto d = add_trace(store, kT3, {{7, 0, "c-root", 10, 20}});  // same start as kT2, smaller id
        const Analysis an = analyze(store);

        REQUIRE(an.traces.size() == 3);
        CHECK(an.traces[0].id == kT1);
        CHECK(an.traces[1].id == kT3);
        CHECK(an.traces[2].id == kT2);
        CHECK(an.trace_of[a[0]] == 2);
        CHECK(an.trace_of[c[0]] == 2);
        CHECK(an.trace_of[b[0]] == 0);
        CHECK(an.trace_of[d[0]] == 1);
        CHECK(an.traces[2].spans == std::vector<uint32_t>{a[0], c[0]});
        CHECK(an.traces[2].start_ns == kBase + 10 * kMs);
        CHECK(an.traces[2].end_ns == kBase + 50 * kMs);
        CHECK(an.traces[2].duration_ns() == 40 * kMs);
        CHECK(an.find_trace(kT1) == 0);
        CHECK(an.find_trace(kT2) == 2);
        CHECK(an.find_trace(TraceId{9, 9}) == -1);
        // A span id is only looked up within its own trace: kT2's span 1 is not kT1's span 1.
        CHECK(an.parent[c[0]] == static_cast<int32_t>(a[0]));
    }

    TEST_CASE("analysis: tree with children by start time, depth and pre-order") {
        TraceStore store;
        // Stored out of order on purpose.
        auto s = add_trace(store, kT1,
                           {
                               {5, 2, "late-grandchild", 60, 70},   // 0
                               {3, 1, "second", 50, 90},            // 1
                               {2, 1, "first", 10, 40},             // 2
                               {1, 0, "root", 0, 100},              // 3
                               {4, 2, "early-grandchild", 15, 20},  // 4
                               {6, 3, "under-second", 55, 80},      // 5
                               {7, 1, "third-same-start", 50, 60},  // 6 (same start as "second")
                           });
        const Analysis an = analyze(store);
        REQUIRE(an.traces.size() == 1);
        const TraceInfo& t = an.traces[0];
        CHECK(t.root == static_cast<int32_t>(s[3]));
        CHECK(t.root_count == 1);
        CHECK(t.orphans.empty());
        CHECK(t.warnings.empty());
        CHECK_FALSE(t.incomplete());
        CHECK(children_vec(an, s[3]) == std::vector<uint32_t>{s[2], s[1], s[6]});
        CHECK(children_vec(an, s[2]) == std::vector<uint32_t>{s[4], s[0]});
        CHECK(children_vec(an, s[1]) == std::vector<uint32_t>{s[5]});
        CHECK(an.child_count[s[0]] == 0);
        CHECK(an.depth[s[3]] == 0);
        CHECK(an.depth[s[2]] == 1);
        CHECK(an.depth[s[0]] == 2);
        CHECK(an.depth[s[5]] == 2);
        CHECK(an.parent[s[3]] == -1);
        CHECK(an.parent[s[0]] == static_cast<int32_t>(s[2]));
        CHECK(t.spans == std::vector<uint32_t>{s[3], s[2], s[4], s[0], s[1], s[5], s[6]});
    }

    TEST_CASE("analysis: orphans and a missing root are reported in plain words") {
        TraceStore store;
        // orders' parent (gateway, id 1) never arrived; db hangs under orders.
        auto s = add_trace(store, kT1,
                           {
                               {2, 1, "orders", 25, 225},
                               {3, 2, "db", 30, 60},
                           });
        Analysis an = analyze(store);
        const TraceInfo& t = an.traces[0];
        CHECK(t.root == -1);
        CHECK(t.root_count == 0);
        CHECK(t.orphans == std::vector<uint32_t>{s[0]});
        CHECK(t.incomplete());
        CHECK(an.parent[s[0]] == -1);
        CHECK(an.depth[s[0]] == 0);
        CHECK(an.depth[s[1]] == 1);
        CHECK(has_warning(t, "incomplete: the parent of 1 span never arrived"));
        CHECK(has_warning(t, "no root span"));
        // The critical path runs from the longest top-level span.
        CHECK(path_of(t) == std::vector<Seg>{{s[0], 25, 30}, {s[1], 30, 60}, {s[0], 60, 225}});

        SUBCASE("two orphans use the plural") {
            add_trace(store, kT1, {{4, 99, "payments", 62, 222}});
            analyze(store, an);
            CHECK(has_warning(an.traces[0], "incomplete: the parents of 2 spans never arrived"));
            // The longest top-level span wins, whatever order they start in.
            CHECK(an.traces[0].critical_path.front().span == s[0]);
        }
    }

    TEST_CASE("analysis: a trace with two roots") {
        TraceStore store;
        auto s = add_trace(store, kT1,
                           {
                               {2, 0, "second-root", 50, 300},
                               {1, 0, "first-root", 0, 100},
                               {3, 1, "child", 10, 20},
                           });
        const Analysis an = analyze(store);
        const TraceInfo& t = an.traces[0];
        CHECK(t.root_count == 2);
        CHECK(t.root == static_cast<int32_t>(s[1]));  // the earliest
        CHECK(t.orphans.empty());
        CHECK(has_warning(t, "2 root spans"));
        CHECK_FALSE(has_warning(t, "no root span"));
        CHECK(t.spans == std::vector<uint32_t>{s[1], s[2], s[0]});
        CHECK(t.end_ns == kBase + 300 * kMs);
    }

    TEST_CASE("analysis: self time subtracts the union of overlapping children, clipped to the span") {
        TraceStore store;
        auto s = add_trace(store, kT1,
                           {
                               {1, 0, "parent", 0, 100},
                               {2, 1, "a", 10, 50},
                               {3, 1, "b", 30, 70},    // overlaps a
                               {4, 1, "c", 80, 120},   // runs past the parent
                               {5, 1, "d", 35, 45},    // inside a and b
                               {6, 1, "e", 200, 230},  // entirely outside
                           });
        const Analysis an = analyze(store);
        // Covered inside the parent: 10–70 and 80–100 = 80 ms.
        CHECK(an.self_ns[s[0]] == 20 * kMs);
        CHECK(an.self_ns[s[1]] == 40 * kMs);  // leaves keep their whole duration
        CHECK(an.self_ns[s[3]] == 40 * kMs);
        auto gaps = an.gaps_of(s[0]);
        REQUIRE(gaps.size() == 2);
        CHECK(gaps[0].start_ns == kBase);
        CHECK(gaps[0].end_ns == kBase + 10 * kMs);
        CHECK(gaps[1].start_ns == kBase + 70 * kMs);
        CHECK(gaps[1].end_ns == kBase + 80 * kMs);
        CHECK(an.gaps_of(s[1]).empty());
        // The slowest hop is the span with the most time of its own (ties: the first in tree order).
        CHECK(an.traces[0].slowest_span == static_cast<int32_t>(s[1]));
    }

    TEST_CASE("analysis: gaps show where a child went missing") {
        TraceStore store;
        // The checkout request after orders' span was lost: gateway has auth, then a long silence.
        auto s = add_trace(store, kT1,
                           {
                               {1, 0, "gateway", 0, 240},
                               {2, 1, "auth", 5, 20},
                           });
        Analysis an = analyze(store);
        auto gaps = an.gaps_of(s[0]);
        REQUIRE(gaps.size() == 2);
        CHECK(gaps[0].span == s[0]);
        CHECK(gaps[1].start_ns == kBase + 20 * kMs);
        CHECK(gaps[1].end_ns == kBase + 240 * kMs);
        CHECK(an.gaps.size() == 2);  // leaves have none

        SUBCASE("children that tile the span leave no gap") {
            TraceStore full;
            auto f = add_trace(full, kT1, {{1, 0, "p", 0, 30}, {2, 1, "x", 0, 10}, {3, 1, "y", 10, 30}});
            analyze(full, an);
            CHECK(an.gaps_of(f[0]).empty());
            CHECK(an.self_ns[f[0]] == 0);
        }
    }

    TEST_CASE("analysis: critical path of the checkout request") {
        TraceStore store;
        auto s = add_trace(store, kT1,
                           {
                               {1, 0, "GET /checkout", 0, 240},
                               {2, 1, "auth.Verify", 5, 20},
                               {3, 1, "orders.Create", 25, 225},
                               {4, 3, "db.INSERT", 30, 60},
                               {5, 3, "payments.Charge", 62, 222},
                           });
        const uint32_t gateway = s[0], auth = s[1], orders = s[2], db = s[3], payments = s[4];
        const Analysis an = analyze(store);
        const TraceInfo& t = an.traces[0];
        const std::vector<Seg> want = {
            {gateway, 0, 5},     {auth, 5, 20},      {gateway, 20, 25},    //
            {orders, 25, 30},    {db, 30, 60},       {orders, 60, 62},     //
            {payments, 62, 222}, {orders, 222, 225}, {gateway, 225, 240},  //
        };
        CHECK_MESSAGE(path_of(t) == want, describe(path_of(t)));
        CHECK(an.critical_ns[gateway] == 25 * kMs);
        CHECK(an.critical_ns[auth] == 15 * kMs);
        CHECK(an.critical_ns[orders] == 10 * kMs);
        CHECK(an.critical_ns[db] == 30 * kMs);
        CHECK(an.critical_ns[payments] == 160 * kMs);
        CHECK(an.self_ns[gateway] == 25 * kMs);
        CHECK(an.self_ns[orders] == 10 * kMs);
        CHECK(t.slowest_span == static_cast<int32_t>(payments));
        CHECK_FALSE(t.has_error);
        CHECK(t.warnings.empty());
    }

    TEST_CASE("analysis: parallel fan-out, the slowest child decides") {
        TraceStore store;
        auto s = add_trace(store, kT1,
                           {
                               {1, 0, "search", 0, 100},
                               {2, 1, "flights", 10, 40},
                               {3, 1, "hotels", 10, 90},
                               {4, 1, "cars", 10, 60},
                           });
        const Analysis an = analyze(store);
        CHECK(path_of(an.traces[0]) == std::vector<Seg>{{s[0], 0, 10}, {s[2], 10, 90}, {s[0], 90, 100}});
        CHECK(an.critical_ns[s[2]] == 80 * kMs);
        CHECK(an.critical_ns[s[1]] == 0);
        CHECK(an.critical_ns[s[3]] == 0);
        CHECK(an.self_ns[s[0]] == 20 * kMs);
    }

    TEST_CASE("analysis: a child overflowing its parent is clipped on the critical path") {
        TraceStore store;
        auto s = add_trace(store, kT1,
                           {
                               {1, 0, "parent", 0, 100},
                               {2, 1, "runs-over", 50, 150},
                               {3, 1, "before-parent", -40, -10},  // entirely outside: dropped
                           });
        const Analysis an = analyze(store);
        CHECK(path_of(an.traces[0]) == std::vector<Seg>{{s[0], 0, 50}, {s[1], 50, 100}});
        CHECK(an.critical_ns[s[1]] == 50 * kMs);
        CHECK(an.critical_ns[s[2]] == 0);
        // The trace itself still spans everything that arrived.
        CHECK(an.traces[0].start_ns == kBase - 40 * kMs);
        CHECK(an.traces[0].end_ns == kBase + 150 * kMs);
    }

    TEST_CASE("analysis: a consumer under a producer does not block the producer's caller") {
        TraceStore store;
        auto s = add_trace(store, kT1,
                           {
                               {1, 0, "POST /orders", 0, 100, SpanKind::Server},
                               {2, 1, "orders publish", 10, 20, SpanKind::Producer},
                               {3, 2, "orders process", 15, 300, SpanKind::Consumer},  // ends after the root
                               {4, 3, "db.INSERT", 200, 250, SpanKind::Client},
                           });
        Analysis an = analyze(store);
        CHECK(path_of(an.traces[0]) == std::vector<Seg>{{s[0], 0, 10}, {s[1], 10, 20}, {s[0], 20, 100}});
        CHECK(an.critical_ns[s[2]] == 0);
        CHECK(an.critical_ns[s[3]] == 0);
        // Self time still counts every child.
        CHECK(an.self_ns[s[1]] == 5 * kMs);

        SUBCASE("the same child as an internal span would block (and be clipped)") {
            store.spans[s[2]].kind = SpanKind::Internal;
            analyze(store, an);
            CHECK(path_of(an.traces[0]) ==
                  std::vector<Seg>{{s[0], 0, 10}, {s[1], 10, 15}, {s[2], 15, 20}, {s[0], 20, 100}});
        }
        CHECK_FALSE(blocks_parent(SpanKind::Consumer, SpanKind::Producer));
        CHECK(blocks_parent(SpanKind::Consumer, SpanKind::Server));
        CHECK(blocks_parent(SpanKind::Client, SpanKind::Producer));
    }

    // Fixtures of jaeger-ui's own critical-path tests, ported from
    // packages/jaeger-ui/src/components/TracePage/CriticalPath/testCases/test1.js … test9.js (times in µs;
    // Jaeger lists sections from the end backwards, here they are in time order). FOLLOWS_FROM references
    // (test5) become a CONSUMER under a PRODUCER, which is how current Jaeger UI treats OTel spans.
    TEST_CASE("analysis: jaeger-ui critical path fixtures") {
        const int64_t u = kUs;
        SUBCASE("test1: two sequential children") {
            TraceStore st;
            auto s = add_trace(st, kT1, {{0xE, 0xC, "E", 50, 60}, {0xC, 0, "C", 1, 101}, {0xD, 0xC, "D", 20, 40}}, u);
            const uint32_t E = s[0], C = s[1], D = s[2];
            CHECK(path_of(analyze(st).traces[0], u) ==
                  std::vector<Seg>{{C, 1, 20}, {D, 20, 40}, {C, 40, 50}, {E, 50, 60}, {C, 60, 101}});
        }
        SUBCASE("test2: overlapping children, the earlier one ends too late to count") {
            TraceStore st;
            auto s = add_trace(st, kT1, {{1, 0, "X", 1, 101}, {2, 1, "A", 10, 50}, {3, 1, "C", 20, 60}}, u);
            CHECK(path_of(analyze(st).traces[0], u) ==
                  std::vector<Seg>{{s[0], 1, 20}, {s[2], 20, 60}, {s[0], 60, 101}});
        }
        SUBCASE("test3: a child starting after its producer parent ended is dropped") {
            // testCases/test3.js reads TraceStatistics/tableValuesTestTrace/
            // traceWithSingleChildLongerThanParentAndStartsAfterParent.json.
            TraceStore st;
            auto s = add_trace(st, TraceId{0, 0x006c3cf93508f205},
                               {{0x006c3cf93508f205, 0, "send", 100, 140, SpanKind::Producer},
                                {0x2dc4b796e2127e32, 0x006c3cf93508f205, "async task 1", 200, 500, SpanKind::Client}},
                               u);
            CHECK(path_of(analyze(st).traces[0], u) == std::vector<Seg>{{s[0], 100, 140}});
        }
        SUBCASE("test4: a dropped child takes its subtree with it") {
            TraceStore st;
            auto s = add_trace(st, kT1, {{1, 0, "A", 1, 31}, {2, 1, "B", 40, 80}, {3, 2, "C", 50, 60}}, u);
            CHECK(path_of(analyze(st).traces[0], u) == std::vector<Seg>{{s[0], 1, 31}});
        }
        SUBCASE("test5: a non-blocking child and its subtree are left out") {
            TraceStore st;
            auto s = add_trace(st, kT1,
                               {{1, 0, "A", 1, 31, SpanKind::Producer},
                                {2, 1, "B", 10, 20, SpanKind::Consumer},
                                {3, 2, "C", 12, 14, SpanKind::Internal}},
                               u);
            CHECK(path_of(analyze(st).traces[0], u) == std::vector<Seg>{{s[0], 1, 31}});
        }
        SUBCASE("test6: clipping uses the parent's clipped times") {
            TraceStore st;
            auto s = add_trace(st, kT1, {{1, 0, "A", 1, 30}, {2, 1, "B", 15, 35}, {3, 2, "C", 10, 25}}, u);
            CHECK(path_of(analyze(st).traces[0], u) == std::vector<Seg>{{s[0], 1, 15}, {s[2], 15, 25}, {s[1], 25, 30}});
        }
        SUBCASE("test7: a grandchild overflowing twice") {
            TraceStore st;
            auto s = add_trace(st, kT1, {{1, 0, "A", 1, 30}, {2, 1, "B", 15, 35}, {3, 2, "C", 20, 40}}, u);
            CHECK(path_of(analyze(st).traces[0], u) == std::vector<Seg>{{s[0], 1, 15}, {s[1], 15, 20}, {s[2], 20, 30}});
        }
        SUBCASE("test8: a child covering its whole parent") {
            TraceStore st;
            auto s = add_trace(st, kT1, {{1, 0, "A", 10, 30}, {2, 1, "B", 5, 35}}, u);
            CHECK(path_of(analyze(st).traces[0], u) == std::vector<Seg>{{s[1], 10, 30}});
        }
        SUBCASE("test9: a child ending before its parent starts is dropped") {
            TraceStore st;
            auto s = add_trace(st, kT1, {{1, 0, "A", 10, 30}, {2, 1, "B", 1, 5}}, u);
            CHECK(path_of(analyze(st).traces[0], u) == std::vector<Seg>{{s[0], 10, 30}});
        }
        SUBCASE("shared/corpus/jaeger_ui_trace_two_children.json") {
            TraceStore st;
            auto s = add_trace(
                st, TraceId{0, 0x006c3cf93508f205},
                {{0x006c3cf93508f205, 0, "send", 100, 140, SpanKind::Producer},
                 {0x2dc4b796e2127e32, 0x006c3cf93508f205, "non-overlapping child", 110, 120, SpanKind::Client},
                 {0x5d423585b4c63d48, 0x006c3cf93508f205, "async task 2", 500, 600, SpanKind::Client}},
                u);
            const Analysis an = analyze(st);
            CHECK(path_of(an.traces[0], u) == std::vector<Seg>{{s[0], 100, 110}, {s[1], 110, 120}, {s[0], 120, 140}});
            CHECK(an.traces[0].duration_ns() == 500 * u);
        }
    }

    TEST_CASE("analysis: back-to-back calls are both on the critical path") {
        // Jaeger UI only follows a child that ends strictly before the point the walk came back to, which
        // would credit x's time to p. Here a child ending exactly where the next one starts counts.
        TraceStore store;
        auto s = add_trace(store, kT1, {{1, 0, "p", 0, 20}, {2, 1, "x", 0, 10}, {3, 1, "y", 10, 20}});
        const Analysis an = analyze(store);
        CHECK(path_of(an.traces[0]) == std::vector<Seg>{{s[1], 0, 10}, {s[2], 10, 20}});
        CHECK(an.critical_ns[s[0]] == 0);
    }

    TEST_CASE("analysis: zero-length spans on the critical path never loop") {
        TraceStore store;
        auto s = add_trace(store, kT1,
                           {
                               {1, 0, "p", 0, 10},
                               {2, 1, "instant-a", 5, 5},
                               {3, 1, "instant-b", 5, 5},
                               {4, 3, "instant-c", 5, 5},
                               {5, 0, "instant-root", 20, 20},
                           });
        const Analysis an = analyze(store);
        CHECK(path_of(an.traces[0]) == std::vector<Seg>{{s[0], 0, 5}, {s[0], 5, 10}});
        CHECK(an.critical_ns[s[0]] == 10 * kMs);
        CHECK(an.self_ns[s[1]] == 0);
        CHECK(an.traces[0].spans.size() == 5);
    }

    TEST_CASE("analysis: duplicate span ids never crash and are reported") {
        TraceStore store;
        auto s = add_trace(store, kT1,
                           {
                               {1, 0, "root", 0, 100},
                               {2, 1, "first-2", 10, 40},
                               {2, 1, "second-2", 50, 90},  // same id
                               {3, 2, "child-of-2", 15, 30},
                               {2, 2, "third-2-points-at-its-own-id", 20, 25},
                           });
        const Analysis an = analyze(store);
        const TraceInfo& t = an.traces[0];
        CHECK(t.spans.size() == 5);
        // Children of id 2 attach to the first span that carried it.
        CHECK(an.parent[s[3]] == static_cast<int32_t>(s[1]));
        CHECK(an.parent[s[4]] == static_cast<int32_t>(s[1]));
        CHECK(an.parent[s[2]] == static_cast<int32_t>(s[0]));
        CHECK(has_warning(t, "duplicate span ids: 2 spans reuse an id already used in this trace"));
        CHECK(an.critical_ns[s[0]] + an.critical_ns[s[1]] + an.critical_ns[s[2]] + an.critical_ns[s[3]] +
                  an.critical_ns[s[4]] ==
              100 * kMs);
    }

    TEST_CASE("analysis: parent cycles never hang; their spans are listed as a cycle") {
        TraceStore store;
        auto s = add_trace(store, kT1,
                           {
                               {1, 0, "root", 0, 100},
                               {10, 11, "a", 10, 50},  // a -> b -> a
                               {11, 10, "b", 20, 40},
                               {12, 10, "under-a", 25, 30},
                               {13, 13, "own-parent", 60, 70},
                           });
        const Analysis an = analyze(store);
        const TraceInfo& t = an.traces[0];
        CHECK(t.spans.size() == 5);
        CHECK(an.parent[s[1]] == -1);
        CHECK(an.parent[s[2]] == -1);
        CHECK(an.parent[s[4]] == -1);
        CHECK(an.parent[s[3]] == static_cast<int32_t>(s[1]));
        CHECK(an.depth[s[3]] == 1);
        CHECK(t.orphans.empty());
        CHECK(t.cycle == std::vector<uint32_t>{s[1], s[2]});
        CHECK(has_warning(t,
                          "parent cycle: following parent ids, 2 spans come back round to themselves; shown as "
                          "a cycle, not as orphans"));
        // A span naming itself is a second root, not a one-span cycle.
        CHECK(has_warning(t, "self-parent: 1 span names itself as parent; read as a root"));
        CHECK(t.root_count == 2);
        CHECK_FALSE(has_warning(t, "incomplete: the parent of 1 span never arrived"));
        CHECK(t.root == static_cast<int32_t>(s[0]));

        SUBCASE("a trace made only of a cycle still gets a critical path") {
            TraceStore loop;
            auto l = add_trace(loop, kT2, {{1, 2, "x", 0, 50}, {2, 1, "y", 10, 80}});
            const Analysis la = analyze(loop);
            CHECK(has_warning(la.traces[0], "no root span"));
            CHECK(path_of(la.traces[0]) == std::vector<Seg>{{l[1], 10, 80}});
        }
    }

    TEST_CASE("analysis: errors, empty stores and buffer reuse") {
        Analysis an;
        analyze(TraceStore{}, an);
        CHECK(an.traces.empty());
        CHECK(an.find_trace(kT1) == -1);

        TraceStore big;
        add_trace(big, kT1, {{1, 0, "a", 0, 10}, {2, 1, "b", 1, 5, SpanKind::Client, StatusCode::Error}});
        add_trace(big, kT2, {{1, 0, "c", 0, 10}, {5, 4, "orphan", 2, 3}});
        analyze(big, an);
        REQUIRE(an.traces.size() == 2);
        CHECK(an.traces[an.find_trace(kT1)].has_error);
        CHECK_FALSE(an.traces[an.find_trace(kT2)].has_error);

        TraceStore small;
        auto s = add_trace(small, kT3, {{1, 0, "only", 0, 10}});
        analyze(small, an);  // reuses buffers from the bigger run: nothing may leak through
        const Analysis fresh = analyze(small);
        REQUIRE(an.traces.size() == 1);
        CHECK(an.traces[0].warnings.empty());
        CHECK(an.traces[0].orphans.empty());
        CHECK(an.traces[0].spans == fresh.traces[0].spans);
        CHECK(path_of(an.traces[0]) == path_of(fresh.traces[0]));
        CHECK(an.gaps.empty());
        CHECK(an.critical_ns[s[0]] == 10 * kMs);
        CHECK_FALSE(an.traces[0].has_error);
    }

    TEST_CASE("analysis: a very deep chain does not overflow the stack") {
        TraceStore store;
        const uint64_t n = 70'000;  // deeper than uint16 depth can count: depth saturates
        for (uint64_t i = 0; i < n; ++i) {
            Span sp;
            sp.trace_id = kT1;
            sp.span_id = SpanId{i + 1};
            sp.parent_span_id = SpanId{i};
            sp.start_ns = kBase + static_cast<int64_t>(i);
            sp.end_ns = kBase + 2 * static_cast<int64_t>(n) - static_cast<int64_t>(i);
            store.spans.push_back(sp);
        }
        const Analysis an = analyze(store);
        REQUIRE(an.traces.size() == 1);
        CHECK(an.traces[0].spans.size() == n);
        CHECK(an.depth[n - 1] == UINT16_MAX);
        CHECK(an.depth[1000] == 1000);
        int64_t sum = 0;
        for (int64_t c : an.critical_ns) sum += c;
        CHECK(sum == 2 * static_cast<int64_t>(n));
    }

    TEST_CASE("analysis: on random trees the critical path tiles the root and gaps add up to self time") {
        Rng rng(42);
        for (int round = 0; round < 40; ++round) {
            TraceStore store;
            const int count = 2 + static_cast<int>(rng.next() % 60);
            for (int i = 0; i < count; ++i) {
                Span sp;
                sp.trace_id = kT1;
                sp.span_id = SpanId{static_cast<uint64_t>(i + 1)};
                sp.parent_span_id = SpanId{i == 0 ? 0 : 1 + rng.next() % static_cast<uint64_t>(i)};
                sp.kind = static_cast<SpanKind>(1 + rng.next() % 5);
                sp.start_ns = kBase + static_cast<int64_t>(rng.next() % 1000);
                sp.end_ns = sp.start_ns + static_cast<int64_t>(rng.next() % 300);
                store.spans.push_back(sp);
            }
            const Analysis an = analyze(store);
            REQUIRE(an.traces.size() == 1);
            const TraceInfo& t = an.traces[0];
            REQUIRE(t.root == 0);
            CHECK(t.spans.size() == static_cast<size_t>(count));
            // Contiguous, in time order, from the root's start to its end.
            REQUIRE_FALSE(t.critical_path.empty());
            CHECK(t.critical_path.front().start_ns == store.spans[0].start_ns);
            CHECK(t.critical_path.back().end_ns == store.spans[0].end_ns);
            int64_t sum = 0;
            for (size_t k = 0; k < t.critical_path.size(); ++k) {
                const CriticalSegment& c = t.critical_path[k];
                CHECK(c.start_ns < c.end_ns);
                if (k > 0) CHECK(t.critical_path[k - 1].end_ns == c.start_ns);
                // A segment lies inside its own span.
                CHECK(c.start_ns >= store.spans[c.span].start_ns);
                CHECK(c.end_ns <= store.spans[c.span].end_ns);
                sum += c.end_ns - c.start_ns;
            }
            int64_t per_span = 0;
            for (int64_t c : an.critical_ns) per_span += c;
            CHECK(sum == store.spans[0].duration_ns());
            CHECK(per_span == sum);
            for (uint32_t v = 0; v < store.spans.size(); ++v) {
                CHECK(an.self_ns[v] >= 0);
                CHECK(an.self_ns[v] <= store.spans[v].duration_ns());
                if (an.child_count[v] == 0) continue;
                int64_t gap_sum = 0;
                for (const Gap& g : an.gaps_of(v)) gap_sum += g.end_ns - g.start_ns;
                CHECK(gap_sum == an.self_ns[v]);
            }
        }
    }

    TEST_CASE("analysis: the simulated checkout request gives the tutorial's critical path") {
        auto scenario = load_scenario("checkout", std::string(TRACELAB_SOURCE_DIR) + "/assets/scenarios");
        REQUIRE(scenario.ok());
        const Run run = simulate(scenario.value());
        const Analysis an = analyze(run.observed);
        REQUIRE(an.traces.size() == 1);
        const TraceInfo& t = an.traces[0];
        CHECK(t.warnings.empty());
        auto by_name = [&](std::string_view name) {
            for (uint32_t v : t.spans) {
                if (run.observed.str(run.observed.spans[v].name) == name) return v;
            }
            FAIL("no span named " << name);
            return 0u;
        };
        CHECK(an.critical_ns[by_name("GET /checkout")] == 25 * kMs);
        CHECK(an.critical_ns[by_name("auth.Verify")] == 15 * kMs);
        CHECK(an.critical_ns[by_name("orders.Create")] == 10 * kMs);
        CHECK(an.critical_ns[by_name("db.INSERT")] == 30 * kMs);
        CHECK(an.critical_ns[by_name("payments.Charge")] == 160 * kMs);
        CHECK(t.slowest_span == static_cast<int32_t>(by_name("payments.Charge")));
    }

    TEST_CASE("analysis: in the async-order scenario the consumer stays off the critical path") {
        auto scenario = load_scenario("async-order", std::string(TRACELAB_SOURCE_DIR) + "/assets/scenarios");
        REQUIRE(scenario.ok());
        const Run run = simulate(scenario.value());
        const Analysis an = analyze(run.observed);
        REQUIRE_FALSE(an.traces.empty());
        bool saw_consumer_under_producer = false;
        for (const TraceInfo& t : an.traces) {
            int64_t sum = 0;
            for (const CriticalSegment& c : t.critical_path) sum += c.end_ns - c.start_ns;
            if (t.root >= 0) CHECK(sum == run.observed.spans[static_cast<size_t>(t.root)].duration_ns());
            for (uint32_t v : t.spans) {
                const int32_t p = an.parent[v];
                if (p >= 0 && !blocks_parent(run.observed.spans[v].kind, run.observed.spans[p].kind)) {
                    saw_consumer_under_producer = true;
                    CHECK(an.critical_ns[v] == 0);
                }
            }
        }
        CHECK(saw_consumer_under_producer);
    }
}
