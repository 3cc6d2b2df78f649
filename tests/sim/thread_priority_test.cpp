// Background threads lower their own priority, and only their own.
#include <doctest/doctest.h>

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <thread>

#include "sim/io/thread_priority.hpp"
#include "sim/otlp/otlp_receiver.hpp"
#include "sim/otlp/received_traces.hpp"

using namespace tl;

namespace {
int this_thread_nice() {
    errno = 0;
    return getpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)));
}
}  // namespace

TEST_CASE("lower_this_thread_priority: the calling thread gets the background nice value, the others keep theirs") {
    const int before = this_thread_nice();
    int inside = -100, again = -100;
    bool lowered = false;
    std::thread([&] {
        lowered = lower_this_thread_priority();
        inside = this_thread_nice();
        CHECK(lower_this_thread_priority() == lowered);  // idempotent
        again = this_thread_nice();
    }).join();
    if (before > kBackgroundNice) return;  // already below: an unprivileged thread cannot raise itself back
    REQUIRE(lowered);
    CHECK(inside == kBackgroundNice);
    CHECK(again == kBackgroundNice);
    CHECK(this_thread_nice() == before);
}

TEST_CASE("OtlpReceiver with background_threads decodes on a lowered thread; without, the thread is left alone") {
    for (bool background : {true, false}) {
        otlp::ReceivedTraces traces;
        otlp::ReceiverOptions options;
        options.background_threads = background;
        otlp::OtlpReceiver receiver(traces, options);
        int nice_after = -100, nice_before = -100;
        std::thread([&] {
            nice_before = this_thread_nice();
            receiver.export_body("{}", otlp::BodyEncoding::Json);
            nice_after = this_thread_nice();
        }).join();
        if (nice_before > kBackgroundNice) continue;
        CHECK(nice_after == (background ? kBackgroundNice : nice_before));
    }
}
