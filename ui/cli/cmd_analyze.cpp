// `tracelab analyze FILE [--json] [--adjust-skew]`: imports a trace file (OTLP JSON or protobuf, Jaeger, Zipkin,
// Chrome; detected from the content) and lists each trace: root, span count, duration, orphans, warnings,
// critical path, self time per service, clock skew, span links and per-operation statistics, then the broken
// hops across traces (a request that split because context was lost). `--json` prints one stable document
// (described in the README).
// [SECTION] Summary  [SECTION] Text  [SECTION] JSON  [SECTION] Command
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <istream>
#include <iterator>
#include <ostream>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "sim/formats/formats.hpp"
#include "sim/trace/analysis.hpp"
#include "sim/trace/broken_hops.hpp"
#include "sim/trace/links.hpp"
#include "sim/trace/skew.hpp"
#include "sim/trace/statistics.hpp"
#include "ui/cli/cli.hpp"

namespace tl::cli {

namespace {

const char* kAnalyzeUsage =
    "usage: tracelab analyze FILE [--json] [--adjust-skew]\n"
    "\n"
    "Reads a trace file and lists each trace in it: the root span, span count, duration, orphans (spans whose\n"
    "parent never arrived), warnings, the critical path, the self time per service, clock skew (a service whose\n"
    "clock disagrees with its caller's), span links and per-operation statistics, then the broken hops:\n"
    "where one request split into two traces because trace context was lost, and the likely cause.\n"
    "The format is recognised from the content: OTLP/JSON (also one request per line), OTLP protobuf (one\n"
    "serialized ExportTraceServiceRequest, .pb/.binpb), Jaeger JSON (a query response or a single trace),\n"
    "Zipkin v2 JSON, or Chrome Trace Event JSON. FILE - reads standard input.\n"
    "\n"
    "  --json          print one JSON document instead of text (its shape is described in the README)\n"
    "  --adjust-skew   move each service whose clock disagrees with its caller's into the caller, as Jaeger's\n"
    "                  clock-skew adjuster does, before computing durations, paths and statistics\n";

// What analyze derives beyond Analysis: skew (found on the times as received), links, broken hops.
struct Extras {
    ClockSkewReport skew;
    bool adjusted = false;
    LinkIndex links;
    std::vector<BrokenHop> hops;  // across traces: where a request split because context was lost
};

// [SECTION] Summary

struct CriticalEntry {
    uint32_t span = 0;
    int64_t ns = 0;
};

struct ServiceTime {
    std::string service;
    int64_t ns = 0;
};

// The critical path as one entry per span, in order of first appearance along the path. `seen` is a
// per-span scratch array (all zero on entry and on return), so the cost follows the path, not the store.
std::vector<CriticalEntry> critical_entries(const Analysis& a, const TraceInfo& t, std::vector<uint8_t>& seen) {
    std::vector<CriticalEntry> out;
    if (seen.size() < a.critical_ns.size()) seen.resize(a.critical_ns.size(), 0);
    for (const CriticalSegment& seg : t.critical_path) {
        if (seen[seg.span] != 0) continue;
        seen[seg.span] = 1;
        out.push_back(CriticalEntry{seg.span, a.critical_ns[seg.span]});
    }
    for (const CriticalEntry& e : out) seen[e.span] = 0;
    return out;
}

// Self time summed per service, largest first (ties by name, so the order is stable).
std::vector<ServiceTime> self_time_by_service(const TraceStore& st, const Analysis& a, const TraceInfo& t) {
    std::unordered_map<StrId, int64_t> by_id;
    for (uint32_t s : t.spans) by_id[st.spans[s].service] += a.self_ns[s];
    std::vector<ServiceTime> out;
    out.reserve(by_id.size());
    for (const auto& [svc, ns] : by_id) out.push_back(ServiceTime{std::string(st.str(svc)), ns});
    std::sort(out.begin(), out.end(), [](const ServiceTime& x, const ServiceTime& y) {
        return x.ns != y.ns ? x.ns > y.ns : x.service < y.service;
    });
    return out;
}

const char* format_title(TraceFormat f, bool protobuf) {
    switch (f) {
        case TraceFormat::Otlp:
            return protobuf ? "OTLP protobuf" : "OTLP/JSON";
        case TraceFormat::Jaeger:
            return "Jaeger JSON";
        case TraceFormat::Zipkin:
            return "Zipkin v2 JSON";
        case TraceFormat::Chrome:
            return "Chrome Trace Event JSON";
    }
    return "";
}

// [SECTION] Text

void print_text(const ImportedTrace& imp, const Analysis& a, const Extras& x, const std::string& source,
                std::ostream& out) {
    const std::vector<BrokenHop>& hops = x.hops;
    const TraceStore& st = imp.store;
    out << source << ": " << format_title(imp.format, imp.protobuf) << ", " << a.traces.size() << " trace(s), " << st.spans.size()
        << " span(s)\n";
    for (const auto& w : imp.warnings) out << "warning: " << w << "\n";
    std::vector<uint8_t> seen;
    if (x.adjusted) out << "clock skew adjusted: times below are moved into their callers\n";
    for (const TraceInfo& t : a.traces) {
        out << "\ntrace " << to_hex(t.id) << "\n";
        if (t.root >= 0) {
            const Span& r = st.spans[static_cast<size_t>(t.root)];
            out << "  root           " << st.str(r.name) << " (" << st.str(r.service) << ")\n";
        } else if (t.orphans.empty() && t.has_cycle()) {
            out << "  root           none: the spans form a parent cycle\n";
        } else {
            out << "  root           none: the root span never arrived\n";
        }
        out << "  spans          " << t.spans.size() << "\n";
        out << "  duration       " << round_ms_text(t.duration_ns()) << (t.has_error ? "  (has errors)" : "") << "\n";
        if (!t.orphans.empty()) {
            out << "  orphans        " << t.orphans.size() << ":";
            for (uint32_t o : t.orphans)
                out << " " << to_hex(st.spans[o].span_id) << " (parent " << to_hex(st.spans[o].parent_span_id) << ")";
            out << "\n";
        }
        if (t.has_cycle()) {
            out << "  parent cycle   " << t.cycle.size() << ":";
            for (uint32_t c : t.cycle)
                out << " " << to_hex(st.spans[c].span_id) << " (parent " << to_hex(st.spans[c].parent_span_id) << ")";
            out << "\n";
        }
        for (const auto& w : t.warnings) out << "  warning        " << w << "\n";
        out << "  critical path\n";
        for (const CriticalEntry& e : critical_entries(a, t, seen)) {
            const Span& s = st.spans[e.span];
            out << "    " << round_ms_text(e.ns) << "  " << st.str(s.name) << " (" << st.str(s.service) << ")\n";
        }
        out << "  self time by service\n";
        for (const ServiceTime& s : self_time_by_service(st, a, t))
            out << "    " << round_ms_text(s.ns) << "  " << s.service << "\n";
        const auto ti = static_cast<uint32_t>(&t - a.traces.data());
        for (const SkewFinding& f : x.skew.findings) {
            if (f.trace != ti) continue;
            out << "  clock skew     " << clock_of(st.str(f.service)) << " looks "
                << round_ms_text(std::abs(f.offset_ns)) << (f.offset_ns > 0 ? " ahead" : " behind") << " (span "
                << to_hex(st.spans[f.span].span_id) << ")" << (x.adjusted ? ", adjusted" : "") << "\n";
        }
        for (uint32_t s : t.spans)
            for (uint32_t k = 0; k < x.links.count[s]; ++k) {
                const ResolvedLink& l = x.links.links[x.links.begin[s] + k];
                out << "  link           " << to_hex(st.spans[s].span_id) << " -> " << to_hex(l.to_trace) << "/"
                    << to_hex(l.to_span) << (l.target < 0 ? " (not in this file)" : "") << "\n";
            }
        out << "  statistics     count      total       self  operation\n";
        for (const OperationStats& r : trace_statistics(st, a, ti)) {
            char line[96];
            std::snprintf(line, sizeof line, "    %19u %10.3f %10.3f  ", r.count, round_ms(r.total_ns),
                          round_ms(r.self_ns));
            out << line << st.str(r.name) << " (" << st.str(r.service) << ")\n";
        }
    }
    out << "\nbroken hops    " << (hops.empty() ? "none" : std::to_string(hops.size())) << "\n";
    for (const BrokenHop& h : hops) {
        out << "  " << h.reason << "\n";
        out << "    caller " << to_hex(a.traces[h.caller_trace].id) << " span "
            << to_hex(st.spans[h.caller_span].span_id) << ", callee " << to_hex(a.traces[h.callee_trace].id) << " span "
            << to_hex(st.spans[h.callee_span].span_id) << "\n";
    }
}

// [SECTION] JSON

nlohmann::ordered_json to_json(const ImportedTrace& imp, const Analysis& a, const Extras& x,
                               const std::string& source) {
    const std::vector<BrokenHop>& hops = x.hops;
    using J = nlohmann::ordered_json;
    const TraceStore& st = imp.store;
    J doc;
    doc["file"] = source;
    doc["format"] = to_string(imp.format);
    doc["span_count"] = st.spans.size();
    doc["warnings"] = imp.warnings;
    doc["skew_adjusted"] = x.adjusted;
    J traces = J::array();
    std::vector<uint8_t> seen;
    for (const TraceInfo& t : a.traces) {
        J tj;
        tj["trace_id"] = to_hex(t.id);
        tj["root"] = t.root >= 0 ? J(std::string(st.str(st.spans[static_cast<size_t>(t.root)].name))) : J(nullptr);
        tj["root_service"] =
            t.root >= 0 ? J(std::string(st.str(st.spans[static_cast<size_t>(t.root)].service))) : J(nullptr);
        tj["spans"] = t.spans.size();
        tj["start_unix_nano"] = std::to_string(t.start_ns);
        tj["duration_ms"] = round_ms(t.duration_ns());
        tj["error"] = t.has_error;
        J orphans = J::array();
        for (uint32_t o : t.orphans) orphans.push_back(to_hex(st.spans[o].span_id));
        tj["orphans"] = orphans;
        J cycle = J::array();
        for (uint32_t c : t.cycle) cycle.push_back(to_hex(st.spans[c].span_id));
        tj["cycle"] = cycle;
        tj["warnings"] = t.warnings;
        J path = J::array();
        for (const CriticalEntry& e : critical_entries(a, t, seen)) {
            const Span& s = st.spans[e.span];
            path.push_back(J{{"span_id", to_hex(s.span_id)},
                             {"name", std::string(st.str(s.name))},
                             {"service", std::string(st.str(s.service))},
                             {"ms", round_ms(e.ns)}});
        }
        tj["critical_path"] = path;
        J self = J::array();
        for (const ServiceTime& s : self_time_by_service(st, a, t))
            self.push_back(J{{"service", s.service}, {"ms", round_ms(s.ns)}});
        tj["self_time_ms"] = self;
        const auto ti = static_cast<uint32_t>(&t - a.traces.data());
        J skew = J::array();
        for (const SkewFinding& f : x.skew.findings)
            if (f.trace == ti)
                skew.push_back(J{{"service", std::string(st.str(f.service))},
                                 {"span_id", to_hex(st.spans[f.span].span_id)},
                                 {"offset_ms", round_ms(f.offset_ns)}});
        tj["clock_skew"] = skew;
        J links = J::array();
        for (uint32_t s : t.spans)
            for (uint32_t k = 0; k < x.links.count[s]; ++k) {
                const ResolvedLink& l = x.links.links[x.links.begin[s] + k];
                links.push_back(J{{"from_span_id", to_hex(st.spans[s].span_id)},
                                  {"to_trace_id", to_hex(l.to_trace)},
                                  {"to_span_id", to_hex(l.to_span)},
                                  {"resolved", l.target >= 0}});
            }
        tj["links"] = links;
        J stats = J::array();
        for (const OperationStats& r : trace_statistics(st, a, ti))
            stats.push_back(J{{"service", std::string(st.str(r.service))},
                              {"name", std::string(st.str(r.name))},
                              {"count", r.count},
                              {"total_ms", round_ms(r.total_ns)},
                              {"self_ms", round_ms(r.self_ns)},
                              {"avg_ms", round_ms(r.avg_ns())},
                              {"min_ms", round_ms(r.min_ns)},
                              {"max_ms", round_ms(r.max_ns)},
                              {"share", std::round(r.share * 10000.0) / 10000.0}});
        tj["statistics"] = stats;
        traces.push_back(std::move(tj));
    }
    doc["traces"] = std::move(traces);
    J broken = J::array();
    for (const BrokenHop& h : hops)
        broken.push_back(J{{"from_service", std::string(st.str(h.from_service))},
                           {"to_service", std::string(st.str(h.to_service))},
                           {"caller_trace_id", to_hex(a.traces[h.caller_trace].id)},
                           {"caller_span_id", to_hex(st.spans[h.caller_span].span_id)},
                           {"callee_trace_id", to_hex(a.traces[h.callee_trace].id)},
                           {"callee_span_id", to_hex(st.spans[h.callee_span].span_id)},
                           {"at_ms", round_ms(h.at_ns)},
                           {"reason", h.reason},
                           {"cause", to_string(h.cause)}});
    doc["broken_hops"] = std::move(broken);
    return doc;
}

}  // namespace

// [SECTION] Command

int cmd_analyze(const Args& args, Io io) {
    std::string file;
    bool json = false, adjust_skew = false;
    for (const std::string& a : args) {
        if (a == "--help" || a == "-h") {
            io.out << kAnalyzeUsage;
            return 0;
        }
        if (a == "--json") {
            json = true;
        } else if (a == "--adjust-skew") {
            adjust_skew = true;
        } else if (a.size() > 1 && a[0] == '-') {
            io.err << "tracelab analyze: unknown option " << a << "\n" << kAnalyzeUsage;
            return 2;
        } else if (!file.empty()) {
            io.err << "tracelab analyze: one file at a time (got " << file << " and " << a << ")\n";
            return 2;
        } else {
            file = a;
        }
    }
    if (file.empty()) {
        io.err << "tracelab analyze: which file?\n" << kAnalyzeUsage;
        return 2;
    }
    Result<ImportedTrace> imported =
        file == "-" ? import_trace_text(std::string(std::istreambuf_iterator<char>(io.in), {}), "<stdin>")
                    : import_trace_file(file);
    release_import_memory();  // the analysis needs the memory more than a parser that will not run again
    if (!imported) {
        io.err << "tracelab analyze: " << imported.error() << "\n";
        return 1;
    }
    Analysis analysis = analyze(imported->store);
    Extras extras;
    extras.skew = detect_clock_skew(imported->store, analysis);
    if (adjust_skew && extras.skew.any()) {
        adjust_for_skew(imported->store, extras.skew);
        analyze(imported->store, analysis);
        extras.adjusted = true;
        // Trace order follows start times, which adjusting may change: point each finding at its trace again.
        for (SkewFinding& f : extras.skew.findings)
            f.trace = static_cast<uint32_t>(analysis.find_trace(imported->store.spans[f.span].trace_id));
    }
    extras.links = resolve_links(imported->store, analysis);
    extras.hops = find_broken_hops(imported->store, analysis);
    const std::string source = file == "-" ? "<stdin>" : file;
    if (json)
        io.out << to_json(*imported, analysis, extras, source)
                      .dump(2, ' ', false, nlohmann::json::error_handler_t::replace)
               << "\n";
    else
        print_text(*imported, analysis, extras, source, io.out);
    return 0;
}

}  // namespace tl::cli
