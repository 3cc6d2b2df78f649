// Scenario vocabulary, JSON loading with validation, and the edit functions.
// [SECTION] Names
// [SECTION] Lookup
// [SECTION] Parsing
// [SECTION] Validation
// [SECTION] Serialisation
// [SECTION] Asset discovery
// [SECTION] Edits
#include "sim/engine/scenario.hpp"

#include <unistd.h>
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <functional>

namespace tl {
namespace fs = std::filesystem;

// [SECTION] Names

const char* to_string(HopFault f) {
    switch (f) {
        case HopFault::Ok:
            return "ok";
        case HopFault::NoInject:
            return "no-inject";
        case HopFault::NoExtract:
            return "no-extract";
        case HopFault::CtxDropped:
            return "ctx-dropped";
        case HopFault::NoHeadersOnMessage:
            return "no-headers-on-message";
        case HopFault::FlagsDropped:
            return "flags-dropped";
    }
    return "ok";
}

const char* to_string(Transport t) {
    switch (t) {
        case Transport::InProcess:
            return "in-process";
        case Transport::Http:
            return "http";
        case Transport::Grpc:
            return "grpc";
        case Transport::Queue:
            return "queue";
    }
    return "http";
}

const char* to_string(LatencyKind k) {
    switch (k) {
        case LatencyKind::Fixed:
            return "fixed";
        case LatencyKind::Uniform:
            return "uniform";
        case LatencyKind::Normal:
            return "normal";
        case LatencyKind::LogNormal:
            return "lognormal";
    }
    return "fixed";
}

const char* to_string(ServiceRole r) {
    switch (r) {
        case ServiceRole::Application:
            return "application";
        case ServiceRole::Database:
            return "database";
        case ServiceRole::Proxy:
            return "proxy";
        case ServiceRole::HeaderStrippingProxy:
            return "header-stripping-proxy";
    }
    return "application";
}

std::optional<ServiceRole> parse_service_role(std::string_view s) {
    for (ServiceRole r : kAllServiceRoles)
        if (s == to_string(r)) return r;
    return std::nullopt;
}

std::optional<HopFault> parse_hop_fault(std::string_view s) {
    for (HopFault f : kAllHopFaults)
        if (s == to_string(f)) return f;
    return std::nullopt;
}

std::optional<Transport> parse_transport(std::string_view s) {
    for (Transport t : {Transport::InProcess, Transport::Http, Transport::Grpc, Transport::Queue})
        if (s == to_string(t)) return t;
    return std::nullopt;
}

std::optional<LatencyKind> parse_latency_kind(std::string_view s) {
    for (LatencyKind k : {LatencyKind::Fixed, LatencyKind::Uniform, LatencyKind::Normal, LatencyKind::LogNormal})
        if (s == to_string(k)) return k;
    return std::nullopt;
}

std::optional<SpanKind> parse_span_kind(std::string_view s) {
    for (SpanKind k : {SpanKind::Internal, SpanKind::Server, SpanKind::Client, SpanKind::Producer, SpanKind::Consumer})
        if (s == to_string(k)) return k;
    return std::nullopt;
}

const char* service_role_note(ServiceRole r) {
    switch (r) {
        case ServiceRole::Application:
            return "An application: with an SDK it records spans and forwards trace context.";
        case ServiceRole::Database:
            return "A database runs no tracing SDK. Each query appears as a CLIENT span recorded by the calling "
                   "service; its latency is set here.";
        case ServiceRole::Proxy:
            return "A reverse proxy without tracing. It forwards traceparent untouched, so the trace stays whole; its "
                   "time is the gap between the caller's client span and the callee's server span.";
        case ServiceRole::HeaderStrippingProxy:
            return "A proxy that drops headers it does not know, traceparent among them: everything behind it starts "
                   "a new trace.";
    }
    return "";
}

const char* hop_fault_cause(HopFault f) {
    switch (f) {
        case HopFault::Ok:
            return "Instrumented client and server: the callee joins the caller's trace.";
        case HopFault::NoInject:
            return "The client makes the call without the tracing transport, so no traceparent header is sent and "
                   "the callee starts a new trace.";
        case HopFault::NoExtract:
            return "The header arrives, but the server's handler is not wrapped by tracing middleware, so it is "
                   "ignored and the callee starts a new trace.";
        case HopFault::CtxDropped:
            return "The caller's code passed a fresh (background) context instead of the request's, so the call "
                   "starts a new trace.";
        case HopFault::NoHeadersOnMessage:
            return "The message was published without trace context in its headers, so the consumer starts a new "
                   "trace.";
        case HopFault::FlagsDropped:
            return "A hop rewrote the trace flags and cleared the sampled bit. Under the default parent-based sampler "
                   "the callee then records nothing: traces end up partial.";
    }
    return "";
}

// [SECTION] Lookup

int Scenario::find_service(std::string_view name) const {
    for (size_t i = 0; i < services.size(); ++i)
        if (services[i].name == name) return static_cast<int>(i);
    return -1;
}
const Service* Scenario::service(std::string_view name) const {
    const int i = find_service(name);
    return i < 0 ? nullptr : &services[static_cast<size_t>(i)];
}
Service* Scenario::service(std::string_view name) {
    const int i = find_service(name);
    return i < 0 ? nullptr : &services[static_cast<size_t>(i)];
}
int Scenario::entry_index() const {
    return entry.empty() ? (services.empty() ? -1 : 0) : find_service(entry);
}

// [SECTION] Parsing

namespace {
constexpr double kMaxMs = 3'600'000.0;  // an hour: anything longer is a typo, not a latency

Latency parse_latency(const JsonIn& j) {
    Latency l;
    if (j.raw().is_number()) {
        l.ms = j.number(0, kMaxMs);
        return l;
    }
    j.allow_only({"model", "ms", "jitter_ms"});
    const auto model = j.str_or("model", "fixed");
    auto kind = parse_latency_kind(model);
    if (!kind) j.at("model").fail("unknown latency model \"" + model + "\" (use fixed, uniform, normal or lognormal)");
    l.kind = *kind;
    l.ms = j.at("ms").number(0, kMaxMs);
    l.jitter_ms = j.number_or("jitter_ms", 0.0, 0, kMaxMs);
    return l;
}

AttrLiteral parse_attr_literal(const JsonIn& j) {
    const Json& v = j.raw();
    if (v.is_string()) return v.get<std::string>();
    if (v.is_boolean()) return v.get<bool>();
    if (v.is_number_integer() || v.is_number_unsigned()) return j.integer(INT64_MIN, INT64_MAX);
    if (v.is_number_float()) return v.get<double>();
    j.fail(std::string("an attribute value must be a string, number or boolean, found ") + json_type_name(v));
}

Call parse_call(const JsonIn& j) {
    Call c;
    if (j.raw().is_string()) {
        c.to = j.nonempty_str();
        return c;
    }
    j.allow_only({"to", "transport", "network", "fault", "repeat", "batched"});
    c.to = j.at("to").nonempty_str();
    if (auto t = j.opt("transport")) {
        const auto s = t->str();
        auto tr = parse_transport(s);
        if (!tr) t->fail("unknown transport \"" + s + "\" (use in-process, http, grpc or queue)");
        c.transport = *tr;
    }
    if (auto n = j.opt("network")) c.network = parse_latency(*n);
    if (auto f = j.opt("fault")) {
        const auto s = f->str();
        auto hf = parse_hop_fault(s);
        if (!hf)
            f->fail("unknown fault mode \"" + s +
                    "\" (use ok, no-inject, no-extract, ctx-dropped, no-headers-on-message or flags-dropped)");
        c.fault = *hf;
    }
    c.repeat = static_cast<int>(j.integer_or("repeat", 1, 1, 1000));
    c.batched = j.bool_or("batched", false);
    return c;
}

Service parse_service(const JsonIn& j) {
    j.allow_only({"name", "role", "instrumented", "clock_skew_ms", "span", "kind", "latency", "work_before",
                  "error_rate", "parallel", "calls", "attributes"});
    Service s;
    s.name = j.at("name").nonempty_str();
    if (s.name.size() > 64) j.at("name").fail("a service name may have at most 64 characters");
    if (auto r = j.opt("role")) {
        const auto rs = r->str();
        auto role = parse_service_role(rs);
        if (!role) r->fail("unknown role \"" + rs + "\" (use application, database, proxy or header-stripping-proxy)");
        s.role = *role;
    }
    s.instrumented = j.bool_or("instrumented", true);
    s.clock_skew_ms = j.number_or("clock_skew_ms", 0.0, -kMaxMs, kMaxMs);
    s.span_name = j.has("span") ? j.at("span").nonempty_str() : s.name;
    if (auto k = j.opt("kind")) {
        const auto ks = k->str();
        auto kind = parse_span_kind(ks);
        if (!kind) k->fail("unknown span kind \"" + ks + "\" (use server, client, internal, producer or consumer)");
        s.kind = kind;
    }
    if (auto l = j.opt("latency")) s.own = parse_latency(*l);
    s.work_before = j.number_or("work_before", 0.5, 0.0, 1.0);
    s.error_rate = j.number_or("error_rate", 0.0, 0.0, 1.0);
    s.parallel = j.bool_or("parallel", false);
    if (auto calls = j.opt("calls")) {
        const size_t n = calls->size();
        if (n > 64) calls->fail("at most 64 calls per service");
        for (size_t i = 0; i < n; ++i) s.calls.push_back(parse_call((*calls)[i]));
    }
    if (auto attrs = j.opt("attributes")) {
        attrs->expect_object();
        for (auto it = attrs->raw().begin(); it != attrs->raw().end(); ++it) {
            JsonIn v(it.value(), attrs->source(), attrs->path() + "/" + json_pointer_token(it.key()));
            if (it.key().empty()) v.fail("an attribute key must not be empty");
            s.attributes.emplace_back(it.key(), parse_attr_literal(v));
        }
    }
    return s;
}

// Re-raises a validation message at a JSON path.
[[noreturn]] void fail_at(const std::string& source, const std::string& path, const std::string& msg) {
    throw LoadError(source + ": " + path + ": " + msg);
}

// Validates cross-references; `path_of` maps (service, call) to a JSON path for messages.
void check_references(const Scenario& s, const std::string& source) {
    if (s.services.empty()) fail_at(source, "/services", "a scenario needs at least one service");
    if (s.services.size() > 256) fail_at(source, "/services", "at most 256 services");
    for (size_t i = 0; i < s.services.size(); ++i) {
        for (size_t k = 0; k < i; ++k)
            if (s.services[k].name == s.services[i].name)
                fail_at(source, "/services/" + std::to_string(i) + "/name",
                        "service \"" + s.services[i].name + "\" is defined twice");
    }
    if (s.entry_index() < 0)
        fail_at(source, "/entry", "unknown service \"" + s.entry + "\" (the entry must be one of the services)");
    if (s.services[static_cast<size_t>(s.entry_index())].role == ServiceRole::Database)
        fail_at(source, "/entry", "the entry cannot be a database: a request arrives at an application or a proxy");
    for (size_t i = 0; i < s.services.size(); ++i) {
        const auto& svc = s.services[i];
        for (size_t c = 0; c < svc.calls.size(); ++c) {
            const auto& call = svc.calls[c];
            const std::string path = "/services/" + std::to_string(i) + "/calls/" + std::to_string(c);
            if (s.find_service(call.to) < 0) {
                std::string known;
                for (const auto& o : s.services) known += (known.empty() ? "" : ", ") + o.name;
                fail_at(source, path + "/to", "unknown service \"" + call.to + "\" (known: " + known + ")");
            }
            if (svc.role == ServiceRole::Database)
                fail_at(source, path, "a database makes no calls (\"" + svc.name + "\" has the role database)");
            if (call.fault == HopFault::NoHeadersOnMessage && call.transport != Transport::Queue)
                fail_at(source, path + "/fault",
                        "no-headers-on-message only applies to a queue hop (this call's transport is " +
                            std::string(to_string(call.transport)) + ")");
        }
    }
    // Cycles: a request would never end. Depth-first search with colours.
    std::vector<int> colour(s.services.size(), 0);
    std::function<void(int, std::vector<std::string>&)> visit = [&](int v, std::vector<std::string>& stack) {
        colour[static_cast<size_t>(v)] = 1;
        stack.push_back(s.services[static_cast<size_t>(v)].name);
        for (const auto& call : s.services[static_cast<size_t>(v)].calls) {
            const int w = s.find_service(call.to);
            if (colour[static_cast<size_t>(w)] == 1) {
                std::string loop;
                bool in = false;
                for (const auto& n : stack) {
                    in = in || n == call.to;
                    if (in) loop += n + " -> ";
                }
                fail_at(source, "/services/" + std::to_string(v) + "/calls",
                        "the calls form a cycle (" + loop + call.to + "), so a request would never finish");
            }
            if (colour[static_cast<size_t>(w)] == 0) visit(w, stack);
        }
        stack.pop_back();
        colour[static_cast<size_t>(v)] = 2;
    };
    for (size_t i = 0; i < s.services.size(); ++i) {
        std::vector<std::string> stack;
        if (colour[i] == 0) visit(static_cast<int>(i), stack);
    }
    // Bound the total number of operations per request so a typo cannot ask for billions of spans.
    std::vector<double> ops(s.services.size(), -1);
    std::function<double(int)> count = [&](int v) -> double {
        auto& c = ops[static_cast<size_t>(v)];
        if (c >= 0) return c;
        double total = 1;
        for (const auto& call : s.services[static_cast<size_t>(v)].calls)
            total += (call.batched ? 1 : call.repeat) * count(s.find_service(call.to));
        c = total;
        return total;
    };
    if (count(s.entry_index()) > 100000)
        fail_at(source, "/services", "one request would perform more than 100000 operations (check the repeat counts)");
}
}  // namespace

Result<Scenario> parse_scenario(const Json& json, const std::string& source, std::string id) {
    try {
        JsonIn j(json, source);
        j.expect_object();
        j.allow_only({"$schema", "title", "description", "entry", "services", "request_interval_ms", "client_spans"});
        Scenario s;
        s.id = std::move(id);
        s.title = j.str_or("title", s.id);
        s.description = j.str_or("description", "");
        s.entry = j.str_or("entry", "");
        s.request_interval_ms = j.number_or("request_interval_ms", 1000.0, 0.0, kMaxMs);
        s.client_spans = j.bool_or("client_spans", false);
        auto services = j.at("services");
        const size_t n = services.size();
        for (size_t i = 0; i < n; ++i) s.services.push_back(parse_service(services[i]));
        if (s.entry.empty() && !s.services.empty()) s.entry = s.services.front().name;
        check_references(s, source);
        return s;
    } catch (const LoadError& e) {
        return Result<Scenario>::failure(e.what());
    }
}

Result<Scenario> load_scenario_file(const fs::path& path) {
    auto json = read_json_file(path);
    if (!json) return Result<Scenario>::failure(json.error());
    return parse_scenario(*json, path.string(), path.stem().string());
}

Result<Scenario> load_scenario(std::string_view name_or_path, const fs::path& builtin_dir) {
    const std::string name(name_or_path);
    const bool looks_like_path = name.find('/') != std::string::npos || name.ends_with(".json");
    if (looks_like_path) return load_scenario_file(name);
    const fs::path p = builtin_dir / (name + ".json");
    std::error_code ec;
    if (!fs::exists(p, ec)) {
        std::string known;
        for (const auto& n : builtin_scenario_names(builtin_dir)) known += (known.empty() ? "" : ", ") + n;
        return Result<Scenario>::failure("unknown scenario \"" + name + "\"" +
                                         (known.empty()
                                              ? " (no built-in scenarios found in " + builtin_dir.string() + ")"
                                              : " (built-in: " + known + ")"));
    }
    return load_scenario_file(p);
}

// [SECTION] Validation

std::string validate_scenario(const Scenario& s, const std::string& source) {
    try {
        check_references(s, source);
        for (size_t i = 0; i < s.services.size(); ++i) {
            const auto& svc = s.services[i];
            const std::string p = "/services/" + std::to_string(i);
            if (!(svc.own.ms >= 0 && svc.own.ms <= kMaxMs)) fail_at(source, p + "/latency", "latency out of range");
            if (!(svc.own.jitter_ms >= 0 && svc.own.jitter_ms <= kMaxMs))
                fail_at(source, p + "/latency", "jitter out of range");
            if (!(svc.error_rate >= 0 && svc.error_rate <= 1))
                fail_at(source, p + "/error_rate", "an error rate is a probability from 0 to 1");
        }
        return "";
    } catch (const LoadError& e) {
        return e.what();
    }
}

// [SECTION] Serialisation

namespace {
Json latency_json(const Latency& l) {
    if (l.kind == LatencyKind::Fixed && l.jitter_ms == 0) return l.ms;
    return Json{{"model", to_string(l.kind)}, {"ms", l.ms}, {"jitter_ms", l.jitter_ms}};
}
}  // namespace

Json scenario_to_json(const Scenario& s) {
    Json j;
    j["title"] = s.title;
    if (!s.description.empty()) j["description"] = s.description;
    j["entry"] = s.entry;
    j["request_interval_ms"] = s.request_interval_ms;
    j["client_spans"] = s.client_spans;
    Json services = Json::array();
    for (const auto& svc : s.services) {
        Json o;
        o["name"] = svc.name;
        if (svc.role != ServiceRole::Application) o["role"] = to_string(svc.role);
        if (!svc.instrumented) o["instrumented"] = false;
        if (svc.clock_skew_ms != 0) o["clock_skew_ms"] = svc.clock_skew_ms;
        o["span"] = svc.span_name;
        if (svc.kind) o["kind"] = to_string(*svc.kind);
        o["latency"] = latency_json(svc.own);
        if (svc.work_before != 0.5) o["work_before"] = svc.work_before;
        if (svc.error_rate != 0) o["error_rate"] = svc.error_rate;
        if (svc.parallel) o["parallel"] = true;
        if (!svc.calls.empty()) {
            Json calls = Json::array();
            for (const auto& c : svc.calls) {
                Json cj{{"to", c.to}, {"transport", to_string(c.transport)}};
                if (c.network.ms != 0 || c.network.jitter_ms != 0) cj["network"] = latency_json(c.network);
                if (c.fault != HopFault::Ok) cj["fault"] = to_string(c.fault);
                if (c.repeat != 1) cj["repeat"] = c.repeat;
                if (c.batched) cj["batched"] = true;
                calls.push_back(std::move(cj));
            }
            o["calls"] = std::move(calls);
        }
        if (!svc.attributes.empty()) {
            Json a = Json::object();
            for (const auto& kv : svc.attributes) {
                const std::string& key = kv.first;
                std::visit([&](const auto& x) { a[key] = x; }, kv.second);
            }
            o["attributes"] = std::move(a);
        }
        services.push_back(std::move(o));
    }
    j["services"] = std::move(services);
    return j;
}

// [SECTION] Asset discovery

fs::path asset_dir() {
    std::error_code ec;
    if (const char* env = std::getenv("TRACELAB_ASSETS"); env && *env) return env;
    // Next to the executable (build tree), then the install prefix.
    char buf[4096];
    const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n > 0) {
        const fs::path exe_dir = fs::path(std::string(buf, static_cast<size_t>(n))).parent_path();
        for (const fs::path& cand : {exe_dir / "assets", exe_dir.parent_path() / "assets",
                                     exe_dir.parent_path() / "share" / "tracelab" / "assets"}) {
            if (fs::is_directory(cand / "scenarios", ec)) return cand;
        }
    }
    return "assets";
}

