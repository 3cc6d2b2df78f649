// Engine: compiles a Scenario into a flat plan, then walks each request's call tree.
// [SECTION] Plan — per-service data resolved once (indices instead of names)
// [SECTION] Latency sampling
// [SECTION] Request walk — operations, spans, context propagation per hop
// [SECTION] Run and Hop helpers
#include "sim/engine.hpp"

#include <algorithm>
#include <cmath>

namespace tl {

// [SECTION] Plan

struct PlanCall {
    uint32_t callee = 0;
    uint16_t index = 0;  // in the caller's Service::calls
    Transport transport = Transport::Http;
    Latency network;
    HopFault fault = HopFault::Ok;
    int repeat = 1;
    bool network_fixed = true;  // no jitter: network_ns is the delay
    int64_t network_ns = 0;
};

struct PlanService {
    std::string name;
    std::string span_name;
    std::string publish_name;  // producer span name when this service is reached over a queue
    SpanKind kind = SpanKind::Server;
    bool instrumented = true;
    int64_t skew_ns = 0;
    Latency own;
    int64_t own_ns = 0;  // own.ms in ns (the value used when there is no jitter)
    double work_before = 0.5;
    double error_rate = 0;
    bool parallel = false;
    std::vector<PlanCall> calls;
    std::vector<std::pair<std::string, AttrLiteral>> attributes;
    bool http_server = false;  // reached over HTTP (or the entry): reports http.response.status_code
    bool grpc_server = false;
};

struct Engine::Plan {
    std::vector<PlanService> services;
    uint32_t entry = 0;
    int64_t interval_ns = 0;
    bool client_spans = false;
};

namespace {
// Latencies are never negative, so rounding is a plain add-and-truncate (llround is a libm call).
int64_t ms_to_ns(double ms) {
    return ms >= 0 ? static_cast<int64_t>(ms * 1e6 + 0.5) : -static_cast<int64_t>(-ms * 1e6 + 0.5);
}
}  // namespace

Engine::Engine(const Scenario& scenario) : scenario_(scenario), plan_(std::make_unique<Plan>()) {
    Plan& p = *plan_;
    p.entry = static_cast<uint32_t>(std::max(0, scenario.entry_index()));
    p.interval_ns = ms_to_ns(scenario.request_interval_ms);
    p.client_spans = scenario.client_spans;
    p.services.resize(scenario.services.size());
    for (size_t i = 0; i < scenario.services.size(); ++i) {
        const Service& s = scenario.services[i];
        PlanService& ps = p.services[i];
        ps.name = s.name;
        ps.span_name = s.span_name.empty() ? s.name : s.span_name;
        ps.publish_name = "publish " + s.name;
        ps.instrumented = s.instrumented;
        ps.skew_ns = ms_to_ns(s.clock_skew_ms);
        ps.own = s.own;
        ps.own_ns = ms_to_ns(s.own.ms);
        ps.work_before = std::clamp(s.work_before, 0.0, 1.0);
        ps.error_rate = s.error_rate;
        ps.parallel = s.parallel;
        ps.attributes = s.attributes;
        for (size_t c = 0; c < s.calls.size(); ++c) {
            const Call& call = s.calls[c];
            const int callee = scenario.find_service(call.to);
            if (callee < 0) continue;  // validated scenarios never get here
            ps.calls.push_back(PlanCall{static_cast<uint32_t>(callee), static_cast<uint16_t>(c), call.transport,
                                        call.network, call.fault, std::max(1, call.repeat),
                                        call.network.kind == LatencyKind::Fixed || call.network.jitter_ms <= 0,
                                        ms_to_ns(call.network.ms)});
        }
    }
    // Span kind of each service's operation: declared, else from how it is reached.
    std::vector<int> reached_by(p.services.size(), -1);
    for (const auto& ps : p.services)
        for (const auto& c : ps.calls)
            if (reached_by[c.callee] < 0) reached_by[c.callee] = static_cast<int>(c.transport);
    for (size_t i = 0; i < p.services.size(); ++i) {
        const Service& s = scenario.services[i];
        auto& ps = p.services[i];
        const int how = i == p.entry ? static_cast<int>(Transport::Http) : reached_by[i];
        if (s.kind) {
            ps.kind = *s.kind;
        } else if (how == static_cast<int>(Transport::Queue)) {
            ps.kind = SpanKind::Consumer;
        } else if (how == static_cast<int>(Transport::InProcess)) {
            ps.kind = SpanKind::Internal;
        } else {
            ps.kind = SpanKind::Server;
        }
        ps.http_server = how == static_cast<int>(Transport::Http) && ps.kind == SpanKind::Server;
        ps.grpc_server = how == static_cast<int>(Transport::Grpc) && ps.kind == SpanKind::Server;
    }
}

Engine::~Engine() = default;

// [SECTION] Latency sampling

namespace {
bool is_fixed(const Latency& l) { return l.kind == LatencyKind::Fixed || l.jitter_ms <= 0; }

double draw_ms(const Latency& l, Rng& rng, bool jitter) {
    if (!jitter || l.kind == LatencyKind::Fixed || l.jitter_ms <= 0) return l.ms;
    double v = l.ms;
    switch (l.kind) {
        case LatencyKind::Fixed: break;
        case LatencyKind::Uniform: v = l.ms + (rng.uniform() * 2.0 - 1.0) * l.jitter_ms; break;
        case LatencyKind::Normal: v = l.ms + rng.normal() * l.jitter_ms; break;
        case LatencyKind::LogNormal: {
            if (l.ms <= 0) {
                v = std::abs(rng.normal()) * l.jitter_ms;
                break;
            }
            // Median `ms`; sigma chosen so the spread is about jitter_ms: a long right tail, as real latency has.
            const double sigma = std::log1p(l.jitter_ms / l.ms);
            v = l.ms * std::exp(sigma * rng.normal());
            break;
        }
    }
    return std::max(0.0, v);
}
}  // namespace

// [SECTION] Request walk

namespace {

// The context a span runs in (what an SDK keeps in its Context object).
struct Ctx {
    TraceId trace;
    SpanId span;
    uint8_t flags = 0;
    StrId tracestate = 0;
    int32_t span_index = -1;
    bool valid = false;
};

struct Interned {
    std::vector<StrId> name, span_name, publish_name, resource;
    std::vector<std::vector<Attribute>> attrs;  // per service, precomputed
    StrId scope = 0;
    StrId k_status_http = 0, k_status_grpc = 0, k_server_address = 0, k_msg_op = 0, k_msg_dest = 0,
          k_msg_system = 0, v_publish = 0, v_process = 0, k_exc_type = 0, k_exc_msg = 0, v_exc_type = 0,
          v_exc_msg = 0, e_exception = 0, k_link_kind = 0, v_link_kind = 0, k_http_method = 0;
};

class Walker {
public:
    Walker(const Engine::Plan& plan, const EngineOptions& opt, Run& run, const Interned& in)
        : plan_(plan), opt_(opt), run_(run), in_(in), rng_(opt.seed * 0x9E3779B97F4A7C15ULL + 7),
          ids_(opt.seed), client_spans_(opt.client_spans < 0 ? plan.client_spans : opt.client_spans != 0) {}

