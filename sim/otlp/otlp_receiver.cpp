// The OTLP receiver's rules without sockets (see otlp_receiver.hpp).
// [SECTION] Helpers  [SECTION] gzip  [SECTION] Export  [SECTION] HTTP
#include "sim/otlp/otlp_receiver.hpp"

#include <google/protobuf/util/json_util.h>
#include <nlohmann/json.hpp>
#include <zlib.h>

#include <algorithm>
#include <unordered_set>

#include "google/rpc/status.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"
#include "sim/formats/format_io.hpp"
#include "sim/io/thread_priority.hpp"
#include "sim/otlp/otlp_proto.hpp"

namespace tl::otlp {

namespace {

// [SECTION] Helpers

constexpr std::string_view kTracesPath = "/v1/traces";
constexpr std::string_view kProtobuf = "application/x-protobuf";
constexpr std::string_view kJson = "application/json";
// google.rpc.Code values used in error bodies.
constexpr int kInvalidArgument = 3;
constexpr int kPermissionDenied = 7;
constexpr int kResourceExhausted = 8;
constexpr int kUnimplemented = 12;

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

// "application/json; charset=utf-8" → "application/json"
std::string media_type(std::string_view content_type) {
    const size_t semi = content_type.find(';');
    std::string_view t = content_type.substr(0, semi);
    while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
    while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
    return lower(t);
}

std::string json_of(const google::protobuf::Message& m) {
    std::string out;
    google::protobuf::util::JsonPrintOptions opts;
    opts.preserve_proto_field_names = false;  // lowerCamelCase, as OTLP/JSON
    (void)google::protobuf::util::MessageToJsonString(m, &out, opts);
    return out;
}

// A google.rpc.Status body in the request's encoding (JSON unless the request was protobuf).
HttpResponse status_response(int http_status, int rpc_code, const std::string& message, bool protobuf) {
    google::rpc::Status st;
    st.set_code(rpc_code);
    st.set_message(message);
    HttpResponse r;
    r.status = http_status;
    r.content_type = protobuf ? std::string(kProtobuf) : std::string(kJson);
    r.body = protobuf ? st.SerializeAsString() : json_of(st);
    return r;
}

size_t distinct_traces(const TraceStore& st) {
    std::unordered_set<uint64_t> seen;
    seen.reserve(st.spans.size());
    for (const Span& s : st.spans) seen.insert(s.trace_id.hi ^ (s.trace_id.lo * 0x9e3779b97f4a7c15ULL));
    return seen.size();
}

}  // namespace

// [SECTION] gzip

Gunzip gunzip(std::string_view compressed, size_t limit, bool zlib) {
    Gunzip out;
    const char* what = zlib ? "deflate" : "gzip";
    z_stream zs{};
    if (inflateInit2(&zs, zlib ? MAX_WBITS : 16 + MAX_WBITS) != Z_OK) {  // 16: expect a gzip header
        out.error = std::string("cannot start ") + what + " decompression";
        return out;
    }
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
    zs.avail_in = static_cast<uInt>(std::min<size_t>(compressed.size(), UINT32_MAX));
    char chunk[64 * 1024];
    int rc = Z_OK;
    while (true) {
        zs.next_out = reinterpret_cast<Bytef*>(chunk);
        zs.avail_out = sizeof chunk;
        rc = inflate(&zs, Z_NO_FLUSH);
        if (rc != Z_OK && rc != Z_STREAM_END) break;
        const size_t produced = sizeof chunk - zs.avail_out;
        if (out.data.size() + produced > limit) {
            out.too_large = true;
            inflateEnd(&zs);
            return out;
        }
        out.data.append(chunk, produced);
        if (rc == Z_STREAM_END) {
            if (zs.avail_in == 0) break;
            if (zlib) {  // a zlib stream is one stream: bytes after it are not part of the body's coding
                rc = Z_DATA_ERROR;
                break;
            }
            inflateReset(&zs);  // another gzip member follows (concatenated streams are valid gzip)
            continue;
        }
        if (zs.avail_in == 0 && produced == 0) {
            rc = Z_BUF_ERROR;
            break;
        }
    }
    inflateEnd(&zs);
    if (rc != Z_STREAM_END) {
        out.error = std::string("the ") + what + " body is corrupt or truncated";
        return out;
    }
    out.ok = true;
    return out;
}

// [SECTION] Export

OtlpReceiver::OtlpReceiver(ReceivedTraces& sink, ReceiverOptions options)
    : sink_(sink), options_(std::move(options)) {}

ReceiveOutcome OtlpReceiver::export_body(std::string_view body, BodyEncoding encoding) {
    if (options_.background_threads) lower_this_thread_priority();
    ReceiveOutcome out;
    ImportedTrace batch;
    if (encoding == BodyEncoding::Protobuf) {
        formats::SpanImport in("request", batch);
        auto stats = decode_export_request(body, in);
        if (!stats) {
            out.kind = ReceiveOutcome::Kind::Undecodable;
            out.message = stats.error();
            return out;
        }
        in.finish();
        out.rejected = stats->rejected;
        out.message = stats->rejected_reason;
    } else if (body.find("\"resourceSpans\"") == std::string_view::npos &&
               nlohmann::json::parse(body.begin(), body.end(), nullptr, false).is_object()) {
        // A JSON object without resourceSpans is a valid, empty ExportTraceServiceRequest (`{}`): unknown
        // fields are ignored, as the OTLP specification asks of receivers.
    } else {
        auto imported = import_trace_text(body, "request body");
        if (!imported) {
            out.kind = ReceiveOutcome::Kind::Undecodable;
            out.message = imported.error();
            return out;
        }
        if (imported->format != TraceFormat::Otlp) {
            out.kind = ReceiveOutcome::Kind::Undecodable;
            out.message = std::string("request body: this is a ") + to_string(imported->format) +
                          " document, not an OTLP/JSON ExportTraceServiceRequest";
            return out;
        }
        batch = std::move(*imported);
        out.rejected = batch.skipped_spans;
        for (const std::string& w : batch.warnings)
            if (w.ends_with("(span skipped)")) {
                out.message = w;
                break;
            }
    }
    out.accepted = batch.store.spans.size();
    out.traces = distinct_traces(batch.store);
    if (!sink_.add(batch.store, out.rejected, &out.resent)) {
        out.kind = ReceiveOutcome::Kind::OverBudget;
        out.message = "the request holds " + std::to_string(out.accepted) + " spans, more than the receiver keeps (" +
                      std::to_string(sink_.max_spans()) + "; raise --max-spans)";
    }
    return out;
}

std::string OtlpReceiver::response_bytes(const ReceiveOutcome& outcome) {
    opentelemetry::proto::collector::trace::v1::ExportTraceServiceResponse resp;
    if (outcome.rejected > 0) {
        auto* partial = resp.mutable_partial_success();
        partial->set_rejected_spans(static_cast<int64_t>(outcome.rejected));
        partial->set_error_message(outcome.message);
    }
    return resp.SerializeAsString();
}

std::string OtlpReceiver::summary(const ReceiveOutcome& o) {
    return std::to_string(o.accepted) + " spans, " + std::to_string(o.traces) + (o.traces == 1 ? " trace, " : " traces, ") +
           std::to_string(o.rejected) + " rejected" +
           (o.resent > 0 ? ", " + std::to_string(o.resent) + " already received (dropped)" : "");
}

// [SECTION] HTTP

bool OtlpReceiver::origin_allowed(std::string_view origin) const {
    if (origin.empty()) return false;
    auto host_any_port = [&](std::string_view base) {
        if (origin == base) return true;
        if (!origin.starts_with(base) || origin.size() <= base.size() + 1 || origin[base.size()] != ':') return false;
        const std::string_view port = origin.substr(base.size() + 1);
        return port.size() <= 5 && std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; });
    };
    if (host_any_port("http://localhost") || host_any_port("http://127.0.0.1")) return true;
    for (const std::string& allowed : options_.cors_origins) {
        if (allowed == "*" || allowed == origin) return true;
        if (allowed.ends_with(":*") && host_any_port(std::string_view(allowed).substr(0, allowed.size() - 2)))
            return true;
    }
    return false;
}

