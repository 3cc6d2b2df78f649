// Broken hops: finds the hop where a request split into two traces, across every trace of a store.
// Caller windows (where a span was calling out) are stabbed by the start of every root span, in one sweep
// by time; the strongest candidate pairs are then taken greedily, one callee per root.
// [SECTION] Attributes
// [SECTION] Caller windows
// [SECTION] Sweep
// [SECTION] Choosing and naming
#include "sim/trace/broken_hops.hpp"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <queue>
#include <set>
#include <string_view>
#include <utility>

namespace tl {

const char* to_string(BrokenHopCause c) {
    switch (c) {
        case BrokenHopCause::HeaderLost:
            return "header-lost";
        case BrokenHopCause::MessageWithoutContext:
            return "message-without-context";
        case BrokenHopCause::UninstrumentedClient:
            return "uninstrumented-client";
        case BrokenHopCause::UninstrumentedProducer:
            return "uninstrumented-producer";
        case BrokenHopCause::ContextDropped:
            return "context-dropped";
    }
    return "?";
}

const char* cause_summary(BrokenHopCause c) {
    switch (c) {
        case BrokenHopCause::HeaderLost:
            return "traceparent not sent or not read";
        case BrokenHopCause::MessageWithoutContext:
            return "no trace context in the message";
        case BrokenHopCause::UninstrumentedClient:
            return "uninstrumented client";
        case BrokenHopCause::UninstrumentedProducer:
            return "uninstrumented producer";
        case BrokenHopCause::ContextDropped:
            return "code passed a fresh context";
    }
    return "?";
}

namespace {

// [SECTION] Attributes

// A string attribute's text, or an integer's digits (server.port); empty when absent.
std::string attr_text(const TraceStore& store, const Span& s, std::string_view key) {
    const AttrValue* v = store.find_attr(s, key);
    if (v == nullptr || v->type == ValueType::Empty) return {};
    return store.value_text(*v);
}

bool iequal(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
        const auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
        if (lower(a[i]) != lower(b[i])) return false;
    }
    return true;
}

// The path of an absolute URL ("https://host:443/a/b?q" -> "/a/b"); empty when it has none.
std::string_view path_of_url(std::string_view url) {
    const size_t scheme = url.find("://");
    if (scheme == std::string_view::npos) return {};
    const size_t slash = url.find('/', scheme + 3);
    if (slash == std::string_view::npos) return "/";
    std::string_view path = url.substr(slash);
    const size_t end = path.find_first_of("?#");
    return end == std::string_view::npos ? path : path.substr(0, end);
}

// Whether a concrete path fits an `http.route` template: segments equal, or a `{param}` / `:param` / `*`.
bool route_matches(std::string_view route, std::string_view path) {
    while (!route.empty() || !path.empty()) {
        if (route.empty() || path.empty()) return false;
        if (route.front() == '/') route.remove_prefix(1);
        if (path.front() == '/') path.remove_prefix(1);
        const size_t rs = std::min(route.find('/'), route.size());
        const size_t ps = std::min(path.find('/'), path.size());
        const std::string_view r = route.substr(0, rs), p = path.substr(0, ps);
        const bool param = r == "*" || (!r.empty() && r.front() == ':') ||
                           (r.size() >= 2 && r.front() == '{' && r.back() == '}');
        if (!param && r != p) return false;
        route.remove_prefix(rs);
        path.remove_prefix(ps);
    }
    return true;
}

// How many of the call's attributes the callee's root agrees with; -1 when one disagrees. Compared only where
// both sides carry the attribute (semantic conventions: HTTP spans, messaging spans, general server.*).
int attribute_agreement(const TraceStore& store, const Span& call, const Span& callee) {
    int agree = 0;
    bool differ = false;
    // One comparison: skipped when a side lacks its value, else agreeing or ruling the pair out.
    const auto compare = [&](const std::string& ours, const std::string& theirs, bool same) {
        if (ours.empty() || theirs.empty()) return false;
        if (same)
            ++agree;
        else
            differ = true;
        return true;
    };
    const std::string address = attr_text(store, call, "server.address");
    const std::string their_address = attr_text(store, callee, "server.address");
    if (!compare(address, their_address, iequal(address, their_address)) && !address.empty()) {
        // Inside a cluster the address is often the callee's service name ("payments", "payments.shop.svc").
        const std::string_view name = store.str(callee.service);
        if (!name.empty() && address.size() >= name.size() &&
            iequal(std::string_view(address).substr(0, name.size()), name) &&
            (address.size() == name.size() || address[name.size()] == '.'))
            ++agree;
    }
    const std::string port = attr_text(store, call, "server.port");
    const std::string their_port = attr_text(store, callee, "server.port");
    compare(port, their_port, port == their_port);
    std::string path = attr_text(store, call, "url.path");
    if (path.empty()) path = std::string(path_of_url(attr_text(store, call, "url.full")));
    const std::string their_path = attr_text(store, callee, "url.path");
    if (!compare(path, their_path, path == their_path)) {
        const std::string route = attr_text(store, callee, "http.route");
        compare(path, route, route_matches(route, path));
    }
    const std::string dest = attr_text(store, call, "messaging.destination.name");
    const std::string their_dest = attr_text(store, callee, "messaging.destination.name");
    compare(dest, their_dest, dest == their_dest);
    return differ ? -1 : agree;
}

bool is_database_call(const TraceStore& store, const Span& s) {
    return store.find_attr(s, "db.system.name") != nullptr || store.find_attr(s, "db.system") != nullptr;
}

// [SECTION] Caller windows

enum class WindowKind : uint8_t { Call, Parallel, Gap, Leaf };

// A stretch of time in which span `span` may have made the lost call. A root starting in [lo, hi] is a
// candidate; a synchronous callee must also end by fit_end.
struct Window {
    int64_t lo = 0, hi = 0;
    int64_t fit_end = 0;
    int64_t anchor = 0;  // the moment the call most likely left: proximity is measured from here
    uint32_t span = 0;
    WindowKind kind = WindowKind::Gap;
};

// When the calls of a span's child reached their callee: a CLIENT/PRODUCER child's first child, else the child.
int64_t arrival_of(const TraceStore& store, const Analysis& an, uint32_t child) {
    const Span& c = store.spans[child];
    if ((c.kind == SpanKind::Client || c.kind == SpanKind::Producer) && an.child_count[child] > 0)
        return store.spans[an.children_of(child).front()].start_ns;
    return c.start_ns;
}

void collect_windows(const TraceStore& store, const Analysis& an, const BrokenHopOptions& opt, std::vector<Window>& sync,
                     std::vector<Window>& async) {
    for (uint32_t i = 0; i < store.spans.size(); ++i) {
        const Span& s = store.spans[i];
        if (an.trace_of[i] < 0 || s.end_ns < s.start_ns) continue;
        const bool outgoing = s.kind == SpanKind::Client || s.kind == SpanKind::Producer;
        if (is_database_call(store, s)) continue;
        const uint32_t kids = an.child_count[i];
        if (outgoing) {
            if (kids != 0) continue;
            if (s.kind == SpanKind::Client)
                sync.push_back({s.start_ns, s.end_ns, s.end_ns, s.start_ns, i, WindowKind::Call});
            else
                async.push_back({s.start_ns, s.end_ns + opt.message_lag_ns, 0, s.start_ns, i, WindowKind::Call});
            continue;
        }
        if (kids == 0) {
            sync.push_back({s.start_ns, s.end_ns, s.end_ns, s.start_ns, i, WindowKind::Leaf});
            async.push_back({s.start_ns, s.end_ns + opt.message_lag_ns, 0, s.start_ns, i, WindowKind::Leaf});
            continue;
        }
        for (const Gap& g : an.gaps_of(i)) {
            sync.push_back({g.start_ns, g.end_ns, g.end_ns, g.start_ns, i, WindowKind::Gap});
            async.push_back({g.start_ns, s.end_ns + opt.message_lag_ns, 0, g.start_ns, i, WindowKind::Gap});
        }
        // Calls fired together: a lost one reached its callee about when its siblings reached theirs.
        int64_t last = INT64_MIN;
        for (uint32_t c : an.children_of(i)) {
            // Only calls to other services count as siblings: not in-process work, not database calls.
            const Span& child = store.spans[c];
            if (child.kind == SpanKind::Internal || child.kind == SpanKind::Unspecified || is_database_call(store, child))
                continue;
            const int64_t a = arrival_of(store, an, c);
            if (a == last) continue;
            last = a;
            sync.push_back({a - opt.parallel_tolerance_ns, a + opt.parallel_tolerance_ns, s.end_ns, a, i,
                            WindowKind::Parallel});
        }
    }
    const auto by_lo = [](const Window& x, const Window& y) { return x.lo < y.lo || (x.lo == y.lo && x.span < y.span); };
    std::sort(sync.begin(), sync.end(), by_lo);
    std::sort(async.begin(), async.end(), by_lo);
}

// [SECTION] Sweep

// Calls visit(root, window) for up to `limit` windows containing each root's start, the latest-opened first.
// Roots are sorted by start; each window enters and leaves the active set once: O((W + R) log W + R·limit).
void stab(const TraceStore& store, const std::vector<uint32_t>& roots, const std::vector<Window>& windows,
          uint32_t limit, const std::function<void(uint32_t, uint32_t)>& visit) {
    std::set<std::pair<int64_t, uint32_t>> active;  // (lo, window)
    using Ending = std::pair<int64_t, uint32_t>;     // (hi, window)
    std::priority_queue<Ending, std::vector<Ending>, std::greater<>> ending;
    size_t next = 0;
    for (uint32_t r : roots) {
        const int64_t t = store.spans[r].start_ns;
        while (next < windows.size() && windows[next].lo <= t) {
            if (windows[next].hi >= windows[next].lo) {
                active.emplace(windows[next].lo, static_cast<uint32_t>(next));
                ending.emplace(windows[next].hi, static_cast<uint32_t>(next));
            }
            ++next;
        }
        while (!ending.empty() && ending.top().first < t) {
            active.erase({windows[ending.top().second].lo, ending.top().second});
            ending.pop();
        }
        uint32_t seen = 0;
        for (auto it = active.rbegin(); it != active.rend() && seen < limit; ++it, ++seen) visit(r, it->second);
    }
}

// [SECTION] Choosing and naming

struct Candidate {
    uint32_t root = 0;
    uint32_t window = 0;
    bool async = false;
    int agree = 0;      // attributes in agreement (Call windows only)
    int tier = 0;       // 0 Call, 1 Parallel, 2 Gap/Leaf
    uint32_t options = 0;  // Call windows this root fits: roots with fewer choices are matched first
    int64_t proximity = 0;
    uint16_t depth = 0;
};

std::string format_ms(int64_t ns) {
    char buf[32];
    const double ms = static_cast<double>(ns) / 1e6;
    std::snprintf(buf, sizeof buf, ms < 1.0 && ms > -1.0 ? "%.2f ms" : "%.1f ms", ms);
    return buf;
}

std::string reason_for(BrokenHopCause cause, std::string_view from, std::string_view to, const std::string& at) {
    const std::string a(from), b(to);
    switch (cause) {
        case BrokenHopCause::HeaderLost:
            return a + " called " + b + " at " + at + " but " + b +
                   " started a new trace: the traceparent header was not sent or not read";
        case BrokenHopCause::MessageWithoutContext:
            return a + " published a message at " + at + " and " + b +
                   " consumed it in a new trace: trace context was not injected into the message (or not extracted "
                   "from it)";
        case BrokenHopCause::UninstrumentedClient:
            return a + " called " + b + " at " + at + " without a client span, and " + b +
                   " started a new trace: the call was made with an uninstrumented client (or through an "
                   "uninstrumented service), so no traceparent header was sent";
        case BrokenHopCause::UninstrumentedProducer:
            return a + " sent " + b + " a message around " + at + " without a producer span, and " + b +
                   " started a new trace: the message was published with an uninstrumented client, so it carried no "
                   "trace context";
        case BrokenHopCause::ContextDropped:
            return a + " started a call to " + b + " at " + at + " in a fresh context: " + a +
                   "'s code did not pass the current context on, so the call began a new trace";
    }
    return {};
}

// The service the call went to when the root is the call itself (a CLIENT/PRODUCER/INTERNAL root).
StrId callee_service_of_call(const TraceStore& store, const Analysis& an, uint32_t root, StrId caller_service) {
    const Span& r = store.spans[root];
    if (r.service != caller_service) return r.service;
    for (uint32_t c : an.children_of(root))
        if (store.spans[c].service != caller_service) return store.spans[c].service;
    for (const char* key : {"server.address", "messaging.destination.name"}) {
        const AttrValue* v = store.find_attr(r, key);
        if (v != nullptr && v->type == ValueType::String) return v->s;
    }
    return r.service;
}

}  // namespace

