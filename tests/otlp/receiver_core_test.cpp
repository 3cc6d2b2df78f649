// The receiver without sockets: gzip inflation limits, the span budget with eviction of the oldest traces,
// and store appending that keeps every field.
#include <doctest/doctest.h>
#include <zlib.h>

#include <string>

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
