// libFuzzer target: the OTLP/HTTP request handling without sockets (OtlpReceiver::handle_http). The first byte
// picks the method, content type and encoding; the rest is the body. Any input gets an answer with a status
// the OTLP specification allows, never a crash, hang or leak, and memory stays within the span budget.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "sim/otlp/otlp_receiver.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static tl::otlp::ReceivedTraces traces(5000);
    static tl::otlp::OtlpReceiver receiver(traces, tl::otlp::ReceiverOptions{1 << 20, {"http://fuzz:*"}});
    if (size == 0) return 0;
    const uint8_t pick = data[0];
    tl::otlp::HttpRequest req;
    static const char* kMethods[] = {"POST", "POST", "POST", "OPTIONS", "GET", "PUT"};
    static const char* kTypes[] = {"application/x-protobuf", "application/json", "application/json; charset=utf-8",
                                   "text/plain"};
    static const char* kEncodings[] = {"", "gzip", "identity", "br"};
    req.method = kMethods[pick % 6];
    req.path = (pick & 0x80) ? "/v1/logs" : "/v1/traces";
    req.content_type = kTypes[(pick >> 3) & 3];
    req.content_encoding = kEncodings[(pick >> 5) & 3];
    req.origin = (pick & 0x40) ? "http://fuzz:1234" : "";
    req.body.assign(reinterpret_cast<const char*>(data) + 1, size - 1);
    const tl::otlp::HttpResponse r = receiver.handle_http(req);
    switch (r.status) {
        case 200: case 204: case 400: case 403: case 404: case 405: case 413: case 415:
            break;
        default:
            std::abort();
    }
    return 0;
}