std::vector<BrokenHop> find_broken_hops(const TraceStore& store, const Analysis& an, const BrokenHopOptions& opt) {
    std::vector<BrokenHop> out;
    if (an.trace_of.size() != store.spans.size()) return out;

    // Roots that could be the callee of a lost call: no parent id (an orphan has one), no links (a split on
    // purpose), in a trace. Consumers wait in a queue, everything else answers a call synchronously.
    std::vector<uint32_t> sync_roots, async_roots;
    for (uint32_t i = 0; i < store.spans.size(); ++i) {
        const Span& s = store.spans[i];
        if (!s.is_root() || s.link_count != 0 || an.trace_of[i] < 0) continue;
        (s.kind == SpanKind::Consumer ? async_roots : sync_roots).push_back(i);
    }
    const auto by_start = [&](uint32_t x, uint32_t y) {
        return store.spans[x].start_ns < store.spans[y].start_ns || (store.spans[x].start_ns == store.spans[y].start_ns && x < y);
    };
    std::sort(sync_roots.begin(), sync_roots.end(), by_start);
    std::sort(async_roots.begin(), async_roots.end(), by_start);

    std::vector<Window> sync_windows, async_windows;
    collect_windows(store, an, opt, sync_windows, async_windows);

    std::vector<Candidate> cands;
    auto consider = [&](bool async, uint32_t r, uint32_t w_index) {
        const Window& w = (async ? async_windows : sync_windows)[w_index];
        const Span& root = store.spans[r];
        const Span& caller = store.spans[w.span];
        if (an.trace_of[w.span] == an.trace_of[r]) return;
        if (!async && root.end_ns > w.fit_end) return;
        const bool entry = root.kind == SpanKind::Server || root.kind == SpanKind::Consumer;
        Candidate c;
        c.root = r;
        c.window = w_index;
        c.async = async;
        c.tier = 2;
        c.proximity = root.start_ns - w.anchor;
        c.depth = an.depth[w.span];
        if (w.kind == WindowKind::Call) {
            if (!entry) return;  // a CLIENT span's callee receives the call: a SERVER (or, for a message, CONSUMER)
            c.agree = attribute_agreement(store, caller, root);
            if (c.agree < 0) return;
            c.tier = 0;
        } else {
            // Requests to the same service overlap all the time: without a client span to go by, a root of the
            // caller's own service is only taken when it is the call itself (a CLIENT/PRODUCER/INTERNAL root).
            if (entry && root.service == caller.service) return;
            // Nor one of the service the caller's request entered by: calls seldom go back to the entry, while
            // another request to it, running at the same time, is everyday traffic.
            const TraceInfo& ct = an.traces[static_cast<size_t>(an.trace_of[w.span])];
            if (entry && ct.root >= 0 && store.spans[static_cast<size_t>(ct.root)].service == root.service) return;
            if (w.kind == WindowKind::Parallel) {
                c.tier = 1;
                c.proximity = root.start_ns > w.anchor ? root.start_ns - w.anchor : w.anchor - root.start_ns;
            }
        }
        cands.push_back(c);
    };
    stab(store, sync_roots, sync_windows, opt.max_candidates, [&](uint32_t r, uint32_t w) { consider(false, r, w); });
    stab(store, async_roots, async_windows, opt.max_candidates, [&](uint32_t r, uint32_t w) { consider(true, r, w); });

    const auto window_of = [&](const Candidate& c) -> const Window& {
        return (c.async ? async_windows : sync_windows)[c.window];
    };
    // Without a client span, one caller per (root, caller trace): a call fired with its parallel siblings first,
    // else the deepest span of the trace still busy (the most specific caller), else the nearest window.
    // Candidates of one root are contiguous (the sweep visits a root once per pass).
    const auto better_in_trace = [&](const Candidate& x, const Candidate& y) {
        if (x.tier != y.tier) return x.tier < y.tier;
        if (x.depth != y.depth) return x.depth > y.depth;
        return x.proximity < y.proximity;
    };
    std::vector<Candidate> kept;
    kept.reserve(cands.size());
    for (size_t b = 0; b < cands.size();) {
        size_t e = b;
        while (e < cands.size() && cands[e].root == cands[b].root && cands[e].async == cands[b].async) ++e;
        uint32_t calls = 0;
        for (size_t k = b; k < e; ++k) calls += cands[k].tier == 0 ? 1u : 0u;
        for (size_t k = b; k < e; ++k) {
            Candidate c = cands[k];
            bool dominated = false;
            if (c.tier != 0) {
                const int32_t trace = an.trace_of[window_of(c).span];
                for (size_t j = b; j < e && !dominated; ++j)
                    dominated = j != k && cands[j].tier != 0 && an.trace_of[window_of(cands[j]).span] == trace &&
                                (better_in_trace(cands[j], c) || (!better_in_trace(c, cands[j]) && j < k));
            }
            c.options = calls;
            if (!dominated) kept.push_back(c);
        }
        b = e;
    }
    // Across traces: a client span first (attributes, then the roots with fewest choices), then whichever caller
    // was nearest in time to the callee's start.
    std::sort(kept.begin(), kept.end(), [&](const Candidate& x, const Candidate& y) {
        if (x.agree != y.agree) return x.agree > y.agree;
        if ((x.tier == 0) != (y.tier == 0)) return x.tier == 0;
        if (x.tier == 0 && x.options != y.options) return x.options < y.options;
        if (x.proximity != y.proximity) return x.proximity < y.proximity;
        // As near as each other: unexplained time that began with the callee, then a parallel call, then a leaf.
        const auto rank = [&](const Candidate& c) {
            const WindowKind k = window_of(c).kind;
            return k == WindowKind::Gap ? 0 : k == WindowKind::Parallel ? 1 : 2;
        };
        if (rank(x) != rank(y)) return rank(x) < rank(y);
        if (x.depth != y.depth) return x.depth > y.depth;
        if (x.root != y.root) return x.root < y.root;
        return window_of(x).span < window_of(y).span;
    });

    std::vector<uint8_t> root_taken(store.spans.size(), 0), call_taken(store.spans.size(), 0);
    for (const Candidate& c : kept) {
        const Window& w = window_of(c);
        if (root_taken[c.root] || (w.kind == WindowKind::Call && call_taken[w.span])) continue;
        root_taken[c.root] = 1;
        if (w.kind == WindowKind::Call) call_taken[w.span] = 1;
        const Span& caller = store.spans[w.span];
        const Span& root = store.spans[c.root];
        BrokenHop h;
        h.caller_span = w.span;
        h.callee_span = c.root;
        h.caller_trace = static_cast<uint32_t>(an.trace_of[w.span]);
        h.callee_trace = static_cast<uint32_t>(an.trace_of[c.root]);
        h.from_service = caller.service;
        h.to_service = root.service;
        const bool entry = root.kind == SpanKind::Server || root.kind == SpanKind::Consumer;
        if (w.kind == WindowKind::Call) {
            h.cause = caller.kind == SpanKind::Producer ? BrokenHopCause::MessageWithoutContext : BrokenHopCause::HeaderLost;
            h.at_ns = caller.start_ns;
        } else {
            h.cause = !entry                             ? BrokenHopCause::ContextDropped
                      : root.kind == SpanKind::Consumer ? BrokenHopCause::UninstrumentedProducer
                                                        : BrokenHopCause::UninstrumentedClient;
            h.at_ns = root.start_ns;
            if (!entry) h.to_service = callee_service_of_call(store, an, c.root, caller.service);
        }
        h.at_ns -= an.traces[h.caller_trace].start_ns;
        h.reason = reason_for(h.cause, store.str(h.from_service), store.str(h.to_service), format_ms(h.at_ns));
        out.push_back(std::move(h));
    }
    std::sort(out.begin(), out.end(), [](const BrokenHop& x, const BrokenHop& y) {
        if (x.callee_trace != y.callee_trace) return x.callee_trace < y.callee_trace;
        return x.callee_span < y.callee_span;
    });
    return out;
}

std::vector<uint32_t> broken_hops_of_trace(std::span<const BrokenHop> hops, uint32_t trace) {
    std::vector<uint32_t> out;
    for (uint32_t i = 0; i < hops.size(); ++i)
        if (hops[i].caller_trace == trace || hops[i].callee_trace == trace) out.push_back(i);
    return out;
}

}  // namespace tl
