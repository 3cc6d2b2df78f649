// Shared machinery of the trace format readers and writers: ids, base64, JSON pointers, the import
// settling pass (times, duplicate span ids) and the streaming JSON writer.
// [SECTION] Ids and numbers  [SECTION] Where  [SECTION] SpanImport  [SECTION] JsonWriter
#include "sim/formats/format_io.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <span>
#include <cstring>
#include <unordered_map>
#include <unordered_set>

namespace tl::formats {

// [SECTION] Ids and numbers

namespace {

constexpr std::string_view kBase64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int base64_value(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+' || c == '-') return 62;
    if (c == '/' || c == '_') return 63;
    return -1;
}

uint64_t splitmix64(uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}
}  // namespace

std::optional<TraceId> parse_trace_id_padded(std::string_view hex) {
    if (hex.empty() || hex.size() > 32) return std::nullopt;
    TraceId id;
    const size_t lo_len = std::min<size_t>(16, hex.size());
    const std::string_view hi = hex.substr(0, hex.size() - lo_len);
    const std::string_view lo = hex.substr(hex.size() - lo_len);
    const auto h = hi.empty() ? std::optional<uint64_t>(0) : parse_hex_u64(hi);
    const auto l = parse_hex_u64(lo);
    if (!h || !l) return std::nullopt;
    id.hi = *h;
    id.lo = *l;
    return id;
}

std::optional<SpanId> parse_span_id_padded(std::string_view hex) {
    if (hex.empty() || hex.size() > 16) return std::nullopt;
    const auto v = parse_hex_u64(hex);
    if (!v) return std::nullopt;
    return SpanId{*v};
}

std::optional<std::string> base64_decode(std::string_view text) {
    while (!text.empty() && text.back() == '=') text.remove_suffix(1);
    std::string out;
    out.reserve(text.size() * 3 / 4);
    uint32_t acc = 0;
    int bits = 0;
    for (char c : text) {
        const int v = base64_value(c);
        if (v < 0) return std::nullopt;
        acc = (acc << 6) | static_cast<uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((acc >> bits) & 0xff);
        }
    }
    if (bits >= 6) return std::nullopt;  // a lone trailing character carries no whole byte
    return out;
}

std::string base64_encode(std::string_view bytes) {
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        const uint32_t v = (static_cast<uint8_t>(bytes[i]) << 16) | (static_cast<uint8_t>(bytes[i + 1]) << 8) |
                           static_cast<uint8_t>(bytes[i + 2]);
        out += kBase64[v >> 18];
        out += kBase64[(v >> 12) & 63];
        out += kBase64[(v >> 6) & 63];
        out += kBase64[v & 63];
    }
    if (i < bytes.size()) {
        uint32_t v = static_cast<uint8_t>(bytes[i]) << 16;
        if (i + 1 < bytes.size()) v |= static_cast<uint8_t>(bytes[i + 1]) << 8;
        out += kBase64[v >> 18];
        out += kBase64[(v >> 12) & 63];
        out += i + 1 < bytes.size() ? kBase64[(v >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

bool ascii_iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    // ASCII only, so no locale lookups: 'A'..'Z' get the 0x20 bit.
    auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c | 0x20) : c; };
    for (size_t i = 0; i < a.size(); ++i)
        if (lower(a[i]) != lower(b[i])) return false;
    return true;
}

std::optional<int64_t> parse_decimal_i64(std::string_view s) {
    if (!s.empty() && s.front() == '+') s.remove_prefix(1);
    if (s.empty()) return std::nullopt;
    int64_t v = 0;
    auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return std::nullopt;
    return v;
}

size_t utf8_sequence_length(const unsigned char* p, size_t available) {
    const unsigned char c = p[0];
    if (c < 0x80) return 1;
    size_t len = 0;
    unsigned char lo = 0x80, hi = 0xbf;  // allowed range of the second byte (RFC 3629 table)
    if (c >= 0xc2 && c <= 0xdf) {
        len = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        if (c == 0xe0) lo = 0xa0;
        if (c == 0xed) hi = 0x9f;  // no UTF-16 surrogates
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        if (c == 0xf0) lo = 0x90;
        if (c == 0xf4) hi = 0x8f;
    } else {
        return 0;
    }
    if (available < len) return 0;
    if (p[1] < lo || p[1] > hi) return 0;
    for (size_t i = 2; i < len; ++i)
        if (p[i] < 0x80 || p[i] > 0xbf) return 0;
    return len;
}

