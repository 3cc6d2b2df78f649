// Faults seen in public bug reports against trace viewers, each with a made-up sibling of the same kind:
// Chrome traces cut off before "]", string pids/tids, bad names, improper nesting, times at the int64
// limit; JSON Lines with a broken line; Zipkin spans without a timestamp; self-parents and parent cycles.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "sim/formats/formats.hpp"
#include "sim/trace/analysis.hpp"
#include "tests/support/span_builder.hpp"

using namespace tl;

namespace {

bool has(const std::string& text, std::string_view needle) {
    return text.find(needle) != std::string::npos;
}

bool any_warning(const std::vector<std::string>& warnings, std::string_view needle) {
    return std::any_of(warnings.begin(), warnings.end(), [&](const std::string& w) { return has(w, needle); });
}

std::string all_warnings(const ImportedTrace& t) {
    std::string s;
    for (const auto& w : t.warnings) s += w + "\n";
    return s;
}

ImportedTrace import_ok(const std::string& text, const std::string& source) {
    auto r = import_trace_text(text, source);
    INFO(source << ": " << (r.ok() ? std::string() : r.error()));
    REQUIRE(r.ok());
    return std::move(r.value());
}

// The span named `name` (exactly one must exist).
const Span& named(const TraceStore& st, std::string_view name) {
    auto it = std::find_if(st.spans.begin(), st.spans.end(), [&](const Span& s) { return st.str(s.name) == name; });
    REQUIRE_MESSAGE(it != st.spans.end(), name);
    return *it;
}

int64_t attr_int(const TraceStore& st, const Span& s, std::string_view key) {
    const AttrValue* v = st.find_attr(s, key);
    REQUIRE(v != nullptr);
    REQUIRE(v->type == ValueType::Int);
    return v->i;
}

std::string otlp_line(const std::string& span_id, const std::string& name) {
    return R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":")" +
           span_id + R"(","name":")" + name + R"(","startTimeUnixNano":"1000","endTimeUnixNano":"2000"}]}]}]})";
}

}  // namespace

// [SECTION] Chrome

TEST_CASE("import faults: a Chrome event array without its closing bracket") {
    // The Trace Event Format makes "]" optional so that a trace cut off by a crash still opens.
    const auto t = import_ok(
        "[\n{\"name\":\"compile\",\"ph\":\"X\",\"ts\":1000,\"dur\":8000,\"pid\":41,\"tid\":3},\n"
        "{\"name\":\"link\",\"ph\":\"X\",\"ts\":9500,\"dur\":500,\"pid\":41,\"tid\":3},\n",
        "crashed.json");
    CHECK(t.format == TraceFormat::Chrome);
    REQUIRE(t.store.spans.size() == 2);
    CHECK(named(t.store, "compile").duration_ns() == 8000 * 1000);
    CHECK(named(t.store, "link").start_ns == 9500 * 1000);

    // Sibling: B/E events, no trailing comma, Windows line ends.
    const auto be = import_ok(
        "[{\"name\":\"boot\",\"ph\":\"B\",\"ts\":0,\"pid\":7,\"tid\":1},\r\n"
        "{\"ph\":\"E\",\"ts\":250,\"pid\":7,\"tid\":1}\r\n",
        "cut.json");
    REQUIRE(be.store.spans.size() == 1);
    CHECK(be.store.spans[0].duration_ns() == 250 * 1000);
    // Only the Chrome array may end early: a cut-off Zipkin list is still an error with its position.
    auto z = import_trace_text(R"([{"traceId":"1","id":"2","timestamp":1,"name":"a"},)", "zipkin.json");
    REQUIRE_FALSE(z.ok());
    CHECK(has(z.error(), "zipkin.json: line 1"));
}

