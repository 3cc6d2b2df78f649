// OTLP/HTTP export against a small collector inside the test (cpp-httplib on 127.0.0.1, ephemeral port)
// that records requests and answers 200, 400, 429 with Retry-After, 502, 503 and partial success.
// The sleep between retries is injected, so no test really waits for a backoff.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "tests/support/loopback_server.hpp"
#include "ui/cli/cli.hpp"
#include "ui/cli/otlp_http.hpp"

using namespace tl;
using namespace std::chrono_literals;

namespace {

struct Recorded {
    std::string path, content_type, body, extra_header;
};

// A fake collector. Each path has one behaviour; the server stops and joins in the destructor.
class Collector {
public:
    Collector() {
        auto record = [this](const httplib::Request& req) {
            std::lock_guard lock(m_);
            requests_.push_back(
                Recorded{req.path, req.get_header_value("Content-Type"), req.body, req.get_header_value("X-Api-Key")});
            return ++hits_[req.path];
        };
        http_.server().Post("/v1/traces", [record](const httplib::Request& req, httplib::Response& res) {
            record(req);
            res.set_content("{}", "application/json");
        });
        http_.server().Post("/bad", [record](const httplib::Request& req, httplib::Response& res) {
            record(req);
            res.status = 400;
            res.set_content(R"({"code":3,"message":"span 1 has no name"})", "application/json");
        });
        http_.server().Post("/busy", [record](const httplib::Request& req, httplib::Response& res) {
            if (record(req) <= 2) {
                res.status = 429;
                res.set_header("Retry-After", "3");
                return;
            }
            res.set_content("{}", "application/json");
        });
        http_.server().Post("/busy-date", [record](const httplib::Request& req, httplib::Response& res) {
            if (record(req) == 1) {
                res.status = 502;
                res.set_header("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT");  // in the past: retry at once
                return;
            }
            res.set_content("{}", "application/json");
        });
        http_.server().Post("/unavailable", [record](const httplib::Request& req, httplib::Response& res) {
            record(req);
            res.status = 503;
        });
        http_.server().Post("/once-unavailable", [record](const httplib::Request& req, httplib::Response& res) {
            if (record(req) == 1) {
                res.status = 503;
                res.set_header("Retry-After", "0");
                return;
            }
            res.set_content("{}", "application/json");
        });
        http_.server().Post("/partial", [record](const httplib::Request& req, httplib::Response& res) {
            record(req);
            res.set_content(R"({"partialSuccess":{"rejectedSpans":"2","errorMessage":"2 spans are older than 24h"}})",
                            "application/json");
        });
        http_.server().Post("/server-error", [record](const httplib::Request& req, httplib::Response& res) {
            record(req);
            res.status = 500;
            res.set_content("internal error", "text/plain");
        });
        http_.server().Post("/slow", [this, record](const httplib::Request& req, httplib::Response& res) {
            record(req);
            for (int i = 0; i < 100 && !http_.stopping(); ++i) std::this_thread::sleep_for(10ms);
            res.set_content("{}", "application/json");
        });
        http_.start();
    }
    Collector(const Collector&) = delete;
    Collector& operator=(const Collector&) = delete;

    [[nodiscard]] std::string url(const std::string& path) const { return http_.url(path); }
    std::vector<Recorded> requests() {
        std::lock_guard lock(m_);
        return requests_;
    }

private:
    std::mutex m_;
    std::vector<Recorded> requests_;
    std::map<std::string, int> hits_;
    test::LoopbackServer http_;  // last: stopped first, before the state its handlers use
};

// Records the waits instead of sleeping.
struct FakeSleep {
    std::vector<std::chrono::milliseconds> waits;
    otlp::SleepFn fn() {
        return [this](std::chrono::milliseconds d, std::stop_token) {
            waits.push_back(d);
            return true;
        };
    }
};

otlp::HttpExportOptions options_for(const std::string& url, FakeSleep& sleep) {
    otlp::HttpExportOptions o;
    o.endpoint = url;
    o.timeout = 60s;  // the fake sleep takes no time, so only real network time counts
    o.jitter_seed = 42;
    o.sleep = sleep.fn();
    return o;
}

const std::string kBody = R"({"resourceSpans":[]})";

struct Cli {
    std::istringstream in;
    std::ostringstream out, err;
    int run(const cli::Args& args) { return *cli::run(args, cli::Io{in, out, err}); }
};

}  // namespace