// [SECTION] Where

std::string Where::pointer() const {
    std::vector<const Where*> chain;
    for (const Where* w = this; w != nullptr && (w->parent != nullptr || w->is_index || !w->key.empty()); w = w->parent)
        chain.push_back(w);
    if (chain.empty()) return "/";
    std::string out;
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
        out += '/';
        out += (*it)->is_index ? std::to_string((*it)->index) : json_pointer_token((*it)->key);
    }
    return out;
}

bool same_value(const AttrValue& a, const AttrValue& b) {
    if (a.type != b.type) return false;
    switch (a.type) {
        case ValueType::Empty:
            return true;
        case ValueType::Bool:
            return a.b == b.b;
        case ValueType::Int:
            return a.i == b.i;
        case ValueType::Double:
            return a.d == b.d || (std::isnan(a.d) && std::isnan(b.d));
        default:
            return a.s == b.s;
    }
}

// [SECTION] SpanImport

namespace {
constexpr size_t kMaxWarnings = 50;

struct SpanKey {
    TraceId trace;
    uint64_t span = 0;
    friend bool operator==(const SpanKey&, const SpanKey&) = default;
};
struct SpanKeyHash {
    size_t operator()(const SpanKey& k) const noexcept {
        return static_cast<size_t>(splitmix64(k.trace.hi ^ splitmix64(k.trace.lo ^ k.span)));
    }
};

// Whether two spans share a (trace id, span id): an open-addressing table of span indices, so the common
// case (no duplicates) costs no allocation per span. Linear probing over a table at most half full.
bool any_duplicate_ids(const std::vector<Span>& spans) {
    size_t capacity = 16;
    while (capacity < spans.size() * 2) capacity <<= 1;
    std::vector<uint32_t> table(capacity, 0);  // span index + 1; 0 is free
    const size_t mask = capacity - 1;
    for (uint32_t i = 0; i < spans.size(); ++i) {
        const Span& s = spans[i];
        size_t h = SpanKeyHash{}(SpanKey{s.trace_id, s.span_id.value}) & mask;
        while (table[h] != 0) {
            const Span& other = spans[table[h] - 1];
            if (other.span_id == s.span_id && other.trace_id == s.trace_id) return true;
            h = (h + 1) & mask;
        }
        table[h] = i + 1;
    }
    return false;
}

bool same_content(const Span& a, const Span& b) {
    return a.parent_span_id == b.parent_span_id && a.name == b.name && a.service == b.service &&
           a.start_ns == b.start_ns && a.end_ns == b.end_ns && a.kind == b.kind;
}

std::string describe(const TraceStore& st, const Span& s) {
    return "span " + to_hex(s.span_id) + " \"" + std::string(st.str(s.name)) + "\"";
}
}  // namespace

void SpanImport::warn(const Where& at, std::string_view message) {
    ++warnings_seen_;
    if (out_.warnings.size() >= kMaxWarnings) return;
    out_.warnings.push_back(source_ + ": " + at.pointer() + ": " + std::string(message));
}

void SpanImport::add_warning(std::string full_message) {
    ++warnings_seen_;
    if (std::string_view(full_message).ends_with(" (span skipped)")) ++out_.skipped_spans;
    if (out_.warnings.size() >= kMaxWarnings) return;
    out_.warnings.push_back(std::move(full_message));
}

void SpanImport::fail(const Where& at, std::string_view message) const {
    throw LoadError(source_ + ": " + at.pointer() + ": " + std::string(message));
}

int64_t SpanImport::micros_as_ns(const Json& v, const Where& at, const char* what, bool decimal_strings) const {
    int64_t us = 0;
    if (v.is_number_integer() || (v.is_number_unsigned() && v.get<uint64_t>() <= INT64_MAX)) {
        us = v.get<int64_t>();
    } else if (v.is_number_float() && std::isfinite(v.get<double>()) && std::fabs(v.get<double>()) < 9e15) {
        us = static_cast<int64_t>(std::floor(v.get<double>()));
    } else if (const auto parsed = decimal_strings && v.is_string() ? parse_decimal_i64(v.get_ref<const std::string&>())
                                                                    : std::nullopt) {
        us = *parsed;
    } else {
        fail(at, std::string("expected ") + what + " in microseconds, found " + v.dump().substr(0, 40));
    }
    if (us < 0) fail(at, std::string(what) + " cannot be negative");
    if (us > INT64_MAX / 1000) fail(at, v.dump() + " microseconds is too large");
    return us * 1000;
}

