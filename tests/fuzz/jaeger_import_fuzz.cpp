// libFuzzer target: the jaeger importer (and format detection) must never crash, hang or leak on any input.
// The fuzzer's bytes are wrapped so most inputs reach the jaeger reader rather than failing detection.
#include <cstddef>
#include <cstdint>
#include <string>

#include "sim/formats/formats.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string raw(reinterpret_cast<const char*>(data), size);
    // Half the inputs as they are (detection, syntax errors), half inside the format's envelope.
    std::string text = raw;
    if (size > 0 && (data[0] & 1))
        text = std::string(R"({"data":[{"traceID":"1","processes":{"p1":{"serviceName":"s"}},"spans":[)") +
               raw.substr(1) + "]}]}";
    auto r = tl::import_trace_text(text, "fuzz.json");
    if (r) (void)tl::write_trace(r->store, r->format);
    return 0;
}
