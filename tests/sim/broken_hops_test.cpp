// Tests for sim/trace/broken_hops: hand-made traces with known answers (one per cause, whole traces, orphans,
// concurrent requests), every built-in scenario with every hop broken in every fault mode against the engine's
// ground truth, and the real trace files of the shared corpus (no broken hops in them).

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <iterator>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "sim/engine/engine.hpp"
#include "sim/engine/scenario.hpp"
#include "sim/formats/formats.hpp"
#include "sim/trace/analysis.hpp"
#include "sim/trace/broken_hops.hpp"
#include "sim/trace/trace_store.hpp"

using namespace tl;
namespace fs = std::filesystem;

namespace {

constexpr int64_t kBase = 1'700'000'000'000'000'000;  // unix ns
constexpr int64_t kMs = 1'000'000;

using Attrs = std::vector<std::pair<const char*, const char*>>;

// One span; times in ms after kBase; parent by store index (-1: a root). Ids unique per store.
uint32_t span(TraceStore& st, uint64_t trace, int parent, double start_ms, double end_ms, const char* service,
              SpanKind kind, const Attrs& attrs = {}) {
    Span s;
    s.trace_id = TraceId{0, trace};
    s.span_id = SpanId{st.spans.size() + 100};
    if (parent >= 0) s.parent_span_id = st.spans[static_cast<size_t>(parent)].span_id;
    s.name = st.strings.intern(std::string(service) + " op");
    s.service = st.strings.intern(service);
    s.resource = st.resource_for(s.service);
    s.kind = kind;
    s.start_ns = kBase + static_cast<int64_t>(start_ms * kMs);
    s.end_ns = kBase + static_cast<int64_t>(end_ms * kMs);
    s.attrs.begin = static_cast<uint32_t>(st.attributes.size());
    for (const auto& [k, v] : attrs) st.attributes.push_back(Attribute{st.strings.intern(k), AttrValue::str(st.strings.intern(v))});
    s.attrs.count = static_cast<uint32_t>(attrs.size());
    st.spans.push_back(s);
    return static_cast<uint32_t>(st.spans.size() - 1);
}

std::vector<BrokenHop> find(const TraceStore& st) {
    const Analysis an = analyze(st);
    return find_broken_hops(st, an);
}

std::string svc(const TraceStore& st, StrId id) {
    return std::string(st.str(id));
}

}  // namespace

TEST_CASE("broken hops: a CLIENT span with no child and a SERVER root inside it is a lost header") {
    TraceStore st;
    const uint32_t fe = span(st, 1, -1, 0, 100, "frontend", SpanKind::Server);
    const uint32_t call = span(st, 1, int(fe), 12.3, 60, "frontend", SpanKind::Client, {{"server.address", "payments"}});
    const uint32_t pay = span(st, 2, -1, 13, 58, "payments", SpanKind::Server);
    const auto hops = find(st);
    REQUIRE(hops.size() == 1);
    const BrokenHop& h = hops[0];
    CHECK(svc(st, h.from_service) == "frontend");
    CHECK(svc(st, h.to_service) == "payments");
    CHECK(h.caller_span == call);
    CHECK(h.callee_span == pay);
    CHECK(h.cause == BrokenHopCause::HeaderLost);
    CHECK(h.at_ns == st.spans[call].start_ns - st.spans[fe].start_ns);
    CHECK(h.reason ==
          "frontend called payments at 12.3 ms but payments started a new trace: the traceparent header was not "
          "sent or not read");
    const Analysis an = analyze(st);
    CHECK(an.traces[h.caller_trace].id == st.spans[fe].trace_id);
    CHECK(an.traces[h.callee_trace].id == st.spans[pay].trace_id);
}

TEST_CASE("broken hops: a callee that outlasts the client span, or starts before it, is not its callee") {
    TraceStore st;
    const uint32_t fe = span(st, 1, -1, 0, 100, "frontend", SpanKind::Server);
    span(st, 1, int(fe), 10, 60, "frontend", SpanKind::Client);
    span(st, 1, int(fe), 70, 90, "frontend", SpanKind::Internal);
    SUBCASE("ends after the call returned") { span(st, 2, -1, 12, 65, "payments", SpanKind::Server); }
    SUBCASE("started before the call") { span(st, 2, -1, 8, 50, "payments", SpanKind::Server); }
    // Both also overlap the frontend's own time before/after the call, so no stretch explains them either.
    CHECK(find(st).empty());
}

