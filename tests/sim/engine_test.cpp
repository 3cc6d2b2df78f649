// The engine: the tutorial's waterfall, every hop fault's observed shape, determinism, ground truth.
#include <doctest/doctest.h>

#include <filesystem>
#include <set>

#include "sim/engine/engine.hpp"

namespace fs = std::filesystem;
using namespace tl;

namespace {
const fs::path kScenarios = fs::path(TRACELAB_SOURCE_DIR) / "assets" / "scenarios";

Scenario builtin(const char* name) {
    auto s = load_scenario(name, kScenarios);
    REQUIRE_MESSAGE(s.ok(), s.error());
    return *s;
}

const Span* find_span(const Run& r, std::string_view name, SpanKind kind = SpanKind::Unspecified) {
    for (const auto& s : r.observed.spans)
        if (r.observed.str(s.name) == name && (kind == SpanKind::Unspecified || s.kind == kind)) return &s;
    return nullptr;
}

std::set<TraceId> trace_ids(const Run& r) {
    std::set<TraceId> ids;
    for (const auto& s : r.observed.spans) ids.insert(s.trace_id);
    return ids;
}

double ms(const Span& s) {
    return static_cast<double>(s.duration_ns()) / 1e6;
}

const Hop& hop_to(const Run& r, std::string_view callee_span) {
    for (const auto& h : r.hops) {
        const Operation& op = r.ops[static_cast<size_t>(h.callee_op)];
        const Span* s = op.span >= 0 ? &r.observed.spans[static_cast<size_t>(op.span)] : nullptr;
        if (s && r.observed.str(s->name) == callee_span) return h;
    }
    FAIL("no hop to " << callee_span);
    return r.hops.front();
}
}  // namespace

TEST_CASE("checkout: one trace of five spans matching the tutorial's waterfall") {
    const Run r = simulate(builtin("checkout"));
    REQUIRE(r.observed.spans.size() == 5);
    CHECK(trace_ids(r).size() == 1);
    const Span* gw = find_span(r, "GET /checkout");
    const Span* auth = find_span(r, "auth.Verify");
    const Span* orders = find_span(r, "orders.Create");
    const Span* db = find_span(r, "db.INSERT");
    const Span* pay = find_span(r, "payments.Charge");
    REQUIRE((gw && auth && orders && db && pay));
    CHECK(ms(*gw) == 240);
    CHECK(ms(*auth) == 15);
    CHECK(ms(*orders) == 200);
    CHECK(ms(*db) == 30);
    CHECK(ms(*pay) == 160);
    CHECK(gw->is_root());
    CHECK(auth->parent_span_id == gw->span_id);
    CHECK(orders->parent_span_id == gw->span_id);
    CHECK(db->parent_span_id == orders->span_id);
    CHECK(pay->parent_span_id == orders->span_id);
    // Sequential: auth finishes before orders starts; db before payments.
    CHECK(auth->end_ns <= orders->start_ns);
    CHECK(db->end_ns <= pay->start_ns);
    CHECK(r.observed.str(gw->service) == "gateway");
    CHECK(r.observed.str(pay->service) == "payments");
    CHECK(gw->kind == SpanKind::Server);
    CHECK(db->kind == SpanKind::Client);
    // Semantic-convention attributes.
    REQUIRE(r.observed.find_attr(*gw, "http.request.method"));
    CHECK(r.observed.value_text(*r.observed.find_attr(*gw, "http.request.method")) == "GET");
    CHECK(r.observed.find_attr(*gw, "http.response.status_code")->i == 200);
    // The database runs no SDK: its query is a CLIENT span that orders' instrumentation records.
    CHECK(r.observed.str(db->service) == "orders");
    CHECK(r.observed.value_text(*r.observed.find_attr(*db, "db.system.name")) == "postgresql");
    CHECK(r.observed.value_text(*r.observed.find_attr(*db, "db.operation.name")) == "INSERT");
    CHECK(r.observed.find_attr(*db, "server.address") != nullptr);
    CHECK(r.observed.find_attr(*db, "db.system") == nullptr);
    CHECK(r.observed.value_text(*r.observed.find_attr(*auth, "rpc.method")) == "Verify");
    CHECK(r.observed.find_attr(*auth, "rpc.grpc.status_code")->i == 0);
    // Every span is sampled, with W3C Level 2's random flag.
    for (const auto& s : r.observed.spans) CHECK(s.flags == 0x03);
}

