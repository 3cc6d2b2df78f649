// Jaeger JSON: the query API's {"data":[trace…]} envelope (what the Jaeger UI downloads) and bare traces.
// - Import: ids of any hex length (left-padded), the processes map → resources, typed tags, logs → events,
//   span.kind / otel.status_code / error tags → kind and status, times in microseconds.
// - The parent is the first CHILD_OF reference within the span's own trace, else the first FOLLOWS_FROM;
//   every other reference is kept as a link.
// [SECTION] Reading  [SECTION] Writing
#include <charconv>
#include <cmath>
#include <unordered_map>

#include "sim/formats/format_io.hpp"

namespace tl::formats {

namespace {

// [SECTION] Reading

std::string_view text_of(const Json& v) {
    return v.get_ref<const std::string&>();
}

std::optional<SpanKind> kind_from_text(std::string_view s) {
    if (ascii_iequals(s, "server")) return SpanKind::Server;
    if (ascii_iequals(s, "client")) return SpanKind::Client;
    if (ascii_iequals(s, "producer")) return SpanKind::Producer;
    if (ascii_iequals(s, "consumer")) return SpanKind::Consumer;
    if (ascii_iequals(s, "internal")) return SpanKind::Internal;
    return std::nullopt;
}

struct Process {
    StrId service = 0;
    uint32_t resource = 0;
};

struct JaegerReader {
    SpanImport& in;
    TraceStore& st;
    JaegerSpecialTags special;
    StrId k_event;

    explicit JaegerReader(SpanImport& i)
        : in(i), st(i.store()), special(i.store()), k_event(st.strings.intern("event")) {}

    std::string_view need_string(const Json& v, const Where& w) {
        if (!v.is_string()) in.fail(w, std::string("expected a string, found ") + json_type_name(v));
        return text_of(v);
    }

    TraceId trace_id(const Json& v, const Where& w) {
        auto id = parse_trace_id_padded(need_string(v, w));
        if (!id)
            in.fail(w, "expected a trace id of 1 to 32 hex digits, found \"" + std::string(text_of(v)).substr(0, 40) +
                           "\"");
        if (!id->valid()) in.fail(w, "the all-zero trace id is invalid");
        return *id;
    }

    SpanId span_id(const Json& v, const Where& w) {
        auto id = parse_span_id_padded(need_string(v, w));
        if (!id)
            in.fail(
                w, "expected a span id of 1 to 16 hex digits, found \"" + std::string(text_of(v)).substr(0, 40) + "\"");
        if (!id->valid()) in.fail(w, "the all-zero span id is invalid");
        return *id;
    }

    AttrValue tag_value(const Json& tag, const Where& w) {
        auto v = tag.find("value");
        if (v == tag.end()) in.fail(w, "missing required field \"value\"");
        std::string type = "";
        if (auto t = tag.find("type"); t != tag.end() && t->is_string()) type = t->get<std::string>();
        const Where at = w / "value";
        if (ascii_iequals(type, "int64")) {
            if (v->is_number_integer() || (v->is_number_unsigned() && v->get<uint64_t>() <= INT64_MAX))
                return AttrValue::integer(v->get<int64_t>());
            if (v->is_string())
                if (auto n = parse_decimal_i64(text_of(*v))) return AttrValue::integer(*n);
            in.fail(at, "expected a 64-bit integer, found " + v->dump().substr(0, 40));
        }
        if (ascii_iequals(type, "float64")) {
            if (v->is_number()) return AttrValue::real(v->get<double>());
            in.fail(at, "expected a number, found " + v->dump().substr(0, 40));
        }
        if (ascii_iequals(type, "bool")) {
            if (v->is_boolean()) return AttrValue::boolean(v->get<bool>());
            if (v->is_string() && (text_of(*v) == "true" || text_of(*v) == "false"))
                return AttrValue::boolean(text_of(*v) == "true");
            in.fail(at, "expected true or false, found " + v->dump().substr(0, 40));
        }
        if (ascii_iequals(type, "binary")) {
            AttrValue a = AttrValue::str(st.strings.intern(need_string(*v, at)));
            a.type = ValueType::Bytes;
            return a;
        }
        if (ascii_iequals(type, "string") && !v->is_string())
            return AttrValue::str(st.strings.intern(compact_json(*v)));
        return plain_json_value(st, *v);  // untyped: read what the JSON says
    }

