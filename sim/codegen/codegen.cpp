// Code generator: turns a Scenario into a JavaScript (runnable) or Go (source) program traced with OpenTelemetry.
// [SECTION] Shared: names, literals, the shape of the scenario (who is reached how)
// [SECTION] Line builder
// [SECTION] JavaScript
// [SECTION] Go
// [SECTION] Program, service view, alternatives, writing
#include "sim/codegen/codegen.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <set>
#include <system_error>

namespace tl::codegen {

// [SECTION] Shared

const char* to_string(Language l) {
    return l == Language::Go ? "go" : "js";
}

std::optional<Language> parse_language(std::string_view s) {
    if (s == "go") return Language::Go;
    if (s == "js" || s == "javascript") return Language::JavaScript;
    return std::nullopt;
}

const std::vector<std::pair<std::string, std::string>>& js_dependencies() {
    // The 3.x SDK line (the tracing SDK is @opentelemetry/sdk-trace), as the receiver's tests use it.
    static const std::vector<std::pair<std::string, std::string>> deps = {
        {"@opentelemetry/api", "1.10.0"},
        {"@opentelemetry/context-async-hooks", "3.1.0"},
        {"@opentelemetry/core", "3.1.0"},
        {"@opentelemetry/exporter-trace-otlp-http", "0.301.0"},
        {"@opentelemetry/resources", "3.1.0"},
        {"@opentelemetry/sdk-trace", "3.1.0"},
        {"@opentelemetry/semantic-conventions", "1.45.0"},
    };
    return deps;
}

std::vector<HopFault> applicable_faults(Transport t) {
    switch (t) {
        case Transport::InProcess:
            return {HopFault::Ok, HopFault::CtxDropped};
        case Transport::Queue:
            return {HopFault::Ok,         HopFault::NoInject,           HopFault::NoExtract,
                    HopFault::CtxDropped, HopFault::NoHeadersOnMessage, HopFault::FlagsDropped};
        case Transport::Http:
        case Transport::Grpc:
            break;
    }
    return {HopFault::Ok, HopFault::NoInject, HopFault::NoExtract, HopFault::CtxDropped, HopFault::FlagsDropped};
}

namespace {

// How each service is reached, resolved once per program.
struct Shape {
    std::vector<bool> remote;     // reached over HTTP/gRPC (or the entry): it runs an HTTP server
    std::vector<bool> queue;      // reached over the queue: it runs a message consumer
    std::vector<bool> in_process; // called as a function inside its caller's process
    std::vector<bool> extracts;   // its server/consumer continues incoming context (not every incoming hop is no-extract)
    std::vector<HopRef> first_in; // the first remote hop into it (the hop its extraction line belongs to)
    std::vector<SpanKind> kind;   // its operation's span kind, as the engine derives it
    std::vector<std::string> ident;  // a code identifier derived from its name, unique in the program
    bool any_queue = false, any_parallel = false, any_error = false, any_attrs = false, any_flags_dropped = false;
    bool any_remote_call = false;
    bool any_database = false;  // some service is a database: the query helpers are needed
    bool any_proxy = false;     // some service is a proxy: the forwarding helpers are needed
    bool any_stripping = false; // some proxy forwards only an allow-list of headers
};

bool is_proxy(const Service& s) {
    return s.role == ServiceRole::Proxy || s.role == ServiceRole::HeaderStrippingProxy;
}

// The operation a call to `to` asks for: a proxy is invisible to its caller, so the request is named after the
// operation behind it (its first upstream), as the engine names the caller's CLIENT span.
std::string requested_operation(const Scenario& s, int to);

// "legacy-proxy" → "legacyProxy"; identifiers never start with a digit.
std::string camel(std::string_view name) {
    std::string out;
    bool up = false;
    for (char c : name) {
        const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!alnum) {
            up = !out.empty();
            continue;
        }
        if (up && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
        up = false;
        out += c;
    }
    if (out.empty() || (out[0] >= '0' && out[0] <= '9')) out = "s" + out;
    if (out[0] >= 'A' && out[0] <= 'Z') out[0] = static_cast<char>(out[0] - 'A' + 'a');
    return out;
}

Shape shape_of(const Scenario& s) {
    const size_t n = s.services.size();
    Shape sh;
    sh.remote.assign(n, false);
    sh.queue.assign(n, false);
    sh.in_process.assign(n, false);
    sh.extracts.assign(n, false);
    sh.first_in.assign(n, HopRef{});
    sh.kind.assign(n, SpanKind::Server);
    std::vector<int> reached_by(n, -1);
    const int entry = std::max(0, s.entry_index());
    if (n > 0) sh.remote[static_cast<size_t>(entry)] = true;
    std::vector<int> incoming(n, 0), incoming_no_extract(n, 0);
    for (size_t i = 0; i < n; ++i) {
        const Service& svc = s.services[i];
        sh.any_parallel = sh.any_parallel || (svc.parallel && svc.calls.size() > 1);
        sh.any_error = sh.any_error || svc.error_rate > 0;
        sh.any_attrs = sh.any_attrs || !svc.attributes.empty();
        sh.any_database = sh.any_database || svc.role == ServiceRole::Database;
        sh.any_proxy = sh.any_proxy || is_proxy(svc);
        sh.any_stripping = sh.any_stripping || svc.role == ServiceRole::HeaderStrippingProxy;
        for (size_t c = 0; c < svc.calls.size(); ++c) {
            const Call& call = svc.calls[c];
            const int to = s.find_service(call.to);
            if (to < 0) continue;
            const auto t = static_cast<size_t>(to);
            // A database is reached through its client library, in the caller's code: no server, no handler.
            if (s.services[t].role == ServiceRole::Database) continue;
            if (reached_by[t] < 0) reached_by[t] = static_cast<int>(call.transport);
            if (call.transport == Transport::InProcess) {
                sh.in_process[t] = true;
                continue;
            }
            sh.any_remote_call = true;
            (call.transport == Transport::Queue ? sh.queue : sh.remote)[t] = true;
            sh.any_queue = sh.any_queue || call.transport == Transport::Queue;
            sh.any_flags_dropped = sh.any_flags_dropped || call.fault == HopFault::FlagsDropped;
            if (!sh.first_in[t].valid()) sh.first_in[t] = HopRef{static_cast<int>(i), static_cast<int>(c)};
            ++incoming[t];
            if (call.fault == HopFault::NoExtract) ++incoming_no_extract[t];
        }
    }
    std::set<std::string> used;
    for (size_t i = 0; i < n; ++i) {
        const Service& svc = s.services[i];
        sh.extracts[i] = svc.instrumented && (incoming[i] == 0 || incoming_no_extract[i] < incoming[i]);
        const int how = static_cast<int>(i) == entry ? static_cast<int>(Transport::Http) : reached_by[i];
        if (svc.kind)
            sh.kind[i] = *svc.kind;
        else if (how == static_cast<int>(Transport::Queue))
            sh.kind[i] = SpanKind::Consumer;
        else if (how == static_cast<int>(Transport::InProcess))
            sh.kind[i] = SpanKind::Internal;
        std::string id = camel(svc.name);
        for (int k = 2; used.count(id) > 0; ++k) id = camel(svc.name) + std::to_string(k);
        used.insert(id);
        sh.ident.push_back(id);
    }
    return sh;
}

// The span name of a service's operation (its name when the scenario gives none).
std::string operation_name(const Service& s) {
    return s.span_name.empty() ? s.name : s.span_name;
}

std::string requested_operation(const Scenario& s, int to) {
    int target = to;
    for (size_t hops = 0; hops < s.services.size(); ++hops) {
        const Service& svc = s.services[static_cast<size_t>(target)];
        if (!is_proxy(svc) || svc.calls.empty()) break;
        const int next = s.find_service(svc.calls.front().to);
        if (next < 0) break;
        target = next;
    }
    return operation_name(s.services[static_cast<size_t>(target)]);
}

// The attributes of the CLIENT span a database's callers record: its own, plus server.address (its name) when it
// gives none, as the engine records them.
std::vector<std::pair<std::string, AttrLiteral>> database_attributes(const Service& db) {
    auto attrs = db.attributes;
    const bool has_address =
        std::any_of(attrs.begin(), attrs.end(), [](const auto& kv) { return kv.first == "server.address"; });
    if (!has_address) attrs.emplace_back("server.address", AttrLiteral{db.name});
    return attrs;
}

// A string literal in single (JS) or double (Go) quotes.
std::string quote(std::string_view s, char q) {
    std::string out(1, q);
    for (char c : s) {
        if (c == '\\' || c == q) out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    out += q;
    return out;
}

// Milliseconds as a short decimal: 2, 12.5, 0.25.
std::string ms_text(double ms) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", std::max(0.0, ms));
    std::string s = buf;
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
    return s;
}

long long us_of(double ms) {
    return std::llround(std::max(0.0, ms) * 1000.0);
}

const char* js_kind(SpanKind k) {
    switch (k) {
        case SpanKind::Server: return "SpanKind.SERVER";
        case SpanKind::Client: return "SpanKind.CLIENT";
        case SpanKind::Producer: return "SpanKind.PRODUCER";
        case SpanKind::Consumer: return "SpanKind.CONSUMER";
        case SpanKind::Internal:
        case SpanKind::Unspecified: break;
    }
    return "SpanKind.INTERNAL";
}

const char* go_kind(SpanKind k) {
    switch (k) {
        case SpanKind::Server: return "trace.SpanKindServer";
        case SpanKind::Client: return "trace.SpanKindClient";
        case SpanKind::Producer: return "trace.SpanKindProducer";
        case SpanKind::Consumer: return "trace.SpanKindConsumer";
        case SpanKind::Internal:
        case SpanKind::Unspecified: break;
    }
    return "trace.SpanKindInternal";
}

std::string js_literal(const AttrLiteral& v) {
    if (auto s = std::get_if<std::string>(&v)) return quote(*s, '\'');
    if (auto i = std::get_if<int64_t>(&v)) return std::to_string(*i);
    if (auto d = std::get_if<double>(&v)) {
        char buf[40];
        std::snprintf(buf, sizeof buf, "%.17g", *d);
        return buf;
    }
    return std::get<bool>(v) ? "true" : "false";
}

std::string go_attribute(const std::string& key, const AttrLiteral& v) {
    const std::string k = quote(key, '"');
    if (auto s = std::get_if<std::string>(&v)) return "attribute.String(" + k + ", " + quote(*s, '"') + ")";
    if (auto i = std::get_if<int64_t>(&v)) return "attribute.Int64(" + k + ", " + std::to_string(*i) + ")";
    if (auto d = std::get_if<double>(&v)) {
        char buf[40];
        std::snprintf(buf, sizeof buf, "%.17g", *d);
        std::string num = buf;
        if (num.find_first_of(".eEn") == std::string::npos) num += ".0";
        return "attribute.Float64(" + k + ", " + num + ")";
    }
    return "attribute.Bool(" + k + ", " + (std::get<bool>(v) ? "true" : "false") + ")";
}

// Attributes as a JavaScript object literal: { 'key': value, … }.
std::string js_attributes(const std::vector<std::pair<std::string, AttrLiteral>>& attrs) {
    std::string a = "{ ";
    for (size_t k = 0; k < attrs.size(); ++k) {
        if (k > 0) a += ", ";
        a += quote(attrs[k].first, '\'') + ": " + js_literal(attrs[k].second);
    }
    return a + " }";
}

// Attributes as Go arguments: attribute.String("key", "value"), …
std::string go_attributes(const std::vector<std::pair<std::string, AttrLiteral>>& attrs) {
    std::string a;
    for (size_t k = 0; k < attrs.size(); ++k) {
        if (k > 0) a += ", ";
        a += go_attribute(attrs[k].first, attrs[k].second);
    }
    return a;
}

// One line on what a fault does, beside the line that causes it. `database`: the hop is a query to a database.
std::string fault_why(HopFault f, Transport t, bool database = false) {
    const bool queue = t == Transport::Queue;
    if (database) {
        if (f == HopFault::NoInject)
            return "a database client without instrumentation: no CLIENT span, so the query's time hides inside the "
                   "caller's span";
        if (f == HopFault::CtxDropped)
            return "a fresh context instead of the request's: the query's CLIENT span starts a new trace of its own";
    }
    switch (f) {
        case HopFault::NoInject:
            return queue ? "published without the tracing library: no producer span, no trace context on the message"
                         : "a client without tracing: no client span and no traceparent header, so the callee starts "
                           "a new trace";
        case HopFault::NoExtract:
            return queue ? "the consumer never reads the message's trace context: its span starts a new trace"
                         : "the handler never reads the incoming traceparent: its span starts a new trace";
        case HopFault::CtxDropped:
            return "a fresh context instead of the request's: this call and everything below it start a new trace";
        case HopFault::NoHeadersOnMessage:
            return "the span is recorded but its context is not injected: nothing travels with the message";
        case HopFault::FlagsDropped:
            return "the traceparent goes out with the sampled flag cleared: the callee's parent-based sampler "
                   "records nothing below this hop";
        case HopFault::Ok:
            break;
    }
    return "";
}

// [SECTION] Line builder

class Lines {
public:
    explicit Lines(std::string indent_unit) : unit_(std::move(indent_unit)) {}
    // Adds a line at the current depth, tagged with the current service.
    CodeLine& add(std::string text) {
        CodeLine l;
        if (!text.empty())
            for (int i = 0; i < depth_; ++i) l.text += unit_;
        l.text += text;
        l.service = service_;
        lines_.push_back(std::move(l));
        return lines_.back();
    }
    // Adds a line that makes (or receives) `hop`; marked when `f` is a fault.
    CodeLine& hop(std::string text, HopRef hop, HopFault f, Transport t, bool database = false) {
        CodeLine& l = add(std::move(text));
        l.hop = hop;
        if (f != HopFault::Ok) {
            l.differs = true;
            l.why = fault_why(f, t, database);
        }
        return l;
    }
    void blank() { add(""); }
    void in() { ++depth_; }
    void out() { --depth_; }
    void service(int s) { service_ = s; }
    std::vector<CodeLine> take() { return std::move(lines_); }

private:
    std::string unit_;
    int depth_ = 0;
    int service_ = -1;
    std::vector<CodeLine> lines_;
};

constexpr const char* kUninstrumentedWhy =
    "no OpenTelemetry SDK in this service: it records no spans and passes no trace context on";
constexpr const char* kStrippingWhy =
    "the proxy forwards only the headers on its allow-list: traceparent is dropped, so what it calls starts a new "
    "trace (add traceparent and tracestate to the list to keep the trace whole)";

// Marks a header-stripping proxy's allow-list line: the line to change to keep the trace whole.
void mark_stripping(CodeLine& l) {
    l.differs = true;
    l.why = kStrippingWhy;
}

// The fault a call line shows: none on code that has no tracing to break, none that cannot act on the hop.
HopFault shown_fault(const Scenario& s, const Service& from, const Call& c) {
    const Service* to = s.service(c.to);
    const bool database = to && to->role == ServiceRole::Database;
    if (is_proxy(from)) {
        // A proxy runs no tracing code: it forwards what it received; a transparent one may rewrite the flags.
        const bool rewrites = from.role == ServiceRole::Proxy && c.transport != Transport::InProcess && !database;
        return rewrites && c.fault == HopFault::FlagsDropped ? c.fault : HopFault::Ok;
    }
    if (!from.instrumented) return HopFault::Ok;
    if (database)  // nothing is sent to a database: only the client span's existence and its context matter
        return c.fault == HopFault::CtxDropped || c.fault == HopFault::NoInject ? c.fault : HopFault::Ok;
    if (c.transport == Transport::InProcess) return c.fault == HopFault::CtxDropped ? c.fault : HopFault::Ok;
    if (c.fault == HopFault::NoExtract) return HopFault::Ok;  // shown on the callee's handler
    return c.fault;
}

// [SECTION] JavaScript

class JsWriter {
public:
    JsWriter(const Scenario& s, const Shape& sh) : s_(s), sh_(sh), l_("  ") {}

