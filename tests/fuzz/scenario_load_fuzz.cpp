// libFuzzer target: the scenario loader must turn any input into a scenario or an error message, never a
// crash, hang or leak; a loaded scenario must survive validation and being written back as JSON.
#include <cstddef>
#include <cstdint>
#include <string>

#include "sim/engine/scenario.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    auto json = tl::parse_json_text(text, "fuzz.json");
    if (!json) return 0;
    auto scenario = tl::parse_scenario(*json, "fuzz.json");
    if (!scenario) return 0;
    (void)tl::validate_scenario(*scenario, "fuzz.json");
    (void)tl::scenario_to_json(*scenario).dump();
    return 0;
}
