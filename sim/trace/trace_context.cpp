// W3C Trace Context Level 2: parsing, formatting and the receive-side processing model.
// - Every rejection names the field and the rule it breaks, so the CLI, the span details panel and the lessons
//   can show it to a learner unchanged.
//
// [SECTION] Text helpers
// [SECTION] traceparent
// [SECTION] tracestate
// [SECTION] Receiving a request and calling onwards
#include "sim/trace/trace_context.hpp"

#include <algorithm>

namespace tl {

// [SECTION] Text helpers

namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

bool is_ows(char c) {
    return c == ' ' || c == '\t';
}
bool is_lower_hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}
bool is_lcalpha(char c) {
    return c >= 'a' && c <= 'z';
}
bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
bool is_key_char(char c) {
    return is_lcalpha(c) || is_digit(c) || c == '_' || c == '-' || c == '*' || c == '/' || c == '@';
}
char ascii_lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string_view trim_ows(std::string_view s) {
    while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
    return s;
}

// A character as a learner should see it in a message: 'x', a space, a tab, or a byte in hex.
std::string show_char(char c) {
    const auto u = static_cast<unsigned char>(c);
    if (c == ' ') return "a space";
    if (c == '\t') return "a tab";
    if (u < 0x20 || u >= 0x7f) {
        std::string s = "the byte 0x";
        s += kHexDigits[u >> 4];
        s += kHexDigits[u & 0xF];
        return s;
    }
    return std::string("'") + c + "'";
}

// A piece of input quoted for a message: non-printable bytes escaped, long text shortened.
std::string quote(std::string_view s, size_t max_chars = 48) {
    std::string out = "'";
    size_t shown = 0;
    for (char c : s) {
        if (shown == max_chars) {
            out += "…";
            break;
        }
        const auto u = static_cast<unsigned char>(c);
        if (c == '\t') {
            out += "\\t";
        } else if (u < 0x20 || u >= 0x7f) {
            out += "\\x";
            out += kHexDigits[u >> 4];
            out += kHexDigits[u & 0xF];
        } else {
            out += c;
        }
        ++shown;
    }
    return out + "'";
}

std::string plural(size_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

uint64_t hex_to_u64(std::string_view hex) {
    uint64_t v = 0;
    for (char c : hex) v = (v << 4) | static_cast<uint64_t>(hex_value(c));
    return v;
}

}  // namespace

// [SECTION] traceparent

namespace {

struct HexField {
    const char* name;  // as the spec names it
    size_t width;      // hex digits
};
constexpr HexField kVersionField{"version", 2};
constexpr HexField kTraceIdField{"trace-id", 32};
constexpr HexField kParentIdField{"parent-id", 16};
constexpr HexField kFlagsField{"trace-flags", 2};

// Why `text` is not exactly `field.width` lowercase hex digits, or "" when it is.
std::string hex_field_problem(std::string_view text, const HexField& field) {
    if (text.size() == field.width && std::all_of(text.begin(), text.end(), is_lower_hex)) return {};  // fast path
    const std::string name = field.name;
    if (text.empty()) return "the " + name + " is empty; it must be " + std::to_string(field.width) + " hex digits";
    for (char c : text) {
        if (is_lower_hex(c)) continue;
        if (c >= 'A' && c <= 'F')
            return "the " + name + " " + quote(text) + " contains the uppercase letter '" + c +
                   "'; the spec allows only lowercase hex digits (0-9, a-f)";
        return "the " + name + " " + quote(text) + " contains " + show_char(c) + ", which is not a hex digit";
    }
    if (text.size() != field.width)
        return "the " + name + " " + quote(text) + " has " + std::to_string(text.size()) +
               " digits; it must have exactly " + std::to_string(field.width);
    return {};
}

}  // namespace

