// The receiver without sockets: gzip inflation limits, the span budget with eviction of the oldest traces,
// and store appending that keeps every field.
#include <doctest/doctest.h>
#include <zlib.h>

#include <string>

#include "sim/formats/format_io.hpp"
#include "sim/otlp/otlp_receiver.hpp"
#include "sim/otlp/received_traces.hpp"
#include "tests/support/span_builder.hpp"

using namespace tl;

namespace {

std::string gzip(const std::string& in) {
    uLongf cap = compressBound(in.size()) + 64;
    std::string out(cap, '\0');
    z_stream zs{};
    deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    zs.avail_in = static_cast<uInt>(in.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    deflate(&zs, Z_FINISH);
    out.resize(zs.total_out);
    deflateEnd(&zs);
    return out;
}

// A store with `traces` traces of `spans` spans each; trace k has id (0, first + k).
TraceStore traces_of(int traces, int spans, uint64_t first) {
    TraceStore st;
    for (int t = 0; t < traces; ++t) {
        const int root = static_cast<int>(st.spans.size());
        for (int i = 0; i < spans; ++i)
            test::add_span(st, TraceId{0, first + static_cast<uint64_t>(t)}, i == 0 ? -1 : root, i * 10, i * 10 + 5,
                           "op", "svc", StatusCode::Unset, first * 1000 + 1);
    }
    return st;
}

}  // namespace

TEST_CASE("otlp core: gunzip inflates concatenated members and stops at the limit") {
    const std::string a(1000, 'a'), b(500, 'b');
    auto two = otlp::gunzip(gzip(a) + gzip(b), 10'000);
    REQUIRE(two.ok);
    CHECK(two.data == a + b);
    auto over = otlp::gunzip(gzip(std::string(5'000'000, '\0')), 1'000'000);
    CHECK_FALSE(over.ok);
    CHECK(over.too_large);
    CHECK(over.data.size() <= 1'000'000);
    auto corrupt = otlp::gunzip(gzip(a).substr(0, 20), 10'000);
    CHECK_FALSE(corrupt.ok);
    CHECK_FALSE(corrupt.too_large);
    CHECK_FALSE(otlp::gunzip("not gzip at all", 100).ok);
}

TEST_CASE("otlp core: a corrupt gzip body is a 400, an unknown path a 404, without a server") {
    otlp::ReceivedTraces traces;
    otlp::OtlpReceiver receiver(traces, {});
    otlp::HttpRequest req;
    req.method = "POST";
    req.path = "/v1/traces";
    req.content_type = "application/x-protobuf";
    req.content_encoding = "gzip";
    req.body = "\x1f\x8b broken";
    CHECK(receiver.handle_http(req).status == 400);
    req.path = "/v1/traces/";
    CHECK(receiver.handle_http(req).status == 404);
    CHECK(traces.counts().failed_requests == 2);
}

TEST_CASE("otlp core: beyond the span budget the oldest traces are evicted") {
    otlp::ReceivedTraces traces(100);
    // Ten requests of two traces with five spans each: 100 spans fit exactly.
    for (int r = 0; r < 10; ++r) REQUIRE(traces.add(traces_of(2, 5, 1 + 2 * static_cast<uint64_t>(r)), 0));
    CHECK(traces.snapshot().spans.size() == 100);
    CHECK(traces.counts().evicted_traces == 0);
    // One more: over budget, so the oldest traces go until at most 90 spans remain.
    REQUIRE(traces.add(traces_of(2, 5, 21), 0));
    const TraceStore st = traces.snapshot();
    CHECK(st.spans.size() == 90);
    const auto c = traces.counts();
    CHECK(c.evicted_traces == 4);
    CHECK(c.evicted_spans == 20);
    CHECK(c.spans == 110);
    for (const Span& s : st.spans) CHECK(s.trace_id.lo > 4);  // traces 1..4 were the oldest
    // Parents still resolve after the rebuild.
    for (const Span& s : st.spans)
        if (s.parent_span_id.valid()) CHECK(st.str(s.name) == "op");
    // A single request larger than the whole budget is refused.
    CHECK_FALSE(traces.add(traces_of(1, 101, 100), 0));
    CHECK(traces.snapshot().spans.size() == 90);
}

TEST_CASE("otlp core: a span received again (an exporter's retry) is dropped and counted; a changed one is kept") {
    otlp::ReceivedTraces traces(1000);
    const TraceStore first = traces_of(2, 5, 1);
    size_t resent = 99;
    REQUIRE(traces.add(first, 0, &resent));
    CHECK(resent == 0);
    // The whole request again, as after a timed-out answer.
    REQUIRE(traces.add(first, 0, &resent));
    CHECK(resent == 10);
    CHECK(traces.snapshot().spans.size() == 10);
    auto c = traces.counts();
    CHECK(c.spans == 10);
    CHECK(c.resent == 10);
    CHECK(c.requests == 2);
    // Same ids but another end time: not a copy, so both are kept (the views then show the clash).
    TraceStore changed = first;
    changed.spans[3].end_ns += 7;
    REQUIRE(traces.add(changed, 0, &resent));
    CHECK(resent == 9);
    CHECK(traces.snapshot().spans.size() == 11);
    // A request mixing old spans and new ones keeps only the new, with their attributes and names intact.
    TraceStore mixed = traces_of(1, 5, 1);  // trace 1 again, same span ids as before
    TraceStore fresh = traces_of(1, 3, 7);
    fresh.attributes.push_back(Attribute{fresh.strings.intern("k"), AttrValue::str(fresh.strings.intern("v"))});
    fresh.spans[2].attrs = AttrRange{0, 1};
    otlp::append_store(mixed, fresh);
    REQUIRE(traces.add(mixed, 0, &resent));
    CHECK(resent == 5);
    const TraceStore st = traces.snapshot();
    REQUIRE(st.spans.size() == 14);
    CHECK(st.spans[13].trace_id.lo == 7);
    REQUIRE(st.find_attr(st.spans[13], "k"));
    CHECK(st.value_text(*st.find_attr(st.spans[13], "k")) == "v");
    // The same span id in another trace is another span.
    TraceStore other = traces_of(1, 5, 1);
    for (Span& sp : other.spans) sp.trace_id.hi = 42;
    REQUIRE(traces.add(other, 0, &resent));
    CHECK(resent == 0);
    // While paused nothing is kept, so nothing counts as re-sent.
    traces.set_paused(true);
    REQUIRE(traces.add(first, 0, &resent));
    CHECK(resent == 0);
}

TEST_CASE("otlp core: re-sent spans are still recognised after eviction rebuilt the store; evicted ones come back") {
    otlp::ReceivedTraces traces(100);
    for (int r = 0; r < 11; ++r) REQUIRE(traces.add(traces_of(2, 5, 1 + 2 * static_cast<uint64_t>(r)), 0));
    REQUIRE(traces.snapshot().spans.size() == 90);  // traces 1..4 evicted
    size_t resent = 0;
    REQUIRE(traces.add(traces_of(2, 5, 21), 0, &resent));  // still held
    CHECK(resent == 10);
    REQUIRE(traces.add(traces_of(2, 5, 1), 0, &resent));   // evicted, so new again
    CHECK(resent == 0);
    CHECK(traces.snapshot().spans.size() == 100);
    traces.clear();
    REQUIRE(traces.add(traces_of(2, 5, 21), 0, &resent));
    CHECK(resent == 0);
    CHECK(traces.counts().resent == 0);
}

TEST_CASE("otlp core: append_store with a kept ResourceIndex shares each of thousands of resources") {
    TraceStore into;
    formats::ResourceIndex index;
    auto batch_with = [](int k) {
        TraceStore b = traces_of(1, 1, static_cast<uint64_t>(k) + 1);
        b.attributes.push_back(Attribute{b.strings.intern("service.instance.id"),
                                         AttrValue::str(b.strings.intern("pod-" + std::to_string(k)))});
        b.resources[b.spans[0].resource].attrs = AttrRange{0, 1};
        return b;
    };
    for (int k = 0; k < 3000; ++k) otlp::append_store(into, batch_with(k), &index);
    CHECK(into.resources.size() == 3000);
    for (int k = 0; k < 3000; k += 7) otlp::append_store(into, batch_with(k), &index);
    CHECK(into.resources.size() == 3000);  // each found again, none added
    const auto attrs = into.attrs(into.resources[into.spans.back().resource].attrs);
    REQUIRE(attrs.size() == 1);
    CHECK(into.value_text(attrs[0].value) == "pod-2996");  // the last batch was k = 2996
}

TEST_CASE("otlp core: append_store keeps fields and shares equal resources") {
    TraceStore a = traces_of(1, 3, 1);
    TraceStore b = traces_of(1, 2, 2);
    b.attributes.push_back(Attribute{b.strings.intern("http.route"), AttrValue::str(b.strings.intern("/pay"))});
    b.spans[1].attrs = AttrRange{static_cast<uint32_t>(b.attributes.size() - 1), 1};
    otlp::append_store(a, b);
    REQUIRE(a.spans.size() == 5);
    CHECK(a.resources.size() == 1);  // both stores' "svc" resource is the same
    CHECK(a.value_text(*a.find_attr(a.spans[4], "http.route")) == "/pay");
    CHECK(a.spans[4].parent_span_id == b.spans[1].parent_span_id);
    CHECK(a.str(a.spans[4].service) == "svc");
}

TEST_CASE("otlp core: paused receivers answer but keep nothing; clear resets") {
    otlp::ReceivedTraces traces(100);
    traces.set_paused(true);
    REQUIRE(traces.add(traces_of(1, 3, 1), 0));
    CHECK(traces.snapshot().spans.empty());
    CHECK(traces.counts().requests == 1);
    traces.set_paused(false);
    REQUIRE(traces.add(traces_of(1, 3, 1), 0));
    CHECK(traces.snapshot().spans.size() == 3);
    traces.clear();
    CHECK(traces.snapshot().spans.empty());
    CHECK(traces.counts().requests == 0);
}
