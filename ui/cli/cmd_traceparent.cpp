// `tracelab traceparent VALUE [--tracestate VALUE]…`: validates W3C trace-context headers and explains every
// field, then says what a receiving service would do with them.
// - Exit 0: valid; 1: invalid (the reason is printed on stdout, like the rest of the report); 2: usage error.
#include <ostream>

#include "sim/trace/trace_context.hpp"
#include "ui/cli/cli.hpp"

namespace tl::cli {

namespace {

const char* kTraceparentUsage =
    "usage: tracelab traceparent VALUE [--tracestate VALUE]...\n"
    "\n"
    "Checks a W3C traceparent header value against the Trace Context (Level 2) rules and explains each\n"
    "field: version, trace id, parent id and the trace flags bit by bit. With --tracestate it also checks\n"
    "and lists the vendors' entries; repeat the option to pass several tracestate header lines, which are\n"
    "joined in order as a receiver would. Finally it says whether a service receiving these headers would\n"
    "continue the trace or start a new one, and why.\n"
    "\n"
    "  VALUE              e.g. 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\n"
    "  --tracestate VALUE e.g. rojo=00f067aa0ba902b7,congo=t61rcWkgMzE\n"
    "\n"
    "Exit status: 0 valid, 1 invalid (the reason is printed), 2 wrong usage.\n";

int usage_error(Io io, const std::string& message) {
    io.err << "tracelab traceparent: " << message << "\n"
           << "Run `tracelab traceparent --help` for usage.\n";
    return 2;
}

void print_traceparent(std::ostream& out, const TraceParent& tp, const std::string& value) {
    const std::string sent = format_traceparent(tp);
    char version[3] = {"0123456789abcdef"[tp.version >> 4], "0123456789abcdef"[tp.version & 15], 0};
    char flags[3] = {"0123456789abcdef"[tp.flags >> 4], "0123456789abcdef"[tp.flags & 15], 0};
    out << "traceparent: " << value << "\n";
    out << "  version      " << version
        << (tp.version == 0 ? "  (the current version)\n" : "  (a newer version, read with the version 00 rules)\n");
    out << "  trace-id     " << to_hex(tp.trace_id) << "  (the id of the whole trace, shared by all its spans)\n";
    out << "  parent-id    " << to_hex(tp.parent_id)
        << "  (the caller's span: the receiver's span becomes its child)\n";
    out << "  trace-flags  " << flags << "  = binary ";
    for (int bit = 7; bit >= 0; --bit) out << ((tp.flags >> bit) & 1);
    out << "\n";
    for (const auto& line : describe_flags(tp.flags)) out << "    " << line << "\n";
    if (sent != value) out << "  sent on as   " << sent << "\n";
}

void print_tracestate(std::ostream& out, const TraceState& ts) {
    if (ts.empty()) {
        out << "  (no entries: nothing to pass on, so no tracestate header is sent)\n";
        return;
    }
    for (size_t i = 0; i < ts.entries.size(); ++i) {
        const auto& e = ts.entries[i];
        out << "  " << (i + 1) << ". " << e.key << " = " << e.value;
        if (auto mt = split_multi_tenant_key(e.key))
            out << "  (tenant \"" << mt->first << "\" of tracing system \"" << mt->second << "\")";
        if (i == 0) out << "  (leftmost: usually the vendor that last wrote the traceparent)";
        out << "\n";
    }
}

}  // namespace

int cmd_traceparent(const Args& args, Io io) {
    std::optional<std::string> value;
    std::vector<std::string> tracestates;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "--help" || a == "-h") {
            io.out << kTraceparentUsage;
            return 0;
        }
        if (a == "--tracestate") {
            if (i + 1 >= args.size()) return usage_error(io, "--tracestate needs a value");
            tracestates.push_back(args[++i]);
        } else if (a.rfind("--tracestate=", 0) == 0) {
            tracestates.push_back(a.substr(13));
        } else if (a.size() > 1 && a[0] == '-' && a[1] == '-') {
            return usage_error(io, "unknown option " + a);
        } else if (value) {
            return usage_error(io, "expected one traceparent value, got a second one: " + a);
        } else {
            value = a;
        }
    }
    if (!value) return usage_error(io, "missing the traceparent VALUE");

    std::ostream& out = io.out;
    auto tp = parse_traceparent(*value);
    bool valid = tp.ok();
    // Notes on a valid traceparent (and on the tracestate that then gets read) reappear in the receiver's
    // story below, so they are printed there only.
    if (tp.ok()) {
        print_traceparent(out, *tp, *value);
    } else {
        out << "traceparent: " << *value << "\n";
        out << "  invalid: " << tp.error() << "\n";
    }

    if (!tracestates.empty()) {
        std::vector<std::string_view> lines(tracestates.begin(), tracestates.end());
        ParseNotes ts_notes;
        auto ts = parse_tracestate(lines, &ts_notes);
        if (tracestates.size() == 1)
            out << "tracestate: " << tracestates[0] << "\n";
        else
            out << "tracestate (" << tracestates.size() << " header lines):\n";
        if (ts.ok()) {
            print_tracestate(out, *ts);
            if (!tp.ok())
                for (const auto& n : ts_notes) out << "  note: " << n << "\n";
        } else {
            valid = false;
            out << "  invalid: " << ts.error() << "\n";
        }
    }

    std::vector<HeaderField> headers{{"traceparent", *value}};
    for (const auto& t : tracestates) headers.push_back({"tracestate", t});
    const ReceivedContext rc = receive(headers);
    out << "\nA service receiving this would " << (rc.continues() ? "CONTINUE the trace" : "RESTART the trace")
        << ":\n";
    for (const auto& line : rc.explanation) out << "  " << line << "\n";
    out << (valid ? "valid\n" : "invalid\n");
    return valid ? 0 : 1;
}

}  // namespace tl::cli
