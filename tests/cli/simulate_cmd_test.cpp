// `tracelab simulate`: the OTLP/JSON document, the text waterfall, the edit flags and determinism.
#include <doctest/doctest.h>

#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "ui/cli/cli.hpp"

using nlohmann::json;

namespace {
struct Output {
    int code = 0;
    std::string out, err;
};

Output run(std::vector<std::string> args) {
    std::istringstream in;
    std::ostringstream out, err;
    args.insert(args.begin(), "simulate");
    const auto code = tl::cli::run(args, {in, out, err});
    REQUIRE(code.has_value());
    return {*code, out.str(), err.str()};
}

struct OtlpSpan {
    std::string trace, id, parent, name, service;
    int kind = 0;
    double ms = 0;
    std::map<std::string, std::string> attrs;  // string-valued attributes
};

// Flattens an ExportTraceServiceRequest, checking the encoding rules on the way.
std::vector<OtlpSpan> spans_of(const std::string& text) {
    const json doc = json::parse(text);
    std::vector<OtlpSpan> out;
    REQUIRE(doc.contains("resourceSpans"));
    for (const auto& rs : doc["resourceSpans"]) {
        std::string service;
        for (const auto& a : rs["resource"]["attributes"])
            if (a["key"] == "service.name") service = a["value"]["stringValue"];
        REQUIRE(!service.empty());
        for (const auto& ss : rs["scopeSpans"]) {
            for (const auto& sp : ss["spans"]) {
                OtlpSpan s;
                s.trace = sp["traceId"];
                s.id = sp["spanId"];
                s.parent = sp.value("parentSpanId", "");
                s.name = sp["name"];
                s.service = service;
                s.kind = sp["kind"].get<int>();  // enums are integers
                for (const auto& a : sp.value("attributes", json::array()))
                    if (a["value"].contains("stringValue")) s.attrs[a["key"]] = a["value"]["stringValue"];
                // 64-bit integers are strings in OTLP/JSON.
                REQUIRE(sp["startTimeUnixNano"].is_string());
                REQUIRE(sp["endTimeUnixNano"].is_string());
                const auto start = std::stoll(sp["startTimeUnixNano"].get<std::string>());
                const auto end = std::stoll(sp["endTimeUnixNano"].get<std::string>());
                s.ms = static_cast<double>(end - start) / 1e6;
                CHECK(s.trace.size() == 32);
                CHECK(s.id.size() == 16);
                CHECK(s.trace.find_first_not_of("0123456789abcdef") == std::string::npos);
                out.push_back(s);
            }
        }
    }
    return out;
}

const OtlpSpan& by_name(const std::vector<OtlpSpan>& spans, const std::string& name) {
    for (const auto& s : spans)
        if (s.name == name) return s;
    FAIL("no span " << name);
    return spans.front();
}
}  // namespace

TEST_CASE("simulate prints OTLP/JSON with the tutorial's five spans") {
    const auto r = run({"--scenario", "checkout"});
    REQUIRE(r.code == 0);
    CHECK(r.err.empty());
    // Ends with exactly one newline, in every format (no blank last line).
    for (const char* format : {"otlp", "jaeger", "zipkin", "chrome", "text"}) {
        CAPTURE(format);
        const auto f = run({"--format", format});
        REQUIRE(f.out.size() > 2);
        CHECK(f.out.back() == '\n');
        CHECK(f.out[f.out.size() - 2] != '\n');
    }
    const auto spans = spans_of(r.out);
    REQUIRE(spans.size() == 5);
    std::set<std::string> traces;
    for (const auto& s : spans) traces.insert(s.trace);
    CHECK(traces.size() == 1);
    const auto& gw = by_name(spans, "GET /checkout");
    const auto& auth = by_name(spans, "auth.Verify");
    const auto& orders = by_name(spans, "orders.Create");
    const auto& db = by_name(spans, "db.INSERT");
    const auto& pay = by_name(spans, "payments.Charge");
    CHECK(gw.parent.empty());
    CHECK(gw.kind == 2);
    CHECK(gw.ms == 240);
    CHECK(auth.ms == 15);
    CHECK(orders.ms == 200);
    CHECK(db.ms == 30);
    CHECK(pay.ms == 160);
    CHECK(auth.parent == gw.id);
    CHECK(orders.parent == gw.id);
    CHECK(db.parent == orders.id);
    CHECK(pay.parent == orders.id);
    CHECK(pay.service == "payments");
    // One resource per service that reports spans: the database runs no SDK, so it has none.
    CHECK(json::parse(r.out)["resourceSpans"].size() == 4);
    CHECK(db.service == "orders");
}

