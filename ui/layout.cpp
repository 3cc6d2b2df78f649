// Layout: pure placement of the window's areas from display size and splitter state.
#include "ui/layout.hpp"

#include <algorithm>

namespace tl::ui {

const char* to_string(Area a) {
    switch (a) {
        case Area::Left:
            return "left";
        case Area::TraceList:
            return "trace-list";
        case Area::Centre:
            return "centre";
        case Area::Right:
            return "right";
        case Area::Bottom:
            return "bottom";
    }
    return "?";
}

namespace {
constexpr float kMinSide = 180.0f;    // left/right columns
constexpr float kMinCentre = 320.0f;  // waterfall width
constexpr float kMinBottom = 60.0f;
constexpr float kMinMiddle = 220.0f;    // height of the three columns
constexpr float kMinTraceList = 76.0f;  // its count line, the header and one trace
constexpr float kMinWaterfall = 120.0f;

float clampf(float v, float lo, float hi) {
    return std::max(lo, std::min(v, hi));
}
}  // namespace

Layout layout(const LayoutInput& in, const SplitterState& s) {
    const float k = in.scale > 0 ? in.scale : 1.0f;
    const float gap = in.gap * k;
    const float width = std::max(in.width, 1.0f);
    const float height = std::max(in.height - in.top, 1.0f);

    // Vertical split: middle row above, bottom strip below. Below kFullHeight the bottom strip and the trace
    // list shrink with the window, as the side columns do below kFullWidth.
    const float short_factor = std::clamp(in.height / kFullHeight, 0.0f, 1.0f);
    // Enlarged text grows the two strips only as far as the window is taller than kFullHeight (at 150% text
    // they grow by 1.35 on a 1080 px window, not at all on 800 px or less), so the waterfall and the lesson
    // steps keep room for their rows.
    const float strip_k = std::clamp(in.height / kFullHeight, 1.0f, std::max(k, 1.0f));
    float bottom = clampf(s.bottom_height * strip_k * short_factor, kMinBottom * k,
                          std::max(kMinBottom * k, height - kMinMiddle * k - gap));
    bottom = std::min(bottom, height * 0.6f);
    const float middle = std::max(height - bottom - gap, 1.0f);

    // Horizontal split: the centre keeps its minimum (absolute and as a share of the width); the sides share
    // what is left, in the proportion the user gave them.
    // Below kFullWidth the side columns shrink with the window (at 1024 px they get 80% of their width).
    const float narrow = std::clamp(width / kFullWidth, 0.0f, 1.0f);
    float left = std::max(s.left_width * k, kMinSide * k) * narrow;
    float right = std::max(s.right_width * k, kMinSide * k) * narrow;
    const float min_centre = std::max(kMinCentre * k, kCentreShare * width);
    const float sides_budget = std::max(width - min_centre - 2 * gap, 2.0f);
    if (left + right > sides_budget) {
        const float f = sides_budget / (left + right);
        left *= f;
        right *= f;
    }
    const float centre = std::max(width - left - right - 2 * gap, 1.0f);

    const float list_height = in.file_traces ? s.file_trace_list_height : s.trace_list_height;
    float trace_list = clampf(list_height * strip_k * short_factor, kMinTraceList * k,
                              std::max(kMinTraceList * k, middle - kMinWaterfall * k - gap));
    trace_list = std::min(trace_list, middle * 0.5f);

    Layout out;
    out.side_factor = narrow;
    out.height_factor = strip_k * short_factor / k;
    const float y0 = in.top;
    const float cx = left + gap;
    out.areas[static_cast<size_t>(Area::Left)] = {0, y0, left, middle};
    out.areas[static_cast<size_t>(Area::TraceList)] = {cx, y0, centre, trace_list};
    out.areas[static_cast<size_t>(Area::Centre)] = {cx, y0 + trace_list + gap, centre,
                                                    std::max(middle - trace_list - gap, 1.0f)};
    out.areas[static_cast<size_t>(Area::Right)] = {cx + centre + gap, y0, right, middle};
    out.areas[static_cast<size_t>(Area::Bottom)] = {0, y0 + middle + gap, width, bottom};

    out.splitters[static_cast<size_t>(Splitter::Left)] = {left, y0, gap, middle};
    out.splitters[static_cast<size_t>(Splitter::Right)] = {cx + centre, y0, gap, middle};
    out.splitters[static_cast<size_t>(Splitter::Bottom)] = {0, y0 + middle, width, gap};
    out.splitters[static_cast<size_t>(Splitter::TraceList)] = {cx, y0 + trace_list, centre, gap};
    return out;
}

void drag_splitter(SplitterState& s, Splitter which, float dx, float dy, float scale, bool file_traces) {
    const float k = scale > 0 ? scale : 1.0f;
    switch (which) {
        case Splitter::Left:
            s.left_width = clampf(s.left_width + dx / k, kMinSide, 2000.0f);
            break;
        case Splitter::Right:
            s.right_width = clampf(s.right_width - dx / k, kMinSide, 2000.0f);
            break;
        case Splitter::Bottom:
            s.bottom_height = clampf(s.bottom_height - dy / k, kMinBottom, 2000.0f);
            break;
        case Splitter::TraceList: {
            float& h = file_traces ? s.file_trace_list_height : s.trace_list_height;
            h = clampf(h + dy / k, kMinTraceList, 2000.0f);
            break;
        }
    }
}

}  // namespace tl::ui