TEST_CASE("otlp http: endpoint resolution follows the OpenTelemetry environment variables") {
    std::map<std::string, std::string> env;
    auto getenv = [&](const char* name) -> const char* {
        auto it = env.find(name);
        return it == env.end() ? nullptr : it->second.c_str();
    };
    CHECK(otlp::resolve_traces_endpoint("", getenv) == "http://localhost:4318/v1/traces");
    env["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://collector:4318";
    CHECK(otlp::resolve_traces_endpoint("", getenv) == "http://collector:4318/v1/traces");
    env["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://collector:4318/";
    CHECK(otlp::resolve_traces_endpoint("", getenv) == "http://collector:4318/v1/traces");
    env["OTEL_EXPORTER_OTLP_ENDPOINT"] = "https://gw.example/otlp";
    CHECK(otlp::resolve_traces_endpoint("", getenv) == "https://gw.example/otlp/v1/traces");
    env["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] = "http://traces:9999/custom";  // used as is: nothing appended
    CHECK(otlp::resolve_traces_endpoint("", getenv) == "http://traces:9999/custom");
    CHECK(otlp::resolve_traces_endpoint("http://flag:1/x", getenv) == "http://flag:1/x");
}

TEST_CASE("otlp http: Retry-After as seconds or an HTTP date") {
    const auto now = std::chrono::system_clock::from_time_t(1445412480);  // Wed, 21 Oct 2015 07:28:00 GMT
    CHECK(otlp::parse_retry_after("120", now) == std::chrono::milliseconds(120000));
    CHECK(otlp::parse_retry_after(" 0 ", now) == std::chrono::milliseconds(0));
    CHECK(otlp::parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now) == std::chrono::milliseconds(30000));
    CHECK(otlp::parse_retry_after("Wed, 21 Oct 2015 07:27:00 GMT", now) == std::chrono::milliseconds(0));
    CHECK_FALSE(otlp::parse_retry_after("soon", now).has_value());
    CHECK_FALSE(otlp::parse_retry_after("", now).has_value());
    CHECK_FALSE(otlp::parse_retry_after("-5", now).has_value());
}

TEST_CASE("otlp http: 200 is accepted; the request is a JSON POST with the body and extra headers") {
    Collector c;
    FakeSleep sleep;
    auto o = options_for(c.url("/v1/traces"), sleep);
    o.headers.push_back("X-Api-Key: secret");
    const auto r = otlp::send_otlp_traces(kBody, o);
    CHECK(r.outcome == otlp::ExportOutcome::Accepted);
    CHECK(r.accepted());
    CHECK(r.http_status == 200);
    CHECK(r.attempts == 1);
    const auto reqs = c.requests();
    REQUIRE(reqs.size() == 1);
    CHECK(reqs[0].content_type == "application/json");
    CHECK(reqs[0].body == kBody);
    CHECK(reqs[0].extra_header == "secret");
    CHECK(sleep.waits.empty());
}

TEST_CASE("otlp http: 400 is never retried and its Status message is reported") {
    Collector c;
    FakeSleep sleep;
    const auto r = otlp::send_otlp_traces(kBody, options_for(c.url("/bad"), sleep));
    CHECK(r.outcome == otlp::ExportOutcome::Rejected);
    CHECK(r.http_status == 400);
    CHECK(r.attempts == 1);
    CHECK(c.requests().size() == 1);
    CHECK(r.collector_message == "span 1 has no name");
    CHECK(r.message.find("not retried") != std::string::npos);
    // Nor is a 500: only 429, 502, 503 and 504 are retryable.
    const auto e = otlp::send_otlp_traces(kBody, options_for(c.url("/server-error"), sleep));
    CHECK(e.outcome == otlp::ExportOutcome::Rejected);
    CHECK(e.attempts == 1);
    CHECK(sleep.waits.empty());
}

TEST_CASE("otlp http: 429 with Retry-After waits as asked, then succeeds") {
    Collector c;
    FakeSleep sleep;
    const auto r = otlp::send_otlp_traces(kBody, options_for(c.url("/busy"), sleep));
    CHECK(r.outcome == otlp::ExportOutcome::Accepted);
    CHECK(r.attempts == 3);
    CHECK(c.requests().size() == 3);
    REQUIRE(sleep.waits.size() == 2);
    CHECK(sleep.waits[0] == 3000ms);
    CHECK(sleep.waits[1] == 3000ms);
    // A Retry-After date in the past means: retry now.
    FakeSleep s2;
    const auto d = otlp::send_otlp_traces(kBody, options_for(c.url("/busy-date"), s2));
    CHECK(d.outcome == otlp::ExportOutcome::Accepted);
    REQUIRE(s2.waits.size() == 1);
    CHECK(s2.waits[0] == 0ms);
}

TEST_CASE("otlp http: 503 without Retry-After backs off exponentially with jitter, capped, then gives up") {
    Collector c;
    FakeSleep sleep;
    auto o = options_for(c.url("/unavailable"), sleep);
    o.max_attempts = 6;
    o.initial_backoff = 1000ms;
    o.max_backoff = 4000ms;
    const auto r = otlp::send_otlp_traces(kBody, o);
    CHECK(r.outcome == otlp::ExportOutcome::GaveUp);
    CHECK(r.http_status == 503);
    CHECK(r.attempts == 6);
    CHECK(c.requests().size() == 6);
    REQUIRE(sleep.waits.size() == 5);
    // Equal jitter: each wait lies in [base/2, base] with base = min(1 s · 2^n, 4 s).
    const int64_t bases[] = {1000, 2000, 4000, 4000, 4000};
    for (size_t i = 0; i < 5; ++i) {
        INFO("wait " << i);
        CHECK(sleep.waits[i].count() >= bases[i] / 2);
        CHECK(sleep.waits[i].count() <= bases[i]);
    }
    CHECK(sleep.waits[0] != sleep.waits[1]);
}

TEST_CASE("otlp http: partial success is reported with the rejected count and message") {
    Collector c;
    FakeSleep sleep;
    const auto r = otlp::send_otlp_traces(kBody, options_for(c.url("/partial"), sleep));
    CHECK(r.outcome == otlp::ExportOutcome::PartiallyAccepted);
    CHECK_FALSE(r.accepted());
    CHECK(r.rejected_spans == 2);
    CHECK(r.collector_message == "2 spans are older than 24h");
    CHECK(r.attempts == 1);
}

TEST_CASE("otlp http: timeouts, a Retry-After past the deadline, cancellation and no collector") {
    Collector c;
    FakeSleep sleep;
    auto slow = options_for(c.url("/slow"), sleep);
    slow.timeout = 200ms;
    CHECK(otlp::send_otlp_traces(kBody, slow).outcome == otlp::ExportOutcome::TimedOut);

    auto busy = options_for(c.url("/busy"), sleep);
    busy.timeout = 2000ms;  // the collector asks for 3 s
    const auto late = otlp::send_otlp_traces(kBody, busy);
    CHECK(late.outcome == otlp::ExportOutcome::TimedOut);
    CHECK(late.attempts == 1);

    // Stopping during the wait ends the export at once (the real sleep, not the fake).
    std::stop_source stop;
    auto cancel = options_for(c.url("/unavailable"), sleep);
    cancel.sleep = [&](std::chrono::milliseconds d, std::stop_token token) {
        stop.request_stop();
        return otlp::sleep_unless_stopped(d, token);
    };
    CHECK(otlp::send_otlp_traces(kBody, cancel, stop.get_token()).outcome == otlp::ExportOutcome::Cancelled);

    // Nothing listens on the port of a stopped server.
    std::string closed_url;
    {
        Collector gone;
        closed_url = gone.url("/v1/traces");
    }
    const auto none = otlp::send_otlp_traces(kBody, options_for(closed_url, sleep));
    CHECK(none.outcome == otlp::ExportOutcome::Unreachable);
    CHECK(none.message.find("could not reach") != std::string::npos);
}

TEST_CASE("tracelab export: sends the simulated spans and exits 0 only when accepted") {
    Collector c;
    Cli ok;
    CHECK(ok.run({"export", "--scenario", "checkout", "--requests", "2", "--endpoint", c.url("/v1/traces")}) == 0);
    CHECK(ok.out.str().find("accepted") != std::string::npos);
    const auto reqs = c.requests();
    REQUIRE(reqs.size() == 1);
    const auto doc = nlohmann::json::parse(reqs[0].body);
    REQUIRE(doc["resourceSpans"].is_array());
    CHECK(!doc["resourceSpans"].empty());

    Cli retry;
    CHECK(retry.run({"export", "--endpoint=" + c.url("/once-unavailable"), "--timeout", "20"}) == 0);
    CHECK(retry.out.str().find("HTTP 503") != std::string::npos);

    Cli bad;
    CHECK(bad.run({"export", "--endpoint", c.url("/bad")}) == 1);
    CHECK(bad.err.str().find("span 1 has no name") != std::string::npos);

    Cli partial;
    CHECK(partial.run({"export", "--endpoint", c.url("/partial")}) == 1);
    CHECK(partial.err.str().find("rejected 2 span(s)") != std::string::npos);
}

TEST_CASE("tracelab export: usage errors") {
    Cli a;
    CHECK(a.run({"export", "--format", "zipkin"}) == 2);
    CHECK(a.err.str().find("only the otlp format") != std::string::npos);
    Cli b;
    CHECK(b.run({"export", "--endpoint", "localhost:4318"}) == 2);
    Cli c;
    CHECK(c.run({"export", "--timeout", "-1"}) == 2);
    Cli d;
    CHECK(d.run({"export", "--bogus"}) == 2);
    Cli h;
    CHECK(h.run({"export", "--help"}) == 0);
    CHECK(h.out.str().find("OTEL_EXPORTER_OTLP_ENDPOINT") != std::string::npos);
}
