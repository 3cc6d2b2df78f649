// Shared machinery of the trace format readers and writers (internal to sim/formats).
// - Where: a JSON Pointer built lazily, so the hot import loop allocates no path strings.
// - SpanImport: collects warnings (capped), interns, converts values, and settles a store after import
//   (end before start, duplicate span ids, Zipkin's shared client/server ids).
// - ResourceIndex: a store's resources by content, so equal ones are shared (imports and the receiver).
// - JsonWriter: a small streaming writer with deterministic output and UTF-8 repair.
// [SECTION] Ids and numbers  [SECTION] Where  [SECTION] ResourceIndex  [SECTION] SpanImport  [SECTION] JsonWriter  [SECTION] Readers
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sim/formats/formats.hpp"
#include "sim/io/json_read.hpp"
#include "sim/trace/trace_store.hpp"

namespace tl::formats {

// [SECTION] Ids and numbers

// 1..32 / 1..16 hex digits in either case, left-padded with zeros (Jaeger and Zipkin shorten ids).
std::optional<TraceId> parse_trace_id_padded(std::string_view hex);
std::optional<SpanId> parse_span_id_padded(std::string_view hex);
// Standard base64 (with or without padding) to bytes; nullopt on a bad character.
std::optional<std::string> base64_decode(std::string_view text);
std::string base64_encode(std::string_view bytes);
// Equal ignoring ASCII case (Jaeger's tag types and reference types come in either case).
bool ascii_iequals(std::string_view a, std::string_view b);
// A decimal integer string, optionally signed; nullopt when not a whole number or out of int64 range.
std::optional<int64_t> parse_decimal_i64(std::string_view s);
// Length of the valid UTF-8 sequence at p (1..4), or 0 when the bytes there are not valid UTF-8.
size_t utf8_sequence_length(const unsigned char* p, size_t available);

// [SECTION] Where

// A position in the document. Children point at their parent, which must outlive them (stack use).
struct Where {
    const Where* parent = nullptr;
    std::string_view key;
    size_t index = 0;
    bool is_index = false;
    [[nodiscard]] Where operator/(std::string_view k) const { return Where{this, k, 0, false}; }
    [[nodiscard]] Where operator/(size_t i) const { return Where{this, {}, i, true}; }
    [[nodiscard]] std::string pointer() const;  // "/resourceSpans/0/scopeSpans/1"; "/" for the root
};

// [SECTION] ResourceIndex

// The resources of one TraceStore by content (service and attributes, in order, compared with same_value), so
// an equal resource is found by one hash lookup instead of a compare with every earlier one. Resources the
// store gained since the last call are indexed on the next; clear() when the store is replaced.
class ResourceIndex {
public:
    static constexpr uint32_t kNone = UINT32_MAX;
    // The index in st.resources of a resource equal to (service, attrs), or kNone. `attrs` use st's string ids.
    uint32_t find(const TraceStore& st, StrId service, std::span<const Attribute> attrs);
    void clear() {
        by_hash_.clear();
        indexed_ = 0;
    }

private:
    std::unordered_multimap<uint64_t, uint32_t> by_hash_;  // content hash → index in st.resources
    size_t indexed_ = 0;
};

// [SECTION] SpanImport

class SpanImport {
public:
    SpanImport(std::string source, ImportedTrace& out) : source_(std::move(source)), out_(out) {}

    TraceStore& store() { return out_.store; }
    [[nodiscard]] const std::string& source() const { return source_; }
    StrId intern(std::string_view s) { return out_.store.strings.intern(s); }

    // "source: /path: message". Warnings beyond a cap are counted, not stored.
    void warn(const Where& at, std::string_view message);
    [[noreturn]] void fail(const Where& at, std::string_view message) const;
    // A time or duration in microseconds (Jaeger, Zipkin) as nanoseconds: a JSON number, or with
    // `decimal_strings` also a string of digits. Fails naming `what` ("a start time") when it is neither,
    // negative, or too large for nanoseconds in 64 bits.
    [[nodiscard]] int64_t micros_as_ns(const Json& v, const Where& at, const char* what, bool decimal_strings) const;
    [[nodiscard]] size_t warning_count() const { return warnings_seen_; }
    // A warning whose message is already complete (a caught LoadError of a skipped span).
    void add_warning(std::string full_message);

    // A resource for `service` with these attributes (already appended at [attr_begin, end)); identical
    // resources are shared, and a duplicate's attributes are dropped again.
    uint32_t resource(StrId service, uint32_t attr_begin);

