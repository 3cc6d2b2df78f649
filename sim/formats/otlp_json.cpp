// OTLP/JSON: the ExportTraceServiceRequest in the protobuf JSON mapping that OTLP/HTTP uses.
// - Field names in lowerCamelCase, trace and span ids as hex (either case on import), 64-bit integers as
//   decimal strings (numbers also accepted), enums as integers (names also accepted), unknown fields ignored.
// - Export: one ResourceSpans per resource, one ScopeSpans per scope (first-appearance order), spans in store
//   order, so the same store always gives the same bytes.
// [SECTION] Reading values  [SECTION] Reading spans  [SECTION] Writing
#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <unordered_map>

#include "sim/formats/format_io.hpp"

namespace tl::formats {

namespace {

// [SECTION] Reading values

std::string_view text_of(const Json& v) {
    return v.get_ref<const std::string&>();
}

struct OtlpReader {
    SpanImport& in;
    TraceStore& st;
    bool warned_base64 = false;

    std::string_view need_string(const Json& v, const Where& w) {
        if (!v.is_string()) in.fail(w, std::string("expected a string, found ") + json_type_name(v));
        return text_of(v);
    }

    // A fixed64/int64 field: a decimal string or a JSON number, within int64 and not negative.
    int64_t nanos(const Json& v, const Where& w) {
        if (v.is_string()) {
            auto n = parse_decimal_i64(text_of(v));
            if (!n)
                in.fail(w, "\"" + std::string(text_of(v)).substr(0, 40) +
                               "\" is not a whole number of nanoseconds that fits in 64 bits");
            if (*n < 0) in.fail(w, "a time cannot be negative");
            return *n;
        }
        if (v.is_number_unsigned()) {
            const auto u = v.get<uint64_t>();
            if (u > static_cast<uint64_t>(INT64_MAX)) in.fail(w, v.dump() + " is too large for a time in nanoseconds");
            return static_cast<int64_t>(u);
        }
        if (v.is_number_integer()) {
            const auto i = v.get<int64_t>();
            if (i < 0) in.fail(w, "a time cannot be negative");
            return i;
        }
        if (v.is_number_float()) {
            const double d = v.get<double>();
            if (!(d >= 0) || d >= 9.2e18 || std::floor(d) != d)
                in.fail(w, v.dump() + " is not a whole number of nanoseconds that fits in 64 bits");
            return static_cast<int64_t>(d);
        }
        in.fail(w, std::string("expected nanoseconds as a string or number, found ") + json_type_name(v));
    }

    // An id in hex; protobuf's default JSON (base64) is accepted with a warning since some exporters emit it.
    template <class Id>
    Id id(const Json& v, const Where& w, size_t hex_len, bool allow_empty) {
        const std::string_view s = need_string(v, w);
        if (s.empty() && allow_empty) return Id{};
        std::optional<Id> parsed;
        if constexpr (std::is_same_v<Id, TraceId>)
            parsed = parse_trace_id(s, allow_empty);
        else
            parsed = parse_span_id(s, allow_empty);
        if (parsed) return *parsed;
        const size_t b64_len = (hex_len / 2 + 2) / 3 * 4;
        if (s.size() == b64_len) {
            if (auto bytes = base64_decode(s); bytes && bytes->size() == hex_len / 2) {
                std::string hex;
                for (unsigned char c : *bytes) {
                    hex += "0123456789abcdef"[c >> 4];
                    hex += "0123456789abcdef"[c & 15];
                }
                if constexpr (std::is_same_v<Id, TraceId>)
                    parsed = parse_trace_id(hex, allow_empty);
                else
                    parsed = parse_span_id(hex, allow_empty);
                if (parsed) {
                    if (!warned_base64) in.warn(w, "ids are base64; OTLP/JSON carries them as hex (read anyway)");
                    warned_base64 = true;
                    return *parsed;
                }
            }
        }
        const std::string shown(s.substr(0, 40));
        if (!s.empty() && s.find_first_not_of('0') == std::string_view::npos)
            in.fail(w, "the all-zero id \"" + shown + "\" is invalid");
        in.fail(w, "expected " + std::to_string(hex_len) + " hex digits, found \"" + shown + "\"");
    }