Result<TraceParent> parse_traceparent(std::string_view value, ParseNotes* notes) {
    using R = Result<TraceParent>;
    const std::string_view v = trim_ows(value);
    if (v.size() != value.size() && notes && !v.empty())
        notes->push_back("spaces or tabs around the value were ignored, as the spec allows");
    if (v.empty()) return R::failure("the traceparent header is empty");

    // Fields are separated by '-'; each is read up to the next '-' so a wrong length is reported as such.
    size_t pos = 0;
    bool at_end = false;
    auto next_field = [&]() {
        const size_t dash = v.find('-', pos);
        const std::string_view f = v.substr(pos, dash == std::string_view::npos ? std::string_view::npos : dash - pos);
        if (dash == std::string_view::npos) {
            at_end = true;
            pos = v.size();
        } else {
            pos = dash + 1;
        }
        return f;
    };
    auto missing = [&](const HexField& after, const HexField& field) {
        return R::failure(std::string("the value ends after the ") + after.name + "; the " + field.name +
                          " is missing (a traceparent is version-traceid-parentid-flags)");
    };

    TraceParent tp;
    const std::string_view version = next_field();
    if (auto p = hex_field_problem(version, kVersionField); !p.empty()) return R::failure(p);
    if (version == "ff")
        return R::failure("the version is ff, which the spec forbids (it can never be a real version)");
    tp.version = static_cast<uint8_t>(hex_to_u64(version));
    if (at_end) return missing(kVersionField, kTraceIdField);

    const std::string_view trace_id = next_field();
    if (auto p = hex_field_problem(trace_id, kTraceIdField); !p.empty()) return R::failure(p);
    tp.trace_id = TraceId{hex_to_u64(trace_id.substr(0, 16)), hex_to_u64(trace_id.substr(16))};
    if (!tp.trace_id.valid())
        return R::failure("the trace-id is all zeros, which the spec reserves as invalid (it would mean \"no trace\")");
    if (at_end) return missing(kTraceIdField, kParentIdField);

    const std::string_view parent_id = next_field();
    if (auto p = hex_field_problem(parent_id, kParentIdField); !p.empty()) return R::failure(p);
    tp.parent_id = SpanId{hex_to_u64(parent_id)};
    if (!tp.parent_id.valid())
        return R::failure(
            "the parent-id is all zeros, which the spec reserves as invalid (it would mean \"no parent span\")");
    if (at_end) return missing(kParentIdField, kFlagsField);

    const std::string_view flags = next_field();
    if (auto p = hex_field_problem(flags, kFlagsField); !p.empty()) {
        if (tp.version != 0 && flags.size() > 2 && is_lower_hex(flags[0]) && is_lower_hex(flags[1]))
            p += " (in a newer version, the trace-flags may be followed only by the end or by '-')";
        return R::failure(p);
    }
    tp.flags = static_cast<uint8_t>(hex_to_u64(flags));

    if (!at_end) {
        const std::string_view rest = v.substr(kTraceparentLength);  // from the '-' after the flags
        if (tp.version == 0)
            return R::failure("version 00 has exactly four fields, but the value goes on after the trace-flags with " +
                              quote(rest) + "; only a newer version may add fields");
        if (notes)
            notes->push_back("version " + std::string(version) +
                             " is newer than 00: its first four fields were read as version 00 and the rest (" +
                             quote(rest) + ") was ignored, as the spec requires");
    } else if (tp.version != 0 && notes) {
        notes->push_back("version " + std::string(version) +
                         " is newer than 00: it was read with the version 00 rules and will be sent on as 00");
    }
    return tp;
}

void write_traceparent(const TraceParent& tp, char* out) {
    out[0] = '0';
    out[1] = '0';
    out[2] = '-';
    write_hex(tp.trace_id, out + 3);
    out[35] = '-';
    write_hex(tp.parent_id, out + 36);
    out[52] = '-';
    const auto flags = static_cast<uint8_t>(tp.flags & kKnownFlags);
    out[53] = kHexDigits[flags >> 4];
    out[54] = kHexDigits[flags & 0xF];
}

std::string format_traceparent(const TraceParent& tp) {
    std::string s(kTraceparentLength, '0');
    write_traceparent(tp, s.data());
    return s;
}

std::vector<std::string> describe_flags(uint8_t flags) {
    std::vector<std::string> lines;
    lines.push_back((flags & kFlagSampled) ? "bit 0 sampled = 1: the caller may have recorded its part of this trace"
                                           : "bit 0 sampled = 0: the caller did not record this trace");
    lines.push_back((flags & kFlagRandom) ? "bit 1 random = 1: the rightmost 7 bytes of the trace-id were chosen at "
                                            "random, so samplers may use them as a random number (Level 2)"
                                          : "bit 1 random = 0: no promise that the trace-id is random");
    bool any_unknown = false;
    for (int bit = 2; bit < 8; ++bit) {
        if ((flags >> bit) & 1) {
            lines.push_back("bit " + std::to_string(bit) +
                            " = 1: not defined by the spec; it is ignored and sent on as 0");
            any_unknown = true;
        }
    }
    if (!any_unknown) lines.push_back("bits 2-7 = 0: reserved for future versions");
    return lines;
}