TEST_CASE("checkout: the wire carries the caller's context") {
    const Run r = simulate(builtin("checkout"));
    const Hop& h = hop_to(r, "payments.Charge");
    const Span* orders = find_span(r, "orders.Create");
    CHECK(h.header_sent);
    CHECK(h.extracted);
    CHECK(h.trace_id == orders->trace_id);
    CHECK(h.parent_id == orders->span_id);
    CHECK(h.traceparent() == "00-" + to_hex(orders->trace_id) + "-" + to_hex(orders->span_id) + "-03");
    CHECK(h.explanation().empty());
}

TEST_CASE("--latency payments=500 makes the root last 580 ms") {
    Scenario s = builtin("checkout");
    REQUIRE(apply_latency_flag(s, "payments=500").empty());
    const Run r = simulate(s);
    CHECK(ms(*find_span(r, "GET /checkout")) == 580);
    CHECK(ms(*find_span(r, "payments.Charge")) == 500);
}

TEST_CASE("same seed gives identical runs; another seed gives other ids") {
    const Scenario s = builtin("fan-out");
    const Run a = simulate(s, 7, 20);
    const Run b = simulate(s, 7, 20);
    const Run c = simulate(s, 8, 20);
    REQUIRE(a.observed.spans.size() == b.observed.spans.size());
    for (size_t i = 0; i < a.observed.spans.size(); ++i) {
        const Span& x = a.observed.spans[i];
        const Span& y = b.observed.spans[i];
        CHECK((x.trace_id == y.trace_id && x.span_id == y.span_id && x.parent_span_id == y.parent_span_id &&
               x.start_ns == y.start_ns && x.end_ns == y.end_ns));
    }
    CHECK(a.observed.spans[0].trace_id != c.observed.spans[0].trace_id);
    // Jitter differs too.
    bool any_timing_differs = false;
    for (size_t i = 0; i < a.observed.spans.size(); ++i)
        any_timing_differs |= a.observed.spans[i].duration_ns() != c.observed.spans[i].duration_ns();
    CHECK(any_timing_differs);
}

TEST_CASE("trace ids are random in their rightmost 7 bytes") {
    // W3C Level 2 random flag: the low 56 bits must be uniform. A coarse check of bit balance over many ids.
    IdGenerator g(42);
    int ones[56] = {};
    const int n = 4000;
    for (int i = 0; i < n; ++i) {
        const TraceId t = g.trace_id();
        for (int b = 0; b < 56; ++b) ones[b] += static_cast<int>((t.lo >> b) & 1);
    }
    for (int b = 0; b < 56; ++b) CHECK((ones[b] > n * 0.45 && ones[b] < n * 0.55));
}

TEST_CASE("fault no-inject: no header, the callee roots a new trace") {
    Scenario s = builtin("checkout");
    REQUIRE(apply_drop_flag(s, "orders->payments").empty());
    const Run r = simulate(s);
    CHECK(trace_ids(r).size() == 2);
    const Span* pay = find_span(r, "payments.Charge");
    const Span* orders = find_span(r, "orders.Create");
    CHECK(pay->is_root());
    CHECK(pay->trace_id != orders->trace_id);
    const Hop& h = hop_to(r, "payments.Charge");
    CHECK_FALSE(h.header_sent);
    CHECK(h.traceparent().empty());
    CHECK(h.explanation().find("No traceparent was sent") != std::string::npos);
    // Ground truth still knows where payments belongs.
    const Operation& op = r.ops[static_cast<size_t>(h.callee_op)];
    CHECK(op.true_trace == orders->trace_id);
    CHECK(r.ops[static_cast<size_t>(op.parent)].span >= 0);
}

