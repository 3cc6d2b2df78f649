// ReceivedTraces and append_store (see received_traces.hpp).
// [SECTION] Appending stores  [SECTION] ReceivedTraces
#include "sim/otlp/received_traces.hpp"

#include <algorithm>
#include <tuple>

#include <absl/hash/hash.h>

#include "sim/formats/format_io.hpp"

namespace tl::otlp {

// [SECTION] Appending stores

void append_store(TraceStore& into, const TraceStore& from, formats::ResourceIndex* resources) {
    // Strings are mapped lazily: most batches use a few hundred distinct strings.
    std::vector<StrId> map(from.strings.size(), UINT32_MAX);
    map[0] = 0;
    auto str = [&](StrId id) {
        StrId& m = map[id];
        if (m == UINT32_MAX) m = into.strings.intern(from.str(id));
        return m;
    };
    auto value = [&](AttrValue v) {
        if (v.type == ValueType::String || v.type == ValueType::Bytes || v.type == ValueType::Array ||
            v.type == ValueType::KvList)
            v.s = str(v.s);
        return v;
    };
    auto attrs = [&](AttrRange r) {
        AttrRange out{static_cast<uint32_t>(into.attributes.size()), r.count};
        for (const Attribute& a : from.attrs(r)) into.attributes.push_back(Attribute{str(a.key), value(a.value)});
        return out;
    };
    // Resources: equal service and attributes share one entry, found by content hash.
    formats::ResourceIndex local;
    formats::ResourceIndex& index = resources ? *resources : local;
    std::vector<uint32_t> res_map(from.resources.size());
    std::vector<Attribute> mapped;
    for (size_t i = 0; i < from.resources.size(); ++i) {
        const Resource& fr = from.resources[i];
        const StrId service = str(fr.service);
        mapped.clear();
        for (const Attribute& a : from.attrs(fr.attrs)) mapped.push_back(Attribute{str(a.key), value(a.value)});
        uint32_t found = index.find(into, service, mapped);
        if (found == formats::ResourceIndex::kNone) {
            const auto begin = static_cast<uint32_t>(into.attributes.size());
            into.attributes.insert(into.attributes.end(), mapped.begin(), mapped.end());
            into.resources.push_back(Resource{service, AttrRange{begin, fr.attrs.count}});
            found = static_cast<uint32_t>(into.resources.size() - 1);
        }
        res_map[i] = found;
    }
    // Geometric growth: reserving exactly size + n on every batch would copy the whole store each time.
    auto grow = [](auto& v, size_t extra) {
        if (v.size() + extra > v.capacity()) v.reserve(std::max(v.size() + extra, v.capacity() * 2));
    };
    grow(into.spans, from.spans.size());
    grow(into.attributes, from.attributes.size());
    for (const Span& fs : from.spans) {
        Span s = fs;
        s.name = str(fs.name);
        s.service = str(fs.service);
        s.trace_state = str(fs.trace_state);
        s.status_message = str(fs.status_message);
        s.scope = str(fs.scope);
        s.resource = fs.resource < res_map.size() ? res_map[fs.resource] : into.resource_for(s.service);
        s.attrs = attrs(fs.attrs);
        s.event_begin = static_cast<uint32_t>(into.events.size());
        for (const SpanEvent& e : from.events_of(fs)) into.events.push_back(SpanEvent{str(e.name), e.time_ns, attrs(e.attrs)});
        s.link_begin = static_cast<uint32_t>(into.links.size());
        for (const SpanLink& l : from.links_of(fs))
            into.links.push_back(SpanLink{l.trace_id, l.span_id, str(l.trace_state), attrs(l.attrs)});
        into.spans.push_back(s);
    }
}

// [SECTION] ReceivedTraces

ReceivedTraces::ReceivedTraces(size_t max_spans)
    : resources_(std::make_unique<formats::ResourceIndex>()), max_spans_(std::max<size_t>(1, max_spans)) {}

ReceivedTraces::~ReceivedTraces() = default;

namespace {
// The key of a span in ReceivedTraces::held_: its trace and span id mixed into 64 bits. Two spans whose keys
// collide are told apart by same_span (the second is just not indexed).
uint64_t held_key(const Span& s) {
    return absl::Hash<std::tuple<uint64_t, uint64_t, uint64_t>>{}({s.trace_id.hi, s.trace_id.lo, s.span_id.value});
}

// Whether `b` (of `bs`) is a copy of `a` (of `as`): what an exporter's retry would send again.
bool same_span(const TraceStore& as, const Span& a, const TraceStore& bs, const Span& b) {
    return a.trace_id == b.trace_id && a.parent_span_id == b.parent_span_id && a.start_ns == b.start_ns &&
           a.end_ns == b.end_ns && a.kind == b.kind && as.str(a.name) == bs.str(b.name) &&
           as.str(a.service) == bs.str(b.service);
}
}  // namespace

void ReceivedTraces::reindex_locked() {
    held_.clear();
    for (size_t i = 0; i < store_.spans.size(); ++i)
        held_.try_emplace(held_key(store_.spans[i]), static_cast<uint32_t>(i));
}

bool ReceivedTraces::add(const TraceStore& batch, size_t rejected, size_t* resent) {
    if (resent) *resent = 0;
    if (batch.spans.size() > max_spans_) {
        std::lock_guard lock(mu_);
        ++counts_.failed_requests;
        return false;
    }
    const auto now = std::chrono::steady_clock::now();
    std::lock_guard lock(mu_);
    ++counts_.requests;
    counts_.rejected += rejected;
    if (paused_.load()) return true;
    // Each span's key is computed once: a span equal to one held is a copy an exporter sent again and is left
    // out (from a copy of the batch: retries are rare); the others are indexed as they are appended.
    std::vector<uint64_t> keys(batch.spans.size());
    std::vector<bool> is_copy(batch.spans.size(), false);
    size_t copies = 0;
    for (size_t i = 0; i < batch.spans.size(); ++i) {
        keys[i] = held_key(batch.spans[i]);
        const auto it = held_.find(keys[i]);
        if (it != held_.end() && same_span(store_, store_.spans[it->second], batch, batch.spans[i])) {
            is_copy[i] = true;
            ++copies;
        }
    }
    TraceStore fresh;
    if (copies > 0) {
        fresh = batch;
        size_t k = 0;
        for (size_t i = 0; i < batch.spans.size(); ++i)
            if (!is_copy[i]) fresh.spans[k++] = batch.spans[i];
        fresh.spans.resize(k);
    }
    const TraceStore& kept = copies > 0 ? fresh : batch;
    counts_.spans += kept.spans.size();
    counts_.resent += copies;
    if (resent) *resent = copies;
    auto at = static_cast<uint32_t>(store_.spans.size());
    append_store(store_, kept, resources_.get());
    for (size_t i = 0; i < batch.spans.size(); ++i)
        if (!is_copy[i]) held_.try_emplace(keys[i], at++);
    for (const Span& s : kept.spans) {
        auto [it, inserted] = traces_.try_emplace(s.trace_id);
        if (inserted) it->second.first_seq = seq_++;
        ++it->second.spans;
        it->second.last_arrival = now;
    }
    if (store_.spans.size() > max_spans_) evict_locked();
    version_.fetch_add(1);
    return true;
}

void ReceivedTraces::count_failed_request() {
    std::lock_guard lock(mu_);
    ++counts_.failed_requests;
}

void ReceivedTraces::evict_locked() {
    // Oldest traces first, until at most 90% of the budget remains; then rebuild the store from what stays.
    std::vector<std::pair<uint64_t, TraceId>> order;
    order.reserve(traces_.size());
    for (const auto& [id, info] : traces_) order.emplace_back(info.first_seq, id);
    std::sort(order.begin(), order.end());
    const size_t target = max_spans_ - max_spans_ / 10;
    size_t held = store_.spans.size();
    size_t i = 0;
    for (; i < order.size() && held > target; ++i) {
        held -= traces_[order[i].second].spans;
        ++counts_.evicted_traces;
        counts_.evicted_spans += traces_[order[i].second].spans;
        traces_.erase(order[i].second);
    }
    // Copy the remaining spans in their order into a fresh store (strings re-interned, so the pool shrinks).
    TraceStore view;
    view.strings = std::move(store_.strings);
    view.resources = std::move(store_.resources);
    view.attributes = std::move(store_.attributes);
    view.events = std::move(store_.events);
    view.links = std::move(store_.links);
    view.spans.reserve(held);
    for (const Span& s : store_.spans)
        if (traces_.count(s.trace_id)) view.spans.push_back(s);
    TraceStore kept;
    resources_->clear();
    append_store(kept, view, resources_.get());
    store_ = std::move(kept);
    reindex_locked();
}

void ReceivedTraces::clear() {
    std::lock_guard lock(mu_);
    store_ = TraceStore();
    resources_->clear();
    held_.clear();
    traces_.clear();
    counts_ = ReceiveCounts{};
    seq_ = 0;
    version_.fetch_add(1);
}

ReceiveCounts ReceivedTraces::counts() const {
    std::lock_guard lock(mu_);
    return counts_;
}

bool ReceivedTraces::try_counts(ReceiveCounts& out) const {
    std::unique_lock lock(mu_, std::try_to_lock);
    if (!lock.owns_lock()) return false;
    out = counts_;
    return true;
}

TraceStore ReceivedTraces::snapshot() const {
    std::lock_guard lock(mu_);
    return store_;
}

bool ReceivedTraces::try_snapshot(TraceStore& out, uint64_t* seen_version) const {
    if (version_.load() == *seen_version) return false;
    std::unique_lock lock(mu_, std::try_to_lock);
    if (!lock.owns_lock()) return false;
    out = store_;
    *seen_version = version_.load();
    return true;
}

std::vector<TraceId> ReceivedTraces::recently_active(std::chrono::steady_clock::time_point now,
                                                     std::chrono::milliseconds window) const {
    std::vector<TraceId> out;
    std::lock_guard lock(mu_);
    for (const auto& [id, info] : traces_)
        if (now - info.last_arrival <= window) out.push_back(id);
    return out;
}

}  // namespace tl::otlp