    void request(uint32_t r) {
        request_ = r;
        request_start_ = static_cast<int64_t>(r) * plan_.interval_ns;
        run_.request_first_op.push_back(static_cast<uint32_t>(run_.ops.size()));
        true_trace_ = TraceId{};
        operation(plan_.entry, -1, -1, 0, Ctx{}, false, 0);
    }

private:
    // Decides sampling for a span about to start under `parent` (invalid: a new root).
    bool decide(const Ctx& parent, bool remote, TraceId trace, uint32_t service, SpanKind kind, StrId name,
                StrId& tracestate) {
        tracestate = parent.valid ? parent.tracestate : 0;
        if (!opt_.sampler) return parent.valid ? (parent.flags & 1) != 0 : true;  // ParentBased(AlwaysOn)
        SamplingInput in;
        in.trace_id = trace;
        in.has_parent = parent.valid;
        in.parent_remote = remote;
        in.parent_sampled = parent.valid && (parent.flags & 1) != 0;
        in.parent_tracestate = run_.observed.str(tracestate);
        in.span_name = run_.observed.str(name);
        in.service = run_.observed.str(in_.name[service]);
        in.kind = kind;
        const SamplingResult res = opt_.sampler->should_sample(in);
        if (!res.tracestate.empty()) tracestate = run_.observed.strings.intern(res.tracestate);
        return res.sampled;
    }

