// Text as the panels show it: durations with three significant digits, the same as the waterfall's bars.
#include <doctest/doctest.h>

#include <string>

#include "ui/waterfall/waterfall_layout.hpp"
#include "ui/widgets/text_helpers.hpp"

using tl::ui::format_duration;

namespace {
std::string bar_label(int64_t ns) {
    char buf[32];
    tl::ui::format_duration(ns, buf, sizeof buf);
    return buf;
}
}  // namespace

TEST_CASE("format_duration: three significant digits in a fitting unit") {
    CHECK(format_duration(0) == "0 ms");
    CHECK(format_duration(850) == "850 ns");
    CHECK(format_duration(12'400) == "12.4 \xC2\xB5s");
    CHECK(format_duration(1'250'000) == "1.25 ms");
    CHECK(format_duration(98'700'000) == "98.7 ms");  // was "99 ms"
    CHECK(format_duration(240'000'000) == "240 ms");
    CHECK(format_duration(999'600'000) == "1.00 s");  // not "1000 ms"
    CHECK(format_duration(12'400'000'000) == "12.4 s");
}

TEST_CASE("format_duration: the details panel reads what the waterfall bar reads") {
    for (int64_t ns : {int64_t{1}, int64_t{999}, int64_t{1'000}, int64_t{9'996}, int64_t{98'712'345},
                       int64_t{99'960'000}, int64_t{160'000'000}, int64_t{2'500'000'000}, int64_t{-3'000'000}}) {
        CAPTURE(ns);
        CHECK(format_duration(ns) == bar_label(ns));
    }
}