TEST_CASE("--drop orders->payments gives two traces, the second rooted at payments.Charge") {
    const auto r = run({"--drop", "orders->payments"});
    REQUIRE(r.code == 0);
    const auto spans = spans_of(r.out);
    REQUIRE(spans.size() == 5);
    std::map<std::string, int> per_trace;
    for (const auto& s : spans) ++per_trace[s.trace];
    REQUIRE(per_trace.size() == 2);
    const auto& pay = by_name(spans, "payments.Charge");
    CHECK(pay.parent.empty());
    CHECK(per_trace[pay.trace] == 1);
    CHECK(per_trace[by_name(spans, "GET /checkout").trace] == 4);
}

TEST_CASE("--latency payments=500 makes the root last 580 ms") {
    const auto r = run({"--latency", "payments=500"});
    REQUIRE(r.code == 0);
    CHECK(by_name(spans_of(r.out), "GET /checkout").ms == 580);
}

TEST_CASE("the same seed gives byte-identical output; another seed other ids") {
    const auto a = run({"--seed", "42", "--requests", "3"});
    const auto b = run({"--seed", "42", "--requests", "3"});
    const auto c = run({"--seed", "43", "--requests", "3"});
    REQUIRE(a.code == 0);
    CHECK(a.out == b.out);
    CHECK(a.out != c.out);
    const auto sa = spans_of(a.out);
    const auto sc = spans_of(c.out);
    CHECK(sa.size() == 15);
    CHECK(sa[0].trace != sc[0].trace);
    CHECK(sa[0].name == sc[0].name);
}

TEST_CASE("--format text prints the waterfall with durations and the trace id") {
    const auto r = run({"--format", "text"});
    REQUIRE(r.code == 0);
    const auto& t = r.out;
    CHECK(t.rfind("trace ", 0) == 0);
    CHECK(t.find("5 spans, 240.0 ms") != std::string::npos);
    CHECK(t.find("\n    GET /checkout [gateway]") == std::string::npos);  // root is not indented
    CHECK(t.find("  GET /checkout [gateway]") != std::string::npos);
    CHECK(t.find("      db.INSERT [orders]") != std::string::npos);  // depth 2 → four more spaces
    CHECK(t.find("160.0 ms") != std::string::npos);
    const auto broken = run({"--format", "text", "--drop", "orders->payments"});
    size_t traces = 0;
    for (size_t p = broken.out.find("trace "); p != std::string::npos; p = broken.out.find("\ntrace ", p + 1)) ++traces;
    CHECK(traces == 2);
    CHECK(broken.out.find("[incomplete]") == std::string::npos);  // a clean split: both halves have roots
}

TEST_CASE("simulate reports usage and input errors") {
    auto r = run({"--frobnicate"});
    CHECK(r.code == 2);
    CHECK(r.err.find("unknown option \"--frobnicate\"") != std::string::npos);
    r = run({"--seed", "abc"});
    CHECK(r.code == 2);
    CHECK(r.err.find("--seed needs a whole number") != std::string::npos);
    r = run({"--scenario", "nope"});
    CHECK(r.code == 1);
    CHECK(r.err.find("unknown scenario \"nope\"") != std::string::npos);
    r = run({"--drop", "orders->nowhere"});
    CHECK(r.code == 1);
    CHECK(r.err.find("unknown service \"nowhere\"") != std::string::npos);
    r = run({"--format", "xml"});
    CHECK(r.code == 2);
    r = run({"--help"});
    CHECK(r.code == 0);
    CHECK(r.out.find("--latency SERVICE=MS") != std::string::npos);
    CHECK(r.out.find("--format FORMAT") != std::string::npos);
}

TEST_CASE("simulate --scenario checkout: db.INSERT is a CLIENT span of orders with the database conventions") {
    const auto r = run({"--scenario", "checkout"});
    REQUIRE(r.code == 0);
    const auto spans = spans_of(r.out);
    const auto& db = by_name(spans, "db.INSERT");
    CHECK(db.kind == 3);  // SPAN_KIND_CLIENT
    CHECK(db.service == "orders");
    CHECK(db.attrs.count("db.system.name") == 1);
    CHECK(db.attrs.count("db.system") == 0);  // the name before semantic conventions 1.26
    CHECK(db.attrs.at("db.operation.name") == "INSERT");
    CHECK(!db.attrs.at("server.address").empty());
    // No span claims to come from the database itself.
    for (const auto& s : spans) CHECK(s.service != "db");
}

TEST_CASE("simulate: legacy-proxy gives one trace, header-stripping-proxy two") {
    const auto count_traces = [](const char* scenario) {
        const auto r = run({"--scenario", scenario});
        REQUIRE(r.code == 0);
        std::set<std::string> traces;
        for (const auto& s : spans_of(r.out)) traces.insert(s.trace);
        return traces.size();
    };
    CHECK(count_traces("legacy-proxy") == 1);
    CHECK(count_traces("header-stripping-proxy") == 2);
}