    // Starts a span (recorded only when sampled) and returns its context.
    Ctx start_span(const Ctx& parent, bool remote, uint32_t service, SpanKind kind, StrId name) {
        Ctx c;
        c.trace = parent.valid ? parent.trace : ids_.trace_id();
        c.span = ids_.span_id();
        c.valid = true;
        const bool sampled = decide(parent, remote, c.trace, service, kind, name, c.tracestate);
        // Level 2: the random flag (bit 1) says the trace id's rightmost 7 bytes are random; ours are.
        c.flags = static_cast<uint8_t>((sampled ? 1 : 0) | (parent.valid ? (parent.flags & 2) : 2));
        if (!sampled) return c;
        auto& store = run_.observed;
        Span s;
        s.trace_id = c.trace;
        s.span_id = c.span;
        s.parent_span_id = parent.valid ? parent.span : SpanId{};
        s.name = name;
        s.service = in_.name[service];
        s.resource = in_.resource[service];
        s.trace_state = c.tracestate;
        s.scope = in_.scope;
        s.kind = kind;
        s.flags = c.flags;
        // Attribute, event and link ranges are set when they are written (finish_span, add_attr, links).
        c.span_index = static_cast<int32_t>(store.spans.size());
        store.spans.push_back(s);
        return c;
    }

    void add_attr(const Ctx& c, StrId key, AttrValue v) {
        if (c.span_index < 0) return;
        auto& store = run_.observed;
        Span& s = store.spans[static_cast<size_t>(c.span_index)];
        // Attributes of one span are contiguous: spans are finished in reverse start order (children first), so
        // a span's attributes are appended in one go by finish_span; this path serves client spans only.
        if (s.attrs.count == 0) s.attrs.begin = static_cast<uint32_t>(store.attributes.size());
        store.attributes.push_back(Attribute{key, v});
        ++s.attrs.count;
    }

    int64_t observed_ns(uint32_t service, int64_t t) const {
        return run_.epoch_unix_ns + request_start_ + t + plan_.services[service].skew_ns;
    }

    // Runs one operation of `service` that starts (truly) at `t`; returns its true end.
    int64_t operation(uint32_t service, int32_t parent_op, int32_t hop, int64_t t, const Ctx& in, bool in_remote,
                      uint16_t depth) {
        const PlanService& ps = plan_.services[service];
        const auto op_index = static_cast<int32_t>(run_.ops.size());
        run_.ops.push_back(Operation{});
        {
            Operation& op = run_.ops.back();
            op.request = request_;
            op.service = service;
            op.parent = parent_op;
            op.hop = hop;
            op.start_ns = request_start_ + t;
            op.depth = depth;
        }

        Ctx self;  // context this operation runs in; invalid when uninstrumented
        if (ps.instrumented) self = start_span(in, in_remote, service, ps.kind, in_.span_name[service]);
        if (!true_trace_.valid()) true_trace_ = self.valid ? self.trace : TraceId{0, 1};
        // Links must be written before the span's attributes are appended: keep span data contiguous.
        if (self.span_index >= 0 && hop >= 0 && run_.hops[static_cast<size_t>(hop)].transport == Transport::Queue &&
            in.valid && run_.hops[static_cast<size_t>(hop)].extracted) {
            auto& store = run_.observed;
            Span& consumer = store.spans[static_cast<size_t>(self.span_index)];
            consumer.link_begin = static_cast<uint32_t>(store.links.size());
            consumer.link_count = 1;
            store.links.push_back(SpanLink{in.trace, in.span, in.tracestate, {}});
        }

        const int64_t own = is_fixed(ps.own) ? ps.own_ns : ms_to_ns(draw_ms(ps.own, rng_, opt_.jitter));
        const auto before = static_cast<int64_t>(static_cast<double>(own) * ps.work_before + 0.5);
        const bool error = ps.error_rate > 0 && rng_.uniform() < ps.error_rate;

        int64_t cursor = t + before;
        int64_t calls_end = cursor;
        for (const PlanCall& call : ps.calls) {
            for (int k = 0; k < call.repeat; ++k) {
                const int64_t start = ps.parallel ? t + before : cursor;
                const int64_t back = make_call(service, op_index, self, call, start, static_cast<uint16_t>(depth + 1));
                cursor = back;
                calls_end = std::max(calls_end, back);
            }
        }
        const int64_t end = calls_end + (own - before);

        Operation& op = run_.ops[static_cast<size_t>(op_index)];
        op.end_ns = request_start_ + end;
        op.error = error;
        op.span = self.span_index;
        op.true_trace = true_trace_;
        if (self.span_index >= 0) finish_span(self, service, op_index, t, end, error);
        return end;
    }

