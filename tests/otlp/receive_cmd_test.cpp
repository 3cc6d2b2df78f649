// `tracelab receive` as a process: the listening lines, one line per request, SIGINT/SIGTERM writing --out as
// OTLP/JSON that analyze reads, the last summary line and exit 0; a busy port is exit 1 naming port and flag.
#include <doctest/doctest.h>

#ifdef TRACELAB_EXE
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <regex>
#include <string>
#include <thread>

#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"
#include "sim/formats/formats.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

// A child process with its stdout (and stderr) on a pipe, read line by line.
struct Child {
    pid_t pid = -1;
    FILE* out = nullptr;
    explicit Child(std::vector<std::string> args) {
        int fds[2];
        REQUIRE(pipe(fds) == 0);
        pid = fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            dup2(fds[1], 1);
            dup2(fds[1], 2);
            close(fds[0]);
            std::vector<char*> argv;
            for (auto& a : args) argv.push_back(a.data());
            argv.push_back(nullptr);
            execv(argv[0], argv.data());
            _exit(127);
        }
        close(fds[1]);
        out = fdopen(fds[0], "r");
    }
    std::string line() {
        char buf[4096];
        if (!fgets(buf, sizeof buf, out)) return "";
        std::string s(buf);
        if (!s.empty() && s.back() == '\n') s.pop_back();
        return s;
    }
    int wait_exit() {
        int status = 0;
        waitpid(pid, &status, 0);
        pid = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    ~Child() {
        if (pid > 0) {
            kill(pid, SIGKILL);
            waitpid(pid, nullptr, 0);
        }
        if (out) fclose(out);
    }
};

int port_of(const std::string& line, const std::string& prefix) {
    REQUIRE(line.rfind(prefix, 0) == 0);
    return std::stoi(line.substr(prefix.size()));
}

std::string request(int spans) {
    opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest req;
    auto* rs = req.add_resource_spans();
    auto* a = rs->mutable_resource()->add_attributes();
    a->set_key("service.name");
    a->mutable_value()->set_string_value("cart");
    auto* ss = rs->add_scope_spans();
    for (int i = 0; i < spans; ++i) {
        auto* s = ss->add_spans();
        s->set_trace_id(std::string(15, '\x07') + static_cast<char>(1 + i % 2));
        s->set_span_id(std::string(7, '\x09') + static_cast<char>(1 + i));
        s->set_name("GET /cart");
        s->set_start_time_unix_nano(1000);
        s->set_end_time_unix_nano(5000);
    }
    return req.SerializeAsString();
}

}  // namespace

TEST_CASE("tracelab receive: listening lines, request lines, SIGINT writes --out and the summary") {
    tl::test::TempDir dir;
    const std::string out = (dir.path / "received.json").string();
    for (int sig : {SIGINT, SIGTERM}) {
        Child child({TRACELAB_EXE, "receive", "--http", "127.0.0.1:0", "--grpc", "127.0.0.1:0", "--out", out});
        const int http_port = port_of(child.line(), "listening: http 127.0.0.1:");
        port_of(child.line(), "listening: grpc 127.0.0.1:");
        {
            httplib::Client cli("127.0.0.1", http_port);
            auto r = cli.Post("/v1/traces", request(3), "application/x-protobuf");
            REQUIRE(r);
            CHECK(r->status == 200);
        }
        CHECK(child.line() == "http protobuf: 3 spans, 2 traces, 0 rejected");
        kill(child.pid, sig);
        CHECK(child.line() == "received: 3 spans, 1 requests, 0 rejected");
        CHECK(child.wait_exit() == 0);
        auto back = tl::import_trace_file(out);
        REQUIRE(back.ok());
        CHECK(back->store.spans.size() == 3);
        CHECK(back->store.str(back->store.spans[0].service) == "cart");
    }
}

