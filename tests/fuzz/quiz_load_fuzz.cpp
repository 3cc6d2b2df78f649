// libFuzzer target: the quiz loader must turn any input into a quiz or an error message, never a crash, hang
// or leak.
#include <cstddef>
#include <cstdint>
#include <string>

#include "quiz/quiz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    auto json = tl::parse_json_text(text, "fuzz.json");
    if (!json) return 0;
    (void)tl::quiz::parse_quiz(*json, "fuzz.json");
    return 0;
}
