// OTLP protobuf ↔ TraceStore (see otlp_proto.hpp).
// [SECTION] Values  [SECTION] Decoding  [SECTION] Encoding  [SECTION] Files
#include "sim/otlp/otlp_proto.hpp"

#include <google/protobuf/arena.h>
#include <google/protobuf/stubs/logging.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"
#include "sim/formats/format_io.hpp"

namespace tl::otlp {

namespace pb_common = opentelemetry::proto::common::v1;
namespace pb_trace = opentelemetry::proto::trace::v1;
namespace pb_collector = opentelemetry::proto::collector::trace::v1;

namespace {

// [SECTION] Values

// libprotobuf logs a parse failure (e.g. invalid UTF-8 in a string) to stderr; the caller reports it instead.
void quiet_protobuf_log() {
    static std::once_flag once;
    std::call_once(once, [] { google::protobuf::SetLogHandler(nullptr); });
}

uint64_t load_be64(const char* p) {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
    return v;
}

void store_be64(uint64_t v, char* p) {
    for (int i = 7; i >= 0; --i) {
        p[i] = static_cast<char>(v & 0xff);
        v >>= 8;
    }
}

// The plain JSON form of an array or key-value list, as the store keeps them (same as the OTLP/JSON reader).
// Nesting is bounded by libprotobuf's recursion limit (100) on parse.
Json plain(const pb_common::AnyValue& v) {
    switch (v.value_case()) {
        case pb_common::AnyValue::kStringValue:
            return v.string_value();
        case pb_common::AnyValue::kBoolValue:
            return v.bool_value();
        case pb_common::AnyValue::kIntValue:
            return v.int_value();
        case pb_common::AnyValue::kDoubleValue:
            return v.double_value();
        case pb_common::AnyValue::kBytesValue:
            return formats::base64_encode(v.bytes_value());
        case pb_common::AnyValue::kArrayValue: {
            Json out = Json::array();
            for (const auto& e : v.array_value().values()) out.push_back(plain(e));
            return out;
        }
        case pb_common::AnyValue::kKvlistValue: {
            Json out = Json::object();
            for (const auto& kv : v.kvlist_value().values()) out[kv.key()] = plain(kv.value());
            return out;
        }
        case pb_common::AnyValue::VALUE_NOT_SET:
            break;
    }
    return nullptr;
}

AttrValue any_value(TraceStore& st, const pb_common::AnyValue& v, InternMemo* memo = nullptr, size_t position = 0) {
    switch (v.value_case()) {
        case pb_common::AnyValue::kStringValue:
            return AttrValue::str(memo ? memo->value(position, v.string_value()) : st.strings.intern(v.string_value()));
        case pb_common::AnyValue::kBoolValue:
            return AttrValue::boolean(v.bool_value());
        case pb_common::AnyValue::kIntValue:
            return AttrValue::integer(v.int_value());
        case pb_common::AnyValue::kDoubleValue:
            return AttrValue::real(v.double_value());
        case pb_common::AnyValue::kBytesValue: {
            AttrValue a = AttrValue::str(st.strings.intern(formats::base64_encode(v.bytes_value())));
            a.type = ValueType::Bytes;
            return a;
        }
        case pb_common::AnyValue::kArrayValue:
        case pb_common::AnyValue::kKvlistValue: {
            AttrValue a = AttrValue::str(st.strings.intern(formats::compact_json(plain(v))));
            a.type = v.value_case() == pb_common::AnyValue::kArrayValue ? ValueType::Array : ValueType::KvList;
            return a;
        }
        case pb_common::AnyValue::VALUE_NOT_SET:
            break;
    }
    return AttrValue{};
}

template <class KeyValues>
AttrRange append_attributes(TraceStore& st, const KeyValues& list, InternMemo* memo = nullptr) {
    AttrRange r{static_cast<uint32_t>(st.attributes.size()), 0};
    size_t k = 0;
    for (const auto& kv : list) {
        const StrId key = memo ? memo->key(k, kv.key()) : st.strings.intern(kv.key());
        st.attributes.push_back(Attribute{key, any_value(st, kv.value(), memo, k)});
        ++k;
    }
    r.count = static_cast<uint32_t>(st.attributes.size() - r.begin);
    return r;
}

// Times are fixed64 on the wire; the store keeps int64 nanoseconds (good until the year 2262).
int64_t nanos(uint64_t v) {
    return v > static_cast<uint64_t>(INT64_MAX) ? INT64_MAX : static_cast<int64_t>(v);
}

// [SECTION] Decoding

// Why a span cannot be kept, or nullptr.
const char* invalid_ids(const pb_trace::Span& s, std::string& why) {
    static constexpr char kZero[16] = {};
    if (s.trace_id().size() != 16) {
        why = "trace_id is " + std::to_string(s.trace_id().size()) + " bytes, not 16";
        return why.c_str();
    }
    if (std::memcmp(s.trace_id().data(), kZero, 16) == 0) return "trace_id is all zero";
    if (s.span_id().size() != 8) {
        why = "span_id is " + std::to_string(s.span_id().size()) + " bytes, not 8";
        return why.c_str();
    }
    if (std::memcmp(s.span_id().data(), kZero, 8) == 0) return "span_id is all zero";
    if (!s.parent_span_id().empty() && s.parent_span_id().size() != 8) {
        why = "parent_span_id is " + std::to_string(s.parent_span_id().size()) + " bytes, not 0 or 8";
        return why.c_str();
    }
    return nullptr;
}

}  // namespace

DecodeStats add_export_request(const pb_collector::ExportTraceServiceRequest& request, formats::SpanImport& in) {
    DecodeStats stats;
    TraceStore& st = in.store();
    size_t total = 0;
    for (const auto& rs : request.resource_spans())
        for (const auto& ss : rs.scope_spans()) total += static_cast<size_t>(ss.spans_size());
    st.spans.reserve(st.spans.size() + total);
    st.attributes.reserve(st.attributes.size() + total * 4);
    InternMemo memo(st.strings);
    std::string why;
    for (int r = 0; r < request.resource_spans_size(); ++r) {
        const auto& rs = request.resource_spans(r);
        // service.name becomes the resource's service; the other attributes stay on the resource.
        const auto attr_begin = static_cast<uint32_t>(st.attributes.size());
        StrId service = st.strings.intern("unknown_service");  // the SDK default when service.name is unset
        for (const auto& kv : rs.resource().attributes()) {
            if (kv.key() == "service.name" && kv.value().value_case() == pb_common::AnyValue::kStringValue) {
                service = st.strings.intern(kv.value().string_value());
                continue;
            }
            if (kv.key() == "service.name") continue;
            st.attributes.push_back(Attribute{st.strings.intern(kv.key()), any_value(st, kv.value())});
        }
        const uint32_t resource = in.resource(service, attr_begin);
        for (int c = 0; c < rs.scope_spans_size(); ++c) {
            const auto& ss = rs.scope_spans(c);
            const StrId scope = st.strings.intern(ss.scope().name());
            for (int i = 0; i < ss.spans_size(); ++i) {
                const pb_trace::Span& p = ss.spans(i);
                if (const char* bad = invalid_ids(p, why)) {
                    if (stats.rejected++ == 0)
                        stats.rejected_reason = "resource_spans[" + std::to_string(r) + "].scope_spans[" +
                                                std::to_string(c) + "].spans[" + std::to_string(i) + "]: " + bad;
                    continue;
                }
                Span s;
                s.trace_id = TraceId{load_be64(p.trace_id().data()), load_be64(p.trace_id().data() + 8)};
                s.span_id = SpanId{load_be64(p.span_id().data())};
                if (p.parent_span_id().size() == 8) s.parent_span_id = SpanId{load_be64(p.parent_span_id().data())};
                s.name = memo.name(p.name());
                s.service = service;
                s.resource = resource;
                s.scope = scope;
                if (!p.trace_state().empty()) s.trace_state = st.strings.intern(p.trace_state());
                const int kind = static_cast<int>(p.kind());
                s.kind = kind >= 0 && kind <= 5 ? static_cast<SpanKind>(kind) : SpanKind::Unspecified;
                // Older SDKs leave flags at 0 for sampled spans; a span that was exported was recorded.
                s.flags = p.flags() == 0 ? 1 : static_cast<uint8_t>(p.flags() & 0xff);
                s.start_ns = nanos(p.start_time_unix_nano());
                s.end_ns = nanos(p.end_time_unix_nano());
                const int code = static_cast<int>(p.status().code());
                s.status = code >= 0 && code <= 2 ? static_cast<StatusCode>(code) : StatusCode::Unset;
                if (!p.status().message().empty()) s.status_message = st.strings.intern(p.status().message());
                s.attrs = append_attributes(st, p.attributes(), &memo);
                s.event_begin = static_cast<uint32_t>(st.events.size());
                for (const auto& e : p.events()) {
                    SpanEvent ev;
                    ev.name = st.strings.intern(e.name());
                    ev.time_ns = nanos(e.time_unix_nano());
                    ev.attrs = append_attributes(st, e.attributes());
                    st.events.push_back(ev);
                }
                s.event_count = static_cast<uint32_t>(st.events.size() - s.event_begin);
                s.link_begin = static_cast<uint32_t>(st.links.size());
                for (const auto& l : p.links()) {
                    // A link to an invalid context carries nothing to follow; the span itself stays.
                    if (l.trace_id().size() != 16 || l.span_id().size() != 8) continue;
                    SpanLink link;
                    link.trace_id = TraceId{load_be64(l.trace_id().data()), load_be64(l.trace_id().data() + 8)};
                    link.span_id = SpanId{load_be64(l.span_id().data())};
                    if (!link.trace_id.valid() || !link.span_id.valid()) continue;
                    if (!l.trace_state().empty()) link.trace_state = st.strings.intern(l.trace_state());
                    link.attrs = append_attributes(st, l.attributes());
                    st.links.push_back(link);
                }
                s.link_count = static_cast<uint32_t>(st.links.size() - s.link_begin);
                st.spans.push_back(s);
                ++stats.accepted;
            }
        }
    }
    return stats;
}

Result<DecodeStats> decode_export_request(std::string_view bytes, formats::SpanImport& in) {
    quiet_protobuf_log();
    // Each thread parses into one message it keeps: Clear() keeps the sub-messages and string buffers, so a
    // receiver thread decodes batch after batch of an SDK's size with few calls to malloc. (An arena frees
    // everything at the end of each request, and std::string contents there still come from malloc.) After a
    // big request the message is dropped, so a thread holds at most about kKeepBytes worth of objects.
    constexpr size_t kKeepBytes = size_t(1) << 20;
    thread_local pb_collector::ExportTraceServiceRequest reused;
    struct Release {
        pb_collector::ExportTraceServiceRequest& message;
        bool big;
        ~Release() {
            if (big) pb_collector::ExportTraceServiceRequest().Swap(&message);
        }
    } release{reused, bytes.size() > kKeepBytes};
    if (bytes.size() > static_cast<size_t>(INT32_MAX) ||
        !reused.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
        return Result<DecodeStats>::failure(
            "the body is not a valid protobuf ExportTraceServiceRequest (truncated, wrong wire types, or invalid "
            "UTF-8 in a string)");
    return add_export_request(reused, in);
}

// [SECTION] Encoding

namespace {

void set_any(pb_common::AnyValue* out, const Json& j) {
    switch (j.type()) {
        case Json::value_t::string:
            out->set_string_value(j.get_ref<const std::string&>());
            break;
        case Json::value_t::boolean:
            out->set_bool_value(j.get<bool>());
            break;
        case Json::value_t::number_integer:
            out->set_int_value(j.get<int64_t>());
            break;
        case Json::value_t::number_unsigned:
            if (j.get<uint64_t>() <= static_cast<uint64_t>(INT64_MAX))
                out->set_int_value(j.get<int64_t>());
            else
                out->set_double_value(j.get<double>());
            break;
        case Json::value_t::number_float:
            out->set_double_value(j.get<double>());
            break;
        case Json::value_t::array: {
            auto* arr = out->mutable_array_value();
            for (const auto& e : j) set_any(arr->add_values(), e);
            break;
        }
        case Json::value_t::object: {
            auto* kvs = out->mutable_kvlist_value();
            for (auto it = j.begin(); it != j.end(); ++it) {
                auto* kv = kvs->add_values();
                kv->set_key(it.key());
                set_any(kv->mutable_value(), it.value());
            }
            break;
        }
        default:
            break;
    }
}

void set_value(pb_common::AnyValue* out, const TraceStore& st, const AttrValue& v) {
    switch (v.type) {
        case ValueType::String:
            out->set_string_value(std::string(st.str(v.s)));
            break;
        case ValueType::Bool:
            out->set_bool_value(v.b);
            break;
        case ValueType::Int:
            out->set_int_value(v.i);
            break;
        case ValueType::Double:
            out->set_double_value(v.d);
            break;
        case ValueType::Bytes: {
            auto bytes = formats::base64_decode(st.str(v.s));
            out->set_bytes_value(bytes ? *bytes : std::string());
            break;
        }
        case ValueType::Array:
        case ValueType::KvList: {
            const std::string_view text = st.str(v.s);
            Json j = Json::parse(text.begin(), text.end(), nullptr, false);
            if (j.is_discarded())
                out->set_string_value(std::string(text));
            else
                set_any(out, j);
            break;
        }
        case ValueType::Empty:
            break;
    }
}

template <class KeyValues>
void add_attributes(KeyValues* out, const TraceStore& st, AttrRange r) {
    for (const Attribute& a : st.attrs(r)) {
        auto* kv = out->Add();
        kv->set_key(std::string(st.str(a.key)));
        set_value(kv->mutable_value(), st, a.value);
    }
}

std::string trace_id_bytes(TraceId id) {
    std::string b(16, '\0');
    store_be64(id.hi, b.data());
    store_be64(id.lo, b.data() + 8);
    return b;
}

std::string span_id_bytes(SpanId id) {
    std::string b(8, '\0');
    store_be64(id.value, b.data());
    return b;
}

void fill_span(pb_trace::Span* p, const TraceStore& st, const Span& s) {
    p->set_trace_id(trace_id_bytes(s.trace_id));
    p->set_span_id(span_id_bytes(s.span_id));
    if (s.parent_span_id.valid()) p->set_parent_span_id(span_id_bytes(s.parent_span_id));
    if (s.trace_state != 0) p->set_trace_state(std::string(st.str(s.trace_state)));
    p->set_flags(s.flags);
    p->set_name(std::string(st.str(s.name)));
    p->set_kind(static_cast<pb_trace::Span::SpanKind>(s.kind));
    p->set_start_time_unix_nano(static_cast<uint64_t>(s.start_ns));
    p->set_end_time_unix_nano(static_cast<uint64_t>(s.end_ns));
    add_attributes(p->mutable_attributes(), st, s.attrs);
    for (const SpanEvent& e : st.events_of(s)) {
        auto* pe = p->add_events();
        pe->set_time_unix_nano(static_cast<uint64_t>(e.time_ns));
        pe->set_name(std::string(st.str(e.name)));
        add_attributes(pe->mutable_attributes(), st, e.attrs);
    }
    for (const SpanLink& l : st.links_of(s)) {
        auto* pl = p->add_links();
        pl->set_trace_id(trace_id_bytes(l.trace_id));
        pl->set_span_id(span_id_bytes(l.span_id));
        if (l.trace_state != 0) pl->set_trace_state(std::string(st.str(l.trace_state)));
        add_attributes(pl->mutable_attributes(), st, l.attrs);
    }
    if (s.status != StatusCode::Unset || s.status_message != 0) {
        auto* status = p->mutable_status();
        status->set_code(static_cast<pb_trace::Status::StatusCode>(s.status));
        if (s.status_message != 0) status->set_message(std::string(st.str(s.status_message)));
    }
}

}  // namespace

std::string encode_export_request(const TraceStore& st) {
    google::protobuf::Arena arena;
    auto* request = google::protobuf::Arena::CreateMessage<pb_collector::ExportTraceServiceRequest>(&arena);
    // One ResourceSpans per resource (spans with an out-of-range resource get one per service), one ScopeSpans
    // per scope within it, both in first-appearance order.
    std::unordered_map<uint64_t, pb_trace::ScopeSpans*> scopes;  // (resource key << 32 | scope) → message
    std::unordered_map<uint64_t, pb_trace::ResourceSpans*> resources;
    const auto n_res = static_cast<uint32_t>(st.resources.size());
    for (const Span& s : st.spans) {
        const bool known = s.resource < n_res;
        const uint64_t res_key = known ? s.resource : (uint64_t{1} << 31) | s.service;
        auto [rit, new_res] = resources.try_emplace(res_key, nullptr);
        if (new_res) {
            rit->second = request->add_resource_spans();
            auto* attrs = rit->second->mutable_resource()->mutable_attributes();
            auto* name = attrs->Add();
            name->set_key("service.name");
            name->mutable_value()->set_string_value(std::string(st.str(known ? st.resources[s.resource].service : s.service)));
            if (known) add_attributes(attrs, st, st.resources[s.resource].attrs);
        }
        auto [sit, new_scope] = scopes.try_emplace((res_key << 32) | s.scope, nullptr);
        if (new_scope) {
            sit->second = rit->second->add_scope_spans();
            sit->second->mutable_scope()->set_name(std::string(st.str(s.scope)));
        }
        fill_span(sit->second->add_spans(), st, s);
    }
    return request->SerializeAsString();
}

// [SECTION] Files

bool looks_like_export_request(std::string_view bytes) {
    // Field 1 (resource_spans), wire type 2: the tag byte 0x0a. A JSON document may also start with a newline,
    // so a first byte of 0x0a only makes protobuf worth trying; the full parse decides.
    return !bytes.empty() && bytes[0] == '\x0a';
}

Result<ImportedTrace> import_export_request(std::string_view bytes, const std::string& source) {
    using R = Result<ImportedTrace>;
    ImportedTrace out;
    out.format = TraceFormat::Otlp;
    out.protobuf = true;
    formats::SpanImport in(source, out);
    auto stats = decode_export_request(bytes, in);
    if (!stats) return R::failure(source + ": " + stats.error());
    if (stats->rejected > 0) {
        in.add_warning(source + ": " + std::to_string(stats->rejected) + " span(s) with invalid ids were left out (first: " +
                       stats->rejected_reason + ")");
        out.skipped_spans = stats->rejected;
    }
    in.finish();
    if (out.store.spans.empty() && stats->rejected == 0) out.warnings.push_back(source + ": the file holds no spans");
    return out;
}

}  // namespace tl::otlp
