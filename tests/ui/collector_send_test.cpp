// "Send to collector" and live traffic, headless: File > Send to collector posts the shown traces to a small
// collector inside the test (cpp-httplib on 127.0.0.1) from a worker thread while frames keep coming; live
// traffic can follow the latest request or stay pinned on the one on screen.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>

#include "tests/support/loopback_server.hpp"
#include "tests/ui/app_fixture.hpp"
#include "tests/ui/ui_fixture.hpp"
#include "ui/app.hpp"

using namespace std::chrono_literals;

namespace {

struct Received {
    std::string content_type;
    size_t body_size = 0;
};

// Answers 200 on /v1/traces and 400 on /bad; stops and joins in the destructor.
class TestCollector {
public:
    TestCollector() {
        http_.server().Post("/v1/traces", [this](const httplib::Request& req, httplib::Response& res) {
            record(req);
            res.set_content("{}", "application/json");
        });
        http_.server().Post("/bad", [this](const httplib::Request& req, httplib::Response& res) {
            record(req);
            res.status = 400;
            res.set_content(R"({"code":3,"message":"no thanks"})", "application/json");
        });
        http_.start();
    }
    TestCollector(const TestCollector&) = delete;
    TestCollector& operator=(const TestCollector&) = delete;

    [[nodiscard]] std::string url(const std::string& path) const { return http_.url(path); }
    std::vector<Received> received() {
        std::lock_guard lock(m_);
        return received_;
    }

private:
    void record(const httplib::Request& req) {
        std::lock_guard lock(m_);
        received_.push_back({req.get_header_value("Content-Type"), req.body.size()});
    }
    std::mutex m_;
    std::vector<Received> received_;
    tl::test::LoopbackServer http_;  // last: stopped first, before the state its handlers use
};

// Sets an environment variable for the scope of a test.
struct ScopedEnv {
    const char* name;
    ScopedEnv(const char* n, const std::string& value) : name(n) { ::setenv(n, value.c_str(), 1); }
    ~ScopedEnv() { ::unsetenv(name); }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;
};

// Frames until the send is no longer in flight (bounded: about ten seconds).
void pump_until_sent(tl::ui::test::UiFixture& ui, const tl::ui::App& app) {
    for (int i = 0; i < 1000 && app.collector_send().state == tl::ui::CollectorSend::State::Sending; ++i) {
        ui.frame();
        std::this_thread::sleep_for(10ms);
    }
    ui.run(2);
}

}  // namespace

TEST_CASE("send to collector: the menu's dialog posts OTLP/JSON from a worker and reports the outcome") {
    TestCollector collector;
    const ScopedEnv env("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", collector.url("/v1/traces"));
    tl::ui::test::CheckoutOnScreen f;
    auto& ui = f.ui;
    auto& app = f.app;

    REQUIRE(ui.click("menu:File"));
    REQUIRE(ui.click("file:send-to-collector"));
    ui.run(2);
    REQUIRE(ui.visible("collector:endpoint"));
    CHECK(app.collector_send().endpoint == collector.url("/v1/traces"));  // resolved as the command line does
    REQUIRE(ui.click("collector:send"));
    pump_until_sent(ui, app);

    const auto got = collector.received();
    REQUIRE(got.size() == 1);
    CHECK(got[0].content_type.find("application/json") == 0);
    CHECK(got[0].body_size > 100);
    CHECK(app.collector_send().state == tl::ui::CollectorSend::State::Done);
    CHECK(app.collector_send().success);
    CHECK(app.collector_send().spans == app.store().spans.size());
    CHECK(ui.visible("collector:accepted"));
    CHECK_FALSE(app.banner().empty());
    CHECK(app.banner().back().text.find("Accepted") != std::string::npos);
}

TEST_CASE("send to collector: a 400 is reported as rejected, not retried") {
    TestCollector collector;
    const ScopedEnv env("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", collector.url("/bad"));
    tl::ui::test::CheckoutOnScreen f;
    auto& ui = f.ui;
    auto& app = f.app;
    app.open_collector_dialog();
    ui.run(2);
    REQUIRE(ui.click("collector:send"));
    pump_until_sent(ui, app);
    CHECK(collector.received().size() == 1);
    CHECK_FALSE(app.collector_send().success);
    CHECK(app.collector_send().status.find("400") != std::string::npos);
    CHECK(ui.visible("collector:failed"));
}

TEST_CASE("live traffic: following replaces the trace on screen, pinning keeps it while the histogram grows") {
    tl::ui::test::CheckoutOnScreen f;
    auto& ui = f.ui;
    auto& app = f.app;
    REQUIRE(app.focus_panel("live").empty());
    ui.run(2);
    REQUIRE(ui.click("live:pin"));
    CHECK(app.view().live.pinned);
    const uint64_t seed_before = app.seed();
    const uint64_t generation_before = app.generation();
    app.push(tl::ui::SetPlaying{true});
    ui.io().DeltaTime = 1.0f;  // one request per frame at 2 requests/s
    ui.run(6);
    CHECK(app.view().live.root_ms.size() >= 4);
    CHECK(app.seed() == seed_before);              // the request on screen stayed
    CHECK(app.generation() == generation_before);  // and was not re-simulated

    REQUIRE(ui.click("live:follow"));
    CHECK_FALSE(app.view().live.pinned);
    ui.run(3);
    CHECK(app.seed() != seed_before);  // now each request replaces the view
    CHECK(ui.visible("live:percentiles"));
    CHECK(ui.visible("live:requests"));
}
