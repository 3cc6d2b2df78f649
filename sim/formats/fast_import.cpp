// The fast path of trace import: simdjson On-Demand reads OTLP/JSON (one request, or one per line), Jaeger,
// Zipkin and Chrome Trace Event JSON straight into the TraceStore, with no document tree in between.
// - It only takes clean input. Whatever the careful (nlohmann-based) readers would warn about or reject makes
//   it give up (Fallback) with the store untouched, and the careful reader reads the file from scratch: errors
//   and warnings keep their file, line/column and JSON path, and both paths give the same store.
// - On-Demand skips the values it does not read, so only what a trace needs is ever decoded.
// [SECTION] Helpers  [SECTION] OTLP/JSON  [SECTION] Jaeger JSON  [SECTION] Zipkin v2 JSON
// [SECTION] Chrome Trace Event JSON  [SECTION] Entry point
#include <simdjson.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <unordered_map>

#include "sim/formats/format_io.hpp"
#include "sim/io/big_buffer.hpp"

namespace tl::formats {

namespace {

namespace od = simdjson::ondemand;

// [SECTION] Helpers

// Thrown when the careful reader has to take over.
struct Fallback {};

[[noreturn]] void fallback() {
    throw Fallback{};
}

template <class T>
T need(simdjson::simdjson_result<T>&& r) {
    T v;
    if (std::move(r).get(v) != simdjson::SUCCESS) fallback();
    return v;
}

// Whether nothing but white space follows the document's value (else it may be one request per line).
bool at_end(od::document& doc) {
    return doc.current_location().error() == simdjson::OUT_OF_BOUNDS;
}

od::json_type type_of(od::value& v) {
    return need(v.type());
}

bool is_null(od::value& v) {
    return type_of(v) == od::json_type::null;
}

std::string_view str(od::value& v) {
    return need(v.get_string());
}

od::object obj(od::value& v) {
    return need(v.get_object());
}

od::array arr(od::value& v) {
    return need(v.get_array());
}

// A field name as written, up to its closing quote. The names tracelab reads have no escapes; a name that
// has one goes to the careful reader, which unescapes it.
std::string_view key_text(od::raw_json_string key) {
    const char* const begin = key.raw();
    const char* end = begin;
    while (*end != '"') {
        if (*end == '\\') fallback();
        ++end;
    }
    return {begin, static_cast<size_t>(end - begin)};
}

// Iterates an object's fields as (name, value), the name as key_text gives it.
template <class F>
void fields(od::object o, F&& f) {
    for (auto field : o) {
        od::field fl = need(std::move(field));
        const std::string_view key = key_text(fl.key());
        od::value v = fl.value();
        f(key, v);
    }
}

template <class F>
void elements(od::array a, F&& f) {
    for (auto element : a) {
        od::value v = need(std::move(element));
        f(v);
    }
}

// A non-negative int64 as a decimal string or a JSON integer (the protobuf JSON mapping of fixed64/int64).
int64_t nanos(od::value& v) {
    if (type_of(v) == od::json_type::string) {
        auto n = parse_decimal_i64(str(v));
        if (!n || *n < 0) fallback();
        return *n;
    }
    const uint64_t u = need(v.get_uint64());
    if (u > static_cast<uint64_t>(INT64_MAX)) fallback();
    return static_cast<int64_t>(u);
}

// [SECTION] OTLP/JSON

struct OtlpFast {
    SpanImport& in;
    TraceStore& st;
    StrId k_service_name;
    InternMemo memo;  // attribute keys and string values by position in their list

    OtlpFast(SpanImport& i, TraceStore& s)
        : in(i), st(s), k_service_name(s.strings.intern("service.name")), memo(s.strings) {}

    TraceId trace_id(od::value& v) {
        auto id = parse_trace_id(str(v), false);
        if (!id) fallback();
        return *id;
    }

    SpanId span_id(od::value& v, bool allow_empty) {
        const std::string_view s = str(v);
        if (s.empty() && allow_empty) return {};
        auto id = parse_span_id(s, allow_empty);
        if (!id) fallback();
        return *id;
    }

    // `position`: the attribute's index in its list, for the memo.
    AttrValue any_value(od::value& v, size_t position) {
        if (is_null(v)) return {};
        AttrValue out;
        bool seen = false;
        fields(obj(v), [&](std::string_view key, od::value& x) {
            const bool known = key == "stringValue" || key == "intValue" || key == "boolValue" ||
                               key == "doubleValue" || key == "bytesValue" || key == "arrayValue" ||
                               key == "kvlistValue";
            if (!known) return;
            if (seen) fallback();  // two value kinds in one AnyValue: the careful reader decides
            seen = true;
            if (key == "stringValue") {
                out = AttrValue::str(memo.value(position, str(x)));
            } else if (key == "intValue") {
                if (type_of(x) == od::json_type::string) {
                    auto n = parse_decimal_i64(str(x));
                    if (!n) fallback();
                    out = AttrValue::integer(*n);
                } else {
                    out = AttrValue::integer(need(x.get_int64()));
                }
            } else if (key == "boolValue") {
                out = AttrValue::boolean(need(x.get_bool()));
            } else if (key == "doubleValue") {
                if (type_of(x) != od::json_type::number) fallback();
                out = AttrValue::real(need(x.get_double()));
            } else if (key == "bytesValue") {
                const std::string_view s = str(x);
                if (!base64_decode(s)) fallback();
                out = AttrValue::str(st.strings.intern(s));
                out.type = ValueType::Bytes;
            } else {
                // Arrays and key-value lists are rare: the careful reader's own code renders them.
                const std::string_view raw = need(obj(x).raw_json());
                if (find_too_deep(raw, 100) != std::string_view::npos) fallback();  // nlohmann recurses
                Json parsed = Json::parse(raw.begin(), raw.end(), nullptr, false);
                if (parsed.is_discarded()) fallback();
                Json wrapped = Json::object();
                wrapped[key == "arrayValue" ? "arrayValue" : "kvlistValue"] = std::move(parsed);
                try {
                    out = otlp_any_value(wrapped, in);
                } catch (const LoadError&) {
                    fallback();
                }
            }
        });
        return out;
    }