TEST_CASE("import faults: Chrome pid and tid given as strings") {
    const auto t = import_ok(R"([{"name":"a","ph":"X","ts":0,"dur":100,"pid":1,"tid":"140000000000001"},
        {"name":"b","ph":"X","ts":10,"dur":20,"pid":1,"tid":"140000000000002"}])",
                             "threads.json");
    REQUIRE(t.store.spans.size() == 2);
    const Span& a = named(t.store, "a");
    const Span& b = named(t.store, "b");
    CHECK(attr_int(t.store, a, "thread.id") == 140000000000001);
    CHECK(attr_int(t.store, b, "thread.id") == 140000000000002);
    const Analysis an = analyze(t.store);
    REQUIRE(an.traces.size() == 2);  // two threads: b is not nested under a
    CHECK(an.traces[0].spans.size() == 1);
    CHECK(an.traces[1].spans.size() == 1);
    CHECK_FALSE(b.parent_span_id.valid());

    // Sibling: names instead of numbers, on both pid and tid; same pid name means the same process.
    const auto n = import_ok(R"([{"name":"x","ph":"X","ts":0,"dur":50,"pid":"renderer","tid":"main"},
        {"name":"y","ph":"X","ts":5,"dur":10,"pid":"renderer","tid":"worker"},
        {"name":"z","ph":"X","ts":6,"dur":2,"pid":"renderer","tid":"main"}])",
                             "named.json");
    REQUIRE(n.store.spans.size() == 3);
    CHECK(n.store.str(n.store.find_attr(named(n.store, "y"), "thread.id")->s) == "worker");
    CHECK(named(n.store, "z").parent_span_id == named(n.store, "x").span_id);
    CHECK_FALSE(named(n.store, "y").parent_span_id.valid());
    CHECK(named(n.store, "x").service == named(n.store, "y").service);
}

TEST_CASE("import faults: a Chrome event whose name is null or not a string") {
    const auto t = import_ok(R"([{"name":"first","ph":"X","ts":0,"dur":10,"pid":1,"tid":1},
        {"name":null,"ph":"X","ts":20,"dur":10,"pid":1,"tid":1},
        {"name":"third","ph":"X","ts":40,"dur":10,"pid":1,"tid":1}])",
                             "null-name.json");
    REQUIRE(t.store.spans.size() == 3);
    CHECK(named(t.store, "third").start_ns == 40'000);
    INFO(all_warnings(t));
    CHECK(any_warning(t.warnings, "null-name.json: /1/name: the name is null"));

    // Sibling: a number as the name, and a metadata event with a broken name, do not stop the import.
    const auto n = import_ok(R"({"traceEvents":[{"name":42,"ph":"X","ts":0,"dur":10,"pid":1,"tid":1},
        {"name":{"a":1},"ph":"M","pid":1,"args":{"name":"svc"}},
        {"name":"ok","ph":"X","ts":20,"dur":10,"pid":1,"tid":1}]})",
                             "number-name.json");
    REQUIRE(n.store.spans.size() == 2);
    CHECK(any_warning(n.warnings, "/traceEvents/0/name: the name is a number"));
}

TEST_CASE("import faults: improperly nested Chrome slices stay in one trace, with a warning") {
    // request 0-100 µs; parse 10-50 and validate 40-60 overlap without nesting; respond 70-80.
    const auto t = import_ok(R"([{"name":"request","ph":"X","ts":0,"dur":100,"pid":1,"tid":1},
        {"name":"parse","ph":"X","ts":10,"dur":40,"pid":1,"tid":1},
        {"name":"validate","ph":"X","ts":40,"dur":20,"pid":1,"tid":1},
        {"name":"respond","ph":"X","ts":70,"dur":10,"pid":1,"tid":1}])",
                             "overlap.json");
    REQUIRE(t.store.spans.size() == 4);
    const Analysis a = analyze(t.store);
    REQUIRE(a.traces.size() == 1);
    const SpanId request = named(t.store, "request").span_id;
    for (const char* child : {"parse", "validate", "respond"}) CHECK(named(t.store, child).parent_span_id == request);
    INFO(all_warnings(t));
    CHECK(any_warning(t.warnings, "overlap.json: /2: this slice starts inside the slice at /1"));
    CHECK(any_warning(t.warnings, "placed under the enclosing slice at /0"));

    // Sibling: one level deeper, and the slice falls back to the nearest enclosing one (mid), not the top.
    const auto d = import_ok(R"([{"name":"outer","ph":"X","ts":0,"dur":1000,"pid":2,"tid":9},
        {"name":"mid","ph":"X","ts":100,"dur":800,"pid":2,"tid":9},
        {"name":"a","ph":"X","ts":200,"dur":300,"pid":2,"tid":9},
        {"name":"b","ph":"X","ts":400,"dur":300,"pid":2,"tid":9},
        {"name":"c","ph":"X","ts":450,"dur":50,"pid":2,"tid":9}])",
                             "deeper.json");
    CHECK(named(d.store, "b").parent_span_id == named(d.store, "mid").span_id);
    CHECK(named(d.store, "c").parent_span_id == named(d.store, "b").span_id);  // inside b, which outlasts it
    CHECK(analyze(d.store).traces.size() == 1);
}

