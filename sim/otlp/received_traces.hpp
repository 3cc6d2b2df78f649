// ReceivedTraces: the spans an OTLP receiver has taken in, shared by the network threads and their reader
// (the CLI's --out, the app's views). Thread-safe; memory is bounded by a span budget.
// - Each request is decoded into its own small store first (no lock held); add() then appends it under the
//   lock, re-interning strings, so decoding on several threads never waits for another.
// - A span that is already held, same trace and span id and the same content (name, service, kind, parent,
//   start and end), is a copy an exporter sent again (OTLP lets clients retry a request whose answer they did
//   not get; the specification warns that servers then see duplicates): it is dropped and counted.
// - Beyond the budget the oldest traces (by first arrival) are evicted, in bulk down to 90% of the budget so
//   the compaction cost stays linear; the store is rebuilt then, so the string pool shrinks too.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include <absl/container/flat_hash_map.h>

#include "sim/trace/trace_store.hpp"

namespace tl::formats {
class ResourceIndex;
}

namespace tl::otlp {

// Appends every span of `from` (with attributes, events, links, resources) to `into`, mapping string ids.
// Resources equal in service and attributes to one already in `into` are shared. `resources`, when given, is
// kept with `into` across calls; without it each call indexes `into`'s resources afresh. Linear in `from`'s
// size (plus `into`'s resources without an index).
void append_store(TraceStore& into, const TraceStore& from, formats::ResourceIndex* resources = nullptr);

// Counters a receiver shows (header, summary line). Plain numbers, copied out under the lock.
struct ReceiveCounts {
    uint64_t spans = 0;            // spans accepted and kept since start (or the last clear)
    uint64_t resent = 0;           // spans accepted but dropped as copies of spans already held
    uint64_t requests = 0;         // export requests answered with success or partial success
    uint64_t rejected = 0;         // spans rejected (invalid ids, undecodable requests' spans are not counted)
    uint64_t failed_requests = 0;  // requests answered with an error status
    uint64_t evicted_traces = 0;   // traces dropped to stay within the span budget
    uint64_t evicted_spans = 0;
};

class ReceivedTraces {
public:
    // `max_spans`: the budget (at least 1).
    explicit ReceivedTraces(size_t max_spans = 1'000'000);
    ~ReceivedTraces();
    ReceivedTraces(const ReceivedTraces&) = delete;
    ReceivedTraces& operator=(const ReceivedTraces&) = delete;

    // Adds one decoded request, less the spans it re-sends (their number goes to `*resent` when given).
    // Returns false (and adds nothing) when the batch alone exceeds the whole budget.
    bool add(const TraceStore& batch, size_t rejected, size_t* resent = nullptr);
    void count_failed_request();
    // While paused, requests are still answered (so SDKs do not retry) but their spans are not kept.
    void set_paused(bool paused) { paused_.store(paused); }
    [[nodiscard]] bool paused() const { return paused_.load(); }
    // Drops every span and resets the counters.
    void clear();

    [[nodiscard]] size_t max_spans() const { return max_spans_; }
    [[nodiscard]] ReceiveCounts counts() const;
    // The counters into `out` without waiting: false (and `out` untouched) while a writer or a snapshot holds
    // the lock. For a frame loop.
    bool try_counts(ReceiveCounts& out) const;
    // Bumps on every change; a reader copies only when it moved.
    [[nodiscard]] uint64_t version() const { return version_.load(); }
    // A copy of everything held (for --out, or the app's snapshot).
    [[nodiscard]] TraceStore snapshot() const;
    // Copies into `out` only when something changed since `*seen_version`; never blocks (returns false when the
    // lock is busy or nothing changed). For a frame loop.
    bool try_snapshot(TraceStore& out, uint64_t* seen_version) const;
    // Traces that received spans within `window` before `now`, for a "receiving" marker.
    [[nodiscard]] std::vector<TraceId> recently_active(std::chrono::steady_clock::time_point now,
                                                       std::chrono::milliseconds window) const;

private:
    struct TraceInfo {
        uint64_t first_seq = 0;
        size_t spans = 0;
        std::chrono::steady_clock::time_point last_arrival;
    };
    struct IdHash {
        size_t operator()(const TraceId& t) const noexcept { return std::hash<uint64_t>{}(t.hi ^ (t.lo * 0x9e3779b97f4a7c15ULL)); }
    };
    void evict_locked();
    void reindex_locked();  // held_ from store_.spans, after the store was rebuilt

    mutable std::mutex mu_;
    TraceStore store_;
    std::unique_ptr<formats::ResourceIndex> resources_;  // store_'s resources by content
    absl::flat_hash_map<uint64_t, uint32_t> held_;       // trace and span id, mixed → index in store_
    std::unordered_map<TraceId, TraceInfo, IdHash> traces_;
    ReceiveCounts counts_;
    uint64_t seq_ = 0;
    size_t max_spans_;
    std::atomic<uint64_t> version_{0};
    std::atomic<bool> paused_{false};
};

}  // namespace tl::otlp
