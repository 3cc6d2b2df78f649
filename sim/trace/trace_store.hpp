// TraceStore: the observed spans a tracing backend holds, in flat arrays with interned strings.
// - Filled by the engine (simulation) and by the importers (real trace files); read by analysis,
//   exporters and the UI. One shape for both, so an imported trace gets every view a simulated one has.
// - Attributes of spans, events, links and resources live in one shared array; each owner keeps a range.
// - clear() keeps capacity and the string pool, so a re-simulation allocates nothing.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <absl/container/flat_hash_map.h>

#include "sim/trace/ids.hpp"

namespace tl {

using StrId = uint32_t;

// Interns strings; ids are stable for the pool's lifetime. Id 0 is always the empty string.
// - The text lives in blocks of kBlockBytes (a longer string gets a block of its own), so interning a new
//   string costs no allocation of its own; the index is an open-addressing hash map (Abseil's).
class StringPool {
public:
    StringPool();
    // Copies rebuild the blocks and the index over the copy's own storage; moves keep the blocks, and with
    // them every view handed out.
    StringPool(const StringPool& other);
    StringPool& operator=(const StringPool& other);
    StringPool(StringPool&& other) noexcept { *this = std::move(other); }
    StringPool& operator=(StringPool&& other) noexcept;  // the moved-from pool is empty and usable
    ~StringPool() = default;
    StrId intern(std::string_view s);
    [[nodiscard]] std::string_view get(StrId id) const { return views_[id]; }
    [[nodiscard]] size_t size() const { return views_.size(); }
    // Id of `s` if already interned.
    [[nodiscard]] bool find(std::string_view s, StrId* out) const;

