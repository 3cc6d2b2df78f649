// The desktop app's command line: simulation flags shared with `tracelab simulate`, an optional trace file,
// and the flags that drive a window without a person (screenshots, frame timing, start-up comparison).
#pragma once

#include <optional>
#include <string>

#include "sim/io/json_read.hpp"
#include "ui/cli/cli.hpp"

namespace tl::ui {

struct GuiOptions {
    cli::SimFlags sim;
    bool scenario_given = false;
    std::string trace_file;          // positional TRACE_FILE
    std::string screenshot;          // --screenshot OUT.png
    int width = 1280, height = 800;  // --size WxH
    bool size_given = false;
    std::string panel;                 // --panel NAME
    int frames = 8;                    // --frames N (for --screenshot)
    int frame_times = 0;               // --frame-times N
    bool startup_compare = false;      // --startup-compare
    std::string startup_probe;         // --startup-probe bare|app: one start-up, timed (run by --startup-compare)
    bool play = false;                 // --play: live traffic runs from the start
    std::string select;                // --select SPAN: select the span with that span id, or the first with that name
    std::optional<float> text_scale;   // --text-size PERCENT (80 to 200): View > Text size for this run
    std::optional<std::string> theme;  // --theme dark|high-contrast
    std::string baseline;              // --baseline FILE: pin FILE's traces as the baseline to compare with
    std::string search;                // --search QUERY: start with this query in the waterfall's search box
    bool adjust_skew = false;          // --adjust-skew: show times adjusted for clock skew
    // --lesson ID[:STEP]: open that lesson at that step (1-based), its set-up applied; with --select, the span
    // is picked after the set-up, as a learner would pick it.
    std::string lesson;
    bool listen = false;           // --listen: receive OTLP from the start (File > Receive traces…)
    std::string listen_http = "127.0.0.1:4318";  // --http ADDR (implies --listen; "off" disables)
    std::string listen_grpc = "127.0.0.1:4317";  // --grpc ADDR
};

// Parses the arguments after the program name. Errors say which flag is wrong.
Result<GuiOptions> parse_gui_options(const cli::Args& args);
const char* gui_usage();

}  // namespace tl::ui
