// Engine: compiles a Scenario into a flat plan, then walks each request's call tree.
// [SECTION] Plan — per-service data resolved once (indices instead of names)
// [SECTION] Latency sampling
// [SECTION] Request walk — operations, spans, context propagation per hop
// [SECTION] Run and Hop helpers
#include "sim/engine/engine.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

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
    ServiceRole role = ServiceRole::Application;
    bool instrumented = true;  // records spans of its own (an instrumented application)
    bool forwards = false;     // a pass-through proxy: hands the incoming context on untouched
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
    // A database: the attributes its callers' CLIENT spans carry (its own, plus server.address when missing).
    std::vector<std::pair<std::string, AttrLiteral>> client_attributes;
};

// How many records one request writes at most (ops and hops exactly); index [1] with client spans on.
// Engine::run sizes its arrays from these once, so the walk writes through running indices.
struct RequestBounds {
    uint64_t ops = 0;
    uint64_t spans[2] = {0, 0};
    uint64_t attributes[2] = {0, 0};
    uint64_t events = 0;
    uint64_t links = 0;
};

struct Engine::Plan {
    std::vector<PlanService> services;
    uint32_t entry = 0;
    int64_t interval_ns = 0;
    bool client_spans = false;
    // False only for an unvalidated scenario without services or whose calls loop; run() then simulates nothing.
    bool runnable = true;
    RequestBounds bounds;
};