    // The plain JSON form of an AnyValue, used to keep arrays and key-value lists as text.
    Json plain(const Json& v) {
        if (!v.is_object()) return nullptr;
        for (auto it = v.begin(); it != v.end(); ++it) {
            const std::string& k = it.key();
            const Json& x = it.value();
            if (k == "stringValue" || k == "bytesValue") return x.is_string() ? x : Json();
            if (k == "boolValue") return x.is_boolean() ? x : Json();
            if (k == "intValue") {
                if (x.is_string()) {
                    if (auto n = parse_decimal_i64(text_of(x))) return *n;
                    return nullptr;
                }
                return x.is_number() ? x : Json();
            }
            if (k == "doubleValue") return x.is_number() ? x : Json();
            if (k == "arrayValue") {
                Json out = Json::array();
                if (x.is_object())
                    if (auto vs = x.find("values"); vs != x.end() && vs->is_array())
                        for (const auto& e : *vs) out.push_back(plain(e));
                return out;
            }
            if (k == "kvlistValue") {
                Json out = Json::object();
                if (x.is_object())
                    if (auto vs = x.find("values"); vs != x.end() && vs->is_array())
                        for (const auto& kv : *vs)
                            if (kv.is_object())
                                if (auto key = kv.find("key"); key != kv.end() && key->is_string())
                                    out[key->get<std::string>()] = kv.contains("value") ? plain(kv["value"]) : Json();
                return out;
            }
        }
        return nullptr;
    }

    AttrValue any_value(const Json& v, const Where& w) {
        if (v.is_null()) return AttrValue{};
        if (!v.is_object()) in.fail(w, std::string("expected an AnyValue object, found ") + json_type_name(v));
        for (auto it = v.begin(); it != v.end(); ++it) {
            const std::string& k = it.key();
            const Json& x = it.value();
            const Where at = w / std::string_view(k);
            if (k == "stringValue") return AttrValue::str(st.strings.intern(need_string(x, at)));
            if (k == "boolValue") {
                if (!x.is_boolean()) in.fail(at, std::string("expected true or false, found ") + json_type_name(x));
                return AttrValue::boolean(x.get<bool>());
            }
            if (k == "intValue") {
                if (x.is_string()) {
                    auto n = parse_decimal_i64(text_of(x));
                    if (!n) in.fail(at, "\"" + std::string(text_of(x)).substr(0, 40) + "\" is not a 64-bit integer");
                    return AttrValue::integer(*n);
                }
                if (x.is_number_integer() || (x.is_number_unsigned() && x.get<uint64_t>() <= INT64_MAX))
                    return AttrValue::integer(x.get<int64_t>());
                in.fail(at, "expected a 64-bit integer as a string or number, found " + x.dump().substr(0, 40));
            }
            if (k == "doubleValue") {
                if (x.is_number()) return AttrValue::real(x.get<double>());
                if (x.is_string()) {
                    const std::string_view s = text_of(x);
                    if (s == "NaN") return AttrValue::real(std::numeric_limits<double>::quiet_NaN());
                    if (s == "Infinity") return AttrValue::real(std::numeric_limits<double>::infinity());
                    if (s == "-Infinity") return AttrValue::real(-std::numeric_limits<double>::infinity());
                    double d = 0;
                    auto r = std::from_chars(s.data(), s.data() + s.size(), d);
                    if (r.ec == std::errc() && r.ptr == s.data() + s.size()) return AttrValue::real(d);
                }
                in.fail(at, "expected a number, found " + x.dump().substr(0, 40));
            }
            if (k == "bytesValue") {
                const std::string_view s = need_string(x, at);
                if (!base64_decode(s)) in.fail(at, "bytesValue is not base64");
                AttrValue a = AttrValue::str(st.strings.intern(s));
                a.type = ValueType::Bytes;
                return a;
            }
            if (k == "arrayValue" || k == "kvlistValue") {
                if (!x.is_object()) in.fail(at, std::string("expected an object, found ") + json_type_name(x));
                AttrValue a = AttrValue::str(st.strings.intern(compact_json(plain(v))));
                a.type = k == "arrayValue" ? ValueType::Array : ValueType::KvList;
                return a;
            }
        }
        return AttrValue{};  // {} is the empty value
    }

