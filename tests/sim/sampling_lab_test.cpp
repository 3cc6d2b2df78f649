// The sampling lab: kept shares over seeded runs, head-then-tail losing errors, partial traces from
// flags-dropped, agreement with a plain engine run, progress and cancel.
#include <doctest/doctest.h>

#include <atomic>
#include <filesystem>

#include "sim/sampling/sampling_lab.hpp"

using namespace tl;

namespace {
Scenario checkout(double payment_errors = 0.0) {
    auto s = load_scenario("checkout", std::filesystem::path(TRACELAB_SOURCE_DIR) / "assets" / "scenarios");
    REQUIRE_MESSAGE(s.ok(), s.error());
    Scenario sc = *s;
    if (payment_errors > 0) REQUIRE(set_error_rate(sc, "payments", payment_errors).empty());
    return sc;
}

SamplingLabReport run(const Scenario& s, const SamplingLabConfig& c) {
    auto r = run_sampling_lab(s, c);
    REQUIRE_MESSAGE(r.ok(), r.error());
    return *r;
}
}  // namespace

TEST_SUITE("sampling lab") {
    TEST_CASE("head ratio alone keeps about that share, and the kept sample is representative") {
        SamplingLabConfig c;
        c.requests = 40'000;
        c.seed = 3;
        c.head = HeadKind::ParentRatio;
        c.ratio = 0.1;
        const auto r = run(checkout(0.05), c);
        CHECK(r.requests == 40'000);
        // Binomial(40000, 0.1): sigma 60; allow 5 sigma.
        CHECK(r.requests_kept == doctest::Approx(4'000).epsilon(0.075));
        CHECK(r.partial_requests == 0);  // ParentBased keeps whole traces
        CHECK(r.spans_recorded == r.spans_stored);
        CHECK(r.kept_error_share() == doctest::Approx(0.1).epsilon(0.25));
        CHECK(r.kept_p99_ms == doctest::Approx(r.true_p99_ms).epsilon(0.15));
        CHECK(r.bytes_stored == r.spans_stored * kStoredSpanBytes);
        CHECK(r.spans_possible == 40'000ULL * 5);  // five instrumented services
    }

    TEST_CASE("head-then-tail loses errors: 1% head + all-errors tail keeps about 1% of errored traces") {
        SamplingLabConfig c;
        c.requests = 100'000;
        c.seed = 11;
        c.head = HeadKind::ParentRatio;
        c.ratio = 0.01;
        c.tail.policies = {TailPolicy::errors()};
        const auto r = run(checkout(0.2), c);
        REQUIRE(r.errored > 15'000);
        // ~200 of ~20000 errors survive: 1% ± a generous 40%.
        CHECK(r.kept_error_share() == doctest::Approx(0.01).epsilon(0.4));
        CHECK(r.kept_error_share() < 0.02);

        // The same tail policy without head sampling keeps every errored trace and nothing else.
        c.head = HeadKind::AlwaysOn;
        const auto t = run(checkout(0.2), c);
        CHECK(t.kept_error_share() == 1.0);
        CHECK(t.requests_kept == t.errored);
    }

    TEST_CASE("tail latency keeps every slow request, and the stored p99 overstates the truth") {
        SamplingLabConfig c;
        c.requests = 20'000;
        c.head = HeadKind::AlwaysOn;
        c.tail.policies = {TailPolicy::latency(300), TailPolicy::probabilistic(5)};
        const auto r = run(checkout(), c);
        CHECK(r.slow_threshold_ms == 300);
        REQUIRE(r.slow > 0);
        CHECK(r.kept_slow_share() == 1.0);
        CHECK(r.kept_p99_ms > r.true_p99_ms);
        CHECK(r.conclusion().find("biased") != std::string::npos);
    }

    TEST_CASE("flags-dropped with ParentBased: partial traces") {
        Scenario s = checkout();
        REQUIRE(set_hop_fault(s, "orders", "payments", HopFault::FlagsDropped).empty());
        SamplingLabConfig c;
        c.requests = 2'000;
        c.head = HeadKind::ParentRatio;
        c.ratio = 1.0;
        const auto r = run(s, c);
        CHECK(r.requests_kept == 2'000);
        CHECK(r.partial_requests == 2'000);  // payments is missing from every trace
        CHECK(r.spans_stored == 2'000ULL * 4);
        // A ratio sampler at every span (not parent-based) decides again on the same trace id: whole traces.
        c.head = HeadKind::Ratio;
        c.ratio = 0.5;
        const auto q = run(s, c);
        CHECK(q.partial_requests == 0);
    }

    TEST_CASE("one chunk is exactly one engine run with the same seed and sampler") {
        const Scenario s = checkout(0.1);
        SamplingLabConfig c;
        c.requests = 1'000;
        c.seed = 5;
        c.head = HeadKind::Ratio;
        c.ratio = 0.3;
        c.jitter_fraction = 0;
        const auto r = run(s, c);

        const Engine e(s);
        const auto sampler = make_head_sampler(HeadKind::Ratio, 0.3);
        EngineOptions o;
        o.seed = 5;
        o.requests = 1'000;
        o.sampler = sampler.get();
        const Run full = e.run(o);
        uint64_t kept = 0, errored = 0;
        for (size_t q = 0; q < full.requests(); ++q) {
            const size_t first = full.request_first_op[q];
            const size_t last = q + 1 < full.requests() ? full.request_first_op[q + 1] : full.ops.size();
            kept += full.ops[first].span >= 0;
            bool err = false;
            for (size_t i = first; i < last; ++i) err = err || full.ops[i].error;
            errored += err;
        }
        CHECK(r.spans_recorded == full.observed.spans.size());
        CHECK(r.requests_kept == kept);
        CHECK(r.errored == errored);
    }

    TEST_CASE("chunks, progress and cancel") {
        SamplingLabConfig c;
        c.requests = 10'000;
        c.chunk_requests = 1'000;
        uint64_t calls = 0, last = 0;
        std::atomic<bool> cancel{false};
        SamplingLabHooks h;
        h.progress = [&](uint64_t done, uint64_t total) {
            ++calls;
            CHECK(total == 10'000);
            CHECK(done > last);
            last = done;
            if (done >= 3'000) cancel = true;
        };
        h.cancel = &cancel;
        auto r = run_sampling_lab(checkout(), c, h);
        REQUIRE(r.ok());
        CHECK(r->cancelled);
        CHECK(calls == 3);
        CHECK(r->requests == 3'000);

        // Seeds: same config, same report; another seed, another sample.
        c.requests = 5'000;
        c.ratio = 0.2;
        const auto a = run(checkout(), c), b = run(checkout(), c);
        c.seed = 2;
        const auto d = run(checkout(), c);
        CHECK(a.requests_kept == b.requests_kept);
        CHECK(a.true_p99_ms == b.true_p99_ms);
        CHECK(a.requests_kept != d.requests_kept);
    }

    TEST_CASE("invalid configurations are refused with a message") {
        SamplingLabConfig c;
        c.ratio = 1.5;
        auto r = run_sampling_lab(checkout(), c);
        CHECK_FALSE(r.ok());
        CHECK(r.error().find("ratio") != std::string::npos);
        c.ratio = 0.1;
        c.requests = 0;
        CHECK_FALSE(run_sampling_lab(checkout(), c).ok());
    }

    TEST_CASE("histogram buckets") {
        CHECK(lab_bucket_of(0.5) == 0);
        CHECK(lab_bucket_of(1.0) == 1);
        CHECK(lab_bucket_of(9.99) == 8);
        CHECK(lab_bucket_of(10.0) == 9);
        CHECK(lab_bucket_of(1e9) == kLabBuckets - 1);
        CHECK(lab_bucket_upper_ms(8) == doctest::Approx(10.0));
        SamplingLabConfig c;
        c.requests = 3'000;
        const auto r = run(checkout(), c);
        uint64_t all = 0, kept = 0;
        for (int b = 0; b < kLabBuckets; ++b) {
            all += r.hist_all[static_cast<size_t>(b)];
            kept += r.hist_kept[static_cast<size_t>(b)];
            CHECK(r.hist_kept[static_cast<size_t>(b)] <= r.hist_all[static_cast<size_t>(b)]);
        }
        CHECK(all == 3'000);
        CHECK(kept == r.requests_kept);
    }
}
