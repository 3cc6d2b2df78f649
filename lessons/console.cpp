// Console rendering of a simulated request (see console.hpp).
#include "lessons/console.hpp"

#include <algorithm>
#include <cstdio>

namespace tl::lessons {

namespace {
// Call depth of every span: the analysis tree where the parent arrived, else the true caller's depth + 1.
std::vector<uint16_t> call_depths(const TraceStore& store, const Analysis& analysis, const Run* run) {
    const size_t n = store.spans.size();
    std::vector<int> true_parent(n, -1);
    if (run != nullptr) {
        for (size_t i = 0; i < n; ++i) {
            if (i < analysis.parent.size() && analysis.parent[i] >= 0) continue;
            const int op = store.spans[i].op;
            if (op < 0 || static_cast<size_t>(op) >= run->ops.size()) continue;
            const Operation& o = run->ops[static_cast<size_t>(op)];
            if (o.span != static_cast<int32_t>(i)) {
                // A client/producer span: its caller is the operation it belongs to.
                continue;
            }
            if (o.hop >= 0) {
                const Hop& h = run->hops[static_cast<size_t>(o.hop)];
                if (h.client_span >= 0 && h.client_span != static_cast<int32_t>(i)) {
                    true_parent[i] = h.client_span;
                    continue;
                }
            }
            int p = o.parent;
            while (p >= 0 && run->ops[static_cast<size_t>(p)].span < 0) p = run->ops[static_cast<size_t>(p)].parent;
            if (p >= 0) true_parent[i] = run->ops[static_cast<size_t>(p)].span;
        }
        // Client spans that became roots hang under the caller operation's span.
        for (const Hop& h : run->hops) {
            if (h.client_span < 0 || h.caller_op < 0) continue;
            const auto c = static_cast<size_t>(h.client_span);
            if (c < analysis.parent.size() && analysis.parent[c] >= 0) continue;
            const int caller_span = run->ops[static_cast<size_t>(h.caller_op)].span;
            if (caller_span >= 0 && caller_span != h.client_span) true_parent[c] = caller_span;
        }
    }
    std::vector<int> depth(n, -1);
    auto parent_of = [&](size_t i) -> int {
        if (i < analysis.parent.size() && analysis.parent[i] >= 0) return analysis.parent[i];
        return true_parent[i];
    };
    for (size_t i = 0; i < n; ++i) {
        // Walk up until a known depth (or a root), then fill the chain back down. Bounded against cycles.
        std::vector<size_t> chain;
        size_t cur = i;
        int base = -1;
        while (depth[cur] < 0 && chain.size() <= n) {
            chain.push_back(cur);
            const int p = parent_of(cur);
            if (p < 0) break;
            cur = static_cast<size_t>(p);
        }
        if (depth[cur] >= 0) base = depth[cur];
        for (auto it = chain.rbegin(); it != chain.rend(); ++it) depth[*it] = ++base;
    }
    std::vector<uint16_t> out(n);
    for (size_t i = 0; i < n; ++i) out[i] = static_cast<uint16_t>(std::min(depth[i], 200));
    return out;
}
}  // namespace

std::vector<ConsoleLine> console_lines(const TraceStore& store, const Analysis& analysis, const Run* run) {
    std::vector<ConsoleLine> lines;
    const size_t n = store.spans.size();
    if (n == 0) return lines;
    const std::vector<uint16_t> depth = call_depths(store, analysis, run);
    lines.reserve(2 * n);
    int64_t t0 = store.spans[0].start_ns;
    for (const Span& s : store.spans) t0 = std::min(t0, s.start_ns);
    for (size_t i = 0; i < n; ++i) {
        const Span& s = store.spans[i];
        for (bool start : {true, false}) {
            ConsoleLine l;
            l.time_ns = start ? s.start_ns : s.end_ns;
            l.span = static_cast<uint32_t>(i);
            l.trace = s.trace_id;
            l.depth = depth[i];
            l.start = start;
            lines.push_back(std::move(l));
        }
    }
    // Time order; at one instant ends come before starts, outer spans start first and end last.
    std::sort(lines.begin(), lines.end(), [](const ConsoleLine& a, const ConsoleLine& b) {
        if (a.time_ns != b.time_ns) return a.time_ns < b.time_ns;
        if (a.start != b.start) return !a.start;
        if (a.depth != b.depth) return a.start ? a.depth < b.depth : a.depth > b.depth;
        return a.span < b.span;
    });
    char head[96];
    for (ConsoleLine& l : lines) {
        const Span& s = store.spans[l.span];
        std::snprintf(head, sizeof head, "%9.3f ms  trace=%s  ", static_cast<double>(l.time_ns - t0) / 1e6,
                      to_hex(l.trace).c_str());
        l.text = head;
        l.text.append(2 * static_cast<size_t>(l.depth), ' ');
        l.text += l.start ? "start " : "end   ";
        l.text += store.str(s.service);
        l.text += ": ";
        l.text += store.str(s.name);
        if (!l.start) {
            char dur[48];
            std::snprintf(dur, sizeof dur, " (%.1f ms%s)", static_cast<double>(s.duration_ns()) / 1e6,
                          s.status == StatusCode::Error ? ", error" : "");
            l.text += dur;
        }
    }
    return lines;
}

std::string console_text(const std::vector<ConsoleLine>& lines) {
    std::string out;
    for (const ConsoleLine& l : lines) {
        out += l.text;
        out += '\n';
    }
    return out;
}

}  // namespace tl::lessons
