// OTLP/gRPC receiver with a real gRPC client on loopback: Export, partial success, INVALID_ARGUMENT for bytes
// that are no ExportTraceServiceRequest, RESOURCE_EXHAUSTED over the span budget, gzip-compressed messages.
#include <doctest/doctest.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/codegen/client_unary_call.h>

#include <mutex>
#include <string>
#include <vector>

#include "opentelemetry/proto/collector/trace/v1/trace_service.grpc.pb.h"
#include "sim/otlp/net/otlp_servers.hpp"

using namespace tl;
namespace pb = opentelemetry::proto;

namespace {

pb::collector::trace::v1::ExportTraceServiceRequest request(int n, int bad = 0) {
    pb::collector::trace::v1::ExportTraceServiceRequest req;
    auto* ss = req.add_resource_spans()->add_scope_spans();
    for (int i = 0; i < n + bad; ++i) {
        auto* s = ss->add_spans();
        s->set_trace_id(i < n ? std::string(15, '\x33') + static_cast<char>(i % 2 + 1) : std::string(16, '\0'));
        s->set_span_id(std::string(7, '\x44') + static_cast<char>(i + 1));
        s->set_name("rpc");
    }
    return req;
}

struct Fixture {
    otlp::ReceivedTraces traces{10};
    otlp::OtlpReceiver receiver{traces, {}};
    otlp::OtlpGrpcServer server{receiver};
    std::shared_ptr<grpc::Channel> channel;
    std::unique_ptr<pb::collector::trace::v1::TraceService::Stub> stub;
    Fixture() {
        auto port = server.start(otlp::ListenAddress{true, "127.0.0.1", 0}, "--grpc");
        REQUIRE(port.ok());
        channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(*port), grpc::InsecureChannelCredentials());
        stub = pb::collector::trace::v1::TraceService::NewStub(channel);
    }
};

}  // namespace

TEST_CASE("otlp grpc: Export stores spans; invalid ids come back as partial success") {
    Fixture f;
    grpc::ClientContext ctx;
    pb::collector::trace::v1::ExportTraceServiceResponse resp;
    auto st = f.stub->Export(&ctx, request(3, 2), &resp);
    REQUIRE(st.ok());
    CHECK(resp.partial_success().rejected_spans() == 2);
    CHECK(resp.partial_success().error_message().find("trace_id is all zero") != std::string::npos);
    CHECK(f.traces.counts().spans == 3);
}

TEST_CASE("otlp grpc: gzip-compressed messages are accepted") {
    Fixture f;
    grpc::ClientContext ctx;
    ctx.set_compression_algorithm(GRPC_COMPRESS_GZIP);
    pb::collector::trace::v1::ExportTraceServiceResponse resp;
    REQUIRE(f.stub->Export(&ctx, request(4), &resp).ok());
    CHECK_FALSE(resp.has_partial_success());
    CHECK(f.traces.counts().spans == 4);
}

TEST_CASE("otlp grpc: undecodable bytes get INVALID_ARGUMENT, too many spans RESOURCE_EXHAUSTED") {
    Fixture f;
    const grpc::internal::RpcMethod method("/opentelemetry.proto.collector.trace.v1.TraceService/Export",
                                           grpc::internal::RpcMethod::NORMAL_RPC);
    grpc::ClientContext ctx;
    grpc::Slice garbage(std::string("\x0a\xff\xff\xff garbage", 12));
    grpc::ByteBuffer in(&garbage, 1), out;
    auto st = grpc::internal::BlockingUnaryCall<grpc::ByteBuffer, grpc::ByteBuffer>(f.channel.get(), method, &ctx, in,
                                                                                    &out);
    CHECK(st.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    CHECK(f.traces.counts().failed_requests == 1);

    grpc::ClientContext ctx2;
    pb::collector::trace::v1::ExportTraceServiceResponse resp;
    auto big = f.stub->Export(&ctx2, request(11), &resp);  // the budget is 10 spans
    CHECK(big.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED);
    CHECK(big.error_message().find("--max-spans") != std::string::npos);
    CHECK(f.traces.counts().spans == 0);
}

TEST_CASE("otlp grpc: a message over --max-body is RESOURCE_EXHAUSTED naming the flag, logged and counted") {
    otlp::ReceivedTraces traces;
    otlp::ReceiverOptions options;
    options.max_body_bytes = 1 << 20;
    otlp::OtlpReceiver receiver(traces, options);
    std::vector<std::string> lines;
    std::mutex mu;
    receiver.set_log([&](const std::string& line) {
        std::lock_guard lock(mu);
        lines.push_back(line);
    });
    otlp::OtlpGrpcServer server(receiver);
    auto port = server.start(otlp::ListenAddress{true, "127.0.0.1", 0}, "--grpc");
    REQUIRE(port.ok());
    auto stub = pb::collector::trace::v1::TraceService::NewStub(
        grpc::CreateChannel("127.0.0.1:" + std::to_string(*port), grpc::InsecureChannelCredentials()));
    auto over = request(1);
    over.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans(0)->set_name(std::string(1'200'000, 'x'));
    grpc::ClientContext ctx;
    pb::collector::trace::v1::ExportTraceServiceResponse resp;
    auto st = stub->Export(&ctx, over, &resp);
    CHECK(st.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED);
    CHECK(st.error_message() == "the message is larger than 1 MiB (raise --max-body)");
    CHECK(traces.counts().failed_requests == 1);
    CHECK(traces.counts().spans == 0);
    {
        std::lock_guard lock(mu);
        REQUIRE(lines.size() == 1);
        CHECK(lines[0] == "grpc: RESOURCE_EXHAUSTED the message is larger than 1 MiB (raise --max-body)");
    }
    // Far beyond (over twice the limit) gRPC itself refuses it before any handler: still RESOURCE_EXHAUSTED.
    over.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans(0)->set_name(std::string(2'200'000, 'x'));
    grpc::ClientContext ctx2;
    CHECK(stub->Export(&ctx2, over, &resp).error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED);
    // Within the limit all is well.
    grpc::ClientContext ctx3;
    REQUIRE(stub->Export(&ctx3, request(2), &resp).ok());
    CHECK(traces.counts().spans == 2);
}

TEST_CASE("otlp grpc: a port in use is an error naming the flag") {
    Fixture f;
    otlp::OtlpGrpcServer second(f.receiver);
    // A third server takes a free port; the second then asks for the same one.
    otlp::OtlpGrpcServer third(f.receiver);
    auto p = third.start(otlp::ListenAddress{true, "127.0.0.1", 0}, "--grpc");
    REQUIRE(p.ok());
    auto r = second.start(otlp::ListenAddress{true, "127.0.0.1", *p}, "--grpc");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().find("--grpc") != std::string::npos);
    CHECK(r.error().find(std::to_string(*p)) != std::string::npos);
}