TEST_CASE("import faults: Chrome times at the edge of 64-bit nanoseconds") {
    // 8.9e15 µs is 8.9e18 ns (fits); start + duration would not.
    const auto t = import_ok(R"([{"name":"huge","ph":"X","ts":8.9e15,"dur":8.9e15,"pid":1,"tid":1},
        {"name":"fine","ph":"X","ts":5,"dur":1,"pid":1,"tid":1}])",
                             "edge.json");
    REQUIRE(t.store.spans.size() == 1);
    CHECK(t.store.str(t.store.spans[0].name) == "fine");
    INFO(all_warnings(t));
    CHECK(any_warning(t.warnings, "edge.json: /0/dur: the slice would end outside the 64-bit nanosecond range"));

    // Sibling: a begin event whose time alone is beyond the range, and one just inside it that still works.
    const auto b = import_ok(R"([{"name":"far","ph":"B","ts":1e16,"pid":1,"tid":1},
        {"name":"near","ph":"X","ts":9.2e15,"dur":1,"pid":1,"tid":2}])",
                             "far.json");
    REQUIRE(b.store.spans.size() == 1);
    CHECK(b.store.spans[0].start_ns == 9'200'000'000'000'000'000);
    CHECK(any_warning(b.warnings, "far.json: /0/ts: 1e+16 microseconds is out of range"));
}

// [SECTION] JSON Lines

TEST_CASE("import faults: JSON Lines with a broken line keeps the good lines") {
    std::string broken = otlp_line("0000000000000005", "e");
    const size_t cut = broken.find(R"(,"startTimeUnixNano")");
    broken.insert(cut, ",");        // ",," : the second comma is the mistake
    const size_t column = cut + 2;  // 1-based column of the second comma
    std::string text;
    for (int i = 1; i <= 6; ++i)
        text += (i == 5 ? broken : otlp_line("000000000000000" + std::to_string(i), "line" + std::to_string(i))) + "\n";
    const auto t = import_ok(text, "export.jsonl");
    CHECK(t.store.spans.size() == 5);
    INFO(all_warnings(t));
    CHECK(any_warning(t.warnings, "export.jsonl: line 5, column " + std::to_string(column) + ": not valid JSON"));

    // Sibling: the last line was cut off mid-write (no newline at the end).
    const std::string last = otlp_line("0000000000000009", "cut");
    const std::string partial = last.substr(0, 40);
    const auto c = import_ok(otlp_line("0000000000000001", "a") + "\n" + otlp_line("0000000000000002", "b") + "\n" +
                                 otlp_line("0000000000000003", "c") + "\n" + partial,
                             "cut.jsonl");
    CHECK(c.store.spans.size() == 3);
    INFO(all_warnings(c));
    CHECK(any_warning(c.warnings, "cut.jsonl: line 4, column " + std::to_string(partial.size() + 1)));
}

// [SECTION] Zipkin

TEST_CASE("import faults: a Zipkin span without a timestamp stays in the tree") {
    const auto t = import_ok(
        R"([{"traceId":"463ac35c9f6413ad","id":"00000000000000a1","name":"checkout","timestamp":1000,"duration":500},
            {"traceId":"463ac35c9f6413ad","id":"00000000000000a2","parentId":"00000000000000a1","name":"pending"},
            {"traceId":"463ac35c9f6413ad","id":"00000000000000a3","parentId":"00000000000000a2","name":"query",
             "timestamp":1200,"duration":10}])",
        "incomplete.json");
    REQUIRE(t.store.spans.size() == 3);
    const Span& pending = named(t.store, "pending");
    CHECK(pending.start_ns == 1000 * 1000);
    CHECK(pending.duration_ns() == 0);
    INFO(all_warnings(t));
    CHECK(any_warning(t.warnings, "incomplete.json: /1: no \"timestamp\""));
    const Analysis a = analyze(t.store);
    REQUIRE(a.traces.size() == 1);
    CHECK(a.traces[0].orphans.empty());
    CHECK(a.traces[0].root >= 0);

    // Sibling: two untimed spans in a chain, listed before their timed grandparent.
    const auto c = import_ok(
        R"([{"traceId":"463ac35c9f6413ae","id":"00000000000000b3","parentId":"00000000000000b2","name":"leaf"},
            {"traceId":"463ac35c9f6413ae","id":"00000000000000b2","parentId":"00000000000000b1","name":"middle"},
            {"traceId":"463ac35c9f6413ae","id":"00000000000000b1","name":"top","timestamp":7000,"duration":90}])",
        "chain.json");
    REQUIRE(c.store.spans.size() == 3);
    CHECK(named(c.store, "leaf").start_ns == 7000 * 1000);
    CHECK(named(c.store, "middle").start_ns == 7000 * 1000);
    CHECK(analyze(c.store).traces[0].orphans.empty());
}

