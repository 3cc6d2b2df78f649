// What a lesson can see and change: a plain snapshot of the learner's world (LessonWorld), the goals a
// hands-on step checks against it, and the actions a step's set-up and solution are made of.
// - The app fills a LessonWorld every frame; goals are pure predicates over it, so they are unit-testable.
// - Actions are data. The scenario edits are applied here (apply_scenario_action); the UI-level ones
//   (select a span, open a panel, head sampler, ghosts) are mapped by the app to its own actions.
// [SECTION] World  [SECTION] Span selectors  [SECTION] Goals  [SECTION] Actions
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/engine/engine.hpp"
#include "sim/engine/scenario.hpp"
#include "sim/io/json_read.hpp"
#include "sim/trace/analysis.hpp"

namespace tl::lessons {

// [SECTION] World

// Head-sampler names, as `tracelab sample --head` spells them.
inline constexpr const char* kHeadSamplers[] = {"always", "never", "ratio", "parent-ratio", "probability"};
bool is_head_sampler(std::string_view name);

// Everything a goal may look at. Pointers are borrowed for the duration of one check.
struct LessonWorld {
    const Scenario* scenario = nullptr;
    const Run* run = nullptr;
    const Analysis* analysis = nullptr;       // analysis of run->observed
    int selected_span = -1;                   // index into run->observed.spans, -1 when nothing is selected
    std::vector<std::string> visible_panels;  // panels in front in their area ("waterfall", "console", …)
    bool ghosts_on = false;                   // ground-truth overlay of split-off fragments
    bool console_seen = false;                // the console panel was drawn this frame
    std::string head_sampler = "always";      // one of kHeadSamplers
    double head_ratio = 1.0;                  // the ratio used by ratio-like samplers
    std::string answer;                       // the learner's answer to the current step's question, "" for none
    const std::vector<double>* live_root_ms = nullptr;  // root durations of the live requests so far (ms)
    [[nodiscard]] bool panel_visible(std::string_view name) const;
};

// [SECTION] Span selectors

// Names one span of the current run. `special` wins when set; otherwise every given field must match.
struct SpanSelector {
    std::string special;  // "slowest" (most self time), "root" (the request's root span),
                          // "dropped_context_hop" (a span whose child went missing, or the span that
                          // started a new trace because context was lost), "error" (a span with status Error)
    std::string service;  // service that reported the span
    std::string name;     // span name
    std::optional<SpanKind> kind;
    std::optional<bool> has_link;
    [[nodiscard]] bool empty() const {
        return special.empty() && service.empty() && name.empty() && !kind && !has_link;
    }
};
inline constexpr const char* kSpecialSpans[] = {"slowest", "root", "dropped_context_hop", "error"};

// Whether span `span` is one the selector names.
bool span_matches(const LessonWorld& w, int span, const SpanSelector& sel);
// The earliest-starting span the selector names, or -1.
int resolve_span(const LessonWorld& w, const SpanSelector& sel);
// Spans that sit at a break in propagation: the last recorded span before the break and the span that
// started a new trace after it (with a client span when one was recorded in the new trace).
std::vector<int> context_break_spans(const LessonWorld& w);
// The span with the most self time, -1 when there are no spans.
int slowest_span(const LessonWorld& w);
// The request's root span in the observed data (the first request's entry), -1 when not recorded.
int root_span(const LessonWorld& w);

// [SECTION] Goals

enum class GoalKind {
    SelectedSpanIs,         // span selector
    TraceCount,             // op, value: traces the backend received
    RootDurationMs,         // op, value: the request's end-to-end duration
    SlowestServiceIs,       // service: the service of the span with most self time
    ServiceLatency,         // service, op, value: the configured own time of a service
    ServiceDurationMs,      // service, op, value: how long the service's first operation really took
    ErrorRate,              // service, op, value: the configured error rate
    TraceHasError,          // flag: some recorded span has status error
    HopFaultIs,             // from, to, fault
    ServiceInstrumented,    // service, flag
    AllHopsOk,              // every hop propagates and every service is instrumented
    HeadSamplerIs,          // sampler
    HeadSamplingRatioNear,  // value, tolerance (with a ratio-based sampler)
    PanelOpen,              // panel
    ConsoleSeen,            //
    GhostsOn,               // flag
    ScenarioIs,             // scenario id
    SpanCount,              // span selector (may be empty: every span), op, value: recorded spans that match
    AnswerIs,               // expect (literal or "$key", see answer_key_value), tolerance: the learner's answer
    CallBatched,            // from, to, flag
    ClientSpans,            // flag: client/producer spans recorded for outgoing calls
    LiveTailShown,          // value (a quantile, 0.99): the request on screen is a live one at or above it
    All,                    // children
    Any,                    // children
    Not,                    // children[0]
};
const char* to_string(GoalKind k);  // the JSON spelling, "selected_span_is", …

enum class Compare { Eq, Ne, Lt, Le, Gt, Ge };
const char* to_string(Compare c);  // "==", …
std::optional<Compare> parse_compare(std::string_view s);
bool compare(double lhs, Compare op, double rhs);

struct Goal {
    GoalKind kind = GoalKind::All;
    SpanSelector span;
    std::string service, from, to, panel, scenario, sampler;
    std::string expect;  // answer_is: the expected answer or a "$key"
    HopFault fault = HopFault::Ok;
    Compare op = Compare::Eq;
    double value = 0.0;
    double tolerance = 0.0;
    bool flag = true;
    std::vector<Goal> children;
};

// Does the goal hold in this world? Missing data (no run, no scenario) makes data goals false.
bool goal_holds(const Goal& g, const LessonWorld& w);

// Values a step can ask the learner to find, computed from the world ("" when the world has none):
//   $broken_hop_fault  fault mode of the first hop that does not propagate ("no-inject", …)
//   $broken_hop_callee callee of that hop
//   $slow_service      service of the span with the most self time
//   $error_service     first service with a non-zero error rate
//   $skewed_service    first service whose clock is skewed
//   $trace_count       traces the backend received
//   $root_flags        trace-flags byte of the root span, two hex digits ("01")
//   $root_duration_ms  the request's end-to-end duration in ms
//   $span_count        spans the backend received
//   $proxy_gap_ms      time between a client span and the server span a pass-through proxy forwarded it to
//   $error_trace_prefix first 8 hex digits of the trace id of the first span with status Error
inline constexpr const char* kAnswerKeys[] = {
    "$broken_hop_fault", "$broken_hop_callee", "$slow_service", "$error_service", "$skewed_service",    "$trace_count",
    "$root_flags",       "$root_duration_ms",  "$span_count",   "$proxy_gap_ms",  "$error_trace_prefix"};
std::string answer_key_value(std::string_view key, const LessonWorld& w);
// Whether `answer` matches `expected`: numbers within `tolerance`, else text ignoring case and outer spaces.
bool answer_matches(std::string_view answer, std::string_view expected, double tolerance);
// Why the learner's pick or answer is not it yet, in a sentence that points at what to look at; "" when the
// step asks for neither, nothing was picked or answered, or the goal holds.
std::string wrong_pick_feedback(const Goal& g, const LessonWorld& w);
// Reads a goal object; throws LoadError naming file and JSON path.
Goal parse_goal(const JsonIn& in);

// [SECTION] Actions

enum class ActionKind {
    LoadScenario,        // scenario
    SetLatency,          // service, value (ms)
    SetJitter,           // service, value (ms)
    SetErrorRate,        // service, value (0..1)
    SetHopFault,         // from, to, fault
    SetInstrumented,     // service, flag
    SetParallel,         // service, flag
    SelectSpan,          // span selector
    ClearSelection,      //
    SetHeadSampler,      // sampler, value (ratio)
    OpenPanel,           // panel
    SetGhosts,           // flag
    SetClientSpans,      // flag: record client/producer spans for outgoing calls
    SetBatched,          // from, to, flag: fold repeated calls into one batched call
    SetClockSkew,        // service, value (ms)
    RandomFault,         // hops ("a->b", empty: every hop between applications), faults: one of each, by seed
    RandomSlowService,   // services, value (ms): one of them gets that own time, by seed
    RandomErrorService,  // services, value (rate): one of them fails at that rate, by seed
    RandomSkew,          // services, value (ms): one of them reports times shifted by that much, by seed
    RepairAllHops,       // every hop back to ok and every application instrumented
    PlayLive,            // value: live traffic runs (the sandbox sends that many requests at once)
    OpenLiveTail,        // value (a quantile): open the slowest live request, at or above that quantile
    Answer,              // answer (literal or "$key"): the learner's answer to the step's question
};
const char* to_string(ActionKind k);  // the JSON spelling, "load_scenario", …

struct LessonAction {
    ActionKind kind = ActionKind::LoadScenario;
    std::string scenario, service, from, to, panel, sampler;
    std::string answer;                // answer: literal or "$key"
    std::vector<std::string> choices;  // random_*: the hops ("a->b") or services to choose from
    std::vector<HopFault> faults;      // random_fault: the modes to choose from
    SpanSelector span;
    HopFault fault = HopFault::Ok;
    double value = 0.0;
    bool flag = true;
};

// True for the actions that change the Scenario (including loading one).
bool is_scenario_action(const LessonAction& a);
// Applies a scenario action. LoadScenario replaces `s` with the built-in scenario from `builtin_dir`; the
// random_* actions pick with `seed` (the same seed, the same pick). Returns "" on success, else a message;
// non-scenario actions are a no-op returning "".
std::string apply_scenario_action(Scenario& s, const LessonAction& a, const std::filesystem::path& builtin_dir,
                                  uint64_t seed = 1);
// Reads an action object; throws LoadError naming file and JSON path.
LessonAction parse_action(const JsonIn& in);
// One line a learner can read ("set payments latency to 40 ms").
std::string describe(const LessonAction& a);

}  // namespace tl::lessons