void OtlpReceiver::failed_request(const std::string& line) {
    sink_.count_failed_request();
    log(line);
}

bool OtlpReceiver::readable_encoding(std::string_view content_encoding) {
    const std::string e = lower(content_encoding);
    return e.empty() || e == "identity" || e == "gzip" || e == "deflate";
}

HttpResponse OtlpReceiver::handle_http(const HttpRequest& req) {
    const std::string type = media_type(req.content_type);
    const bool protobuf = type == kProtobuf;
    auto fail = [&](int http_status, int rpc_code, const std::string& message) {
        failed_request("http: " + std::to_string(http_status) + " " + message);
        return status_response(http_status, rpc_code, message, protobuf);
    };
    HttpResponse r;
    const bool cors = origin_allowed(req.origin);
    auto add_cors = [&](HttpResponse& resp) {
        if (!cors) return;
        resp.headers.emplace_back("Access-Control-Allow-Origin", req.origin);
        resp.headers.emplace_back("Vary", "Origin");
    };

    if (req.path != kTracesPath) {
        r = fail(404, kUnimplemented, "not found: " + req.path.substr(0, 200) + " (traces go to POST /v1/traces)");
        return r;
    }
    if (req.method == "OPTIONS") {
        // CORS preflight: a browser asks before its POST.
        if (!cors) {
            r = fail(403, kPermissionDenied, "origin not allowed for CORS: \"" + req.origin.substr(0, 200) +
                                 "\" (allow it with --cors ORIGIN)");
            return r;
        }
        r.status = 204;
        add_cors(r);
        r.headers.emplace_back("Access-Control-Allow-Methods", "POST, OPTIONS");
        r.headers.emplace_back("Access-Control-Allow-Headers",
                               req.request_headers.empty() ? "Content-Type, Content-Encoding" : req.request_headers);
        r.headers.emplace_back("Access-Control-Max-Age", "7200");
        return r;
    }
    if (req.method != "POST") {
        r = fail(405, kUnimplemented, req.method.substr(0, 20) + " is not allowed on /v1/traces; OTLP/HTTP uses POST");
        r.headers.emplace_back("Allow", "POST, OPTIONS");
        add_cors(r);
        return r;
    }
    if (!protobuf && type != kJson) {
        r = fail(415, kInvalidArgument,
                 "unsupported content type \"" + type.substr(0, 100) + "\"; OTLP/HTTP sends application/x-protobuf or "
                 "application/json");
        add_cors(r);
        return r;
    }
    const std::string encoding = lower(req.content_encoding);
    const bool gzip = encoding == "gzip", deflate = encoding == "deflate";
    if (!readable_encoding(encoding)) {
        r = fail(415, kInvalidArgument,
                 "unsupported content encoding \"" + encoding.substr(0, 100) + "\"; send gzip, deflate or identity");
        add_cors(r);
        return r;
    }
    const std::string too_large = "the request body is larger than " +
                                  std::to_string(options_.max_body_bytes >> 20) + " MiB (raise --max-body)";
    if (req.body_too_large || req.body.size() > options_.max_body_bytes) {
        r = fail(413, kResourceExhausted, too_large);
        add_cors(r);
        return r;
    }
    if (!req.body_broken.empty()) {
        r = fail(400, kInvalidArgument, req.body_broken);
        add_cors(r);
        return r;
    }
    Gunzip inflated;
    std::string_view body = req.body;
    if (gzip || deflate) {
        inflated = gunzip(req.body, options_.max_body_bytes, deflate);
        if (inflated.too_large) {
            r = fail(413, kResourceExhausted, too_large);
            add_cors(r);
            return r;
        }
        if (!inflated.ok) {
            r = fail(400, kInvalidArgument, inflated.error);
            add_cors(r);
            return r;
        }
        body = inflated.data;
    }
    const ReceiveOutcome outcome = export_body(body, protobuf ? BodyEncoding::Protobuf : BodyEncoding::Json);
    if (outcome.kind == ReceiveOutcome::Kind::Undecodable) {
        r = fail(400, kInvalidArgument, outcome.message);
        add_cors(r);
        return r;
    }
    if (outcome.kind == ReceiveOutcome::Kind::OverBudget) {
        r = fail(413, kResourceExhausted, outcome.message);
        add_cors(r);
        return r;
    }
    log(std::string("http ") + (protobuf ? "protobuf" : "json") + ": " + summary(outcome));
    r.status = 200;
    r.content_type = protobuf ? std::string(kProtobuf) : std::string(kJson);
    if (protobuf) {
        r.body = response_bytes(outcome);
    } else {
        opentelemetry::proto::collector::trace::v1::ExportTraceServiceResponse resp;
        resp.ParseFromString(response_bytes(outcome));
        r.body = json_of(resp);
    }
    add_cors(r);
    return r;
}

}  // namespace tl::otlp
