// Trace statistics (Jaeger UI's per-trace table): grouping by service and operation, and sorting the rows.
#include "sim/trace/statistics.hpp"

#include <algorithm>
#include <tuple>
#include <unordered_map>

namespace tl {

namespace {

bool by_names(const TraceStore& st, const OperationStats& a, const OperationStats& b) {
    const auto as = st.str(a.service), bs = st.str(b.service);
    if (as != bs) return as < bs;
    return st.str(a.name) < st.str(b.name);
}

}  // namespace

std::vector<OperationStats> trace_statistics(const TraceStore& store, const Analysis& analysis, uint32_t trace) {
    std::vector<OperationStats> rows;
    if (trace >= analysis.traces.size()) return rows;
    const TraceInfo& t = analysis.traces[trace];
    std::unordered_map<uint64_t, uint32_t> row_of;  // (service << 32 | name) -> row
    row_of.reserve(t.spans.size());
    for (uint32_t i : t.spans) {
        const Span& s = store.spans[i];
        const uint64_t key = (static_cast<uint64_t>(s.service) << 32) | s.name;
        auto [it, fresh] = row_of.try_emplace(key, static_cast<uint32_t>(rows.size()));
        const int64_t d = s.duration_ns();
        if (fresh) {
            OperationStats r;
            r.service = s.service;
            r.name = s.name;
            r.min_ns = d;
            r.max_ns = d;
            rows.push_back(r);
        }
        OperationStats& r = rows[it->second];
        r.count += 1;
        r.total_ns += d;
        r.self_ns += analysis.self_ns[i];
        r.min_ns = std::min(r.min_ns, d);
        r.max_ns = std::max(r.max_ns, d);
    }
    const int64_t trace_ns = t.duration_ns();
    for (OperationStats& r : rows)
        r.share = trace_ns > 0 ? static_cast<double>(r.self_ns) / static_cast<double>(trace_ns) : 0.0;
    sort_statistics(store, rows, StatsColumn::Self, false);
    return rows;
}

void sort_statistics(const TraceStore& store, std::vector<OperationStats>& rows, StatsColumn column, bool ascending) {
    auto value = [column](const OperationStats& r) -> double {
        switch (column) {
            case StatsColumn::Count:
                return r.count;
            case StatsColumn::Total:
                return static_cast<double>(r.total_ns);
            case StatsColumn::Self:
                return static_cast<double>(r.self_ns);
            case StatsColumn::Avg:
                return static_cast<double>(r.avg_ns());
            case StatsColumn::Min:
                return static_cast<double>(r.min_ns);
            case StatsColumn::Max:
                return static_cast<double>(r.max_ns);
            case StatsColumn::Share:
                return r.share;
            case StatsColumn::Service:
            case StatsColumn::Name:
                return 0.0;
        }
        return 0.0;
    };
    std::sort(rows.begin(), rows.end(), [&](const OperationStats& a, const OperationStats& b) {
        if (column == StatsColumn::Service || column == StatsColumn::Name) {
            const auto ka = column == StatsColumn::Service ? std::tuple(store.str(a.service), store.str(a.name))
                                                           : std::tuple(store.str(a.name), store.str(a.service));
            const auto kb = column == StatsColumn::Service ? std::tuple(store.str(b.service), store.str(b.name))
                                                           : std::tuple(store.str(b.name), store.str(b.service));
            return ascending ? ka < kb : kb < ka;
        }
        const double va = value(a), vb = value(b);
        if (va != vb) return ascending ? va < vb : va > vb;
        return by_names(store, a, b);
    });
}

}  // namespace tl
