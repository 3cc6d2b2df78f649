// The code generator: what each fault becomes in code, which lines are marked, per-service views, and (in the
// codegen_gofmt ctest test) that every Go program is formatted as gofmt formats it.
#include <doctest/doctest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "sim/codegen/codegen.hpp"
#include "tests/support/temp_dir.hpp"

namespace fs = std::filesystem;
using namespace tl;
using namespace tl::codegen;

namespace {
const fs::path kScenarios = fs::path(TRACELAB_SOURCE_DIR) / "assets" / "scenarios";

Scenario builtin(const char* name) {
    auto s = load_scenario(name, kScenarios);
    REQUIRE_MESSAGE(s.ok(), s.error());
    return *s;
}

std::vector<const CodeLine*> differing(const Program& p) {
    std::vector<const CodeLine*> out;
    for (const CodeLine& l : p.main_file()->lines)
        if (l.differs) out.push_back(&l);
    return out;
}

size_t count(const std::string& text, const std::string& what) {
    size_t n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

int call_index(const Scenario& s, const char* caller, const char* callee) {
    const Service* from = s.service(caller);
    for (size_t i = 0; i < from->calls.size(); ++i)
        if (from->calls[i].to == callee) return static_cast<int>(i);
    return -1;
}
}  // namespace

TEST_CASE("codegen: a healthy checkout has one tracer per service process and no marked line") {
    const Scenario s = builtin("checkout");
    for (Language lang : {Language::JavaScript, Language::Go}) {
        const Program p = generate_program(s, lang);
        REQUIRE(p.main_file() != nullptr);
        CHECK(differing(p).empty());
        const std::string text = p.main_file()->text();
        // Services reached over the network (and the entry) run servers with their own provider; db runs in-process.
        for (const char* name : {"gateway", "auth", "orders", "payments"}) {
            const std::string own = lang == Language::JavaScript ? "tracerFor('" + std::string(name) + "')"
                                                                 : "newTracerProvider(ctx, \"" + std::string(name) + "\")";
            CHECK_MESSAGE(count(text, own) == 1, name);
        }
        CHECK(count(text, lang == Language::JavaScript ? "tracerFor('db')" : "newTracerProvider(ctx, \"db\")") == 0);
        CHECK(text.find("db.INSERT") != std::string::npos);
    }
}

TEST_CASE("codegen: each fault on orders->payments marks the one line a developer would change") {
    const Scenario healthy = builtin("checkout");
    const int orders = healthy.find_service("orders");
    const int payments = healthy.find_service("payments");
    const int call = call_index(healthy, "orders", "payments");
    REQUIRE(call >= 0);
    struct Case {
        HopFault fault;
        Language lang;
        const char* must_contain;
        int owner;  // whose code the marked line is
    };
    const Case cases[] = {
        {HopFault::NoInject, Language::JavaScript, "callWithoutTracing('payments'", orders},
        {HopFault::CtxDropped, Language::JavaScript, "call(tracer, ROOT_CONTEXT, 'payments'", orders},
        {HopFault::FlagsDropped, Language::JavaScript, "{ sampled: false }", orders},
        {HopFault::NoExtract, Language::JavaScript, "const parent = ROOT_CONTEXT;", payments},
        {HopFault::NoInject, Language::Go, "call(ctx, http.DefaultClient, \"payments\"", orders},
        {HopFault::CtxDropped, Language::Go, "call(context.Background(), tracedClient(tp), \"payments\"", orders},
        {HopFault::FlagsDropped, Language::Go, "unsampledClient(tp)", orders},
    };
    for (const Case& c : cases) {
        Scenario s = healthy;
        REQUIRE(set_hop_fault(s, "orders", "payments", c.fault).empty());
        const Program p = generate_program(s, c.lang);
        const auto marked = differing(p);
        INFO(to_string(c.fault), " ", to_string(c.lang));
        REQUIRE(marked.size() == 1);
        CHECK(marked[0]->text.find(c.must_contain) != std::string::npos);
        CHECK(marked[0]->service == c.owner);
        CHECK(marked[0]->hop == HopRef{orders, call});
        CHECK(!marked[0]->why.empty());
    }
}

TEST_CASE("codegen: Go no-extract unwraps the handler, marking its lines in the callee") {
    Scenario s = builtin("checkout");
    REQUIRE(set_hop_fault(s, "orders", "payments", HopFault::NoExtract).empty());
    const Program p = generate_program(s, Language::Go);
    const auto marked = differing(p);
    REQUIRE(!marked.empty());
    for (const CodeLine* l : marked) CHECK(l->service == s.find_service("payments"));
    const std::string text = p.main_file()->text();
    // Four services are still wrapped by otelhttp.NewHandler: all but payments.
    CHECK(count(text, "otelhttp.NewHandler(") == 3);
}

TEST_CASE("codegen: an uninstrumented service has no SDK and forwards nothing") {
    Scenario s = builtin("checkout");
    REQUIRE(set_instrumented(s, "orders", false).empty());
    const Program js = generate_program(s, Language::JavaScript);
    const std::string text = js.main_file()->text();
    CHECK(text.find("tracerFor('orders')") == std::string::npos);
    CHECK(text.find("callWithoutTracing('payments'") != std::string::npos);
    // Its query goes through a client library without instrumentation: no CLIENT span for it either.
    CHECK(text.find("queryWithoutTracing(dbDatabase") != std::string::npos);
    const auto marked = differing(js);
    REQUIRE(marked.size() == 1);
    CHECK(marked[0]->instrumentation);
    CHECK(marked[0]->service == s.find_service("orders"));
}

TEST_CASE("codegen: a database call is a CLIENT span of the caller with the database's attributes") {
    const Scenario healthy = builtin("checkout");
    const Service& db = *healthy.service("db");
    const int orders = healthy.find_service("orders");
    const HopRef hop{orders, call_index(healthy, "orders", "db")};
    for (Language lang : {Language::JavaScript, Language::Go}) {
        INFO(to_string(lang));
        const Program p = generate_program(healthy, lang);
        const std::string text = p.main_file()->text();
        const bool js = lang == Language::JavaScript;
        // The query helper starts a CLIENT span (not an INTERNAL one, no server for the database) under the context
        // it is given; the database gets no tracer of its own.
        CHECK(text.find(js ? "{ kind: SpanKind.CLIENT, attributes: database.attributes }, ctx)"
                           : "trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(attrs...))") !=
              std::string::npos);
        CHECK(text.find(js ? "SpanKind.INTERNAL" : "trace.SpanKindInternal") == std::string::npos);
        CHECK(text.find(js ? "tracerFor('db')" : "newTracerProvider(ctx, \"db\")") == std::string::npos);
        CHECK(text.find(js ? "serve('db'" : "serve(\"db\"") == std::string::npos);
        // Every attribute of the scenario's database, plus server.address naming it.
        for (const auto& [key, value] : db.attributes) {
            const std::string& v = std::get<std::string>(value);
            CHECK_MESSAGE(text.find(js ? "'" + key + "': '" + v + "'"
                                       : "attribute.String(\"" + key + "\", \"" + v + "\")") != std::string::npos,
                          key);
        }
        CHECK(text.find(js ? "'server.address': 'db'" : "attribute.String(\"server.address\", \"db\")") !=
              std::string::npos);
        const std::string call = js ? "await query(tracer, context.active(), dbDatabase, 0);"
                                    : "query(ctx, tp, \"" + db.span_name + "\", dbAttributes, dbQuery, 0)";
        CHECK(text.find(call) != std::string::npos);
        CHECK(differing(p).empty());

        // ctx-dropped: the query's span starts from the root context (a new trace); the line says so.
        Scenario dropped = healthy;
        REQUIRE(set_hop_fault(dropped, "orders", "db", HopFault::CtxDropped).empty());
        const Program pd = generate_program(dropped, lang);
        const auto marked = differing(pd);
        REQUIRE(marked.size() == 1);
        CHECK(marked[0]->text.find(js ? "query(tracer, ROOT_CONTEXT, dbDatabase" : "query(context.Background(), tp") !=
              std::string::npos);
        CHECK(marked[0]->hop == hop);
        CHECK(marked[0]->service == orders);
        CHECK(marked[0]->why.find("CLIENT span") != std::string::npos);

        // no-inject: a client library without instrumentation records nothing.
        Scenario plain = healthy;
        REQUIRE(set_hop_fault(plain, "orders", "db", HopFault::NoInject).empty());
        const Program pp = generate_program(plain, lang);
        const auto unmarked = differing(pp);
        REQUIRE(unmarked.size() == 1);
        CHECK(unmarked[0]->text.find(js ? "queryWithoutTracing(dbDatabase, 0)" : "queryWithoutTracing(dbQuery, 0)") !=
              std::string::npos);
    }
}

TEST_CASE("codegen: a proxy is a real forwarding server, with or without traceparent") {
    const Scenario legacy = builtin("legacy-proxy");
    const Scenario strict = builtin("header-stripping-proxy");
    for (Language lang : {Language::JavaScript, Language::Go}) {
        INFO(to_string(lang));
        const bool js = lang == Language::JavaScript;
        const Program p = generate_program(legacy, lang);
        const std::string text = p.main_file()->text();
        // Served like any service, but with no SDK: no provider, and it forwards every end-to-end header.
        CHECK(text.find(js ? "await serve('legacy-proxy', legacyProxyHandler);"
                           : "serve(\"legacy-proxy\", legacyProxyServer())") != std::string::npos);
        CHECK(text.find(js ? "tracerFor('legacy-proxy')" : "newTracerProvider(ctx, \"legacy-proxy\")") ==
              std::string::npos);
        CHECK(text.find(js ? "legacyProxyForward(forwardedHeaders(req.headers));"
                           : "headers := forwardedHeaders(r.Header, nil)") != std::string::npos);
        CHECK(text.find(js ? "await forward('inventory', headers, 1);" : "forward(\"inventory\", headers, 1000)") !=
              std::string::npos);
        CHECK(text.find("ALLOWED_HEADERS") == std::string::npos);
        CHECK(text.find("allowedHeaders") == std::string::npos);
        // The caller cannot see the proxy: its CLIENT span is named after the operation behind it.
        CHECK(text.find(js ? "call(tracer, context.active(), 'legacy-proxy', 'inventory.Lookup', 1)"
                           : "\"legacy-proxy\": \"inventory.Lookup\"") != std::string::npos);
        // A transparent proxy is the healthy program: nothing to change.
        CHECK(differing(p).empty());

        // The header-stripping proxy keeps only its allow-list: that is the one line to change.
        const Program q = generate_program(strict, lang);
        const auto marked = differing(q);
        REQUIRE(marked.size() == 1);
        CHECK(marked[0]->text.find(js ? "forwardedHeaders(req.headers, ALLOWED_HEADERS)"
                                      : "forwardedHeaders(r.Header, allowedHeaders)") != std::string::npos);
        CHECK(marked[0]->service == strict.find_service("strict-proxy"));
        CHECK(!marked[0]->hop.valid());
        CHECK(marked[0]->why.find("traceparent") != std::string::npos);
        const std::string qt = q.main_file()->text();
        const size_t list = qt.find(js ? "const ALLOWED_HEADERS" : "var allowedHeaders");
        REQUIRE(list != std::string::npos);
        const std::string allow = qt.substr(list, qt.find('\n', list) - list);
        CHECK(allow.find("raceparent") == std::string::npos);

        // A proxy can rewrite the flags it forwards; ctx-dropped has nothing to act on in a proxy.
        Scenario flags = legacy;
        REQUIRE(set_hop_fault(flags, "legacy-proxy", "inventory", HopFault::FlagsDropped).empty());
        const Program pf = generate_program(flags, lang);
        const auto f = differing(pf);
        REQUIRE(f.size() == 1);
        CHECK(f[0]->text.find(js ? "forward('inventory', headers, 1, { sampled: false })"
                                 : "forward(\"inventory\", withSampledFlagCleared(headers), 1000)") !=
              std::string::npos);
        Scenario ctx = legacy;
        REQUIRE(set_hop_fault(ctx, "legacy-proxy", "inventory", HopFault::CtxDropped).empty());
        CHECK(differing(generate_program(ctx, lang)).empty());
    }
}

TEST_CASE("codegen: queue hops publish with a PRODUCER span and consume with a link; repeats and parallel calls") {
    const Program async = generate_program(builtin("async-order"), Language::JavaScript);
    const std::string a = async.main_file()->text();
    CHECK(a.find("await publish(tracer, context.active(), 'fulfillment'") != std::string::npos);
    CHECK(a.find("propagation.extract(ROOT_CONTEXT, message.headers)") != std::string::npos);
    CHECK(a.find("links: linkTo(parent)") != std::string::npos);

    const Program n1 = generate_program(builtin("n-plus-one"), Language::JavaScript);
    CHECK(n1.main_file()->text().find("for (let i = 0; i < 12; i += 1) {") != std::string::npos);

    const Scenario fan = builtin("fan-out");
    const Program f = generate_program(fan, Language::JavaScript);
    const std::string ft = f.main_file()->text();
    CHECK(ft.find("await Promise.all([") != std::string::npos);
    CHECK(count(ft, "call(tracer, context.active(), 'shard-") == fan.service("gateway")->calls.size());
}

TEST_CASE("codegen: the service view holds that service's lines only, and alternatives differ per fault") {
    const Scenario s = builtin("checkout");
    const Program p = generate_program(s, Language::JavaScript);
    const int orders = s.find_service("orders");
    const auto view = service_code(p, orders);
    REQUIRE(!view.empty());
    for (const CodeLine* l : view) CHECK(l->service == orders);
    const HopRef hop{orders, call_index(s, "orders", "payments")};
    std::set<std::string> seen;
    for (HopFault f : applicable_faults(Transport::Http)) seen.insert(hop_line(s, Language::JavaScript, hop, f));
    CHECK(seen.size() == applicable_faults(Transport::Http).size());
    CHECK(applicable_faults(Transport::InProcess).size() == 2);
    CHECK(hop_line(s, Language::Go, HopRef{orders, 99}, HopFault::Ok).empty());
}

TEST_CASE("codegen: package.json pins every package main.js requires") {
    const Program p = generate_program(builtin("checkout"), Language::JavaScript);
    std::string pkg, main;
    for (const CodeFile& f : p.files) (f.path == "package.json" ? pkg : main) = f.text();
    for (size_t at = main.find("require('@"); at != std::string::npos; at = main.find("require('@", at + 1)) {
        const size_t end = main.find('\'', at + 9);
        const std::string name = main.substr(at + 9, end - at - 9);
        CHECK_MESSAGE(pkg.find("\"" + name + "\"") != std::string::npos, name);
    }
}

TEST_CASE("codegen: write_program writes every file, and reports a folder it cannot create" * doctest::timeout(10)) {
    test::TempDir tmp;
    const Program p = generate_program(builtin("checkout"), Language::Go);
    CHECK(write_program(p, tmp.path / "twin").empty());
    CHECK(fs::exists(tmp.path / "twin" / "go.mod"));
    CHECK(fs::exists(tmp.path / "twin" / "main.go"));
    { std::ofstream(tmp.path / "file") << "x"; }
    const std::string err = write_program(p, tmp.path / "file" / "sub");
    CHECK(err.find("file") != std::string::npos);
}

// Every built-in scenario healthy, with each applicable fault on each hop, and with each service's instrumentation
// flipped and an error rate set: the variants the generated programs must get right.
static std::vector<Scenario> all_variants() {
    std::vector<Scenario> cases;
    for (const std::string& name : builtin_scenario_names(kScenarios)) {
        const Scenario healthy = builtin(name.c_str());
        cases.push_back(healthy);
        for (const Service& svc : healthy.services) {
            for (const Call& c : svc.calls)
                for (HopFault f : applicable_faults(c.transport)) {
                    if (f == HopFault::Ok) continue;
                    Scenario s = healthy;
                    REQUIRE(set_hop_fault(s, svc.name, c.to, f).empty());
                    cases.push_back(s);
                }
            if (svc.role != ServiceRole::Application) continue;  // databases and proxies run no SDK to switch
            Scenario u = healthy;
            REQUIRE(set_instrumented(u, svc.name, !svc.instrumented).empty());
            REQUIRE(set_error_rate(u, svc.name, 0.5).empty());
            cases.push_back(u);
        }
    }
    return cases;
}

// Runs a shell command; its exit status and what it printed (standard output and error).
static std::pair<int, std::string> run_command(const std::string& cmd) {
    FILE* pipe = ::popen((cmd + " 2>&1").c_str(), "r");
    REQUIRE(pipe != nullptr);
    std::string out;
    std::array<char, 512> buf{};
    while (size_t got = std::fread(buf.data(), 1, buf.size(), pipe)) out.append(buf.data(), got);
    return {::pclose(pipe), out};
}

// Run by the codegen_gofmt ctest test (skipped there when gofmt is not installed), not by the plain suite.
TEST_CASE("codegen: gofmt accepts every Go program, healthy and with each fault" * doctest::skip()) {
    test::TempDir tmp;
    const std::vector<Scenario> cases = all_variants();
    for (size_t n = 0; n < cases.size(); ++n)
        REQUIRE(write_program(generate_program(cases[n], Language::Go), tmp.path / std::to_string(n)).empty());
    const auto [status, out] = run_command("gofmt -l " + tmp.path.string());
    INFO("gofmt -l lists the files it would change (or its syntax errors): ", out);
    CHECK(cases.size() > 20);
    CHECK(status == 0);
    CHECK(out.empty());
}

// Run by the codegen_node_check ctest test (skipped there without Node.js): every JavaScript program parses.
TEST_CASE("codegen: node --check accepts every JavaScript program, healthy and with each fault" * doctest::skip()) {
    test::TempDir tmp;
    const std::vector<Scenario> cases = all_variants();
    std::string cmd = "set -e";
    for (size_t n = 0; n < cases.size(); ++n) {
        const fs::path dir = tmp.path / std::to_string(n);
        REQUIRE(write_program(generate_program(cases[n], Language::JavaScript), dir).empty());
        cmd += "; node --check " + (dir / "main.js").string();
    }
    const auto [status, out] = run_command("sh -c '" + cmd + "'");
    INFO(out);
    CHECK(status == 0);
}
