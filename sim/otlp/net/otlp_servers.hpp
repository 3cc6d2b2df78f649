// The OTLP receiver's network side: OTLP/HTTP on cpp-httplib and OTLP/gRPC on gRPC C++, both handing the bytes
// to one OtlpReceiver (sim/otlp/otlp_receiver.hpp), which holds every protocol rule.
// - Each server runs on its own threads; start() returns the bound port (port 0 picks a free one) or a message
//   naming the address and the flag that chose it when the port is taken.
// - Loopback by default: the defaults are 127.0.0.1:4318 (HTTP) and 127.0.0.1:4317 (gRPC), the OTLP ports.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "sim/io/json_read.hpp"
#include "sim/otlp/otlp_receiver.hpp"

namespace httplib {
class Server;
}
namespace grpc {
class Server;
}

namespace tl::otlp {

// "HOST:PORT", "[IPV6]:PORT", ":PORT" (loopback) or "off". Port 0 picks a free port.
struct ListenAddress {
    bool enabled = true;
    std::string host = "127.0.0.1";
    int port = 0;
    [[nodiscard]] std::string text() const;  // "127.0.0.1:4318"
};
Result<ListenAddress> parse_listen_address(std::string_view text);

// "cannot listen for OTLP/HTTP on 127.0.0.1:4318: the port is in use …; choose another with --http HOST:PORT …":
// the error of a listener that could not bind. `protocol` is "OTLP/HTTP" or "OTLP/gRPC"; `flag` as in start().
std::string listen_failure(std::string_view protocol, const ListenAddress& address, std::string_view flag);

// OTLP/HTTP: POST /v1/traces (and the error answers around it).
class OtlpHttpServer {
public:
    explicit OtlpHttpServer(OtlpReceiver& receiver);
    ~OtlpHttpServer();
    OtlpHttpServer(const OtlpHttpServer&) = delete;
    OtlpHttpServer& operator=(const OtlpHttpServer&) = delete;
    // Binds and starts serving; returns the port. `flag` names the option in the error ("--http"); empty
    // when the address came from elsewhere (the app's dialog), and the error says so in words.
    Result<int> start(const ListenAddress& address, std::string_view flag);
    void stop();

private:
    OtlpReceiver& receiver_;
    std::unique_ptr<httplib::Server> server_;
    std::thread thread_;
};

// OTLP/gRPC: opentelemetry.proto.collector.trace.v1.TraceService/Export.
class OtlpGrpcServer {
public:
    explicit OtlpGrpcServer(OtlpReceiver& receiver);
    ~OtlpGrpcServer();
    OtlpGrpcServer(const OtlpGrpcServer&) = delete;
    OtlpGrpcServer& operator=(const OtlpGrpcServer&) = delete;
    Result<int> start(const ListenAddress& address, std::string_view flag);
    void stop();

private:
    class Service;
    OtlpReceiver& receiver_;
    std::unique_ptr<Service> service_;
    std::unique_ptr<grpc::Server> server_;
};

}  // namespace tl::otlp