    // Appends a KeyValue list; a broken entry is skipped with a warning.
    void attributes(const Json& list, const Where& w) {
        if (!list.is_array()) in.fail(w, std::string("expected an array of attributes, found ") + json_type_name(list));
        for (size_t i = 0; i < list.size(); ++i) {
            const Json& kv = list[i];
            const Where at = w / i;
            try {
                if (!kv.is_object())
                    in.fail(at, std::string("expected an attribute object, found ") + json_type_name(kv));
                auto key = kv.find("key");
                if (key == kv.end()) in.fail(at, "missing required field \"key\"");
                const StrId k = st.strings.intern(need_string(*key, at / "key"));
                auto value = kv.find("value");
                AttrValue val = value == kv.end() ? AttrValue{} : any_value(*value, at / "value");
                st.attributes.push_back(Attribute{k, val});
            } catch (const LoadError& e) {
                in.add_warning(std::string(e.what()) + " (attribute skipped)");
            }
        }
    }

    static std::optional<SpanKind> kind_of(const Json& v) {
        if (v.is_number_integer() || v.is_number_unsigned()) {
            const auto k = v.get<int64_t>();
            if (k >= 0 && k <= 5) return static_cast<SpanKind>(k);
            return std::nullopt;
        }
        if (!v.is_string()) return std::nullopt;
        return otlp_kind_named(text_of(v));
    }

    static std::optional<StatusCode> status_of(const Json& v) {
        if (v.is_number_integer() || v.is_number_unsigned()) {
            const auto c = v.get<int64_t>();
            if (c >= 0 && c <= 2) return static_cast<StatusCode>(c);
            return std::nullopt;
        }
        if (!v.is_string()) return std::nullopt;
        return otlp_status_named(text_of(v));
    }

    uint8_t flags_of(const Json& v, const Where& w) {
        if (!v.is_number_unsigned() && !v.is_number_integer())
            in.fail(w, std::string("expected flags as a number, found ") + json_type_name(v));
        return static_cast<uint8_t>(v.get<int64_t>() & 0xff);
    }

    // [SECTION] Reading spans

    void span(const Json& v, const Where& w, uint32_t resource, StrId service, StrId scope) {
        if (!v.is_object()) in.fail(w, std::string("expected a span object, found ") + json_type_name(v));
        Span s = otlp_span(resource, service, scope);
        const Json *attrs = nullptr, *events = nullptr, *links = nullptr;
        bool has_trace = false, has_span = false;
        for (auto it = v.begin(); it != v.end(); ++it) {
            const std::string& k = it.key();
            const Json& x = it.value();
            if (x.is_null()) continue;
            const Where at = w / std::string_view(k);
            if (k == "traceId") {
                s.trace_id = id<TraceId>(x, at, 32, false);
                has_trace = true;
            } else if (k == "spanId") {
                s.span_id = id<SpanId>(x, at, 16, false);
                has_span = true;
            } else if (k == "parentSpanId") {
                s.parent_span_id = id<SpanId>(x, at, 16, true);
            } else if (k == "name") {
                s.name = st.strings.intern(need_string(x, at));
            } else if (k == "kind") {
                auto kind = kind_of(x);
                if (!kind) in.warn(at, "unknown span kind " + x.dump().substr(0, 40) + " (read as unspecified)");
                s.kind = kind.value_or(SpanKind::Unspecified);
            } else if (k == "startTimeUnixNano") {
                s.start_ns = nanos(x, at);
            } else if (k == "endTimeUnixNano") {
                s.end_ns = nanos(x, at);
            } else if (k == "traceState") {
                s.trace_state = st.strings.intern(need_string(x, at));
            } else if (k == "flags") {
                s.flags = flags_of(x, at);
            } else if (k == "attributes") {
                attrs = &x;
            } else if (k == "events") {
                events = &x;
            } else if (k == "links") {
                links = &x;
            } else if (k == "status") {
                if (!x.is_object()) in.fail(at, std::string("expected a status object, found ") + json_type_name(x));
                if (auto c = x.find("code"); c != x.end() && !c->is_null()) {
                    auto code = status_of(*c);
                    if (!code)
                        in.warn(at / "code", "unknown status code " + c->dump().substr(0, 40) + " (read as unset)");
                    s.status = code.value_or(StatusCode::Unset);
                }
                if (auto m = x.find("message"); m != x.end() && !m->is_null())
                    s.status_message = st.strings.intern(need_string(*m, at / "message"));
            }
        }
        if (!has_trace) in.fail(w, "missing required field \"traceId\"");
        if (!has_span) in.fail(w, "missing required field \"spanId\"");
        s.attrs.begin = static_cast<uint32_t>(st.attributes.size());
        if (attrs) attributes(*attrs, w / "attributes");
        s.attrs.count = static_cast<uint32_t>(st.attributes.size() - s.attrs.begin);
        s.event_begin = static_cast<uint32_t>(st.events.size());
        if (events) read_events(*events, w / "events");
        s.event_count = static_cast<uint32_t>(st.events.size() - s.event_begin);
        s.link_begin = static_cast<uint32_t>(st.links.size());
        if (links) read_links(*links, w / "links");
        s.link_count = static_cast<uint32_t>(st.links.size() - s.link_begin);
        st.spans.push_back(s);
    }

