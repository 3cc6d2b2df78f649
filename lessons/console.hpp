// The console view: the simulated request printed the way a small instrumented program logs it — one line
// when a span starts and one when it ends, indented by call depth, every line carrying its trace id.
// - Ordered by time. Depth follows the real call nesting (ground truth when a Run is given), so where
//   propagation breaks the indentation goes on while the trace id on the line changes.
// - Pure text, no Dear ImGui: the console panel draws these lines; tests read them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/trace/analysis.hpp"
#include "sim/engine/engine.hpp"
#include "sim/trace/trace_store.hpp"

namespace tl::lessons {

struct ConsoleLine {
    int64_t time_ns = 0;  // observed time (absolute unix ns)
    uint32_t span = 0;    // index into TraceStore::spans
    TraceId trace;
    uint16_t depth = 0;
    bool start = true;  // start or end line
    std::string text;   // the whole rendered line
};

// Lines for every span in `store`. `run` (optional) supplies the true call nesting for fragments that
// lost their parent; without it such fragments start again at depth 0.
std::vector<ConsoleLine> console_lines(const TraceStore& store, const Analysis& analysis, const Run* run = nullptr);
// The lines joined with '\n' (with a trailing newline when non-empty).
std::string console_text(const std::vector<ConsoleLine>& lines);

}  // namespace tl::lessons
