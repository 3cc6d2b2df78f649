// Compare with a baseline: the traces the learner pinned, kept as a copy while the model moves on.
// - Pinning copies the store and its analysis: the simulation's whole run (a request can split into
//   several traces when propagation breaks), or the trace on screen when a file is shown.
// - The waterfall diffs the current traces against it (sim/trace/diff.hpp) and marks the changes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/trace/analysis.hpp"
#include "sim/trace/diff.hpp"

namespace tl::ui {

class App;

struct CompareBaseline {
    bool pinned = false;
    TraceStore store;
    Analysis analysis;
    std::vector<uint32_t> traces;  // indices into analysis.traces
    std::string label;             // what was pinned, in words
    uint64_t version = 0;          // bumped on every pin/clear
};

// The traces the current view compares: every trace of a simulation run, or the selected trace of a file.
std::vector<uint32_t> compared_traces(const App& app);
// Pins what is on screen as the baseline (replacing an earlier one); clear_baseline() forgets it.
void pin_baseline(App& app);
// Pins every trace of a trace file as the baseline; "" or the import error.
std::string pin_baseline_file(App& app, const std::string& path);
void clear_baseline(App& app);
// The comparison of the current view against the pinned baseline; nullopt-like (empty) when none is pinned.
TraceDiff diff_with_baseline(const App& app, const CompareBaseline& base);

// A query for the waterfall's search box from outside the panel (`--search`); the panel takes it once.
struct SearchRequest {
    std::string query;
};

}  // namespace tl::ui
