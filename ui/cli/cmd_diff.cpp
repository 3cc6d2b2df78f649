// `tracelab diff A B [--trace ID]… [--json]`: compares the traces of two files (or two traces of one file)
// span by span: matched by service, name and place in the tree; prints each span's old and new duration,
// the change, and spans added, removed or moved elsewhere (e.g. into a trace of their own).
// [SECTION] Output  [SECTION] Command
#include <cctype>
#include <cmath>
#include <cstdio>
#include <ostream>

#include <nlohmann/json.hpp>

#include "sim/formats/formats.hpp"
#include "sim/trace/diff.hpp"
#include "ui/cli/cli.hpp"

namespace tl::cli {

namespace {

const char* kDiffUsage =
    "usage: tracelab diff A B [--trace ID] [--trace ID] [--json]\n"
    "\n"
    "Compares the traces in file A (the baseline) with those in file B. Spans are matched by service, name\n"
    "and place in the tree; each gets its old and new duration and the change. A span that kept its service\n"
    "and name but sits elsewhere (for example in a new trace, because propagation broke) is \"moved\".\n"
    "A and B may be the same file.\n"
    "\n"
    "  --trace ID   compare only this trace (a 32-digit trace id or a unique prefix); given twice, the first\n"
    "               picks A's trace and the second B's; given once, it picks from both files\n"
    "  --json       print {\"root_delta_ms\", \"spans\": [{service, name, old_ms, new_ms, delta_ms, change}]}\n";

struct Loaded {
    ImportedTrace imp;
    Analysis analysis;
};

// [SECTION] Output

std::string signed_ms(int64_t ns) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%+.3f ms", round_ms(ns));
    return buf;
}

// The span a change describes, from whichever side has it.
const Span& span_of(const SpanChange& c, const TraceStore& a, const TraceStore& b, const TraceStore** st) {
    if (c.new_span >= 0) {
        *st = &b;
        return b.spans[static_cast<size_t>(c.new_span)];
    }
    *st = &a;
    return a.spans[static_cast<size_t>(c.old_span)];
}

// Picks traces by id or id prefix; an error names what matched nothing or too much.
Result<std::vector<uint32_t>> pick(const Loaded& l, const std::string& id, const std::string& file) {
    if (id.empty()) return all_traces(l.analysis);
    std::vector<uint32_t> hits;
    for (uint32_t i = 0; i < l.analysis.traces.size(); ++i)
        if (to_hex(l.analysis.traces[i].id).rfind(id, 0) == 0) hits.push_back(i);
    if (hits.empty()) return Result<std::vector<uint32_t>>::failure(file + ": no trace id starts with " + id);
    if (hits.size() > 1)
        return Result<std::vector<uint32_t>>::failure(file + ": " + std::to_string(hits.size()) +
                                                      " trace ids start with " + id + "; give more digits");
    return hits;
}

}  // namespace

// [SECTION] Command

int cmd_diff(const Args& args, Io io) {
    std::vector<std::string> files, traces;
    bool json = false;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "--help" || a == "-h") {
            io.out << kDiffUsage;
            return 0;
        }
        if (a == "--json") {
            json = true;
        } else if (a == "--trace") {
            if (i + 1 >= args.size()) {
                io.err << "tracelab diff: --trace needs a trace id\n" << kDiffUsage;
                return 2;
            }
            traces.push_back(args[++i]);
        } else if (a.size() > 1 && a[0] == '-') {
            io.err << "tracelab diff: unknown option " << a << "\n" << kDiffUsage;
            return 2;
        } else {
            files.push_back(a);
        }
    }
    if (files.size() != 2 || traces.size() > 2) {
        io.err << "tracelab diff: needs two files (and at most two --trace)\n" << kDiffUsage;
        return 2;
    }
    Loaded side[2];
    for (int k = 0; k < 2; ++k) {
        auto imp = import_trace_file(files[static_cast<size_t>(k)]);
        if (k == 1) release_import_memory();  // both files are in; the diff needs the memory more
        if (!imp) {
            io.err << "tracelab diff: " << imp.error() << "\n";
            return 1;
        }
        side[k].imp = std::move(*imp);
        side[k].analysis = analyze(side[k].imp.store);
    }
    for (std::string& id : traces)
        for (char& c : id) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const std::string id_a = traces.empty() ? "" : traces[0];
    const std::string id_b = traces.size() == 2 ? traces[1] : id_a;
    auto ta = pick(side[0], id_a, files[0]);
    auto tb = pick(side[1], id_b, files[1]);
    for (auto* r : {&ta, &tb})
        if (!*r) {
            io.err << "tracelab diff: " << r->error() << "\n";
            return 1;
        }
    const TraceStore& sa = side[0].imp.store;
    const TraceStore& sb = side[1].imp.store;
    const TraceDiff d = diff_traces(DiffSide{&sa, &side[0].analysis, *ta}, DiffSide{&sb, &side[1].analysis, *tb});

    if (json) {
        using J = nlohmann::ordered_json;
        J doc;
        doc["root_delta_ms"] = d.has_roots() ? J(round_ms(d.root_delta_ns())) : J(nullptr);
        J spans = J::array();
        for (const SpanChange& c : d.spans) {
            const TraceStore* st = nullptr;
            const Span& s = span_of(c, sa, sb, &st);
            J e;
            e["service"] = std::string(st->str(s.service));
            e["name"] = std::string(st->str(s.name));
            e["old_ms"] = c.old_span >= 0 ? J(round_ms(c.old_ns)) : J(nullptr);
            e["new_ms"] = c.new_span >= 0 ? J(round_ms(c.new_ns)) : J(nullptr);
            e["delta_ms"] = c.old_span >= 0 && c.new_span >= 0 ? J(round_ms(c.delta_ns())) : J(nullptr);
            e["change"] = to_string(c.change);
            spans.push_back(std::move(e));
        }
        doc["spans"] = std::move(spans);
        io.out << doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
        return 0;
    }
    io.out << files[0] << " -> " << files[1] << "\n";
    if (d.has_roots())
        io.out << "root  " << sa.str(sa.spans[static_cast<size_t>(d.old_root)].name) << ": "
               << round_ms_text(d.old_root_ns) << " -> " << round_ms_text(d.new_root_ns) << " ("
               << signed_ms(d.root_delta_ns()) << ")\n";
    io.out << d.same << " same, " << d.moved << " moved, " << d.added << " added, " << d.removed << " removed\n\n";
    for (const SpanChange& c : d.spans) {
        const TraceStore* st = nullptr;
        const Span& s = span_of(c, sa, sb, &st);
        char line[160];
        std::snprintf(line, sizeof line, "%-8s %12s %12s %14s  ", to_string(c.change),
                      c.old_span >= 0 ? round_ms_text(c.old_ns).c_str() : "-",
                      c.new_span >= 0 ? round_ms_text(c.new_ns).c_str() : "-",
                      c.old_span >= 0 && c.new_span >= 0 ? signed_ms(c.delta_ns()).c_str() : "");
        io.out << line << st->str(s.name) << " (" << st->str(s.service) << ")\n";
    }
    return 0;
}

}  // namespace tl::cli
