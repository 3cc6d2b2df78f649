// Zipkin v2 JSON: a list of spans, times in microseconds, string tags, annotations.
// - Import: kind CLIENT/SERVER/PRODUCER/CONSUMER (none means a local span), localEndpoint.serviceName as the
//   service, "error" / otel.status_code tags as status, annotations as events. A CLIENT and a SERVER that
//   share one span id (Zipkin's "shared" span) become two spans; SpanImport::finish() separates them.
// - Export: one span per store span; tags carry the attributes as text (Zipkin has no typed tags).
// [SECTION] Reading  [SECTION] Writing
#include <cmath>
#include <map>

#include "sim/formats/format_io.hpp"

namespace tl::formats {

namespace {

// [SECTION] Reading

std::string_view text_of(const Json& v) {
    return v.get_ref<const std::string&>();
}

struct ZipkinReader {
    SpanImport& in;
    TraceStore& st;
    struct Untimed {
        uint32_t span = 0;  // index into st.spans
        size_t at = 0;      // index in the document
    };
    std::vector<Untimed> untimed;

    std::string_view need_string(const Json& v, const Where& w) {
        if (!v.is_string()) in.fail(w, std::string("expected a string, found ") + json_type_name(v));
        return text_of(v);
    }

    void span(const Json& v, const Where& w) {
        if (!v.is_object()) in.fail(w, std::string("expected a span object, found ") + json_type_name(v));
        auto f = [&](std::string_view key) -> const Json* {
            auto it = v.find(key);
            return it == v.end() || it->is_null() ? nullptr : &*it;
        };
        Span s;
        const Json* tid = f("traceId");
        if (!tid) in.fail(w, "missing required field \"traceId\"");
        auto trace = parse_trace_id_padded(need_string(*tid, w / "traceId"));
        if (!trace || !trace->valid())
            in.fail(w / "traceId", "expected a trace id of 16 or 32 hex digits, found \"" +
                                       std::string(text_of(*tid)).substr(0, 40) + "\"");
        s.trace_id = *trace;
        const Json* sid = f("id");
        if (!sid) in.fail(w, "missing required field \"id\"");
        auto id = parse_span_id_padded(need_string(*sid, w / "id"));
        if (!id || !id->valid())
            in.fail(w / "id",
                    "expected a span id of 16 hex digits, found \"" + std::string(text_of(*sid)).substr(0, 40) + "\"");
        s.span_id = *id;
        if (const Json* p = f("parentId")) {
            auto parent = parse_span_id_padded(need_string(*p, w / "parentId"));
            if (!parent)
                in.fail(w / "parentId", "expected a span id of 16 hex digits, found \"" +
                                            std::string(text_of(*p)).substr(0, 40) + "\"");
            s.parent_span_id = *parent;
        }
        if (const Json* n = f("name")) s.name = st.strings.intern(need_string(*n, w / "name"));
        s.kind = SpanKind::Internal;
        if (const Json* k = f("kind")) {
            const std::string_view kind = need_string(*k, w / "kind");
            if (auto known = zipkin_kind_named(kind))
                s.kind = *known;
            else
                in.warn(w / "kind", "unknown span kind \"" + std::string(kind) + "\" (read as a local span)");
        }
        // Zipkin leaves "timestamp" out of incomplete spans; such a span is placed once all spans are in.
        if (const Json* ts = f("timestamp")) {
            s.start_ns = in.micros_as_ns(*ts, w / "timestamp", "a timestamp", false);
            int64_t dur = 0;
            if (const Json* d = f("duration")) dur = in.micros_as_ns(*d, w / "duration", "a duration", false);
            if (s.start_ns > INT64_MAX - dur) in.fail(w / "duration", "the span would end after the year 2262");
            s.end_ns = s.start_ns + dur;
        }
        const bool has_time = f("timestamp") != nullptr;

        StrId service = st.strings.intern("unknown_service");
        if (const Json* le = f("localEndpoint"); le && le->is_object())
            if (auto n = le->find("serviceName");
                n != le->end() && n->is_string() && !n->get_ref<const std::string&>().empty())
                service = st.strings.intern(text_of(*n));
        s.service = service;
        s.resource = st.resource_for(service);

        s.attrs.begin = static_cast<uint32_t>(st.attributes.size());
        bool error = false, has_status = false;
        if (const Json* tags = f("tags")) {
            if (!tags->is_object())
                in.fail(w / "tags", std::string("expected an object, found ") + json_type_name(*tags));
            for (auto it = tags->begin(); it != tags->end(); ++it) {
                const std::string& key = it.key();
                const Json& value = it.value();
                const std::string text = value.is_string() ? value.get<std::string>() : compact_json(value);
                if (key == "error") {
                    error = true;
                    if (!text.empty() && text != "true") s.status_message = st.strings.intern(text);
                } else if (key == "otel.status_code") {
                    has_status = true;
                    s.status = text == "ERROR" ? StatusCode::Error : text == "OK" ? StatusCode::Ok : StatusCode::Unset;
                } else if (key == "otel.status_description") {
                    s.status_message = st.strings.intern(text);
                } else if (key == "otel.scope.name" || key == "otel.library.name") {
                    s.scope = st.strings.intern(text);
                } else if (key == "w3c.tracestate") {
                    s.trace_state = st.strings.intern(text);
                } else {
                    in.add_plain_attr(key, value);
                }
            }
        }
        if (error && !has_status) s.status = StatusCode::Error;
        if (const Json* re = f("remoteEndpoint"); re && re->is_object())
            if (auto n = re->find("serviceName"); n != re->end() && n->is_string())
                st.attributes.push_back(
                    Attribute{st.strings.intern("peer.service"), AttrValue::str(st.strings.intern(text_of(*n)))});
        s.attrs.count = static_cast<uint32_t>(st.attributes.size() - s.attrs.begin);

        s.event_begin = static_cast<uint32_t>(st.events.size());
        if (const Json* anns = f("annotations")) {
            if (!anns->is_array())
                in.fail(w / "annotations", std::string("expected an array, found ") + json_type_name(*anns));
            for (size_t i = 0; i < anns->size(); ++i) {
                const Json& a = (*anns)[i];
                const Where at = w / "annotations" / i;
                if (!a.is_object())
                    in.fail(at, std::string("expected an annotation object, found ") + json_type_name(a));
                SpanEvent ev;
                auto t = a.find("timestamp");
                if (t == a.end()) in.fail(at, "missing required field \"timestamp\"");
                ev.time_ns = in.micros_as_ns(*t, at / "timestamp", "a timestamp", false);
                if (auto val = a.find("value"); val != a.end())
                    ev.name = st.strings.intern(need_string(*val, at / "value"));
                ev.attrs.begin = static_cast<uint32_t>(st.attributes.size());
                st.events.push_back(ev);
            }
        }
        s.event_count = static_cast<uint32_t>(st.events.size() - s.event_begin);
        s.link_begin = static_cast<uint32_t>(st.links.size());
        if (!has_time) untimed.push_back(Untimed{static_cast<uint32_t>(st.spans.size()), w.index});
        st.spans.push_back(s);
    }
};

void place_untimed(ZipkinReader& reader, size_t first);

}  // namespace

std::optional<SpanKind> zipkin_kind_named(std::string_view kind) {
    if (kind == "CLIENT") return SpanKind::Client;
    if (kind == "SERVER") return SpanKind::Server;
    if (kind == "PRODUCER") return SpanKind::Producer;
    if (kind == "CONSUMER") return SpanKind::Consumer;
    return std::nullopt;
}

void read_zipkin(const Json& doc, SpanImport& in) {
    ZipkinReader reader{in, in.store(), {}};
    TraceStore& st = in.store();
    st.spans.reserve(st.spans.size() + doc.size());
    const Where root;
    const size_t first = st.spans.size();
    for (size_t i = 0; i < doc.size(); ++i) {
        const size_t a = st.attributes.size(), e = st.events.size();
        try {
            reader.span(doc[i], root / i);
        } catch (const LoadError& err) {
            st.attributes.resize(a);
            st.events.resize(e);
            in.add_warning(std::string(err.what()) + " (span skipped)");
        }
    }
    if (!reader.untimed.empty()) place_untimed(reader, first);
}

// Spans without "timestamp" go where Zipkin's UI puts them: at their parent's start, with no duration (a
// parent without one is placed first, the same way). With no placed ancestor in the file, a span goes to
// the start of its trace; a trace with no timestamp at all cannot be placed and its spans are dropped.
namespace {
void place_untimed(ZipkinReader& reader, size_t first) {
    SpanImport& in = reader.in;
    TraceStore& st = reader.st;
    auto& spans = st.spans;
    std::map<std::pair<TraceId, uint64_t>, uint32_t> by_id;
    std::map<TraceId, int64_t> trace_start;
    std::vector<uint8_t> state(spans.size() - first, 2);  // 0 not placed, 1 on the current walk, 2 placed
    for (const auto& u : reader.untimed) state[u.span - first] = 0;
    for (size_t i = first; i < spans.size(); ++i) {
        by_id.emplace(std::make_pair(spans[i].trace_id, spans[i].span_id.value), static_cast<uint32_t>(i));
        if (state[i - first] != 2) continue;
        auto [it, fresh] = trace_start.emplace(spans[i].trace_id, spans[i].start_ns);
        if (!fresh) it->second = std::min(it->second, spans[i].start_ns);
    }
    std::vector<uint8_t> drop(spans.size() - first, 0);
    std::vector<uint32_t> walk;
    for (const auto& u : reader.untimed) {
        // Up the parents until a placed span (iteratively: a long chain must not exhaust the stack).
        walk.clear();
        int64_t v = u.span;
        while (v >= 0 && state[static_cast<size_t>(v) - first] == 0) {
            state[static_cast<size_t>(v) - first] = 1;
            walk.push_back(static_cast<uint32_t>(v));
            const Span& s = spans[static_cast<size_t>(v)];
            auto p = s.parent_span_id.valid() && s.parent_span_id != s.span_id
                         ? by_id.find({s.trace_id, s.parent_span_id.value})
                         : by_id.end();
            v = p == by_id.end() ? -1 : static_cast<int64_t>(p->second);
        }
        std::optional<int64_t> at;
        if (v >= 0 && state[static_cast<size_t>(v) - first] == 2) {
            at = spans[static_cast<size_t>(v)].start_ns;
        } else if (auto t = trace_start.find(spans[u.span].trace_id); t != trace_start.end()) {
            at = t->second;
        }
        for (uint32_t k : walk) {
            state[k - first] = 2;
            if (at) {
                spans[k].start_ns = spans[k].end_ns = *at;
            } else {
                drop[k - first] = 1;
            }
        }
        const Where doc_root;  // must outlive w, which points at it
        const Where w = doc_root / u.at;
        if (at)
            in.warn(w,
                    "no \"timestamp\" (Zipkin leaves it out of incomplete spans): placed at its parent's start, "
                    "with no duration");
        else
            in.warn(w,
                    "no \"timestamp\" and nothing in its trace has one, so it cannot be placed in time (span "
                    "skipped)");
    }
    size_t w = first;
    for (size_t r = first; r < spans.size(); ++r)
        if (drop[r - first] == 0) spans[w++] = spans[r];
    spans.resize(w);
}
}  // namespace

// [SECTION] Writing

std::string write_zipkin(const TraceStore& st) {
    JsonWriter w;
    w.out.reserve(st.spans.size() * 300 + 16);
    char hex[33];
    w.begin_array();
    for (const Span& s : st.spans) {
        w.begin_object();
        write_hex(s.trace_id, hex);
        w.field("traceId", std::string_view(hex, 32));
        if (s.parent_span_id.valid()) {
            write_hex(s.parent_span_id, hex);
            w.field("parentId", std::string_view(hex, 16));
        }
        write_hex(s.span_id, hex);
        w.field("id", std::string_view(hex, 16));
        switch (s.kind) {
            case SpanKind::Client:
                w.field("kind", "CLIENT");
                break;
            case SpanKind::Server:
                w.field("kind", "SERVER");
                break;
            case SpanKind::Producer:
                w.field("kind", "PRODUCER");
                break;
            case SpanKind::Consumer:
                w.field("kind", "CONSUMER");
                break;
            default:
                break;
        }
        w.field("name", st.str(s.name));
        const int64_t start_us = floor_us(s.start_ns);
        w.field_int("timestamp", start_us);
        w.field_int("duration", floor_us(s.end_ns) - start_us);
        w.key("localEndpoint");
        w.begin_object();
        w.field("serviceName", st.str(s.service));
        w.end_object();
        if (s.event_count > 0) {
            w.key("annotations");
            w.begin_array();
            for (const SpanEvent& e : st.events_of(s)) {
                w.begin_object();
                w.field_int("timestamp", floor_us(e.time_ns));
                w.field("value", st.str(e.name));
                w.end_object();
            }
            w.end_array();
        }
        w.key("tags");
        w.begin_object();
        for (const Attribute& a : st.attrs(s.attrs)) w.field(st.str(a.key), st.value_text(a.value));
        if (s.scope != 0) w.field("otel.scope.name", st.str(s.scope));
        if (s.status == StatusCode::Ok) w.field("otel.status_code", "OK");
        if (s.status == StatusCode::Error) {
            w.field("otel.status_code", "ERROR");
            w.field("error", s.status_message != 0 ? st.str(s.status_message) : std::string_view("true"));
        } else if (s.status_message != 0) {
            w.field("otel.status_description", st.str(s.status_message));
        }
        if (s.trace_state != 0) w.field("w3c.tracestate", st.str(s.trace_state));
        w.end_object();
        w.end_object();
    }
    w.end_array();
    w.out += '\n';
    return std::move(w.out);
}

}  // namespace tl::formats
