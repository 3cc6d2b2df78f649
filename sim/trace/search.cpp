// Search inside traces: parsing the query language (see search.hpp) and matching spans.
// [SECTION] Parsing  [SECTION] Matching  [SECTION] Navigation
#include "sim/trace/search.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

namespace tl {

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool contains_ci(std::string_view hay, const std::string& needle_lower) {
    if (needle_lower.empty()) return true;
    if (hay.size() < needle_lower.size()) return false;
    for (size_t i = 0; i + needle_lower.size() <= hay.size(); ++i) {
        size_t k = 0;
        while (k < needle_lower.size() &&
               std::tolower(static_cast<unsigned char>(hay[i + k])) == static_cast<unsigned char>(needle_lower[k]))
            ++k;
        if (k == needle_lower.size()) return true;
    }
    return false;
}

bool equals_ci(std::string_view a, const std::string& b_lower) {
    return a.size() == b_lower.size() && contains_ci(a, b_lower);
}

// Splits on spaces, keeping "quoted parts" together (the quotes are dropped).
std::vector<std::string> split_terms(std::string_view text) {
    std::vector<std::string> out;
    std::string cur;
    bool quoted = false, any = false;
    for (char c : text) {
        if (c == '"') {
            quoted = !quoted;
            any = true;
        } else if (!quoted && std::isspace(static_cast<unsigned char>(c))) {
            if (any) out.push_back(cur);
            cur.clear();
            any = false;
        } else {
            cur += c;
            any = true;
        }
    }
    if (any) out.push_back(cur);
    return out;
}

}  // namespace

// [SECTION] Parsing

bool parse_duration_ns(std::string_view text, int64_t& out) {
    size_t n = 0;
    while (n < text.size() && (std::isdigit(static_cast<unsigned char>(text[n])) || text[n] == '.')) ++n;
    if (n == 0) return false;
    double v = 0;
    auto r = std::from_chars(text.data(), text.data() + n, v);
    if (r.ec != std::errc() || r.ptr != text.data() + n || !std::isfinite(v)) return false;
    const std::string unit = lower(text.substr(n));
    double scale = 0;
    if (unit.empty() || unit == "ms")
        scale = 1e6;
    else if (unit == "ns")
        scale = 1;
    else if (unit == "us" || unit == "\xc2\xb5s")  // µs
        scale = 1e3;
    else if (unit == "s")
        scale = 1e9;
    else
        return false;
    const double ns = v * scale;
    if (ns > 9.2e18) return false;
    out = static_cast<int64_t>(std::llround(ns));
    return true;
}

Result<SpanQuery> parse_span_query(std::string_view text) {
    using K = SearchTerm::Kind;
    SpanQuery q;
    for (const std::string& raw : split_terms(text)) {
        SearchTerm t;
        const std::string low = lower(raw);
        if (low.rfind("duration", 0) == 0 && low.size() > 8 &&
            std::string_view("<>=").find(low[8]) != std::string::npos) {
            size_t p = 8;
            const char op = low[p++];
            const bool eq = p < low.size() && low[p] == '=';
            if (eq) ++p;
            t.kind = K::Duration;
            t.cmp = op == '<'   ? (eq ? SearchTerm::Cmp::LessEq : SearchTerm::Cmp::Less)
                    : op == '>' ? (eq ? SearchTerm::Cmp::GreaterEq : SearchTerm::Cmp::Greater)
                                : SearchTerm::Cmp::Equal;
            if (!parse_duration_ns(std::string_view(raw).substr(p), t.duration_ns))
                return Result<SpanQuery>::failure("\"" + raw +
                                                  "\": a duration needs a number with a unit, such as duration>50ms "
                                                  "(units: ns, us, ms, s)");
        } else if (const size_t eq = raw.find('='); eq != std::string::npos) {
            const std::string key = lower(raw.substr(0, eq));
            std::string value = raw.substr(eq + 1);
            if (key.empty()) return Result<SpanQuery>::failure("\"" + raw + "\": a key goes before the '='");
            t.value = lower(value);
            if (key == "service") {
                t.kind = K::Service;
            } else if (key == "name") {
                t.kind = K::Name;
            } else if (key == "kind") {
                t.kind = K::SpanKind;
            } else if (key == "status") {
                t.kind = K::Status;
                if (t.value != "error" && t.value != "ok" && t.value != "unset")
                    return Result<SpanQuery>::failure("\"" + raw + "\": status is error, ok or unset");
            } else if (key == "span" || key == "span_id") {
                t.kind = K::SpanIdPrefix;
            } else if (key == "trace" || key == "trace_id") {
                t.kind = K::TraceIdPrefix;
            } else {
                t.kind = K::Attribute;
                t.key = raw.substr(0, eq);
                t.value = std::move(value);
            }
        } else {
            t.kind = K::Word;
            t.value = low;
        }
        q.terms.push_back(std::move(t));
    }
    return q;
}

