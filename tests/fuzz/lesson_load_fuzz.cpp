// libFuzzer target: the lesson loader must turn any input into a lesson or an error message, never a crash,
// hang or leak.
#include <cstddef>
#include <cstdint>
#include <string>

#include "lessons/lesson.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    auto json = tl::parse_json_text(text, "fuzz.json");
    if (!json) return 0;
    auto lesson = tl::lessons::parse_lesson(*json, "fuzz.json");
    if (lesson) (void)tl::lessons::prose_word_count(*lesson);
    return 0;
}