TEST_CASE("fault no-extract: header sent but ignored") {
    Scenario s = builtin("checkout");
    REQUIRE(apply_drop_flag(s, "gateway->orders=no-extract").empty());
    const Run r = simulate(s);
    const Hop& h = hop_to(r, "orders.Create");
    CHECK(h.header_sent);
    CHECK_FALSE(h.extracted);
    const Span* orders = find_span(r, "orders.Create");
    CHECK(orders->is_root());
    CHECK(orders->trace_id != h.trace_id);
    // Everything below orders follows it into the new trace: two traces, 2 + 3 spans.
    CHECK(trace_ids(r).size() == 2);
    CHECK(find_span(r, "payments.Charge")->trace_id == orders->trace_id);
    CHECK(find_span(r, "db.INSERT")->trace_id == orders->trace_id);
}

TEST_CASE("fault ctx-dropped: the call starts a new trace, with its client span when recorded") {
    Scenario s = builtin("checkout");
    REQUIRE(apply_drop_flag(s, "orders->payments=ctx-dropped").empty());
    {
        const Run r = simulate(s);
        CHECK(trace_ids(r).size() == 2);
        CHECK(find_span(r, "payments.Charge")->is_root());
        CHECK_FALSE(hop_to(r, "payments.Charge").header_sent);
    }
    s.client_spans = true;
    const Run r = simulate(s);
    const Span* client = find_span(r, "payments.Charge", SpanKind::Client);
    const Span* server = find_span(r, "payments.Charge", SpanKind::Server);
    REQUIRE((client && server));
    CHECK(client->is_root());
    CHECK(server->parent_span_id == client->span_id);
    CHECK(server->trace_id == client->trace_id);
    CHECK(client->trace_id != find_span(r, "orders.Create")->trace_id);
    CHECK(hop_to(r, "payments.Charge").header_sent);
}

TEST_CASE("client spans: the server span is the client span's child, lasting the call") {
    Scenario s = builtin("checkout");
    s.client_spans = true;
    const Run r = simulate(s);
    // 4 server spans + a client span for each remote hop (auth, orders, payments) + the database's CLIENT span.
    CHECK(r.observed.spans.size() == 8);
    CHECK(trace_ids(r).size() == 1);
    const Span* client = find_span(r, "payments.Charge", SpanKind::Client);
    const Span* server = find_span(r, "payments.Charge", SpanKind::Server);
    REQUIRE((client && server));
    CHECK(client->parent_span_id == find_span(r, "orders.Create", SpanKind::Server)->span_id);
    CHECK(server->parent_span_id == client->span_id);
    CHECK(client->start_ns <= server->start_ns);
    CHECK(client->end_ns >= server->end_ns);
    CHECK(r.observed.str(client->service) == "orders");
    CHECK(hop_to(r, "payments.Charge").parent_id == client->span_id);
}

TEST_CASE("fault no-headers-on-message: producer stays, consumer starts a new trace without a link") {
    Scenario s = builtin("async-order");
    {
        const Run r = simulate(s);
        const Span* prod = find_span(r, "publish fulfillment", SpanKind::Producer);
        const Span* cons = find_span(r, "process order.created", SpanKind::Consumer);
        REQUIRE((prod && cons));
        CHECK(cons->parent_span_id == prod->span_id);
        CHECK(cons->trace_id == prod->trace_id);
        REQUIRE(cons->link_count == 1);
        CHECK(r.observed.links_of(*cons)[0].span_id == prod->span_id);
        // The consumer starts after the publish finished: the queue decouples them.
        CHECK(cons->start_ns >= prod->end_ns);
        CHECK(trace_ids(r).size() == 1);
    }
    REQUIRE(set_hop_fault(s, "orders", "fulfillment", HopFault::NoHeadersOnMessage).empty());
    const Run r = simulate(s);
    const Span* prod = find_span(r, "publish fulfillment", SpanKind::Producer);
    const Span* cons = find_span(r, "process order.created", SpanKind::Consumer);
    REQUIRE((prod && cons));
    CHECK(cons->is_root());
    CHECK(cons->trace_id != prod->trace_id);
    CHECK(cons->link_count == 0);
    CHECK(trace_ids(r).size() == 2);
    CHECK(find_span(r, "email.Send")->trace_id == cons->trace_id);
}

