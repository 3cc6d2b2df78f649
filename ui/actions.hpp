// Actions: everything a panel, a shortcut, a lesson or the command line asks the App to change.
// - Panels read const model state and push Actions; the App applies them after the frame, in order.
// - Every scenario edit re-simulates at once, so the next frame (and the waterfall) shows the result.
// - `Custom` is the escape hatch for features that need their own change (lesson set-up, quiz answers).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <variant>
#include <vector>

#include "sim/formats/formats.hpp"
#include "sim/engine/scenario.hpp"

namespace tl::ui {

class App;

// [SECTION] Scenario edits (each re-simulates)
struct SetLatency {
    std::string service;
    double ms = 0.0;
};
struct SetJitter {
    std::string service;
    double jitter_ms = 0.0;
};
struct SetErrorRate {
    std::string service;
    double rate = 0.0;
};
struct SetHopFault {
    std::string caller;
    std::string callee;
    HopFault fault = HopFault::Ok;
};
struct SetParallel {
    std::string service;
    bool parallel = false;
};
struct SetInstrumented {
    std::string service;
    bool instrumented = true;
};
struct SetSeed {
    uint64_t seed = 1;
};
// Replaces the whole scenario (lesson set-up, a reset).
struct ReplaceScenario {
    Scenario scenario;
};
// A built-in scenario name or a path to a scenario file.
struct LoadScenario {
    std::string name_or_path;
};

// [SECTION] Authoring: services and calls added, renamed, removed (each re-simulates; a refusal goes to the
// banner and changes nothing)
struct EditServices {
    enum class Op { AddService, RenameService, RemoveService, AddCall, RemoveCall };
    Op op = Op::AddService;
    std::string service;  // the service (the caller, for calls); AddService: the new service's name
    std::string other;    // RenameService: the new name; AddCall: the callee
    size_t call = 0;      // RemoveCall: the index in the caller's calls
    Transport transport = Transport::Http;  // AddCall
};

// [SECTION] Selection and view
struct SelectTrace {
    int32_t trace = -1;  // index into Analysis::traces, -1 clears
};
struct SelectSpan {
    int32_t span = -1;     // index into TraceStore::spans, -1 clears (also selects the span's trace)
    bool clicked = false;  // the learner clicked its bar or row (even if it was selected already), not a key
};
// The span with this span id (16 hex digits), else the first span with this name, in the model on screen
// when the action runs (after a queued file opens); one that matches nothing is reported in the banner and
// changes nothing.
struct SelectSpanNamed {
    std::string name;
};
struct ToggleGhosts {};
struct SetGhosts {
    bool on = false;
};
struct SetPlaying {
    bool playing = false;
};
struct TogglePlaying {};
struct SetLiveRate {
    double requests_per_second = 2.0;
};
struct FocusPanel {
    std::string name;  // Panel::name(), e.g. "waterfall", "editor", "details"
};
struct ToggleHelp {};

// [SECTION] Files
struct OpenFile {
    std::string path;  // a trace file (OTLP/JSON, Jaeger, Zipkin) is shown; a scenario file (by content) is loaded
};
struct ExportTrace {
    std::string path;
    TraceFormat format = TraceFormat::Otlp;
};
struct ReturnToSimulation {};  // leave an imported file, show the scenario again
struct DismissBanner {};

// [SECTION] Escape hatch: a named change applied with full access to the App.
struct Custom {
    std::string label;  // what it does, for logs and tests
    std::function<void(App&)> apply;
};

using Action = std::variant<SetLatency, SetJitter, SetErrorRate, SetHopFault, SetParallel, SetInstrumented, SetSeed,
                            ReplaceScenario, LoadScenario, SelectTrace, SelectSpan, SelectSpanNamed, ToggleGhosts,
                            SetGhosts, SetPlaying, TogglePlaying, SetLiveRate, FocusPanel, ToggleHelp, OpenFile,
                            ExportTrace, ReturnToSimulation, DismissBanner, Custom, EditServices>;

// A short name of the action's kind ("SetHopFault"), for logs and tests.
const char* action_name(const Action& a);

// Where panels put what the user did this frame.
class Actions {
public:
    void push(Action a) { queue_.push_back(std::move(a)); }
    [[nodiscard]] bool empty() const { return queue_.empty(); }
    [[nodiscard]] const std::vector<Action>& pending() const { return queue_; }
    // Hands over the queue and leaves this one empty.
    std::vector<Action> take() {
        std::vector<Action> out;
        out.swap(queue_);
        return out;
    }

private:
    std::vector<Action> queue_;
};

}  // namespace tl::ui
