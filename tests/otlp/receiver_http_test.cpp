// OTLP/HTTP receiver, over real loopback HTTP with cpp-httplib's client: one test per rule of the OTLP
// specification's HTTP transport (status codes, content types, encodings, partial success, CORS).
#include <doctest/doctest.h>
#include <httplib.h>
#include <zlib.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "google/rpc/status.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"
#include "sim/otlp/net/otlp_servers.hpp"

using namespace tl;
namespace pb = opentelemetry::proto;

namespace {

// A request with `n` valid spans of one trace and `bad` spans whose trace id is 3 bytes long.
std::string proto_request(int n, int bad = 0) {
    pb::collector::trace::v1::ExportTraceServiceRequest req;
    auto* rs = req.add_resource_spans();
    auto* a = rs->mutable_resource()->add_attributes();
    a->set_key("service.name");
    a->mutable_value()->set_string_value("checkout");
    auto* ss = rs->add_scope_spans();
    for (int i = 0; i < n + bad; ++i) {
        auto* s = ss->add_spans();
        s->set_trace_id(i < n ? std::string(15, '\x11') + "\x01" : std::string("abc"));
        s->set_span_id(std::string(7, '\x22') + static_cast<char>(i + 1));
        s->set_name("op");
        s->set_start_time_unix_nano(1000);
        s->set_end_time_unix_nano(2000);
    }
    return req.SerializeAsString();
}

std::string json_request(const std::string& trace_id) {
    return R"({"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"web"}}]},
      "scopeSpans":[{"spans":[
        {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"ok","startTimeUnixNano":"1","endTimeUnixNano":"2"},
        {"traceId":")" + trace_id + R"(","spanId":"eee19b7ec3c1b175","name":"maybe","startTimeUnixNano":"1","endTimeUnixNano":"2"}]}]}]})";
}

std::string gzip(const std::string& in) {
    z_stream zs{};
    REQUIRE(deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) == Z_OK);
    std::string out(deflateBound(&zs, in.size()) + 32, '\0');
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    zs.avail_in = static_cast<uInt>(in.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    REQUIRE(deflate(&zs, Z_FINISH) == Z_STREAM_END);
    out.resize(zs.total_out);
    deflateEnd(&zs);
    return out;
}

struct Fixture {
    otlp::ReceivedTraces traces{1000};
    otlp::OtlpReceiver receiver;
    otlp::OtlpHttpServer server{receiver};
    int port = 0;
    explicit Fixture(otlp::ReceiverOptions options = {}) : receiver(traces, std::move(options)) {
        auto p = server.start(otlp::ListenAddress{true, "127.0.0.1", 0}, "--http");
        REQUIRE(p.ok());
        port = *p;
    }
    httplib::Client client() const { return httplib::Client("127.0.0.1", port); }
};

google::rpc::Status status_of(const httplib::Result& r) {
    google::rpc::Status st;
    if (r->get_header_value("Content-Type") == "application/x-protobuf") {
        REQUIRE(st.ParseFromString(r->body));
    } else {
        auto j = nlohmann::json::parse(r->body);
        st.set_code(j.value("code", 0));
        st.set_message(j.value("message", ""));
    }
    return st;
}

}  // namespace

TEST_CASE("otlp http: protobuf POST is accepted and answered in protobuf") {
    Fixture f;
    auto r = f.client().Post("/v1/traces", proto_request(3), "application/x-protobuf");
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->get_header_value("Content-Type") == "application/x-protobuf");
    pb::collector::trace::v1::ExportTraceServiceResponse resp;
    REQUIRE(resp.ParseFromString(r->body));
    CHECK_FALSE(resp.has_partial_success());
    CHECK(f.traces.counts().spans == 3);
    CHECK(f.traces.counts().requests == 1);
}

TEST_CASE("otlp http: JSON POST on the same port is answered in JSON") {
    Fixture f;
    auto r = f.client().Post("/v1/traces", json_request("5b8efff798038103d269b633813fc60d"),
                             "application/json; charset=utf-8");
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->get_header_value("Content-Type") == "application/json");
    CHECK(nlohmann::json::parse(r->body) == nlohmann::json::object());
    CHECK(f.traces.counts().spans == 2);
}