TEST_CASE("broken hops: no client span, only unexplained time, means an uninstrumented client") {
    TraceStore st;
    const uint32_t fe = span(st, 1, -1, 0, 100, "frontend", SpanKind::Server);
    span(st, 1, int(fe), 70, 90, "frontend", SpanKind::Internal);
    const uint32_t pay = span(st, 2, -1, 20, 50, "payments", SpanKind::Server);
    const auto hops = find(st);
    REQUIRE(hops.size() == 1);
    CHECK(hops[0].cause == BrokenHopCause::UninstrumentedClient);
    CHECK(hops[0].caller_span == fe);
    CHECK(hops[0].callee_span == pay);
    CHECK(hops[0].at_ns == 20 * kMs);
    CHECK(hops[0].reason.find("uninstrumented client") != std::string::npos);
    CHECK(hops[0].reason.rfind("frontend called payments at 20.0 ms", 0) == 0);
}

TEST_CASE("broken hops: a leaf span that lost its only call") {
    TraceStore st;
    const uint32_t gw = span(st, 1, -1, 0, 50, "gateway", SpanKind::Server);
    const uint32_t inv = span(st, 2, -1, 5, 40, "inventory", SpanKind::Server);
    const auto hops = find(st);
    REQUIRE(hops.size() == 1);
    CHECK(hops[0].caller_span == gw);
    CHECK(hops[0].callee_span == inv);
    CHECK(hops[0].cause == BrokenHopCause::UninstrumentedClient);
}

TEST_CASE("broken hops: a message published without context") {
    TraceStore st;
    const uint32_t orders = span(st, 1, -1, 0, 30, "orders", SpanKind::Server);
    const uint32_t publish = span(st, 1, int(orders), 10, 12, "orders", SpanKind::Producer,
                                  {{"messaging.destination.name", "order.created"}});
    SUBCASE("same destination, consumed after the publish returned") {
        const uint32_t consume =
            span(st, 2, -1, 40, 55, "fulfillment", SpanKind::Consumer, {{"messaging.destination.name", "order.created"}});
        const auto hops = find(st);
        REQUIRE(hops.size() == 1);
        CHECK(hops[0].cause == BrokenHopCause::MessageWithoutContext);
        CHECK(hops[0].caller_span == publish);
        CHECK(hops[0].callee_span == consume);
        CHECK(svc(st, hops[0].to_service) == "fulfillment");
        CHECK(hops[0].reason.find("not injected into the message") != std::string::npos);
    }
    SUBCASE("another destination is not this message") {
        span(st, 2, -1, 40, 55, "fulfillment", SpanKind::Consumer, {{"messaging.destination.name", "invoices"}});
        // The orders span ends at 30: its stretch may still have sent the message (queues wait), but the
        // producer span says where it went, and it went elsewhere. The stretch rule does not look at the
        // destination, so it names the hop with the weaker cause.
        const auto hops = find(st);
        for (const BrokenHop& h : hops) CHECK(h.caller_span != publish);
    }
}

TEST_CASE("broken hops: a call that begins a trace of its own is a dropped context") {
    TraceStore st;
    const uint32_t fe = span(st, 1, -1, 0, 100, "frontend", SpanKind::Server);
    const uint32_t call = span(st, 2, -1, 10, 50, "frontend", SpanKind::Client);
    span(st, 2, int(call), 12, 48, "payments", SpanKind::Server);
    const auto hops = find(st);
    REQUIRE(hops.size() == 1);
    CHECK(hops[0].cause == BrokenHopCause::ContextDropped);
    CHECK(hops[0].caller_span == fe);
    CHECK(hops[0].callee_span == call);
    CHECK(svc(st, hops[0].from_service) == "frontend");
    CHECK(svc(st, hops[0].to_service) == "payments");
    CHECK(hops[0].reason.find("fresh context") != std::string::npos);
}

