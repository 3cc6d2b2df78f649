// Tests for sim/trace_context: the W3C Trace Context test-suite vectors (loaded from the shared vectors file at
// test time) and one targeted test per rule of the spec.
//
// [SECTION] Vectors file
// [SECTION] traceparent rules
// [SECTION] tracestate rules
// [SECTION] receive() and outgoing calls
#include "sim/trace/trace_context.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <functional>
#include <map>
#include <set>

namespace {

using tl::ContextDecision;
using tl::HeaderField;
using tl::Json;

// [SECTION] Vectors file

Json load_vectors() {
    const std::string path = std::string(TRACELAB_SHARED_DIR) + "/vectors/w3c_tracecontext.json";
    auto j = tl::read_json_file(path);
    REQUIRE_MESSAGE(j.ok(), (j.ok() ? "" : j.error()));
    return *j;
}

std::vector<HeaderField> headers_of(const Json& pairs) {
    std::vector<HeaderField> h;
    for (const auto& p : pairs) h.push_back({p.at(0).get<std::string>(), p.at(1).get<std::string>()});
    return h;
}

// Every run of 32 lowercase hex digits in the incoming headers: trace ids that must not survive a restart.
std::set<std::string> incoming_trace_ids(const std::vector<HeaderField>& headers) {
    std::set<std::string> ids;
    for (const auto& h : headers) {
        const std::string& v = h.value;
        for (size_t i = 0; i + 32 <= v.size(); ++i) {
            bool hex = true;
            for (size_t k = i; k < i + 32 && hex; ++k)
                hex = (v[k] >= '0' && v[k] <= '9') || (v[k] >= 'a' && v[k] <= 'f') || (v[k] >= 'A' && v[k] <= 'F');
            if (!hex) continue;
            std::string id = v.substr(i, 32);
            for (char& c : id) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            ids.insert(id);
        }
    }
    return ids;
}

std::string first_value(const std::vector<HeaderField>& headers, const char* lower_name) {
    for (const auto& h : headers) {
        std::string n = h.name;
        for (char& c : n) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (n == lower_name) return h.value;
    }
    return {};
}

// Simulates the receiving service: it takes the headers, then makes `calls` outgoing calls. Returns the
// traceparents it sends, as parsed back from their wire form.
std::vector<tl::TraceParent> outgoing_calls(const tl::ReceivedContext& rc, int calls, uint64_t seed = 7) {
    tl::IdGenerator ids(seed);
    const tl::TraceParent own = tl::service_context(rc, ids, /*sampled=*/true);
    std::vector<tl::TraceParent> sent;
    for (int i = 0; i < calls; ++i) {
        const std::string wire = tl::format_traceparent(tl::child_traceparent(own, ids.span_id(), true));
        auto back = tl::parse_traceparent(wire);
        REQUIRE_MESSAGE(back.ok(), wire);
        CHECK(wire.substr(0, 3) == "00-");
        CHECK(back->unknown_flags() == 0);
        sent.push_back(*back);
    }
    return sent;
}

// Checks the traceparent half of a vector: continue keeps the incoming trace id under a new parent id; start
// and restart send a new, non-zero trace id that appears nowhere in the input.
void check_traceparent_outcome(const std::vector<HeaderField>& headers, const tl::ReceivedContext& rc,
                               bool expect_continue, int calls = 1) {
    CHECK(rc.continues() == expect_continue);
    const auto sent = outgoing_calls(rc, calls);
    std::set<uint64_t> parent_ids;
    for (const auto& tp : sent) {
        parent_ids.insert(tp.parent_id.value);
        CHECK(tp.trace_id == sent.front().trace_id);
        if (expect_continue) {
            CHECK(tl::to_hex(tp.trace_id) == tl::to_hex(rc.parent.trace_id));
            CHECK(incoming_trace_ids(headers).count(tl::to_hex(tp.trace_id)) == 1);
            CHECK(tp.parent_id != rc.parent.parent_id);
            CHECK(tp.random() == rc.parent.random());
        } else {
            CHECK(tp.trace_id.valid());
            CHECK(incoming_trace_ids(headers).count(tl::to_hex(tp.trace_id)) == 0);
        }
    }
    CHECK(parent_ids.size() == sent.size());  // every outgoing call has its own parent id
    if (!expect_continue) {
        CHECK(rc.tracestate.empty());
        CHECK_FALSE(rc.explanation.empty());
    }
}

using TraceStateCheck = std::function<void(const tl::ReceivedContext&, const std::vector<HeaderField>&)>;

// One check per tracestate expectation written in the vectors file.
std::map<std::string, TraceStateCheck> tracestate_checks() {
    auto formatted = [](const tl::ReceivedContext& rc) { return tl::format_tracestate(rc.tracestate); };
    auto absent = [](std::vector<std::string> keys) {
        return TraceStateCheck([keys](const tl::ReceivedContext& rc, const std::vector<HeaderField>&) {
            for (const auto& k : keys) CHECK_MESSAGE(!rc.tracestate.find(k), k);
        });
    };
    auto exactly = [formatted](std::string want) {
        return TraceStateCheck(
            [=](const tl::ReceivedContext& rc, const std::vector<HeaderField>&) { CHECK(formatted(rc) == want); });
    };
    auto echoed = [formatted](const tl::ReceivedContext& rc, const std::vector<HeaderField>& h) {
        CHECK(formatted(rc) == first_value(h, "tracestate"));
    };
    // The invalid member's key is not passed on, and whatever is passed on is valid.
    auto invalid_member_dropped = [](const tl::ReceivedContext& rc, const std::vector<HeaderField>& h) {
        const std::string v = first_value(h, "tracestate");
        const std::string bad_key = v.substr(0, v.find('='));
        CHECK_FALSE(rc.tracestate.find(bad_key));
        for (const auto& e : rc.tracestate.entries) {
            CHECK_FALSE(tl::tracestate_key_error(e.key));
            CHECK_FALSE(tl::tracestate_value_error(e.value));
        }
    };
    auto foo_and_second_line = [formatted](const tl::ReceivedContext& rc, const std::vector<HeaderField>& h) {
        REQUIRE(h.size() == 3);
        CHECK(formatted(rc) == "foo=1," + h[2].value);
    };
    auto foo_is = [](std::set<std::string> allowed) {
        return TraceStateCheck([=](const tl::ReceivedContext& rc, const std::vector<HeaderField>&) {
            auto foo = rc.tracestate.find("foo");
            REQUIRE(foo.has_value());
            CHECK(allowed.count(std::string(*foo)) == 1);
            CHECK(rc.tracestate.entries.size() == 1);  // never two entries for one key
        });
    };
    std::map<std::string, TraceStateCheck> m;
    m["discard incoming tracestate"] = [](const tl::ReceivedContext& rc, const std::vector<HeaderField>&) {
        CHECK(rc.tracestate.empty());
        CHECK(rc.tracestate_discarded);
    };
    m["propagate foo=1, bar=2"] = exactly("foo=1,bar=2");
    m["foo must NOT be present (wrong header name)"] = absent({"foo"});
    m["propagate foo=1"] = exactly("foo=1");
    m["empty tracestate may be dropped (must not emit an invalid one)"] = exactly("");
    m["combined, order preserved: foo=1,bar=2,rojo=1,congo=2,baz=3"] = exactly("foo=1,bar=2,rojo=1,congo=2,baz=3");
    m["foo=1 present (dupes kept or one dropped)"] = foo_is({"1"});
    m["foo=1 present"] = foo_is({"1"});
    m["foo=1 or foo=2 present"] = foo_is({"1", "2"});
    m["propagate key/value exactly (value has leading space)"] = echoed;
    m["propagate key/value exactly (key contains @)"] = echoed;
    m["foo=1,bar=2,baz=3 (OWS around commas ignored)"] = exactly("foo=1,bar=2,baz=3");
    m["propagate foo=1 (value '1')"] = exactly("foo=1");
    m["must not propagate invalid member ('foo ' key)"] = invalid_member_dropped;
    m["must not propagate (uppercase key)"] = invalid_member_dropped;
    m["must not propagate ('.' not allowed in key)"] = invalid_member_dropped;
    m["propagate foo@=1 and bar=2 (Level 2+ grammar; Level 1 test expected whole header discarded)"] =
        exactly("foo@=1,bar=2");
    m["discard whole tracestate (bar must be absent): key cannot start with @"] = absent({"bar", "@foo"});
    m["propagate both (Level 2+; Level 1 expected discard)"] = echoed;
    m["propagate all 32 members"] = [](const tl::ReceivedContext& rc, const std::vector<HeaderField>&) {
        REQUIRE(rc.tracestate.entries.size() == 32);
        CHECK(rc.tracestate.entries.front().key == "bar01");
        CHECK(rc.tracestate.entries.back().key == "bar32");
    };
    m["33 members -> discard whole tracestate (bar01 absent)"] = absent({"bar01", "bar33"});
    m["propagate foo and 256-char key"] = [](const tl::ReceivedContext& rc, const std::vector<HeaderField>&) {
        REQUIRE(rc.tracestate.entries.size() == 2);
        CHECK(rc.tracestate.entries[0].key == "foo");
        CHECK(rc.tracestate.entries[1].key.size() == 256);
    };
    m["257-char key -> discard whole tracestate (foo absent)"] = absent({"foo"});
    m["propagate foo and key (Level 2+: only total <=256 matters; Level 1 rejected 242-char tenant / 15-char "
      "system)"] = foo_and_second_line;
    m["foo absent ('=' not allowed in value)"] = absent({"foo"});
    m["discard whole tracestate (empty value invalid; foo and bar absent)"] = absent({"foo", "bar"});
    return m;
}

TEST_CASE("trace_context: every case of the W3C test suite in the shared vectors file") {
    const Json vectors = load_vectors();
    const Json& cases = vectors.at("cases");
    REQUIRE(cases.size() >= 80);
    const auto ts_checks = tracestate_checks();
    size_t checked = 0;
    for (size_t i = 0; i < cases.size(); ++i) {
        const Json& c = cases[i];
        const std::string expect_tp = c.at("expect").at("traceparent").get<std::string>();
        CAPTURE(i);
        CAPTURE(c.at("test").get<std::string>());
        CAPTURE(expect_tp);
        const auto headers = headers_of(c.at("headers"));
        const auto rc = tl::receive(headers);

        const bool continues =
            expect_tp.rfind("continue", 0) == 0 || expect_tp.find("all same trace-id") != std::string::npos;
        const bool new_trace = expect_tp.rfind("restart", 0) == 0 || expect_tp.rfind("start new trace", 0) == 0 ||
                               expect_tp.find("new (non-zero) trace-id") != std::string::npos ||
                               expect_tp == "3 outgoing calls: 3 distinct parent-ids";
        REQUIRE_MESSAGE(continues != new_trace, "unrecognised traceparent expectation");
        const int calls = expect_tp.rfind("3 outgoing calls", 0) == 0 ? 3 : 1;
        check_traceparent_outcome(headers, rc, continues, calls);
        if (expect_tp.find("random flag (0x02) still set") != std::string::npos) {
            CHECK(rc.parent.random());
            CHECK(outgoing_calls(rc, 1).front().random());
        }
        if (expect_tp.rfind("restart", 0) == 0 && first_value(headers, "traceparent").size() > 0) {
            CHECK(rc.decision == ContextDecision::Restart);
            CHECK_FALSE(rc.traceparent_problem.empty());
        }

        if (c.at("expect").contains("tracestate")) {
            const std::string expect_ts = c.at("expect").at("tracestate").get<std::string>();
            CAPTURE(expect_ts);
            auto it = ts_checks.find(expect_ts);
            REQUIRE_MESSAGE(it != ts_checks.end(), "unrecognised tracestate expectation");
            it->second(rc, headers);
            // Whatever is passed on must itself be a valid tracestate that reads back the same.
            const std::string out = tl::format_tracestate(rc.tracestate);
            auto back = tl::parse_tracestate(out);
            REQUIRE(back.ok());
            CHECK(*back == rc.tracestate);
            if (rc.tracestate_discarded && rc.tracestate_received && !out.empty()) FAIL("discarded but not empty");
        }
        ++checked;
    }
    CHECK(checked == cases.size());
}

TEST_CASE("trace_context: every spec-derived extra case in the shared vectors file") {
    const Json vectors = load_vectors();
    const Json& cases = vectors.at("spec_derived_extra_cases").at("cases");
    REQUIRE(cases.size() >= 7);
    for (size_t i = 0; i < cases.size(); ++i) {
        const Json& c = cases[i];
        const std::string expect = c.at("expect").get<std::string>();
        CAPTURE(i);
        CAPTURE(c.at("why").get<std::string>());
        REQUIRE((expect == "continue" || expect == "restart"));
        const auto headers = headers_of(c.at("headers"));
        const auto rc = tl::receive(headers);
        check_traceparent_outcome(headers, rc, expect == "continue");
        if (expect == "restart") CHECK(rc.decision == ContextDecision::Restart);
        if (expect == "continue") {
            // Bits are read one by one, never by comparing the whole byte.
            const uint8_t flags = rc.parent.flags;
            CHECK(rc.parent.sampled() == ((flags & 1) != 0));
            CHECK(rc.parent.random() == ((flags & 2) != 0));
            const auto sent = outgoing_calls(rc, 1).front();
            CHECK(sent.unknown_flags() == 0);
            CHECK(sent.random() == rc.parent.random());
        }
    }
}

// [SECTION] traceparent rules

constexpr const char* kValid = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

TEST_CASE("traceparent: a valid version 00 value is read field by field and formats back unchanged") {
    auto tp = tl::parse_traceparent(kValid);
    REQUIRE(tp.ok());
    CHECK(tp->version == 0);
    CHECK(tl::to_hex(tp->trace_id) == "4bf92f3577b34da6a3ce929d0e0e4736");
    CHECK(tl::to_hex(tp->parent_id) == "00f067aa0ba902b7");
    CHECK(tp->sampled());
    CHECK_FALSE(tp->random());
    CHECK(tl::format_traceparent(*tp) == kValid);
}

TEST_CASE("traceparent: spaces and tabs around the value are ignored, inside it they are not") {
    tl::ParseNotes notes;
    auto tp = tl::parse_traceparent(std::string(" \t") + kValid + "\t ", &notes);
    REQUIRE(tp.ok());
    CHECK(notes.size() == 1);
    CHECK(tl::format_traceparent(*tp) == kValid);
    CHECK_FALSE(tl::parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736 -00f067aa0ba902b7-01").ok());
}

TEST_CASE("traceparent: each rejection names the field and the rule") {
    struct Case {
        const char* value;
        const char* words;
    };
    const Case cases[] = {
        {"", "empty"},
        {"00-00000000000000000000000000000000-00f067aa0ba902b7-01", "trace-id is all zeros"},
        {"00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", "parent-id is all zeros"},
        {"00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", "uppercase"},
        {"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0A", "trace-flags"},
        {"0A-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "version"},
        {"ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "ff"},
        {"00-4bf92f3577b34da6a3ce929d0e0e47361-00f067aa0ba902b7-01", "33 digits"},
        {"00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01", "31 digits"},
        {"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b-01", "15 digits"},
        {"000-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "version"},
        {"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-00", "four fields"},
        {"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7", "trace-flags is missing"},
        {"00-4bf92f3577b34da6a3ce929d0e0e4736", "parent-id is missing"},
        {"00", "trace-id is missing"},
        {"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0.", "'.'"},
        {"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0\x01", "0x01"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.value);
        auto tp = tl::parse_traceparent(c.value);
        REQUIRE_FALSE(tp.ok());
        CHECK_MESSAGE(tp.error().find(c.words) != std::string::npos, tp.error());
    }
}

TEST_CASE("traceparent: a future version is read by its first four fields; extra data only after '-'") {
    tl::ParseNotes notes;
    auto tp = tl::parse_traceparent("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-09-later-fields", &notes);
    REQUIRE(tp.ok());
    CHECK(tp->version == 0xcc);
    CHECK(tp->flags == 0x09);
    REQUIRE(notes.size() == 1);
    CHECK(notes[0].find("-later-fields") != std::string::npos);
    // Sent on as version 00, with the undefined bit 3 cleared and the sampled bit kept.
    CHECK(tl::format_traceparent(*tp) == "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");

    auto glued = tl::parse_traceparent("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01.later");
    REQUIRE_FALSE(glued.ok());
    CHECK(glued.error().find("followed only by the end or by '-'") != std::string::npos);
    CHECK_FALSE(tl::parse_traceparent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7").ok());
    CHECK(tl::parse_traceparent("fe-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-").ok());
}

TEST_CASE("traceparent: flags are read bit by bit") {
    const std::string base = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-";
    for (int flags = 0; flags < 256; ++flags) {
        const char hex[] = "0123456789abcdef";
        const std::string v = base + hex[flags >> 4] + hex[flags & 15];
        auto tp = tl::parse_traceparent(v);
        REQUIRE(tp.ok());
        CHECK(tp->sampled() == ((flags & 0x01) != 0));
        CHECK(tp->random() == ((flags & 0x02) != 0));
        CHECK(tp->unknown_flags() == (flags & 0xfc));
        // Only the two defined bits survive formatting.
        auto again = tl::parse_traceparent(tl::format_traceparent(*tp));
        REQUIRE(again.ok());
        CHECK(again->flags == (flags & 0x03));
    }
}

TEST_CASE("traceparent: describe_flags explains each bit and flags undefined ones") {
    auto d = tl::describe_flags(0x03);
    REQUIRE(d.size() == 3);
    CHECK(d[0].find("sampled = 1") != std::string::npos);
    CHECK(d[1].find("random = 1") != std::string::npos);
    auto u = tl::describe_flags(0x84);
    CHECK(u[0].find("sampled = 0") != std::string::npos);
    CHECK(u.size() == 4);  // sampled, random, bit 2, bit 7
    CHECK(u[2].find("bit 2 = 1") != std::string::npos);
    CHECK(u[3].find("bit 7 = 1") != std::string::npos);
}

// [SECTION] tracestate rules

TEST_CASE("tracestate: key grammar (Level 2)") {
    CHECK_FALSE(tl::tracestate_key_error("congo"));
    CHECK_FALSE(tl::tracestate_key_error("0abc_-*/"));
    CHECK_FALSE(tl::tracestate_key_error("tenant@system"));
    CHECK_FALSE(tl::tracestate_key_error("foo@"));  // Level 2: '@' is an ordinary key character
    CHECK_FALSE(tl::tracestate_key_error(std::string(256, 'k')));
    CHECK(tl::tracestate_key_error(std::string(257, 'k')));
    CHECK(tl::tracestate_key_error(""));
    CHECK(tl::tracestate_key_error("@foo")->find("must start with") != std::string::npos);
    CHECK(tl::tracestate_key_error("Foo")->find("uppercase") != std::string::npos);
    CHECK(tl::tracestate_key_error("foo.bar")->find("'.'") != std::string::npos);
    CHECK(tl::tracestate_key_error("foo bar")->find("a space") != std::string::npos);
    auto split = tl::split_multi_tenant_key("acme@rojo");
    REQUIRE(split.has_value());
    CHECK(split->first == "acme");
    CHECK(split->second == "rojo");
    CHECK_FALSE(tl::split_multi_tenant_key("rojo"));
}

TEST_CASE("tracestate: value grammar") {
    CHECK_FALSE(tl::tracestate_value_error(" leading space kept"));
    CHECK_FALSE(tl::tracestate_value_error(std::string(256, 'v')));
    CHECK(tl::tracestate_value_error(std::string(257, 'v')));
    CHECK(tl::tracestate_value_error(""));
    CHECK(tl::tracestate_value_error("a=b")->find("'='") != std::string::npos);
    CHECK(tl::tracestate_value_error("a,b"));
    CHECK(tl::tracestate_value_error("trailing "));
    CHECK(tl::tracestate_value_error("tab\there")->find("a tab") != std::string::npos);
    CHECK(tl::tracestate_value_error("caf\xc3\xa9"));
}

TEST_CASE("tracestate: members, whitespace, empty members and several headers") {
    tl::ParseNotes notes;
    auto ts = tl::parse_tracestate(" rojo=00f067aa0ba902b7 ,, \t,congo=t61rcWkgMzE\t", &notes);
    REQUIRE(ts.ok());
    CHECK(tl::format_tracestate(*ts) == "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
    CHECK(notes.size() == 1);  // empty members skipped

    auto lead = tl::parse_tracestate("k=  v");
    REQUIRE(lead.ok());
    CHECK(*lead->find("k") == "  v");  // leading spaces belong to the value

    auto empty = tl::parse_tracestate(" ,  , ");
    REQUIRE(empty.ok());
    CHECK(empty->empty());

    const std::vector<std::string_view> lines = {"a=1,b=2", "", "c=3"};
    auto combined = tl::parse_tracestate(lines);
    REQUIRE(combined.ok());
    CHECK(tl::format_tracestate(*combined) == "a=1,b=2,c=3");
}

TEST_CASE("tracestate: one bad member or too many members drops the whole header, with the reason") {
    auto bad = tl::parse_tracestate("good=1,Bad=2");
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().find("'Bad=2'") != std::string::npos);
    CHECK(tl::parse_tracestate("novalue").error().find("no '='") != std::string::npos);

    std::string many;
    for (int i = 0; i < 33; ++i) many += (i ? "," : "") + std::string("k") + std::to_string(i) + "=v";
    auto over = tl::parse_tracestate(many);
    REQUIRE_FALSE(over.ok());
    CHECK(over.error().find("33 members") != std::string::npos);
    // Empty members do not count towards the 32.
    std::string thirty_two_and_empties;
    for (int i = 0; i < 32; ++i) thirty_two_and_empties += "k" + std::to_string(i) + "=v,,";
    CHECK(tl::parse_tracestate(thirty_two_and_empties).ok());
}

TEST_CASE("tracestate: a repeated key keeps the leftmost entry and says so") {
    tl::ParseNotes notes;
    auto ts = tl::parse_tracestate("foo=1,bar=2,foo=3", &notes);
    REQUIRE(ts.ok());
    CHECK(tl::format_tracestate(*ts) == "foo=1,bar=2");
    REQUIRE(notes.size() == 1);
    CHECK(notes[0].find("more than once") != std::string::npos);
}

TEST_CASE("tracestate: put moves the key to the front, find and erase") {
    tl::TraceState ts;
    CHECK(ts.put("congo", "t61rcWkgMzE"));
    CHECK(ts.put("rojo", "00f067aa0ba902b7"));
    CHECK(tl::format_tracestate(ts) == "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
    CHECK(ts.put("congo", "ucfJifl5GOE"));  // re-entry: updated and moved left
    CHECK(tl::format_tracestate(ts) == "congo=ucfJifl5GOE,rojo=00f067aa0ba902b7");
    std::string why;
    CHECK_FALSE(ts.put("Congo", "x", &why));
    CHECK(why.find("uppercase") != std::string::npos);
    CHECK_FALSE(ts.put("congo", "a=b", &why));
    CHECK(*ts.find("congo") == "ucfJifl5GOE");  // a refused put changes nothing
    CHECK(ts.erase("rojo"));
    CHECK_FALSE(ts.erase("rojo"));
    CHECK_FALSE(ts.find("rojo"));

    tl::TraceState full;
    for (int i = 0; i < 32; ++i) REQUIRE(full.put("k" + std::to_string(i), "v"));
    CHECK(full.put("newest", "v"));
    CHECK(full.entries.size() == 32);
    CHECK(full.entries.front().key == "newest");
    CHECK_FALSE(full.find("k0"));  // the rightmost (oldest) entry made room
}

TEST_CASE("tracestate: truncation removes whole entries, long ones first, then from the right") {
    tl::TraceState ts;
    ts.entries = {{"a", "1"}, {"long", std::string(200, 'x')}, {"b", "2"}, {"c", "3"}};
    tl::TraceState t1 = ts;
    CHECK(t1.truncate(512) == 0);
    CHECK(t1 == ts);
    CHECK(t1.truncate(20) == 1);
    CHECK(tl::format_tracestate(t1) == "a=1,b=2,c=3");
    CHECK(t1.truncate(7) == 1);
    CHECK(tl::format_tracestate(t1) == "a=1,b=2");
    CHECK(t1.truncate(0) == 2);
    CHECK(t1.empty());
}

// [SECTION] receive() and outgoing calls

TEST_CASE("receive: continue explains the decision and keeps the tracestate") {
    const std::vector<HeaderField> h = {{"TraceParent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03"},
                                        {"tracestate", "rojo=00f067aa0ba902b7"},
                                        {"TRACESTATE", "congo=t61rcWkgMzE"}};
    const auto rc = tl::receive(h);
    CHECK(rc.decision == ContextDecision::Continue);
    CHECK(tl::format_tracestate(rc.tracestate) == "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
    CHECK_FALSE(rc.tracestate_discarded);
    std::string all;
    for (const auto& line : rc.explanation) all += line + "\n";
    CHECK(all.find("continues trace 4bf92f3577b34da6a3ce929d0e0e4736") != std::string::npos);
    CHECK(all.find("random flag") != std::string::npos);
    CHECK(all.find("joined") != std::string::npos);
}

TEST_CASE("receive: an invalid traceparent restarts and drops the tracestate unparsed") {
    const std::vector<HeaderField> h = {{"traceparent", "00-00000000000000000000000000000000-00f067aa0ba902b7-01"},
                                        {"tracestate", "rojo=1"}};
    const auto rc = tl::receive(h);
    CHECK(rc.decision == ContextDecision::Restart);
    CHECK(rc.traceparent_problem.find("all zeros") != std::string::npos);
    CHECK(rc.tracestate_discarded);
    CHECK(rc.tracestate_problem.find("forbids parsing") != std::string::npos);
}

TEST_CASE("receive: two traceparent headers restart; misspelt names are pointed out") {
    const std::vector<HeaderField> two = {{"traceparent", kValid}, {"traceparent", kValid}};
    const auto rc = tl::receive(two);
    CHECK(rc.decision == ContextDecision::Restart);
    CHECK(rc.traceparent_problem.find("2 traceparent headers") != std::string::npos);

    const auto typo = tl::receive({{"trace-parent", kValid}, {"x-request-id", "abc"}});
    CHECK(typo.decision == ContextDecision::Start);
    REQUIRE(typo.explanation.size() == 2);
    CHECK(typo.explanation[0].find("'trace-parent'") != std::string::npos);
}

TEST_CASE("receive: a bad tracestate is dropped whole but the trace continues") {
    const auto rc = tl::receive({{"traceparent", kValid}, {"tracestate", "foo=1,bar="}});
    CHECK(rc.continues());
    CHECK(rc.tracestate.empty());
    CHECK(rc.tracestate_discarded);
    CHECK(rc.tracestate_problem.find("the value is empty") != std::string::npos);
}

TEST_CASE("receive: an optional size limit truncates what is passed on") {
    const std::string big = "big=" + std::string(200, 'x');
    const auto rc = tl::receive({{"traceparent", kValid}, {"tracestate", "a=1," + big + ",b=2"}}, 64);
    CHECK(tl::format_tracestate(rc.tracestate) == "a=1,b=2");
    CHECK(rc.explanation.back().find("passed on") != std::string::npos);
}

TEST_CASE("outgoing: begin_trace sets the random flag; child_traceparent keeps it and clears unknown bits") {
    tl::IdGenerator ids(42);
    const auto root = tl::begin_trace(ids, false);
    CHECK(root.trace_id.valid());
    CHECK(root.random());
    CHECK_FALSE(root.sampled());
    auto incoming = tl::parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-fd");
    REQUIRE(incoming.ok());
    const auto child = tl::child_traceparent(*incoming, tl::SpanId{0x1234}, true);
    CHECK(child.trace_id == incoming->trace_id);
    CHECK(child.flags == 0x01);  // sampled as decided here; random bit was clear; bits 2-7 dropped
    const auto from_random = tl::child_traceparent(root, tl::SpanId{7}, false);
    CHECK(from_random.flags == tl::kFlagRandom);
}

}  // namespace