TEST_CASE("otlp http: partial success names the rejected spans (protobuf and JSON)") {
    Fixture f;
    auto r = f.client().Post("/v1/traces", proto_request(2, 3), "application/x-protobuf");
    REQUIRE(r);
    CHECK(r->status == 200);
    pb::collector::trace::v1::ExportTraceServiceResponse resp;
    REQUIRE(resp.ParseFromString(r->body));
    CHECK(resp.partial_success().rejected_spans() == 3);
    CHECK(resp.partial_success().error_message().find("trace_id is 3 bytes") != std::string::npos);

    auto j = f.client().Post("/v1/traces", json_request("00000000000000000000000000000000"), "application/json");
    REQUIRE(j);
    CHECK(j->status == 200);
    auto body = nlohmann::json::parse(j->body);
    CHECK(body["partialSuccess"]["rejectedSpans"] == "1");  // int64 is a string in the JSON mapping
    CHECK(body["partialSuccess"]["errorMessage"].get<std::string>().find("all-zero") != std::string::npos);
    CHECK(f.traces.counts().spans == 3);
    CHECK(f.traces.counts().rejected == 4);
}

TEST_CASE("otlp http: gzip bodies are inflated (client compression and a hand-made gzip body)") {
    Fixture f;
    httplib::Headers h{{"Content-Encoding", "gzip"}};
    auto r = f.client().Post("/v1/traces", h, gzip(proto_request(4)), "application/x-protobuf");
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(f.traces.counts().spans == 4);
    auto cli = f.client();
    cli.set_compress(true);
    auto c = cli.Post("/v1/traces", proto_request(5), "application/x-protobuf");
    REQUIRE(c);
    CHECK(c->status == 200);
    // All nine decoded: the second request repeats the first four spans, which are kept once.
    CHECK(f.traces.counts().spans == 5);
    CHECK(f.traces.counts().resent == 4);
}

TEST_CASE("otlp http: chunked request bodies are read") {
    Fixture f;
    const std::string body = proto_request(6);
    auto r = f.client().Post(
        "/v1/traces",
        [&](size_t offset, httplib::DataSink& sink) {
            if (offset < body.size()) {
                sink.write(body.data() + offset, std::min<size_t>(10, body.size() - offset));  // 10-byte chunks
            } else {
                sink.done();
            }
            return true;
        },
        "application/x-protobuf");
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(f.traces.counts().spans == 6);
}

TEST_CASE("otlp http: undecodable bodies get 400 with a google.rpc.Status") {
    Fixture f;
    auto r = f.client().Post("/v1/traces", std::string("\x0a\xff\xff garbage", 11), "application/x-protobuf");
    REQUIRE(r);
    CHECK(r->status == 400);
    CHECK(r->get_header_value("Content-Type") == "application/x-protobuf");
    auto st = status_of(r);
    CHECK(st.code() == 3);  // INVALID_ARGUMENT
    CHECK_FALSE(st.message().empty());

    auto j = f.client().Post("/v1/traces", "{\"resourceSpans\": [", "application/json");
    REQUIRE(j);
    CHECK(j->status == 400);
    CHECK(j->get_header_value("Content-Type") == "application/json");
    CHECK(status_of(j).message().find("not valid JSON") != std::string::npos);
    CHECK(f.traces.counts().spans == 0);
}

TEST_CASE("otlp http: bodies over --max-body get 413 (length, chunked and inflated)") {
    otlp::ReceiverOptions opt;
    opt.max_body_bytes = 1 << 20;
    Fixture f(opt);
    const std::string big(opt.max_body_bytes + 10, '\x0a');
    auto r = f.client().Post("/v1/traces", big, "application/x-protobuf");
    REQUIRE(r);
    CHECK(r->status == 413);
    auto chunked = f.client().Post(
        "/v1/traces",
        [&](size_t offset, httplib::DataSink& sink) {
            if (offset < big.size())
                sink.write(big.data() + offset, std::min<size_t>(65536, big.size() - offset));
            else
                sink.done();
            return true;
        },
        "application/x-protobuf");
    REQUIRE(chunked);
    CHECK(chunked->status == 413);
    // 1 MiB + 10 of zeros compresses to about a kilobyte: the limit applies after inflation.
    httplib::Headers h{{"Content-Encoding", "gzip"}};
    auto bomb = f.client().Post("/v1/traces", h, gzip(big), "application/x-protobuf");
    REQUIRE(bomb);
    CHECK(bomb->status == 413);
}