TEST_CASE("broken hops: whole traces have none") {
    TraceStore st;
    // Two requests at once, each whole: frontend -> client -> payments, and a third, short one to the
    // frontend that fits inside the first request's own time.
    for (uint64_t t : {1, 2}) {
        const double o = t == 1 ? 0 : 30;
        const int fe = int(span(st, t, -1, o, o + 100, "frontend", SpanKind::Server));
        const int c = int(span(st, t, fe, o + 10, o + 60, "frontend", SpanKind::Client, {{"server.address", "payments"}}));
        const int p = int(span(st, t, c, o + 12, o + 58, "payments", SpanKind::Server, {{"url.path", "/pay"}}));
        span(st, t, p, o + 20, o + 30, "db", SpanKind::Client, {{"db.system.name", "postgresql"}});
    }
    span(st, 3, -1, 62, 64, "frontend", SpanKind::Server);
    // A lone trace long after.
    const int lone = int(span(st, 4, -1, 1000, 1010, "search", SpanKind::Server));
    span(st, 4, lone, 1001, 1009, "shard", SpanKind::Server);
    CHECK(find(st).empty());
}

TEST_CASE("broken hops: a root whose remote parent never arrived is an orphan, not a broken hop") {
    TraceStore st;
    const uint32_t fe = span(st, 1, -1, 0, 100, "frontend", SpanKind::Server);
    span(st, 1, int(fe), 10, 60, "frontend", SpanKind::Client);
    const uint32_t pay = span(st, 2, -1, 12, 58, "payments", SpanKind::Server);
    st.spans[pay].parent_span_id = SpanId{0xabcdef};  // continued a context whose span was never received
    const Analysis an = analyze(st);
    REQUIRE(an.traces[size_t(an.trace_of[pay])].orphans.size() == 1);
    CHECK(find_broken_hops(st, an).empty());
}

TEST_CASE("broken hops: a consumer that links to its producer was split on purpose") {
    TraceStore st;
    const uint32_t orders = span(st, 1, -1, 0, 30, "orders", SpanKind::Server);
    const uint32_t publish = span(st, 1, int(orders), 10, 12, "orders", SpanKind::Producer);
    const uint32_t consume = span(st, 2, -1, 40, 55, "fulfillment", SpanKind::Consumer);
    st.links.push_back(SpanLink{st.spans[publish].trace_id, st.spans[publish].span_id, 0, {}});
    st.spans[consume].link_begin = 0;
    st.spans[consume].link_count = 1;
    CHECK(find(st).empty());
}

TEST_CASE("broken hops: concurrent requests go to the right callee") {
    TraceStore st;
    const int a = int(span(st, 1, -1, 0, 100, "frontend", SpanKind::Server));
    const int b = int(span(st, 2, -1, 5, 105, "frontend", SpanKind::Server));
    SUBCASE("by time") {
        const uint32_t ca = span(st, 1, a, 10, 60, "frontend", SpanKind::Client);
        const uint32_t cb = span(st, 2, b, 20, 70, "frontend", SpanKind::Client);
        // x fits both calls and is nearest to b's; y fits only b's (it ends after a's call returned).
        const uint32_t x = span(st, 3, -1, 21, 55, "payments", SpanKind::Server);
        const uint32_t y = span(st, 4, -1, 22, 68, "payments", SpanKind::Server);
        const auto hops = find(st);
        REQUIRE(hops.size() == 2);
        for (const BrokenHop& h : hops) {
            if (h.callee_span == x) CHECK(h.caller_span == ca);
            if (h.callee_span == y) CHECK(h.caller_span == cb);
        }
    }
    SUBCASE("by attributes") {
        const uint32_t ca = span(st, 1, a, 10, 60, "frontend", SpanKind::Client,
                                 {{"server.address", "payments"}, {"url.full", "http://payments:8080/pay/7?x=1"}});
        const uint32_t cb = span(st, 2, b, 20, 70, "frontend", SpanKind::Client,
                                 {{"server.address", "payments"}, {"url.full", "http://payments:8080/refund"}});
        // x starts right after b's call but is a /pay request: it belongs to a's call.
        const uint32_t x = span(st, 3, -1, 21, 55, "payments", SpanKind::Server,
                                {{"server.address", "payments"}, {"http.route", "/pay/{id}"}});
        const uint32_t y = span(st, 4, -1, 22, 58, "payments", SpanKind::Server,
                                {{"server.address", "payments"}, {"url.path", "/refund"}});
        const auto hops = find(st);
        REQUIRE(hops.size() == 2);
        for (const BrokenHop& h : hops) {
            if (h.callee_span == x) CHECK(h.caller_span == ca);
            if (h.callee_span == y) CHECK(h.caller_span == cb);
        }
    }
    SUBCASE("another address is another call") {
        span(st, 1, a, 10, 60, "frontend", SpanKind::Client, {{"server.address", "api.stripe.com"}});
        span(st, 3, -1, 21, 55, "payments", SpanKind::Server, {{"server.address", "payments"}});
        // b has its own time from 5 to 105 with no children: the stretch rule still names b as the caller.
        const auto hops = find(st);
        REQUIRE(hops.size() == 1);
        CHECK(hops[0].caller_span == uint32_t(b));
        CHECK(hops[0].cause == BrokenHopCause::UninstrumentedClient);
    }
}