// [SECTION] tracestate

std::optional<std::string> tracestate_key_error(std::string_view key) {
    if (key.empty()) return std::string("the key is empty");
    if (key.size() > kTraceStateMaxKey)
        return "the key has " + std::to_string(key.size()) + " characters; at most " +
               std::to_string(kTraceStateMaxKey) + " are allowed";
    for (size_t i = 0; i < key.size(); ++i) {
        const char c = key[i];
        if (c >= 'A' && c <= 'Z')
            return "the key " + quote(key) + " contains the uppercase letter '" + c + "'; keys use lowercase only";
        if (i == 0 && !is_lcalpha(c) && !is_digit(c))
            return "the key " + quote(key) + " starts with " + show_char(c) +
                   "; a key must start with a lowercase letter or a digit";
        if (!is_key_char(c))
            return "the key " + quote(key) + " contains " + show_char(c) +
                   ", which is not allowed in a key (only a-z 0-9 _ - * / @)";
    }
    return std::nullopt;
}

std::optional<std::string> tracestate_value_error(std::string_view value) {
    if (value.empty()) return std::string("the value is empty; a value needs at least one character");
    if (value.size() > kTraceStateMaxValue)
        return "the value has " + std::to_string(value.size()) + " characters; at most " +
               std::to_string(kTraceStateMaxValue) + " are allowed";
    for (char c : value) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u > 0x7e)
            return "the value " + quote(value) + " contains " + show_char(c) +
                   "; only printable ASCII characters are allowed";
        if (c == ',' || c == '=')
            return "the value " + quote(value) + " contains '" + c + "', which is not allowed in a value";
    }
    if (value.back() == ' ') return "the value " + quote(value) + " ends with a space, which the spec does not allow";
    return std::nullopt;
}

std::optional<std::pair<std::string_view, std::string_view>> split_multi_tenant_key(std::string_view key) {
    const size_t at = key.rfind('@');
    if (at == std::string_view::npos) return std::nullopt;
    return std::pair{key.substr(0, at), key.substr(at + 1)};
}

std::optional<std::string_view> TraceState::find(std::string_view key) const {
    for (const auto& e : entries)
        if (e.key == key) return std::string_view(e.value);
    return std::nullopt;
}

bool TraceState::put(std::string_view key, std::string_view value, std::string* why) {
    auto problem = tracestate_key_error(key);
    if (!problem) problem = tracestate_value_error(value);
    if (problem) {
        if (why) *why = *problem;
        return false;
    }
    erase(key);
    entries.insert(entries.begin(), TraceStateEntry{std::string(key), std::string(value)});
    if (entries.size() > kTraceStateMaxMembers) entries.pop_back();
    return true;
}

bool TraceState::erase(std::string_view key) {
    const auto it = std::find_if(entries.begin(), entries.end(), [&](const auto& e) { return e.key == key; });
    if (it == entries.end()) return false;
    entries.erase(it);
    return true;
}

namespace {
size_t entry_chars(const TraceStateEntry& e) {
    return e.key.size() + 1 + e.value.size();
}
size_t formatted_chars(const TraceState& ts) {
    size_t n = ts.entries.empty() ? 0 : ts.entries.size() - 1;
    for (const auto& e : ts.entries) n += entry_chars(e);
    return n;
}
}  // namespace

size_t TraceState::truncate(size_t max_chars) {
    size_t removed = 0;
    size_t total = formatted_chars(*this);
    // Long entries go first, starting from the right.
    for (size_t i = entries.size(); i-- > 0 && total > max_chars;) {
        if (entry_chars(entries[i]) <= kTraceStateLongEntry) continue;
        total -= entry_chars(entries[i]) + (entries.size() > 1 ? 1 : 0);
        entries.erase(entries.begin() + static_cast<std::ptrdiff_t>(i));
        ++removed;
    }
    while (!entries.empty() && total > max_chars) {
        total -= entry_chars(entries.back()) + (entries.size() > 1 ? 1 : 0);
        entries.pop_back();
        ++removed;
    }
    return removed;
}