TEST_CASE("legacy-proxy: a pass-through proxy keeps one trace and shows only as a gap") {
    const Run r = simulate(builtin("legacy-proxy"));
    CHECK(find_span(r, "proxy") == nullptr);
    CHECK(trace_ids(r).size() == 1);
    const Span* client = find_span(r, "inventory.Lookup", SpanKind::Client);
    const Span* server = find_span(r, "inventory.Lookup", SpanKind::Server);
    REQUIRE((client && server));
    CHECK(r.observed.str(client->service) == "gateway");
    // The server span's parent is the gateway's client span: the proxy handed the traceparent on untouched.
    CHECK(server->parent_span_id == client->span_id);
    const Hop& h = hop_to(r, "inventory.Lookup");
    CHECK(h.caller_role == ServiceRole::Proxy);
    CHECK(h.header_sent);
    CHECK(h.parent_id == client->span_id);
    // The proxy's time (4 ms) and the two network legs (1 ms each way on each side) are the gap around the server.
    Scenario s = builtin("legacy-proxy");
    const double proxy_ms = s.service("legacy-proxy")->own.ms;
    CHECK(ms(*client) - ms(*server) == doctest::Approx(proxy_ms + 4.0));
    // A proxy runs no SDK: there is no tracing to switch on or off.
    CHECK(set_instrumented(s, "legacy-proxy", false) != "");
}

TEST_CASE("legacy-proxy: modes that act on tracing code have no effect on a proxy, which runs none") {
    // The proxy copies the headers it received: neither a dropped context on its way out nor an unwrapped handler
    // on its way in can exist there, so the trace stays whole, as it does healthy.
    for (const char* drop : {"legacy-proxy->inventory=ctx-dropped", "legacy-proxy->inventory=no-inject",
                             "gateway->legacy-proxy=no-extract"}) {
        INFO(drop);
        Scenario s = builtin("legacy-proxy");
        REQUIRE(apply_drop_flag(s, drop).empty());
        const Run r = simulate(s);
        CHECK(trace_ids(r).size() == 1);
        const Span* client = find_span(r, "inventory.Lookup", SpanKind::Client);
        const Span* server = find_span(r, "inventory.Lookup", SpanKind::Server);
        REQUIRE((client && server));
        CHECK(server->parent_span_id == client->span_id);
        for (const Hop& h : r.hops) {
            if (h.fault == HopFault::Ok) continue;
            CHECK(h.header_sent);
            CHECK(h.explanation().find("no effect") != std::string::npos);
        }
    }
    // A proxy can still rewrite the flags it forwards: inventory's parent-based sampler then records nothing.
    Scenario s = builtin("legacy-proxy");
    REQUIRE(apply_drop_flag(s, "legacy-proxy->inventory=flags-dropped").empty());
    CHECK(find_span(simulate(s), "inventory.Lookup", SpanKind::Server) == nullptr);
}

TEST_CASE("header-stripping-proxy: the proxy drops traceparent, so inventory starts a second trace") {
    const Run r = simulate(builtin("header-stripping-proxy"));
    CHECK(trace_ids(r).size() == 2);
    const Span* inv = find_span(r, "inventory.Lookup", SpanKind::Server);
    REQUIRE(inv);
    CHECK(inv->is_root());
    CHECK(find_span(r, "db.SELECT stock")->parent_span_id == inv->span_id);
    const Hop& h = hop_to(r, "inventory.Lookup");
    CHECK_FALSE(h.header_sent);
    CHECK(h.explanation().find("drops every header") != std::string::npos);
    // Ground truth keeps the proxy's operation with its true times.
    bool proxy_op = false;
    for (const auto& op : r.ops) proxy_op |= op.span < 0 && op.end_ns - op.start_ns > 0;
    CHECK(proxy_op);
}

