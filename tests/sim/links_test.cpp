// Span links resolved to their targets: within a trace, across traces, and to spans that never arrived.
#include <doctest/doctest.h>

#include <filesystem>

#include "sim/engine/engine.hpp"
#include "sim/trace/links.hpp"
#include "tests/support/span_builder.hpp"

using namespace tl;
using tl::test::add_span;

namespace {
constexpr int64_t kMs = 1'000'000;
constexpr int64_t kBase = 1'700'000'000'000'000'000;

void link(TraceStore& st, uint32_t from, TraceId trace, SpanId span) {
    Span& s = st.spans[from];
    if (s.link_count == 0) s.link_begin = static_cast<uint32_t>(st.links.size());
    st.links.push_back(SpanLink{trace, span, 0, {}});
    s.link_count += 1;
}
}  // namespace

TEST_CASE("links: a batch consumer links to two producers in other traces, and to one that is missing") {
    TraceStore st;
    const TraceId t1{1, 1}, t2{2, 2}, t3{3, 3};
    const uint32_t p1 = add_span(st, t1, -1, kBase, kBase + 5 * kMs, "publish", "orders");
    const uint32_t p2 = add_span(st, t2, -1, kBase + kMs, kBase + 6 * kMs, "publish", "orders");
    const uint32_t batch = add_span(st, t3, -1, kBase + 10 * kMs, kBase + 20 * kMs, "process", "billing");
    link(st, batch, t1, st.spans[p1].span_id);
    link(st, batch, t2, st.spans[p2].span_id);
    link(st, batch, TraceId{9, 9}, SpanId{0xabc});
    const Analysis a = analyze(st);
    const LinkIndex li = resolve_links(st, a);
    REQUIRE(li.links.size() == 3);
    CHECK(li.count[batch] == 3);
    CHECK(li.count[p1] == 0);
    CHECK(li.links[0].from_span == batch);
    CHECK(li.links[0].target == static_cast<int32_t>(p1));
    CHECK(li.links[0].target_trace == a.find_trace(t1));
    CHECK(li.links[1].target == static_cast<int32_t>(p2));
    CHECK(li.links[1].target_trace == a.find_trace(t2));
    CHECK(li.links[2].target == -1);
    CHECK(li.links[2].to_span == SpanId{0xabc});
    CHECK(li.incoming[p1] == 1);
    CHECK(li.incoming[p2] == 1);
    CHECK(li.incoming[batch] == 0);
}

TEST_CASE("links: the same span id in two traces resolves to the one in the linked trace") {
    TraceStore st;
    const uint32_t a1 = add_span(st, TraceId{1, 0}, -1, kBase, kBase + kMs, "a", "s", StatusCode::Unset, 7);
    const uint32_t b1 = add_span(st, TraceId{2, 0}, -1, kBase, kBase + kMs, "b", "s", StatusCode::Unset, 6);
    REQUIRE(st.spans[a1].span_id == st.spans[b1].span_id);
    const uint32_t from = add_span(st, TraceId{3, 0}, -1, kBase, kBase + kMs, "c", "s");
    link(st, from, TraceId{2, 0}, st.spans[b1].span_id);
    const LinkIndex li = resolve_links(st, analyze(st));
    REQUIRE(li.links.size() == 1);
    CHECK(li.links[0].target == static_cast<int32_t>(b1));
    const SpanLookup lookup(st);
    CHECK(lookup.find(TraceId{1, 0}, st.spans[a1].span_id) == static_cast<int32_t>(a1));
    CHECK(lookup.find(st.spans[from].span_id) == static_cast<int32_t>(from));
    CHECK(lookup.find(SpanId{999}) == -1);
}

TEST_CASE("links: the async-order scenario's consumer span links back to the span that published") {
    auto loaded = load_scenario("async-order", std::filesystem::path(TRACELAB_SOURCE_DIR) / "assets" / "scenarios");
    REQUIRE(loaded.ok());
    const Run run = Engine(*loaded).run(EngineOptions{});
    const Analysis a = analyze(run.observed);
    const LinkIndex li = resolve_links(run.observed, a);
    REQUIRE(li.links.size() == 1);
    const Span& from = run.observed.spans[li.links[0].from_span];
    CHECK(run.observed.str(from.service) == "fulfillment");
    REQUIRE(li.links[0].target >= 0);
    const Span& to = run.observed.spans[static_cast<size_t>(li.links[0].target)];
    // The consumer continued the message's context, so the linked span is also its parent.
    CHECK(to.span_id == from.parent_span_id);
    CHECK(run.observed.str(to.service) == "orders");
}
