// W3C Trace Context Level 2: the `traceparent` and `tracestate` headers, and what a service does with them.
// - Parsers never throw and never crash on any input; a rejected header comes with the reason, written for a
//   learner ("the trace-id is all zeros, which the spec reserves as invalid").
// - receive() applies the spec's processing model to a request's headers: continue, start or restart.
//
// [SECTION] traceparent
// [SECTION] tracestate
// [SECTION] Receiving a request and calling onwards
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/trace/ids.hpp"
#include "sim/io/json_read.hpp"

namespace tl {

// Things a parser tolerated on the way to its verdict ("whitespace around the value was ignored").
using ParseNotes = std::vector<std::string>;

// [SECTION] traceparent

inline constexpr uint8_t kFlagSampled = 0x01;  // bit 0: the caller may have recorded this trace
inline constexpr uint8_t kFlagRandom = 0x02;   // bit 1 (Level 2): the trace-id's rightmost 7 bytes are random
inline constexpr uint8_t kKnownFlags = kFlagSampled | kFlagRandom;
inline constexpr size_t kTraceparentLength = 55;  // "00-" + 32 + "-" + 16 + "-" + 2

struct TraceParent {
    uint8_t version = 0;  // as received; anything we send is version 00
    TraceId trace_id;
    SpanId parent_id;
    uint8_t flags = 0;  // as received, unknown bits included (they are cleared when sending)

    [[nodiscard]] bool sampled() const { return (flags & kFlagSampled) != 0; }
    [[nodiscard]] bool random() const { return (flags & kFlagRandom) != 0; }
    [[nodiscard]] uint8_t unknown_flags() const { return static_cast<uint8_t>(flags & ~kKnownFlags); }
    friend bool operator==(const TraceParent&, const TraceParent&) = default;
};

// Parses one traceparent value: version 00 exactly, a future version by its first four fields (extra data only
// after a '-'), optional spaces/tabs around the value. Notes, when given, receive what was tolerated.
Result<TraceParent> parse_traceparent(std::string_view value, ParseNotes* notes = nullptr);

// The version-00 form we send: 55 characters, lowercase, unknown flag bits cleared (the spec says a vendor
// MUST set them to zero).
std::string format_traceparent(const TraceParent& tp);
// The same into `out` (exactly kTraceparentLength characters, no terminator). Allocation-free.
void write_traceparent(const TraceParent& tp, char* out);

// One line per bit of a flags byte, most useful first: "bit 0 sampled: set — …".
std::vector<std::string> describe_flags(uint8_t flags);

// [SECTION] tracestate

inline constexpr size_t kTraceStateMaxMembers = 32;
inline constexpr size_t kTraceStateMaxKey = 256;
inline constexpr size_t kTraceStateMaxValue = 256;
// The spec asks vendors to pass on at least this many characters of a combined tracestate.
inline constexpr size_t kTraceStatePropagateAtLeast = 512;
// When truncating, entries longer than this go first.
inline constexpr size_t kTraceStateLongEntry = 128;

struct TraceStateEntry {
    std::string key;
    std::string value;
    friend bool operator==(const TraceStateEntry&, const TraceStateEntry&) = default;
};

// The vendors' list, leftmost first: entries[0] belongs to the vendor that wrote the traceparent.
struct TraceState {
    std::vector<TraceStateEntry> entries;

    [[nodiscard]] bool empty() const { return entries.empty(); }
    [[nodiscard]] std::optional<std::string_view> find(std::string_view key) const;
    // Sets a vendor's value and moves its entry to the front, as the spec's mutation rules require. A new key
    // that would make 33 entries pushes the rightmost one out. Refuses an invalid key or value (reason in
    // `why`).
    bool put(std::string_view key, std::string_view value, std::string* why = nullptr);
    bool erase(std::string_view key);
    // Removes whole entries until the formatted header fits in `max_chars`: entries longer than 128 characters
    // first, then from the right, as the spec recommends. Returns how many were removed.
    size_t truncate(size_t max_chars);
    friend bool operator==(const TraceState&, const TraceState&) = default;
};

// Why a key / value is not allowed, or nullopt when it is. Level 2 key grammar: a lowercase letter or digit,
// then up to 255 of a-z 0-9 _ - * / @ (so `tenant@system` keys fit); value: 1–256 printable ASCII characters
// except ',' and '=', not ending in a space.
std::optional<std::string> tracestate_key_error(std::string_view key);
std::optional<std::string> tracestate_value_error(std::string_view value);
// Splits a `tenant@system` key at its last '@'; nullopt for a simple key.
std::optional<std::pair<std::string_view, std::string_view>> split_multi_tenant_key(std::string_view key);

// Parses a tracestate value. Any invalid member, or more than 32 members, rejects the whole header (the
// receiver then drops it). Empty members are skipped; a repeated key keeps its leftmost (newest) entry.
Result<TraceState> parse_tracestate(std::string_view value, ParseNotes* notes = nullptr);
// Several header lines are one list, joined with ',' in the order received (RFC 7230 field order).
Result<TraceState> parse_tracestate(const std::vector<std::string_view>& header_values, ParseNotes* notes = nullptr);
// "k1=v1,k2=v2", no whitespace. Empty for an empty list (then send no header at all).
std::string format_tracestate(const TraceState& ts);

// [SECTION] Receiving a request and calling onwards

struct HeaderField {
    std::string name;
    std::string value;
};

enum class ContextDecision : uint8_t {
    Start,     // no traceparent arrived: this service begins a new trace
    Continue,  // a valid traceparent: same trace id, this service's span is the parent of what it calls
    Restart,   // a traceparent arrived but was invalid: ignore it (and tracestate), begin a new trace
};
const char* to_string(ContextDecision d);

struct ReceivedContext {
    ContextDecision decision = ContextDecision::Start;
    TraceParent parent;                    // the incoming traceparent; meaningful only when continuing
    TraceState tracestate;                 // what the service passes on; empty unless continuing
    bool tracestate_received = false;      // at least one tracestate header arrived
    bool tracestate_discarded = false;     // one arrived but nothing of it is passed on
    std::string traceparent_problem;       // why the traceparent was ignored (Restart), else ""
    std::string tracestate_problem;        // why the tracestate was dropped, else ""
    std::vector<std::string> explanation;  // the whole story, one sentence per line

    [[nodiscard]] bool continues() const { return decision == ContextDecision::Continue; }
};

// Applies the processing model to a request's headers (names compared without regard to case). More than one
// traceparent header means restart. `tracestate_max_chars` > 0 truncates what is kept, as a vendor may when a
// tracestate exceeds what it is willing to pass on.
ReceivedContext receive(const std::vector<HeaderField>& headers, size_t tracestate_max_chars = 0);

// The context of this service's own span after receiving `rc`: when continuing, the incoming trace id with a
// new span id from `ids` and the random bit passed on unchanged; otherwise a new trace (begin_trace).
TraceParent service_context(const ReceivedContext& rc, IdGenerator& ids, bool sampled);
// A new trace and its root span. IdGenerator fills every bit of a trace id uniformly, so the random flag is set.
TraceParent begin_trace(IdGenerator& ids, bool sampled);
// The traceparent for one outgoing call made from `context`: version 00, the same trace id, `span` (the span
// that makes the call) as the parent, the sampled bit as this service decided, the random bit unchanged, other
// bits zero.
TraceParent child_traceparent(const TraceParent& context, SpanId span, bool sampled);

}  // namespace tl
