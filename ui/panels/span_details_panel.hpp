// Span details: the parts of the panel that are plain functions, so tests can check them without drawing.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace tl::ui {

// A traceparent cut into lines no wider than `avail`, as measured by `width`. Lines break only after a field's
// "-" (version, trace-id, parent-id, flags), so a narrow column shows one field per line and a wide one the whole
// header; only a field wider than a line on its own is cut where the line is full. Joined, the lines give `tp`.
std::vector<std::string> traceparent_lines(std::string_view tp, float avail,
                                           const std::function<float(std::string_view)>& width);

}  // namespace tl::ui
