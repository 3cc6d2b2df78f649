// Broken hops: requests that split into two traces because trace context was lost on one hop.
// - Looks across every trace of a TraceStore (received, imported or simulated alike) for a root span of
//   service B that started inside a window where a span of service A was calling out, and names the hop
//   and the most likely cause in a learner's words.
// - Pure and GUI-free, like the analysis it reads: `tracelab analyze`, the trace list and the waterfall share it.
// [SECTION] Result
// [SECTION] Finding
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "sim/trace/analysis.hpp"
#include "sim/trace/trace_store.hpp"

namespace tl {

// [SECTION] Result

// What the data says about why the callee started a new trace, from the strongest evidence to the weakest.
enum class BrokenHopCause : uint8_t {
    HeaderLost,             // the caller has a CLIENT span with no child: traceparent not sent or not read
    MessageWithoutContext,  // a PRODUCER span with no consumer child: context not injected into the message
    UninstrumentedClient,   // no client span, only unexplained time in the caller: an uninstrumented HTTP/RPC client
    UninstrumentedProducer, // no producer span, and a CONSUMER root: published with an uninstrumented client
    ContextDropped,         // the new trace's root is the call itself (not a SERVER/CONSUMER): code passed a fresh context
};

// "header-lost", "message-without-context", "uninstrumented-client", "uninstrumented-producer", "context-dropped".
const char* to_string(BrokenHopCause c);
// A few words for narrow places: "traceparent not sent or not read", "uninstrumented client", …
const char* cause_summary(BrokenHopCause c);

struct BrokenHop {
    uint32_t caller_span = 0;  // index into TraceStore::spans: the CLIENT/PRODUCER span, or the span with the stretch
    uint32_t callee_span = 0;  // the root span of the new trace
    uint32_t caller_trace = 0;  // indices into Analysis::traces
    uint32_t callee_trace = 0;
    StrId from_service = 0;  // in the store's string pool
    StrId to_service = 0;
    BrokenHopCause cause = BrokenHopCause::HeaderLost;
    int64_t at_ns = 0;  // when the call was made, relative to the caller trace's start
    std::string reason;  // one sentence: "frontend called payments at 12.3 ms but payments started a new trace: …"
};

// [SECTION] Finding

struct BrokenHopOptions {
    // How long after the caller's window a CONSUMER may still start: messages wait in a queue.
    int64_t message_lag_ns = 5'000'000'000;
    // Parallel calls: a root that started within this of a call the same span made at the same moment.
    int64_t parallel_tolerance_ns = 1'000'000;
    // Caller windows looked at per root (the most recently opened first); keeps the search n log n.
    uint32_t max_candidates = 64;
};

// Every broken hop in the store, ordered by the callee trace's start. Rules, strongest evidence first:
// - a CLIENT or PRODUCER span with no child whose window holds the start of a root SERVER/CONSUMER span of
//   another trace (a synchronous callee must also end inside it; a consumer may start up to message_lag_ns
//   later), agreeing on `server.address`, `server.port`, `url.path` / `url.full` vs `url.path` / `http.route`,
//   and `messaging.destination.name` wherever both sides carry them (any disagreement rules the pair out);
// - a root that started with the calls its caller made in parallel (see parallel_tolerance_ns);
// - a root that fits inside an unexplained stretch of a span (a gap between its children, or all of a span
//   with no children), the deepest such span of a trace first.
// A root span that has a parent span id (its remote parent never arrived) is an orphan, never a callee; a
// root with span links was split on purpose and is left alone. Spans of database calls (`db.system.name`,
// `db.system`) are not caller windows. Each CLIENT/PRODUCER span explains at most one callee.
// Cost: O(n log n) in spans.
std::vector<BrokenHop> find_broken_hops(const TraceStore& store, const Analysis& analysis,
                                        const BrokenHopOptions& options = {});

// Hops whose caller or callee is trace `trace` (indices into `hops`), in order.
std::vector<uint32_t> broken_hops_of_trace(std::span<const BrokenHop> hops, uint32_t trace);

}  // namespace tl