TEST_CASE("import faults: a span whose parent id is its own id is a root") {
    const auto t = import_ok(
        R"([{"traceId":"463ac35c9f6413ad","id":"00000000000000c1","parentId":"00000000000000c1","name":"self",
             "timestamp":1000,"duration":500},
            {"traceId":"463ac35c9f6413ad","id":"00000000000000c2","parentId":"00000000000000c1","name":"child",
             "timestamp":1100,"duration":100}])",
        "self.json");
    INFO(all_warnings(t));
    CHECK(any_warning(t.warnings, "1 span(s) named themselves as parent"));
    const Analysis a = analyze(t.store);
    REQUIRE(a.traces.size() == 1);
    REQUIRE(a.traces[0].root >= 0);
    CHECK(t.store.str(t.store.spans[static_cast<size_t>(a.traces[0].root)].name) == "self");
    CHECK(a.traces[0].orphans.empty());

    // Sibling: a store filled without an importer (as a receiver does): the analysis itself reads it as a root.
    TraceStore st;
    const TraceId trace{0x1111, 0x2222};
    test::add_span(st, trace, -1, 0, 100, "self", "svc");
    st.spans[0].parent_span_id = st.spans[0].span_id;
    test::add_span(st, trace, 0, 10, 20, "child", "svc");
    const Analysis b = analyze(st);
    REQUIRE(b.traces.size() == 1);
    CHECK(b.traces[0].root == 0);
    CHECK(b.traces[0].orphans.empty());
    CHECK(any_warning(b.traces[0].warnings, "self-parent: 1 span names itself as parent"));
}

// [SECTION] Cycles and the unknown-format message

TEST_CASE("import faults: spans in a parent cycle are a cycle, not orphans") {
    TraceStore st;
    const TraceId trace{0x3333, 0x4444};
    test::add_span(st, trace, -1, 0, 100, "a", "svc");
    test::add_span(st, trace, 0, 10, 50, "b", "svc");
    st.spans[0].parent_span_id = st.spans[1].span_id;  // a -> b -> a
    const Analysis a = analyze(st);
    REQUIRE(a.traces.size() == 1);
    CHECK(a.traces[0].cycle.size() == 2);
    CHECK(a.traces[0].orphans.empty());
    CHECK(any_warning(a.traces[0].warnings, "parent cycle"));

    // Sibling: a three-span cycle beside a real orphan (its parent never arrived) in the same trace.
    TraceStore s2;
    test::add_span(s2, trace, -1, 0, 100, "x", "svc");
    test::add_span(s2, trace, 0, 1, 90, "y", "svc");
    test::add_span(s2, trace, 1, 2, 80, "z", "svc");
    s2.spans[0].parent_span_id = s2.spans[2].span_id;  // x -> z -> y -> x
    test::add_span(s2, trace, -1, 5, 6, "lost", "svc");
    s2.spans[3].parent_span_id = SpanId{0xdead};
    const Analysis b = analyze(s2);
    REQUIRE(b.traces.size() == 1);
    CHECK(b.traces[0].cycle.size() == 3);
    REQUIRE(b.traces[0].orphans.size() == 1);
    CHECK(b.traces[0].orphans[0] == 3);
}

TEST_CASE("import faults: the unknown-format message names every format read") {
    auto r = import_trace_text(R"({"events":[]})", "mystery.json");
    REQUIRE_FALSE(r.ok());
    for (const char* name : {"OTLP/JSON", "Jaeger", "Zipkin", "Chrome"}) CHECK(has(r.error(), name));
    // Sibling: a list whose first element is no known span or event.
    auto l = import_trace_text(R"([{"timestamp":1}])", "list.json");
    REQUIRE_FALSE(l.ok());
    CHECK(has(l.error(), "Chrome Trace Event"));
}
