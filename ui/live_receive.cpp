// LiveReceive (see live_receive.hpp).
#include "ui/live_receive.hpp"

namespace tl::ui {

std::string LiveReceive::start(const otlp::ListenAddress& http_at, const otlp::ListenAddress& grpc_at) {
    if (http_at.enabled) {
        auto port = http.start(http_at, "--http");
        if (!port) return port.error();
        otlp::ListenAddress bound = http_at;
        bound.port = *port;
        http_address = bound.text();
    }
    if (grpc_at.enabled) {
        auto port = grpc.start(grpc_at, "--grpc");
        if (!port) {
            http.stop();
            http_address.clear();
            return port.error();
        }
        otlp::ListenAddress bound = grpc_at;
        bound.port = *port;
        grpc_address = bound.text();
    }
    return "";
}

std::string LiveReceive::status_line() const {
    const otlp::ReceiveCounts c = traces.counts();
    std::string s = traces.paused() ? "paused:" : "receiving:";
    if (!http_address.empty()) s += " http " + http_address;
    if (!grpc_address.empty()) s += std::string(http_address.empty() ? "" : ",") + " grpc " + grpc_address;
    s += "  |  " + std::to_string(c.spans) + " spans, " + std::to_string(c.rejected) + " rejected";
    if (c.evicted_traces > 0) s += ", " + std::to_string(c.evicted_traces) + " old traces evicted";
    return s;
}

}  // namespace tl::ui