namespace {
// Latencies are never negative, so rounding is a plain add-and-truncate (llround is a libm call).
int64_t ms_to_ns(double ms) {
    return ms >= 0 ? static_cast<int64_t>(ms * 1e6 + 0.5) : -static_cast<int64_t>(-ms * 1e6 + 0.5);
}

// Adds to `b` the records of one operation of `service` and everything below it (mirrors the walk's
// recording rules, without sampling: a sampler only ever records fewer). Returns false on a call loop.
bool request_bounds(const Engine::Plan& p, uint32_t service, RequestBounds& b, int depth = 0) {
    if (depth > static_cast<int>(p.services.size())) return false;
    const PlanService& ps = p.services[service];
    b.ops += 1;
    if (ps.instrumented) {
        const uint64_t status = (ps.http_server ? 1 : 0) + (ps.grpc_server ? 1 : 0);
        const uint64_t attrs = ps.attributes.size() + status + (ps.error_rate > 0 ? 2 : 0);
        for (int cs = 0; cs < 2; ++cs) {
            b.spans[cs] += 1;
            b.attributes[cs] += attrs;
        }
        b.events += ps.error_rate > 0 ? 1 : 0;
    }
    for (const PlanCall& c : ps.calls) {
        RequestBounds one;
        if (!request_bounds(p, c.callee, one, depth + 1)) return false;
        const PlanService& callee = p.services[c.callee];
        const bool database = callee.role == ServiceRole::Database;
        const bool remote = c.transport != Transport::InProcess && !database;
        const bool queue = c.transport == Transport::Queue && !database;
        const bool client = (remote || database) && ps.instrumented && c.fault != HopFault::NoInject;
        for (int cs = 0; cs < 2; ++cs) {
            if (client && (cs == 1 || queue || database)) {
                one.spans[cs] += 1;
                one.attributes[cs] += database ? callee.client_attributes.size() : queue ? 2 : 1;
            }
        }
        if (queue && p.services[c.callee].instrumented) one.links += 1;
        const auto n = static_cast<uint64_t>(c.repeat);
        b.ops += one.ops * n;
        for (int cs = 0; cs < 2; ++cs) {
            b.spans[cs] += one.spans[cs] * n;
            b.attributes[cs] += one.attributes[cs] * n;
        }
        b.events += one.events * n;
        b.links += one.links * n;
    }
    return true;
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
        ps.role = s.role;
        ps.instrumented = records_spans(s);
        ps.forwards = s.role == ServiceRole::Proxy;
        ps.skew_ns = ms_to_ns(s.clock_skew_ms);
        ps.own = s.own;
        ps.own_ns = ms_to_ns(s.own.ms);
        ps.work_before = std::clamp(s.work_before, 0.0, 1.0);
        ps.error_rate = s.error_rate;
        ps.parallel = s.parallel;
        ps.attributes = s.attributes;
        if (s.role == ServiceRole::Database) {
            ps.client_attributes = s.attributes;
            const bool has_address = std::any_of(s.attributes.begin(), s.attributes.end(),
                                                 [](const auto& kv) { return kv.first == "server.address"; });
            if (!has_address) ps.client_attributes.emplace_back("server.address", AttrLiteral{s.name});
        }
        for (size_t c = 0; c < s.calls.size(); ++c) {
            const Call& call = s.calls[c];
            const int callee = scenario.find_service(call.to);
            if (callee < 0) continue;  // validated scenarios never get here
            ps.calls.push_back(PlanCall{static_cast<uint32_t>(callee), static_cast<uint16_t>(c), call.transport,
                                        call.network, call.fault, call.batched ? 1 : std::max(1, call.repeat),
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
    p.runnable = !p.services.empty() && request_bounds(p, p.entry, p.bounds);
}

Engine::~Engine() = default;

// [SECTION] Latency sampling

namespace {
bool is_fixed(const Latency& l) {
    return l.kind == LatencyKind::Fixed || l.jitter_ms <= 0;
}

double draw_ms(const Latency& l, Rng& rng, bool jitter) {
    if (!jitter || l.kind == LatencyKind::Fixed || l.jitter_ms <= 0) return l.ms;
    double v = l.ms;
    switch (l.kind) {
        case LatencyKind::Fixed:
            break;
        case LatencyKind::Uniform:
            v = l.ms + (rng.uniform() * 2.0 - 1.0) * l.jitter_ms;
            break;
        case LatencyKind::Normal:
            v = l.ms + rng.normal() * l.jitter_ms;
            break;
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

// The context a span runs in (what an SDK keeps in its Context object). "No context" has span id 0 (generated
// ids never are) and flags sampled+random, so parent-based sampling treats a new root like a sampled parent
// without a branch.
struct Ctx {
    TraceId trace;
    SpanId span;
    StrId tracestate = 0;
    int32_t span_index = -1;  // its recorded span, -1 when not recorded
    uint8_t flags = 3;
    [[nodiscard]] bool valid() const { return span.valid(); }
};
constexpr Ctx kNoCtx{};

// One call as this run walks it: the per-hop decisions that do not depend on the request, made once.
struct RunCall {
    uint32_t callee = 0;
    uint16_t index = 0;
    Transport transport = Transport::Http;
    HopFault fault = HopFault::Ok;
    bool remote = false;
    bool queue = false;
    bool client_span = false;  // a client/producer span is started for it
    bool database = false;     // the callee is a database: the client span stands for its work
    bool may_send = false;     // remote and the tracing transport injects a header (if there is a context)
    bool extract_ok = false;   // the callee continues a context it receives
    bool network_fixed = true;
    SpanKind client_kind = SpanKind::Client;
    StrId client_name = 0;
    StrId client_key = 0, client_value = 0;    // first client attribute (server.address or messaging.operation.type)
    uint32_t db_attrs = 0, db_attr_count = 0;  // a database call: the client span's attributes in attr_blocks
    StrId callee_name = 0;
    int64_t network_ns = 0;
    const Latency* network = nullptr;
};

// One service as this run walks it: names interned in the Run's pool, per-run constants folded in.
struct RunService {
    StrId name = 0, span_name = 0;
    uint32_t resource = 0;
    SpanKind kind = SpanKind::Server;
    bool instrumented = true;
    bool forwards = false;  // pass-through proxy
    ServiceRole role = ServiceRole::Application;
    bool parallel = false;
    bool own_fixed = true;  // no draw: own_ns and before_ns are the values
    int64_t own_ns = 0, before_ns = 0;
    double work_before = 0.5;
    double error_rate = 0;
    int64_t clock_ns = 0;  // epoch + clock skew: observed time = clock_ns + request start + true time
    const Latency* own = nullptr;
    uint32_t call_begin = 0, call_count = 0;  // in RunTables::calls, one entry per call made (repeats unrolled)
    // Attribute blocks in RunTables::attr_blocks, appended to a finished span with one copy: the scenario's
    // attributes and status code, plus (error block) the exception event's two attributes.
    uint32_t ok_attrs = 0, err_attrs = 0;
    uint32_t ok_count = 0, err_count = 0;
    uint32_t db_attrs = 0, db_attr_count = 0;  // a database: the attributes of the CLIENT spans that call it
};

struct RunTables {
    std::vector<RunService> services;
    std::vector<RunCall> calls;
    std::vector<Attribute> attr_blocks;
    StrId scope = 0, k_msg_dest = 0, v_exc_msg = 0, e_exception = 0;
};

// Walks requests, writing records through running indices into arrays Engine::run sized beforehand.
// Each record is written once, whole, when all its fields are known; its index is taken when it starts, so
// the order is that of a depth-first walk (spans, ops and hops in start order; events at the end of a span).
class Walker {
public:
    Walker(const Engine::Plan& plan, const EngineOptions& opt, Run& run, const RunTables& t)
        : plan_(plan),
          t_(t),
          sampler_(opt.sampler),
          pool_(run.observed.strings),
          rng_(opt.seed * 0x9E3779B97F4A7C15ULL + 7),
          ids_(opt.seed),
          spans_(run.observed.spans.data()),
          attrs_(run.observed.attributes.data()),
          events_(run.observed.events.data()),
          links_(run.observed.links.data()),
          ops_(run.ops.data()),
          hops_(run.hops.data()),
          first_op_(run.request_first_op.data()) {}

    void request(uint32_t r) {
        request_ = r;
        request_start_ = static_cast<int64_t>(r) * plan_.interval_ns;
        first_op_[r] = n_ops_;
        true_trace_ = TraceId{};
        operation(plan_.entry, -1, -1, 0, kNoCtx, false, false, 0);
    }

    uint32_t n_spans_ = 0, n_attrs_ = 0, n_events_ = 0, n_links_ = 0, n_ops_ = 0, n_hops_ = 0;

private:
    // A configured head sampler decides (kept out of line: the common path has none).
    [[gnu::noinline]] bool sample(const Ctx& parent, bool remote, TraceId trace, const RunService& s, SpanKind kind,
                                  StrId name, StrId& tracestate) {
        SamplingInput in;
        in.trace_id = trace;
        in.has_parent = parent.valid();
        in.parent_remote = remote;
        in.parent_sampled = parent.valid() && (parent.flags & 1) != 0;
        in.parent_tracestate = pool_.get(parent.tracestate);
        in.span_name = pool_.get(name);
        in.service = pool_.get(s.name);
        in.kind = kind;
        const SamplingResult res = sampler_->should_sample(in);
        tracestate = res.tracestate.empty() ? parent.tracestate : pool_.intern(res.tracestate);
        return res.sampled;
    }

    // Starts a span under `parent` (no context: a new root) and returns its context. A sampled span gets the
    // next span index; its record is written when it ends.
    Ctx open_span(const Ctx& parent, bool remote, const RunService& s, SpanKind kind, StrId name) {
        Ctx c;
        c.trace = parent.valid() ? parent.trace : ids_.trace_id();
        c.span = ids_.span_id();
        bool sampled = true;
        if (!sampler_) {
            // ParentBased(AlwaysOn): inherit the parent's flags and tracestate (a root: sampled + random).
            sampled = (parent.flags & 1) != 0;
            c.tracestate = parent.tracestate;
            c.flags = static_cast<uint8_t>(parent.flags & 3);
        } else {
            sampled = sample(parent, remote, c.trace, s, kind, name, c.tracestate);
            // Level 2: the random flag (bit 1) says the trace id's rightmost 7 bytes are random; ours are.
            c.flags = static_cast<uint8_t>((sampled ? 1 : 0) | (parent.flags & 2));
        }
        if (sampled) c.span_index = static_cast<int32_t>(n_spans_++);
        return c;
    }

    void write_span(const Ctx& c, SpanId parent, StrId name, const RunService& s, SpanKind kind, bool error,
                    int64_t start, int64_t end, AttrRange attrs, uint32_t event_begin, uint32_t event_count,
                    uint32_t link_begin, uint32_t link_count, int32_t op) {
        spans_[c.span_index] = Span{.trace_id = c.trace,
                                    .span_id = c.span,
                                    .parent_span_id = parent,
                                    .name = name,
                                    .service = s.name,
                                    .trace_state = c.tracestate,
                                    .status_message = error ? t_.v_exc_msg : 0,
                                    .scope = t_.scope,
                                    .kind = kind,
                                    .status = error ? StatusCode::Error : StatusCode::Unset,
                                    .flags = c.flags,
                                    .start_ns = observed_ns(s, start),
                                    .end_ns = observed_ns(s, end),
                                    .attrs = attrs,
                                    .event_begin = event_begin,
                                    .event_count = event_count,
                                    .link_begin = link_begin,
                                    .link_count = link_count,
                                    .resource = s.resource,
                                    .op = op};
    }

    int64_t observed_ns(const RunService& s, int64_t t) const { return s.clock_ns + request_start_ + t; }

    // Runs one operation of `service` that starts (truly) at `t`; returns its true end. `linked`: it consumes a
    // message whose context it continued, so its span links to the producer.
    int64_t operation(uint32_t service, int32_t parent_op, int32_t hop, int64_t t, const Ctx& in, bool in_remote,
                      bool linked, uint16_t depth) {
        const RunService& s = t_.services[service];
        const auto op_index = static_cast<int32_t>(n_ops_++);

        Ctx self;  // context this operation runs in; none when uninstrumented
        if (s.instrumented) self = open_span(in, in_remote, s, s.kind, s.span_name);
        if (!true_trace_.valid()) true_trace_ = self.valid() ? self.trace : TraceId{0, 1};
        uint32_t link_begin = 0, link_count = 0;
        if (linked && self.span_index >= 0) {
            link_begin = n_links_++;
            link_count = 1;
            links_[link_begin] = SpanLink{in.trace, in.span, in.tracestate, {}};
        }

        const int64_t own = s.own_fixed ? s.own_ns : ms_to_ns(draw_ms(*s.own, rng_, true));
        const int64_t before =
            s.own_fixed ? s.before_ns : static_cast<int64_t>(static_cast<double>(own) * s.work_before + 0.5);
        const bool error = s.error_rate > 0 && rng_.uniform() < s.error_rate;

        const int64_t first_call = t + before;
        int64_t cursor = first_call;
        int64_t calls_end = first_call;
        const RunCall* const calls = t_.calls.data() + s.call_begin;
        // A pass-through proxy records nothing but hands on the context it received.
        const Ctx& onward = s.forwards ? in : self;
        for (uint32_t i = 0; i < s.call_count; ++i) {
            cursor = make_call(s, op_index, onward, calls[i], s.parallel ? first_call : cursor,
                               static_cast<uint16_t>(depth + 1));
            calls_end = std::max(calls_end, cursor);
        }
        const int64_t end = calls_end + (own - before);

        ops_[op_index] =
            Operation{request_, service, parent_op,       hop,        request_start_ + t, request_start_ + end,
                      depth,    error,   self.span_index, true_trace_};
        if (self.span_index >= 0) {
            // Children were recorded after this span started, so its attributes go here, in one contiguous block.
            const uint32_t attr_begin = n_attrs_;
            const uint32_t count = error ? s.err_count : s.ok_count;
            std::copy_n(t_.attr_blocks.data() + (error ? s.err_attrs : s.ok_attrs), count, attrs_ + attr_begin);
            n_attrs_ += count;
            uint32_t event_begin = 0;
            if (error) {
                event_begin = n_events_++;
                events_[event_begin] = SpanEvent{t_.e_exception, observed_ns(s, end), {attr_begin + count - 2, 2}};
            }
            // The error block ends with the exception event's two attributes: they belong to the event, not the span.
            const uint32_t span_attrs = error ? count - 2 : count;
            write_span(self, in.span, s.span_name, s, s.kind, error, t, end, AttrRange{attr_begin, span_attrs},
                       event_begin, error ? 1u : 0u, link_begin, link_count, op_index);
        }
        return end;
    }

    // One call from `from` (running in `self`) at true time `t`; returns when the caller may go on.
    int64_t make_call(const RunService& from, int32_t caller_op, const Ctx& self, const RunCall& call, int64_t t,
                      uint16_t depth) {
        const auto hop_index = static_cast<int32_t>(n_hops_++);

        // The context the caller's code hands to the client library. A forwarding proxy runs no code that holds a
        // context: it passes on the headers it received, so ctx-dropped cannot act on its calls.
        const Ctx& current = call.fault == HopFault::CtxDropped && !from.forwards ? kNoCtx : self;
        // Client-side span: the tracing transport records one (always for a queue publish).
        Ctx client;
        AttrRange client_attrs;
        if (call.client_span) {
            client = open_span(current, false, from, call.client_kind, call.client_name);
            if (client.span_index >= 0 && call.database) {
                client_attrs = AttrRange{n_attrs_, call.db_attr_count};
                std::copy_n(t_.attr_blocks.data() + call.db_attrs, call.db_attr_count, attrs_ + n_attrs_);
                n_attrs_ += call.db_attr_count;
            } else if (client.span_index >= 0) {
                client_attrs = AttrRange{n_attrs_, call.queue ? 2u : 1u};
                attrs_[n_attrs_++] = Attribute{call.client_key, AttrValue::str(call.client_value)};
                if (call.queue) attrs_[n_attrs_++] = Attribute{t_.k_msg_dest, AttrValue::str(call.callee_name)};
            }
        }
        const Ctx& outgoing = call.client_span ? client : current;

        // What goes on the wire (remote), or the context object itself (in-process, from instrumented code).
        const Ctx* wire = (call.remote ? call.may_send : from.instrumented && !call.database) ? &outgoing : &kNoCtx;
        const bool sent = call.remote && wire->valid();
        std::optional<Ctx> rewritten;  // only a flags-dropping hop needs a changed copy
        if (sent && call.fault == HopFault::FlagsDropped) {
            rewritten = *wire;
            rewritten->flags = static_cast<uint8_t>(rewritten->flags & ~1u);
            wire = &*rewritten;
        }
        const bool extracted = call.extract_ok && wire->valid();
        const RunService& to = t_.services[call.callee];

        const int64_t d_out = call.network_fixed ? call.network_ns : ms_to_ns(draw_ms(*call.network, rng_, true));
        const int64_t arrive = t + d_out;
        hops_[hop_index] = Hop{.request = request_,
                               .caller_op = caller_op,
                               .callee_op = static_cast<int32_t>(n_ops_),
                               .call_index = call.index,
                               .fault = call.fault,
                               .transport = call.transport,
                               .caller_instrumented = from.instrumented,
                               .callee_instrumented = to.instrumented,
                               .header_sent = sent,
                               .extracted = extracted,
                               .trace_id = sent ? wire->trace : TraceId{},
                               .parent_id = sent ? wire->span : SpanId{},
                               .flags = sent ? wire->flags : uint8_t{0},
                               .tracestate = sent ? wire->tracestate : 0,
                               .client_span = client.span_index,
                               .send_ns = request_start_ + t,
                               .receive_ns = request_start_ + arrive,
                               .caller_role = from.role,
                               .callee_role = to.role};

        const Ctx& callee_in = extracted ? *wire : kNoCtx;
        int64_t resume = 0;
        if (call.queue) {
            // Fire and forget: publishing takes the network delay; the consumer runs on its own time.
            operation(call.callee, caller_op, hop_index, arrive + d_out, callee_in, true, extracted, depth);
            resume = arrive;
        } else {
            const int64_t callee_end =
                operation(call.callee, caller_op, hop_index, arrive, callee_in, call.remote, false, depth);
            const int64_t d_back = call.network_fixed ? call.network_ns : ms_to_ns(draw_ms(*call.network, rng_, true));
            resume = callee_end + d_back;
        }
        if (client.span_index >= 0) {
            // A database call's CLIENT span is the only record of the database's work: it takes the operation's
            // place (no ghost for it) and its status (the query failed).
            const int32_t callee_op = hops_[hop_index].callee_op;
            const bool failed = call.database && ops_[callee_op].error;
            if (call.database) ops_[callee_op].span = client.span_index;
            write_span(client, current.span, call.client_name, from, call.client_kind, failed, t, resume, client_attrs,
                       0, 0, 0, 0, call.database ? callee_op : -1);
        }
        return resume;
    }

    const Engine::Plan& plan_;
    const RunTables& t_;
    const HeadSampler* sampler_;
    StringPool& pool_;
    Rng rng_;
    IdGenerator ids_;
    Span* spans_;
    Attribute* attrs_;
    SpanEvent* events_;
    SpanLink* links_;
    Operation* ops_;
    Hop* hops_;
    uint32_t* first_op_;
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

// Interns every name in the Run's pool (always in the same order, so string ids are reproducible) and folds
// this run's options into per-service and per-call tables.
void build_tables(const Engine::Plan& p, const EngineOptions& opt, bool client_spans, Run& out, RunTables& t) {
    auto& pool = out.observed.strings;
    const bool jitter = opt.jitter;
    std::vector<StrId> publish_name;
    std::vector<std::vector<Attribute>> attrs;
    t.scope = pool.intern("tracelab.sim");
    t.services.resize(p.services.size());
    for (size_t i = 0; i < p.services.size(); ++i) {
        const PlanService& ps = p.services[i];
        RunService& s = t.services[i];
        s.name = pool.intern(ps.name);
        s.span_name = pool.intern(ps.span_name);
        publish_name.push_back(pool.intern(ps.publish_name));
        s.resource = out.observed.resource_for(s.name);
        auto& a = attrs.emplace_back();
        for (const auto& [k, v] : ps.attributes) a.push_back(Attribute{pool.intern(k), literal_value(pool, v)});
        s.kind = ps.kind;
        s.instrumented = ps.instrumented;
        s.forwards = ps.forwards;
        s.role = ps.role;
        s.parallel = ps.parallel;
        s.own_fixed = !jitter || is_fixed(ps.own);
        s.own_ns = ps.own_ns;
        s.before_ns = static_cast<int64_t>(static_cast<double>(ps.own_ns) * ps.work_before + 0.5);
        s.work_before = ps.work_before;
        s.error_rate = ps.error_rate;
        s.clock_ns = opt.epoch_unix_ns + ps.skew_ns;
        s.own = &ps.own;
    }
    const StrId k_status_http = pool.intern("http.response.status_code");
    const StrId k_status_grpc = pool.intern("rpc.grpc.status_code");
    const StrId k_server_address = pool.intern("server.address");
    const StrId k_msg_op = pool.intern("messaging.operation.type");
    t.k_msg_dest = pool.intern("messaging.destination.name");
    const StrId v_publish = pool.intern("publish");
    const StrId k_exc_type = pool.intern("exception.type");
    const StrId k_exc_msg = pool.intern("exception.message");
    const StrId v_exc_type = pool.intern("SimulatedError");
    t.v_exc_msg = pool.intern("the operation failed (simulated error)");
    t.e_exception = pool.intern("exception");

    t.attr_blocks.clear();
    t.calls.clear();
    for (size_t i = 0; i < p.services.size(); ++i) {
        const PlanService& ps = p.services[i];
        RunService& s = t.services[i];
        for (const bool error : {false, true}) {
            (error ? s.err_attrs : s.ok_attrs) = static_cast<uint32_t>(t.attr_blocks.size());
            t.attr_blocks.insert(t.attr_blocks.end(), attrs[i].begin(), attrs[i].end());
            if (ps.http_server)
                t.attr_blocks.push_back(Attribute{k_status_http, AttrValue::integer(error ? 500 : 200)});
            if (ps.grpc_server) t.attr_blocks.push_back(Attribute{k_status_grpc, AttrValue::integer(error ? 2 : 0)});
            if (error) {
                t.attr_blocks.push_back(Attribute{k_exc_type, AttrValue::str(v_exc_type)});
                t.attr_blocks.push_back(Attribute{k_exc_msg, AttrValue::str(t.v_exc_msg)});
            }
            (error ? s.err_count : s.ok_count) =
                static_cast<uint32_t>(t.attr_blocks.size()) - (error ? s.err_attrs : s.ok_attrs);
        }
        if (ps.role == ServiceRole::Database) {
            s.db_attrs = static_cast<uint32_t>(t.attr_blocks.size());
            for (const auto& [k, v] : ps.client_attributes)
                t.attr_blocks.push_back(Attribute{pool.intern(k), literal_value(pool, v)});
            s.db_attr_count = static_cast<uint32_t>(ps.client_attributes.size());
        }
    }
    for (size_t i = 0; i < p.services.size(); ++i) {
        const PlanService& ps = p.services[i];
        RunService& s = t.services[i];
        s.call_begin = static_cast<uint32_t>(t.calls.size());
        for (const PlanCall& pc : ps.calls) {
            RunCall c;
            const PlanService& callee = p.services[pc.callee];
            // A proxy that forwards headers passes the context on as if it were not there.
            const bool callee_continues = callee.instrumented || callee.forwards;
            c.callee = pc.callee;
            c.index = pc.index;
            c.transport = pc.transport;
            c.fault = pc.fault;
            c.database = callee.role == ServiceRole::Database;
            // Database protocols carry no traceparent: the call is recorded on the caller's side only.
            c.remote = pc.transport != Transport::InProcess && !c.database;
            c.queue = pc.transport == Transport::Queue && !c.database;
            const bool tracing_transport = ps.instrumented && pc.fault != HopFault::NoInject;
            c.client_span = (c.remote || c.database) && tracing_transport && (client_spans || c.queue || c.database);
            c.may_send = c.remote && (tracing_transport || ps.forwards) && pc.fault != HopFault::NoHeadersOnMessage;
            // A forwarding proxy has no handler to wrap: no-extract cannot act on the hop into it.
            c.extract_ok = callee.forwards || (callee_continues && (!c.remote || pc.fault != HopFault::NoExtract));
            c.db_attrs = t.services[pc.callee].db_attrs;
            c.db_attr_count = t.services[pc.callee].db_attr_count;
            c.network_fixed = !jitter || pc.network_fixed;
            c.client_kind = c.queue ? SpanKind::Producer : SpanKind::Client;
            c.callee_name = t.services[pc.callee].name;
            // The caller cannot see a proxy: its client span is named after the operation it asked for, behind it.
            uint32_t target = pc.callee;
            for (size_t hops = 0; hops < p.services.size(); ++hops) {
                const PlanService& t_svc = p.services[target];
                const bool proxy = t_svc.role == ServiceRole::Proxy || t_svc.role == ServiceRole::HeaderStrippingProxy;
                if (!proxy || t_svc.calls.empty()) break;
                target = t_svc.calls.front().callee;
            }
            c.client_name = c.queue ? publish_name[pc.callee] : t.services[target].span_name;
            c.client_key = c.queue ? k_msg_op : k_server_address;
            c.client_value = c.queue ? v_publish : c.callee_name;
            c.network_ns = pc.network_ns;
            c.network = &pc.network;
            t.calls.insert(t.calls.end(), static_cast<size_t>(pc.repeat), c);
        }
        s.call_count = static_cast<uint32_t>(t.calls.size()) - s.call_begin;
    }
}

}  // namespace

void Engine::run(const EngineOptions& options, Run& out) const {
    const Plan& p = *plan_;
    out.seed = options.seed;
    out.epoch_unix_ns = options.epoch_unix_ns;
    out.observed.resources.clear();
    const bool client_spans = options.client_spans < 0 ? p.client_spans : options.client_spans != 0;
    RunTables tables;
    build_tables(p, options, client_spans, out, tables);

    // Size every array for the whole run up front: records are then written in place, each once. Arrays of a
    // reused Run are not cleared first; every field of every kept record is overwritten.
    const size_t n = p.runnable ? options.requests : 0;
    const RequestBounds& b = p.bounds;
    out.ops.resize(n * b.ops);
    out.hops.resize(n * (b.ops - 1));
    out.request_first_op.resize(n);
    out.observed.spans.resize(n * b.spans[client_spans]);
    out.observed.attributes.resize(n * b.attributes[client_spans]);
    out.observed.events.resize(n * b.events);
    out.observed.links.resize(n * b.links);

    Walker walker(p, options, out, tables);
    for (uint32_t r = 0; r < n; ++r) walker.request(r);
    // Sampling and errors vary per request: keep what was written.
    out.observed.spans.resize(walker.n_spans_);
    out.observed.attributes.resize(walker.n_attrs_);
    out.observed.events.resize(walker.n_events_);
    out.observed.links.resize(walker.n_links_);
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

// Every hop that did not carry the caller's trace gets a reason and what followed from it; a remote hop that
// worked gets "". In-process hops never send a header, so even a working one says why none was needed.
std::string Hop::explanation() const {
    const bool in_process = transport == Transport::InProcess;
    const bool queue = transport == Transport::Queue;
    // What the callee did without the caller's context.
    const std::string after = callee_instrumented
                                  ? (queue ? " The consumer starts a new trace." : " The callee starts a new trace.")
                                  : " The called service is not instrumented, so it records nothing.";
    if (callee_role == ServiceRole::Database) {
        if (!caller_instrumented || fault == HopFault::NoInject)
            return "Database call: the database runs no tracing SDK, and nothing on the caller's side recorded this "
                   "query, so its time is hidden inside the caller's span.";
        return "Database call: no traceparent is sent, as the database runs no tracing SDK. The caller's "
               "instrumentation recorded the query as a CLIENT span of the caller's service, so its time is in the "
               "trace.";
    }
    if (caller_role == ServiceRole::HeaderStrippingProxy)
        return "No traceparent was sent: the proxy drops every header it does not know, traceparent among them." +
               after;
    // A proxy runs no tracing code: the modes that act on an SDK's client or handler have nothing to act on.
    const std::string no_effect =
        std::string(" The ") + to_string(fault) + " mode acts on an application's tracing code: here it has no effect.";
    if (caller_role == ServiceRole::Proxy) {
        const bool inert = fault == HopFault::NoInject || fault == HopFault::CtxDropped;
        if (header_sent && extracted)
            return inert ? "The proxy passes the traceparent on as it came, whatever the caller's code does." + no_effect
                         : "";
        if (header_sent) return "The proxy passed the traceparent on untouched, but it was not used." + after;
        return "The proxy forwards headers untouched, but the request reached it without a traceparent, so there "
               "was nothing to pass on." +
               after;
    }
    if (callee_role == ServiceRole::Proxy && fault == HopFault::NoExtract && header_sent)
        return "The proxy has no tracing handler to wrap: it forwards the traceparent untouched." + no_effect;
    if (callee_role == ServiceRole::HeaderStrippingProxy && header_sent)
        return "The traceparent reached a proxy that removes headers it does not recognise before forwarding the "
               "request: it records nothing, and what it calls starts a new trace.";
    if (in_process) {
        if (!caller_instrumented)
            return "In-process call: no traceparent is involved, and the calling code is not instrumented, so it has "
                   "no trace context to hand on." +
                   after;
        if (fault == HopFault::CtxDropped)
            return "In-process call: no traceparent is involved, and the caller's code passed a fresh (background) "
                   "context instead of the request's." +
                   after;
        if (!callee_instrumented)
            return "In-process call: no traceparent is needed, as the context is handed over in memory; but the "
                   "called code is not instrumented, so nothing reads it and what it calls starts new traces.";
        std::string s =
            "In-process call: no traceparent is needed. The context passes in memory within one process, so the "
            "callee's span continues its caller's trace.";
        if (fault != HopFault::Ok)
            s += std::string(" The ") + to_string(fault) +
                 " mode only acts on calls over the network: here it has no effect.";
        return s;
    }
    if (!caller_instrumented)
        return "No traceparent was sent: the calling service is not instrumented, so it records no spans and forwards "
               "no trace context." +
               after;
    if (!header_sent) {
        switch (fault) {
            case HopFault::NoInject:
                return std::string(queue ? "No traceparent was sent: the producer publishes without the tracing "
                                           "library, so nothing puts trace context on the message."
                                         : "No traceparent was sent: the client makes the call without the tracing "
                                           "transport, so nothing injects the header.") +
                       after;
            case HopFault::CtxDropped:
                return "No traceparent was sent: the caller's code passed a fresh (background) context instead of "
                       "the request's, so there was no trace context to inject." +
                       after;
            case HopFault::NoHeadersOnMessage:
                return std::string(queue ? "No traceparent was sent: the message was published without trace "
                                           "context in its headers."
                                         : "No traceparent was sent: the request went out without trace context in "
                                           "its headers.") +
                       after;
            case HopFault::Ok:
            case HopFault::NoExtract:
            case HopFault::FlagsDropped:
                break;
        }
        return "No traceparent was sent: the caller had no trace context to pass on." + after;
    }
    if (!extracted) {
        if (!callee_instrumented)
            return "The traceparent arrived, but the called service is not instrumented: nothing read it, and "
                   "nothing below it joins this trace.";
        if (fault == HopFault::NoExtract)
            return std::string(queue ? "The traceparent arrived on the message, but the consumer's handler is not "
                                       "wrapped by tracing, so it was ignored."
                                     : "The traceparent arrived, but the server's handler is not wrapped by tracing "
                                       "middleware, so it was ignored.") +
                   after;
        return "The traceparent arrived but was not used." + after;
    }
    if (fault == HopFault::CtxDropped)
        return std::string("The caller's code passed a fresh (background) context instead of the request's, so its ") +
               (queue ? "producer" : "client") +
               " span started a new trace: the traceparent on the wire carries that new trace, not the request's.";
    if (fault == HopFault::FlagsDropped)
        return "The traceparent arrived with the sampled flag cleared. A parent-based sampler (the SDK default) "
               "follows "
               "it, so the callee and everything below it record nothing: only the part above this hop is kept.";
    return "";
}

}  // namespace tl