    // Appends one attribute from a plain JSON value (Jaeger log fields, Chrome args, Zipkin tags).
    void add_plain_attr(std::string_view key, const Json& v);

    // Settles the store once all spans are in: fixes spans that end before they start, resolves duplicate
    // span ids (identical copies dropped; a CLIENT/SERVER pair sharing an id gets the server half a derived
    // id under the client; other clashes get a derived id), and emits the summary warnings.
    void finish();

private:
    void note(const std::string& message) { add_warning(source_ + ": " + message); }
    void settle_duplicate_ids();  // parts of finish()
    void settle_self_parents();
    std::string source_;
    ImportedTrace& out_;
    ResourceIndex resources_;
    size_t warnings_seen_ = 0;
};

// A plain JSON value (from an OTLP array/kvlist or a Jaeger/Chrome argument) as an attribute value.
AttrValue plain_json_value(TraceStore& store, const Json& v);
// The compact JSON text used to keep arrays and maps in a store (invalid UTF-8 replaced).
std::string compact_json(const Json& v);

// Two attribute values of one store are equal: same type and value (string ids compared; NaN equals NaN).
bool same_value(const AttrValue& a, const AttrValue& b);

// [SECTION] JsonWriter

class JsonWriter {
public:
    std::string out;
    void begin_object() {
        sep();
        out += '{';
        comma_ = false;
    }
    void end_object() {
        out += '}';
        comma_ = true;
    }
    void begin_array() {
        sep();
        out += '[';
        comma_ = false;
    }
    void end_array() {
        out += ']';
        comma_ = true;
    }
    void key(std::string_view k) {
        sep();
        quoted(k);
        out += ':';
        comma_ = false;
    }
    void string(std::string_view s) {
        sep();
        quoted(s);
        comma_ = true;
    }
    void integer(int64_t v);
    void unsigned_integer(uint64_t v);
    void real(double v);  // shortest round-trip form; NaN/Infinity as protobuf-JSON strings
    void boolean(bool b) {
        sep();
        out += b ? "true" : "false";
        comma_ = true;
    }
    void null() {
        sep();
        out += "null";
        comma_ = true;
    }
    // Pre-rendered JSON (must be valid).
    void raw(std::string_view json) {
        sep();
        out += json;
        comma_ = true;
    }
    // Nanoseconds as exact decimal microseconds ("1767225600000123.456", trailing zeros trimmed).
    void micros_exact(int64_t ns);
    // Shorthands for "key": value.
    void field(std::string_view k, std::string_view v) {
        key(k);
        string(v);
    }
    void field_int(std::string_view k, int64_t v) {
        key(k);
        integer(v);
    }

private:
    void sep() {
        if (comma_) out += ',';
    }
    void quoted(std::string_view s);
    bool comma_ = false;
};

// Microseconds (floor) of a nanosecond time, as Jaeger and Zipkin carry them.
constexpr int64_t floor_us(int64_t ns) {
    return ns >= 0 ? ns / 1000 : -((-ns + 999) / 1000);
}

// [SECTION] Readers and writers of each format (one file each)

// The careful reader of `format` (one of the four below).
void read_format(TraceFormat format, const Json& doc, SpanImport& in);
// Position of the first bracket that nests deeper than `limit` (strings skipped), or npos: checked before
// text reaches nlohmann's recursive parser.
size_t find_too_deep(std::string_view text, int limit);
void read_otlp(const Json& doc, SpanImport& in);
// Jaeger keeps some OTLP span fields as tags (span.kind, otel.status_code, otel.status_description, error,
// otel.scope.name / otel.library.name, w3c.tracestate): absorb() moves them from the span's tags into the
// span and drops them from its attribute range.
struct JaegerSpecialTags {
    explicit JaegerSpecialTags(TraceStore& st);
    void absorb(TraceStore& st, Span& s) const;
    StrId k_span_kind, k_status_code, k_status_desc, k_error, k_library, k_scope, k_tracestate;
};
// An OTLP span before its fields are read: proto3 defaults (kind unspecified, flags sampled).
Span otlp_span(uint32_t resource, StrId service, StrId scope);
// Enum names of the protobuf JSON mapping ("SPAN_KIND_SERVER", "STATUS_CODE_ERROR"); nullopt when unknown.
std::optional<SpanKind> otlp_kind_named(std::string_view name);
std::optional<StatusCode> otlp_status_named(std::string_view name);
// Zipkin v2 "kind": CLIENT, SERVER, PRODUCER or CONSUMER; nullopt for anything else.
std::optional<SpanKind> zipkin_kind_named(std::string_view kind);
// A Jaeger span reference. jaeger_references() makes the first CHILD_OF within the span's own trace its
// parent (else the first FOLLOWS_FROM there) and every other reference a link.
struct JaegerRef {
    TraceId trace;
    SpanId span;
    bool child_of = true;
};
void jaeger_references(TraceStore& st, Span& s, const std::vector<JaegerRef>& refs);
// Appends a Jaeger log as an event: its first "event" field (a string) names it, the other fields stay its
// attributes (appended from ev.attrs.begin to the end of the store).
void jaeger_log_event(TraceStore& st, SpanEvent& ev, StrId k_event);
// One OTLP AnyValue object ({"stringValue": …}, {"arrayValue": …}, …) as the OTLP reader keeps it.
AttrValue otlp_any_value(const Json& v, SpanImport& in);
void read_jaeger(const Json& doc, SpanImport& in);
void read_zipkin(const Json& doc, SpanImport& in);
void read_chrome(const Json& doc, SpanImport& in);
std::string write_otlp(const TraceStore& store);
std::string write_jaeger(const TraceStore& store);
std::string write_zipkin(const TraceStore& store);
std::string write_chrome(const TraceStore& store);

// [SECTION] Chrome slices (shared by the careful and the fast Chrome reader)

// A pid or tid as the file gives it: a number, or a string. Strings of decimal digits read as numbers (some
// tracers write 64-bit thread ids as strings); any other string is its own process or thread, named by `text`.
struct ChromeIdent {
    int64_t num = 0;
    StrId text = 0;  // non-zero: a string that is not a number
    friend bool operator<(const ChromeIdent& a, const ChromeIdent& b) {
        return a.text != b.text ? a.text < b.text : a.num < b.num;
    }
    friend bool operator==(const ChromeIdent& a, const ChromeIdent& b) { return a.text == b.text && a.num == b.num; }
};
ChromeIdent chrome_ident(TraceStore& st, std::string_view text);
std::string chrome_ident_text(const TraceStore& st, const ChromeIdent& id);  // "41", "renderer"
// Microseconds (fractions allowed) as nanoseconds; nullopt when they do not fit in 64 bits (±292 years).
std::optional<int64_t> chrome_micros_ns(double us);

// A complete slice: an "X" event, or a "B"/"E" pair. Its arguments wait in ChromeEvents::args.
struct ChromeSlice {
    ChromeIdent pid, tid;
    int64_t start_ns = 0, end_ns = 0;
    StrId name = 0, cat = 0;
    bool has_cat = false;
    AttrRange args, end_args;  // the begin (or X) event's and the E event's args, in ChromeEvents::args
    size_t index = 0;          // position of the (begin) event in the event list, for warnings
    size_t order = 0;          // arrival order, the last tie-break when nesting
};

struct ChromeEvents {
    std::vector<ChromeSlice> slices;
    std::vector<Attribute> args;
    std::map<ChromeIdent, StrId> process_names;  // from "M" process_name events
};

using ChromeWarn = std::function<void(const Where& at, const std::string& message)>;
// Turns the slices into spans: nested by time on each thread, each top-level slice a trace of its own; an
// improperly nested slice goes under the nearest slice that encloses it, and `warn` is told. `at` is the
// event list's path.
void nest_chrome_slices(ChromeEvents& events, SpanImport& in, const Where& at, const ChromeWarn& warn);

// [SECTION] Fast path (simdjson On-Demand, sim/formats/fast_import.cpp)

// Imports `text` with simdjson straight into `out` when it is a clean OTLP/JSON file (one request, or one per
// line), Jaeger, Zipkin or Chrome file, and returns true. Returns false, leaving `out` empty, as soon as
// anything needs the careful reader: invalid JSON, a value it would warn about, an unusual form. That reader
// then reads the text from scratch and words the error or warning with the file, line/column or JSON path.
// `padded`: at least kJsonPadding readable bytes follow the text (a file read with that room), so simdjson
// reads it in place instead of from a copy.
constexpr size_t kJsonPadding = 64;
bool import_fast(std::string_view text, const std::string& source, ImportedTrace& out, bool padded = false);

// Spans grouped by trace, traces in order of first appearance, spans in store order within each.
std::vector<std::vector<uint32_t>> spans_by_trace(const TraceStore& store);

}  // namespace tl::formats