    void attributes(od::value& list) {
        size_t position = 0;
        elements(arr(list), [&](od::value& kv) {
            bool has_key = false;
            Attribute a;
            fields(obj(kv), [&](std::string_view key, od::value& x) {
                if (key == "key") {
                    a.key = memo.key(position, str(x));
                    has_key = true;
                } else if (key == "value") {
                    a.value = any_value(x, position);
                }
            });
            if (!has_key) fallback();
            st.attributes.push_back(a);
            ++position;
        });
    }

    static SpanKind kind_of(od::value& v) {
        if (type_of(v) == od::json_type::number) {
            const int64_t k = need(v.get_int64());
            if (k < 0 || k > 5) fallback();
            return static_cast<SpanKind>(k);
        }
        auto kind = otlp_kind_named(str(v));
        if (!kind) fallback();
        return *kind;
    }

    static StatusCode status_of(od::value& v) {
        if (type_of(v) == od::json_type::number) {
            const int64_t c = need(v.get_int64());
            if (c < 0 || c > 2) fallback();
            return static_cast<StatusCode>(c);
        }
        auto code = otlp_status_named(str(v));
        if (!code) fallback();
        return *code;
    }

    void events(od::value& list) {
        elements(arr(list), [&](od::value& e) {
            SpanEvent ev;
            bool attrs_seen = false;
            ev.attrs.begin = static_cast<uint32_t>(st.attributes.size());
            fields(obj(e), [&](std::string_view key, od::value& x) {
                if (is_null(x)) return;
                if (key == "timeUnixNano") {
                    ev.time_ns = nanos(x);
                } else if (key == "name") {
                    ev.name = memo.name(str(x));
                } else if (key == "attributes") {
                    if (attrs_seen) fallback();
                    attrs_seen = true;
                    ev.attrs.begin = static_cast<uint32_t>(st.attributes.size());
                    attributes(x);
                    ev.attrs.count = static_cast<uint32_t>(st.attributes.size() - ev.attrs.begin);
                }
            });
            if (!attrs_seen) ev.attrs.begin = static_cast<uint32_t>(st.attributes.size());
            st.events.push_back(ev);
        });
    }

    void links(od::value& list) {
        elements(arr(list), [&](od::value& l) {
            SpanLink link;
            bool has_trace = false, has_span = false, attrs_seen = false;
            fields(obj(l), [&](std::string_view key, od::value& x) {
                if (key == "traceId") {
                    link.trace_id = trace_id(x);
                    has_trace = true;
                } else if (key == "spanId") {
                    link.span_id = span_id(x, false);
                    has_span = true;
                } else if (key == "traceState") {
                    if (!is_null(x)) link.trace_state = st.strings.intern(str(x));
                } else if (key == "attributes") {
                    if (is_null(x)) return;
                    if (attrs_seen) fallback();
                    attrs_seen = true;
                    link.attrs.begin = static_cast<uint32_t>(st.attributes.size());
                    attributes(x);
                    link.attrs.count = static_cast<uint32_t>(st.attributes.size() - link.attrs.begin);
                }
            });
            if (!has_trace || !has_span) fallback();
            if (!attrs_seen) link.attrs.begin = static_cast<uint32_t>(st.attributes.size());
            st.links.push_back(link);
        });
    }

    void span(od::value& v, uint32_t resource, StrId service, StrId scope) {
        Span s = otlp_span(resource, service, scope);
        bool has_trace = false, has_span = false;
        uint32_t seen = 0;  // one bit per list field: a repeated one goes to the careful reader
        auto once = [&](uint32_t bit) {
            if (seen & bit) fallback();
            seen |= bit;
        };
        fields(obj(v), [&](std::string_view key, od::value& x) {
            if (is_null(x)) return;
            if (key == "traceId") {
                s.trace_id = trace_id(x);
                has_trace = true;
            } else if (key == "spanId") {
                s.span_id = span_id(x, false);
                has_span = true;
            } else if (key == "parentSpanId") {
                s.parent_span_id = span_id(x, true);
            } else if (key == "name") {
                s.name = memo.name(str(x));
            } else if (key == "kind") {
                s.kind = kind_of(x);
            } else if (key == "startTimeUnixNano") {
                s.start_ns = nanos(x);
            } else if (key == "endTimeUnixNano") {
                s.end_ns = nanos(x);
            } else if (key == "traceState") {
                s.trace_state = st.strings.intern(str(x));
            } else if (key == "flags") {
                s.flags = static_cast<uint8_t>(need(x.get_int64()) & 0xff);
            } else if (key == "attributes") {
                once(1);
                s.attrs.begin = static_cast<uint32_t>(st.attributes.size());
                attributes(x);
                s.attrs.count = static_cast<uint32_t>(st.attributes.size() - s.attrs.begin);
            } else if (key == "events") {
                once(2);
                s.event_begin = static_cast<uint32_t>(st.events.size());
                events(x);
                s.event_count = static_cast<uint32_t>(st.events.size() - s.event_begin);
            } else if (key == "links") {
                once(4);
                s.link_begin = static_cast<uint32_t>(st.links.size());
                links(x);
                s.link_count = static_cast<uint32_t>(st.links.size() - s.link_begin);
            } else if (key == "status") {
                fields(obj(x), [&](std::string_view k, od::value& y) {
                    if (is_null(y)) return;
                    if (k == "code")
                        s.status = status_of(y);
                    else if (k == "message")
                        s.status_message = st.strings.intern(str(y));
                });
            }
        });
        if (!has_trace || !has_span) fallback();
        if (!(seen & 1)) s.attrs.begin = static_cast<uint32_t>(st.attributes.size());
        if (!(seen & 2)) s.event_begin = static_cast<uint32_t>(st.events.size());
        if (!(seen & 4)) s.link_begin = static_cast<uint32_t>(st.links.size());
        st.spans.push_back(s);
    }