TEST_CASE("an uninstrumented application that calls on starts new traces below it") {
    Scenario s = builtin("checkout");
    REQUIRE(set_instrumented(s, "orders", false).empty());
    const Run r = simulate(s);
    CHECK(find_span(r, "orders.Create") == nullptr);
    // No SDK in orders: nobody records its query, and payments starts its own trace.
    CHECK(find_span(r, "db.INSERT") == nullptr);
    CHECK(find_span(r, "payments.Charge")->is_root());
    CHECK(trace_ids(r).size() == 2);
}

TEST_CASE("fault flags-dropped: the callee sees an unsampled parent and records nothing below") {
    Scenario s = builtin("checkout");
    REQUIRE(apply_drop_flag(s, "orders->payments=flags-dropped").empty());
    const Run r = simulate(s);
    CHECK(find_span(r, "payments.Charge") == nullptr);  // default sampler is parent-based
    CHECK(r.observed.spans.size() == 4);
    CHECK(trace_ids(r).size() == 1);
    const Hop& h = r.hops.back();
    CHECK(h.header_sent);
    CHECK((h.flags & 1) == 0);
    CHECK(h.traceparent().ends_with("-02"));
    CHECK(r.ops[static_cast<size_t>(h.callee_op)].span == -1);
}

TEST_CASE("head sampler hook decides per span and writes tracestate") {
    struct EveryOther : HeadSampler {
        SamplingResult should_sample(const SamplingInput& in) const override {
            if (in.has_parent) return {in.parent_sampled, {}};
            return {(in.trace_id.lo & 1) == 0, "ot=th:8"};
        }
        std::string description() const override { return "EveryOther"; }
    } sampler;
    Engine e(builtin("checkout"));
    EngineOptions o;
    o.requests = 200;
    o.sampler = &sampler;
    const Run r = e.run(o);
    CHECK(r.ops.size() == 1000);
    CHECK(r.observed.spans.size() % 5 == 0);
    CHECK(r.observed.spans.size() > 300);
    CHECK(r.observed.spans.size() < 700);
    for (const auto& sp : r.observed.spans) {
        CHECK((sp.trace_id.lo & 1) == 0);
        CHECK(r.observed.str(sp.trace_state) == "ot=th:8");
    }
}

TEST_CASE("errors: status, status code attribute and an exception event") {
    Scenario s = builtin("checkout");
    REQUIRE(apply_error_flag(s, "payments=1").empty());
    const Run r = simulate(s);
    const Span* pay = find_span(r, "payments.Charge");
    CHECK(pay->status == StatusCode::Error);
    CHECK(r.observed.find_attr(*pay, "http.response.status_code")->i == 500);
    REQUIRE(pay->event_count == 1);
    CHECK(r.observed.str(r.observed.events_of(*pay)[0].name) == "exception");
    // The exception's details are the event's attributes, not the span's.
    CHECK(r.observed.find_attr(*pay, "exception.type") == nullptr);
    const auto ev_attrs = r.observed.attrs(r.observed.events_of(*pay)[0].attrs);
    REQUIRE(ev_attrs.size() == 2);
    CHECK(r.observed.str(ev_attrs[0].key) == "exception.type");
    CHECK(r.observed.value_text(ev_attrs[1].value) == "the operation failed (simulated error)");
    CHECK(find_span(r, "GET /checkout")->status == StatusCode::Unset);
    // Error rates come out near their probability over many requests.
    REQUIRE(apply_error_flag(s, "payments=0.2").empty());
    const Run many = simulate(s, 3, 2000);
    int errors = 0;
    for (const auto& sp : many.observed.spans) errors += sp.status == StatusCode::Error;
    CHECK(errors > 330);
    CHECK(errors < 470);
}

TEST_CASE("parallel calls: the slowest decides") {
    Scenario s = builtin("fan-out");
    const Run r = simulate(s, 1, 1);
    const Span* gw = find_span(r, "GET /search");
    int64_t latest = 0, earliest_start = INT64_MAX;
    for (const auto& sp : r.observed.spans) {
        if (&sp == gw) continue;
        latest = std::max(latest, sp.end_ns);
        earliest_start = std::min(earliest_start, sp.start_ns);
    }
    for (const auto& sp : r.observed.spans)
        if (&sp != gw) CHECK(sp.start_ns == earliest_start);  // all start together
    // gateway = own time + network out/back + slowest shard
    CHECK(gw->end_ns == latest + 1'000'000 + 4'000'000);
}

