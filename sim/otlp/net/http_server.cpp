// OTLP/HTTP on cpp-httplib: reads each request (bounded), hands it to OtlpReceiver::handle_http, writes the
// answer. Bodies are read as sent; OtlpReceiver undoes their content coding.
// [SECTION] Addresses  [SECTION] Server
#include <httplib.h>
#include <sys/socket.h>

#include <charconv>
#include <chrono>
#include <thread>

#include "sim/otlp/net/otlp_servers.hpp"

namespace tl::otlp {

// [SECTION] Addresses

std::string ListenAddress::text() const {
    const bool v6 = host.find(':') != std::string::npos;
    return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

Result<ListenAddress> parse_listen_address(std::string_view text) {
    using R = Result<ListenAddress>;
    ListenAddress a;
    if (text == "off") {
        a.enabled = false;
        return a;
    }
    std::string_view host, port;
    if (text.starts_with("[")) {
        const size_t close = text.find(']');
        if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':')
            return R::failure("\"" + std::string(text) + "\" is not [IPV6]:PORT");
        host = text.substr(1, close - 1);
        port = text.substr(close + 2);
    } else {
        const size_t colon = text.rfind(':');
        if (colon == std::string_view::npos) return R::failure("\"" + std::string(text) + "\" is not HOST:PORT or off");
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
    }
    int p = -1;
    auto r = std::from_chars(port.data(), port.data() + port.size(), p);
    if (r.ec != std::errc() || r.ptr != port.data() + port.size() || p < 0 || p > 65535)
        return R::failure("\"" + std::string(text) + "\": the port must be a number from 0 to 65535");
    if (!host.empty()) a.host = std::string(host);
    a.port = p;
    return a;
}

std::string listen_failure(std::string_view protocol, const ListenAddress& address, std::string_view flag) {
    std::string out = "cannot listen for " + std::string(protocol) + " on " + address.text() +
                      ": the port is in use or the address is not available here; ";
    if (flag.empty()) return out + "choose another address (port 0 picks a free one) or turn this listener off";
    const std::string f(flag);
    return out + "choose another with " + f + " HOST:PORT (port 0 picks a free one) or " + f + " off";
}

// [SECTION] Server

namespace {

HttpRequest request_of(const httplib::Request& req) {
    HttpRequest r;
    r.method = req.method;
    r.path = req.path;
    r.content_type = req.get_header_value("Content-Type");
    r.content_encoding = req.get_header_value("Content-Encoding");
    r.origin = req.get_header_value("Origin");
    r.request_headers = req.get_header_value("Access-Control-Request-Headers");
    return r;
}

void write(const HttpResponse& answer, httplib::Response& res) {
    res.status = answer.status;
    for (const auto& [k, v] : answer.headers) res.set_header(k, v);
    if (answer.status != 204) res.set_content(answer.body, answer.content_type.c_str());
}

}  // namespace

OtlpHttpServer::OtlpHttpServer(OtlpReceiver& receiver) : receiver_(receiver) {}

OtlpHttpServer::~OtlpHttpServer() {
    stop();
}

Result<int> OtlpHttpServer::start(const ListenAddress& address, std::string_view flag) {
    server_ = std::make_unique<httplib::Server>();
    auto& svr = *server_;
    // cpp-httplib sets SO_REUSEPORT by default, which would let a second receiver share a busy port silently.
    svr.set_socket_options([](socket_t sock) {
        int yes = 1;
        setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });
    // Answers go out at once: cpp-httplib writes a response's head and body separately, and with Nagle's
    // algorithm against the client's delayed ACK every keep-alive request would wait about 40 ms.
    svr.set_tcp_nodelay(true);
    svr.set_keep_alive_max_count(100000);
    // An idle keep-alive connection holds stop() up to this long (cpp-httplib waits it out), so keep it short;
    // exporters simply reconnect.
    svr.set_keep_alive_timeout(2);
    const size_t limit = receiver_.options().max_body_bytes;
    // Everything but POST /v1/traces is answered before any body is read.
    svr.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
        if (req.method == "POST" && req.path == "/v1/traces") return httplib::Server::HandlerResponse::Unhandled;
        write(receiver_.handle_http(request_of(req)), res);
        return httplib::Server::HandlerResponse::Handled;
    });
    svr.Post("/v1/traces", [this, limit](const httplib::Request& req, httplib::Response& res,
                                         const httplib::ContentReader& content) {
        HttpRequest r = request_of(req);
        // cpp-httplib would inflate a "gzip" or "deflate" body itself while reading it, but it never checks
        // that the stream reached its end, so a body cut short would be taken as whole. Its reader looks the
        // header up when reading starts, so removing it here (the request is the server's own object, handed
        // over as const) makes it read the bytes as sent; OtlpReceiver inflates them with that check.
        const_cast<httplib::Request&>(req).headers.erase("Content-Encoding");
        uint64_t declared = 0;
        const std::string length = req.get_header_value("Content-Length");
        std::from_chars(length.data(), length.data() + length.size(), declared);
        if (!OtlpReceiver::readable_encoding(r.content_encoding)) {
            // An encoding this server cannot undo: answered 415 without reading; the connection closes.
            res.set_header("Connection", "close");
        } else if (declared > limit * 4) {
            // Far beyond the limit: not read at all; the connection closes after the answer.
            r.body_too_large = true;
            res.set_header("Connection", "close");
        } else {
            // Keep up to the limit (as sent; OtlpReceiver applies it again after inflating); past it, read on
            // and drop, so the client (still writing its body) reads its 413 instead of a reset connection;
            // give up on a body far beyond it.
            size_t seen = 0;
            const bool whole = content([&](const char* data, size_t len) {
                seen += len;
                if (seen > limit) {
                    r.body_too_large = true;
                    r.body.clear();
                    r.body.shrink_to_fit();
                    return seen <= limit * 4;
                }
                r.body.append(data, len);
                return true;
            });
            if (!whole && !r.body_too_large) {
                r.body.clear();
                r.body_broken = "the request body ended early: the connection closed or stalled before the whole "
                                "body arrived";
                res.set_header("Connection", "close");
            }
        }
        write(receiver_.handle_http(r), res);
    });
    int port = address.port;
    if (port == 0) {
        port = svr.bind_to_any_port(address.host);
        if (port < 0) port = -1;
    } else if (!svr.bind_to_port(address.host, port)) {
        port = -1;
    }
    if (port < 0) {
        server_.reset();
        return Result<int>::failure(listen_failure("OTLP/HTTP", address, flag));
    }
    thread_ = std::thread([this] { server_->listen_after_bind(); });
    // cpp-httplib's stop() does nothing until the listening thread has marked the server running, so a stop()
    // right after start() would leave listen_after_bind() running and join() waiting forever. Wait for it here.
    while (!server_->is_running()) std::this_thread::sleep_for(std::chrono::microseconds(200));
    return port;
}

void OtlpHttpServer::stop() {
    if (!server_) return;
    server_->stop();
    if (thread_.joinable()) thread_.join();
    server_.reset();
}

}  // namespace tl::otlp
