// Sampling lab: many simulated requests through a head sampler and then tail policies, and what survives.
// - Runs the real engine (with the head sampler in EngineOptions::sampler) in chunks of requests reusing
//   one Run, so memory stays flat and an unsampled request costs only its ground-truth walk, as an
//   unsampled span costs a real SDK almost nothing. Chunk k uses seed chunk_seed(seed, k); chunk 0 is
//   exactly Engine::run with `seed`.
// - The report compares the ground truth (every request) with what the storage holds after sampling.
// - Safe to run on a worker thread: progress callback between chunks, cancel flag checked between chunks.
// [SECTION] Configuration  [SECTION] Report  [SECTION] Running
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "sim/engine/engine.hpp"
#include "sim/io/json_read.hpp"
#include "sim/sampling/sampling.hpp"
#include "sim/engine/scenario.hpp"
#include "sim/sampling/tail_sampling.hpp"

namespace tl {

// [SECTION] Configuration

// Estimated bytes one stored span costs: an OTLP protobuf span with ids, name, kind, times, status and about
// five attributes is 250–350 bytes before a backend's index; we count 300.
inline constexpr uint64_t kStoredSpanBytes = 300;

struct SamplingLabConfig {
    uint32_t requests = 100'000;
    uint64_t seed = 1;
    HeadKind head = HeadKind::ParentRatio;
    double ratio = 0.01;
    TailConfig tail;             // no policies: every head-sampled trace is stored
    double export_delay_ms = 0;  // each span reaches the collector up to this long after it ends
    // Services without jitter get a log-normal spread of this fraction of their own time, so requests differ
    // (a fixed-latency scenario would make every request equally fast). 0 keeps the scenario as it is.
    double jitter_fraction = 0.3;
    double slow_ms = 0;              // a request is "slow" above this; 0: the tail latency threshold, else true p99
    uint32_t chunk_requests = 1024;  // requests per engine run
};

// The seed of chunk k (k = 0 is the seed itself).
uint64_t chunk_seed(uint64_t seed, uint32_t chunk);

// [SECTION] Report

// Latency histogram buckets: bucket 0 is < 1 ms, bucket i (1..kLabBuckets-1) is [10^((i-1)/8), 10^(i/8)) ms;
// the last bucket also holds everything longer.
inline constexpr int kLabBuckets = 41;
double lab_bucket_upper_ms(int bucket);
int lab_bucket_of(double ms);

struct SamplingLabReport {
    std::string scenario;
    std::string head_description;
    std::string tail_description;
    uint64_t requests = 0;
    bool cancelled = false;
    // Traces as the tail sampler saw them (one request can make several when propagation breaks).
    uint64_t traces_after_head = 0;
    uint64_t traces_kept = 0;
    // Requests with at least one stored span, and of those the ones missing some of their spans.
    uint64_t requests_kept = 0;
    uint64_t partial_requests = 0;
    // Errored requests (any operation failed) and slow ones, and how many the storage can show.
    uint64_t errored = 0;
    uint64_t errored_kept = 0;  // an errored span of the request is stored
    uint64_t slow = 0;
    uint64_t slow_kept = 0;
    double slow_threshold_ms = 0;
    // Spans: all an always-on SDK would record, recorded by the head sampler, stored after the tail.
    uint64_t spans_possible = 0;
    uint64_t spans_recorded = 0;
    uint64_t spans_stored = 0;
    uint64_t bytes_stored = 0;
    uint64_t late_spans_kept = 0;
    uint64_t late_spans_dropped = 0;
    // Request latency: true (every request) vs as seen in storage (span extent of the kept requests).
    double true_p50_ms = 0, true_p99_ms = 0;
    double kept_p50_ms = 0, kept_p99_ms = 0;
    std::array<uint64_t, kLabBuckets> hist_all{};
    std::array<uint64_t, kLabBuckets> hist_kept{};
    std::array<uint64_t, kLabBuckets> hist_errored{};

    [[nodiscard]] double kept_share() const { return requests ? double(requests_kept) / double(requests) : 0; }
    [[nodiscard]] double kept_error_share() const { return errored ? double(errored_kept) / double(errored) : 0; }
    [[nodiscard]] double kept_slow_share() const { return slow ? double(slow_kept) / double(slow) : 0; }
    // What an analyst reading only the stored traces would conclude, in two or three sentences.
    [[nodiscard]] std::string conclusion() const;
};

Json lab_report_json(const SamplingLabReport& r);
std::string lab_report_text(const SamplingLabReport& r);

// [SECTION] Running

struct SamplingLabHooks {
    std::function<void(uint64_t done, uint64_t total)> progress;  // called after each chunk
    const std::atomic<bool>* cancel = nullptr;                    // checked before each chunk
};

// Runs the lab. Fails only on an invalid configuration (ratio out of range, no requests).
Result<SamplingLabReport> run_sampling_lab(const Scenario& scenario, const SamplingLabConfig& config,
                                           const SamplingLabHooks& hooks = {});

}  // namespace tl