// [SECTION] The simulation: every hop of every built-in scenario, broken in every mode

namespace {

// The ground truth's broken hops. Every recorded span has a true caller span: for an operation's span, the
// client/producer span of the hop into it, else the span of the nearest calling operation that has one
// (uninstrumented services in between forward nothing); for a client/producer span, its caller's span. A span
// whose true caller sits in another trace is where a request split: (from service, to service, caller trace
// id, callee trace id), sorted. The callee of a client/producer span is the service its call went to.
using HopKey = std::tuple<std::string, std::string, std::string, std::string>;

int32_t true_caller_of_op(const Run& run, int32_t op) {
    int32_t hop = run.ops[size_t(op)].hop, parent = run.ops[size_t(op)].parent;
    while (parent >= 0) {
        if (hop >= 0 && run.hops[size_t(hop)].client_span >= 0) return run.hops[size_t(hop)].client_span;
        if (run.ops[size_t(parent)].span >= 0) return run.ops[size_t(parent)].span;
        hop = run.ops[size_t(parent)].hop;
        parent = run.ops[size_t(parent)].parent;
    }
    return -1;
}

std::vector<HopKey> truth_hops(const Scenario& sc, const Run& run) {
    std::vector<HopKey> out;
    const TraceStore& st = run.observed;
    auto add = [&](int32_t caller, int32_t callee, uint32_t to_service) {
        if (caller < 0 || callee < 0) return;
        const Span& a = st.spans[size_t(caller)];
        const Span& b = st.spans[size_t(callee)];
        if (a.trace_id == b.trace_id) return;
        out.emplace_back(std::string(st.str(a.service)), sc.services[to_service].name, to_hex(a.trace_id),
                         to_hex(b.trace_id));
    };
    for (size_t i = 0; i < run.ops.size(); ++i)
        add(true_caller_of_op(run, int32_t(i)), run.ops[i].span, run.ops[i].service);
    for (const Hop& h : run.hops) {
        if (h.client_span < 0 || h.caller_op < 0) continue;
        // A pass-through proxy is invisible: the call reaches the service behind it.
        uint32_t to = run.ops[size_t(h.callee_op)].service;
        while (sc.services[to].role == ServiceRole::Proxy && !sc.services[to].calls.empty())
            to = static_cast<uint32_t>(sc.find_service(sc.services[to].calls.front().to));
        add(run.ops[size_t(h.caller_op)].span, h.client_span, to);
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<HopKey> found_hops(const Run& run) {
    const TraceStore& st = run.observed;
    const Analysis an = analyze(st);
    std::vector<HopKey> out;
    for (const BrokenHop& h : find_broken_hops(st, an))
        out.emplace_back(std::string(st.str(h.from_service)), std::string(st.str(h.to_service)),
                         to_hex(an.traces[h.caller_trace].id), to_hex(an.traces[h.callee_trace].id));
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace

TEST_CASE("broken hops: every built-in scenario, every hop, every fault mode, matches the ground truth") {
    const fs::path dir = fs::path(TRACELAB_SOURCE_DIR) / "assets" / "scenarios";
    const auto names = builtin_scenario_names(dir);
    REQUIRE(names.size() >= 5);
    size_t runs = 0, broken_runs = 0;
    for (const std::string& name : names) {
        const auto loaded = load_scenario(name, dir);
        REQUIRE_MESSAGE(loaded.ok(), loaded.error());
        // Healthy first, then each call broken in each mode.
        std::vector<std::pair<std::string, std::string>> edits{{"", ""}};
        for (const Service& s : loaded->services)
            for (const Call& c : s.calls)
                for (HopFault f : kAllHopFaults) {
                    // The scenario refuses a message fault on a call that carries no message.
                    if (f == HopFault::Ok || (f == HopFault::NoHeadersOnMessage && c.transport != Transport::Queue))
                        continue;
                    edits.emplace_back(s.name + "->" + c.to, to_string(f));
                }
        for (const auto& [hop, mode] : edits) {
            Scenario sc = *loaded;
            if (!hop.empty()) REQUIRE(apply_drop_flag(sc, hop + "=" + mode).empty());
            const Engine engine(sc);
            for (int client_spans : {0, 1}) {
                EngineOptions opt;
                opt.seed = 7;
                opt.requests = 3;
                opt.client_spans = client_spans;
                const Run run = engine.run(opt);
                const auto expected = truth_hops(sc, run);
                const auto found = found_hops(run);
                CAPTURE(name);
                CAPTURE(hop);
                CAPTURE(mode);
                CAPTURE(client_spans);
                CHECK(found == expected);
                ++runs;
                broken_runs += expected.empty() ? 0 : 1;
            }
        }
    }
    // The sweep must actually break things: most of the edited runs split a request.
    CHECK(broken_runs * 3 > runs);
}

TEST_CASE("broken hops: the real trace files of the corpus have none") {
    const fs::path dir = fs::path(TRACELAB_SHARED_DIR) / "corpus";
    size_t files = 0;
    for (const auto& entry : fs::directory_iterator(dir)) {
        if (entry.path().extension() != ".json") continue;
        const auto imported = import_trace_file(entry.path());
        if (!imported.ok()) continue;  // formats the reader does not take are tested elsewhere
        ++files;
        CAPTURE(entry.path().filename().string());
        const auto hops = find(imported->store);
        std::string reasons;
        for (const BrokenHop& h : hops) reasons += h.reason + "\n";
        CHECK_MESSAGE(hops.empty(), reasons);
    }
    CHECK(files >= 6);
}

TEST_CASE("broken hops: overlapping simulated requests each get their own callee") {
    // A request every 60 ms while each lasts 240 ms: four requests in flight at once, every callee root inside
    // several callers' windows. Time alone must still pair each with its own request. (Denser traffic, and the
    // fan-out and queue scenarios under overlap, are beyond what timing alone can untangle: see the README.)
    const fs::path dir = fs::path(TRACELAB_SOURCE_DIR) / "assets" / "scenarios";
    const std::pair<const char*, const char*> cases[] = {
        {"checkout", "orders->payments"}, {"checkout", "gateway->auth"}, {"header-stripping-proxy", ""}};
    for (const auto& [name, hop] : cases) {
        auto loaded = load_scenario(name, dir);
        REQUIRE(loaded.ok());
        for (const char* mode : {"no-inject", "no-extract", "ctx-dropped"})
            for (int client_spans : {0, 1}) {
                Scenario sc = *loaded;
                if (*hop != 0) REQUIRE(apply_drop_flag(sc, std::string(hop) + "=" + mode).empty());
                sc.request_interval_ms = 60.0;
                EngineOptions opt;
                opt.requests = 200;
                opt.client_spans = client_spans;
                const Run run = Engine(sc).run(opt);
                const auto expected = truth_hops(sc, run);
                const auto found = found_hops(run);
                std::vector<HopKey> both;
                std::set_intersection(found.begin(), found.end(), expected.begin(), expected.end(),
                                      std::back_inserter(both));
                CAPTURE(name);
                CAPTURE(hop);
                CAPTURE(mode);
                CAPTURE(client_spans);
                CHECK(expected.size() >= 200);
                INFO(name << " " << hop << " " << mode << " " << client_spans << ": found " << found.size() << ", of them right " << both.size() << ", expected " << expected.size());
                CHECK(found == expected);
            }
    }
}