    // ScopeSpans; the scope may come after the spans, so it is set on them afterwards.
    void scope_spans(od::value& v, uint32_t resource, StrId service) {
        const size_t first = st.spans.size();
        StrId scope = 0;
        bool scope_seen = false, spans_seen = false;
        fields(obj(v), [&](std::string_view key, od::value& x) {
            if (is_null(x)) return;
            if (key == "scope" || key == "instrumentationLibrary") {
                if (scope_seen) fallback();
                scope_seen = true;
                if (type_of(x) != od::json_type::object) return;
                fields(obj(x), [&](std::string_view k, od::value& y) {
                    if (k == "name" && type_of(y) == od::json_type::string) scope = st.strings.intern(str(y));
                });
            } else if (key == "spans") {
                if (spans_seen) fallback();
                spans_seen = true;
                elements(arr(x), [&](od::value& sp) { span(sp, resource, service, 0); });
            }
        });
        for (size_t i = first; i < st.spans.size(); ++i) st.spans[i].scope = scope;
    }

    // ResourceSpans. The resource is settled where it appears (its attributes are then the last ones in the
    // store, as the careful reader has them); its spans, wherever they came, get it afterwards.
    void resource_spans(od::value& v) {
        const size_t first = st.spans.size();
        bool resource_seen = false, scopes_seen = false;
        uint32_t resource = 0;
        StrId service = st.strings.intern("unknown_service");  // the SDK default when service.name is unset
        auto settle = [&](uint32_t attr_begin) {
            // service.name becomes the resource's service; the other attributes stay on the resource.
            for (size_t i = attr_begin; i < st.attributes.size(); ++i) {
                if (st.attributes[i].key != k_service_name) continue;
                if (st.attributes[i].value.type == ValueType::String) service = st.attributes[i].value.s;
                st.attributes.erase(st.attributes.begin() + static_cast<ptrdiff_t>(i));
                break;
            }
            resource = in.resource(service, attr_begin);
        };
        fields(obj(v), [&](std::string_view key, od::value& x) {
            if (key == "resource") {
                if (resource_seen) fallback();
                resource_seen = true;
                const auto attr_begin = static_cast<uint32_t>(st.attributes.size());
                if (type_of(x) == od::json_type::object) {
                    bool attrs_seen = false;
                    fields(obj(x), [&](std::string_view k, od::value& y) {
                        if (k != "attributes" || is_null(y)) return;
                        if (attrs_seen) fallback();
                        attrs_seen = true;
                        attributes(y);
                    });
                }
                settle(attr_begin);
            } else if (key == "scopeSpans" || key == "instrumentationLibrarySpans") {
                if (is_null(x)) return;
                if (scopes_seen) fallback();
                scopes_seen = true;
                elements(arr(x), [&](od::value& ss) { scope_spans(ss, 0, 0); });
            }
        });
        if (!resource_seen) settle(static_cast<uint32_t>(st.attributes.size()));
        for (size_t i = first; i < st.spans.size(); ++i) {
            st.spans[i].resource = resource;
            st.spans[i].service = service;
        }
    }

    // One line of OTLP JSON Lines: an ExportTraceServiceRequest, read where "resourceSpans" shows up. False
    // when the line has none. (Whole documents go through read_top_object, which also tells the other
    // formats apart.)
    bool request(od::document& doc) {
        bool found = false;
        fields(need(doc.get_object()), [&](std::string_view key, od::value& x) {
            if (key != "resourceSpans") return;
            if (found) fallback();
            found = true;
            elements(arr(x), [&](od::value& rs) { resource_spans(rs); });
        });
        return found;
    }
};

// [SECTION] Jaeger JSON

struct JaegerFast {
    SpanImport& in;
    TraceStore& st;
    JaegerSpecialTags special;
    StrId k_event, k_log;
    InternMemo memo;  // tag keys and string values by position in their list

    struct Process {
        StrId service = 0;
        uint32_t resource = 0;
    };

    JaegerFast(SpanImport& i, TraceStore& s)
        : in(i),
          st(s),
          special(s),
          k_event(s.strings.intern("event")),
          k_log(s.strings.intern("log")),
          memo(s.strings) {}

    TraceId trace_id(od::value& v) {
        auto id = parse_trace_id_padded(str(v));
        if (!id || !id->valid()) fallback();
        return *id;
    }

    SpanId span_id(od::value& v) {
        auto id = parse_span_id_padded(str(v));
        if (!id || !id->valid()) fallback();
        return *id;
    }

    // Microseconds as a JSON integer or a decimal string, as nanoseconds (the careful reader takes the rest).
    int64_t micros(od::value& v) {
        int64_t us = 0;
        if (type_of(v) == od::json_type::string) {
            auto n = parse_decimal_i64(str(v));
            if (!n) fallback();
            us = *n;
        } else {
            us = need(v.get_int64());
        }
        if (us < 0 || us > INT64_MAX / 1000) fallback();
        return us * 1000;
    }

    // A tag {"key", "type", "value"}: typed as its "type" says, which must come before the value.
    // `position`: the tag's index in its list, for the memo.
    void tag(od::value& v, size_t position) {
        Attribute a;
        bool has_key = false, has_value = false;
        std::string_view type;
        fields(obj(v), [&](std::string_view key, od::value& x) {
            if (key == "key") {
                a.key = memo.key(position, str(x));
                has_key = true;
            } else if (key == "type") {
                if (has_value) fallback();
                if (type_of(x) == od::json_type::string) type = str(x);
            } else if (key == "value") {
                has_value = true;
                a.value = tag_value(type, x, position);
            }
        });
        if (!has_key || !has_value) fallback();
        st.attributes.push_back(a);
    }

    AttrValue tag_value(std::string_view type, od::value& v, size_t position) {
        const od::json_type t = type_of(v);
        if (ascii_iequals(type, "int64")) {
            if (t == od::json_type::string) {
                auto n = parse_decimal_i64(str(v));
                if (!n) fallback();
                return AttrValue::integer(*n);
            }
            return AttrValue::integer(need(v.get_int64()));
        }
        if (ascii_iequals(type, "float64")) {
            if (t != od::json_type::number) fallback();
            return AttrValue::real(need(v.get_double()));
        }
        if (ascii_iequals(type, "bool")) {
            if (t == od::json_type::boolean) return AttrValue::boolean(need(v.get_bool()));
            const std::string_view s = str(v);
            if (s != "true" && s != "false") fallback();
            return AttrValue::boolean(s == "true");
        }
        if (ascii_iequals(type, "binary")) {
            AttrValue a = AttrValue::str(st.strings.intern(str(v)));
            a.type = ValueType::Bytes;
            return a;
        }
        // Untyped (or "string"): what the JSON says. Arrays, objects and odd numbers go to the careful reader.
        switch (t) {
            case od::json_type::string:
                return AttrValue::str(memo.value(position, str(v)));
            case od::json_type::boolean:
                if (ascii_iequals(type, "string")) fallback();
                return AttrValue::boolean(need(v.get_bool()));
            case od::json_type::number: {
                if (ascii_iequals(type, "string")) fallback();
                const od::number_type nt = need(v.get_number_type());
                if (nt == od::number_type::signed_integer) return AttrValue::integer(need(v.get_int64()));
                if (nt == od::number_type::floating_point_number) return AttrValue::real(need(v.get_double()));
                fallback();
            }
            case od::json_type::null:
                if (ascii_iequals(type, "string")) fallback();
                return AttrValue{};
            default:
                fallback();
        }
    }