std::vector<std::string> builtin_scenario_names(const fs::path& builtin_dir) {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(builtin_dir, ec))
        // *.schema.json describes the format (scenario.schema.json); it is not a scenario.
        if (e.path().extension() == ".json" && !e.path().stem().string().ends_with(".schema"))
            names.push_back(e.path().stem().string());
    std::sort(names.begin(), names.end());
    // The tutorial's scenario first.
    auto it = std::find(names.begin(), names.end(), "checkout");
    if (it != names.end()) std::rotate(names.begin(), it, it + 1);
    return names;
}

// [SECTION] Edits

namespace {
std::string unknown_service(const Scenario& s, std::string_view name) {
    std::string known;
    for (const auto& o : s.services) known += (known.empty() ? "" : ", ") + o.name;
    return "unknown service \"" + std::string(name) + "\" (services: " + known + ")";
}

bool split_assignment(std::string_view spec, std::string_view& key, std::string_view& value) {
    const auto eq = spec.rfind('=');
    if (eq == std::string_view::npos) return false;
    key = spec.substr(0, eq);
    value = spec.substr(eq + 1);
    return !key.empty() && !value.empty();
}

bool to_double(std::string_view s, double& out) {
    std::string tmp(s);
    char* end = nullptr;
    out = std::strtod(tmp.c_str(), &end);
    return end && *end == '\0' && !tmp.empty() && std::isfinite(out);
}
}  // namespace