TEST_CASE("n-plus-one repeats sequential queries") {
    const Run r = simulate(builtin("n-plus-one"));
    int queries = 0;
    int64_t prev_end = 0;
    for (const auto& sp : r.observed.spans) {
        if (r.observed.str(sp.name) != "db.SELECT order_items") continue;
        ++queries;
        CHECK(sp.start_ns >= prev_end);
        prev_end = sp.end_ns;
    }
    CHECK(queries == 12);
}

TEST_CASE("n-plus-one batched: one query replaces the twelve, and the request gets shorter") {
    Scenario s = builtin("n-plus-one");
    const Run before = simulate(s);
    REQUIRE(set_batched(s, "orders", "db", true).empty());
    const Run after = simulate(s);
    const auto count = [](const Run& r) {
        int n = 0;
        for (const auto& sp : r.observed.spans) n += r.observed.str(sp.name) == "db.SELECT order_items";
        return n;
    };
    CHECK(count(before) == 12);
    CHECK(count(after) == 1);
    const auto root_ms = [](const Run& r) {
        for (const auto& sp : r.observed.spans)
            if (sp.is_root()) return ms(sp);
        return 0.0;
    };
    CHECK(root_ms(after) < root_ms(before));
    CHECK(set_batched(s, "orders", "payments", true) != "");
}

TEST_CASE("clock skew shifts what a service reports, not the ground truth") {
    Scenario s = builtin("checkout");
    s.service("payments")->clock_skew_ms = -50;
    const Run r = simulate(s);
    const Span* pay = find_span(r, "payments.Charge");
    const Operation& op = r.ops[static_cast<size_t>(pay->op)];
    CHECK(pay->start_ns == r.epoch_unix_ns + op.start_ns - 50'000'000);
    CHECK(pay->duration_ns() == op.end_ns - op.start_ns);
    CHECK(pay->start_ns < find_span(r, "orders.Create")->start_ns + 20'000'000);
}

