// The pieces under the importers: the string pool's memo, huge-page buffers and the hex id parser.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "sim/formats/format_io.hpp"
#include "sim/io/big_buffer.hpp"
#include "sim/trace/ids.hpp"
#include "sim/trace/trace_store.hpp"

using namespace tl;

TEST_CASE("InternMemo gives the pool's own ids, whatever order the strings come in") {
    StringPool pool;
    InternMemo memo(pool);
    const StrId method = memo.key(0, "http.request.method");
    CHECK(method == pool.intern("http.request.method"));
    CHECK(memo.key(0, "http.request.method") == method);  // a repeat at the same position
    CHECK(memo.key(5, "http.request.method") == method);  // the same string elsewhere
    const StrId route = memo.key(0, "http.route");        // another string at that position
    CHECK(route != method);
    CHECK(pool.get(route) == "http.route");
    CHECK(memo.key(0, "http.request.method") == method);
    // Strings with the same length and the same first, middle and last bytes share a table slot: each
    // still gets its own id.
    const StrId a = memo.name("axxxbxxxc"), b = memo.name("ayyybyyyc");
    CHECK(a != b);
    CHECK(memo.name("axxxbxxxc") == a);
    CHECK(memo.name("ayyybyyyc") == b);
    CHECK(pool.get(a) == "axxxbxxxc");
    CHECK(pool.get(b) == "ayyybyyyc");
    CHECK(memo.name("") == 0);
    CHECK(memo.value(InternMemo::kSlots + 3, "GET") == pool.intern("GET"));
    // A string passed from a buffer that is then overwritten: the memo compares with the pooled text.
    char buf[8];
    std::memcpy(buf, "abc", 3);
    const StrId abc = memo.value(1, std::string_view(buf, 3));
    std::memcpy(buf, "xyz", 3);
    const StrId xyz = memo.value(1, std::string_view(buf, 3));
    CHECK(abc != xyz);
    CHECK(pool.get(xyz) == "xyz");
}

TEST_CASE("BigBuffer: zero-filled, mapped when big, movable") {
    for (size_t size : {size_t(0), size_t(100), BigBuffer::kMapFrom - 1, BigBuffer::kMapFrom, size_t(5) << 20}) {
        INFO(size);
        BigBuffer b(size);
        CHECK(b.size() == size);
        if (size == 0) continue;
        REQUIRE(b.data() != nullptr);
        CHECK(b.data()[0] == 0);
        CHECK(b.data()[size - 1] == 0);
        b.data()[size - 1] = 'x';
        BigBuffer moved(std::move(b));
        CHECK(moved.data()[size - 1] == 'x');
        CHECK(b.data() == nullptr);  // NOLINT(bugprone-use-after-move): a moved-from buffer is empty
        BigBuffer assigned;
        assigned = std::move(moved);
        CHECK(assigned.size() == size);
        CHECK(assigned.data()[size - 1] == 'x');
    }
}

TEST_CASE("parse_hex_u64: up to 16 hex digits of either case") {
    CHECK(parse_hex_u64("00f067aa0ba902b7") == 0x00f067aa0ba902b7ULL);
    CHECK(parse_hex_u64("00F067AA0BA902B7") == 0x00f067aa0ba902b7ULL);
    CHECK(parse_hex_u64("ffffffffffffffff") == ~0ULL);
    CHECK(parse_hex_u64("1") == 1);
    CHECK(parse_hex_u64("") == 0);
    CHECK_FALSE(parse_hex_u64("00f067aa0ba902b70").has_value());  // 17 digits
    CHECK_FALSE(parse_hex_u64("00f067aa0ba9g2b7").has_value());
    CHECK_FALSE(parse_hex_u64(std::string("00f0\0" "7aa", 8)).has_value());
    CHECK_FALSE(parse_hex_u64("\xff").has_value());
    CHECK_FALSE(parse_hex_u64("-1").has_value());
}

TEST_CASE("SpanImport::resource shares equal resources, found by content among thousands") {
    ImportedTrace out;
    formats::SpanImport in("r.json", out);
    TraceStore& st = in.store();
    const StrId api = st.strings.intern("api"), host = st.strings.intern("host.name"),
                load = st.strings.intern("load");
    auto add = [&](StrId service, int h, double l) {
        const auto begin = static_cast<uint32_t>(st.attributes.size());
        st.attributes.push_back(Attribute{host, AttrValue::str(st.strings.intern("h" + std::to_string(h)))});
        st.attributes.push_back(Attribute{load, AttrValue::real(l)});
        return in.resource(service, begin);
    };
    std::vector<uint32_t> first;
    for (int h = 0; h < 3000; ++h) first.push_back(add(api, h, 0.5));
    CHECK(st.resources.size() == 3000);
    const size_t attrs = st.attributes.size();
    for (int h = 2999; h >= 0; --h) CHECK(add(api, h, 0.5) == first[static_cast<size_t>(h)]);
    CHECK(st.resources.size() == 3000);
    CHECK(st.attributes.size() == attrs);  // a shared resource's attributes are dropped again
    // Equal as same_value has it: 0.0 and -0.0, and any two NaNs.
    const uint32_t zero = add(api, 1, 0.0);
    CHECK(add(api, 1, -0.0) == zero);
    const uint32_t nan = add(api, 1, std::nan("1"));
    CHECK(add(api, 1, std::nan("2")) == nan);
    CHECK(nan != zero);
    // Another service with the same attributes is another resource.
    CHECK(add(st.strings.intern("db"), 7, 0.5) != first[7]);
}

TEST_CASE("StringPool: views stay put across blocks, moves and copies; a moved-from pool is empty and usable") {
    StringPool pool;
    CHECK(pool.get(0).empty());
    std::vector<StrId> ids;
    std::vector<std::string> texts;
    for (int i = 0; i < 20000; ++i) {  // several blocks of short strings
        texts.push_back("attribute.value." + std::to_string(i));
        ids.push_back(pool.intern(texts.back()));
    }
    const std::string huge(StringPool::kBlockBytes, 'h');  // a block of its own
    const StrId huge_id = pool.intern(huge);
    const StrId after = pool.intern("after the huge one");
    const std::string_view first_view = pool.get(ids[0]);
    size_t wrong = 0;
    for (size_t i = 0; i < ids.size(); ++i) wrong += pool.get(ids[i]) == texts[i] ? 0 : 1;
    CHECK(wrong == 0);
    CHECK(pool.intern(texts[123]) == ids[123]);
    CHECK(pool.get(huge_id) == huge);
    CHECK(pool.get(after) == "after the huge one");

    StringPool moved(std::move(pool));
    CHECK(moved.get(ids[0]).data() == first_view.data());  // the text did not move
    CHECK(moved.get(huge_id) == huge);
    CHECK(pool.size() == 1);  // NOLINT(bugprone-use-after-move): documented as empty and usable
    CHECK(pool.intern("fresh") == 1);
    CHECK(pool.get(1) == "fresh");
    CHECK(moved.get(1) == texts[0]);  // the other pool is untouched

    const StringPool copy(moved);
    CHECK(copy.size() == moved.size());
    CHECK(copy.get(ids[19999]) == texts[19999]);
    CHECK(copy.get(ids[0]).data() != moved.get(ids[0]).data());
    StrId found = 0;
    CHECK(copy.find(texts[500], &found));
    CHECK(found == ids[500]);
    CHECK_FALSE(copy.find("not there", &found));
}
