// Head samplers against the published OpenTelemetry algorithms, ParentBased's slots, the consistent
// probability threshold and its tracestate, and what they do inside the engine (flags-dropped partial traces).
#include <doctest/doctest.h>

#include <filesystem>

#include "sim/engine/engine.hpp"
#include "sim/sampling/sampling.hpp"

using namespace tl;

namespace {
SamplingInput root_input(TraceId id) {
    SamplingInput in;
    in.trace_id = id;
    return in;
}

Scenario checkout() {
    auto s = load_scenario("checkout", std::filesystem::path(TRACELAB_SOURCE_DIR) / "assets" / "scenarios");
    REQUIRE_MESSAGE(s.ok(), s.error());
    return *s;
}

// A sampler that records what it was asked, to check the engine's inputs.
class RecordingSampler final : public HeadSampler {
public:
    mutable std::vector<SamplingInput> seen;
    mutable std::vector<std::string> names;
    SamplingResult should_sample(const SamplingInput& in) const override {
        seen.push_back(in);
        names.emplace_back(in.span_name);
        return {true, {}};
    }
    std::string description() const override { return "Recording"; }
};
}  // namespace

TEST_SUITE("sampling") {
    TEST_CASE("TraceIDRatioBased: the upper bound is uint64(ratio * 2^63)") {
        CHECK(trace_id_ratio_upper_bound(0.5) == (uint64_t{1} << 62));
        CHECK(trace_id_ratio_upper_bound(0.25) == (uint64_t{1} << 61));
        // 1e-6 * 9223372036854775808 = 9223372036854.775808, truncated.
        CHECK(trace_id_ratio_upper_bound(1e-6) == 9223372036854ULL);
        CHECK(trace_id_ratio_upper_bound(0) == 0);
        CHECK(trace_id_ratio_upper_bound(-3) == 0);
    }

    TEST_CASE("TraceIDRatioBased decides on bytes 8..15 of the trace id, shifted right by one") {
        const TraceIdRatioSampler half(0.5);
        // Bound 2^62: x = lo >> 1 must be below it.
        CHECK(half.should_sample(root_input({0, 0x7FFFFFFFFFFFFFFFULL})).sampled);        // x = 2^62 - 1
        CHECK_FALSE(half.should_sample(root_input({0, 0x8000000000000000ULL})).sampled);  // x = 2^62
        // The first 8 bytes do not matter (they did before Go SDK v1.12).
        CHECK(half.should_sample(root_input({0xFFFFFFFFFFFFFFFFULL, 1})).sampled);
        CHECK_FALSE(half.should_sample(root_input({0, 0xFFFFFFFFFFFFFFFFULL})).sampled);

        const TraceIdRatioSampler tiny(1e-6);  // bound 9223372036854
        CHECK(tiny.should_sample(root_input({0, 2 * 9223372036854ULL - 1})).sampled);
        CHECK_FALSE(tiny.should_sample(root_input({0, 2 * 9223372036854ULL})).sampled);

        const TraceIdRatioSampler two_to_minus_62(0x1p-62);  // bound 2: lo 0..3 sampled
        CHECK(two_to_minus_62.should_sample(root_input({0, 3})).sampled);
        CHECK_FALSE(two_to_minus_62.should_sample(root_input({0, 4})).sampled);

        const TraceIdRatioSampler zero(0);
        CHECK_FALSE(zero.should_sample(root_input({0, 1})).sampled);
        CHECK_FALSE(zero.should_sample(root_input({0, 0})).sampled);

        // The W3C example id: lo = a3ce929d0e0e4736, about 0.64 of the range.
        const auto w3c = *parse_trace_id("4bf92f3577b34da6a3ce929d0e0e4736");
        CHECK_FALSE(TraceIdRatioSampler(0.5).should_sample(root_input(w3c)).sampled);
        CHECK(TraceIdRatioSampler(0.65).should_sample(root_input(w3c)).sampled);
    }

    TEST_CASE("ratios 0 and 1 and the SDK's descriptions") {
        CHECK(make_head_sampler(HeadKind::Ratio, 1.0)->description() == "AlwaysOnSampler");
        CHECK(make_head_sampler(HeadKind::Ratio, 2.0)->description() == "AlwaysOnSampler");
        CHECK(make_head_sampler(HeadKind::Ratio, 0.01)->description() == "TraceIDRatioBased{0.01}");
        CHECK(make_head_sampler(HeadKind::Ratio, 1e-5)->description() == "TraceIDRatioBased{1e-05}");
        CHECK(make_head_sampler(HeadKind::Ratio, -1)->description() == "TraceIDRatioBased{0}");
        CHECK(make_head_sampler(HeadKind::AlwaysOff, 0)->description() == "AlwaysOffSampler");
        CHECK(make_head_sampler(HeadKind::ParentRatio, 0.25)->description() ==
              "ParentBased{root:TraceIDRatioBased{0.25},remoteParentSampled:AlwaysOnSampler,"
              "remoteParentNotSampled:AlwaysOffSampler,localParentSampled:AlwaysOnSampler,"
              "localParentNotSampled:AlwaysOffSampler}");
        const auto on = make_head_sampler(HeadKind::Ratio, 1.0);
        CHECK(on->should_sample(root_input({0, ~0ULL})).sampled);
        CHECK(parse_head_kind("parent-ratio") == HeadKind::ParentRatio);
        CHECK_FALSE(parse_head_kind("sometimes").has_value());
    }

    TEST_CASE("ParentBased sends each parent case to its own delegate") {
        ParentBasedSampler::Delegates d;
        d.remote_parent_sampled = std::make_shared<AlwaysOffSampler>();  // inverted, to tell slots apart
        d.remote_parent_not_sampled = std::make_shared<AlwaysOnSampler>();
        d.local_parent_sampled = std::make_shared<TraceIdRatioSampler>(0.5);
        d.local_parent_not_sampled = std::make_shared<AlwaysOffSampler>();
        const ParentBasedSampler pb(std::make_shared<AlwaysOnSampler>(), d);

        SamplingInput in = root_input({0, ~0ULL});
        CHECK(pb.should_sample(in).sampled);  // root: AlwaysOn
        in.has_parent = true;
        in.parent_remote = true;
        in.parent_sampled = true;
        CHECK_FALSE(pb.should_sample(in).sampled);
        in.parent_sampled = false;
        CHECK(pb.should_sample(in).sampled);
        in.parent_remote = false;
        CHECK_FALSE(pb.should_sample(in).sampled);
        in.parent_sampled = true;
        CHECK(&pb.delegate_for(in) == d.local_parent_sampled.get());
        CHECK_FALSE(pb.should_sample(in).sampled);  // ratio 0.5 on lo = ~0
        in.trace_id = {0, 2};
        CHECK(pb.should_sample(in).sampled);

        // Defaults: follow the parent.
        const ParentBasedSampler def(std::make_shared<AlwaysOffSampler>());
        in.parent_sampled = true;
        CHECK(def.should_sample(in).sampled);
        in.parent_remote = true;
        in.parent_sampled = false;
        CHECK_FALSE(def.should_sample(in).sampled);
        in.has_parent = false;
        CHECK_FALSE(def.should_sample(in).sampled);  // root AlwaysOff
    }

    TEST_CASE("consistent probability: thresholds and th values") {
        CHECK(probability_to_threshold(1.0) == 0);
        CHECK(probability_to_threshold(0.5) == (uint64_t{1} << 55));
        CHECK(threshold_tvalue(probability_to_threshold(0.5)) == "8");
        CHECK(threshold_tvalue(probability_to_threshold(0.25)) == "c");
        CHECK(threshold_tvalue(probability_to_threshold(1.0)) == "0");
        // 2^56 - round(0.01 * 2^56) = 72057594037927936 - 720575940379279
        CHECK(probability_to_threshold(0.01) == 72057594037927936ULL - 720575940379279ULL);
        CHECK(threshold_tvalue(probability_to_threshold(0.01)) == "fd70a3d70a3d71");
        CHECK(parse_tvalue("8") == (uint64_t{1} << 55));
        CHECK(parse_tvalue("fd70a3d70a3d71") == probability_to_threshold(0.01));
        CHECK_FALSE(parse_tvalue("").has_value());
        CHECK_FALSE(parse_tvalue("123456789012345").has_value());
        CHECK_FALSE(parse_tvalue("xyz").has_value());
    }

    TEST_CASE("consistent probability: R >= T over the rightmost 56 bits, and ot=th written") {
        const ProbabilitySampler half(0.5);
        CHECK(half.description() == "ProbabilitySampler{0.5}");
        // R = lo & (2^56 - 1); the top byte of lo is ignored.
        const auto keep = half.should_sample(root_input({0, 0x0080000000000000ULL}));  // R = 2^55 = T
        CHECK(keep.sampled);
        CHECK(keep.tracestate == "ot=th:8");
        CHECK_FALSE(half.should_sample(root_input({0, 0xFF7FFFFFFFFFFFFFULL})).sampled);  // R = 2^55 - 1
        const auto drop = half.should_sample(root_input({~0ULL, 0x007FFFFFFFFFFFFFULL}));
        CHECK_FALSE(drop.sampled);
        CHECK(drop.tracestate.empty());

        // An explicit rv in the parent's tracestate overrides the trace id's bits.
        SamplingInput in = root_input({0, 0});
        in.has_parent = true;
        in.parent_tracestate = "vendor=x,ot=th:8;rv:ffffffffffffff";
        CHECK(half.should_sample(in).sampled);
        CHECK(ot_tracestate_value(in.parent_tracestate, "th") == std::string_view("8"));
        CHECK_FALSE(ot_tracestate_value("vendor=ot=th:1", "th").has_value());

        CHECK(ProbabilitySampler(1.0).should_sample(root_input({0, 0})).tracestate == "ot=th:0");
        CHECK_FALSE(ProbabilitySampler(0).should_sample(root_input({0, ~0ULL})).sampled);
    }

    TEST_CASE("ratio statistics: about ratio · N of random ids are kept") {
        IdGenerator ids(42);
        const TraceIdRatioSampler r(0.1);
        const ProbabilitySampler p(0.1);
        int kept_r = 0, kept_p = 0;
        const int n = 200'000;
        for (int i = 0; i < n; ++i) {
            const auto in = root_input(ids.trace_id());
            kept_r += r.should_sample(in).sampled;
            kept_p += p.should_sample(in).sampled;
        }
        // 3 sigma of a binomial(200000, 0.1) is about 400.
        CHECK(kept_r == doctest::Approx(20'000).epsilon(0.02));
        CHECK(kept_p == doctest::Approx(20'000).epsilon(0.02));
    }

    TEST_CASE("the engine asks the sampler for every span and writes its tracestate") {
        const Scenario s = checkout();
        const Engine e(s);
        RecordingSampler rec;
        EngineOptions o;
        o.sampler = &rec;
        Run run = e.run(o);
        REQUIRE(rec.seen.size() == run.observed.spans.size());
        CHECK_FALSE(rec.seen[0].has_parent);
        size_t remote = 0;
        for (const auto& in : rec.seen) remote += in.parent_remote;
        CHECK(remote >= 3);  // gateway→auth, gateway→orders, orders→payments

        const ProbabilitySampler always(1.0);
        o.sampler = &always;
        run = e.run(o);
        for (const auto& sp : run.observed.spans) CHECK(run.observed.str(sp.trace_state) == "ot=th:0");
    }

    TEST_CASE("flags-dropped: ParentBased loses everything below the hop, a ratio sampler does not") {
        Scenario s = checkout();
        REQUIRE(set_hop_fault(s, "orders", "payments", HopFault::FlagsDropped).empty());
        const Engine e(s);
        EngineOptions o;
        o.requests = 50;
        const ParentBasedSampler pb(std::make_shared<AlwaysOnSampler>());
        o.sampler = &pb;
        Run run = e.run(o);
        const int payments = s.find_service("payments");
        size_t payments_ops = 0;
        for (const auto& op : run.ops) {
            if (static_cast<int>(op.service) != payments) continue;
            ++payments_ops;
            CHECK(op.span == -1);  // partial trace: the charge is missing
        }
        CHECK(payments_ops == 50);
        for (const auto& h : run.hops)
            if (h.fault == HopFault::FlagsDropped) CHECK((h.flags & 1) == 0);

        // TraceIdRatioBased decides again from the same trace id and agrees with the root.
        const TraceIdRatioSampler ratio(0.5);
        o.sampler = &ratio;
        run = e.run(o);
        for (size_t r = 0; r < run.requests(); ++r) {
            const Operation& entry = run.ops[run.request_first_op[r]];
            const size_t last = r + 1 < run.requests() ? run.request_first_op[r + 1] : run.ops.size();
            for (size_t i = run.request_first_op[r]; i < last; ++i) CHECK((run.ops[i].span >= 0) == (entry.span >= 0));
        }
    }
}