    // Appends a tag list; broken tags are skipped with a warning.
    void tags(const Json& list, const Where& w) {
        if (!list.is_array()) in.fail(w, std::string("expected an array of tags, found ") + json_type_name(list));
        for (size_t i = 0; i < list.size(); ++i) {
            const Json& tag = list[i];
            const Where at = w / i;
            try {
                if (!tag.is_object()) in.fail(at, std::string("expected a tag object, found ") + json_type_name(tag));
                auto key = tag.find("key");
                if (key == tag.end()) in.fail(at, "missing required field \"key\"");
                const StrId k = st.strings.intern(need_string(*key, at / "key"));
                st.attributes.push_back(Attribute{k, tag_value(tag, at)});
            } catch (const LoadError& e) {
                in.add_warning(std::string(e.what()) + " (tag skipped)");
            }
        }
    }

    Process process(const Json& p, const Where& w) {
        if (!p.is_object()) in.fail(w, std::string("expected a process object, found ") + json_type_name(p));
        Process out;
        out.service = st.strings.intern("unknown_service");
        if (auto s = p.find("serviceName"); s != p.end() && !s->is_null())
            out.service = st.strings.intern(need_string(*s, w / "serviceName"));
        const auto begin = static_cast<uint32_t>(st.attributes.size());
        if (auto t = p.find("tags"); t != p.end() && !t->is_null()) tags(*t, w / "tags");
        out.resource = in.resource(out.service, begin);
        return out;
    }