    std::vector<CodeLine> main_js() {
        header();
        helpers();
        for (size_t i = 0; i < s_.services.size(); ++i) service(static_cast<int>(i));
        main_fn();
        return l_.take();
    }

    // The text of one hop's call expression (for alternatives).
    std::string call_expr(int caller, int call_index, HopFault f) const {
        const Service& from = s_.services[static_cast<size_t>(caller)];
        const Call& c = from.calls[static_cast<size_t>(call_index)];
        const int to = s_.find_service(c.to);
        const Service& callee = s_.services[static_cast<size_t>(to)];
        const std::string& id = sh_.ident[static_cast<size_t>(to)];
        const std::string ctx = f == HopFault::CtxDropped ? "ROOT_CONTEXT" : "context.active()";
        const std::string net = ms_text(c.network.ms);
        const std::string name = quote(callee.name, '\'');
        if (callee.role == ServiceRole::Database) {
            if (!from.instrumented || is_proxy(from) || f == HopFault::NoInject)
                return "queryWithoutTracing(" + id + "Database, " + net + ")";
            return "query(tracer, " + ctx + ", " + id + "Database, " + net + ")";
        }
        if (is_proxy(from)) {
            const bool rewrites = from.role == ServiceRole::Proxy && f == HopFault::FlagsDropped;
            return "forward(" + name + ", headers, " + net + (rewrites ? ", { sampled: false }" : "") + ")";
        }
        if (c.transport == Transport::InProcess) {
            if (!callee.instrumented) return id + "Operation()";
            if (!from.instrumented) return id + "Operation(trace.getTracer('no-sdk'), ROOT_CONTEXT)";
            return id + "Operation(tracer, " + ctx + ")";
        }
        const bool queue = c.transport == Transport::Queue;
        if (!from.instrumented || f == HopFault::NoInject)
            return std::string(queue ? "publishWithoutTracing(" : "callWithoutTracing(") + name + ", " + net + ")";
        std::string opts;
        if (f == HopFault::NoHeadersOnMessage) opts = ", { inject: false }";
        if (f == HopFault::FlagsDropped) opts = ", { sampled: false }";
        if (queue) return "publish(tracer, " + ctx + ", " + name + ", " + net + opts + ")";
        const std::string span_name = requested_operation(s_, to);
        return "call(tracer, " + ctx + ", " + name + ", " + quote(span_name, '\'') + ", " + net + opts + ")";
    }

    // The extraction expression of a server/consumer handler.
    static std::string extract_expr(bool extracts, bool queue) {
        if (!extracts) return "ROOT_CONTEXT";
        return std::string("propagation.extract(ROOT_CONTEXT, ") + (queue ? "message" : "req") + ".headers)";
    }

private:
    void header() {
        l_.add("// " + (s_.title.empty() ? s_.id : s_.title) + ": the tracelab scenario \"" + s_.id +
               "\" as a real program.");
        l_.add("// One HTTP server per service on loopback, each with its own TracerProvider (its own service.name),");
        l_.add("// the scenario's own times and calls; spans go over OTLP/HTTP to OTEL_EXPORTER_OTLP_ENDPOINT");
        l_.add("// (default http://localhost:4318).");
        l_.add("// Run: npm install && node main.js [--requests N]");
        l_.add("'use strict';");
        l_.blank();
        l_.add("const http = require('node:http');");
        l_.add("const { context, propagation, trace, ROOT_CONTEXT, SpanKind, SpanStatusCode } = "
               "require('@opentelemetry/api');");
        l_.add("const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');");
        l_.add("const { W3CTraceContextPropagator } = require('@opentelemetry/core');");
        l_.add("const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http');");
        l_.add("const { resourceFromAttributes } = require('@opentelemetry/resources');");
        l_.add("const { BatchSpanProcessor, TracerProvider } = require('@opentelemetry/sdk-trace');");
        l_.add("const { ATTR_SERVICE_NAME } = require('@opentelemetry/semantic-conventions');");
        l_.blank();
        l_.add("// [SECTION] SDK set-up: W3C trace context, async context, one TracerProvider per service");
        l_.add("context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());");
        l_.add("propagation.setGlobalPropagator(new W3CTraceContextPropagator());");
        l_.add("const providers = [];");
        l_.add("// A service's own provider, so every span it records carries its service.name.");
        l_.add("function tracerFor(serviceName) {");
        l_.in();
        l_.add("const provider = new TracerProvider({");
        l_.in();
        l_.add("resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName }),");
        l_.add("spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter() })],");
        l_.out();
        l_.add("});");
        l_.add("providers.push(provider);");
        l_.add("return provider.getTracer(" + quote(s_.id.empty() ? "tracelab" : s_.id, '\'') + ");");
        l_.out();
        l_.add("}");
        l_.blank();
    }

