// A cpp-httplib server on 127.0.0.1 (ephemeral port) for tests that talk HTTP: register handlers on server(),
// call start(), and the destructor stops it. Stopping cannot hang: stop() is repeated until the accept loop has
// really returned (a stop issued before the loop started would otherwise be lost).
#pragma once

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include <doctest/doctest.h>
#include <httplib.h>

namespace tl::test {

class LoopbackServer {
public:
    LoopbackServer() = default;
    ~LoopbackServer() { stop(); }
    LoopbackServer(const LoopbackServer&) = delete;
    LoopbackServer& operator=(const LoopbackServer&) = delete;

    httplib::Server& server() { return svr_; }

    void start() {
        port_ = svr_.bind_to_any_port("127.0.0.1");
        REQUIRE(port_ > 0);
        thread_ = std::thread([this] {
            svr_.listen_after_bind();
            listening_done_ = true;
        });
        using namespace std::chrono_literals;
        for (int i = 0; i < 1000 && !svr_.is_running(); ++i) std::this_thread::sleep_for(10ms);
    }

    void stop() {
        stopping_ = true;
        if (!thread_.joinable()) return;
        using namespace std::chrono_literals;
        while (!listening_done_) {
            svr_.stop();
            std::this_thread::sleep_for(5ms);
        }
        thread_.join();
    }

    // True once stop() began: slow handlers check it to finish early.
    [[nodiscard]] bool stopping() const { return stopping_; }

    [[nodiscard]] std::string url(const std::string& path) const {
        return "http://127.0.0.1:" + std::to_string(port_) + path;
    }

private:
    httplib::Server svr_;
    std::thread thread_;
    int port_ = 0;
    std::atomic<bool> listening_done_{false};
    std::atomic<bool> stopping_{false};
};

}  // namespace tl::test