    void span(const Json& v, const Where& w, const std::unordered_map<std::string, Process>& processes,
              std::optional<TraceId> trace_default) {
        if (!v.is_object()) in.fail(w, std::string("expected a span object, found ") + json_type_name(v));
        Span s;
        s.kind = SpanKind::Unspecified;
        auto f = [&](std::string_view key) -> const Json* {
            auto it = v.find(key);
            return it == v.end() || it->is_null() ? nullptr : &*it;
        };
        if (const Json* t = f("traceID"))
            s.trace_id = trace_id(*t, w / "traceID");
        else if (trace_default)
            s.trace_id = *trace_default;
        else
            in.fail(w, "missing required field \"traceID\"");
        const Json* sid = f("spanID");
        if (!sid) in.fail(w, "missing required field \"spanID\"");
        s.span_id = span_id(*sid, w / "spanID");
        if (const Json* n = f("operationName")) s.name = st.strings.intern(need_string(*n, w / "operationName"));
        const Json* start = f("startTime");
        if (!start) in.fail(w, "missing required field \"startTime\"");
        s.start_ns = in.micros_as_ns(*start, w / "startTime", "a start time", true);
        int64_t dur = 0;
        if (const Json* d = f("duration")) dur = in.micros_as_ns(*d, w / "duration", "a duration", true);
        if (s.start_ns > INT64_MAX - dur) in.fail(w / "duration", "the span would end after the year 2262");
        s.end_ns = s.start_ns + dur;
        if (const Json* fl = f("flags"); fl && fl->is_number_integer())
            s.flags = static_cast<uint8_t>(fl->get<int64_t>() & 0xff);

        // Service: processID into the trace's map, or an inline process (older Jaeger JSON).
        Process proc;
        bool found = false;
        if (const Json* pid = f("processID"); pid && pid->is_string()) {
            if (auto it = processes.find(pid->get<std::string>()); it != processes.end()) {
                proc = it->second;
                found = true;
            }
        }
        if (!found) {
            if (const Json* p = f("process")) {
                proc = process(*p, w / "process");
            } else {
                in.warn(w, "the span names no known process; its service is unknown_service");
                proc.service = st.strings.intern("unknown_service");
                proc.resource = in.resource(proc.service, static_cast<uint32_t>(st.attributes.size()));
            }
        }
        s.service = proc.service;
        s.resource = proc.resource;

        // References: parent first, the rest become links.
        std::vector<JaegerRef> refs;
        if (const Json* r = f("references")) {
            if (!r->is_array())
                in.fail(w / "references", std::string("expected an array, found ") + json_type_name(*r));
            for (size_t i = 0; i < r->size(); ++i) {
                const Json& ref = (*r)[i];
                const Where at = w / "references" / i;
                if (!ref.is_object())
                    in.fail(at, std::string("expected a reference object, found ") + json_type_name(ref));
                JaegerRef x{s.trace_id, {}, true};
                if (auto t = ref.find("traceID"); t != ref.end() && !t->is_null())
                    x.trace = trace_id(*t, at / "traceID");
                auto sp = ref.find("spanID");
                if (sp == ref.end()) in.fail(at, "missing required field \"spanID\"");
                x.span = span_id(*sp, at / "spanID");
                std::string type = "CHILD_OF";
                if (auto rt = ref.find("refType"); rt != ref.end() && rt->is_string()) type = rt->get<std::string>();
                if (ascii_iequals(type, "FOLLOWS_FROM"))
                    x.child_of = false;
                else if (!ascii_iequals(type, "CHILD_OF"))
                    in.warn(at / "refType", "unknown reference type \"" + type + "\" (read as CHILD_OF)");
                refs.push_back(x);
            }
        } else if (const Json* p = f("parentSpanID")) {
            const SpanId parent = span_id(*p, w / "parentSpanID");
            refs.push_back(JaegerRef{s.trace_id, parent, true});
        }
        s.attrs.begin = static_cast<uint32_t>(st.attributes.size());
        if (const Json* t = f("tags")) tags(*t, w / "tags");
        s.attrs.count = static_cast<uint32_t>(st.attributes.size() - s.attrs.begin);
        special.absorb(st, s);
        st.attributes.resize(s.attrs.begin + s.attrs.count);
        if (s.kind == SpanKind::Unspecified) s.kind = SpanKind::Internal;

        jaeger_references(st, s, refs);

        s.event_begin = static_cast<uint32_t>(st.events.size());
        if (const Json* logs = f("logs")) {
            if (!logs->is_array())
                in.fail(w / "logs", std::string("expected an array, found ") + json_type_name(*logs));
            for (size_t i = 0; i < logs->size(); ++i) {
                const Json& log = (*logs)[i];
                const Where at = w / "logs" / i;
                if (!log.is_object()) in.fail(at, std::string("expected a log object, found ") + json_type_name(log));
                SpanEvent ev;
                ev.name = st.strings.intern("log");
                auto ts = log.find("timestamp");
                if (ts == log.end()) in.fail(at, "missing required field \"timestamp\"");
                ev.time_ns = in.micros_as_ns(*ts, at / "timestamp", "a log time", true);
                ev.attrs.begin = static_cast<uint32_t>(st.attributes.size());
                if (auto fields = log.find("fields"); fields != log.end() && !fields->is_null())
                    tags(*fields, at / "fields");
                jaeger_log_event(st, ev, k_event);
            }
        }
        s.event_count = static_cast<uint32_t>(st.events.size() - s.event_begin);
        if (const Json* warns = f("warnings"); warns && warns->is_array())
            for (size_t i = 0; i < warns->size(); ++i)
                if ((*warns)[i].is_string())
                    in.warn(w / "warnings" / i,
                            "Jaeger reported for span " + to_hex(s.span_id) + ": " + (*warns)[i].get<std::string>());
        st.spans.push_back(s);
    }