    void finish_span(const Ctx& c, uint32_t service, int32_t op_index, int64_t start, int64_t end, bool error) {
        const PlanService& ps = plan_.services[service];
        auto& store = run_.observed;
        // Children were recorded after this span started, so its attributes go here, in one contiguous block.
        const auto attr_begin = static_cast<uint32_t>(store.attributes.size());
        for (const auto& a : in_.attrs[service]) store.attributes.push_back(a);
        if (ps.http_server) store.attributes.push_back(Attribute{in_.k_status_http, AttrValue::integer(error ? 500 : 200)});
        if (ps.grpc_server) store.attributes.push_back(Attribute{in_.k_status_grpc, AttrValue::integer(error ? 2 : 0)});
        auto event_begin = 0u;
        if (error) {
            event_begin = static_cast<uint32_t>(store.events.size());
            const auto ea = static_cast<uint32_t>(store.attributes.size());
            store.attributes.push_back(Attribute{in_.k_exc_type, AttrValue::str(in_.v_exc_type)});
            store.attributes.push_back(Attribute{in_.k_exc_msg, AttrValue::str(in_.v_exc_msg)});
            store.events.push_back(SpanEvent{in_.e_exception, observed_ns(service, end), {ea, 2}});
        }
        Span& s = store.spans[static_cast<size_t>(c.span_index)];
        s.start_ns = observed_ns(service, start);
        s.end_ns = observed_ns(service, end);
        s.op = op_index;
        s.status = error ? StatusCode::Error : StatusCode::Unset;
        s.status_message = error ? in_.v_exc_msg : 0;
        s.attrs = AttrRange{attr_begin, static_cast<uint32_t>(store.attributes.size()) - attr_begin};
        s.event_begin = event_begin;
        s.event_count = error ? 1 : 0;
    }