    static constexpr size_t kBlockBytes = size_t(64) << 10;

private:
    std::string_view store(std::string_view s);  // a stable copy of s
    std::vector<std::unique_ptr<char[]>> blocks_;
    char* free_ = nullptr;  // the unused end of the block being filled
    size_t free_bytes_ = 0;
    std::vector<std::string_view> views_;
    absl::flat_hash_map<std::string_view, StrId> index_;
};

// A front for StringPool::intern when the same strings keep coming back, as in an SDK batch or a trace file
// (the same attribute keys in the same order on every span, a few span names, many equal values). Each list
// position remembers the id it last gave, and a small table indexed by a few bytes of the string remembers
// more; a hit costs one compare with the pooled text instead of a hash over the whole string and a lookup.
// Any string may be passed anywhere: a miss interns it. Positions are taken modulo kSlots.
class InternMemo {
public:
    static constexpr size_t kSlots = 32;
    explicit InternMemo(StringPool& pool) : pool_(pool) {}
    StrId key(size_t position, std::string_view s) { return get(keys_[position % kSlots], s); }
    StrId value(size_t position, std::string_view s) { return get(values_[position % kSlots], s); }
    StrId name(std::string_view s) { return cached(s); }

private:
    StrId get(StrId& slot, std::string_view s) {
        if (pool_.get(slot) == s) return slot;  // slot 0 is "", which the pool always has
        slot = cached(s);
        return slot;
    }
    StrId cached(std::string_view s) {
        if (s.empty()) return 0;
        const auto byte = [&](size_t i) { return static_cast<size_t>(static_cast<unsigned char>(s[i])); };
        const size_t h = (s.size() * 0x9e37 ^ byte(0) * 31 ^ byte(s.size() / 2) * 131 ^ byte(s.size() - 1) * 7) %
                         kTable;
        StrId& slot = table_[h];
        if (pool_.get(slot) == s) return slot;
        slot = pool_.intern(s);
        return slot;
    }
    static constexpr size_t kTable = 1024;
    StringPool& pool_;
    StrId keys_[kSlots] = {}, values_[kSlots] = {};
    StrId table_[kTable] = {};
};

// Values as OTLP's AnyValue carries them. Bytes, arrays and key-value lists are kept as their JSON
// rendering (in `s`) so they survive import and display; the simulator only produces the scalar kinds.
enum class ValueType : uint8_t { Empty, String, Bool, Int, Double, Bytes, Array, KvList };

struct AttrValue {
    ValueType type = ValueType::Empty;
    union {
        int64_t i;
        double d;
        bool b;
        StrId s;
    };
    AttrValue() : i(0) {}
    static AttrValue str(StrId id) {
        AttrValue v;
        v.type = ValueType::String;
        v.s = id;
        return v;
    }
    static AttrValue integer(int64_t x) {
        AttrValue v;
        v.type = ValueType::Int;
        v.i = x;
        return v;
    }
    static AttrValue real(double x) {
        AttrValue v;
        v.type = ValueType::Double;
        v.d = x;
        return v;
    }
    static AttrValue boolean(bool x) {
        AttrValue v;
        v.type = ValueType::Bool;
        v.b = x;
        return v;
    }
};

struct Attribute {
    StrId key = 0;
    AttrValue value;
};

// OTLP enum values, so they serialise as themselves.
enum class SpanKind : uint8_t { Unspecified = 0, Internal = 1, Server = 2, Client = 3, Producer = 4, Consumer = 5 };
enum class StatusCode : uint8_t { Unset = 0, Ok = 1, Error = 2 };

const char* to_string(SpanKind k);    // "server", "client", …
const char* to_string(StatusCode c);  // "unset", "ok", "error"

struct AttrRange {
    uint32_t begin = 0;
    uint32_t count = 0;
};

struct SpanEvent {
    StrId name = 0;
    int64_t time_ns = 0;
    AttrRange attrs;
};

struct SpanLink {
    TraceId trace_id;
    SpanId span_id;
    StrId trace_state = 0;
    AttrRange attrs;
};

// One process that reported spans (OTLP Resource); `service` is its service.name.
struct Resource {
    StrId service = 0;
    AttrRange attrs;
};

struct Span {
    TraceId trace_id;
    SpanId span_id;
    SpanId parent_span_id;  // invalid (0) for a root
    StrId name = 0;
    StrId service = 0;  // same as resources[resource].service, kept here for fast grouping
    StrId trace_state = 0;
    StrId status_message = 0;
    StrId scope = 0;  // instrumentation scope name
    SpanKind kind = SpanKind::Internal;
    StatusCode status = StatusCode::Unset;
    uint8_t flags = 1;  // W3C trace-flags as received/recorded; bit 0 = sampled
    int64_t start_ns = 0;
    int64_t end_ns = 0;
    AttrRange attrs;
    uint32_t event_begin = 0, event_count = 0;
    uint32_t link_begin = 0, link_count = 0;
    uint32_t resource = 0;
    int32_t op = -1;  // engine: index of the ground-truth operation; import: -1
    [[nodiscard]] int64_t duration_ns() const { return end_ns - start_ns; }
    [[nodiscard]] bool is_root() const { return !parent_span_id.valid(); }
};

class TraceStore {
public:
    StringPool strings;
    std::vector<Span> spans;
    std::vector<Attribute> attributes;
    std::vector<SpanEvent> events;
    std::vector<SpanLink> links;
    std::vector<Resource> resources;

    // Drops all spans but keeps capacity and interned strings.
    void clear();
    [[nodiscard]] std::string_view str(StrId id) const { return strings.get(id); }
    [[nodiscard]] std::span<const Attribute> attrs(AttrRange r) const { return {attributes.data() + r.begin, r.count}; }
    [[nodiscard]] std::span<const SpanEvent> events_of(const Span& s) const {
        return {events.data() + s.event_begin, s.event_count};
    }
    [[nodiscard]] std::span<const SpanLink> links_of(const Span& s) const {
        return {links.data() + s.link_begin, s.link_count};
    }
    // Finds an attribute of a span by key; nullptr when absent.
    [[nodiscard]] const AttrValue* find_attr(const Span& s, std::string_view key) const;
    // A value as a learner reads it: strings unquoted, numbers in shortest form.
    [[nodiscard]] std::string value_text(const AttrValue& v) const;
    // Index of the resource for `service`, created on first use.
    uint32_t resource_for(StrId service);
};

}  // namespace tl
