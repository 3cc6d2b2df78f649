// OTLP/gRPC on gRPC C++: TraceService/Export registered as a raw callback method, so the request bytes reach
// OtlpReceiver::export_body and an undecodable message gets INVALID_ARGUMENT (the generated typed method would
// answer INTERNAL before our code ran). gRPC inflates gzip-compressed messages itself.
#include <grpc/support/log.h>
#include <grpcpp/grpcpp.h>

#include <mutex>

#include "opentelemetry/proto/collector/trace/v1/trace_service.grpc.pb.h"
#include "sim/otlp/net/otlp_servers.hpp"

namespace tl::otlp {

using TraceService = opentelemetry::proto::collector::trace::v1::TraceService;

class OtlpGrpcServer::Service : public TraceService::WithRawCallbackMethod_Export<TraceService::Service> {
public:
    explicit Service(OtlpReceiver& receiver) : receiver_(receiver) {}

    grpc::ServerUnaryReactor* Export(grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
                                     grpc::ByteBuffer* response) override {
        auto* reactor = context->DefaultReactor();
        const size_t limit = receiver_.options().max_body_bytes;
        if (request->Length() > limit) {
            const std::string message = "the message is larger than " + std::to_string(limit >> 20) +
                                        " MiB (raise --max-body)";
            receiver_.failed_request("grpc: RESOURCE_EXHAUSTED " + message);
            reactor->Finish(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, message));
            return reactor;
        }
        std::vector<grpc::Slice> slices;
        std::string bytes;
        if (request->Dump(&slices).ok()) {
            bytes.reserve(request->Length());
            for (const auto& s : slices) bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
        }
        const ReceiveOutcome outcome = receiver_.export_body(bytes, BodyEncoding::Protobuf);
        switch (outcome.kind) {
            case ReceiveOutcome::Kind::Undecodable:
                receiver_.failed_request("grpc: INVALID_ARGUMENT " + outcome.message);
                reactor->Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, outcome.message));
                return reactor;
            case ReceiveOutcome::Kind::OverBudget:
                receiver_.log("grpc: RESOURCE_EXHAUSTED " + outcome.message);
                reactor->Finish(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, outcome.message));
                return reactor;
            case ReceiveOutcome::Kind::Accepted:
                break;
        }
        receiver_.log("grpc: " + OtlpReceiver::summary(outcome));
        const std::string answer = OtlpReceiver::response_bytes(outcome);
        grpc::Slice slice(answer);
        *response = grpc::ByteBuffer(&slice, 1);
        reactor->Finish(grpc::Status::OK);
        return reactor;
    }

private:
    OtlpReceiver& receiver_;
};

OtlpGrpcServer::OtlpGrpcServer(OtlpReceiver& receiver) : receiver_(receiver) {}

OtlpGrpcServer::~OtlpGrpcServer() {
    stop();
}

Result<int> OtlpGrpcServer::start(const ListenAddress& address, std::string_view flag) {
    // gRPC's own log lines (a busy port is logged as an internal error) would come before tracelab's message,
    // which says the same in words and names the flag; keep them out of the user's terminal.
    static std::once_flag quiet;
    std::call_once(quiet, [] { gpr_set_log_function([](gpr_log_func_args*) {}); });
    service_ = std::make_unique<Service>(receiver_);
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort(address.text(), grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(service_.get());
    // Without this gRPC sets SO_REUSEPORT and a second receiver would share a busy port silently.
    builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
    // gRPC refuses a message over its limit before any handler runs, so nothing would be logged or counted:
    // its limit is twice --max-body, and Export answers the messages in between itself. Beyond twice, gRPC's
    // own RESOURCE_EXHAUSTED goes back unlogged; the memory a call may hold stays bounded either way.
    const int max_message = static_cast<int>(std::min<size_t>(2 * receiver_.options().max_body_bytes, INT32_MAX));
    builder.SetMaxReceiveMessageSize(max_message);
    server_ = builder.BuildAndStart();
    if (!server_ || port == 0) {
        server_.reset();
        service_.reset();
        return Result<int>::failure(listen_failure("OTLP/gRPC", address, flag));
    }
    return port;
}

void OtlpGrpcServer::stop() {
    if (!server_) return;
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
    server_->Wait();
    server_.reset();
    service_.reset();
}

}  // namespace tl::otlp