    void read_events(const Json& list, const Where& w) {
        if (!list.is_array()) in.fail(w, std::string("expected an array of events, found ") + json_type_name(list));
        for (size_t i = 0; i < list.size(); ++i) {
            const Json& e = list[i];
            const Where at = w / i;
            if (!e.is_object()) in.fail(at, std::string("expected an event object, found ") + json_type_name(e));
            SpanEvent ev;
            const Json* attrs = nullptr;
            for (auto it = e.begin(); it != e.end(); ++it) {
                if (it.value().is_null()) continue;
                if (it.key() == "timeUnixNano")
                    ev.time_ns = nanos(it.value(), at / "timeUnixNano");
                else if (it.key() == "name")
                    ev.name = st.strings.intern(need_string(it.value(), at / "name"));
                else if (it.key() == "attributes")
                    attrs = &it.value();
            }
            ev.attrs.begin = static_cast<uint32_t>(st.attributes.size());
            if (attrs) attributes(*attrs, at / "attributes");
            ev.attrs.count = static_cast<uint32_t>(st.attributes.size() - ev.attrs.begin);
            st.events.push_back(ev);
        }
    }

    void read_links(const Json& list, const Where& w) {
        if (!list.is_array()) in.fail(w, std::string("expected an array of links, found ") + json_type_name(list));
        for (size_t i = 0; i < list.size(); ++i) {
            const Json& l = list[i];
            const Where at = w / i;
            const size_t attr_mark = st.attributes.size();
            try {
                if (!l.is_object()) in.fail(at, std::string("expected a link object, found ") + json_type_name(l));
                SpanLink link;
                auto t = l.find("traceId");
                auto sp = l.find("spanId");
                if (t == l.end()) in.fail(at, "missing required field \"traceId\"");
                if (sp == l.end()) in.fail(at, "missing required field \"spanId\"");
                link.trace_id = id<TraceId>(*t, at / "traceId", 32, false);
                link.span_id = id<SpanId>(*sp, at / "spanId", 16, false);
                if (auto ts = l.find("traceState"); ts != l.end() && !ts->is_null())
                    link.trace_state = st.strings.intern(need_string(*ts, at / "traceState"));
                link.attrs.begin = static_cast<uint32_t>(st.attributes.size());
                if (auto a = l.find("attributes"); a != l.end() && !a->is_null()) attributes(*a, at / "attributes");
                link.attrs.count = static_cast<uint32_t>(st.attributes.size() - link.attrs.begin);
                st.links.push_back(link);
            } catch (const LoadError& e) {
                st.attributes.resize(attr_mark);
                in.add_warning(std::string(e.what()) + " (link skipped)");
            }
        }
    }

    const Json* list_field(const Json& obj, std::string_view key, std::string_view old_key, const Where& w) {
        auto it = obj.find(key);
        if (it == obj.end() || it->is_null()) it = obj.find(old_key);
        if (it == obj.end() || it->is_null()) return nullptr;
        if (!it->is_array()) in.fail(w / key, std::string("expected an array, found ") + json_type_name(*it));
        return &*it;
    }