TEST_CASE("tracelab receive: a request sent again is answered 200, its spans counted as dropped, not kept twice") {
    tl::test::TempDir dir;
    const std::string out = (dir.path / "received.json").string();
    Child child({TRACELAB_EXE, "receive", "--http", "127.0.0.1:0", "--grpc", "off", "--out", out});
    const int http_port = port_of(child.line(), "listening: http 127.0.0.1:");
    httplib::Client cli("127.0.0.1", http_port);
    for (int i = 0; i < 2; ++i) {
        auto r = cli.Post("/v1/traces", request(3), "application/x-protobuf");
        REQUIRE(r);
        CHECK(r->status == 200);
    }
    CHECK(child.line() == "http protobuf: 3 spans, 2 traces, 0 rejected");
    CHECK(child.line() == "http protobuf: 3 spans, 2 traces, 0 rejected, 3 already received (dropped)");
    kill(child.pid, SIGINT);
    CHECK(child.line() ==
          "dropped: 3 spans received a second time (an exporter retried a request whose answer it did not get)");
    CHECK(child.line() == "received: 3 spans, 2 requests, 0 rejected");
    CHECK(child.wait_exit() == 0);
    auto back = tl::import_trace_file(out);
    REQUIRE(back.ok());
    CHECK(back->store.spans.size() == 3);
    CHECK(back->warnings.empty());
}

TEST_CASE("tracelab receive: requests answered with an error are counted on a failed: line before the summary") {
    Child child({TRACELAB_EXE, "receive", "--http", "127.0.0.1:0", "--grpc", "off"});
    const int http_port = port_of(child.line(), "listening: http 127.0.0.1:");
    httplib::Client cli("127.0.0.1", http_port);
    auto r = cli.Post("/v1/traces", "hello", "text/plain");
    REQUIRE(r);
    CHECK(r->status == 415);
    CHECK(child.line().rfind("http: 415 ", 0) == 0);
    kill(child.pid, SIGTERM);
    CHECK(child.line() == "failed: 1 request answered with an error status (the lines above say why)");
    CHECK(child.line() == "received: 0 spans, 0 requests, 0 rejected");
    CHECK(child.wait_exit() == 0);
}

TEST_CASE("tracelab receive: a port in use exits 1 naming the port and the flag") {
    Child first({TRACELAB_EXE, "receive", "--http", "127.0.0.1:0", "--grpc", "off"});
    const int port = port_of(first.line(), "listening: http 127.0.0.1:");
    Child second({TRACELAB_EXE, "receive", "--http", "127.0.0.1:" + std::to_string(port), "--grpc", "off"});
    const std::string err = second.line();
    CHECK(err.find("127.0.0.1:" + std::to_string(port)) != std::string::npos);
    CHECK(err.find("--http") != std::string::npos);
    CHECK(second.wait_exit() == 1);
    kill(first.pid, SIGTERM);
    CHECK(first.line() == "received: 0 spans, 0 requests, 0 rejected");
    CHECK(first.wait_exit() == 0);
}

TEST_CASE("tracelab receive: a busy gRPC port is the first and only thing said; no listening line, no gRPC log") {
    Child first({TRACELAB_EXE, "receive", "--http", "off", "--grpc", "127.0.0.1:0"});
    const int port = port_of(first.line(), "listening: grpc 127.0.0.1:");
    Child second({TRACELAB_EXE, "receive", "--http", "127.0.0.1:0", "--grpc", "127.0.0.1:" + std::to_string(port)});
    const std::string err = second.line();
    CHECK(err.starts_with("tracelab receive: cannot listen for OTLP/gRPC on 127.0.0.1:" + std::to_string(port)));
    CHECK(err.find("--grpc") != std::string::npos);
    CHECK(second.wait_exit() == 1);
    kill(first.pid, SIGTERM);
    CHECK(first.line() == "received: 0 spans, 0 requests, 0 rejected");
    CHECK(first.wait_exit() == 0);
}

TEST_CASE("tracelab receive: an --out in a folder that does not exist fails at start, before anything is received") {
    Child child({TRACELAB_EXE, "receive", "--http", "127.0.0.1:0", "--grpc", "off", "--out",
                 "/nonexistent-tracelab-folder/received.json"});
    const std::string err = child.line();
    CHECK(err.find("--out") != std::string::npos);
    CHECK(err.find("/nonexistent-tracelab-folder") != std::string::npos);
    CHECK(child.wait_exit() == 1);
}
#endif