TEST_CASE("otlp http: other content types and encodings get 415") {
    Fixture f;
    auto r = f.client().Post("/v1/traces", "hello", "text/plain");
    REQUIRE(r);
    CHECK(r->status == 415);
    httplib::Headers h{{"Content-Encoding", "zstd"}};
    auto e = f.client().Post("/v1/traces", h, proto_request(1), "application/x-protobuf");
    REQUIRE(e);
    CHECK(e->status == 415);
    CHECK(f.traces.counts().spans == 0);
}

TEST_CASE("otlp http: other methods get 405, other paths 404") {
    Fixture f;
    auto g = f.client().Get("/v1/traces");
    REQUIRE(g);
    CHECK(g->status == 405);
    CHECK(g->get_header_value("Allow") == "POST, OPTIONS");
    auto p = f.client().Put("/v1/traces", proto_request(1), "application/x-protobuf");
    REQUIRE(p);
    CHECK(p->status == 405);
    auto n = f.client().Post("/v1/logs", proto_request(1), "application/x-protobuf");
    REQUIRE(n);
    CHECK(n->status == 404);
    auto root = f.client().Get("/");
    REQUIRE(root);
    CHECK(root->status == 404);
}

TEST_CASE("otlp http: CORS preflight allows localhost origins, and more with --cors") {
    otlp::ReceiverOptions opt;
    opt.cors_origins = {"https://app.example.com", "http://devbox:*"};
    Fixture f(opt);
    auto preflight = [&](const std::string& origin) {
        httplib::Headers h{{"Origin", origin},
                           {"Access-Control-Request-Method", "POST"},
                           {"Access-Control-Request-Headers", "content-type"}};
        auto r = f.client().Options("/v1/traces", h);
        REQUIRE(r);
        return r;
    };
    for (const char* origin : {"http://localhost:5173", "http://127.0.0.1:8080", "http://localhost",
                               "https://app.example.com", "http://devbox:3000"}) {
        auto r = preflight(origin);
        CHECK(r->status == 204);
        CHECK(r->get_header_value("Access-Control-Allow-Origin") == origin);
        CHECK(r->get_header_value("Access-Control-Allow-Methods").find("POST") != std::string::npos);
        CHECK(r->get_header_value("Access-Control-Allow-Headers") == "content-type");
    }
    for (const char* origin : {"http://evil.example", "http://localhost.evil.example", "http://localhost:80x"}) {
        auto r = preflight(origin);
        CHECK(r->status == 403);
        CHECK_FALSE(r->has_header("Access-Control-Allow-Origin"));
    }
    httplib::Headers h{{"Origin", "http://localhost:5173"}};
    auto post = f.client().Post("/v1/traces", h, proto_request(1), "application/x-protobuf");
    REQUIRE(post);
    CHECK(post->status == 200);
    CHECK(post->get_header_value("Access-Control-Allow-Origin") == "http://localhost:5173");
}

TEST_CASE("otlp http: a port in use is an error naming the address and the flag") {
    Fixture f;
    otlp::OtlpHttpServer second(f.receiver);
    auto r = second.start(otlp::ListenAddress{true, "127.0.0.1", f.port}, "--http");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().find("127.0.0.1:" + std::to_string(f.port)) != std::string::npos);
    CHECK(r.error().find("--http") != std::string::npos);
}

TEST_CASE("otlp http: listen addresses") {
    auto a = otlp::parse_listen_address("127.0.0.1:4318");
    REQUIRE(a.ok());
    CHECK(a->host == "127.0.0.1");
    CHECK(a->port == 4318);
    auto v6 = otlp::parse_listen_address("[::1]:0");
    REQUIRE(v6.ok());
    CHECK(v6->host == "::1");
    CHECK(v6->text() == "[::1]:0");
    CHECK_FALSE(otlp::parse_listen_address("off")->enabled);
    CHECK(otlp::parse_listen_address(":9")->host == "127.0.0.1");
    CHECK_FALSE(otlp::parse_listen_address("localhost").ok());
    CHECK_FALSE(otlp::parse_listen_address("h:70000").ok());
}

