// Receiving in the app, headless: File > Receive traces… starts OTLP listeners on free loopback ports; spans
// POSTed to them appear in the trace list while frames keep coming (marked "receiving"), a request that split is
// named as a broken hop, the header shows the counts, and pause, clear and stop do what they say.
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <thread>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "tests/ui/app_fixture.hpp"
#include "tests/ui/ui_fixture.hpp"
#include "ui/app.hpp"

using namespace std::chrono_literals;

namespace {

// One OTLP/JSON span; times in ns since the epoch.
nlohmann::json span(const std::string& trace, const std::string& id, const std::string& parent,
                    const std::string& name, int kind, uint64_t start_ns, uint64_t end_ns) {
    nlohmann::json s = {{"traceId", trace},
                        {"spanId", id},
                        {"name", name},
                        {"kind", kind},
                        {"startTimeUnixNano", std::to_string(start_ns)},
                        {"endTimeUnixNano", std::to_string(end_ns)}};
    if (!parent.empty()) s["parentSpanId"] = parent;
    return s;
}

nlohmann::json resource_spans(const std::string& service, nlohmann::json spans) {
    return {{"resource", {{"attributes", {{{"key", "service.name"}, {"value", {{"stringValue", service}}}}}}}},
            {"scopeSpans", {{{"scope", {{"name", "test"}}}, {"spans", std::move(spans)}}}}};
}

constexpr const char* kFrontTrace = "0af7651916cd43dd8448eb211c80319c";
constexpr const char* kPayTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
constexpr uint64_t kT0 = 1'700'000'000'000'000'000ULL;

// frontend's request: a SERVER root and a CLIENT call to payments (server.address payments) with no child; and
// payments' SERVER span, a root of another trace, starting inside that call: one request split in two.
std::string split_request() {
    nlohmann::json client = span(kFrontTrace, "00f067aa0ba902b7", "b7ad6b7169203331", "POST /pay", 3, kT0 + 2'000'000,
                                 kT0 + 30'000'000);
    client["attributes"] = {{{"key", "server.address"}, {"value", {{"stringValue", "payments"}}}}};
    nlohmann::json body = {
        {"resourceSpans",
         {resource_spans("frontend", {span(kFrontTrace, "b7ad6b7169203331", "", "GET /checkout", 2, kT0,
                                           kT0 + 40'000'000),
                                      client}),
          resource_spans("payments", {span(kPayTrace, "53995c3f42cd8ad8", "", "POST /pay", 2, kT0 + 4'000'000,
                                           kT0 + 28'000'000)})}}};
    return body.dump();
}

// Frames (about 10 ms apart) until `done` or about five seconds.
template <class F>
bool pump_until(tl::ui::test::UiFixture& ui, F&& done) {
    for (int i = 0; i < 500; ++i) {
        ui.frame();
        if (done()) return true;
        std::this_thread::sleep_for(10ms);
    }
    return false;
}

}  // namespace