    void trace(const Json& t, const Where& w) {
        if (!t.is_object()) in.fail(w, std::string("expected a trace object, found ") + json_type_name(t));
        std::unordered_map<std::string, Process> processes;
        if (auto p = t.find("processes"); p != t.end() && !p->is_null()) {
            if (!p->is_object())
                in.fail(w / "processes", std::string("expected an object, found ") + json_type_name(*p));
            for (auto it = p->begin(); it != p->end(); ++it)
                processes.emplace(it.key(), process(it.value(), w / "processes" / std::string_view(it.key())));
        }
        std::optional<TraceId> trace_default;
        if (auto id = t.find("traceID"); id != t.end() && !id->is_null()) trace_default = trace_id(*id, w / "traceID");
        if (auto warns = t.find("warnings"); warns != t.end() && warns->is_array())
            for (size_t i = 0; i < warns->size(); ++i)
                if ((*warns)[i].is_string())
                    in.warn(w / "warnings" / i, "Jaeger reported for the trace: " + (*warns)[i].get<std::string>());
        auto spans = t.find("spans");
        if (spans == t.end() || spans->is_null()) in.fail(w, "missing required field \"spans\"");
        if (!spans->is_array()) in.fail(w / "spans", std::string("expected an array, found ") + json_type_name(*spans));
        for (size_t i = 0; i < spans->size(); ++i) {
            const size_t a = st.attributes.size(), e = st.events.size(), l = st.links.size();
            try {
                span((*spans)[i], w / "spans" / i, processes, trace_default);
            } catch (const LoadError& err) {
                st.attributes.resize(a);
                st.events.resize(e);
                st.links.resize(l);
                in.add_warning(std::string(err.what()) + " (span skipped)");
            }
        }
    }
};

}  // namespace

JaegerSpecialTags::JaegerSpecialTags(TraceStore& st)
    : k_span_kind(st.strings.intern("span.kind")),
      k_status_code(st.strings.intern("otel.status_code")),
      k_status_desc(st.strings.intern("otel.status_description")),
      k_error(st.strings.intern("error")),
      k_library(st.strings.intern("otel.library.name")),
      k_scope(st.strings.intern("otel.scope.name")),
      k_tracestate(st.strings.intern("w3c.tracestate")) {}

void JaegerSpecialTags::absorb(TraceStore& st, Span& s) const {
    bool error_tag = false, has_status_code = false;
    size_t w = s.attrs.begin;
    for (size_t r = s.attrs.begin; r < s.attrs.begin + s.attrs.count; ++r) {
        const Attribute a = st.attributes[r];
        const bool is_text = a.value.type == ValueType::String;
        const std::string_view text = is_text ? st.str(a.value.s) : std::string_view{};
        if (a.key == k_span_kind && is_text && kind_from_text(text)) {
            s.kind = *kind_from_text(text);
            continue;
        }
        if (a.key == k_status_code && is_text) {
            if (ascii_iequals(text, "ERROR"))
                s.status = StatusCode::Error;
            else if (ascii_iequals(text, "OK"))
                s.status = StatusCode::Ok;
            has_status_code = true;
            continue;
        }
        if (a.key == k_status_desc && is_text) {
            s.status_message = a.value.s;
            continue;
        }
        if (a.key == k_error && (a.value.type == ValueType::Bool || is_text)) {
            error_tag = a.value.type == ValueType::Bool ? a.value.b : text != "false";
            continue;
        }
        if ((a.key == k_library || a.key == k_scope) && is_text) {
            s.scope = a.value.s;
            continue;
        }
        if (a.key == k_tracestate && is_text) {
            s.trace_state = a.value.s;
            continue;
        }
        st.attributes[w++] = a;
    }
    s.attrs.count = static_cast<uint32_t>(w - s.attrs.begin);
    if (error_tag && !has_status_code) s.status = StatusCode::Error;
}

void jaeger_log_event(TraceStore& st, SpanEvent& ev, StrId k_event) {
    // The "event" field names the event (OpenTracing's convention); the rest stay attributes.
    const StrId unnamed = ev.name;
    uint32_t out = ev.attrs.begin;
    for (size_t k = ev.attrs.begin; k < st.attributes.size(); ++k) {
        const Attribute a = st.attributes[k];
        if (a.key == k_event && a.value.type == ValueType::String && ev.name == unnamed) {
            ev.name = a.value.s;
            continue;
        }
        st.attributes[out++] = a;
    }
    st.attributes.resize(out);
    ev.attrs.count = out - ev.attrs.begin;
    st.events.push_back(ev);
}

void jaeger_references(TraceStore& st, Span& s, const std::vector<JaegerRef>& refs) {
    int parent = -1;
    for (size_t i = 0; i < refs.size() && parent < 0; ++i)
        if (refs[i].child_of && refs[i].trace == s.trace_id) parent = static_cast<int>(i);
    for (size_t i = 0; i < refs.size() && parent < 0; ++i)
        if (!refs[i].child_of && refs[i].trace == s.trace_id) parent = static_cast<int>(i);
    if (parent >= 0) s.parent_span_id = refs[static_cast<size_t>(parent)].span;
    s.link_begin = static_cast<uint32_t>(st.links.size());
    for (size_t i = 0; i < refs.size(); ++i) {
        if (static_cast<int>(i) == parent) continue;
        SpanLink link;
        link.trace_id = refs[i].trace;
        link.span_id = refs[i].span;
        link.attrs.begin = static_cast<uint32_t>(st.attributes.size());
        st.links.push_back(link);
    }
    s.link_count = static_cast<uint32_t>(st.links.size() - s.link_begin);
}

void read_jaeger(const Json& doc, SpanImport& in) {
    JaegerReader reader(in);
    const Where root;
    if (doc.is_object() && doc.contains("data")) {
        const Json& data = doc["data"];
        if (auto errors = doc.find("errors"); errors != doc.end() && errors->is_array())
            for (size_t i = 0; i < errors->size(); ++i) {
                const Json& e = (*errors)[i];
                std::string msg = e.is_object() && e.contains("msg") && e["msg"].is_string()
                                      ? e["msg"].get<std::string>()
                                      : compact_json(e);
                in.warn(root / "errors" / i, "the Jaeger query reported an error: " + msg);
            }
        if (data.is_null()) return;
        for (size_t i = 0; i < data.size(); ++i) reader.trace(data[i], root / "data" / i);
    } else if (doc.is_array()) {
        for (size_t i = 0; i < doc.size(); ++i) reader.trace(doc[i], root / i);
    } else {
        reader.trace(doc, root);
    }
}

// [SECTION] Writing

namespace {

void write_tag(JsonWriter& w, std::string_view key, const TraceStore& st, const AttrValue& v) {
    w.begin_object();
    w.field("key", key);
    switch (v.type) {
        case ValueType::Bool:
            w.field("type", "bool");
            w.key("value");
            w.boolean(v.b);
            break;
        case ValueType::Int:
            w.field("type", "int64");
            w.key("value");
            // Beyond 2^53 a JavaScript reader (the Jaeger UI) would round a number; a string keeps every digit.
            if (v.i > (1LL << 53) || v.i < -(1LL << 53))
                w.string(std::to_string(v.i));
            else
                w.integer(v.i);
            break;
        case ValueType::Double:
            w.field("type", "float64");
            w.key("value");
            w.real(v.d);
            break;
        case ValueType::Bytes:
            w.field("type", "binary"), w.field("value", st.str(v.s));
            break;
        default:
            w.field("type", "string"), w.field("value", st.value_text(v));
            break;
    }
    w.end_object();
}

// "p1", "p2", … (a char buffer: GCC 12 warns falsely about "p" + std::to_string in Release builds).
std::string process_key(size_t index) {
    char buf[24] = {'p'};
    auto r = std::to_chars(buf + 1, buf + sizeof buf, index + 1);
    return std::string(buf, r.ptr);
}

void write_string_tag(JsonWriter& w, std::string_view key, std::string_view value) {
    w.begin_object();
    w.field("key", key);
    w.field("type", "string");
    w.field("value", value);
    w.end_object();
}

}  // namespace

std::string write_jaeger(const TraceStore& st) {
    JsonWriter w;
    w.out.reserve(st.spans.size() * 400 + 256);
    char hex[33];
    w.begin_object();
    w.key("data");
    w.begin_array();
    for (const auto& trace : spans_by_trace(st)) {
        // Processes: one per resource (or per service when a span has no resource), in order of appearance.
        std::vector<uint64_t> process_keys;  // resource index, or 1<<32 | service
        std::vector<uint32_t> process_of(trace.size());
        for (size_t i = 0; i < trace.size(); ++i) {
            const Span& s = st.spans[trace[i]];
            const uint64_t key = s.resource < st.resources.size() ? s.resource : (1ULL << 32) | s.service;
            size_t p = 0;
            while (p < process_keys.size() && process_keys[p] != key) ++p;
            if (p == process_keys.size()) process_keys.push_back(key);
            process_of[i] = static_cast<uint32_t>(p);
        }
        w.begin_object();
        write_hex(st.spans[trace.front()].trace_id, hex);
        w.field("traceID", std::string_view(hex, 32));
        w.key("spans");
        w.begin_array();
        for (size_t i = 0; i < trace.size(); ++i) {
            const Span& s = st.spans[trace[i]];
            w.begin_object();
            write_hex(s.trace_id, hex);
            const std::string_view trace_hex(hex, 32);
            w.field("traceID", trace_hex);
            char sid[17];
            write_hex(s.span_id, sid);
            w.field("spanID", std::string_view(sid, 16));
            w.field_int("flags", s.flags);
            w.field("operationName", st.str(s.name));
            w.key("references");
            w.begin_array();
            if (s.parent_span_id.valid()) {
                w.begin_object();
                w.field("refType", "CHILD_OF");
                w.field("traceID", trace_hex);
                write_hex(s.parent_span_id, sid);
                w.field("spanID", std::string_view(sid, 16));
                w.end_object();
            }
            for (const SpanLink& l : st.links_of(s)) {
                char lt[33];
                w.begin_object();
                w.field("refType", "FOLLOWS_FROM");
                write_hex(l.trace_id, lt);
                w.field("traceID", std::string_view(lt, 32));
                write_hex(l.span_id, sid);
                w.field("spanID", std::string_view(sid, 16));
                w.end_object();
            }
            w.end_array();
            const int64_t start_us = floor_us(s.start_ns);
            w.field_int("startTime", start_us);
            w.field_int("duration", floor_us(s.end_ns) - start_us);
            w.key("tags");
            w.begin_array();
            for (const Attribute& a : st.attrs(s.attrs)) write_tag(w, st.str(a.key), st, a.value);
            if (s.scope != 0) write_string_tag(w, "otel.scope.name", st.str(s.scope));
            if (s.kind != SpanKind::Unspecified) write_string_tag(w, "span.kind", to_string(s.kind));
            if (s.status != StatusCode::Unset)
                write_string_tag(w, "otel.status_code", s.status == StatusCode::Ok ? "OK" : "ERROR");
            if (s.status_message != 0) write_string_tag(w, "otel.status_description", st.str(s.status_message));
            if (s.status == StatusCode::Error) write_tag(w, "error", st, AttrValue::boolean(true));
            if (s.trace_state != 0) write_string_tag(w, "w3c.tracestate", st.str(s.trace_state));
            w.end_array();
            w.key("logs");
            w.begin_array();
            for (const SpanEvent& e : st.events_of(s)) {
                w.begin_object();
                w.field_int("timestamp", floor_us(e.time_ns));
                w.key("fields");
                w.begin_array();
                write_string_tag(w, "event", st.str(e.name));
                for (const Attribute& a : st.attrs(e.attrs)) write_tag(w, st.str(a.key), st, a.value);
                w.end_array();
                w.end_object();
            }
            w.end_array();
            w.field("processID", process_key(process_of[i]));
            w.key("warnings");
            w.null();
            w.end_object();
        }
        w.end_array();
        w.key("processes");
        w.begin_object();
        for (size_t p = 0; p < process_keys.size(); ++p) {
            const uint64_t key = process_keys[p];
            const bool real = (key >> 32) == 0;
            w.key(process_key(p));
            w.begin_object();
            w.field("serviceName", st.str(real ? st.resources[key].service : static_cast<StrId>(key & 0xffffffff)));
            w.key("tags");
            w.begin_array();
            if (real)
                for (const Attribute& a : st.attrs(st.resources[key].attrs)) write_tag(w, st.str(a.key), st, a.value);
            w.end_array();
            w.end_object();
        }
        w.end_object();
        w.key("warnings");
        w.null();
        w.end_object();
    }
    w.end_array();
    w.field_int("total", 0);
    w.field_int("limit", 0);
    w.field_int("offset", 0);
    w.key("errors");
    w.null();
    w.end_object();
    w.out += '\n';
    return std::move(w.out);
}

}  // namespace tl::formats
