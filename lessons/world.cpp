// Goal predicates over a LessonWorld, span selectors, lesson actions, and their JSON readers.
// [SECTION] Names  [SECTION] Span selectors  [SECTION] Goals  [SECTION] Actions  [SECTION] Reading JSON
#include "lessons/world.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <sstream>

namespace tl::lessons {

// [SECTION] Names

namespace {
struct GoalName {
    GoalKind kind;
    const char* name;
};
constexpr GoalName kGoalNames[] = {
    {GoalKind::SelectedSpanIs, "selected_span_is"},
    {GoalKind::TraceCount, "trace_count"},
    {GoalKind::RootDurationMs, "root_duration_ms"},
    {GoalKind::SlowestServiceIs, "slowest_service_is"},
    {GoalKind::ServiceLatency, "service_latency"},
    {GoalKind::ServiceDurationMs, "service_duration_ms"},
    {GoalKind::ErrorRate, "error_rate"},
    {GoalKind::TraceHasError, "trace_has_error"},
    {GoalKind::HopFaultIs, "hop_fault_is"},
    {GoalKind::ServiceInstrumented, "service_instrumented"},
    {GoalKind::AllHopsOk, "all_hops_ok"},
    {GoalKind::HeadSamplerIs, "head_sampler_is"},
    {GoalKind::HeadSamplingRatioNear, "head_sampling_ratio_near"},
    {GoalKind::PanelOpen, "panel_open"},
    {GoalKind::ConsoleSeen, "console_seen"},
    {GoalKind::GhostsOn, "ghosts_on"},
    {GoalKind::ScenarioIs, "scenario_is"},
    {GoalKind::SpanCount, "span_count"},
    {GoalKind::AnswerIs, "answer_is"},
    {GoalKind::CallBatched, "call_batched"},
    {GoalKind::ClientSpans, "client_spans"},
    {GoalKind::LiveTailShown, "live_tail_shown"},
    {GoalKind::All, "all"},
    {GoalKind::Any, "any"},
    {GoalKind::Not, "not"},
};

struct ActionName {
    ActionKind kind;
    const char* name;
};
constexpr ActionName kActionNames[] = {
    {ActionKind::LoadScenario, "load_scenario"},
    {ActionKind::SetLatency, "set_latency"},
    {ActionKind::SetJitter, "set_jitter"},
    {ActionKind::SetErrorRate, "set_error_rate"},
    {ActionKind::SetHopFault, "set_hop_fault"},
    {ActionKind::SetInstrumented, "set_instrumented"},
    {ActionKind::SetParallel, "set_parallel"},
    {ActionKind::SelectSpan, "select_span"},
    {ActionKind::ClearSelection, "clear_selection"},
    {ActionKind::SetHeadSampler, "set_head_sampler"},
    {ActionKind::OpenPanel, "open_panel"},
    {ActionKind::SetGhosts, "set_ghosts"},
    {ActionKind::SetClientSpans, "set_client_spans"},
    {ActionKind::SetBatched, "set_batched"},
    {ActionKind::SetClockSkew, "set_clock_skew"},
    {ActionKind::RandomFault, "random_fault"},
    {ActionKind::RandomSlowService, "random_slow_service"},
    {ActionKind::RandomErrorService, "random_error_service"},
    {ActionKind::RandomSkew, "random_skew"},
    {ActionKind::Answer, "answer"},
    {ActionKind::RepairAllHops, "repair_all_hops"},
    {ActionKind::PlayLive, "play_live"},
    {ActionKind::OpenLiveTail, "open_live_tail"},
};

constexpr const char* kCompareNames[] = {"==", "!=", "<", "<=", ">", ">="};

template <class Table>
std::string list_names(const Table& table) {
    std::string out;
    for (const auto& e : table) {
        if (!out.empty()) out += ", ";
        out += e.name;
    }
    return out;
}
}  // namespace

const char* to_string(GoalKind k) {
    for (const auto& e : kGoalNames)
        if (e.kind == k) return e.name;
    return "?";
}

const char* to_string(ActionKind k) {
    for (const auto& e : kActionNames)
        if (e.kind == k) return e.name;
    return "?";
}

const char* to_string(Compare c) {
    return kCompareNames[static_cast<int>(c)];
}

std::optional<Compare> parse_compare(std::string_view s) {
    for (int i = 0; i < 6; ++i)
        if (s == kCompareNames[i]) return static_cast<Compare>(i);
    return std::nullopt;
}

bool compare(double lhs, Compare op, double rhs) {
    switch (op) {
        case Compare::Eq:
            return std::fabs(lhs - rhs) <= 1e-9 * std::max(1.0, std::fabs(rhs));
        case Compare::Ne:
            return !compare(lhs, Compare::Eq, rhs);
        case Compare::Lt:
            return lhs < rhs;
        case Compare::Le:
            return lhs <= rhs;
        case Compare::Gt:
            return lhs > rhs;
        case Compare::Ge:
            return lhs >= rhs;
    }
    return false;
}

bool LessonWorld::panel_visible(std::string_view name) const {
    return std::find(visible_panels.begin(), visible_panels.end(), name) != visible_panels.end();
}

bool is_head_sampler(std::string_view name) {
    return std::any_of(std::begin(kHeadSamplers), std::end(kHeadSamplers), [&](const char* s) { return name == s; });
}

// [SECTION] Span selectors

namespace {
bool have_spans(const LessonWorld& w) {
    return w.run != nullptr && !w.run->observed.spans.empty();
}

// The nearest calling operation that recorded a span, or -1.
int recorded_ancestor(const Run& run, int op) {
    int p = run.ops[static_cast<size_t>(op)].parent;
    while (p >= 0 && run.ops[static_cast<size_t>(p)].span < 0) p = run.ops[static_cast<size_t>(p)].parent;
    return p;
}
}  // namespace

int slowest_span(const LessonWorld& w) {
    if (!have_spans(w) || w.analysis == nullptr) return -1;
    const auto& self = w.analysis->self_ns;
    int best = -1;
    for (size_t i = 0; i < self.size() && i < w.run->observed.spans.size(); ++i)
        if (best < 0 || self[i] > self[static_cast<size_t>(best)]) best = static_cast<int>(i);
    return best;
}

int root_span(const LessonWorld& w) {
    if (!have_spans(w) || w.run->request_first_op.empty()) return -1;
    return w.run->ops[w.run->request_first_op[0]].span;
}

std::vector<int> context_break_spans(const LessonWorld& w) {
    std::vector<int> out;
    if (!have_spans(w)) return out;
    const Run& run = *w.run;
    const auto& spans = run.observed.spans;
    auto add = [&](int s) {
        if (s >= 0 && std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
    };
    for (size_t i = 0; i < run.ops.size(); ++i) {
        const Operation& op = run.ops[i];
        if (op.span < 0) continue;
        const int caller = recorded_ancestor(run, static_cast<int>(i));
        if (caller < 0) continue;
        const int caller_span = run.ops[static_cast<size_t>(caller)].span;
        const TraceId caller_trace = spans[static_cast<size_t>(caller_span)].trace_id;
        if (spans[static_cast<size_t>(op.span)].trace_id == caller_trace) continue;
        // The span whose child went missing comes first: the client/producer span when it stayed in the
        // caller's trace, else the caller's own span.
        const int client = op.hop >= 0 ? run.hops[static_cast<size_t>(op.hop)].client_span : -1;
        const bool client_stayed = client >= 0 && spans[static_cast<size_t>(client)].trace_id == caller_trace;
        add(client_stayed ? client : caller_span);
        add(client_stayed ? caller_span : client);
        add(op.span);
    }
    return out;
}

bool span_matches(const LessonWorld& w, int span, const SpanSelector& sel) {
    if (!have_spans(w) || span < 0 || static_cast<size_t>(span) >= w.run->observed.spans.size()) return false;
    if (sel.empty()) return false;
    if (!sel.special.empty()) {
        if (sel.special == "slowest") return span == slowest_span(w);
        if (sel.special == "root") return span == root_span(w);
        if (sel.special == "error") return w.run->observed.spans[static_cast<size_t>(span)].status == StatusCode::Error;
        if (sel.special == "dropped_context_hop") {
            const auto b = context_break_spans(w);
            return std::find(b.begin(), b.end(), span) != b.end();
        }
        return false;
    }
    const TraceStore& store = w.run->observed;
    const Span& s = store.spans[static_cast<size_t>(span)];
    if (!sel.service.empty() && store.str(s.service) != sel.service) return false;
    if (!sel.name.empty() && store.str(s.name) != sel.name) return false;
    if (sel.kind && s.kind != *sel.kind) return false;
    if (sel.has_link && (s.link_count > 0) != *sel.has_link) return false;
    return true;
}

int resolve_span(const LessonWorld& w, const SpanSelector& sel) {
    if (!have_spans(w)) return -1;
    if (sel.special == "slowest") return slowest_span(w);
    if (sel.special == "root") return root_span(w);
    const auto& spans = w.run->observed.spans;
    if (sel.special == "error") {
        for (size_t i = 0; i < spans.size(); ++i)
            if (spans[i].status == StatusCode::Error) return static_cast<int>(i);
        return -1;
    }
    if (sel.special == "dropped_context_hop") {
        // The span whose child went missing: the first break's caller side.
        const auto b = context_break_spans(w);
        return b.empty() ? -1 : b.front();
    }
    int best = -1;
    for (size_t i = 0; i < spans.size(); ++i) {
        if (!span_matches(w, static_cast<int>(i), sel)) continue;
        if (best < 0 || spans[i].start_ns < spans[static_cast<size_t>(best)].start_ns) best = static_cast<int>(i);
    }
    return best;
}

// [SECTION] Goals

namespace {
double root_duration_ms(const LessonWorld& w) {
    const int r = root_span(w);
    if (r >= 0) return static_cast<double>(w.run->observed.spans[static_cast<size_t>(r)].duration_ns()) / 1e6;
    if (w.run == nullptr || w.run->request_first_op.empty()) return -1.0;
    const Operation& op = w.run->ops[w.run->request_first_op[0]];
    return static_cast<double>(op.end_ns - op.start_ns) / 1e6;
}

bool hop_fault_is(const Scenario& s, std::string_view from, std::string_view to, HopFault f) {
    const Service* caller = s.service(from);
    if (caller == nullptr) return false;
    bool found = false;
    for (const Call& c : caller->calls) {
        if (c.to != to) continue;
        found = true;
        if (c.fault != f) return false;
    }
    return found;
}

bool all_hops_ok(const Scenario& s) {
    for (const Service& svc : s.services) {
        if (!svc.instrumented) return false;
        for (const Call& c : svc.calls)
            if (c.fault != HopFault::Ok) return false;
    }
    return true;
}

bool ratio_sampler(std::string_view name) {
    return name == "ratio" || name == "parent-ratio" || name == "probability";
}
}  // namespace

bool goal_holds(const Goal& g, const LessonWorld& w) {
    const Scenario* sc = w.scenario;
    const Service* svc = (sc != nullptr && !g.service.empty()) ? sc->service(g.service) : nullptr;
    switch (g.kind) {
        case GoalKind::SelectedSpanIs:
            return span_matches(w, w.selected_span, g.span);
        case GoalKind::TraceCount:
            return w.analysis != nullptr && compare(static_cast<double>(w.analysis->traces.size()), g.op, g.value);
        case GoalKind::RootDurationMs: {
            const double ms = root_duration_ms(w);
            return ms >= 0.0 && compare(ms, g.op, g.value);
        }
        case GoalKind::SlowestServiceIs: {
            const int s = slowest_span(w);
            return s >= 0 && w.run->observed.str(w.run->observed.spans[static_cast<size_t>(s)].service) == g.service;
        }
        case GoalKind::ServiceLatency:
            return svc != nullptr && compare(svc->own.ms, g.op, g.value);
        case GoalKind::ServiceDurationMs: {
            if (sc == nullptr || w.run == nullptr) return false;
            const int idx = sc->find_service(g.service);
            for (const Operation& op : w.run->ops)
                if (static_cast<int>(op.service) == idx)
                    return compare(static_cast<double>(op.end_ns - op.start_ns) / 1e6, g.op, g.value);
            return false;
        }
        case GoalKind::ErrorRate:
            return svc != nullptr && compare(svc->error_rate, g.op, g.value);
        case GoalKind::TraceHasError: {
            if (w.run == nullptr) return false;
            const auto& spans = w.run->observed.spans;
            const bool any =
                std::any_of(spans.begin(), spans.end(), [](const Span& s) { return s.status == StatusCode::Error; });
            return any == g.flag;
        }
        case GoalKind::HopFaultIs:
            return sc != nullptr && hop_fault_is(*sc, g.from, g.to, g.fault);
        case GoalKind::ServiceInstrumented:
            return svc != nullptr && svc->instrumented == g.flag;
        case GoalKind::AllHopsOk:
            return sc != nullptr && all_hops_ok(*sc);
        case GoalKind::HeadSamplerIs:
            return w.head_sampler == g.sampler;
        case GoalKind::HeadSamplingRatioNear:
            return ratio_sampler(w.head_sampler) && std::fabs(w.head_ratio - g.value) <= g.tolerance;
        case GoalKind::PanelOpen:
            return w.panel_visible(g.panel);
        case GoalKind::ConsoleSeen:
            return w.console_seen;
        case GoalKind::GhostsOn:
            return w.ghosts_on == g.flag;
        case GoalKind::ScenarioIs:
            return sc != nullptr && sc->id == g.scenario;
        case GoalKind::SpanCount: {
            if (w.run == nullptr) return false;
            size_t n = 0;
            for (size_t i = 0; i < w.run->observed.spans.size(); ++i)
                n += g.span.empty() || span_matches(w, static_cast<int>(i), g.span) ? 1 : 0;
            return compare(static_cast<double>(n), g.op, g.value);
        }
        case GoalKind::AnswerIs: {
            if (w.answer.empty()) return false;
            const std::string expected = g.expect.starts_with('$') ? answer_key_value(g.expect, w) : g.expect;
            return !expected.empty() && answer_matches(w.answer, expected, g.tolerance);
        }
        case GoalKind::CallBatched: {
            const Service* caller = sc != nullptr ? sc->service(g.from) : nullptr;
            if (caller == nullptr) return false;
            bool found = false;
            for (const Call& c : caller->calls) {
                if (c.to != g.to) continue;
                found = true;
                if (c.batched != g.flag) return false;
            }
            return found;
        }
        case GoalKind::ClientSpans:
            return sc != nullptr && sc->client_spans == g.flag;
        case GoalKind::LiveTailShown: {
            // Enough live requests for a tail, and the request on screen at or above the quantile.
            if (w.live_root_ms == nullptr || w.live_root_ms->size() < 20) return false;
            std::vector<double> sorted = *w.live_root_ms;
            std::sort(sorted.begin(), sorted.end());
            const auto rank = static_cast<size_t>(std::ceil(g.value * static_cast<double>(sorted.size())));
            const double threshold = sorted[std::min(sorted.size(), std::max<size_t>(rank, 1)) - 1];
            const double ms = root_duration_ms(w);
            return ms >= 0.0 && ms + 1e-9 >= threshold;
        }
        case GoalKind::All:
            return std::all_of(g.children.begin(), g.children.end(), [&](const Goal& c) { return goal_holds(c, w); });
        case GoalKind::Any:
            return std::any_of(g.children.begin(), g.children.end(), [&](const Goal& c) { return goal_holds(c, w); });
        case GoalKind::Not:
            return !g.children.empty() && !goal_holds(g.children.front(), w);
    }
    return false;
}

// [SECTION] Answers and feedback

namespace {
std::string trimmed_lower(std::string_view s) {
    const auto b = s.find_first_not_of(" \t\n");
    if (b == std::string_view::npos) return "";
    const auto e = s.find_last_not_of(" \t\n");
    std::string out(s.substr(b, e - b + 1));
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// A number with an optional unit after it ("240", "240 ms", "0x01"); nullopt when the text is not one.
std::optional<double> leading_number(const std::string& t) {
    if (t.empty()) return std::nullopt;
    char* end = nullptr;
    const double v = std::strtod(t.c_str(), &end);
    if (end == t.c_str() || !std::isfinite(v)) return std::nullopt;
    std::string_view rest(end);
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    if (!rest.empty() && rest != "ms" && rest != "%") return std::nullopt;
    return v;
}

std::string ms_text(int64_t ns) {
    std::ostringstream o;
    o.setf(std::ios::fixed);
    o.precision(ns % 1'000'000 == 0 ? 0 : 1);
    o << static_cast<double>(ns) / 1e6;
    return o.str();
}

const Call* first_broken_call(const Scenario& s, const Service** caller) {
    for (const Service& svc : s.services)
        for (const Call& c : svc.calls)
            if (c.fault != HopFault::Ok) {
                *caller = &svc;
                return &c;
            }
    return nullptr;
}

// Finds the first goal of `kind` in `g` or below its all/any children.
const Goal* find_goal(const Goal& g, GoalKind kind) {
    if (g.kind == kind) return &g;
    if (g.kind == GoalKind::All || g.kind == GoalKind::Any)
        for (const Goal& c : g.children)
            if (const Goal* f = find_goal(c, kind)) return f;
    return nullptr;
}
}  // namespace

std::string answer_key_value(std::string_view key, const LessonWorld& w) {
    const Scenario* sc = w.scenario;
    if (key == "$broken_hop_fault" || key == "$broken_hop_callee") {
        const Service* caller = nullptr;
        const Call* c = sc != nullptr ? first_broken_call(*sc, &caller) : nullptr;
        if (c == nullptr) return "";
        return key == "$broken_hop_fault" ? to_string(c->fault) : c->to;
    }
    if (key == "$slow_service") {
        const int s = slowest_span(w);
        return s < 0 ? "" : std::string(w.run->observed.str(w.run->observed.spans[static_cast<size_t>(s)].service));
    }
    if (key == "$error_service" || key == "$skewed_service") {
        if (sc == nullptr) return "";
        for (const Service& svc : sc->services)
            if (key == "$error_service" ? svc.error_rate > 0 : svc.clock_skew_ms != 0) return svc.name;
        return "";
    }
    if (key == "$trace_count") return w.analysis == nullptr ? "" : std::to_string(w.analysis->traces.size());
    if (key == "$root_flags") {
        const int r = root_span(w);
        if (r < 0) return "";
        constexpr char kHex[] = "0123456789abcdef";
        const uint8_t f = w.run->observed.spans[static_cast<size_t>(r)].flags;
        return std::string{kHex[f >> 4], kHex[f & 0xF]};
    }
    if (key == "$error_trace_prefix") {
        if (w.run == nullptr) return "";
        for (const Span& sp : w.run->observed.spans)
            if (sp.status == StatusCode::Error) return to_hex(sp.trace_id).substr(0, 8);
        return "";
    }
    if (key == "$span_count") return w.run == nullptr ? "" : std::to_string(w.run->observed.spans.size());
    if (key == "$proxy_gap_ms") {
        if (w.run == nullptr) return "";
        const Run& run = *w.run;
        for (const Hop& out : run.hops) {
            if (out.caller_role != ServiceRole::Proxy || out.request != 0) continue;
            const Operation& proxy = run.ops[static_cast<size_t>(out.caller_op)];
            const int32_t in_hop = proxy.hop;
            const int32_t server = run.ops[static_cast<size_t>(out.callee_op)].span;
            if (in_hop < 0 || server < 0) return "";
            const int32_t client = run.hops[static_cast<size_t>(in_hop)].client_span;
            if (client < 0) return "";
            const int64_t gap = run.observed.spans[static_cast<size_t>(client)].duration_ns() -
                                run.observed.spans[static_cast<size_t>(server)].duration_ns();
            std::ostringstream o;
            o << static_cast<double>(gap) / 1e6;
            return o.str();
        }
        return "";
    }
    if (key == "$root_duration_ms") {
        const double ms = root_duration_ms(w);
        if (ms < 0) return "";
        std::ostringstream o;
        o << ms;
        return o.str();
    }
    return "";
}

bool answer_matches(std::string_view answer, std::string_view expected, double tolerance) {
    const std::string a = trimmed_lower(answer), e = trimmed_lower(expected);
    if (a.empty() || e.empty()) return false;
    const auto na = leading_number(a), ne = leading_number(e);
    if (na && ne) return std::fabs(*na - *ne) <= std::max(tolerance, 1e-9 * std::max(1.0, std::fabs(*ne)));
    return a == e;
}

std::string wrong_pick_feedback(const Goal& g, const LessonWorld& w) {
    if (goal_holds(g, w)) return "";
    if (const Goal* pick = find_goal(g, GoalKind::SelectedSpanIs)) {
        const int s = w.selected_span;
        if (s < 0 || !have_spans(w) || w.analysis == nullptr || span_matches(w, s, pick->span)) return "";
        const TraceStore& store = w.run->observed;
        const Span& sp = store.spans[static_cast<size_t>(s)];
        const std::string name(store.str(sp.name));
        const int64_t dur = sp.duration_ns();
        const int64_t self =
            static_cast<size_t>(s) < w.analysis->self_ns.size() ? w.analysis->self_ns[static_cast<size_t>(s)] : dur;
        if (pick->span.special == "dropped_context_hop")
            return name +
                   " is not where the context was lost: the spans below it carry its trace id. Follow the "
                   "request down to the span whose child went missing, or to the span that starts a new "
                   "trace.";
        if (pick->span.special == "root")
            return name +
                   " has a parent (its parent id is set). The root is the span without one, at the top of "
                   "the trace.";
        if (dur - self > self)
            return name + " lasts " + ms_text(dur) + " ms, but " + ms_text(dur - self) +
                   " ms of that is its children's time: its self time is only " + ms_text(self) +
                   " ms. Look at self time.";
        return name + " spends " + ms_text(self) +
               " ms on its own work. Another span fits better: compare self "
               "times and what each span stands for.";
    }
    if (const Goal* ask = find_goal(g, GoalKind::AnswerIs)) {
        if (w.answer.empty() || goal_holds(*ask, w)) return "";
        return "\"" + w.answer + "\" is not what this world shows. Look again at the trace, or take a hint.";
    }
    return "";
}

// [SECTION] Actions

bool is_scenario_action(const LessonAction& a) {
    switch (a.kind) {
        case ActionKind::LoadScenario:
        case ActionKind::SetLatency:
        case ActionKind::SetJitter:
        case ActionKind::SetErrorRate:
        case ActionKind::SetHopFault:
        case ActionKind::SetInstrumented:
        case ActionKind::SetParallel:
        case ActionKind::SetClientSpans:
        case ActionKind::SetBatched:
        case ActionKind::SetClockSkew:
        case ActionKind::RandomFault:
        case ActionKind::RandomSlowService:
        case ActionKind::RandomErrorService:
        case ActionKind::RandomSkew:
        case ActionKind::RepairAllHops:
            return true;
        default:
            return false;
    }
}

namespace {
// splitmix64: a well-mixed draw from the seed and a salt, so each random action picks independently.
uint64_t mix(uint64_t seed, uint64_t salt) {
    uint64_t z = seed + 0x9E3779B97F4A7C15ULL * (salt + 1);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

// Hops that can carry trace context: an application calling an application over the network.
std::vector<std::string> context_hops(const Scenario& s) {
    std::vector<std::string> out;
    for (const Service& svc : s.services) {
        if (!records_spans(svc)) continue;
        for (const Call& c : svc.calls) {
            const Service* to = s.service(c.to);
            const std::string hop = svc.name + "->" + c.to;
            if (to != nullptr && records_spans(*to) && c.transport != Transport::InProcess &&
                std::find(out.begin(), out.end(), hop) == out.end())
                out.push_back(hop);
        }
    }
    return out;
}

std::string random_service_edit(Scenario& s, const LessonAction& a, uint64_t seed) {
    if (a.choices.empty()) return "name the services to choose from";
    const std::string& pick = a.choices[mix(seed, static_cast<uint64_t>(a.kind)) % a.choices.size()];
    switch (a.kind) {
        case ActionKind::RandomSlowService:
            return set_own_latency(s, pick, a.value);
        case ActionKind::RandomErrorService:
            return set_error_rate(s, pick, a.value);
        case ActionKind::RandomSkew: {
            Service* svc = s.service(pick);
            if (svc == nullptr) return "unknown service \"" + pick + "\"";
            svc->clock_skew_ms = a.value;
            return "";
        }
        default:
            return "";
    }
}
}  // namespace

std::string apply_scenario_action(Scenario& s, const LessonAction& a, const std::filesystem::path& builtin_dir,
                                  uint64_t seed) {
    switch (a.kind) {
        case ActionKind::LoadScenario: {
            auto loaded = load_scenario(a.scenario, builtin_dir);
            if (!loaded) return loaded.error();
            s = std::move(loaded.value());
            return "";
        }
        case ActionKind::SetLatency:
            return set_own_latency(s, a.service, a.value);
        case ActionKind::SetJitter:
            return set_jitter(s, a.service, a.value);
        case ActionKind::SetErrorRate:
            return set_error_rate(s, a.service, a.value);
        case ActionKind::SetHopFault:
            return set_hop_fault(s, a.from, a.to, a.fault);
        case ActionKind::SetInstrumented:
            return set_instrumented(s, a.service, a.flag);
        case ActionKind::SetParallel:
            return set_parallel(s, a.service, a.flag);
        case ActionKind::SetClientSpans:
            s.client_spans = a.flag;
            return "";
        case ActionKind::SetBatched:
            return set_batched(s, a.from, a.to, a.flag);
        case ActionKind::SetClockSkew: {
            Service* svc = s.service(a.service);
            if (svc == nullptr) return "unknown service \"" + a.service + "\"";
            svc->clock_skew_ms = a.value;
            return "";
        }
        case ActionKind::RandomFault: {
            const std::vector<std::string> hops = a.choices.empty() ? context_hops(s) : a.choices;
            if (hops.empty() || a.faults.empty()) return "no hop or fault mode to choose from";
            const std::string& hop = hops[mix(seed, 11) % hops.size()];
            const HopFault f = a.faults[mix(seed, 12) % a.faults.size()];
            return apply_drop_flag(s, hop + "=" + to_string(f));
        }
        case ActionKind::RandomSlowService:
        case ActionKind::RandomErrorService:
        case ActionKind::RandomSkew:
            return random_service_edit(s, a, seed);
        case ActionKind::RepairAllHops:
            for (Service& svc : s.services) {
                if (svc.role == ServiceRole::Application) svc.instrumented = true;
                for (Call& c : svc.calls) c.fault = HopFault::Ok;
            }
            return "";
        default:
            return "";
    }
}

namespace {
std::string describe_selector(const SpanSelector& sel) {
    if (sel.special == "slowest") return "the span with the most time of its own";
    if (sel.special == "root") return "the root span";
    if (sel.special == "dropped_context_hop") return "the span where the context was lost";
    if (sel.special == "error") return "a span with status Error";
    std::string out = "the ";
    if (sel.kind) out += std::string(to_string(*sel.kind)) + " ";
    out += "span";
    if (!sel.name.empty()) out += " \"" + sel.name + "\"";
    if (!sel.service.empty()) out += " of " + sel.service;
    if (sel.has_link) out += *sel.has_link ? " that carries a link" : " without links";
    return out;
}

std::string number_text(double v) {
    std::ostringstream o;
    o << v;
    return o.str();
}
}  // namespace

std::string describe(const LessonAction& a) {
    switch (a.kind) {
        case ActionKind::LoadScenario:
            return "open the \"" + a.scenario + "\" scenario";
        case ActionKind::SetLatency:
            return "set " + a.service + "'s own time to " + number_text(a.value) + " ms";
        case ActionKind::SetJitter:
            return "set " + a.service + "'s jitter to " + number_text(a.value) + " ms";
        case ActionKind::SetErrorRate:
            return "set " + a.service + "'s error rate to " + number_text(a.value);
        case ActionKind::SetHopFault:
            return "set the hop " + a.from + " -> " + a.to + " to \"" + to_string(a.fault) + "\"";
        case ActionKind::SetInstrumented:
            return std::string(a.flag ? "instrument " : "remove the instrumentation from ") + a.service;
        case ActionKind::SetParallel:
            return "make " + a.service + "'s calls " + (a.flag ? "parallel" : "sequential");
        case ActionKind::SelectSpan:
            return "select " + describe_selector(a.span);
        case ActionKind::ClearSelection:
            return "clear the selection";
        case ActionKind::SetHeadSampler:
            return "set the head sampler to \"" + a.sampler + "\"" +
                   (ratio_sampler(a.sampler) ? " with ratio " + number_text(a.value) : "");
        case ActionKind::OpenPanel:
            return "open the " + a.panel + " panel";
        case ActionKind::SetGhosts:
            return std::string(a.flag ? "show" : "hide") + " the ground-truth ghosts";
        case ActionKind::SetClientSpans:
            return std::string(a.flag ? "record" : "stop recording") + " client spans for outgoing calls";
        case ActionKind::SetBatched:
            return std::string(a.flag ? "batch" : "unbatch") + " the calls " + a.from + " -> " + a.to;
        case ActionKind::SetClockSkew:
            return "shift " + a.service + "'s clock by " + number_text(a.value) + " ms";
        case ActionKind::RandomFault:
            return "break one hop's propagation (chosen at random)";
        case ActionKind::RandomSlowService:
            return "slow down one service (chosen at random)";
        case ActionKind::RandomErrorService:
            return "make one service fail (chosen at random)";
        case ActionKind::RandomSkew:
            return "skew one service's clock (chosen at random)";
        case ActionKind::Answer:
            return "answer the step's question";
        case ActionKind::RepairAllHops:
            return "repair every hop and instrument every application";
        case ActionKind::PlayLive:
            return "play live traffic";
        case ActionKind::OpenLiveTail:
            return "open the slowest live request";
    }
    return "";
}

// [SECTION] Reading JSON

namespace {
std::string read_special(const JsonIn& in) {
    std::string s = in.nonempty_str();
    for (const char* k : kSpecialSpans)
        if (s == k) return s;
    in.fail("\"" + s +
            "\" is not a special span (expected slowest, root, dropped_context_hop or error; name a span with "
            "\"service\" and \"name\")");
}

SpanKind read_span_kind(const JsonIn& in) {
    const std::string s = in.str();
    auto k = parse_span_kind(s);
    if (!k) in.fail("unknown span kind \"" + s + "\" (expected server, client, producer, consumer or internal)");
    return *k;
}

// Reads the selector fields of `in` (an action or goal object whose other keys were checked by the caller).
SpanSelector read_selector(const JsonIn& in) {
    SpanSelector sel;
    if (auto s = in.opt("span")) sel.special = read_special(*s);
    if (auto s = in.opt("service")) sel.service = s->nonempty_str();
    if (auto s = in.opt("name")) sel.name = s->nonempty_str();
    if (auto s = in.opt("kind")) sel.kind = read_span_kind(*s);
    if (auto s = in.opt("has_link")) sel.has_link = s->boolean();
    if (sel.empty()) in.fail("name the span with \"span\", \"service\", \"name\", \"kind\" or \"has_link\"");
    if (!sel.special.empty() && (!sel.service.empty() || !sel.name.empty() || sel.kind || sel.has_link))
        in.fail("\"span\" cannot be combined with \"service\", \"name\", \"kind\" or \"has_link\"");
    return sel;
}

HopFault read_fault(const JsonIn& in) {
    const std::string s = in.str();
    auto f = parse_hop_fault(s);
    if (!f) {
        std::string list;
        for (HopFault x : kAllHopFaults) list += std::string(list.empty() ? "" : ", ") + to_string(x);
        in.fail("unknown hop fault \"" + s + "\" (expected one of: " + list + ")");
    }
    return *f;
}

Compare read_compare(const JsonIn& in) {
    const std::string s = in.str();
    auto c = parse_compare(s);
    if (!c) in.fail("unknown comparison \"" + s + "\" (expected ==, !=, <, <=, > or >=)");
    return *c;
}

std::string read_sampler(const JsonIn& in) {
    std::string s = in.str();
    if (!is_head_sampler(s))
        in.fail("unknown head sampler \"" + s + "\" (expected always, never, ratio, parent-ratio or probability)");
    return s;
}

std::string read_panel(const JsonIn& in) {
    std::string s = in.nonempty_str();
    for (char c : s)
        if (!((c >= 'a' && c <= 'z') || c == '-')) in.fail("panel names are lowercase words, found \"" + s + "\"");
    return s;
}

// An answer: a literal, or one of kAnswerKeys.
std::string read_answer(const JsonIn& in) {
    std::string s = in.nonempty_str();
    if (s.starts_with('$') &&
        std::none_of(std::begin(kAnswerKeys), std::end(kAnswerKeys), [&](const char* k) { return s == k; })) {
        std::string keys;
        for (const char* k : kAnswerKeys) keys += std::string(keys.empty() ? "" : ", ") + k;
        in.fail("unknown answer key \"" + s + "\" (expected one of: " + keys + ")");
    }
    return s;
}

std::vector<std::string> read_names(const JsonIn& in) {
    std::vector<std::string> out;
    for (size_t i = 0, n = in.size(); i < n; ++i) out.push_back(in[i].nonempty_str());
    return out;
}

constexpr double kMaxMs = 600000.0;
}  // namespace

Goal parse_goal(const JsonIn& in) {
    in.expect_object();
    const JsonIn type = in.at("type");
    const std::string t = type.str();
    const GoalName* entry = nullptr;
    for (const auto& e : kGoalNames)
        if (t == e.name) entry = &e;
    if (entry == nullptr)
        type.fail("unknown goal type \"" + t + "\" (expected one of: " + list_names(kGoalNames) + ")");
    Goal g;
    g.kind = entry->kind;
    auto compare_fields = [&](double max) {
        g.op = read_compare(in.at("op"));
        g.value = in.at("value").number(0.0, max);
    };
    switch (g.kind) {
        case GoalKind::SelectedSpanIs:
            in.allow_only({"type", "span", "service", "name", "kind", "has_link"});
            g.span = read_selector(in);
            break;
        case GoalKind::TraceCount:
            in.allow_only({"type", "op", "value"});
            compare_fields(1e6);
            break;
        case GoalKind::RootDurationMs:
            in.allow_only({"type", "op", "value"});
            compare_fields(kMaxMs);
            break;
        case GoalKind::SlowestServiceIs:
            in.allow_only({"type", "service"});
            g.service = in.at("service").nonempty_str();
            break;
        case GoalKind::ServiceLatency:
        case GoalKind::ServiceDurationMs:
            in.allow_only({"type", "service", "op", "value"});
            g.service = in.at("service").nonempty_str();
            compare_fields(kMaxMs);
            break;
        case GoalKind::ErrorRate:
            in.allow_only({"type", "service", "op", "value"});
            g.service = in.at("service").nonempty_str();
            compare_fields(1.0);
            break;
        case GoalKind::TraceHasError:
        case GoalKind::GhostsOn:
            in.allow_only({"type", "value"});
            g.flag = in.bool_or("value", true);
            break;
        case GoalKind::HopFaultIs:
            in.allow_only({"type", "from", "to", "fault"});
            g.from = in.at("from").nonempty_str();
            g.to = in.at("to").nonempty_str();
            g.fault = read_fault(in.at("fault"));
            break;
        case GoalKind::ServiceInstrumented:
            in.allow_only({"type", "service", "value"});
            g.service = in.at("service").nonempty_str();
            g.flag = in.bool_or("value", true);
            break;
        case GoalKind::AllHopsOk:
        case GoalKind::ConsoleSeen:
            in.allow_only({"type"});
            break;
        case GoalKind::HeadSamplerIs:
            in.allow_only({"type", "sampler"});
            g.sampler = read_sampler(in.at("sampler"));
            break;
        case GoalKind::HeadSamplingRatioNear:
            in.allow_only({"type", "value", "tolerance"});
            g.value = in.at("value").number(0.0, 1.0);
            g.tolerance = in.at("tolerance").number(0.0, 1.0);
            break;
        case GoalKind::PanelOpen:
            in.allow_only({"type", "panel"});
            g.panel = read_panel(in.at("panel"));
            break;
        case GoalKind::ScenarioIs:
            in.allow_only({"type", "scenario"});
            g.scenario = in.at("scenario").nonempty_str();
            break;
        case GoalKind::SpanCount:
            in.allow_only({"type", "span", "service", "name", "kind", "has_link", "op", "value"});
            if (in.has("span") || in.has("service") || in.has("name") || in.has("kind") || in.has("has_link"))
                g.span = read_selector(in);
            compare_fields(1e6);
            break;
        case GoalKind::AnswerIs:
            in.allow_only({"type", "expect", "tolerance"});
            g.expect = read_answer(in.at("expect"));
            g.tolerance = in.number_or("tolerance", 0.0, 0.0, 1e9);
            break;
        case GoalKind::CallBatched:
            in.allow_only({"type", "from", "to", "value"});
            g.from = in.at("from").nonempty_str();
            g.to = in.at("to").nonempty_str();
            g.flag = in.bool_or("value", true);
            break;
        case GoalKind::ClientSpans:
            in.allow_only({"type", "value"});
            g.flag = in.bool_or("value", true);
            break;
        case GoalKind::LiveTailShown:
            in.allow_only({"type", "value"});
            g.value = in.at("value").number(0.5, 1.0);
            break;
        case GoalKind::All:
        case GoalKind::Any: {
            in.allow_only({"type", "of"});
            const JsonIn of = in.at("of");
            if (of.size() == 0) of.fail("\"" + t + "\" needs at least one goal");
            for (size_t i = 0; i < of.size(); ++i) g.children.push_back(parse_goal(of[i]));
            break;
        }
        case GoalKind::Not:
            in.allow_only({"type", "goal"});
            g.children.push_back(parse_goal(in.at("goal")));
            break;
    }
    return g;
}

LessonAction parse_action(const JsonIn& in) {
    in.expect_object();
    const JsonIn type = in.at("type");
    const std::string t = type.str();
    const ActionName* entry = nullptr;
    for (const auto& e : kActionNames)
        if (t == e.name) entry = &e;
    if (entry == nullptr)
        type.fail("unknown action type \"" + t + "\" (expected one of: " + list_names(kActionNames) + ")");
    LessonAction a;
    a.kind = entry->kind;
    switch (a.kind) {
        case ActionKind::LoadScenario:
            in.allow_only({"type", "scenario"});
            a.scenario = in.at("scenario").nonempty_str();
            break;
        case ActionKind::SetLatency:
        case ActionKind::SetJitter:
            in.allow_only({"type", "service", "ms"});
            a.service = in.at("service").nonempty_str();
            a.value = in.at("ms").number(0.0, kMaxMs);
            break;
        case ActionKind::SetErrorRate:
            in.allow_only({"type", "service", "rate"});
            a.service = in.at("service").nonempty_str();
            a.value = in.at("rate").number(0.0, 1.0);
            break;
        case ActionKind::SetHopFault:
            in.allow_only({"type", "from", "to", "fault"});
            a.from = in.at("from").nonempty_str();
            a.to = in.at("to").nonempty_str();
            a.fault = read_fault(in.at("fault"));
            break;
        case ActionKind::SetInstrumented:
        case ActionKind::SetParallel:
            in.allow_only({"type", "service", "value"});
            a.service = in.at("service").nonempty_str();
            a.flag = in.at("value").boolean();
            break;
        case ActionKind::SelectSpan:
            in.allow_only({"type", "span", "service", "name", "kind", "has_link"});
            a.span = read_selector(in);
            break;
        case ActionKind::ClearSelection:
        case ActionKind::RepairAllHops:
            in.allow_only({"type"});
            break;
        case ActionKind::SetHeadSampler:
            in.allow_only({"type", "sampler", "ratio"});
            a.sampler = read_sampler(in.at("sampler"));
            a.value = ratio_sampler(a.sampler) ? in.at("ratio").number(0.0, 1.0) : in.number_or("ratio", 1.0, 0.0, 1.0);
            break;
        case ActionKind::OpenPanel:
            in.allow_only({"type", "panel"});
            a.panel = read_panel(in.at("panel"));
            break;
        case ActionKind::SetGhosts:
        case ActionKind::SetClientSpans:
            in.allow_only({"type", "value"});
            a.flag = in.at("value").boolean();
            break;
        case ActionKind::SetBatched:
            in.allow_only({"type", "from", "to", "value"});
            a.from = in.at("from").nonempty_str();
            a.to = in.at("to").nonempty_str();
            a.flag = in.at("value").boolean();
            break;
        case ActionKind::SetClockSkew:
            in.allow_only({"type", "service", "ms"});
            a.service = in.at("service").nonempty_str();
            a.value = in.at("ms").number(-kMaxMs, kMaxMs);
            break;
        case ActionKind::RandomFault: {
            in.allow_only({"type", "hops", "faults"});
            if (auto h = in.opt("hops")) a.choices = read_names(*h);
            const JsonIn faults = in.at("faults");
            if (faults.size() == 0) faults.fail("name at least one fault mode");
            for (size_t i = 0, n = faults.size(); i < n; ++i) a.faults.push_back(read_fault(faults[i]));
            break;
        }
        case ActionKind::RandomSlowService:
        case ActionKind::RandomErrorService:
        case ActionKind::RandomSkew: {
            const char* unit = a.kind == ActionKind::RandomErrorService ? "rate" : "ms";
            in.allow_only({"type", "services", unit});
            const JsonIn services = in.at("services");
            if (services.size() == 0) services.fail("name at least one service");
            a.choices = read_names(services);
            a.value = a.kind == ActionKind::RandomErrorService ? in.at("rate").number(0.0, 1.0)
                      : a.kind == ActionKind::RandomSkew       ? in.at("ms").number(-kMaxMs, kMaxMs)
                                                               : in.at("ms").number(0.0, kMaxMs);
            break;
        }
        case ActionKind::Answer:
            in.allow_only({"type", "value"});
            a.answer = read_answer(in.at("value"));
            break;
        case ActionKind::PlayLive:
            in.allow_only({"type", "requests"});
            a.value = in.at("requests").number(20, 5000);
            break;
        case ActionKind::OpenLiveTail:
            in.allow_only({"type", "quantile"});
            a.value = in.at("quantile").number(0.5, 1.0);
            break;
    }
    return a;
}

}  // namespace tl::lessons