namespace {
// A hash of a resource's content that agrees with same_value: equal resources hash alike.
uint64_t resource_hash(StrId service, std::span<const Attribute> attrs) {
    uint64_t h = splitmix64(service ^ (uint64_t(attrs.size()) << 32));
    for (const Attribute& a : attrs) {
        uint64_t bits = 0;
        switch (a.value.type) {
            case ValueType::Empty:
                break;
            case ValueType::Bool:
                bits = a.value.b ? 1 : 0;
                break;
            case ValueType::Int:
                bits = static_cast<uint64_t>(a.value.i);
                break;
            case ValueType::Double:
                // same_value: every NaN is alike, and 0.0 == -0.0.
                if (std::isnan(a.value.d)) bits = 0x7ff8000000000000ULL;
                else if (a.value.d != 0.0) std::memcpy(&bits, &a.value.d, sizeof bits);
                break;
            default:
                bits = a.value.s;
        }
        h = splitmix64(h ^ a.key ^ (uint64_t(a.value.type) << 40) ^ splitmix64(bits));
    }
    return h;
}
}  // namespace

uint32_t ResourceIndex::find(const TraceStore& st, StrId service, std::span<const Attribute> attrs) {
    for (; indexed_ < st.resources.size(); ++indexed_) {
        const Resource& res = st.resources[indexed_];
        by_hash_.emplace(resource_hash(res.service, st.attrs(res.attrs)), static_cast<uint32_t>(indexed_));
    }
    for (auto [it, end] = by_hash_.equal_range(resource_hash(service, attrs)); it != end; ++it) {
        const Resource& res = st.resources[it->second];
        if (res.service != service || res.attrs.count != attrs.size()) continue;
        bool same = true;
        for (uint32_t k = 0; k < res.attrs.count && same; ++k) {
            const Attribute& a = st.attributes[res.attrs.begin + k];
            same = a.key == attrs[k].key && same_value(a.value, attrs[k].value);
        }
        if (same) return it->second;
    }
    return kNone;
}

uint32_t SpanImport::resource(StrId service, uint32_t attr_begin) {
    TraceStore& st = out_.store;
    const auto count = static_cast<uint32_t>(st.attributes.size() - attr_begin);
    const uint32_t found = resources_.find(st, service, std::span<const Attribute>(st.attributes.data() + attr_begin, count));
    if (found != ResourceIndex::kNone) {
        st.attributes.resize(attr_begin);  // the copy's attributes are not needed
        return found;
    }
    st.resources.push_back(Resource{service, AttrRange{attr_begin, count}});
    return static_cast<uint32_t>(st.resources.size() - 1);
}

void SpanImport::add_plain_attr(std::string_view key, const Json& v) {
    TraceStore& st = out_.store;
    st.attributes.push_back(Attribute{st.strings.intern(key), plain_json_value(st, v)});
}

void SpanImport::finish() {
    TraceStore& st = out_.store;
    auto& spans = st.spans;

    // Spans that end before they start keep their start; a negative duration would break every view.
    size_t backwards = 0;
    std::string first_backwards;
    for (Span& s : spans) {
        if (s.end_ns >= s.start_ns) continue;
        if (backwards++ == 0) first_backwards = describe(st, s);
        s.end_ns = s.start_ns;
    }
    if (backwards > 0)
        note(std::to_string(backwards) + " span(s) end before they start (first: " + first_backwards +
             "); their duration was set to 0");

    // Duplicate span ids within a trace (rare: most files have none, and then this is skipped).
    if (any_duplicate_ids(spans)) settle_duplicate_ids();
    settle_self_parents();
    if (warnings_seen_ > out_.warnings.size())
        out_.warnings.push_back(source_ + ": … and " + std::to_string(warnings_seen_ - out_.warnings.size()) +
                                " more warnings");
}