TEST_CASE("otlp http: a body cut short is not kept (the connection closed before Content-Length bytes)") {
    Fixture f;
    const std::string body = json_request("5b8efff798038103d269b633813fc60c");
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_in at{};
    at.sin_family = AF_INET;
    at.sin_port = htons(static_cast<uint16_t>(f.port));
    at.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&at), sizeof at) == 0);
    const std::string head = "POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                             "Content-Length: " + std::to_string(body.size() + 500) + "\r\n\r\n";
    const std::string sent = head + body;  // the whole JSON document, but 500 bytes short of what was declared
    REQUIRE(::send(fd, sent.data(), sent.size(), 0) == static_cast<ssize_t>(sent.size()));
    ::shutdown(fd, SHUT_WR);
    std::string answer;
    char buf[4096];
    for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) answer.append(buf, static_cast<size_t>(n));
    ::close(fd);
    if (!answer.empty()) CHECK(answer.starts_with("HTTP/1.1 400"));
    // The same document sent whole is kept: the rule is about the body, not the spans.
    CHECK(f.traces.counts().spans == 0);
    auto whole = f.client().Post("/v1/traces", body, "application/json");
    REQUIRE(whole);
    CHECK(whole->status == 200);
    CHECK(f.traces.counts().spans == 2);
}

TEST_CASE("otlp http: {} is an empty request (200); br is 415; a corrupt deflate body is 400, said as such") {
    Fixture f;
    auto empty = f.client().Post("/v1/traces", "{}", "application/json");
    REQUIRE(empty);
    CHECK(empty->status == 200);
    CHECK(f.traces.counts().spans == 0);
    httplib::Headers br{{"Content-Encoding", "br"}};
    auto b = f.client().Post("/v1/traces", br, proto_request(1), "application/x-protobuf");
    REQUIRE(b);
    CHECK(b->status == 415);
    httplib::Headers deflate{{"Content-Encoding", "deflate"}};
    auto d = f.client().Post("/v1/traces", deflate, "not deflate at all", "application/json");
    REQUIRE(d);
    CHECK(d->status == 400);
    CHECK(status_of(d).message() == "the deflate body is corrupt or truncated");
    CHECK(f.traces.counts().spans == 0);
}

TEST_CASE("otlp http: a gzip body cut short is 400 in any spelling of gzip; deflate is the zlib format") {
    Fixture f;
    const std::string whole = gzip(proto_request(4));
    // Without its last 8 bytes (CRC-32 and length) the stream never reaches its end, though every span's
    // bytes are there: taking it would accept a body that was cut short.
    for (const char* spelling : {"gzip", "GZIP", "Gzip"}) {
        httplib::Headers h{{"Content-Encoding", spelling}};
        for (size_t cut : {size_t{8}, whole.size() / 2}) {
            auto r = f.client().Post("/v1/traces", h, whole.substr(0, whole.size() - cut), "application/x-protobuf");
            REQUIRE(r);
            CHECK(r->status == 400);
            CHECK(status_of(r).message() == "the gzip body is corrupt or truncated");
        }
    }
    CHECK(f.traces.counts().spans == 0);
    // HTTP's "deflate" is a zlib stream (RFC 9110): accepted, as the OpenTelemetry Collector does.
    const std::string body = proto_request(3);
    uLongf size = compressBound(body.size());
    std::string z(size, '\0');
    REQUIRE(compress2(reinterpret_cast<Bytef*>(z.data()), &size, reinterpret_cast<const Bytef*>(body.data()),
                      body.size(), 6) == Z_OK);
    z.resize(size);
    httplib::Headers deflate{{"Content-Encoding", "deflate"}};
    auto d = f.client().Post("/v1/traces", deflate, z, "application/x-protobuf");
    REQUIRE(d);
    CHECK(d->status == 200);
    CHECK(f.traces.counts().spans == 3);
    auto cut = f.client().Post("/v1/traces", deflate, z.substr(0, z.size() - 4), "application/x-protobuf");
    REQUIRE(cut);
    CHECK(cut->status == 400);
    auto trailing = f.client().Post("/v1/traces", deflate, z + "junk", "application/x-protobuf");
    REQUIRE(trailing);
    CHECK(trailing->status == 400);
}
