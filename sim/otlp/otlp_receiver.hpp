// The OTLP receiver's rules without sockets: what an OTLP/HTTP request to /v1/traces gets back, and what an
// OTLP/gRPC TraceService/Export does with its bytes. The servers in sim/otlp/net/ only move bytes in and out,
// so every rule here is unit-tested and fuzzed directly.
// - Follows the OTLP specification (opentelemetry.io/docs/specs/otlp): POST /v1/traces, application/x-protobuf
//   and application/json, gzip or identity, the answer in the request's content type, partial success for
//   invalid spans, 400 + google.rpc.Status for undecodable bodies, 413 over the body limit, 415, 405, 404,
//   and CORS for browser SDKs (http://localhost:* and http://127.0.0.1:* unless told more).
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/otlp/received_traces.hpp"

namespace tl::otlp {

struct ReceiverOptions {
    size_t max_body_bytes = size_t{20} << 20;  // after decompression; the Collector's default is 20 MiB too
    // Origins allowed besides http://localhost[:port] and http://127.0.0.1[:port]: exact origins, "*" for any,
    // or "SCHEME://HOST:*" for any port of a host.
    std::vector<std::string> cors_origins;
    // The threads that decode requests lower their own priority (sim/io/thread_priority.hpp), so that a
    // window drawing in the same process stays smooth under load. The app sets it; `tracelab receive` not.
    bool background_threads = false;
};

// One HTTP request as the server read it. Header names are matched case-insensitively by the server.
struct HttpRequest {
    std::string method;  // "POST"
    std::string path;    // "/v1/traces" (no query)
    std::string content_type;
    std::string content_encoding;  // "", "identity", "gzip", …
    std::string origin;            // the Origin header, "" when absent
    std::string request_headers;   // Access-Control-Request-Headers of a preflight
    std::string body;
    bool body_too_large = false;   // the server stopped keeping the body at the limit
    // The body did not arrive whole: the connection closed or stalled before Content-Length bytes (or the end
    // of a chunked body), or a compressed body could not be inflated. Answered 400; nothing is kept.
    std::string body_broken;
};

struct HttpResponse {
    int status = 200;
    std::string content_type;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;  // besides Content-Type
};

// The result of one export, whatever the transport.
struct ReceiveOutcome {
    enum class Kind { Accepted, Undecodable, OverBudget };
    Kind kind = Kind::Accepted;
    size_t accepted = 0;
    size_t rejected = 0;
    size_t traces = 0;    // distinct traces the request touched
    size_t resent = 0;    // accepted spans not kept: copies of spans already received (an exporter's retry)
    std::string message;  // why spans were rejected, or why the request failed
};

enum class BodyEncoding { Protobuf, Json };

// One line per request for a log: "http protobuf: 12 spans, 3 traces, 0 rejected" or "http: 415 …".
using RequestLog = std::function<void(const std::string& line)>;

class OtlpReceiver {
public:
    OtlpReceiver(ReceivedTraces& sink, ReceiverOptions options);

    // The whole OTLP/HTTP exchange for one request. Safe to call from many threads at once.
    HttpResponse handle_http(const HttpRequest& request);
    // Decodes an ExportTraceServiceRequest body and adds its spans (OTLP/gRPC and OTLP/HTTP share this).
    ReceiveOutcome export_body(std::string_view body, BodyEncoding encoding);
    // A serialized ExportTraceServiceResponse (partial_success set when spans were rejected).
    static std::string response_bytes(const ReceiveOutcome& outcome);

    [[nodiscard]] bool origin_allowed(std::string_view origin) const;
    [[nodiscard]] const ReceiverOptions& options() const { return options_; }
    void set_log(RequestLog log) { log_ = std::move(log); }
    void log(const std::string& line) const {
        if (log_) log_(line);
    }
    // A request answered with an error status: counted as failed, `line` logged.
    void failed_request(const std::string& line);
    // Whether a body in this Content-Encoding can be read (gzip, deflate, identity or none; any case). A
    // server may refuse any other before reading the body; handle_http answers it 415.
    static bool readable_encoding(std::string_view content_encoding);
    // "12 spans, 3 traces, 0 rejected"
    static std::string summary(const ReceiveOutcome& outcome);

private:
    ReceivedTraces& sink_;
    ReceiverOptions options_;
    RequestLog log_;
};

// Inflates a gzip body (one or more members, RFC 1952), or with `zlib` the zlib stream (RFC 1950) that HTTP's
// "deflate" content coding names; a failure carries a message, and a stream cut short is a failure. Stops with
// `too_large` once the output would pass `limit` bytes, so a small bomb cannot take the memory.
struct Gunzip {
    bool ok = false;
    bool too_large = false;
    std::string data;
    std::string error;
};
Gunzip gunzip(std::string_view compressed, size_t limit, bool zlib = false);

}  // namespace tl::otlp