void SpanImport::settle_duplicate_ids() {
    TraceStore& st = out_.store;
    auto& spans = st.spans;
    std::unordered_map<SpanKey, uint32_t, SpanKeyHash> first;
    first.reserve(spans.size());
    std::vector<uint8_t> drop;
    std::unordered_set<uint64_t> used;
    struct Shared {
        uint64_t derived = 0;
        uint32_t client = 0, server = 0;
    };
    std::unordered_map<SpanKey, Shared, SpanKeyHash> shared;
    size_t identical = 0, clashes = 0;
    std::string first_identical, first_clash, first_shared;
    uint64_t salt = 0;
    auto derive = [&](uint64_t old) {
        if (used.empty())
            for (const Span& s : spans) used.insert(s.span_id.value);
        uint64_t x = old;
        do x = splitmix64(x ^ ++salt);
        while (x == 0 || used.count(x) != 0);
        used.insert(x);
        return x;
    };
    for (uint32_t i = 0; i < spans.size(); ++i) {
        const SpanKey key{spans[i].trace_id, spans[i].span_id.value};
        auto [it, inserted] = first.try_emplace(key, i);
        if (inserted) continue;
        const uint32_t j = it->second;
        Span& a = spans[j];
        Span& b = spans[i];
        if (same_content(a, b)) {
            if (drop.empty()) drop.resize(spans.size(), 0);
            drop[i] = 1;
            if (identical++ == 0) first_identical = describe(st, b);
            continue;
        }
        const bool pair = (a.kind == SpanKind::Client && b.kind == SpanKind::Server) ||
                          (a.kind == SpanKind::Server && b.kind == SpanKind::Client);
        if (pair && shared.find(key) == shared.end()) {
            const uint32_t server = a.kind == SpanKind::Server ? j : i;
            const uint32_t client = server == j ? i : j;
            const uint64_t derived = derive(key.span);
            spans[server].span_id.value = derived;
            spans[server].parent_span_id.value = key.span;
            it->second = client;
            shared.emplace(key, Shared{derived, client, server});
            if (first_shared.empty()) first_shared = describe(st, spans[client]);
            continue;
        }
        if (clashes++ == 0) first_clash = describe(st, b);
        b.span_id.value = derive(key.span);
    }
    if (!shared.empty()) {
        // Whatever named the shared id as its parent ran inside the server half (Jaeger's convention).
        for (uint32_t k = 0; k < spans.size(); ++k) {
            auto it = shared.find(SpanKey{spans[k].trace_id, spans[k].parent_span_id.value});
            if (it == shared.end() || k == it->second.client || k == it->second.server) continue;
            spans[k].parent_span_id.value = it->second.derived;
        }
        note(std::to_string(shared.size()) + " client/server pair(s) shared one span id (first: " + first_shared +
             "); each server half was given its own id under its client half");
    }
    if (identical > 0)
        note(std::to_string(identical) + " span(s) appeared more than once with the same content (first: " +
             first_identical + "); the copies were dropped");
    if (clashes > 0)
        note(std::to_string(clashes) + " span(s) reused another span's id in the same trace (first: " + first_clash +
             "); each was given a derived id");
    if (!drop.empty()) {
        size_t w = 0;
        for (size_t r = 0; r < spans.size(); ++r)
            if (drop[r] == 0) spans[w++] = spans[r];
        spans.resize(w);
    }
}

void SpanImport::settle_self_parents() {
    TraceStore& st = out_.store;
    auto& spans = st.spans;
    // A span naming itself as parent is a root (Zipkin's span builder drops such a self-reference too).
    // After the ids are settled, so a span that only shares its id with another is not taken for one.
    size_t self_parent = 0;
    std::string first_self;
    for (Span& s : spans) {
        if (!s.parent_span_id.valid() || s.parent_span_id != s.span_id) continue;
        if (self_parent++ == 0) first_self = describe(st, s);
        s.parent_span_id = SpanId{};
    }
    if (self_parent > 0)
        note(std::to_string(self_parent) + " span(s) named themselves as parent (first: " + first_self +
             "); each was read as a root");
}