    void scope_spans(const Json& ss, const Where& w, uint32_t resource, StrId service) {
        if (!ss.is_object()) in.fail(w, std::string("expected a ScopeSpans object, found ") + json_type_name(ss));
        StrId scope = 0;
        auto sc = ss.find("scope");
        if (sc == ss.end() || sc->is_null()) sc = ss.find("instrumentationLibrary");  // before OTLP 0.15
        if (sc != ss.end() && sc->is_object())
            if (auto n = sc->find("name"); n != sc->end() && n->is_string()) scope = st.strings.intern(text_of(*n));
        const Json* spans = list_field(ss, "spans", "spans", w);
        if (!spans) return;
        const Where sw = w / "spans";
        for (size_t i = 0; i < spans->size(); ++i) {
            const size_t a = st.attributes.size(), e = st.events.size(), l = st.links.size();
            try {
                span((*spans)[i], sw / i, resource, service, scope);
            } catch (const LoadError& err) {
                st.attributes.resize(a);
                st.events.resize(e);
                st.links.resize(l);
                in.add_warning(std::string(err.what()) + " (span skipped)");
            }
        }
    }

    void resource_spans(const Json& rs, const Where& w) {
        if (!rs.is_object()) in.fail(w, std::string("expected a ResourceSpans object, found ") + json_type_name(rs));
        const auto attr_begin = static_cast<uint32_t>(st.attributes.size());
        StrId service = st.strings.intern("unknown_service");  // the SDK default when service.name is unset
        if (auto r = rs.find("resource"); r != rs.end() && r->is_object())
            if (auto a = r->find("attributes"); a != r->end() && !a->is_null())
                attributes(*a, w / "resource" / "attributes");
        // service.name becomes the resource's service; the other attributes stay on the resource.
        const StrId service_key = st.strings.intern("service.name");
        for (size_t i = attr_begin; i < st.attributes.size(); ++i) {
            if (st.attributes[i].key != service_key) continue;
            if (st.attributes[i].value.type == ValueType::String) service = st.attributes[i].value.s;
            st.attributes.erase(st.attributes.begin() + static_cast<ptrdiff_t>(i));
            break;
        }
        const uint32_t resource = in.resource(service, attr_begin);
        const Json* scopes = list_field(rs, "scopeSpans", "instrumentationLibrarySpans", w);
        if (!scopes) return;
        const Where sw = w / (rs.contains("scopeSpans") ? "scopeSpans" : "instrumentationLibrarySpans");
        for (size_t i = 0; i < scopes->size(); ++i) scope_spans((*scopes)[i], sw / i, resource, service);
    }
};

}  // namespace

Span otlp_span(uint32_t resource, StrId service, StrId scope) {
    Span s;
    s.resource = resource;
    s.service = service;
    s.scope = scope;
    s.kind = SpanKind::Unspecified;  // proto3 JSON omits the default value
    s.flags = 1;
    return s;
}

std::optional<SpanKind> otlp_kind_named(std::string_view name) {
    static constexpr std::string_view kNames[] = {"SPAN_KIND_UNSPECIFIED", "SPAN_KIND_INTERNAL", "SPAN_KIND_SERVER",
                                                  "SPAN_KIND_CLIENT",      "SPAN_KIND_PRODUCER", "SPAN_KIND_CONSUMER"};
    for (size_t i = 0; i < 6; ++i)
        if (name == kNames[i]) return static_cast<SpanKind>(i);
    return std::nullopt;
}

std::optional<StatusCode> otlp_status_named(std::string_view name) {
    if (name == "STATUS_CODE_UNSET") return StatusCode::Unset;
    if (name == "STATUS_CODE_OK") return StatusCode::Ok;
    if (name == "STATUS_CODE_ERROR") return StatusCode::Error;
    return std::nullopt;
}

AttrValue otlp_any_value(const Json& v, SpanImport& in) {
    OtlpReader reader{in, in.store()};
    return reader.any_value(v, Where{});
}

void read_otlp(const Json& doc, SpanImport& in) {
    const Where root;
    const Where w = root / "resourceSpans";
    const Json& list = doc["resourceSpans"];
    if (list.is_null()) return;
    if (!list.is_array()) in.fail(w, std::string("expected an array, found ") + json_type_name(list));
    // Reserve for the whole document: large files are one resource with many spans.
    size_t total = 0;
    for (const auto& rs : list)
        if (rs.is_object())
            if (auto sc = rs.find("scopeSpans"); sc != rs.end() && sc->is_array())
                for (const auto& ss : *sc)
                    if (ss.is_object())
                        if (auto sp = ss.find("spans"); sp != ss.end() && sp->is_array()) total += sp->size();
    TraceStore& st = in.store();
    st.spans.reserve(st.spans.size() + total);
    OtlpReader reader{in, st};
    for (size_t i = 0; i < list.size(); ++i) reader.resource_spans(list[i], w / i);
}

// [SECTION] Writing

namespace {

void write_plain_any(JsonWriter& w, const Json& j) {
    w.begin_object();
    switch (j.type()) {
        case Json::value_t::string:
            w.field("stringValue", j.get_ref<const std::string&>());
            break;
        case Json::value_t::boolean:
            w.key("boolValue"), w.boolean(j.get<bool>());
            break;
        case Json::value_t::number_integer:
            w.field("intValue", std::to_string(j.get<int64_t>()));
            break;
        case Json::value_t::number_unsigned:
            if (j.get<uint64_t>() <= INT64_MAX)
                w.field("intValue", std::to_string(j.get<uint64_t>()));
            else
                w.key("doubleValue"), w.real(j.get<double>());
            break;
        case Json::value_t::number_float:
            w.key("doubleValue"), w.real(j.get<double>());
            break;
        case Json::value_t::array:
            w.key("arrayValue");
            w.begin_object();
            w.key("values");
            w.begin_array();
            for (const auto& e : j) write_plain_any(w, e);
            w.end_array();
            w.end_object();
            break;
        case Json::value_t::object:
            w.key("kvlistValue");
            w.begin_object();
            w.key("values");
            w.begin_array();
            for (auto it = j.begin(); it != j.end(); ++it) {
                w.begin_object();
                w.field("key", it.key());
                w.key("value");
                write_plain_any(w, it.value());
                w.end_object();
            }
            w.end_array();
            w.end_object();
            break;
        default:
            break;
    }
    w.end_object();
}

void write_any(JsonWriter& w, const TraceStore& st, const AttrValue& v) {
    if (v.type == ValueType::Array || v.type == ValueType::KvList) {
        // Kept as their JSON text; written back as structure when it parses, else as the text itself.
        const std::string_view text = st.str(v.s);
        Json j = Json::parse(text.begin(), text.end(), nullptr, false);
        if (!j.is_discarded()) {
            write_plain_any(w, j);
            return;
        }
        w.begin_object();
        w.field("stringValue", text);
        w.end_object();
        return;
    }
    w.begin_object();
    switch (v.type) {
        case ValueType::String:
            w.field("stringValue", st.str(v.s));
            break;
        case ValueType::Bool:
            w.key("boolValue");
            w.boolean(v.b);
            break;
        case ValueType::Int:
            w.field("intValue", std::to_string(v.i));  // 64-bit integers are strings in OTLP/JSON
            break;
        case ValueType::Double:
            w.key("doubleValue");
            w.real(v.d);
            break;
        case ValueType::Bytes:
            w.field("bytesValue", st.str(v.s));
            break;
        case ValueType::Empty:  // an empty AnyValue: {}
        case ValueType::Array:
        case ValueType::KvList:
            break;
    }
    w.end_object();
}

void write_attributes(JsonWriter& w, const TraceStore& st, AttrRange r, std::string_view key = "attributes") {
    if (r.count == 0) return;
    w.key(key);
    w.begin_array();
    for (const Attribute& a : st.attrs(r)) {
        w.begin_object();
        w.field("key", st.str(a.key));
        w.key("value");
        write_any(w, st, a.value);
        w.end_object();
    }
    w.end_array();
}

void write_span(JsonWriter& w, const TraceStore& st, const Span& s) {
    char hex[33];
    w.begin_object();
    write_hex(s.trace_id, hex);
    w.field("traceId", std::string_view(hex, 32));
    write_hex(s.span_id, hex);
    w.field("spanId", std::string_view(hex, 16));
    if (s.trace_state != 0) w.field("traceState", st.str(s.trace_state));
    if (s.parent_span_id.valid()) {
        write_hex(s.parent_span_id, hex);
        w.field("parentSpanId", std::string_view(hex, 16));
    }
    w.field_int("flags", s.flags);
    w.field("name", st.str(s.name));
    w.field_int("kind", static_cast<int>(s.kind));
    w.field("startTimeUnixNano", std::to_string(s.start_ns));
    w.field("endTimeUnixNano", std::to_string(s.end_ns));
    write_attributes(w, st, s.attrs);
    if (s.event_count > 0) {
        w.key("events");
        w.begin_array();
        for (const SpanEvent& e : st.events_of(s)) {
            w.begin_object();
            w.field("timeUnixNano", std::to_string(e.time_ns));
            w.field("name", st.str(e.name));
            write_attributes(w, st, e.attrs);
            w.end_object();
        }
        w.end_array();
    }
    if (s.link_count > 0) {
        w.key("links");
        w.begin_array();
        for (const SpanLink& l : st.links_of(s)) {
            w.begin_object();
            write_hex(l.trace_id, hex);
            w.field("traceId", std::string_view(hex, 32));
            write_hex(l.span_id, hex);
            w.field("spanId", std::string_view(hex, 16));
            if (l.trace_state != 0) w.field("traceState", st.str(l.trace_state));
            write_attributes(w, st, l.attrs);
            w.end_object();
        }
        w.end_array();
    }
    w.key("status");
    w.begin_object();
    if (s.status_message != 0) w.field("message", st.str(s.status_message));
    if (s.status != StatusCode::Unset) w.field_int("code", static_cast<int>(s.status));
    w.end_object();
    w.end_object();
}

}  // namespace

std::string write_otlp(const TraceStore& st) {
    // Group spans by resource, then by scope; both keep their first-appearance order.
    const auto n_res = static_cast<uint32_t>(st.resources.size());
    std::unordered_map<StrId, uint32_t> extra_resource;  // spans whose resource index is out of range
    std::unordered_map<StrId, uint32_t> scope_rank;
    struct Entry {
        uint32_t resource, scope_rank, span;
    };
    std::vector<Entry> order;
    order.reserve(st.spans.size());
    std::vector<StrId> extra_service;
    for (uint32_t i = 0; i < st.spans.size(); ++i) {
        const Span& s = st.spans[i];
        uint32_t r = s.resource;
        if (r >= n_res) {
            auto [it, inserted] =
                extra_resource.try_emplace(s.service, n_res + static_cast<uint32_t>(extra_service.size()));
            if (inserted) extra_service.push_back(s.service);
            r = it->second;
        }
        auto rank = scope_rank.try_emplace(s.scope, static_cast<uint32_t>(scope_rank.size())).first->second;
        order.push_back(Entry{r, rank, i});
    }
    std::stable_sort(order.begin(), order.end(), [](const Entry& a, const Entry& b) {
        return a.resource != b.resource ? a.resource < b.resource : a.scope_rank < b.scope_rank;
    });

    JsonWriter w;
    w.out.reserve(st.spans.size() * 420 + 256);
    w.begin_object();
    w.key("resourceSpans");
    w.begin_array();
    size_t i = 0;
    while (i < order.size()) {
        const uint32_t r = order[i].resource;
        w.begin_object();
        w.key("resource");
        w.begin_object();
        w.key("attributes");
        w.begin_array();
        w.begin_object();
        w.field("key", "service.name");
        w.key("value");
        w.begin_object();
        w.field("stringValue", st.str(r < n_res ? st.resources[r].service : extra_service[r - n_res]));
        w.end_object();
        w.end_object();
        if (r < n_res)
            for (const Attribute& a : st.attrs(st.resources[r].attrs)) {
                w.begin_object();
                w.field("key", st.str(a.key));
                w.key("value");
                write_any(w, st, a.value);
                w.end_object();
            }
        w.end_array();
        w.end_object();
        w.key("scopeSpans");
        w.begin_array();
        while (i < order.size() && order[i].resource == r) {
            const uint32_t rank = order[i].scope_rank;
            w.begin_object();
            w.key("scope");
            w.begin_object();
            w.field("name", st.str(st.spans[order[i].span].scope));
            w.end_object();
            w.key("spans");
            w.begin_array();
            for (; i < order.size() && order[i].resource == r && order[i].scope_rank == rank; ++i)
                write_span(w, st, st.spans[order[i].span]);
            w.end_array();
            w.end_object();
        }
        w.end_array();
        w.end_object();
    }
    w.end_array();
    w.end_object();
    w.out += '\n';
    return std::move(w.out);
}

}  // namespace tl::formats