std::string set_own_latency(Scenario& s, std::string_view service, double ms) {
    Service* svc = s.service(service);
    if (!svc) return unknown_service(s, service);
    if (!(ms >= 0 && ms <= kMaxMs)) return "a latency must be between 0 and 3600000 ms";
    svc->own.ms = ms;
    return "";
}

std::string set_jitter(Scenario& s, std::string_view service, double jitter_ms) {
    Service* svc = s.service(service);
    if (!svc) return unknown_service(s, service);
    if (!(jitter_ms >= 0 && jitter_ms <= kMaxMs)) return "jitter must be between 0 and 3600000 ms";
    svc->own.jitter_ms = jitter_ms;
    if (jitter_ms > 0 && svc->own.kind == LatencyKind::Fixed) svc->own.kind = LatencyKind::LogNormal;
    return "";
}

std::string set_error_rate(Scenario& s, std::string_view service, double rate) {
    Service* svc = s.service(service);
    if (!svc) return unknown_service(s, service);
    if (!(rate >= 0 && rate <= 1)) return "an error rate is a probability from 0 to 1";
    svc->error_rate = rate;
    return "";
}

std::string set_instrumented(Scenario& s, std::string_view service, bool instrumented) {
    Service* svc = s.service(service);
    if (!svc) return unknown_service(s, service);
    if (svc->role != ServiceRole::Application)
        return std::string(service) + " is a " + to_string(svc->role) +
               ": it runs no tracing SDK, so there is nothing to switch on or off";
    svc->instrumented = instrumented;
    return "";
}

