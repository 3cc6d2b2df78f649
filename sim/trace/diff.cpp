// Trace comparison: path keys per span, matching, and the moved/added/removed split (see diff.hpp).
#include "sim/trace/diff.hpp"

#include <deque>
#include <functional>
#include <string_view>
#include <unordered_map>

namespace tl {

namespace {

uint64_t mix(uint64_t h, uint64_t v) {
    // splitmix64-style combination: cheap and well spread.
    h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    h ^= h >> 31;
    h *= 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 27;
    return h;
}

uint64_t name_hash(const TraceStore& st, const Span& s) {
    return mix(std::hash<std::string_view>{}(st.str(s.service)), std::hash<std::string_view>{}(st.str(s.name)));
}

struct Keyed {
    std::vector<uint32_t> order;  // spans in pre-order, trace by trace
    std::vector<uint64_t> key;    // per position in `order`: the path key
};

// Path keys: parent's key, the span's (service, name) and its ordinal among same-named siblings.
Keyed path_keys(const DiffSide& side) {
    Keyed k;
    const Analysis& a = *side.analysis;
    const TraceStore& st = *side.store;
    std::unordered_map<uint32_t, uint64_t> key_of;   // span -> key (only spans of this side)
    std::unordered_map<uint64_t, uint32_t> ordinal;  // (parent key, name hash) -> siblings seen
    for (uint32_t t : side.traces) {
        if (t >= a.traces.size()) continue;
        for (uint32_t i : a.traces[t].spans) {
            const int32_t p = a.parent[i];
            uint64_t parent_key = 0x51ed27a1u;  // the top of a tree (root or orphan)
            if (p >= 0)
                if (auto it = key_of.find(static_cast<uint32_t>(p)); it != key_of.end()) parent_key = it->second;
            const uint64_t sibling = mix(parent_key, name_hash(st, st.spans[i]));
            const uint32_t nth = ordinal[sibling]++;
            const uint64_t key = mix(sibling, nth);
            key_of.emplace(i, key);
            k.order.push_back(i);
            k.key.push_back(key);
        }
    }
    return k;
}

bool same_names(const TraceStore& a, const Span& x, const TraceStore& b, const Span& y) {
    return a.str(x.service) == b.str(y.service) && a.str(x.name) == b.str(y.name);
}

int32_t first_root(const DiffSide& side) {
    for (uint32_t t : side.traces)
        if (t < side.analysis->traces.size() && side.analysis->traces[t].root >= 0)
            return side.analysis->traces[t].root;
    return -1;
}

}  // namespace

const char* to_string(SpanChangeKind k) {
    switch (k) {
        case SpanChangeKind::Same:
            return "same";
        case SpanChangeKind::Added:
            return "added";
        case SpanChangeKind::Removed:
            return "removed";
        case SpanChangeKind::Moved:
            return "moved";
    }
    return "";
}

std::vector<uint32_t> all_traces(const Analysis& analysis) {
    std::vector<uint32_t> out(analysis.traces.size());
    for (uint32_t i = 0; i < out.size(); ++i) out[i] = i;
    return out;
}

TraceDiff diff_traces(const DiffSide& baseline, const DiffSide& current) {
    TraceDiff d;
    const TraceStore& os = *baseline.store;
    const TraceStore& ns = *current.store;
    d.change_of_new.assign(ns.spans.size(), -1);
    const Keyed old_k = path_keys(baseline);
    const Keyed new_k = path_keys(current);

    std::unordered_map<uint64_t, uint32_t> old_by_key;  // key -> position in old_k.order
    old_by_key.reserve(old_k.order.size());
    for (uint32_t p = 0; p < old_k.order.size(); ++p) old_by_key.emplace(old_k.key[p], p);
    std::vector<uint8_t> old_taken(old_k.order.size(), 0);

    // 1. Same place in the tree.
    std::vector<uint32_t> unmatched_new;
    for (uint32_t p = 0; p < new_k.order.size(); ++p) {
        const uint32_t ni = new_k.order[p];
        auto it = old_by_key.find(new_k.key[p]);
        if (it != old_by_key.end() && !old_taken[it->second] &&
            same_names(os, os.spans[old_k.order[it->second]], ns, ns.spans[ni])) {
            old_taken[it->second] = 1;
            const uint32_t oi = old_k.order[it->second];
            d.change_of_new[ni] = static_cast<int32_t>(d.spans.size());
            d.spans.push_back(SpanChange{SpanChangeKind::Same, static_cast<int32_t>(oi), static_cast<int32_t>(ni),
                                         os.spans[oi].duration_ns(), ns.spans[ni].duration_ns()});
        } else {
            unmatched_new.push_back(ni);
            d.change_of_new[ni] = static_cast<int32_t>(d.spans.size());
            d.spans.push_back(
                SpanChange{SpanChangeKind::Added, -1, static_cast<int32_t>(ni), 0, ns.spans[ni].duration_ns()});
        }
    }
    // 2. Same service and name, another place: moved (paired in order).
    std::unordered_map<uint64_t, std::deque<uint32_t>> old_free;  // name hash -> unmatched old spans
    for (uint32_t p = 0; p < old_k.order.size(); ++p)
        if (!old_taken[p]) old_free[name_hash(os, os.spans[old_k.order[p]])].push_back(p);
    for (uint32_t ni : unmatched_new) {
        auto it = old_free.find(name_hash(ns, ns.spans[ni]));
        if (it == old_free.end()) continue;
        auto& q = it->second;
        while (!q.empty() && !same_names(os, os.spans[old_k.order[q.front()]], ns, ns.spans[ni])) q.pop_front();
        if (q.empty()) continue;
        const uint32_t p = q.front();
        q.pop_front();
        old_taken[p] = 1;
        SpanChange& c = d.spans[static_cast<size_t>(d.change_of_new[ni])];
        c.change = SpanChangeKind::Moved;
        c.old_span = static_cast<int32_t>(old_k.order[p]);
        c.old_ns = os.spans[old_k.order[p]].duration_ns();
    }
    // 3. The rest of the baseline: removed.
    for (uint32_t p = 0; p < old_k.order.size(); ++p) {
        if (old_taken[p]) continue;
        const uint32_t oi = old_k.order[p];
        d.spans.push_back(
            SpanChange{SpanChangeKind::Removed, static_cast<int32_t>(oi), -1, os.spans[oi].duration_ns(), 0});
    }
    for (const SpanChange& c : d.spans) {
        switch (c.change) {
            case SpanChangeKind::Same:
                ++d.same;
                break;
            case SpanChangeKind::Added:
                ++d.added;
                break;
            case SpanChangeKind::Removed:
                ++d.removed;
                break;
            case SpanChangeKind::Moved:
                ++d.moved;
                break;
        }
    }
    d.old_root = first_root(baseline);
    d.new_root = first_root(current);
    if (d.old_root >= 0) d.old_root_ns = os.spans[static_cast<size_t>(d.old_root)].duration_ns();
    if (d.new_root >= 0) d.new_root_ns = ns.spans[static_cast<size_t>(d.new_root)].duration_ns();
    return d;
}

}  // namespace tl