    // One call from `caller` (running in `self`) at true time `t`; returns when the caller may go on.
    int64_t make_call(uint32_t caller, int32_t caller_op, const Ctx& self, const PlanCall& call, int64_t t,
                      uint16_t depth) {
        const PlanService& from = plan_.services[caller];
        const PlanService& to = plan_.services[call.callee];
        const bool remote = call.transport != Transport::InProcess;
        const bool queue = call.transport == Transport::Queue;

        const auto hop_index = static_cast<int32_t>(run_.hops.size());
        run_.hops.push_back(Hop{});
        {
            Hop& h = run_.hops.back();
            h.request = request_;
            h.caller_op = caller_op;
            h.call_index = call.index;
            h.fault = call.fault;
            h.transport = call.transport;
            h.caller_instrumented = from.instrumented;
            h.callee_instrumented = to.instrumented;
            h.send_ns = request_start_ + t;
        }

        // The context the caller's code hands to the client library.
        Ctx current = self;
        if (call.fault == HopFault::CtxDropped) current = Ctx{};
        // Client-side span: the tracing transport records one (always for a queue publish).
        const bool tracing_transport = from.instrumented && call.fault != HopFault::NoInject;
        Ctx client;
        if (remote && tracing_transport && (client_spans_ || queue)) {
            const SpanKind kind = queue ? SpanKind::Producer : SpanKind::Client;
            const StrId name = queue ? in_.publish_name[call.callee] : in_.span_name[call.callee];
            client = start_span(current, false, caller, kind, name);
            if (client.span_index >= 0) {
                if (queue) {
                    add_attr(client, in_.k_msg_op, AttrValue::str(in_.v_publish));
                    add_attr(client, in_.k_msg_dest, AttrValue::str(in_.name[call.callee]));
                } else {
                    add_attr(client, in_.k_server_address, AttrValue::str(in_.name[call.callee]));
                }
            }
            current = client;
        }

        // What goes on the wire.
        Ctx wire;
        bool sent = false;
        if (remote) {
            sent = tracing_transport && current.valid && call.fault != HopFault::NoHeadersOnMessage;
            if (sent) {
                wire = current;
                if (call.fault == HopFault::FlagsDropped) wire.flags = static_cast<uint8_t>(wire.flags & ~1u);
            }
        } else {
            // In-process: the context object itself is passed (unless the caller's code dropped it).
            sent = false;
            wire = from.instrumented ? current : Ctx{};
        }
        const bool extracted =
            to.instrumented && wire.valid && (!remote || (sent && call.fault != HopFault::NoExtract));

        const int64_t d_out = call.network_fixed ? call.network_ns : ms_to_ns(draw_ms(call.network, rng_, opt_.jitter));
        const int64_t arrive = t + d_out;
        {
            Hop& h = run_.hops[static_cast<size_t>(hop_index)];
            h.header_sent = sent;
            h.extracted = extracted;
            if (sent) {
                h.trace_id = wire.trace;
                h.parent_id = wire.span;
                h.flags = wire.flags;
                h.tracestate = wire.tracestate;
            }
            h.client_span = client.span_index;
            h.receive_ns = request_start_ + arrive;
            h.callee_op = static_cast<int32_t>(run_.ops.size());
        }

        const Ctx callee_in = extracted ? wire : Ctx{};
        int64_t resume = 0;
        int64_t client_end = 0;
        if (queue) {
            // Fire and forget: publishing takes the network delay; the consumer runs on its own time.
            const int64_t published = arrive;
            operation(call.callee, caller_op, hop_index, published + d_out, callee_in, remote, depth);
            resume = published;
            client_end = published;
        } else {
            const int64_t callee_end = operation(call.callee, caller_op, hop_index, arrive, callee_in, remote, depth);
            const int64_t d_back =
                call.network_fixed ? call.network_ns : ms_to_ns(draw_ms(call.network, rng_, opt_.jitter));
            resume = callee_end + d_back;
            client_end = resume;
        }
        if (client.span_index >= 0) {
            Span& s = run_.observed.spans[static_cast<size_t>(client.span_index)];
            s.start_ns = observed_ns(caller, t);
            s.end_ns = observed_ns(caller, client_end);
        }
        return resume;
    }

