// Benchmarks of the OTLP receiver: protobuf decoding into a TraceStore (BM_DecodeOtlpProto, the issue asks for
// at least 1M spans/s on one core with 512-span batches of five attributes each) and the whole OTLP/HTTP path
// on loopback (BM_ReceiveOtlpJsonLoopback: four keep-alive senders POSTing 1000-span OTLP/JSON requests; at
// least 250k spans/s received).
#include <benchmark/benchmark.h>
#include <httplib.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"
#include "sim/formats/format_io.hpp"
#include "sim/formats/formats.hpp"
#include "sim/otlp/net/otlp_servers.hpp"
#include "sim/otlp/otlp_proto.hpp"

namespace {

namespace pb = opentelemetry::proto;

// One request as an SDK's batch processor sends it: `spans` spans of one service, five attributes each.
pb::collector::trace::v1::ExportTraceServiceRequest sdk_batch(int spans, uint64_t seed) {
    pb::collector::trace::v1::ExportTraceServiceRequest req;
    auto* rs = req.add_resource_spans();
    auto* a = rs->mutable_resource()->add_attributes();
    a->set_key("service.name");
    a->mutable_value()->set_string_value("checkout");
    auto* ss = rs->add_scope_spans();
    ss->mutable_scope()->set_name("@opentelemetry/instrumentation-http");
    tl::IdGenerator ids(seed);
    std::string trace(16, '\0'), id(8, '\0');
    for (int i = 0; i < spans; ++i) {
        if (i % 8 == 0) {
            const tl::TraceId t = ids.trace_id();
            for (int b = 0; b < 8; ++b) {
                trace[static_cast<size_t>(b)] = static_cast<char>(t.hi >> (56 - 8 * b));
                trace[static_cast<size_t>(8 + b)] = static_cast<char>(t.lo >> (56 - 8 * b));
            }
        }
        const tl::SpanId s = ids.span_id();
        for (int b = 0; b < 8; ++b) id[static_cast<size_t>(b)] = static_cast<char>(s.value >> (56 - 8 * b));
        auto* span = ss->add_spans();
        span->set_trace_id(trace);
        span->set_span_id(id);
        span->set_name("GET /api/orders/{id}");
        span->set_kind(pb::trace::v1::Span::SPAN_KIND_SERVER);
        span->set_start_time_unix_nano(1'700'000'000'000'000'000ULL + static_cast<uint64_t>(i) * 1000);
        span->set_end_time_unix_nano(1'700'000'000'000'500'000ULL + static_cast<uint64_t>(i) * 1000);
        auto attr = [&](const char* k) {
            auto* kv = span->add_attributes();
            kv->set_key(k);
            return kv->mutable_value();
        };
        attr("http.request.method")->set_string_value("GET");
        attr("http.route")->set_string_value("/api/orders/{id}");
        attr("url.path")->set_string_value("/api/orders/" + std::to_string(i));
        attr("http.response.status_code")->set_int_value(200);
        attr("server.port")->set_int_value(8080);
    }
    return req;
}

void BM_DecodeOtlpProto(benchmark::State& state) {
    const int spans = static_cast<int>(state.range(0));
    const std::string bytes = sdk_batch(spans, 7).SerializeAsString();
    for (auto _ : state) {
        tl::ImportedTrace out;
        tl::formats::SpanImport in("bench", out);
        auto stats = tl::otlp::decode_export_request(bytes, in);
        in.finish();
        if (!stats || out.store.spans.size() != static_cast<size_t>(spans)) state.SkipWithError("decode failed");
        benchmark::DoNotOptimize(out);
    }
    state.SetItemsProcessed(state.iterations() * spans);
    state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(bytes.size()));
}
BENCHMARK(BM_DecodeOtlpProto)->Arg(512)->Unit(benchmark::kMicrosecond);

void BM_ReceiveOtlpJsonLoopback(benchmark::State& state) {
    constexpr int kSenders = 4, kSpans = 1000, kRequestsPerSender = 25;
    tl::otlp::ReceivedTraces traces(2'000'000);
    tl::otlp::OtlpReceiver receiver(traces, {});
    tl::otlp::OtlpHttpServer server(receiver);
    auto port = server.start(tl::otlp::ListenAddress{true, "127.0.0.1", 0}, "--http");
    if (!port) {
        state.SkipWithError(port.error().c_str());
        return;
    }
    // OTLP/JSON bodies as the JS exporter sends them (hex ids, int64 as strings), each with its own ids: a body
    // sent twice would be dropped as a retry's copy, not stored.
    std::vector<std::string> bodies;
    for (int b = 0; b < kSenders * kRequestsPerSender; ++b) {
        tl::ImportedTrace t;
        tl::formats::SpanImport in("bench", t);
        (void)tl::otlp::decode_export_request(sdk_batch(kSpans, 100 + static_cast<uint64_t>(b)).SerializeAsString(), in);
        bodies.push_back(tl::write_trace(t.store, tl::TraceFormat::Otlp));
    }
    std::atomic<int> failures{0};
    for (auto _ : state) {
        std::vector<std::thread> senders;
        for (int s = 0; s < kSenders; ++s)
            senders.emplace_back([&, s] {
                httplib::Client cli("127.0.0.1", *port);
                cli.set_keep_alive(true);
                cli.set_tcp_nodelay(true);  // as SDK clients do (Node.js, Go and the JDK's HTTP client)
                for (int r = 0; r < kRequestsPerSender; ++r) {
                    auto res = cli.Post("/v1/traces", bodies[static_cast<size_t>(s * kRequestsPerSender + r)],
                                        "application/json");
                    if (!res || res->status != 200) ++failures;
                }
            });
        for (auto& t : senders) t.join();
        state.PauseTiming();
        if (traces.counts().resent > 0) ++failures;  // bodies sharing ids: spans dropped as re-sent, not stored
        traces.clear();
        state.ResumeTiming();
    }
    if (failures > 0) state.SkipWithError("some requests failed, or their spans were dropped as re-sent");
    state.SetItemsProcessed(state.iterations() * kSenders * kRequestsPerSender * kSpans);
}
BENCHMARK(BM_ReceiveOtlpJsonLoopback)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