TEST_CASE("many requests: one trace each, spaced by the request interval") {
    const Scenario s = builtin("checkout");
    const Run r = simulate(s, 5, 1000);
    CHECK(r.requests() == 1000);
    CHECK(r.observed.spans.size() == 5000);
    CHECK(trace_ids(r).size() == 1000);
    CHECK(r.ops[r.request_first_op[1]].start_ns - r.ops[r.request_first_op[0]].start_ns == 1'000'000'000);
    // Re-running into the same Run reuses it.
    Run again;
    Engine e(s);
    EngineOptions o;
    o.seed = 5;
    o.requests = 1000;
    e.run(o, again);
    e.run(o, again);
    CHECK(again.observed.spans.size() == 5000);
    CHECK(again.observed.spans[4999].span_id == r.observed.spans[4999].span_id);
}

TEST_CASE("every hop fault is explained") {
    for (HopFault f : kAllHopFaults) {
        CAPTURE(to_string(f));
        CHECK(std::string(hop_fault_cause(f)).size() > 20);
        CHECK(parse_hop_fault(to_string(f)) == f);
    }
}

namespace {
// edge -> caller -> callee -> leaf, with the caller -> callee hop on the given transport and fault.
Scenario one_hop(Transport transport, HopFault fault, bool caller_instrumented, bool callee_instrumented) {
    Scenario s;
    s.id = "one-hop";
    s.entry = "edge";
    const auto service = [](const char* name, const char* span) {
        Service v;
        v.name = name;
        v.span_name = span;
        v.own.ms = 10;
        return v;
    };
    s.services = {service("edge", "GET /"), service("caller", "caller.Do"), service("callee", "callee.Do"),
                  service("leaf", "leaf.Do")};
    const auto call = [](const char* to, Transport t = Transport::Http, HopFault f = HopFault::Ok) {
        Call c;
        c.to = to;
        c.transport = t;
        c.fault = f;
        return c;
    };
    s.services[0].calls.push_back(call("caller"));
    s.services[1].calls.push_back(call("callee", transport, fault));
    s.services[2].calls.push_back(call("leaf"));
    s.services[1].instrumented = caller_instrumented;
    s.services[2].instrumented = callee_instrumented;
    return s;
}

bool has(const std::string& text, std::string_view part) {
    return text.find(part) != std::string::npos;
}
}  // namespace

TEST_CASE("every hop that did not carry the caller's context says why, for every transport and fault") {
    for (const Transport transport : {Transport::InProcess, Transport::Http, Transport::Grpc, Transport::Queue}) {
        for (const HopFault fault : kAllHopFaults) {
            for (const int instrumented : {0b11, 0b10, 0b01, 0b00}) {
                for (const bool client_spans : {false, true}) {
                    const bool caller_in = instrumented & 0b10, callee_in = instrumented & 0b01;
                    Scenario s = one_hop(transport, fault, caller_in, callee_in);
                    s.client_spans = client_spans;
                    // Only a queue hop can publish a message without headers.
                    if (fault == HopFault::NoHeadersOnMessage && transport != Transport::Queue) {
                        CHECK(validate_scenario(s) != "");
                        continue;
                    }
                    REQUIRE(validate_scenario(s) == "");
                    const Run r = simulate(s);
                    const Hop* hop = nullptr;
                    for (const Hop& h : r.hops)
                        if (r.ops[static_cast<size_t>(h.callee_op)].service == 2) hop = &h;
                    REQUIRE(hop != nullptr);
                    const std::string why = hop->explanation();
                    const bool in_process = transport == Transport::InProcess;
                    const std::string transport_name = to_string(transport), fault_name = to_string(fault);
                    CAPTURE(transport_name);
                    CAPTURE(fault_name);
                    CAPTURE(caller_in);
                    CAPTURE(callee_in);
                    CAPTURE(client_spans);
                    CAPTURE(why);
                    // Only a remote hop that worked as intended has nothing to explain.
                    CHECK(why.empty() == (!in_process && caller_in && callee_in && fault == HopFault::Ok));
                    if (why.empty()) continue;
                    CHECK(why.back() == '.');
                    CHECK_FALSE(has(why, "  "));
                    if (in_process) CHECK(why.starts_with("In-process call: "));
                    // "Not sent" always comes with its reason.
                    if (!hop->header_sent) CHECK((has(why, "No traceparent was sent: ") || has(why, "no traceparent")));
                    if (hop->header_sent && !hop->extracted) CHECK(has(why, "arrived"));
                    // What followed: a new trace where the callee records spans, nothing where it does not.
                    if (!hop->extracted) CHECK(has(why, callee_in ? "new trace" : "not instrumented"));
                    if (hop->extracted && fault == HopFault::CtxDropped) CHECK(has(why, "new trace"));
                    // Queue words only for a queue; a fault that cannot act in memory is called harmless there.
                    if (transport != Transport::Queue)
                        for (const char* w : {"message", "consumer", "producer", "publish"}) CHECK_FALSE(has(why, w));
                    if (in_process && caller_in && callee_in && fault != HopFault::Ok && fault != HopFault::CtxDropped)
                        CHECK((has(why, to_string(fault)) && has(why, "no effect")));
                }
            }
        }
    }
}

TEST_CASE("checkout: the call to the database sends no header; the caller's client span records it") {
    const Run r = simulate(builtin("checkout"));
    const Hop& h = hop_to(r, "db.INSERT");
    CHECK(h.callee_role == ServiceRole::Database);
    CHECK_FALSE(h.header_sent);
    CHECK_FALSE(h.extracted);
    CHECK(has(h.explanation(), "CLIENT span"));
    // The database's operation is recorded by that client span, so the ground truth has it in the trace.
    const Operation& db_op = r.ops[static_cast<size_t>(h.callee_op)];
    REQUIRE(db_op.span == h.client_span);
    CHECK(r.observed.spans[static_cast<size_t>(db_op.span)].op == h.callee_op);
}