TEST_CASE("receive in the app: File > Receive traces shows arriving spans live, names the broken hop, pauses, clears") {
    tl::ui::test::CheckoutOnScreen f;
    auto& ui = f.ui;
    auto& app = f.app;

    REQUIRE(ui.click("menu:File"));
    REQUIRE(ui.click("file:receive"));
    ui.run(2);
    REQUIRE(ui.visible("receive:http"));
    // Free ports, so the test never collides with a collector running on this machine.
    REQUIRE(ui.click("receive:http"));
    ui.replace_text("127.0.0.1:0");
    REQUIRE(ui.click("receive:grpc"));
    ui.replace_text("off");
    REQUIRE(ui.click("receive:start"));
    ui.run(2);
    REQUIRE(app.receiving() != nullptr);
    CHECK_FALSE(ui.visible("receive:http"));  // the dialog closed
    const std::string address = app.receiving()->http_address;
    REQUIRE(address.starts_with("127.0.0.1:"));
    CHECK(app.receiving()->grpc_address.empty());
    CHECK(ui.visible("header:receiving"));
    CHECK(app.showing_file());
    CHECK(app.analysis().traces.empty());  // nothing received yet: the simulation is not mixed in
    CHECK(ui.visible("waterfall:empty"));

    httplib::Client client("127.0.0.1", std::stoi(address.substr(address.find(':') + 1)));
    auto r = client.Post("/v1/traces", split_request(), "application/json");
    REQUIRE(r);
    CHECK(r->status == 200);

    // The frame takes the spans in without being asked: two traces, one broken hop frontend -> payments.
    REQUIRE(pump_until(ui, [&] { return app.analysis().traces.size() == 2; }));
    ui.run(2);
    CHECK(ui.visible("trace:0"));
    CHECK(ui.visible("trace:1"));
    CHECK((ui.visible("trace-receiving:0") || ui.visible("trace-receiving:1")));
    REQUIRE(app.broken_hops().size() == 1);
    const tl::BrokenHop& hop = app.broken_hops().front();
    CHECK(app.store().str(hop.from_service) == "frontend");
    CHECK(app.store().str(hop.to_service) == "payments");
    const std::string status = app.receiving()->status_line();
    CHECK(status.find("http " + address) != std::string::npos);
    CHECK(status.find("3 spans, 0 rejected") != std::string::npos);

    // Paused: requests are answered but their spans are not kept.
    REQUIRE(ui.click("menu:File"));
    REQUIRE(ui.click("file:receive-pause"));
    CHECK(app.receiving()->traces.paused());
    auto again = client.Post("/v1/traces", split_request(), "application/json");
    REQUIRE(again);
    CHECK(again->status == 200);
    ui.run(2);
    CHECK(app.receiving()->traces.counts().spans == 3);
    CHECK(app.receiving()->status_line().starts_with("paused:"));
    REQUIRE(ui.click("menu:File"));
    REQUIRE(ui.click("file:receive-pause"));  // now "Resume receiving"
    CHECK_FALSE(app.receiving()->traces.paused());

    // Clear empties the views; stop closes the port and keeps what is on screen.
    REQUIRE(ui.click("menu:File"));
    REQUIRE(ui.click("file:receive-clear"));
    REQUIRE(pump_until(ui, [&] { return app.analysis().traces.empty(); }));
    CHECK(app.receiving()->traces.counts().spans == 0);
    auto third = client.Post("/v1/traces", split_request(), "application/json");
    REQUIRE(third);
    REQUIRE(pump_until(ui, [&] { return app.analysis().traces.size() == 2; }));
    REQUIRE(ui.click("menu:File"));
    REQUIRE(ui.click("file:receive-stop"));
    ui.run(2);
    CHECK(app.receiving() == nullptr);
    CHECK_FALSE(ui.visible("header:receiving"));
    CHECK(app.analysis().traces.size() == 2);
    httplib::Client closed("127.0.0.1", std::stoi(address.substr(address.find(':') + 1)));
    closed.set_connection_timeout(1, 0);
    CHECK_FALSE(closed.Post("/v1/traces", split_request(), "application/json"));
}

TEST_CASE("receive in the app: a port in use is shown in the dialog, and the app keeps running") {
    httplib::Server busy;
    const int port = busy.bind_to_any_port("127.0.0.1");
    REQUIRE(port > 0);
    tl::ui::test::CheckoutOnScreen f;
    auto& ui = f.ui;
    auto& app = f.app;
    const std::string error =
        app.start_receiving(tl::otlp::ListenAddress{true, "127.0.0.1", port}, tl::otlp::ListenAddress{false, "", 0});
    CHECK(error.find("127.0.0.1:" + std::to_string(port)) != std::string::npos);
    CHECK(error.find("--http") != std::string::npos);
    // From the dialog there are no flags to name: it asks for another address in words.
    const std::string in_dialog = app.start_receiving(tl::otlp::ListenAddress{true, "127.0.0.1", port},
                                                      tl::otlp::ListenAddress{false, "", 0}, false);
    CHECK(in_dialog.find("choose another address (port 0 picks a free one) or turn this listener off") !=
          std::string::npos);
    CHECK(in_dialog.find("--http") == std::string::npos);
    CHECK(app.receiving() == nullptr);
    CHECK_FALSE(app.showing_file());
    ui.run(2);
    CHECK_FALSE(app.analysis().traces.empty());  // still the simulation
}

TEST_CASE("receive in the app: the simulator-only panels say received traces are on screen, before and after Stop") {
    tl::ui::test::CheckoutOnScreen f;
    auto& ui = f.ui;
    auto& app = f.app;
    REQUIRE(app.start_receiving(tl::otlp::ListenAddress{true, "127.0.0.1", 0}, tl::otlp::ListenAddress{false, "", 0})
                .empty());
    app.push(tl::ui::FocusPanel{"live"});
    ui.run(3);
    CHECK(app.showing_received());
    CHECK(ui.visible("file-mode:on screen: traces received over OTLP"));
    app.stop_receiving();
    ui.run(2);
    CHECK(ui.visible("file-mode:on screen: traces received over OTLP"));
}