    void tags(od::value& list) {
        size_t position = 0;
        elements(arr(list), [&](od::value& t) { tag(t, position++); });
    }

    Process process(od::value& v) {
        Process p;
        p.service = st.strings.intern("unknown_service");
        const auto begin = static_cast<uint32_t>(st.attributes.size());
        bool tags_seen = false;
        fields(obj(v), [&](std::string_view key, od::value& x) {
            if (is_null(x)) return;
            if (key == "serviceName") {
                p.service = st.strings.intern(str(x));
            } else if (key == "tags") {
                if (tags_seen) fallback();
                tags_seen = true;
                tags(x);
            }
        });
        p.resource = in.resource(p.service, begin);
        return p;
    }

    void log(od::value& v) {
        SpanEvent ev;
        ev.name = k_log;
        bool has_time = false, fields_seen = false;
        ev.attrs.begin = static_cast<uint32_t>(st.attributes.size());
        fields(obj(v), [&](std::string_view key, od::value& x) {
            if (key == "timestamp") {
                ev.time_ns = micros(x);
                has_time = true;
            } else if (key == "fields") {
                if (is_null(x)) return;
                if (fields_seen) fallback();
                fields_seen = true;
                tags(x);
            }
        });
        if (!has_time) fallback();
        jaeger_log_event(st, ev, k_event);
    }

    // A reference as read; its trace id may come before the span's own (which is the default).
    struct Ref {
        std::optional<TraceId> trace;
        SpanId span;
        bool child_of = true;
    };
    std::vector<JaegerRef> resolved;

    // A span whose process is not known yet (Jaeger writes "processes" after "spans") is left for
    // trace() to settle: its index and process id go to `pending`.
    using Processes = std::unordered_map<std::string_view, Process>;
    void span(od::value& v, const Processes* processes, std::optional<TraceId> trace_default, std::vector<Ref>& refs,
              std::vector<std::pair<size_t, std::string_view>>& pending) {
        Span s;
        s.kind = SpanKind::Unspecified;
        bool has_trace = false, has_span = false, has_start = false, has_refs = false, tags_seen = false,
             logs_seen = false;  // a repeated list goes to the careful reader
        int64_t dur = 0;
        std::optional<SpanId> parent_field;
        const Process* proc = nullptr;
        std::string_view process_id;
        bool has_process = false;
        refs.clear();
        s.attrs.begin = static_cast<uint32_t>(st.attributes.size());
        s.event_begin = static_cast<uint32_t>(st.events.size());
        fields(obj(v), [&](std::string_view key, od::value& x) {
            if (is_null(x)) return;
            if (key == "traceID") {
                s.trace_id = trace_id(x);
                has_trace = true;
            } else if (key == "spanID") {
                s.span_id = span_id(x);
                has_span = true;
            } else if (key == "operationName") {
                s.name = memo.name(str(x));
            } else if (key == "startTime") {
                s.start_ns = micros(x);
                has_start = true;
            } else if (key == "duration") {
                dur = micros(x);
            } else if (key == "flags") {
                if (type_of(x) != od::json_type::number) return;
                if (need(x.get_number_type()) != od::number_type::signed_integer) fallback();
                s.flags = static_cast<uint8_t>(need(x.get_int64()) & 0xff);
            } else if (key == "processID") {
                if (type_of(x) != od::json_type::string) fallback();
                process_id = str(x);
                has_process = true;
                if (processes != nullptr) {
                    auto it = processes->find(process_id);
                    if (it == processes->end()) fallback();
                    proc = &it->second;
                }
            } else if (key == "references") {
                has_refs = true;
                elements(arr(x), [&](od::value& r) {
                    Ref ref;
                    bool has_id = false;
                    fields(obj(r), [&](std::string_view k, od::value& y) {
                        if (k == "traceID") {
                            if (!is_null(y)) ref.trace = trace_id(y);
                        } else if (k == "spanID") {
                            ref.span = span_id(y);
                            has_id = true;
                        } else if (k == "refType") {
                            if (type_of(y) != od::json_type::string) return;
                            const std::string_view type = str(y);
                            if (ascii_iequals(type, "FOLLOWS_FROM"))
                                ref.child_of = false;
                            else if (!ascii_iequals(type, "CHILD_OF"))
                                fallback();
                        }
                    });
                    if (!has_id) fallback();
                    refs.push_back(ref);
                });
            } else if (key == "parentSpanID") {
                parent_field = span_id(x);
            } else if (key == "tags") {
                if (tags_seen) fallback();
                tags_seen = true;
                s.attrs.begin = static_cast<uint32_t>(st.attributes.size());
                tags(x);
                s.attrs.count = static_cast<uint32_t>(st.attributes.size() - s.attrs.begin);
            } else if (key == "logs") {
                if (logs_seen) fallback();
                logs_seen = true;
                s.event_begin = static_cast<uint32_t>(st.events.size());
                elements(arr(x), [&](od::value& l) { log(l); });
                s.event_count = static_cast<uint32_t>(st.events.size() - s.event_begin);
            } else if (key == "warnings") {
                if (type_of(x) != od::json_type::array) return;
                elements(arr(x), [&](od::value& w) {
                    if (type_of(w) == od::json_type::string) fallback();  // worth a warning
                });
            } else if (key == "process") {
                fallback();  // an inline process (older Jaeger JSON)
            }
        });
        if (!has_trace) {
            if (!trace_default) fallback();
            s.trace_id = *trace_default;
        }
        if (!has_span || !has_start || !has_process) fallback();
        if (s.start_ns > INT64_MAX - dur) fallback();
        s.end_ns = s.start_ns + dur;
        if (proc != nullptr) {
            s.service = proc->service;
            s.resource = proc->resource;
        } else {
            pending.emplace_back(st.spans.size(), process_id);
        }
        if (!has_refs && parent_field) refs.push_back(Ref{s.trace_id, *parent_field, true});
        // The tags that are span fields leave the range; when the range is last in the store (no log fields
        // after it), the store shrinks with it, as in the careful reader.
        const bool tags_last = s.attrs.begin + s.attrs.count == st.attributes.size();
        special.absorb(st, s);
        if (tags_last) st.attributes.resize(s.attrs.begin + s.attrs.count);
        if (s.kind == SpanKind::Unspecified) s.kind = SpanKind::Internal;
        resolved.clear();
        for (const Ref& r : refs) resolved.push_back(JaegerRef{r.trace.value_or(s.trace_id), r.span, r.child_of});
        jaeger_references(st, s, resolved);
        st.spans.push_back(s);
    }