// [SECTION] Matching

bool SpanQuery::matches(const TraceStore& store, uint32_t index) const {
    using K = SearchTerm::Kind;
    const Span& s = store.spans[index];
    for (const SearchTerm& t : terms) {
        bool ok = false;
        switch (t.kind) {
            case K::Word:
                ok = contains_ci(store.str(s.service), t.value) || contains_ci(store.str(s.name), t.value) ||
                     to_hex(s.span_id).rfind(t.value, 0) == 0;
                break;
            case K::Service:
                ok = equals_ci(store.str(s.service), t.value);
                break;
            case K::Name:
                ok = equals_ci(store.str(s.name), t.value);
                break;
            case K::SpanKind:
                ok = t.value == to_string(s.kind);
                break;
            case K::Status:
                ok = t.value == to_string(s.status);
                break;
            case K::SpanIdPrefix:
                ok = !t.value.empty() && to_hex(s.span_id).rfind(t.value, 0) == 0;
                break;
            case K::TraceIdPrefix:
                ok = !t.value.empty() && to_hex(s.trace_id).rfind(t.value, 0) == 0;
                break;
            case K::Attribute:
                for (const Attribute& a : store.attrs(s.attrs))
                    if (store.str(a.key) == t.key && store.value_text(a.value) == t.value) ok = true;
                break;
            case K::Duration: {
                const int64_t d = s.duration_ns();
                switch (t.cmp) {
                    case SearchTerm::Cmp::Less:
                        ok = d < t.duration_ns;
                        break;
                    case SearchTerm::Cmp::LessEq:
                        ok = d <= t.duration_ns;
                        break;
                    case SearchTerm::Cmp::Equal:
                        ok = d == t.duration_ns;
                        break;
                    case SearchTerm::Cmp::GreaterEq:
                        ok = d >= t.duration_ns;
                        break;
                    case SearchTerm::Cmp::Greater:
                        ok = d > t.duration_ns;
                        break;
                }
                break;
            }
        }
        if (!ok) return false;
    }
    return true;
}

std::vector<uint32_t> search_trace(const TraceStore& store, const Analysis& analysis, uint32_t trace,
                                   const SpanQuery& query) {
    std::vector<uint32_t> out;
    if (trace >= analysis.traces.size() || query.empty()) return out;
    for (uint32_t i : analysis.traces[trace].spans)
        if (query.matches(store, i)) out.push_back(i);
    return out;
}

// [SECTION] Navigation

int32_t step_match(const Analysis& analysis, uint32_t trace, const std::vector<uint32_t>& matches, int32_t current,
                   bool forward) {
    if (matches.empty() || trace >= analysis.traces.size()) return -1;
    const auto& order = analysis.traces[trace].spans;
    // Position of `current` in the pre-order (matches are in the same order), found once: O(spans).
    int64_t pos = -1;
    if (current >= 0)
        for (size_t k = 0; k < order.size(); ++k)
            if (order[k] == static_cast<uint32_t>(current)) pos = static_cast<int64_t>(k);
    if (pos < 0) return static_cast<int32_t>(forward ? matches.front() : matches.back());
    // Rank of each match in the pre-order via one pass.
    std::vector<int64_t> rank;
    rank.reserve(matches.size());
    size_t m = 0;
    for (size_t k = 0; k < order.size() && m < matches.size(); ++k)
        if (order[k] == matches[m]) {
            rank.push_back(static_cast<int64_t>(k));
            ++m;
        }
    if (forward) {
        for (size_t k = 0; k < rank.size(); ++k)
            if (rank[k] > pos) return static_cast<int32_t>(matches[k]);
        return static_cast<int32_t>(matches.front());
    }
    for (size_t k = rank.size(); k-- > 0;)
        if (rank[k] < pos) return static_cast<int32_t>(matches[k]);
    return static_cast<int32_t>(matches.back());
}

}  // namespace tl