Result<TraceState> parse_tracestate(std::string_view value, ParseNotes* notes) {
    using R = Result<TraceState>;
    TraceState ts;
    size_t members = 0;
    size_t empty_members = 0;
    std::string first_problem;
    size_t start = 0;
    while (start <= value.size()) {
        size_t comma = value.find(',', start);
        if (comma == std::string_view::npos) comma = value.size();
        const std::string_view member = trim_ows(value.substr(start, comma - start));
        start = comma + 1;
        if (member.empty()) {
            ++empty_members;
            continue;
        }
        ++members;
        if (!first_problem.empty() || members > kTraceStateMaxMembers) continue;
        const size_t eq = member.find('=');
        if (eq == std::string_view::npos) {
            first_problem = "the member " + quote(member) + " has no '=' between a key and a value";
            continue;
        }
        const std::string_view key = member.substr(0, eq);
        const std::string_view val = member.substr(eq + 1);
        auto problem = tracestate_key_error(key);
        if (!problem) problem = tracestate_value_error(val);
        if (problem) {
            first_problem = "in the member " + quote(member) + ", " + *problem;
            continue;
        }
        if (ts.find(key)) {
            if (notes)
                notes->push_back("the key " + quote(key) + " appears more than once; only one entry per key is " +
                                 "allowed, so the leftmost (newest) was kept and " + quote(member) + " was dropped");
            continue;
        }
        ts.entries.push_back(TraceStateEntry{std::string(key), std::string(val)});
    }
    if (members > kTraceStateMaxMembers)
        return R::failure("it has " + std::to_string(members) + " members; the spec allows at most " +
                          std::to_string(kTraceStateMaxMembers));
    if (!first_problem.empty()) return R::failure(first_problem);
    if (notes && empty_members > 0 && members > 0)
        notes->push_back(plural(empty_members, "empty list member was", "empty list members were") +
                         " skipped, as the spec allows");
    return ts;
}

Result<TraceState> parse_tracestate(const std::vector<std::string_view>& header_values, ParseNotes* notes) {
    std::string combined;
    for (size_t i = 0; i < header_values.size(); ++i) {
        if (i > 0) combined += ',';
        combined += header_values[i];
    }
    if (notes && header_values.size() > 1)
        notes->push_back(plural(header_values.size(), "tracestate header", "tracestate headers") +
                         " were joined with ',' into one list, in the order they arrived");
    return parse_tracestate(std::string_view(combined), notes);
}

std::string format_tracestate(const TraceState& ts) {
    std::string s;
    s.reserve(formatted_chars(ts));
    for (const auto& e : ts.entries) {
        if (!s.empty()) s += ',';
        s += e.key;
        s += '=';
        s += e.value;
    }
    return s;
}

// [SECTION] Receiving a request and calling onwards

const char* to_string(ContextDecision d) {
    switch (d) {
        case ContextDecision::Start:
            return "start";
        case ContextDecision::Continue:
            return "continue";
        case ContextDecision::Restart:
            return "restart";
    }
    return "?";
}

namespace {

bool name_is(std::string_view name, std::string_view expected) {
    if (name.size() != expected.size()) return false;
    for (size_t i = 0; i < name.size(); ++i)
        if (ascii_lower(name[i]) != expected[i]) return false;
    return true;
}

// "trace-parent", "Trace_State", "trace.parent": names a learner may have meant, which the spec does not accept.
bool looks_like(std::string_view name, std::string_view expected) {
    std::string squashed;
    for (char c : name)
        if (c != '-' && c != '_' && c != '.' && c != ' ') squashed += ascii_lower(c);
    return squashed == expected;
}

}  // namespace