    // One trace, in one pass over its fields. Jaeger writes "traceID", "spans", "processes", "warnings" in
    // that order, so the spans' processes are settled at the end; a trace whose spans need the trace's id
    // before it came goes to the careful reader.
    void trace(od::value& v) { trace(obj(v)); }

    void trace(od::object t) {
        Processes processes;
        std::vector<std::string> names;  // the keys, kept while the map points at them
        std::optional<TraceId> trace_default;
        bool processes_seen = false, spans_seen = false, id_seen = false;
        std::vector<Ref> refs;
        std::vector<std::pair<size_t, std::string_view>> pending;
        fields(t, [&](std::string_view key, od::value& x) {
            if (key == "processes") {
                if (processes_seen) fallback();
                processes_seen = true;
                if (is_null(x)) return;
                std::vector<std::pair<std::string, Process>> list;
                for (auto field : obj(x)) {
                    od::field fl = need(std::move(field));
                    std::string name(need(fl.unescaped_key()));
                    od::value p = fl.value();
                    list.emplace_back(std::move(name), process(p));
                }
                names.reserve(list.size());
                for (auto& [name, proc] : list) {
                    names.push_back(std::move(name));
                    processes.emplace(names.back(), proc);
                }
            } else if (key == "traceID") {
                if (id_seen || spans_seen) fallback();
                id_seen = true;
                if (!is_null(x)) trace_default = trace_id(x);
            } else if (key == "warnings") {
                if (type_of(x) == od::json_type::array)
                    elements(arr(x), [&](od::value& w) {
                        if (type_of(w) == od::json_type::string) fallback();
                    });
            } else if (key == "spans") {
                if (spans_seen) fallback();
                spans_seen = true;
                const Processes* known = processes_seen ? &processes : nullptr;
                elements(arr(x), [&](od::value& sp) { span(sp, known, trace_default, refs, pending); });
            }
        });
        if (!spans_seen) fallback();
        for (const auto& [index, process_id] : pending) {
            auto it = processes.find(process_id);
            if (it == processes.end()) fallback();
            st.spans[index].service = it->second.service;
            st.spans[index].resource = it->second.resource;
        }
    }
};

// [SECTION] Zipkin v2 JSON

struct ZipkinFast {
    SpanImport& in;
    TraceStore& st;
    StrId k_peer_service, k_unknown;
    InternMemo memo;  // tag keys and values by position, span and event names

    ZipkinFast(SpanImport& i, TraceStore& s)
        : in(i),
          st(s),
          k_peer_service(s.strings.intern("peer.service")),
          k_unknown(s.strings.intern("unknown_service")),
          memo(s.strings) {}

    int64_t micros(od::value& v) {
        const int64_t us = need(v.get_int64());
        if (us < 0 || us > INT64_MAX / 1000) fallback();
        return us * 1000;
    }

    // String tags; the ones that are OTLP span fields go into the span, the rest become attributes in key
    // order (the order the careful reader keeps them in).
    template <class SetMessage>
    void tags(od::object o, Span& s, bool& error, bool& has_status, SetMessage& set_message) {
        const size_t first = st.attributes.size();
        bool has_scope = false;
        size_t position = 0;
        for (auto field : o) {
            od::field fl = need(std::move(field));
            const std::string_view name = need(fl.unescaped_key());
            od::value y = fl.value();
            if (type_of(y) != od::json_type::string) fallback();  // kept as JSON text by the careful reader
            const std::string_view text = str(y);
            if (name == "error") {
                error = true;
                if (!text.empty() && text != "true") set_message(st.strings.intern(text));
            } else if (name == "otel.status_code") {
                has_status = true;
                s.status = text == "ERROR" ? StatusCode::Error : text == "OK" ? StatusCode::Ok : StatusCode::Unset;
            } else if (name == "otel.status_description") {
                set_message(st.strings.intern(text));
            } else if (name == "otel.scope.name" || name == "otel.library.name") {
                if (has_scope) fallback();
                has_scope = true;
                s.scope = st.strings.intern(text);
            } else if (name == "w3c.tracestate") {
                s.trace_state = st.strings.intern(text);
            } else {
                st.attributes.push_back(Attribute{memo.key(position, name), AttrValue::str(memo.value(position, text))});
            }
            ++position;
        }
        const auto begin = st.attributes.begin() + static_cast<ptrdiff_t>(first);
        auto by_key = [&](const Attribute& a, const Attribute& b) { return st.str(a.key) < st.str(b.key); };
        std::sort(begin, st.attributes.end(), by_key);
        if (std::adjacent_find(begin, st.attributes.end(), [](const Attribute& a, const Attribute& b) {
                return a.key == b.key;
            }) != st.attributes.end())
            fallback();  // a repeated tag: the careful reader keeps the last
    }