    void helpers() {
        l_.add("// [SECTION] Helpers: servers, HTTP calls, the in-process queue");
        l_.add("const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));");
        l_.add("const ports = new Map();");
        l_.add("const servers = [];");
        l_.add("const queues = new Map();");
        l_.add("const inFlight = new Set();");
        l_.blank();
        l_.add("// Starts a service's HTTP server on a free loopback port; handle(req) resolves to the status code.");
        l_.add("function serve(service, handle) {");
        l_.in();
        l_.add("const server = http.createServer((req, res) => {");
        l_.in();
        l_.add("req.resume();");
        l_.add("handle(req).then((status) => res.writeHead(status).end(), () => res.writeHead(500).end());");
        l_.out();
        l_.add("});");
        l_.add("servers.push(server);");
        l_.add("return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {");
        l_.in();
        l_.add("ports.set(service, server.address().port);");
        l_.add("resolve();");
        l_.out();
        l_.add("}));");
        l_.out();
        l_.add("}");
        l_.blank();
        l_.add("// POSTs to a service with these headers; resolves to the response status.");
        l_.add("function post(service, headers) {");
        l_.in();
        l_.add("return new Promise((resolve, reject) => {");
        l_.in();
        l_.add("const options = { host: '127.0.0.1', port: ports.get(service), method: 'POST', path: `/${service}`, "
               "headers };");
        l_.add("const req = http.request(options, (res) => {");
        l_.in();
        l_.add("res.resume();");
        l_.add("res.on('end', () => resolve(res.statusCode));");
        l_.out();
        l_.add("});");
        l_.add("req.on('error', reject);");
        l_.add("req.end();");
        l_.out();
        l_.add("});");
        l_.out();
        l_.add("}");
        l_.blank();
        l_.add("// The sampled bit of a traceparent cleared, as a hop that rewrites the flags sends it on.");
        l_.add("function clearSampledFlag(traceparent) {");
        l_.in();
        l_.add("const flags = parseInt(traceparent.slice(53), 16) & ~1;");
        l_.add("return traceparent.slice(0, 53) + flags.toString(16).padStart(2, '0');");
        l_.out();
        l_.add("}");
        l_.blank();
        l_.add("// The outgoing headers for a call made under `ctx`: its span context as traceparent (unless told not");
        l_.add("// to inject), optionally with the sampled flag cleared.");
        l_.add("function traceHeaders(ctx, { inject = true, sampled = true }) {");
        l_.in();
        l_.add("const headers = {};");
        l_.add("if (inject) propagation.inject(ctx, headers);");
        l_.add("if (!sampled && headers.traceparent) headers.traceparent = clearSampledFlag(headers.traceparent);");
        l_.add("return headers;");
        l_.out();
        l_.add("}");
        l_.blank();
        l_.add("// An instrumented client call: a CLIENT span around the request, its context injected as traceparent.");
        l_.add("// `ctx` is the context the caller hands over: it decides which trace the call joins.");
        l_.add("async function call(tracer, ctx, service, spanName, networkMs, options = {}) {");
        l_.in();
        l_.add("const span = tracer.startSpan(spanName, { kind: SpanKind.CLIENT, attributes: { 'server.address': "
               "service } }, ctx);");
        l_.add("const headers = traceHeaders(trace.setSpan(ctx, span), options);");
        l_.add("await sleep(networkMs);");
        l_.add("await post(service, headers);");
        l_.add("await sleep(networkMs);");
        l_.add("span.end();");
        l_.out();
        l_.add("}");
        l_.blank();
        l_.add("// A call without the tracing client: no span and no traceparent header.");
        l_.add("async function callWithoutTracing(service, networkMs) {");
        l_.in();
        l_.add("await sleep(networkMs);");
        l_.add("await post(service, {});");
        l_.add("await sleep(networkMs);");
        l_.out();
        l_.add("}");
        l_.blank();
        l_.add("// Hands a message to its consumer after the network delay; the consumer runs on its own, in no context.");
        l_.add("function deliver(service, headers, networkMs) {");
        l_.in();
        l_.add("const handled = sleep(networkMs).then(() => context.with(ROOT_CONTEXT, () => "
               "queues.get(service)({ headers })));");
        l_.add("inFlight.add(handled);");
        l_.add("handled.finally(() => inFlight.delete(handled));");
        l_.out();
        l_.add("}");
        l_.blank();
        l_.add("// An instrumented publish: a PRODUCER span, its context injected into the message headers.");
        l_.add("async function publish(tracer, ctx, service, networkMs, options = {}) {");
        l_.in();
        l_.add("const attributes = { 'messaging.operation.type': 'publish', 'messaging.destination.name': service };");
        l_.add("const span = tracer.startSpan(`publish ${service}`, { kind: SpanKind.PRODUCER, attributes }, ctx);");
        l_.add("const headers = traceHeaders(trace.setSpan(ctx, span), options);");
        l_.add("await sleep(networkMs);");
        l_.add("deliver(service, headers, networkMs);");
        l_.add("span.end();");
        l_.out();
        l_.add("}");
        l_.blank();
        l_.add("// A publish without the tracing library: no span, no trace context on the message.");
        l_.add("async function publishWithoutTracing(service, networkMs) {");
        l_.in();
        l_.add("await sleep(networkMs);");
        l_.add("deliver(service, {}, networkMs);");
        l_.out();
        l_.add("}");
        l_.blank();
        l_.add("// The producer's span as a link, when the message carried its context.");
        l_.add("function linkTo(ctx) {");
        l_.in();
        l_.add("const producer = trace.getSpanContext(ctx);");
        l_.add("return producer ? [{ context: producer }] : [];");
        l_.out();
        l_.add("}");
        l_.blank();
        if (sh_.any_database) database_helpers();
        if (sh_.any_proxy) proxy_helpers();
    }

    void database_helpers() {
        l_.add("// A query as a database client library's instrumentation records it: a CLIENT span in the caller's");
        l_.add("// service, with the db.* attributes. No traceparent goes to the database: it runs no SDK.");
        l_.add("async function query(tracer, ctx, database, networkMs) {");
        l_.in();
        l_.add("const span = tracer.startSpan(database.spanName, { kind: SpanKind.CLIENT, attributes: "
               "database.attributes }, ctx);");
        l_.add("try {");
        l_.in();
        l_.add("await sleep(networkMs);");
        l_.add("await database.run();");
        l_.add("await sleep(networkMs);");
        l_.out();
        l_.add("} catch (error) {");
        l_.in();
        l_.add("span.setAttribute('error.type', error.name);");
        l_.add("span.recordException(error);");
        l_.add("span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });");
        l_.out();
        l_.add("} finally {");
        l_.in();
        l_.add("span.end();");
        l_.out();
        l_.add("}");
        l_.out();
        l_.add("}");
        l_.blank();
        l_.add("// A query through a client library without instrumentation: no span; its time is the caller's.");
        l_.add("async function queryWithoutTracing(database, networkMs) {");
        l_.in();
        l_.add("await sleep(networkMs);");
        l_.add("await database.run().catch((error) => console.error(error.message));");
        l_.add("await sleep(networkMs);");
        l_.out();
        l_.add("}");
        l_.blank();
    }

    void proxy_helpers() {
        l_.add("// Headers that belong to one connection: a proxy never forwards them (RFC 9110, section 7.6.1).");
        l_.add("const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', "
               "'transfer-encoding', 'upgrade']);");
        if (sh_.any_stripping) {
            l_.add("// A strict proxy's allow-list: every other header (traceparent and tracestate among them) is "
                   "dropped.");
            l_.add("const ALLOWED_HEADERS = new Set(['accept', 'authorization', 'content-length', 'content-type', "
                   "'host', 'user-agent']);");
        }
        l_.blank();
        l_.add("// The headers a proxy sends upstream: every end-to-end header as it came, or only those on an "
               "allow-list.");
        l_.add("function forwardedHeaders(headers, allowList = null) {");
        l_.in();
        l_.add("const keep = (name) => (allowList ? allowList.has(name) : !HOP_BY_HOP.has(name));");
        l_.add("return Object.fromEntries(Object.entries(headers).filter(([name]) => keep(name)));");
        l_.out();
        l_.add("}");
        l_.blank();
        l_.add("// A proxy forwarding a request upstream with these headers (no tracing: it starts no span); a hop");
        l_.add("// that rewrites the flags clears the sampled bit of the traceparent it passes on.");
        l_.add("async function forward(service, headers, networkMs, { sampled = true } = {}) {");
        l_.in();
        l_.add("const sent = sampled || !headers.traceparent ? headers : { ...headers, traceparent: "
               "clearSampledFlag(headers.traceparent) };");
        l_.add("await sleep(networkMs);");
        l_.add("const status = await post(service, sent);");
        l_.add("await sleep(networkMs);");
        l_.add("return status;");
        l_.out();
        l_.add("}");
        l_.blank();
    }

    std::string reached_text(size_t i) const {
        std::string how;
        auto add = [&](const char* w) {
            if (!how.empty()) how += ", ";
            how += w;
        };
        if (sh_.remote[i]) add("HTTP server");
        if (sh_.queue[i]) add("message consumer");
        if (sh_.in_process[i]) add("in-process code of its caller");
        if (!s_.services[i].instrumented) add("not instrumented");
        return how.empty() ? "not called" : how;
    }