    const Engine::Plan& plan_;
    const EngineOptions& opt_;
    Run& run_;
    const Interned& in_;
    Rng rng_;
    IdGenerator ids_;
    bool client_spans_;
    uint32_t request_ = 0;
    int64_t request_start_ = 0;
    TraceId true_trace_;
};

AttrValue literal_value(StringPool& pool, const AttrLiteral& v) {
    if (auto s = std::get_if<std::string>(&v)) return AttrValue::str(pool.intern(*s));
    if (auto i = std::get_if<int64_t>(&v)) return AttrValue::integer(*i);
    if (auto d = std::get_if<double>(&v)) return AttrValue::real(*d);
    return AttrValue::boolean(std::get<bool>(v));
}

}  // namespace

void Engine::run(const EngineOptions& options, Run& out) const {
    out.clear();
    out.seed = options.seed;
    out.epoch_unix_ns = options.epoch_unix_ns;
    const Plan& p = *plan_;
    auto& pool = out.observed.strings;

    Interned in;
    in.scope = pool.intern("tracelab.sim");
    for (const auto& ps : p.services) {
        in.name.push_back(pool.intern(ps.name));
        in.span_name.push_back(pool.intern(ps.span_name));
        in.publish_name.push_back(pool.intern(ps.publish_name));
        in.resource.push_back(out.observed.resource_for(in.name.back()));
        auto& attrs = in.attrs.emplace_back();
        for (const auto& [k, v] : ps.attributes) attrs.push_back(Attribute{pool.intern(k), literal_value(pool, v)});
    }
    in.k_status_http = pool.intern("http.response.status_code");
    in.k_status_grpc = pool.intern("rpc.grpc.status_code");
    in.k_server_address = pool.intern("server.address");
    in.k_msg_op = pool.intern("messaging.operation.type");
    in.k_msg_dest = pool.intern("messaging.destination.name");
    in.v_publish = pool.intern("publish");
    in.k_exc_type = pool.intern("exception.type");
    in.k_exc_msg = pool.intern("exception.message");
    in.v_exc_type = pool.intern("SimulatedError");
    in.v_exc_msg = pool.intern("the operation failed (simulated error)");
    in.e_exception = pool.intern("exception");

    // Grow buffers once from the first request's size; later runs into the same Run reuse them.
    Walker walker(p, options, out, in);
    for (uint32_t r = 0; r < options.requests; ++r) {
        walker.request(r);
        if (r == 0 && options.requests > 1) {
            const size_t n = options.requests;
            out.observed.spans.reserve(out.observed.spans.size() * n);
            out.observed.attributes.reserve(out.observed.attributes.size() * n);
            out.ops.reserve(out.ops.size() * n);
            out.hops.reserve(out.hops.size() * n);
            out.request_first_op.reserve(n);
        }
    }
}

Run simulate(const Scenario& s, uint64_t seed, uint32_t requests) {
    Engine e(s);
    EngineOptions o;
    o.seed = seed;
    o.requests = requests;
    return e.run(o);
}

// [SECTION] Run and Hop helpers

void Run::clear() {
    observed.clear();
    ops.clear();
    hops.clear();
    request_first_op.clear();
}

std::string Hop::traceparent() const {
    if (!header_sent) return "";
    std::string s = "00-";
    s += to_hex(trace_id);
    s += '-';
    s += to_hex(parent_id);
    s += '-';
    constexpr char kHex[] = "0123456789abcdef";
    s += kHex[flags >> 4];
    s += kHex[flags & 0xF];
    return s;
}

std::string Hop::explanation() const {
    if (!caller_instrumented)
        return "No traceparent was sent: the calling service is not instrumented, so it records no spans and "
               "forwards no trace context. Everything it calls starts a new trace.";
    if (transport == Transport::InProcess) {
        if (fault == HopFault::CtxDropped)
            return "In-process call: the caller's code passed a fresh context instead of the request's, so the "
                   "callee's span starts a new trace.";
        return extracted ? "" : "In-process call: the context object was passed along as the first argument.";
    }
    switch (fault) {
        case HopFault::NoInject:
        case HopFault::CtxDropped:
        case HopFault::NoHeadersOnMessage: return std::string("No traceparent was sent. ") + hop_fault_cause(fault);
        case HopFault::NoExtract: return hop_fault_cause(fault);
        case HopFault::FlagsDropped:
            return "The traceparent arrived with the sampled flag cleared, so the callee decided sampling again "
                   "(with the default parent-based sampler it records nothing below this hop).";
        case HopFault::Ok: break;
    }
    if (!callee_instrumented)
        return "The header arrived, but the called service is not instrumented: nothing read it, and nothing below "
               "it joins this trace.";
    return "";
}

}  // namespace tl