    void span(od::value& v) {
        Span s;
        s.kind = SpanKind::Internal;
        bool has_trace = false, has_id = false, has_time = false, error = false, has_status = false,
             has_message = false, tags_seen = false;
        int64_t dur = 0;
        StrId service = k_unknown, peer = 0;
        bool has_peer = false;
        s.attrs.begin = static_cast<uint32_t>(st.attributes.size());
        s.event_begin = static_cast<uint32_t>(st.events.size());
        auto set_message = [&](StrId m) {
            if (has_message) fallback();  // which one wins depends on key order: the careful reader decides
            has_message = true;
            s.status_message = m;
        };
        fields(obj(v), [&](std::string_view key, od::value& x) {
            if (is_null(x)) return;
            if (key == "traceId") {
                auto id = parse_trace_id_padded(str(x));
                if (!id || !id->valid()) fallback();
                s.trace_id = *id;
                has_trace = true;
            } else if (key == "id") {
                auto id = parse_span_id_padded(str(x));
                if (!id || !id->valid()) fallback();
                s.span_id = *id;
                has_id = true;
            } else if (key == "parentId") {
                auto id = parse_span_id_padded(str(x));
                if (!id) fallback();
                s.parent_span_id = *id;
            } else if (key == "name") {
                s.name = memo.name(str(x));
            } else if (key == "kind") {
                auto kind = zipkin_kind_named(str(x));
                if (!kind) fallback();
                s.kind = *kind;
            } else if (key == "timestamp") {
                s.start_ns = micros(x);
                has_time = true;
            } else if (key == "duration") {
                dur = micros(x);
            } else if (key == "localEndpoint" || key == "remoteEndpoint") {
                if (type_of(x) != od::json_type::object) return;
                const bool local = key == "localEndpoint";
                fields(obj(x), [&](std::string_view k, od::value& y) {
                    if (k != "serviceName" || type_of(y) != od::json_type::string) return;
                    const std::string_view name = str(y);
                    if (local && !name.empty()) service = st.strings.intern(name);
                    if (!local) {
                        peer = st.strings.intern(name);
                        has_peer = true;
                    }
                });
            } else if (key == "tags") {
                if (tags_seen) fallback();
                tags_seen = true;
                tags(obj(x), s, error, has_status, set_message);
            } else if (key == "annotations") {
                elements(arr(x), [&](od::value& a) {
                    SpanEvent ev;
                    bool has_ts = false;
                    fields(obj(a), [&](std::string_view k, od::value& y) {
                        if (k == "timestamp") {
                            ev.time_ns = micros(y);
                            has_ts = true;
                        } else if (k == "value") {
                            ev.name = memo.name(str(y));
                        }
                    });
                    if (!has_ts) fallback();
                    ev.attrs.begin = static_cast<uint32_t>(st.attributes.size());
                    st.events.push_back(ev);
                });
                s.event_count = static_cast<uint32_t>(st.events.size() - s.event_begin);
            }
        });
        if (error && !has_status) s.status = StatusCode::Error;
        if (!has_trace || !has_id || !has_time) fallback();
        if (s.start_ns > INT64_MAX - dur) fallback();
        s.end_ns = s.start_ns + dur;
        s.service = service;
        s.resource = st.resource_for(service);
        if (has_peer) st.attributes.push_back(Attribute{k_peer_service, AttrValue::str(peer)});
        s.attrs.count = static_cast<uint32_t>(st.attributes.size() - s.attrs.begin);
        s.link_begin = static_cast<uint32_t>(st.links.size());
        st.spans.push_back(s);
    }
};

// [SECTION] Chrome Trace Event JSON

struct ChromeFast {
    SpanImport& in;
    TraceStore& st;
    ChromeEvents ev;
    std::map<std::pair<ChromeIdent, ChromeIdent>, std::vector<ChromeSlice>> open;  // B events waiting for E

    InternMemo memo;  // event names and categories

    ChromeFast(SpanImport& i, TraceStore& s) : in(i), st(s), memo(s.strings) {}

    ChromeIdent ident(od::value& v) {
        const od::json_type t = type_of(v);
        if (t == od::json_type::string) return chrome_ident(st, str(v));
        if (t != od::json_type::number) return {};
        switch (need(v.get_number_type())) {
            case od::number_type::signed_integer:
                return ChromeIdent{need(v.get_int64()), 0};
            case od::number_type::unsigned_integer:
                return ChromeIdent{static_cast<int64_t>(need(v.get_uint64())), 0};
            default: {
                const double d = need(v.get_double());
                return std::isfinite(d) && std::fabs(d) < 9e18 ? ChromeIdent{static_cast<int64_t>(d), 0}
                                                               : ChromeIdent{};
            }
        }
    }

    // A JSON value as the careful reader keeps an argument (plain_json_value).
    AttrValue plain(od::value& v) {
        switch (type_of(v)) {
            case od::json_type::string:
                return AttrValue::str(st.strings.intern(str(v)));
            case od::json_type::boolean:
                return AttrValue::boolean(need(v.get_bool()));
            case od::json_type::number:
                switch (need(v.get_number_type())) {
                    case od::number_type::signed_integer:
                        return AttrValue::integer(need(v.get_int64()));
                    case od::number_type::unsigned_integer:
                        return AttrValue::real(static_cast<double>(need(v.get_uint64())));
                    default:
                        return AttrValue::real(need(v.get_double()));
                }
            case od::json_type::null:
                return AttrValue{};
            default: {
                const bool is_array = type_of(v) == od::json_type::array;
                const std::string_view raw = is_array ? need(arr(v).raw_json()) : need(obj(v).raw_json());
                if (find_too_deep(raw, 100) != std::string_view::npos) fallback();  // nlohmann recurses
                const Json parsed = Json::parse(raw.begin(), raw.end(), nullptr, false);
                if (parsed.is_discarded()) fallback();
                AttrValue a = AttrValue::str(st.strings.intern(compact_json(parsed)));
                a.type = is_array ? ValueType::Array : ValueType::KvList;
                return a;
            }
        }
    }