ReceivedContext receive(const std::vector<HeaderField>& headers, size_t tracestate_max_chars) {
    ReceivedContext rc;
    std::vector<std::string_view> parents;
    std::vector<std::string_view> states;
    for (const auto& h : headers) {
        if (name_is(h.name, "traceparent")) {
            parents.push_back(h.value);
        } else if (name_is(h.name, "tracestate")) {
            states.push_back(h.value);
        } else if (looks_like(h.name, "traceparent") || looks_like(h.name, "tracestate")) {
            rc.explanation.push_back("A header named " + quote(h.name) +
                                     " was ignored: the name must be exactly \"traceparent\" or \"tracestate\" "
                                     "(any letter case, no '-' or '.').");
        }
    }
    rc.tracestate_received = !states.empty();

    if (parents.empty()) {
        rc.decision = ContextDecision::Start;
        rc.explanation.push_back(
            "No traceparent header arrived, so this service starts a new trace with a fresh "
            "trace id; its span is a root.");
    } else if (parents.size() > 1) {
        rc.decision = ContextDecision::Restart;
        rc.traceparent_problem = "the request carried " + std::to_string(parents.size()) +
                                 " traceparent headers, but a request has exactly one parent";
    } else {
        ParseNotes notes;
        auto parsed = parse_traceparent(parents[0], &notes);
        if (!parsed) {
            rc.decision = ContextDecision::Restart;
            rc.traceparent_problem = parsed.error();
        } else {
            rc.decision = ContextDecision::Continue;
            rc.parent = *parsed;
            for (auto& n : notes) rc.explanation.push_back("In the traceparent, " + n + ".");
            rc.explanation.push_back("The traceparent is valid, so this service continues trace " +
                                     to_hex(rc.parent.trace_id) + ": its span gets a new span id and records " +
                                     to_hex(rc.parent.parent_id) + " (the caller's span) as its parent.");
            rc.explanation.push_back(rc.parent.sampled()
                                         ? "The caller set the sampled flag: it may be recording this trace, so "
                                           "recording it here too keeps the trace whole."
                                         : "The sampled flag is clear: the caller is not recording this trace.");
            if (rc.parent.random())
                rc.explanation.push_back("The random flag is set, and is passed on unchanged with the trace id.");
            if (rc.parent.unknown_flags() != 0)
                rc.explanation.push_back(
                    "Flag bits other than sampled and random are not defined: they are "
                    "ignored and sent on as 0.");
        }
    }
    if (rc.decision == ContextDecision::Restart)
        rc.explanation.push_back("The traceparent was ignored because " + rc.traceparent_problem +
                                 ". The service restarts the trace: a new trace id, and its span is a root.");

    if (!rc.tracestate_received) return rc;
    if (!rc.continues()) {
        rc.tracestate_discarded = true;
        rc.tracestate_problem = rc.decision == ContextDecision::Start
                                    ? "a tracestate without a traceparent has no trace to belong to"
                                    : "the traceparent was invalid, and the spec forbids parsing tracestate then";
        rc.explanation.push_back("The tracestate was dropped: " + rc.tracestate_problem + ".");
        return rc;
    }
    ParseNotes notes;
    auto parsed = parse_tracestate(states, &notes);
    if (!parsed) {
        rc.tracestate_discarded = true;
        rc.tracestate_problem = parsed.error();
        rc.explanation.push_back("The whole tracestate was dropped because " + rc.tracestate_problem +
                                 ". The trace still continues: a bad tracestate never affects the traceparent.");
        return rc;
    }
    rc.tracestate = std::move(*parsed);
    for (auto& n : notes) rc.explanation.push_back("In the tracestate, " + n + ".");
    if (tracestate_max_chars > 0) {
        if (size_t removed = rc.tracestate.truncate(tracestate_max_chars); removed > 0)
            rc.explanation.push_back("The tracestate was longer than the " + std::to_string(tracestate_max_chars) +
                                     " characters this service passes on, so " +
                                     plural(removed, "whole entry was", "whole entries were") +
                                     " removed (long entries first, then from the right).");
    }
    if (rc.tracestate.empty()) {
        rc.tracestate_discarded = true;
        rc.explanation.push_back("The tracestate held no entries, so none is sent on.");
    } else {
        rc.explanation.push_back("The tracestate's " + plural(rc.tracestate.entries.size(), "entry is", "entries are") +
                                 " passed on in the same order; this service's own entry, if it adds one, goes "
                                 "first.");
    }
    return rc;
}

TraceParent begin_trace(IdGenerator& ids, bool sampled) {
    TraceParent tp;
    tp.trace_id = ids.trace_id();
    tp.parent_id = ids.span_id();
    tp.flags = static_cast<uint8_t>(kFlagRandom | (sampled ? kFlagSampled : 0));
    return tp;
}

TraceParent child_traceparent(const TraceParent& context, SpanId span, bool sampled) {
    TraceParent tp;
    tp.trace_id = context.trace_id;
    tp.parent_id = span;
    tp.flags = static_cast<uint8_t>((context.flags & kFlagRandom) | (sampled ? kFlagSampled : 0));
    return tp;
}

TraceParent service_context(const ReceivedContext& rc, IdGenerator& ids, bool sampled) {
    if (!rc.continues()) return begin_trace(ids, sampled);
    return child_traceparent(rc.parent, ids.span_id(), sampled);
}

}  // namespace tl