std::string set_parallel(Scenario& s, std::string_view service, bool parallel) {
    Service* svc = s.service(service);
    if (!svc) return unknown_service(s, service);
    svc->parallel = parallel;
    return "";
}

std::string set_batched(Scenario& s, std::string_view caller, std::string_view callee, bool batched) {
    Service* from = s.service(caller);
    if (!from) return unknown_service(s, caller);
    if (!s.service(callee)) return unknown_service(s, callee);
    bool found = false;
    for (auto& c : from->calls) {
        if (c.to != callee) continue;
        c.batched = batched;
        found = true;
    }
    if (!found) return std::string(caller) + " does not call " + std::string(callee);
    return "";
}

std::string set_hop_fault(Scenario& s, std::string_view caller, std::string_view callee, HopFault f) {
    Service* from = s.service(caller);
    if (!from) return unknown_service(s, caller);
    if (!s.service(callee)) return unknown_service(s, callee);
    bool found = false;
    for (auto& c : from->calls) {
        if (c.to != callee) continue;
        if (f == HopFault::NoHeadersOnMessage && c.transport != Transport::Queue)
            return "no-headers-on-message only applies to a queue hop; " + std::string(caller) + " calls " +
                   std::string(callee) + " over " + to_string(c.transport);
        c.fault = f;
        found = true;
    }
    if (!found) return std::string(caller) + " does not call " + std::string(callee);
    return "";
}

