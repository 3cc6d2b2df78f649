// Parsing of the desktop app's flags.
#include "ui/gui_options.hpp"

#include <cstdio>

namespace tl::ui {

const char* gui_usage() {
    return "usage: tracelab [simulation flags] [TRACE_FILE]\n"
           "       tracelab --screenshot OUT.png [--size WxH] [--panel NAME] [--frames N] [--play] [--select SPAN] "
           "[--baseline FILE] [--search QUERY] [--adjust-skew] [--lesson ID[:STEP]] [...]\n"
           "       tracelab ... [--text-size PERCENT] [--theme dark|high-contrast]\n"
           "       tracelab --frame-times N [--size WxH] [...]\n"
           "       tracelab --listen [--http ADDR] [--grpc ADDR]   receive OTLP from your own services (loopback\n"
           "                        127.0.0.1:4318 and :4317 unless another address is given)\n"
           "       tracelab --startup-compare\n";
}

Result<GuiOptions> parse_gui_options(const cli::Args& args) {
    using R = Result<GuiOptions>;
    GuiOptions o;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        std::string error;
        if (cli::parse_sim_flag(args, i, o.sim, error)) {
            if (!error.empty()) return R::failure(error);
            if (a.rfind("--scenario", 0) == 0) o.scenario_given = true;
            --i;  // parse_sim_flag advanced past the flag; the loop advances too
            continue;
        }
        if (!error.empty()) return R::failure(error);
        auto value = [&](const char* flag) -> std::optional<std::string> {
            if (i + 1 >= args.size()) return std::nullopt;
            (void)flag;
            return args[++i];
        };
        auto need = [&](const char* flag) { return R::failure(std::string(flag) + " needs a value"); };
        auto count = [&](const std::string& v, int& out, int max) {
            uint64_t n = 0;
            if (!cli::parse_u64(v, n) || n == 0 || n > uint64_t(max)) return false;
            out = int(n);
            return true;
        };
        if (a == "--screenshot") {
            auto v = value("--screenshot");
            if (!v) return need("--screenshot");
            o.screenshot = *v;
        } else if (a == "--size") {
            auto v = value("--size");
            if (!v) return need("--size");
            const auto x = v->find('x');
            if (x == std::string::npos || !count(v->substr(0, x), o.width, 16384) ||
                !count(v->substr(x + 1), o.height, 16384) || o.width < 320 || o.height < 240)
                return R::failure("--size " + *v + ": expected WIDTHxHEIGHT, at least 320x240 (e.g. 1280x800)");
            o.size_given = true;
        } else if (a == "--panel") {
            auto v = value("--panel");
            if (!v) return need("--panel");
            o.panel = *v;
        } else if (a == "--frames") {
            auto v = value("--frames");
            if (!v) return need("--frames");
            if (!count(*v, o.frames, 100000)) return R::failure("--frames " + *v + ": expected a positive number");
        } else if (a == "--frame-times") {
            auto v = value("--frame-times");
            if (!v) return need("--frame-times");
            if (!count(*v, o.frame_times, 1000000))
                return R::failure("--frame-times " + *v + ": expected a positive number");
        } else if (a == "--play") {
            o.play = true;
        } else if (a == "--select") {
            auto v = value("--select");
            if (!v) return need("--select");
            o.select = *v;
        } else if (a == "--text-size") {
            auto v = value("--text-size");
            if (!v) return need("--text-size");
            uint64_t pct = 0;
            if (!cli::parse_u64(*v, pct) || pct < 80 || pct > 200)
                return R::failure("--text-size " + *v + ": expected a percentage from 80 to 200 (e.g. 150)");
            o.text_scale = float(pct) / 100.0f;
        } else if (a == "--theme") {
            auto v = value("--theme");
            if (!v) return need("--theme");
            if (*v != "dark" && *v != "high-contrast")
                return R::failure("--theme " + *v + ": expected dark or high-contrast");
            o.theme = *v;
        } else if (a == "--baseline") {
            auto v = value("--baseline");
            if (!v) return need("--baseline");
            o.baseline = *v;
        } else if (a == "--search") {
            auto v = value("--search");
            if (!v) return need("--search");
            o.search = *v;
        } else if (a == "--adjust-skew") {
            o.adjust_skew = true;
        } else if (a == "--lesson") {
            auto v = value("--lesson");
            if (!v) return need("--lesson");
            o.lesson = *v;
        } else if (a == "--listen") {
            o.listen = true;
        } else if (a == "--http" || a == "--grpc") {
            auto v = value(a.c_str());
            if (!v) return need(a.c_str());
            (a == "--http" ? o.listen_http : o.listen_grpc) = *v;
            o.listen = true;
        } else if (a == "--startup-compare") {
            o.startup_compare = true;
        } else if (a == "--startup-probe") {
            auto v = value("--startup-probe");
            if (!v || (*v != "bare" && *v != "app")) return R::failure("--startup-probe needs bare or app");
            o.startup_probe = *v;
        } else if (a.rfind("--", 0) == 0 || (a.size() > 1 && a[0] == '-')) {
            return R::failure("unknown option " + a + "\n" + gui_usage());
        } else if (o.trace_file.empty()) {
            o.trace_file = a;
        } else {
            return R::failure("only one trace file can be opened (got " + o.trace_file + " and " + a + ")");
        }
    }
    return o;
}

}  // namespace tl::ui