    void service(int idx) {
        const auto i = static_cast<size_t>(idx);
        const Service& svc = s_.services[i];
        const std::string& id = sh_.ident[i];
        const std::string span_name = operation_name(svc);
        l_.service(idx);
        if (svc.role == ServiceRole::Database) {
            database(idx);
            l_.blank();
            l_.service(-1);
            return;
        }
        if (is_proxy(svc)) {
            proxy(idx);
            l_.blank();
            l_.service(-1);
            return;
        }
        l_.add("// [SECTION] " + svc.name + ": " + span_name + " (" + reached_text(i) + ")");
        const bool own_process = sh_.remote[i] || sh_.queue[i];
        if (own_process) {
            if (svc.instrumented) {
                l_.add("const " + id + "Tracer = tracerFor(" + quote(svc.name, '\'') + ");").instrumentation = true;
            } else {
                CodeLine& l = l_.add("// No OpenTelemetry SDK in this service: no tracer, no spans, no propagation.");
                l.instrumentation = true;
                l.differs = true;
                l.why = kUninstrumentedWhy;
            }
        }
        auto handler = [&](bool queue) {
            const std::string param = queue ? "message" : "req";
            const std::string var = id + (queue ? "Consumer" : "Handler");
            if (!svc.instrumented) {
                l_.add("const " + var + " = () => " + id + "Operation();");
                return;
            }
            const bool ex = sh_.extracts[i];
            l_.add("const " + var + " = (" + param + ") => {");
            l_.in();
            CodeLine& l = l_.add("const parent = " + extract_expr(ex, queue) + ";");
            l.hop = sh_.first_in[i];
            if (!ex) {
                l.differs = true;
                l.why = fault_why(HopFault::NoExtract, queue ? Transport::Queue : Transport::Http);
            }
            l_.add("return " + id + "Operation(" + id + "Tracer, parent);");
            l_.out();
            l_.add("};");
        };
        if (sh_.remote[i]) handler(false);
        if (sh_.queue[i]) handler(true);
        operation(idx);
        l_.blank();
        l_.service(-1);
    }

    // A database: no SDK, no server of ours; its callers' client library records each query.
    void database(int idx) {
        const auto i = static_cast<size_t>(idx);
        const Service& svc = s_.services[i];
        const std::string& id = sh_.ident[i];
        const std::string span_name = operation_name(svc);
        l_.add("// [SECTION] " + svc.name + ": a database (no SDK: its callers' client instrumentation records each "
               "query)");
        l_.add("const " + id + "Database = {");
        l_.in();
        l_.add("spanName: " + quote(span_name, '\'') + ",");
        l_.add("attributes: " + js_attributes(database_attributes(svc)) + ",");
        l_.add("// The query itself, inside the database: it takes its time.");
        l_.add("run: async () => {");
        l_.in();
        if (svc.own.ms > 0) l_.add("await sleep(" + ms_text(svc.own.ms) + ");");
        if (svc.error_rate > 0)
            l_.add("if (Math.random() < " + ms_text(svc.error_rate) + ") throw new Error(" +
                   quote(span_name + " failed", '\'') + ");");
        l_.out();
        l_.add("},");
        l_.out();
        l_.add("};");
    }

    // A reverse proxy: an HTTP server without SDK that forwards each request to its upstream with the headers it
    // keeps (all of them, or an allow-list that leaves traceparent out).
    void proxy(int idx) {
        const auto i = static_cast<size_t>(idx);
        const Service& svc = s_.services[i];
        const std::string& id = sh_.ident[i];
        const bool strips = svc.role == ServiceRole::HeaderStrippingProxy;
        l_.add("// [SECTION] " + svc.name + ": a reverse proxy without tracing (" +
               (strips ? "forwards only the headers on its allow-list" : "forwards every header untouched") + ")");
        l_.add(strips ? "// It runs no OpenTelemetry SDK and drops the headers it does not know: traceparent does not "
                        "get through."
                      : "// It runs no OpenTelemetry SDK and records nothing, but passes traceparent on as it came.");
        CodeLine& h = l_.add("const " + id + "Handler = (req) => " + id + "Forward(forwardedHeaders(req.headers" +
                             (strips ? ", ALLOWED_HEADERS" : "") + "));");
        if (strips) mark_stripping(h);
        const double before = svc.own.ms * std::clamp(svc.work_before, 0.0, 1.0);
        l_.add("async function " + id + "Forward(headers) {");
        l_.in();
        body(idx, before, svc.own.ms - before);
        l_.add("return 200;");
        l_.out();
        l_.add("}");
    }

    void operation(int idx) {
        const auto i = static_cast<size_t>(idx);
        const Service& svc = s_.services[i];
        const std::string& id = sh_.ident[i];
        const std::string span_name = operation_name(svc);
        const double before = svc.own.ms * std::clamp(svc.work_before, 0.0, 1.0);
        const double after = svc.own.ms - before;
        if (!svc.instrumented) {
            l_.add("async function " + id + "Operation() {");
            l_.in();
            body(idx, before, after);
            if (svc.error_rate > 0)
                l_.add("return Math.random() < " + ms_text(svc.error_rate) + " ? 500 : 200;");
            else
                l_.add("return 200;");
            l_.out();
            l_.add("}");
            return;
        }
        l_.add("async function " + id + "Operation(tracer, parent) {");
        l_.in();
        std::string opts = std::string("{ kind: ") + js_kind(sh_.kind[i]);
        if (!svc.attributes.empty()) opts += ", attributes";
        if (sh_.queue[i]) opts += ", links: linkTo(parent)";
        opts += " }";
        if (!svc.attributes.empty()) l_.add("const attributes = " + js_attributes(svc.attributes) + ";");
        CodeLine& start = l_.add("return tracer.startActiveSpan(" + quote(span_name, '\'') + ", " + opts +
                                 ", parent, async (span) => {");
        if (!sh_.remote[i] && !sh_.queue[i]) start.instrumentation = true;
        l_.in();
        body(idx, before, after);
        if (svc.error_rate > 0) {
            l_.add("if (Math.random() < " + ms_text(svc.error_rate) + ") {");
            l_.in();
            l_.add("const error = new Error(" + quote(span_name + " failed", '\'') + ");");
            l_.add("span.recordException(error);");
            l_.add("span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });");
            l_.add("span.end();");
            l_.add("return 500;");
            l_.out();
            l_.add("}");
        }
        l_.add("span.end();");
        l_.add("return 200;");
        l_.out();
        l_.add("});");
        l_.out();
        l_.add("}");
    }

    // Own time before the calls, the calls, own time after.
    void body(int idx, double before, double after) {
        const Service& svc = s_.services[static_cast<size_t>(idx)];
        if (svc.calls.empty()) {  // a leaf: its own time in one piece
            if (before + after > 0) l_.add("await sleep(" + ms_text(before + after) + ");");
            return;
        }
        if (before > 0) l_.add("await sleep(" + ms_text(before) + ");");
        const bool parallel = svc.parallel && (svc.calls.size() > 1 || (svc.calls.size() == 1 && svc.calls[0].repeat > 1));
        if (parallel) {
            l_.add("await Promise.all([");
            l_.in();
        }
        for (size_t c = 0; c < svc.calls.size(); ++c) {
            const Call& call = svc.calls[c];
            if (s_.find_service(call.to) < 0) continue;
            const HopRef hop{idx, static_cast<int>(c)};
            const std::string expr = call_expr(idx, static_cast<int>(c), call.fault);
            const HopFault shown = shown_fault(s_, svc, call);
            const bool db = s_.service(call.to)->role == ServiceRole::Database;
            if (parallel) {
                if (call.repeat > 1)
                    l_.hop("...Array.from({ length: " + std::to_string(call.repeat) + " }, () => " + expr + "),", hop,
                           shown, call.transport, db);
                else
                    l_.hop(expr + ",", hop, shown, call.transport, db);
            } else if (call.repeat > 1) {
                l_.add("for (let i = 0; i < " + std::to_string(call.repeat) + "; i += 1) {");
                l_.in();
                l_.hop("await " + expr + ";", hop, shown, call.transport, db);
                l_.out();
                l_.add("}");
            } else {
                l_.hop("await " + expr + ";", hop, shown, call.transport, db);
            }
        }
        if (parallel) {
            l_.out();
            l_.add("]);");
        }
        if (after > 0) l_.add("await sleep(" + ms_text(after) + ");");
    }

    void main_fn() {
        l_.add("// [SECTION] main: start the services, send the requests, wait for the consumers, flush, exit");
        l_.add("async function main() {");
        l_.in();
        l_.add("const at = process.argv.indexOf('--requests');");
        l_.add("const requests = at > 0 ? Number(process.argv[at + 1]) : 1;");
        l_.add("if (!Number.isInteger(requests) || requests < 1) throw new Error('--requests needs a whole number "
               "from 1');");
        for (size_t i = 0; i < s_.services.size(); ++i) {
            const std::string& id = sh_.ident[i];
            if (sh_.remote[i]) l_.add("await serve(" + quote(s_.services[i].name, '\'') + ", " + id + "Handler);");
            if (sh_.queue[i]) l_.add("queues.set(" + quote(s_.services[i].name, '\'') + ", " + id + "Consumer);");
        }
        const int entry = std::max(0, s_.entry_index());
        l_.add("for (let r = 0; r < requests; r += 1) await post(" +
               quote(s_.services[static_cast<size_t>(entry)].name, '\'') + ", {});");
        l_.add("while (inFlight.size > 0) await Promise.allSettled([...inFlight]);");
        l_.add("await Promise.all(providers.map((provider) => provider.shutdown()));");
        l_.add("for (const server of servers) server.close();");
        l_.add("console.log(`${requests} request(s) sent; spans exported over OTLP/HTTP`);");
        l_.out();
        l_.add("}");
        l_.blank();
        l_.add("main().catch((error) => {");
        l_.in();
        l_.add("console.error(error);");
        l_.add("process.exitCode = 1;");
        l_.out();
        l_.add("});");
    }

private:
    const Scenario& s_;
    const Shape& sh_;
    Lines l_;
};

std::vector<CodeLine> package_json(const Scenario& s) {
    std::vector<CodeLine> out;
    auto add = [&](std::string t) { out.push_back(CodeLine{std::move(t), -1, {}, false, false, ""}); };
    add("{");
    add("  \"name\": " + quote("tracelab-" + (s.id.empty() ? std::string("scenario") : camel(s.id)), '"') + ",");
    add("  \"version\": \"1.0.0\",");
    add("  \"private\": true,");
    add("  \"description\": " + quote("The tracelab scenario " + s.id + " as a program traced with OpenTelemetry", '"') +
        ",");
    add("  \"main\": \"main.js\",");
    add("  \"scripts\": { \"start\": \"node main.js\" },");
    add("  \"engines\": { \"node\": \">=20\" },");
    add("  \"dependencies\": {");
    const auto& deps = js_dependencies();
    for (size_t i = 0; i < deps.size(); ++i)
        add("    " + quote(deps[i].first, '"') + ": " + quote(deps[i].second, '"') + (i + 1 < deps.size() ? "," : ""));
    add("  }");
    add("}");
    return out;
}

// [SECTION] Go

class GoWriter {
public:
    GoWriter(const Scenario& s, const Shape& sh) : s_(s), sh_(sh), l_("\t") {}