std::string apply_drop_flag(Scenario& s, std::string_view spec) {
    const auto arrow = spec.find("->");
    if (arrow == std::string_view::npos) return "expected CALLER->CALLEE or CALLER->CALLEE=MODE";
    std::string_view caller = spec.substr(0, arrow);
    std::string_view rest = spec.substr(arrow + 2);
    HopFault mode = HopFault::NoInject;
    if (auto eq = rest.find('='); eq != std::string_view::npos) {
        auto m = parse_hop_fault(rest.substr(eq + 1));
        if (!m)
            return "unknown mode \"" + std::string(rest.substr(eq + 1)) +
                   "\" (use no-inject, no-extract, ctx-dropped, no-headers-on-message, flags-dropped or ok)";
        mode = *m;
        rest = rest.substr(0, eq);
    }
    if (caller.empty() || rest.empty()) return "expected CALLER->CALLEE or CALLER->CALLEE=MODE";
    return set_hop_fault(s, caller, rest, mode);
}

std::string apply_latency_flag(Scenario& s, std::string_view spec) {
    std::string_view key, value;
    double ms = 0;
    if (!split_assignment(spec, key, value) || !to_double(value, ms)) return "expected SERVICE=MILLISECONDS";
    return set_own_latency(s, key, ms);
}

std::string apply_error_flag(Scenario& s, std::string_view spec) {
    std::string_view key, value;
    double rate = 0;
    if (!split_assignment(spec, key, value) || !to_double(value, rate)) return "expected SERVICE=RATE";
    return set_error_rate(s, key, rate);
}

}  // namespace tl
