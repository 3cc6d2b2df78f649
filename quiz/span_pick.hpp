// The facts a practical-round judge needs about a span the learner picked, read from a trace analysis.
// - Kept apart from the judge (attempt.hpp), which sees only plain values; the quiz panel and the tests
//   both call this, so "most self time" and "new trace root" mean the same thing everywhere.
#pragma once

#include <cstdint>

#include "quiz/attempt.hpp"
#include "sim/trace/analysis.hpp"
#include "sim/trace/trace_store.hpp"

namespace tl::quiz {

// `span` indexes store.spans. "First trace" is the earliest-starting trace in the analysis (one request's
// run); "most self time" compares against every span in the store.
SpanPick span_pick(const TraceStore& store, const Analysis& analysis, uint32_t span);

}  // namespace tl::quiz
