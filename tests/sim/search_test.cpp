// Search inside a trace: every kind of term against a hand-made trace, parse errors, and navigation.
#include <doctest/doctest.h>

#include "sim/trace/search.hpp"
#include "tests/support/span_builder.hpp"

using namespace tl;
using tl::test::add_span;

namespace {
constexpr int64_t kMs = 1'000'000;
constexpr int64_t kBase = 1'700'000'000'000'000'000;

struct Fixture {
    TraceStore st;
    Analysis a;
    uint32_t root = 0, auth = 0, pay = 0, db = 0;
    Fixture() {
        const TraceId t{4, 4};
        root = add_span(st, t, -1, kBase, kBase + 200 * kMs, "GET /checkout", "gateway");
        auth = add_span(st, t, static_cast<int>(root), kBase + kMs, kBase + 16 * kMs, "auth.Verify", "auth");
        pay = add_span(st, t, static_cast<int>(root), kBase + 20 * kMs, kBase + 180 * kMs, "payments.Charge",
                       "payments", StatusCode::Error);
        db = add_span(st, t, static_cast<int>(pay), kBase + 30 * kMs, kBase + 80 * kMs, "db.INSERT", "db");
        st.spans[db].kind = SpanKind::Client;
        const uint32_t b = static_cast<uint32_t>(st.attributes.size());
        st.attributes.push_back(Attribute{st.strings.intern("http.response.status_code"), AttrValue::integer(502)});
        st.attributes.push_back(
            Attribute{st.strings.intern("http.route"), AttrValue::str(st.strings.intern("/charge"))});
        st.spans[pay].attrs = AttrRange{b, 2};
        a = analyze(st);
    }
    std::vector<uint32_t> find(const char* q) {
        auto parsed = parse_span_query(q);
        REQUIRE_MESSAGE(parsed.ok(), parsed.error());
        return search_trace(st, a, 0, *parsed);
    }
};
}  // namespace

TEST_CASE("search: words, fields, attributes, status and durations") {
    Fixture f;
    using V = std::vector<uint32_t>;
    CHECK(f.find("pay") == V{f.pay});  // a word in the service or name, any case
    CHECK(f.find("CHARGE") == V{f.pay});
    CHECK(f.find("a") == V{f.root, f.auth, f.pay});  // gateway, auth, payments (not db.INSERT)
    CHECK(f.find("E") == V{f.root, f.auth, f.pay, f.db});
    CHECK(f.find("service=db") == V{f.db});
    CHECK(f.find("service=d").empty());  // a field is matched whole
    CHECK(f.find("\"name=GET /checkout\"") == V{f.root});
    CHECK(f.find("status=error") == V{f.pay});
    CHECK(f.find("kind=client") == V{f.db});
    CHECK(f.find("http.response.status_code=502") == V{f.pay});
    CHECK(f.find("http.response.status_code=500").empty());
    CHECK(f.find("http.route=/charge") == V{f.pay});
    CHECK(f.find("duration>50ms") == V{f.root, f.pay});  // 200 and 160; db is exactly 50
    CHECK(f.find("duration>=50ms") == V{f.root, f.pay, f.db});
    CHECK(f.find("duration<0.02s") == V{f.auth});
    CHECK(f.find("duration>50ms service=payments") == V{f.pay});  // every term must match
    CHECK(f.find(to_hex(f.st.spans[f.db].span_id).c_str()) == V{f.db});
    CHECK(f.find("").empty());
}

TEST_CASE("search: wrong terms say what is wrong") {
    auto bad = parse_span_query("duration>fast");
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().find("duration>fast") != std::string::npos);
    CHECK_FALSE(parse_span_query("status=broken").ok());
    CHECK_FALSE(parse_span_query("=x").ok());
    int64_t ns = 0;
    CHECK(parse_duration_ns("1.5s", ns));
    CHECK(ns == 1'500'000'000);
    CHECK(parse_duration_ns("250us", ns));
    CHECK(ns == 250'000);
    CHECK(parse_duration_ns("7", ns));
    CHECK(ns == 7 * kMs);
    CHECK_FALSE(parse_duration_ns("7 minutes", ns));
}

TEST_CASE("search: next and previous wrap around the matches in waterfall order") {
    Fixture f;
    const auto m = f.find("e");  // root, auth, pay, db
    CHECK(step_match(f.a, 0, m, -1, true) == static_cast<int32_t>(f.root));
    CHECK(step_match(f.a, 0, m, -1, false) == static_cast<int32_t>(f.db));
    CHECK(step_match(f.a, 0, m, static_cast<int32_t>(f.auth), true) == static_cast<int32_t>(f.pay));
    CHECK(step_match(f.a, 0, m, static_cast<int32_t>(f.db), true) == static_cast<int32_t>(f.root));
    CHECK(step_match(f.a, 0, m, static_cast<int32_t>(f.root), false) == static_cast<int32_t>(f.db));
    const auto errors = f.find("status=error");
    CHECK(step_match(f.a, 0, errors, static_cast<int32_t>(f.db), true) == static_cast<int32_t>(f.pay));
    CHECK(step_match(f.a, 0, {}, -1, true) == -1);
}