AttrValue plain_json_value(TraceStore& store, const Json& v) {
    switch (v.type()) {
        case Json::value_t::string:
            return AttrValue::str(store.strings.intern(v.get_ref<const std::string&>()));
        case Json::value_t::boolean:
            return AttrValue::boolean(v.get<bool>());
        case Json::value_t::number_integer:
            return AttrValue::integer(v.get<int64_t>());
        case Json::value_t::number_unsigned: {
            const auto u = v.get<uint64_t>();
            if (u <= static_cast<uint64_t>(INT64_MAX)) return AttrValue::integer(static_cast<int64_t>(u));
            return AttrValue::real(static_cast<double>(u));
        }
        case Json::value_t::number_float:
            return AttrValue::real(v.get<double>());
        case Json::value_t::array: {
            AttrValue a = AttrValue::str(store.strings.intern(compact_json(v)));
            a.type = ValueType::Array;
            return a;
        }
        case Json::value_t::object: {
            AttrValue a = AttrValue::str(store.strings.intern(compact_json(v)));
            a.type = ValueType::KvList;
            return a;
        }
        default:
            return AttrValue{};
    }
}

std::string compact_json(const Json& v) {
    return v.dump(-1, ' ', false, Json::error_handler_t::replace);
}

// [SECTION] JsonWriter

void JsonWriter::integer(int64_t v) {
    sep();
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
    comma_ = true;
}

void JsonWriter::unsigned_integer(uint64_t v) {
    sep();
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
    comma_ = true;
}

void JsonWriter::real(double v) {
    if (std::isnan(v)) return string("NaN");
    if (std::isinf(v)) return string(v > 0 ? "Infinity" : "-Infinity");
    sep();
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
    comma_ = true;
}

void JsonWriter::micros_exact(int64_t ns) {
    sep();
    uint64_t mag = ns < 0 ? static_cast<uint64_t>(-(ns + 1)) + 1 : static_cast<uint64_t>(ns);
    if (ns < 0) out += '-';
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, mag / 1000);
    out.append(buf, r.ptr);
    if (uint64_t frac = mag % 1000; frac != 0) {
        char f[4] = {static_cast<char>('0' + frac / 100), static_cast<char>('0' + frac / 10 % 10),
                     static_cast<char>('0' + frac % 10), 0};
        size_t len = 3;
        while (f[len - 1] == '0') --len;
        out += '.';
        out.append(f, len);
    }
    comma_ = true;
}

void JsonWriter::quoted(std::string_view s) {
    static constexpr char kHex[] = "0123456789abcdef";
    out += '"';
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const size_t n = s.size();
    size_t i = 0;
    while (i < n) {
        const unsigned char c = p[i];
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
            size_t j = i + 1;
            while (j < n && p[j] >= 0x20 && p[j] < 0x80 && p[j] != '"' && p[j] != '\\') ++j;
            out.append(s.data() + i, j - i);
            i = j;
            continue;
        }
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
            ++i;
        } else if (c < 0x20) {
            switch (c) {
                case '\n':
                    out += "\\n";
                    break;
                case '\r':
                    out += "\\r";
                    break;
                case '\t':
                    out += "\\t";
                    break;
                case '\b':
                    out += "\\b";
                    break;
                case '\f':
                    out += "\\f";
                    break;
                default:
                    out += "\\u00";
                    out += kHex[c >> 4];
                    out += kHex[c & 15];
            }
            ++i;
        } else {
            const size_t len = utf8_sequence_length(p + i, n - i);
            if (len == 0) {
                out += "\xef\xbf\xbd";  // U+FFFD for a byte that is not UTF-8
                ++i;
            } else {
                out.append(s.data() + i, len);
                i += len;
            }
        }
    }
    out += '"';
}

std::vector<std::vector<uint32_t>> spans_by_trace(const TraceStore& store) {
    std::vector<std::vector<uint32_t>> groups;
    std::unordered_map<SpanKey, uint32_t, SpanKeyHash> index;
    for (uint32_t i = 0; i < store.spans.size(); ++i) {
        auto [it, inserted] =
            index.try_emplace(SpanKey{store.spans[i].trace_id, 0}, static_cast<uint32_t>(groups.size()));
        if (inserted) groups.emplace_back();
        groups[it->second].push_back(i);
    }
    return groups;
}

}  // namespace tl::formats
