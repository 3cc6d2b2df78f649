// LiveReceive (see live_receive.hpp). [SECTION] Listeners  [SECTION] The analysing worker
#include "ui/live_receive.hpp"

#include <algorithm>

#include "sim/io/thread_priority.hpp"

namespace tl::ui {

// [SECTION] Listeners

LiveReceive::~LiveReceive() {
    // The worker goes first (it reads `traces`), then the servers (members, in reverse order).
    if (worker_.joinable()) {
        worker_.request_stop();
        wake_.notify_all();
        worker_.join();
    }
}

std::string LiveReceive::start(const otlp::ListenAddress& http_at, const otlp::ListenAddress& grpc_at,
                               bool command_line) {
    if (http_at.enabled) {
        auto port = http.start(http_at, command_line ? "--http" : "");
        if (!port) return port.error();
        otlp::ListenAddress bound = http_at;
        bound.port = *port;
        http_address = bound.text();
    }
    if (grpc_at.enabled) {
        auto port = grpc.start(grpc_at, command_line ? "--grpc" : "");
        if (!port) {
            http.stop();
            http_address.clear();
            return port.error();
        }
        otlp::ListenAddress bound = grpc_at;
        bound.port = *port;
        grpc_address = bound.text();
    }
    worker_ = std::jthread([this](std::stop_token stop) { work(stop); });
    return "";
}

std::string LiveReceive::status_line() const {
    traces.try_counts(shown_counts_);
    const otlp::ReceiveCounts& c = shown_counts_;
    std::string s = traces.paused() ? "paused:" : "receiving:";
    if (!http_address.empty()) s += " http " + http_address;
    if (!grpc_address.empty()) s += std::string(http_address.empty() ? "" : ",") + " grpc " + grpc_address;
    s += "  |  " + std::to_string(c.spans) + " spans, " + std::to_string(c.rejected) + " rejected";
    if (c.resent > 0) s += ", " + std::to_string(c.resent) + " re-sent";
    if (c.evicted_traces > 0) s += ", " + std::to_string(c.evicted_traces) + " old traces evicted";
    return s;
}

std::unique_ptr<LiveView> LiveReceive::take() {
    std::unique_lock lock(ready_mu_, std::try_to_lock);
    if (!lock.owns_lock()) return nullptr;
    view_ready_.store(false);
    return std::move(ready_);
}

void LiveReceive::retire(std::unique_ptr<LiveView> old) {
    if (!old) return;
    std::unique_lock lock(ready_mu_, std::try_to_lock);
    if (!lock.owns_lock()) return;  // busy: freed here after all, rather than waiting
    retired_.push_back(std::move(old));
}

void LiveReceive::set_adjust_skew(bool on) {
    adjust_skew_.store(on);
    refresh();
}

void LiveReceive::refresh() {
    dirty_.store(true);
    wake_.notify_all();
}

// [SECTION] The analysing worker

std::unique_ptr<LiveView> LiveReceive::build(bool adjust_skew) const {
    auto v = std::make_unique<LiveView>();
    v->store = traces.snapshot();
    analyze(v->store, v->analysis);
    v->skew = detect_clock_skew(v->store, v->analysis);
    if (adjust_skew && v->skew.any()) {
        adjust_for_skew(v->store, v->skew);
        v->skew_applied = true;
        analyze(v->store, v->analysis);
    }
    v->links = resolve_links(v->store, v->analysis);
    v->broken_hops = find_broken_hops(v->store, v->analysis);
    std::vector<bool> seen(v->store.strings.size(), false);
    for (const auto& sp : v->store.spans)
        if (sp.service < seen.size() && !seen[sp.service]) {
            seen[sp.service] = true;
            v->services.emplace_back(v->store.str(sp.service));
        }
    for (TraceId id : traces.recently_active(std::chrono::steady_clock::now(), std::chrono::seconds(3)))
        v->active.insert(key(id));
    return v;
}

void LiveReceive::work(const std::stop_token& stop) {
    using namespace std::chrono_literals;
    lower_this_thread_priority();  // analysing is background work: the frame thread comes first
    uint64_t built = 0;
    bool any_active = false;
    auto last = std::chrono::steady_clock::now() - 1s;
    std::chrono::steady_clock::duration last_build{};
    while (!stop.stop_requested()) {
        {
            std::unique_lock lock(wake_mu_);
            wake_.wait_for(lock, stop, 250ms, [&] { return dirty_.load(); });
        }
        if (stop.stop_requested()) break;
        {
            std::vector<std::unique_ptr<LiveView>> dead;
            {
                std::lock_guard lock(ready_mu_);
                dead.swap(retired_);
            }
        }  // the views the frame let go of are freed here, off the frame's thread
        const auto now = std::chrono::steady_clock::now();
        const uint64_t version = traces.version();
        // Rebuild when spans arrived, when asked, or once the "receiving" marks of quiet traces should fade.
        const bool fade = any_active && now - last > 3s;
        if (version == built && !dirty_.load() && !fade) continue;
        // At most four views a second, and none sooner than twice the last one took to build: with a million
        // spans a build takes a while, and the worker should not take more than a third of a core from the
        // frame and the receiving threads.
        if (now - last < std::max<std::chrono::steady_clock::duration>(250ms, 2 * last_build) && !dirty_.load())
            continue;
        dirty_.store(false);
        auto view = build(adjust_skew_.load());
        built = version;
        last = now;
        last_build = std::chrono::steady_clock::now() - now;
        any_active = !view->active.empty();
        std::lock_guard lock(ready_mu_);
        ready_ = std::move(view);
        view_ready_.store(true);
    }
}

}  // namespace tl::ui