    std::vector<CodeLine> main_go() {
        // Services first (they decide which imports and helpers are needed), then the file around them.
        Lines body("\t");
        std::swap(l_, body);
        for (size_t i = 0; i < s_.services.size(); ++i) service(static_cast<int>(i));
        main_fn();
        std::swap(l_, body);
        std::vector<CodeLine> services = body.take();
        header();
        helpers();
        std::vector<CodeLine> out = l_.take();
        out.insert(out.end(), services.begin(), services.end());
        return out;
    }

    std::string call_expr(int caller, int call_index, HopFault f) {
        const Service& from = s_.services[static_cast<size_t>(caller)];
        const Call& c = from.calls[static_cast<size_t>(call_index)];
        const int to = s_.find_service(c.to);
        const Service& callee = s_.services[static_cast<size_t>(to)];
        const std::string& id = sh_.ident[static_cast<size_t>(to)];
        const std::string ctx = f == HopFault::CtxDropped ? "context.Background()" : "ctx";
        const std::string net = std::to_string(us_of(c.network.ms));
        const std::string name = quote(callee.name, '"');
        if (callee.role == ServiceRole::Database) {
            if (!from.instrumented || is_proxy(from) || f == HopFault::NoInject)
                return "queryWithoutTracing(" + id + "Query, " + net + ")";
            return "query(" + ctx + ", tp, " + quote(operation_name(callee), '"') + ", " + id + "Attributes, " + id +
                   "Query, " + net + ")";
        }
        if (is_proxy(from)) {
            const bool rewrites = from.role == ServiceRole::Proxy && f == HopFault::FlagsDropped;
            return "forward(" + name + ", " + (rewrites ? "withSampledFlagCleared(headers)" : "headers") + ", " + net +
                   ")";
        }
        if (c.transport == Transport::InProcess) {
            if (!callee.instrumented) return id + "Operation()";
            if (!from.instrumented) return id + "Operation(context.Background(), otel.GetTracerProvider())";
            return id + "Operation(" + ctx + ", tp)";
        }
        const bool queue = c.transport == Transport::Queue;
        if (!from.instrumented || f == HopFault::NoInject)
            return std::string(queue ? "publishWithoutTracing(" : "call(ctx, http.DefaultClient, ") + name + ", " +
                   net + ")";
        if (queue) {
            const char* mode = f == HopFault::NoHeadersOnMessage ? "withoutHeaders"
                               : f == HopFault::FlagsDropped     ? "unsampledHeaders"
                                                                 : "withHeaders";
            return "publish(" + ctx + ", tp, " + name + ", " + net + ", " + mode + ")";
        }
        const char* client = f == HopFault::FlagsDropped ? "unsampledClient(tp)" : "tracedClient(tp)";
        return "call(" + ctx + ", " + client + ", " + name + ", " + net + ")";
    }

private:
    void header() {
        l_.add("// " + (s_.title.empty() ? s_.id : s_.title) + ": the tracelab scenario \"" + s_.id +
               "\" as a real program.");
        l_.add("// One HTTP server per service on loopback, each with its own TracerProvider (its own service.name),");
        l_.add("// the scenario's own times and calls; spans go over OTLP/HTTP to OTEL_EXPORTER_OTLP_ENDPOINT");
        l_.add("// (default http://localhost:4318).");
        l_.add("// Run: go mod tidy && go run . [-requests N]");
        l_.add("package main");
        l_.blank();
        std::vector<std::string> std_imports = {"context", "flag", "log", "net", "net/http", "os", "strings", "time"};
        if (used_errors_) std_imports.push_back("errors");
        if (sh_.any_error) std_imports.push_back("math/rand");
        if (sh_.any_flags_dropped) {
            std_imports.push_back("fmt");
            std_imports.push_back("strconv");
        }
        if (sh_.any_queue || sh_.any_parallel) std_imports.push_back("sync");
        std::sort(std_imports.begin(), std_imports.end());
        // gofmt sorts by import path; the aliased ones sort by path too.
        std::vector<std::pair<std::string, std::string>> otel = {
            {"", "go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"},
            {"", "go.opentelemetry.io/otel"},
            {"", "go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"},
            {"", "go.opentelemetry.io/otel/propagation"},
            {"", "go.opentelemetry.io/otel/sdk/resource"},
            {"sdktrace", "go.opentelemetry.io/otel/sdk/trace"},
            {"semconv", "go.opentelemetry.io/otel/semconv/v1.26.0"},
            {"", "go.opentelemetry.io/otel/trace"},
        };
        if (used_attribute_ || sh_.any_queue || sh_.any_database)
            otel.push_back({"", "go.opentelemetry.io/otel/attribute"});
        if (used_errors_ || sh_.any_database) otel.push_back({"", "go.opentelemetry.io/otel/codes"});
        std::sort(otel.begin(), otel.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
        l_.add("import (");
        l_.in();
        for (const auto& p : std_imports) l_.add(quote(p, '"'));
        l_.blank();
        for (const auto& [alias, path] : otel) l_.add((alias.empty() ? "" : alias + " ") + quote(path, '"'));
        l_.out();
        l_.add(")");
        l_.blank();
        l_.add("// [SECTION] SDK set-up: one TracerProvider per service");
        l_.blank();
        l_.add("var providers []*sdktrace.TracerProvider");
        l_.blank();
        l_.add("// newTracerProvider gives a service its own provider, so every span it records carries its "
               "service.name.");
        l_.add("func newTracerProvider(ctx context.Context, service string) *sdktrace.TracerProvider {");
        l_.in();
        l_.add("var options []otlptracehttp.Option");
        l_.add("if os.Getenv(\"OTEL_EXPORTER_OTLP_ENDPOINT\") == \"\" {");
        l_.in();
        l_.add("options = append(options, otlptracehttp.WithInsecure())");
        l_.out();
        l_.add("}");
        l_.add("exporter, err := otlptracehttp.New(ctx, options...)");
        l_.add("if err != nil {");
        l_.in();
        l_.add("log.Fatal(err)");
        l_.out();
        l_.add("}");
        l_.add("tp := sdktrace.NewTracerProvider(");
        l_.in();
        l_.add("sdktrace.WithBatcher(exporter),");
        l_.add("sdktrace.WithResource(resource.NewSchemaless(semconv.ServiceName(service))),");
        l_.out();
        l_.add(")");
        l_.add("providers = append(providers, tp)");
        l_.add("return tp");
        l_.out();
        l_.add("}");
        l_.blank();
    }

    void helpers() {
        l_.add("// [SECTION] Helpers: servers, HTTP calls, the in-process queue");
        l_.blank();
        l_.add("var addrs = map[string]string{}");
        l_.blank();
        std::string ops = "var operations = map[string]string{";
        for (size_t i = 0; i < s_.services.size(); ++i) {
            const Service& svc = s_.services[i];
            if (i > 0) ops += ", ";
            ops += quote(svc.name, '"') + ": " + quote(requested_operation(s_, static_cast<int>(i)), '"');
        }
        l_.add(ops + "}");
        l_.blank();
        l_.add("func sleep(us int) {");
        l_.in();
        l_.add("time.Sleep(time.Duration(us) * time.Microsecond)");
        l_.out();
        l_.add("}");
        l_.blank();
        l_.add("// serve starts a service's HTTP server on a free loopback port.");
        l_.add("func serve(service string, h http.Handler) {");
        l_.in();
        l_.add("ln, err := net.Listen(\"tcp\", \"127.0.0.1:0\")");
        l_.add("if err != nil {");
        l_.in();
        l_.add("log.Fatal(err)");
        l_.out();
        l_.add("}");
        l_.add("addrs[service] = ln.Addr().String()");
        l_.add("go func() {");
        l_.in();
        l_.add("_ = http.Serve(ln, h)");
        l_.out();
        l_.add("}()");
        l_.out();
        l_.add("}");
        l_.blank();
        l_.add("// tracedClient's transport starts a CLIENT span per request and injects its context as traceparent.");
        l_.add("func tracedClient(tp trace.TracerProvider) *http.Client {");
        l_.in();
        l_.add("return &http.Client{Transport: otelhttp.NewTransport(http.DefaultTransport,");
        l_.in();
        l_.add("otelhttp.WithTracerProvider(tp), otelhttp.WithSpanNameFormatter(clientSpanName))}");
        l_.out();
        l_.out();
        l_.add("}");
        l_.blank();
        l_.add("// clientSpanName names a CLIENT span after the operation it calls (through a proxy: the one behind it).");
        l_.add("func clientSpanName(_ string, r *http.Request) string {");
        l_.in();
        l_.add("return operations[strings.TrimPrefix(r.URL.Path, \"/\")]");
        l_.out();
        l_.add("}");
        l_.blank();
        if (sh_.any_flags_dropped) {
            l_.add("// sampledFlagCleared rewrites the outgoing traceparent with the sampled bit cleared, as a hop that");
            l_.add("// drops the flags does.");
            l_.add("type sampledFlagCleared struct{ next http.RoundTripper }");
            l_.blank();
            l_.add("func (t sampledFlagCleared) RoundTrip(r *http.Request) (*http.Response, error) {");
            l_.in();
            l_.add("if traceparent := r.Header.Get(\"traceparent\"); len(traceparent) == 55 {");
            l_.in();
            l_.add("flags, _ := strconv.ParseUint(traceparent[53:], 16, 8)");
            l_.add("r = r.Clone(r.Context())");
            l_.add("r.Header.Set(\"traceparent\", fmt.Sprintf(\"%s%02x\", traceparent[:53], flags&^1))");
            l_.out();
            l_.add("}");
            l_.add("return t.next.RoundTrip(r)");
            l_.out();
            l_.add("}");
            l_.blank();
            l_.add("// unsampledClient is a traced client behind a hop that clears the sampled flag.");
            l_.add("func unsampledClient(tp trace.TracerProvider) *http.Client {");
            l_.in();
            l_.add("return &http.Client{Transport: otelhttp.NewTransport(sampledFlagCleared{http.DefaultTransport},");
            l_.in();
            l_.add("otelhttp.WithTracerProvider(tp), otelhttp.WithSpanNameFormatter(clientSpanName))}");
            l_.out();
            l_.out();
            l_.add("}");
            l_.blank();
        }
        l_.add("// call POSTs to a service; ctx decides which trace the request joins, the client whether it is traced.");
        l_.add("func call(ctx context.Context, client *http.Client, service string, networkUs int) {");
        l_.in();
        l_.add("sleep(networkUs)");
        l_.add("req, err := http.NewRequestWithContext(ctx, http.MethodPost, \"http://\"+addrs[service]+\"/\"+service, "
               "nil)");
        l_.add("if err != nil {");
        l_.in();
        l_.add("log.Fatal(err)");
        l_.out();
        l_.add("}");
        l_.add("resp, err := client.Do(req)");
        l_.add("if err != nil {");
        l_.in();
        l_.add("log.Fatal(err)");
        l_.out();
        l_.add("}");
        l_.add("resp.Body.Close()");
        l_.add("sleep(networkUs)");
        l_.out();
        l_.add("}");
        l_.blank();
        if (sh_.any_parallel) {
            l_.add("// parallel runs the calls at the same time and waits for all of them.");
            l_.add("func parallel(calls ...func()) {");
            l_.in();
            l_.add("var wg sync.WaitGroup");
            l_.add("for _, c := range calls {");
            l_.in();
            l_.add("wg.Add(1)");
            l_.add("go func(c func()) {");
            l_.in();
            l_.add("defer wg.Done()");
            l_.add("c()");
            l_.out();
            l_.add("}(c)");
            l_.out();
            l_.add("}");
            l_.add("wg.Wait()");
            l_.out();
            l_.add("}");
            l_.blank();
        }
        if (sh_.any_queue) {
            l_.add("var consumers = map[string]func(propagation.MapCarrier){}");
            l_.blank();
            l_.add("var inFlight sync.WaitGroup");
            l_.blank();
            l_.add("// deliver hands a message to its consumer after the network delay, on a goroutine of its own.");
            l_.add("func deliver(service string, headers propagation.MapCarrier, networkUs int) {");
            l_.in();
            l_.add("inFlight.Add(1)");
            l_.add("go func() {");
            l_.in();
            l_.add("defer inFlight.Done()");
            l_.add("sleep(networkUs)");
            l_.add("consumers[service](headers)");
            l_.out();
            l_.add("}()");
            l_.out();
            l_.add("}");
            l_.blank();
            l_.add("type headerMode int");
            l_.blank();
            l_.add("const (");
            l_.in();
            l_.add("withHeaders headerMode = iota");
            l_.add("withoutHeaders");
            l_.add("unsampledHeaders");
            l_.out();
            l_.add(")");
            l_.blank();
            l_.add("// publish puts a message on a consumer's queue under a PRODUCER span; mode says whether the span's");
            l_.add("// context travels in the message headers (and with which flags).");
            l_.add("func publish(ctx context.Context, tp trace.TracerProvider, service string, networkUs int, mode "
                   "headerMode) {");
            l_.in();
            l_.add("ctx, span := tp.Tracer(" + quote(scope(), '"') + ").Start(ctx, \"publish \"+service,");
            l_.in();
            l_.add("trace.WithSpanKind(trace.SpanKindProducer),");
            l_.add("trace.WithAttributes(attribute.String(\"messaging.operation.type\", \"publish\"),");
            l_.in();
            l_.add("attribute.String(\"messaging.destination.name\", service)))");
            l_.out();
            l_.out();
            l_.add("headers := propagation.MapCarrier{}");
            l_.add("if mode != withoutHeaders {");
            l_.in();
            l_.add("otel.GetTextMapPropagator().Inject(ctx, headers)");
            l_.out();
            l_.add("}");
            l_.add("if traceparent := headers[\"traceparent\"]; mode == unsampledHeaders && len(traceparent) == 55 {");
            l_.in();
            l_.add("headers[\"traceparent\"] = traceparent[:53] + \"00\"");
            l_.out();
            l_.add("}");
            l_.add("sleep(networkUs)");
            l_.add("deliver(service, headers, networkUs)");
            l_.add("span.End()");
            l_.out();
            l_.add("}");
            l_.blank();
            l_.add("// publishWithoutTracing puts a message on a queue with no span and no trace context.");
            l_.add("func publishWithoutTracing(service string, networkUs int) {");
            l_.in();
            l_.add("sleep(networkUs)");
            l_.add("deliver(service, propagation.MapCarrier{}, networkUs)");
            l_.out();
            l_.add("}");
            l_.blank();
        }
        if (sh_.any_database) database_helpers();
        if (sh_.any_proxy) proxy_helpers();
    }

    void database_helpers() {
        l_.add("// query runs a database call as a client library's instrumentation records it: a CLIENT span in the");
        l_.add("// caller's service, with the db.* attributes. No traceparent goes to the database: it runs no SDK.");
        l_.add("func query(ctx context.Context, tp trace.TracerProvider, spanName string, attrs []attribute.KeyValue, "
               "run func() error, networkUs int) {");
        l_.in();
        l_.add("_, span := tp.Tracer(" + quote(scope(), '"') + ").Start(ctx, spanName,");
        l_.in();
        l_.add("trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(attrs...))");
        l_.out();
        l_.add("defer span.End()");
        l_.add("sleep(networkUs)");
        l_.add("if err := run(); err != nil {");
        l_.in();
        l_.add("span.SetAttributes(attribute.String(\"error.type\", \"_OTHER\"))");
        l_.add("span.RecordError(err)");
        l_.add("span.SetStatus(codes.Error, err.Error())");
        l_.out();
        l_.add("}");
        l_.add("sleep(networkUs)");
        l_.out();
        l_.add("}");
        l_.blank();
        l_.add("// queryWithoutTracing runs a database call through a client library without instrumentation: no span.");
        l_.add("func queryWithoutTracing(run func() error, networkUs int) {");
        l_.in();
        l_.add("sleep(networkUs)");
        l_.add("if err := run(); err != nil {");
        l_.in();
        l_.add("log.Print(err)");
        l_.out();
        l_.add("}");
        l_.add("sleep(networkUs)");
        l_.out();
        l_.add("}");
        l_.blank();
    }

    void proxy_helpers() {
        l_.add("// hopByHop headers belong to one connection: a proxy never forwards them (RFC 9110, section 7.6.1).");
        l_.add("var hopByHop = map[string]bool{\"Connection\": true, \"Keep-Alive\": true, \"Proxy-Connection\": true, "
               "\"Te\": true, \"Trailer\": true, \"Transfer-Encoding\": true, \"Upgrade\": true}");
        l_.blank();
        if (sh_.any_stripping) {
            l_.add("// allowedHeaders is a strict proxy's allow-list: every other header (traceparent and tracestate "
                   "among them) is dropped.");
            l_.add("var allowedHeaders = map[string]bool{\"Accept\": true, \"Authorization\": true, "
                   "\"Content-Length\": true, \"Content-Type\": true, \"User-Agent\": true}");
            l_.blank();
        }
        l_.add("// forwardedHeaders are the headers a proxy sends upstream: every end-to-end header as it came (allow is");
        l_.add("// nil), or only those on an allow-list.");
        l_.add("func forwardedHeaders(in http.Header, allow map[string]bool) http.Header {");
        l_.in();
        l_.add("out := http.Header{}");
        l_.add("for name, values := range in {");
        l_.in();
        l_.add("if (allow == nil && !hopByHop[name]) || allow[name] {");
        l_.in();
        l_.add("out[name] = values");
        l_.out();
        l_.add("}");
        l_.out();
        l_.add("}");
        l_.add("return out");
        l_.out();
        l_.add("}");
        l_.blank();
        l_.add("// forward sends a proxied request upstream with these headers, through a client without tracing.");
        l_.add("func forward(service string, headers http.Header, networkUs int) {");
        l_.in();
        l_.add("sleep(networkUs)");
        l_.add("req, err := http.NewRequest(http.MethodPost, \"http://\"+addrs[service]+\"/\"+service, nil)");
        l_.add("if err != nil {");
        l_.in();
        l_.add("log.Fatal(err)");
        l_.out();
        l_.add("}");
        l_.add("req.Header = headers");
        l_.add("resp, err := http.DefaultClient.Do(req)");
        l_.add("if err != nil {");
        l_.in();
        l_.add("log.Fatal(err)");
        l_.out();
        l_.add("}");
        l_.add("resp.Body.Close()");
        l_.add("sleep(networkUs)");
        l_.out();
        l_.add("}");
        l_.blank();
        if (sh_.any_flags_dropped) {
            l_.add("// withSampledFlagCleared rewrites the traceparent with the sampled bit cleared, as a hop that drops");
            l_.add("// the flags does.");
            l_.add("func withSampledFlagCleared(h http.Header) http.Header {");
            l_.in();
            l_.add("if traceparent := h.Get(\"traceparent\"); len(traceparent) == 55 {");
            l_.in();
            l_.add("h = h.Clone()");
            l_.add("h.Set(\"traceparent\", traceparent[:53]+\"00\")");
            l_.out();
            l_.add("}");
            l_.add("return h");
            l_.out();
            l_.add("}");
            l_.blank();
        }
    }

    // A database: its CLIENT span's attributes and the query itself (no SDK, no server of ours).
    void database(int idx) {
        const auto i = static_cast<size_t>(idx);
        const Service& svc = s_.services[i];
        const std::string& id = sh_.ident[i];
        l_.add("// [SECTION] " + svc.name + ": a database (no SDK: its callers' client instrumentation records each "
               "query)");
        l_.blank();
        const std::string a = go_attributes(database_attributes(svc));
        l_.add("// " + id + "Attributes are the attributes of the CLIENT span each query to " + svc.name + " gets.");
        l_.add("var " + id + "Attributes = []attribute.KeyValue{" + a + "}");
        l_.blank();
        l_.add("// " + id + "Query is the query itself, inside the database: it takes its time.");
        l_.add("func " + id + "Query() error {");
        l_.in();
        if (us_of(svc.own.ms) > 0) l_.add("sleep(" + std::to_string(us_of(svc.own.ms)) + ")");
        if (svc.error_rate > 0) {
            used_errors_ = true;
            l_.add("if rand.Float64() < " + ms_text(svc.error_rate) + " {");
            l_.in();
            l_.add("return errors.New(" + quote(operation_name(svc) + " failed", '"') + ")");
            l_.out();
            l_.add("}");
        }
        l_.add("return nil");
        l_.out();
        l_.add("}");
        l_.blank();
    }

    // A reverse proxy: an HTTP server without SDK that forwards each request upstream with the headers it keeps.
    void proxy(int idx) {
        const auto i = static_cast<size_t>(idx);
        const Service& svc = s_.services[i];
        const std::string& id = sh_.ident[i];
        const bool strips = svc.role == ServiceRole::HeaderStrippingProxy;
        l_.add("// [SECTION] " + svc.name + ": a reverse proxy without tracing");
        l_.blank();
        l_.add("// " + id + "Server runs no OpenTelemetry SDK and records nothing. " +
               (strips ? "It drops the headers it does not know:" : "It passes every header on as it"));
        l_.add(strips ? "// traceparent does not get through." : "// came, traceparent included.");
        l_.add("func " + id + "Server() http.Handler {");
        l_.in();
        l_.add("return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {");
        l_.in();
        // Go rejects an unused variable: a proxy with nothing upstream keeps no headers.
        CodeLine& h = l_.add(std::string(svc.calls.empty() ? "_ = " : "headers := ") + "forwardedHeaders(r.Header, " +
                             (strips ? "allowedHeaders" : "nil") + ")");
        if (strips) mark_stripping(h);
        body(idx, false, true);
        l_.out();
        l_.add("})");
        l_.out();
        l_.add("}");
        l_.blank();
    }

    std::string scope() const { return s_.id.empty() ? "tracelab" : s_.id; }

    std::string attrs_args(const Service& svc) {
        used_attribute_ = used_attribute_ || !svc.attributes.empty();
        return go_attributes(svc.attributes);
    }

    // Does the body of `idx` need `ctx` (traced calls, queries and publishes that keep the request's context)?
    bool body_uses_ctx(const Service& svc) const {
        if (is_proxy(svc)) return false;
        for (const Call& c : svc.calls) {
            if (s_.find_service(c.to) < 0) continue;
            if (s_.service(c.to)->role == ServiceRole::Database) {
                if (svc.instrumented && c.fault != HopFault::NoInject && c.fault != HopFault::CtxDropped) return true;
                continue;
            }
            if (c.transport == Transport::InProcess) {
                if (svc.instrumented && s_.service(c.to)->instrumented && c.fault != HopFault::CtxDropped) return true;
            } else if (c.transport == Transport::Http || c.transport == Transport::Grpc) {
                if (!svc.instrumented || c.fault != HopFault::CtxDropped) return true;
            } else if (svc.instrumented && c.fault != HopFault::NoInject && c.fault != HopFault::CtxDropped) {
                return true;
            }
        }
        return false;
    }

    void service(int idx) {
        const auto i = static_cast<size_t>(idx);
        const Service& svc = s_.services[i];
        l_.service(idx);
        if (svc.role == ServiceRole::Database) {
            database(idx);
            l_.service(-1);
            return;
        }
        if (is_proxy(svc)) {
            proxy(idx);
            l_.service(-1);
            return;
        }
        l_.add("// [SECTION] " + svc.name + ": " + operation_name(svc));
        l_.blank();
        if (sh_.remote[i]) server(idx);
        if (sh_.queue[i]) consumer(idx);
        if (sh_.in_process[i]) operation(idx);
        l_.service(-1);
    }

    void mark_uninstrumented(CodeLine& l) {
        l.instrumentation = true;
        l.differs = true;
        l.why = kUninstrumentedWhy;
    }

    // A function of a service without an SDK: its signature (marked), an optional inner function literal, the body.
    void uninstrumented_fn(int idx, const std::string& what, const std::string& signature, const char* inner,
                           const char* ctx_expr, bool http) {
        l_.add("// " + what + " has no OpenTelemetry SDK: no spans, and no trace context passed on.");
        mark_uninstrumented(l_.add(signature));
        l_.in();
        if (inner) {
            l_.add(inner);
            l_.in();
        }
        if (body_uses_ctx(s_.services[static_cast<size_t>(idx)])) l_.add(std::string("ctx := ") + ctx_expr);
        body(idx, false, http);
        if (inner) {
            l_.out();
            l_.add(http ? "})" : "}");
        }
        l_.out();
        l_.add("}");
        l_.blank();
    }

    void server(int idx) {
        const auto i = static_cast<size_t>(idx);
        const Service& svc = s_.services[i];
        const std::string& id = sh_.ident[i];
        const std::string span_name = operation_name(svc);
        if (!svc.instrumented) {
            uninstrumented_fn(idx, id + "Server", "func " + id + "Server() http.Handler {",
                              "return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {", "r.Context()",
                              true);
            return;
        }
        const bool ex = sh_.extracts[i];
        l_.add("// " + id + "Server handles " + svc.name + "'s HTTP requests: the " + span_name + " span.");
        l_.add("func " + id + "Server(tp trace.TracerProvider) http.Handler {").instrumentation = true;
        l_.in();
        l_.add("handle := func(w http.ResponseWriter, r *http.Request) {");
        l_.in();
        const bool use_ctx = body_uses_ctx(svc);
        const bool use_span = !svc.attributes.empty() || svc.error_rate > 0;
        if (use_ctx || use_span) l_.add("ctx := r.Context()");
        if (use_span) l_.add("span := trace.SpanFromContext(ctx)");
        if (!svc.attributes.empty()) l_.add("span.SetAttributes(" + attrs_args(svc) + ")");
        body(idx, true, true);
        l_.out();
        l_.add("}");
        const HopRef in = sh_.first_in[i];
        if (ex) {
            l_.hop("return otelhttp.NewHandler(http.HandlerFunc(handle), " + quote(span_name, '"') +
                       ", otelhttp.WithTracerProvider(tp))",
                   in, HopFault::Ok, Transport::Http);
        } else {
            const auto mark = [&](CodeLine& l) {
                l.hop = in;
                l.differs = true;
                l.why = fault_why(HopFault::NoExtract, Transport::Http);
            };
            mark(l_.add("// Not wrapped by otelhttp.NewHandler: the incoming traceparent is never read."));
            mark(l_.add("return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {"));
            l_.in();
            mark(l_.add("ctx, span := tp.Tracer(" + quote(scope(), '"') + ").Start(r.Context(), " +
                        quote(span_name, '"') + ", trace.WithSpanKind(trace.SpanKindServer))"));
            l_.add("defer span.End()");
            l_.add("handle(w, r.WithContext(ctx))");
            l_.out();
            l_.add("})");
        }
        l_.out();
        l_.add("}");
        l_.blank();
    }

    void consumer(int idx) {
        const auto i = static_cast<size_t>(idx);
        const Service& svc = s_.services[i];
        const std::string& id = sh_.ident[i];
        const std::string span_name = operation_name(svc);
        if (!svc.instrumented) {
            uninstrumented_fn(idx, id + "Consumer", "func " + id + "Consumer() func(propagation.MapCarrier) {",
                              "return func(_ propagation.MapCarrier) {", "context.Background()", false);
            return;
        }
        const bool ex = sh_.extracts[i];
        l_.add("// " + id + "Consumer handles " + svc.name + "'s messages: the " + span_name +
               " span, linked to the producer.");
        l_.add("func " + id + "Consumer(tp trace.TracerProvider) func(propagation.MapCarrier) {").instrumentation =
            true;
        l_.in();
        l_.add("return func(headers propagation.MapCarrier) {");
        l_.in();
        l_.hop(ex ? "parent := otel.GetTextMapPropagator().Extract(context.Background(), headers)"
                  : "parent := context.Background()",
               sh_.first_in[i], ex ? HopFault::Ok : HopFault::NoExtract, Transport::Queue);
        std::string opts = std::string("trace.WithSpanKind(") + go_kind(sh_.kind[i]) +
                           "), trace.WithLinks(trace.LinkFromContext(parent))";
        if (!svc.attributes.empty()) opts += ", trace.WithAttributes(" + attrs_args(svc) + ")";
        const std::string lhs = body_uses_ctx(svc) ? "ctx, span" : "_, span";
        l_.add(lhs + " := tp.Tracer(" + quote(scope(), '"') + ").Start(parent, " + quote(span_name, '"') + ",");
        l_.in();
        l_.add(opts + ")");
        l_.out();
        l_.add("defer span.End()");
        body(idx, true, false);
        l_.out();
        l_.add("}");
        l_.out();
        l_.add("}");
        l_.blank();
    }

    void operation(int idx) {
        const auto i = static_cast<size_t>(idx);
        const Service& svc = s_.services[i];
        const std::string& id = sh_.ident[i];
        const std::string span_name = operation_name(svc);
        if (!svc.instrumented) {
            uninstrumented_fn(idx, id + "Operation (code inside its caller's process)", "func " + id + "Operation() {",
                              nullptr, "context.Background()", false);
            return;
        }
        l_.add("// " + id + "Operation runs inside its caller's process: its span belongs to the caller's service.");
        l_.add("func " + id + "Operation(ctx context.Context, tp trace.TracerProvider) {");
        l_.in();
        std::string opts = std::string("trace.WithSpanKind(") + go_kind(sh_.kind[i]) + ")";
        if (!svc.attributes.empty()) opts += ", trace.WithAttributes(" + attrs_args(svc) + ")";
        const std::string lhs = body_uses_ctx(svc) ? "ctx, span" : "_, span";
        l_.add(lhs + " := tp.Tracer(" + quote(scope(), '"') + ").Start(ctx, " + quote(span_name, '"') + ",")
            .instrumentation = true;
        l_.in();
        l_.add(opts + ")");
        l_.out();
        l_.add("defer span.End()");
        body(idx, true, false);
        l_.out();
        l_.add("}");
        l_.blank();
    }

    // Own time, calls, own time, and the error (recorded on `span`, answered with 500 when `http`).
    void body(int idx, bool has_span, bool http) {
        const Service& svc = s_.services[static_cast<size_t>(idx)];
        const double before = svc.own.ms * std::clamp(svc.work_before, 0.0, 1.0);
        double after = svc.own.ms - before;
        if (svc.calls.empty()) {  // a leaf: its own time in one piece
            after += before;
        } else if (us_of(before) > 0) {
            l_.add("sleep(" + std::to_string(us_of(before)) + ")");
        }
        const bool parallel =
            svc.parallel && (svc.calls.size() > 1 || (svc.calls.size() == 1 && svc.calls[0].repeat > 1));
        if (parallel) {
            l_.add("parallel(");
            l_.in();
        }
        for (size_t c = 0; c < svc.calls.size(); ++c) {
            const Call& call = svc.calls[c];
            if (s_.find_service(call.to) < 0) continue;
            const HopRef hop{idx, static_cast<int>(c)};
            const std::string expr = call_expr(idx, static_cast<int>(c), call.fault);
            const HopFault shown = shown_fault(s_, svc, call);
            const bool db = s_.service(call.to)->role == ServiceRole::Database;
            if (parallel) {
                for (int r = 0; r < std::max(1, call.repeat); ++r)
                    l_.hop("func() { " + expr + " },", hop, shown, call.transport, db);
            } else if (call.repeat > 1) {
                l_.add("for i := 0; i < " + std::to_string(call.repeat) + "; i++ {");
                l_.in();
                l_.hop(expr, hop, shown, call.transport, db);
                l_.out();
                l_.add("}");
            } else {
                l_.hop(expr, hop, shown, call.transport, db);
            }
        }
        if (parallel) {
            l_.out();
            l_.add(")");
        }
        if (us_of(after) > 0) l_.add("sleep(" + std::to_string(us_of(after)) + ")");
        if (svc.error_rate > 0) {
            l_.add("if rand.Float64() < " + ms_text(svc.error_rate) + " {");
            l_.in();
            if (has_span) {
                used_errors_ = true;
                l_.add("err := errors.New(" + quote(operation_name(svc) + " failed", '"') +
                       ")");
                l_.add("span.RecordError(err)");
                l_.add("span.SetStatus(codes.Error, err.Error())");
            }
            if (http) {
                l_.add("w.WriteHeader(http.StatusInternalServerError)");
                l_.add("return");
            } else if (!has_span) {
                l_.add("log.Print(" + quote(operation_name(svc) + " failed", '"') +
                       ")");
            }
            l_.out();
            l_.add("}");
        }
    }

    void main_fn() {
        l_.add("// [SECTION] main: start the services, send the requests, wait for the consumers, flush, exit");
        l_.blank();
        l_.add("func main() {");
        l_.in();
        l_.add("requests := flag.Int(\"requests\", 1, \"how many requests to send\")");
        l_.add("flag.Parse()");
        l_.add("ctx := context.Background()");
        l_.add("otel.SetTextMapPropagator(propagation.TraceContext{})");
        for (size_t i = 0; i < s_.services.size(); ++i) {
            const Service& svc = s_.services[i];
            const std::string& id = sh_.ident[i];
            const bool sdk = svc.instrumented && svc.role == ServiceRole::Application;
            const std::string arg = sdk ? "newTracerProvider(ctx, " + quote(svc.name, '"') + ")" : "";
            if (sh_.remote[i]) l_.add("serve(" + quote(svc.name, '"') + ", " + id + "Server(" + arg + "))");
            if (sh_.queue[i]) l_.add("consumers[" + quote(svc.name, '"') + "] = " + id + "Consumer(" + arg + ")");
        }
        const int entry = std::max(0, s_.entry_index());
        l_.add("for i := 0; i < *requests; i++ {");
        l_.in();
        l_.add("call(ctx, http.DefaultClient, " + quote(s_.services[static_cast<size_t>(entry)].name, '"') + ", 0)");
        l_.out();
        l_.add("}");
        if (sh_.any_queue) l_.add("inFlight.Wait()");
        l_.add("for _, tp := range providers {");
        l_.in();
        l_.add("if err := tp.Shutdown(ctx); err != nil {");
        l_.in();
        l_.add("log.Print(err)");
        l_.out();
        l_.add("}");
        l_.out();
        l_.add("}");
        l_.add("log.Printf(\"%d request(s) sent; spans exported over OTLP/HTTP\", *requests)");
        l_.out();
        l_.add("}");
    }

    const Scenario& s_;
    const Shape& sh_;
    Lines l_;
    bool used_attribute_ = false;
    bool used_errors_ = false;
};

std::vector<CodeLine> go_mod(const Scenario& s) {
    std::vector<CodeLine> out;
    auto add = [&](std::string t) { out.push_back(CodeLine{std::move(t), -1, {}, false, false, ""}); };
    add("module tracelab.example/" + (s.id.empty() ? std::string("scenario") : camel(s.id)));
    add("");
    add("go 1.22");
    add("");
    add("require (");
    add("\tgo.opentelemetry.io/contrib/instrumentation/net/http/otelhttp v0.63.0");
    add("\tgo.opentelemetry.io/otel v1.38.0");
    add("\tgo.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp v1.38.0");
    add("\tgo.opentelemetry.io/otel/sdk v1.38.0");
    add("\tgo.opentelemetry.io/otel/trace v1.38.0");
    add(")");
    return out;
}

}  // namespace

// [SECTION] Program, service view, alternatives, writing

std::string CodeFile::text() const {
    std::string out;
    for (const CodeLine& l : lines) {
        out += l.text;
        out += '\n';
    }
    return out;
}

const CodeFile* Program::main_file() const {
    for (const CodeFile& f : files)
        if (f.path == "main.js" || f.path == "main.go") return &f;
    return nullptr;
}

// The first of the two run commands: a local OTLP endpoint on the exporter's default port, and (after two spaces)
// what it is, which the code view leaves out.
constexpr const char* kReceiveCommand =
    "tracelab receive --out received.json  # OTLP/HTTP on 127.0.0.1:4318 (or an OpenTelemetry Collector, Jaeger)";

Program generate_program(const Scenario& s, Language lang) {
    Program p;
    p.language = lang;
    if (s.services.empty()) return p;
    const Shape sh = shape_of(s);
    if (lang == Language::JavaScript) {
        JsWriter w(s, sh);
        p.files.push_back(CodeFile{"package.json", package_json(s)});
        p.files.push_back(CodeFile{"main.js", w.main_js()});
        p.run_commands = std::string(kReceiveCommand) + "\nnpm install && node main.js";
    } else {
        GoWriter w(s, sh);
        p.files.push_back(CodeFile{"go.mod", go_mod(s)});
        p.files.push_back(CodeFile{"main.go", w.main_go()});
        p.run_commands = std::string(kReceiveCommand) + "\ngo mod tidy && go run .";
    }
    return p;
}

std::vector<const CodeLine*> service_code(const Program& p, int service) {
    std::vector<const CodeLine*> out;
    const CodeFile* f = p.main_file();
    if (!f) return out;
    for (const CodeLine& l : f->lines)
        if (l.service == service) out.push_back(&l);
    while (!out.empty() && out.back()->text.empty()) out.pop_back();
    return out;
}

std::string hop_line(const Scenario& s, Language lang, HopRef hop, HopFault f, bool callee_side) {
    if (!hop.valid() || static_cast<size_t>(hop.caller) >= s.services.size()) return "";
    const Service& from = s.services[static_cast<size_t>(hop.caller)];
    if (static_cast<size_t>(hop.call) >= from.calls.size()) return "";
    const Call& c = from.calls[static_cast<size_t>(hop.call)];
    const int to = s.find_service(c.to);
    if (to < 0) return "";
    const Shape sh = shape_of(s);
    const bool queue = c.transport == Transport::Queue;
    if (c.transport != Transport::InProcess && (f == HopFault::NoExtract || (callee_side && f == HopFault::Ok))) {
        // Extraction is written on the callee's side.
        const bool ex = f == HopFault::Ok;
        if (lang == Language::JavaScript) return "const parent = " + JsWriter::extract_expr(ex, queue) + ";";
        if (queue)
            return ex ? "parent := otel.GetTextMapPropagator().Extract(context.Background(), headers)"
                      : "parent := context.Background()";
        return ex ? "otelhttp.NewHandler(…): the handler continues the incoming traceparent"
                  : "http.HandlerFunc(…): not wrapped by otelhttp.NewHandler";
    }
    if (lang == Language::JavaScript) return JsWriter(s, sh).call_expr(hop.caller, hop.call, f);
    return GoWriter(s, sh).call_expr(hop.caller, hop.call, f);
}

std::string write_program(const Program& p, const std::filesystem::path& dir) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return dir.string() + ": cannot create the folder (" + ec.message() + ")";
    for (const CodeFile& f : p.files) {
        const auto path = dir / f.path;
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        if (!out) return path.string() + ": cannot write the file";
        out << f.text();
        if (!out.flush()) return path.string() + ": writing failed";
    }
    return "";
}

}  // namespace tl::codegen
