// `tracelab sampler`: one head sampler's decision for given trace ids, with the numbers it compared.
#include <cstdio>
#include <ostream>

#include "sim/sampling/sampling.hpp"
#include "ui/cli/cli.hpp"

namespace tl::cli {

namespace {
const char* kHelp =
    "usage: tracelab sampler ratio R TRACEID…\n"
    "       tracelab sampler probability P TRACEID…\n"
    "\n"
    "Prints, for each 32-hex-digit trace id, what a head sampler decides, ending in keep or drop.\n"
    "\n"
    "  ratio R         TraceIDRatioBased as the OpenTelemetry Go SDK computes it: bytes 8..15 of the trace id,\n"
    "                  read big-endian and shifted right by one, are kept when below R x 2^63\n"
    "  probability P   consistent probability sampling: the rightmost 56 bits of the trace id (R) are kept\n"
    "                  when R >= the rejection threshold T = 2^56 - round(P x 2^56); prints ot=th:…\n"
    "  -h, --help      show this help\n";

std::string hex_u64(uint64_t v, int digits) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "%0*llx", digits, static_cast<unsigned long long>(v));
    return buf;
}
}  // namespace

int cmd_sampler(const Args& args, Io io) {
    for (const auto& a : args)
        if (a == "-h" || a == "--help") {
            io.out << kHelp;
            return 0;
        }
    auto usage = [&](const std::string& msg) {
        io.err << "tracelab sampler: " << msg << " (see tracelab sampler --help)\n";
        return 2;
    };
    if (args.size() < 3) return usage("needs a sampler (ratio or probability), a value and at least one trace id");
    const std::string& kind = args[0];
    if (kind != "ratio" && kind != "probability")
        return usage("unknown sampler \"" + kind + "\": use ratio or probability");
    double r = 0;
    if (!parse_double(args[1], r) || r < 0 || r > 1)
        return usage(kind + " needs a number from 0 to 1, got \"" + args[1] + "\"");
    std::vector<TraceId> ids;
    for (size_t i = 2; i < args.size(); ++i) {
        auto id = parse_trace_id(args[i]);
        if (!id) return usage("\"" + args[i] + "\" is not a trace id (32 hex digits, not all zero)");
        ids.push_back(*id);
    }
    if (kind == "ratio") {
        const auto sampler = make_head_sampler(HeadKind::Ratio, r);
        const uint64_t bound = trace_id_ratio_upper_bound(r);
        for (const TraceId& id : ids) {
            SamplingInput in;
            in.trace_id = id;
            const bool keep = sampler->should_sample(in).sampled;
            io.out << to_hex(id) << "  x=" << hex_u64(id.lo >> 1, 16)
                   << (r >= 1 ? "  (ratio 1: always on)" : "  bound=" + hex_u64(bound, 16)) << "  "
                   << (keep ? "keep" : "drop") << "\n";
        }
    } else {
        const ProbabilitySampler sampler(r);
        for (const TraceId& id : ids) {
            SamplingInput in;
            in.trace_id = id;
            const auto res = sampler.should_sample(in);
            io.out << to_hex(id) << "  R=" << hex_u64(trace_randomness(id), 14)
                   << "  T=" << hex_u64(sampler.threshold(), 14);
            if (res.sampled) io.out << "  " << res.tracestate;
            io.out << "  " << (res.sampled ? "keep" : "drop") << "\n";
        }
    }
    return 0;
}

}  // namespace tl::cli
