// Small display helpers shared by panels: durations, a help marker, a labelled value row.
#pragma once

#include <cstdint>
#include <string>

namespace tl::ui {

// "240 ms", "1.25 ms", "850 µs", "12.4 s" — a duration as a learner reads it.
std::string format_duration(int64_t ns);
// "(?)" that shows `text` as a tooltip when hovered.
void help_marker(const char* text);

}  // namespace tl::ui