    void event(od::value& v, size_t index) {
        ChromeSlice s;
        s.index = index;
        std::string_view ph, name;
        bool has_ph = false, name_ok = true, has_name = false, ts_ok = false, dur_ok = true;
        int64_t ts = 0, dur = 0;
        StrId process_name = 0;
        const auto args_begin = static_cast<uint32_t>(ev.args.size());
        fields(obj(v), [&](std::string_view key, od::value& x) {
            if (key == "ph") {
                ph = str(x);
                has_ph = true;
            } else if (key == "pid") {
                s.pid = ident(x);
            } else if (key == "tid") {
                s.tid = ident(x);
            } else if (key == "ts" || key == "dur") {
                std::optional<int64_t> ns;
                if (type_of(x) == od::json_type::number) ns = chrome_micros_ns(need(x.get_double()));
                (key == "ts" ? ts_ok : dur_ok) = ns.has_value();
                (key == "ts" ? ts : dur) = ns.value_or(0);
            } else if (key == "name") {
                has_name = true;
                name_ok = type_of(x) == od::json_type::string;
                if (name_ok) name = str(x);
            } else if (key == "cat") {
                if (type_of(x) != od::json_type::string) return;
                s.cat = memo.name(str(x));
                s.has_cat = true;
            } else if (key == "args") {
                if (type_of(x) != od::json_type::object) return;
                for (auto field : obj(x)) {
                    od::field fl = need(std::move(field));
                    const StrId k = st.strings.intern(need(fl.unescaped_key()));
                    od::value y = fl.value();
                    const AttrValue value = plain(y);
                    if (st.str(k) == "name" && value.type == ValueType::String) process_name = value.s;
                    ev.args.push_back(Attribute{k, value});
                }
            }
        });
        // Arguments in key order, as the careful reader keeps them; a repeated key is its business.
        const auto first = ev.args.begin() + args_begin;
        std::sort(first, ev.args.end(),
                  [&](const Attribute& a, const Attribute& b) { return st.str(a.key) < st.str(b.key); });
        if (std::adjacent_find(first, ev.args.end(),
                               [](const Attribute& a, const Attribute& b) { return a.key == b.key; }) != ev.args.end())
            fallback();
        const AttrRange args{args_begin, static_cast<uint32_t>(ev.args.size() - args_begin)};
        if (!has_ph || !name_ok) fallback();  // skipped or warned about by the careful reader
        const StrId name_id = has_name ? memo.name(name) : 0;
        if (ph == "X") {
            if (!ts_ok || !dur_ok) fallback();
            s.start_ns = ts;
            if (__builtin_add_overflow(ts, dur, &s.end_ns)) fallback();
            s.name = name_id;
            s.args = args;
            s.order = ev.slices.size();
            ev.slices.push_back(s);
        } else if (ph == "B") {
            if (!ts_ok) fallback();
            s.start_ns = ts;
            s.name = name_id;
            s.args = args;
            open[{s.pid, s.tid}].push_back(s);
        } else if (ph == "E") {
            auto& stack = open[{s.pid, s.tid}];
            if (stack.empty() || !ts_ok) fallback();
            ChromeSlice b = stack.back();
            stack.pop_back();
            b.end_ns = ts;
            if (b.name == 0) b.name = name_id;
            b.end_args = args;
            b.order = ev.slices.size();
            ev.slices.push_back(b);
        } else if (ph == "M") {
            ev.args.resize(args_begin);
            if (name == "process_name" && process_name != 0) ev.process_names[s.pid] = process_name;
        } else {
            fallback();  // instant, counter, … events: the careful reader counts them in a warning
        }
    }

    void events(od::value& list) {
        size_t index = 0;
        elements(arr(list), [&](od::value& e) { event(e, index++); });
        for (const auto& [key, stack] : open)
            if (!stack.empty()) fallback();
        nest_chrome_slices(ev, in, Where{}, [](const Where&, const std::string&) { fallback(); });
    }
};

// [SECTION] Entry point

// What a top-level array holds, from the keys of its first element (as detect() in formats.cpp decides):
// Chrome events have "ph", Jaeger traces "spans" and "traceID", Zipkin spans "traceId" and "id" or "name".
enum class ListOf { Other, Chrome, Jaeger, Zipkin };

ListOf list_of(od::document& doc) {
    od::array list = need(doc.get_array());
    for (auto element : list) {
        od::value first = need(std::move(element));
        if (type_of(first) != od::json_type::object) return ListOf::Other;
        bool spans = false, trace_id = false, ph = false, zipkin_trace = false, id = false, name = false;
        fields(obj(first), [&](std::string_view key, od::value&) {
            spans |= key == "spans";
            trace_id |= key == "traceID";
            ph |= key == "ph";
            zipkin_trace |= key == "traceId";
            id |= key == "id";
            name |= key == "name";
        });
        if (ph) return ListOf::Chrome;
        if (spans && trace_id) return ListOf::Jaeger;
        if (zipkin_trace && (id || name)) return ListOf::Zipkin;
        return ListOf::Other;
    }
    return ListOf::Other;
}

// The top-level keys that tell the formats apart (sim/formats/formats.cpp, detect()).
struct Shape {
    bool trace_events = false, data = false, spans = false, trace_id = false, processes = false;
};

// A top-level object that is not an OTLP request: Chrome ("traceEvents"), a Jaeger query response ("data")
// or a bare Jaeger trace, in the order detect() in formats.cpp tries them.
TraceFormat read_object(od::document& doc, const Shape& shape, SpanImport& in) {
    if (!shape.trace_events && !shape.data && !(shape.spans && (shape.trace_id || shape.processes))) fallback();
    doc.rewind();
    od::object root = need(doc.get_object());
    if (shape.trace_events) {
        ChromeFast chrome(in, in.store());
        bool seen = false;
        fields(root, [&](std::string_view key, od::value& x) {
            if (key != "traceEvents") return;
            if (seen) fallback();
            seen = true;
            chrome.events(x);
        });
        return TraceFormat::Chrome;
    }
    JaegerFast jaeger(in, in.store());
    if (!shape.data) {
        jaeger.trace(root);
        // trace() looks fields up out of order and may stop inside the object: step over all of it again so
        // that read_document() can tell whether anything follows.
        doc.rewind();
        (void)need(need(doc.get_object()).raw_json());
        return TraceFormat::Jaeger;
    }
    fields(root, [&](std::string_view key, od::value& x) {
        if (key == "data") {
            if (is_null(x)) return;
            elements(arr(x), [&](od::value& t) { jaeger.trace(t); });
        } else if (key == "errors") {
            if (type_of(x) != od::json_type::array) return;
            elements(arr(x), [&](od::value&) { fallback(); });  // each one is worth a warning
        }
    });
    return TraceFormat::Jaeger;
}

// A top-level array: Chrome events, Jaeger traces or Zipkin spans.
TraceFormat read_list(od::document& doc, SpanImport& in) {
    const ListOf kind = list_of(doc);
    doc.rewind();
    od::value list = need(doc.get_value());
    switch (kind) {
        case ListOf::Chrome: {
            ChromeFast chrome(in, in.store());
            chrome.events(list);
            return TraceFormat::Chrome;
        }
        case ListOf::Jaeger: {
            JaegerFast jaeger(in, in.store());
            elements(arr(list), [&](od::value& t) { jaeger.trace(t); });
            return TraceFormat::Jaeger;
        }
        case ListOf::Zipkin: {
            ZipkinFast zipkin(in, in.store());
            elements(arr(list), [&](od::value& sp) { zipkin.span(sp); });
            return TraceFormat::Zipkin;
        }
        case ListOf::Other:
            break;
    }
    fallback();
}

// A top-level object. An OTLP request ("resourceSpans") and a Jaeger query response ("data") are read in
// this one pass, where their key appears; Chrome and a bare Jaeger trace are read again from the start
// (read_object). A document that turns out to hold two of these shapes goes to the careful reader, which
// picks one as detect() in formats.cpp does.
TraceFormat read_top_object(od::document& doc, SpanImport& in) {
    OtlpFast otlp(in, in.store());
    Shape shape;
    std::optional<JaegerFast> jaeger;  // set once "data" was read as Jaeger traces
    bool otlp_found = false, jaeger_errors = false;
    od::object root = need(doc.get_object());
    fields(root, [&](std::string_view key, od::value& x) {
        if (key == "resourceSpans") {
            if (otlp_found || jaeger) fallback();
            otlp_found = true;
            elements(arr(x), [&](od::value& rs) { otlp.resource_spans(rs); });
        } else if (key == "traceEvents") {
            if (jaeger) fallback();
            shape.trace_events = true;
        } else if (key == "data") {
            const od::json_type t = type_of(x);
            shape.data = t == od::json_type::array || t == od::json_type::null;
            if (t == od::json_type::array && !otlp_found && !shape.trace_events) {
                if (jaeger) fallback();
                jaeger.emplace(in, in.store());
                elements(arr(x), [&](od::value& trace) { jaeger->trace(trace); });
            }
        } else if (key == "errors") {
            // Each error of a Jaeger response is worth a warning, which the careful reader gives.
            if (type_of(x) == od::json_type::array) elements(arr(x), [&](od::value&) { jaeger_errors = true; });
        } else if (key == "spans") {
            shape.spans = true;
        } else if (key == "traceID") {
            shape.trace_id = true;
        } else if (key == "processes") {
            shape.processes = true;
        }
    });
    if (otlp_found) return TraceFormat::Otlp;
    if (jaeger) {
        if (jaeger_errors) fallback();
        return TraceFormat::Jaeger;
    }
    return read_object(doc, shape, in);
}

// One whole document into `in`'s store; the format it was.
TraceFormat read_document(od::parser& parser, simdjson::padded_string_view text, SpanImport& in) {
    od::document doc = need(parser.iterate(text));
    TraceFormat format = TraceFormat::Otlp;
    if (need(doc.type()) == od::json_type::object) {
        format = read_top_object(doc, in);
    } else {
        format = read_list(doc, in);
    }
    if (!at_end(doc)) fallback();
    return format;
}

// One OTLP request per line (the Collector's file exporter); every line must be a clean request. `all` is
// followed by simdjson's padding.
void read_json_lines(od::parser& parser, std::string_view all, SpanImport& in) {
    size_t pos = 0, count = 0;
    while (pos < all.size()) {
        size_t end = all.find('\n', pos);
        if (end == std::string_view::npos) end = all.size();
        const std::string_view line = all.substr(pos, end - pos);
        if (line.find_first_not_of(" \t\r") != std::string_view::npos) {
            // The rest of the buffer (and its padding) lies after the line: simdjson may read into it.
            const size_t room = all.size() + simdjson::SIMDJSON_PADDING - pos;
            od::document doc = need(parser.iterate(simdjson::padded_string_view(line.data(), line.size(), room)));
            OtlpFast otlp(in, in.store());
            if (!otlp.request(doc) || !at_end(doc)) fallback();
            ++count;
        }
        pos = end + 1;
    }
    if (count < 2) fallback();
}

}  // namespace

static_assert(kJsonPadding >= simdjson::SIMDJSON_PADDING);

namespace {
// The calling thread's parser (see release_import_memory in formats.hpp).
od::parser& thread_parser() {
    thread_local od::parser parser;
    return parser;
}
}  // namespace

bool import_fast(std::string_view text, const std::string& source, ImportedTrace& out, bool padded) {
    // simdjson reads a little past the end of its input: a file is read into a buffer with that room; other
    // text is copied into one.
    BigBuffer copy;
    if (!padded) {
        copy = BigBuffer(text.size() + simdjson::SIMDJSON_PADDING);
        std::memcpy(copy.data(), text.data(), text.size());
        text = std::string_view(copy.data(), text.size());
    }
    const simdjson::padded_string_view view(text.data(), text.size(), text.size() + simdjson::SIMDJSON_PADDING);
    od::parser& parser = thread_parser();
    try {
        bool single = true;
        try {
            SpanImport in(source, out);
            out.format = read_document(parser, view, in);
            in.finish();
        } catch (const Fallback&) {
            single = false;
        }
        if (!single) {
            out = ImportedTrace{};
            SpanImport in(source, out);
            read_json_lines(parser, text, in);
            out.format = TraceFormat::Otlp;
            in.finish();
        }
        if (out.store.spans.empty()) fallback();  // the careful reader says why
        return true;
    } catch (const Fallback&) {
    } catch (const LoadError&) {
    } catch (const simdjson::simdjson_error&) {
    }
    out = ImportedTrace{};
    return false;
}

}  // namespace tl::formats

namespace tl {

void release_import_memory() {
    formats::thread_parser() = simdjson::ondemand::parser{};
}

}  // namespace tl
