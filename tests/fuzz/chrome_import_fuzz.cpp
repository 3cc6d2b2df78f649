// libFuzzer target: the Chrome Trace Event importer (and format detection) must never crash, hang or leak.
// The fuzzer's bytes are wrapped so most inputs reach the Chrome reader: half in the object form with
// "traceEvents", a quarter as an event array missing its closing bracket (allowed by the format).
#include <cstddef>
#include <cstdint>
#include <string>

#include "sim/formats/formats.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string raw(reinterpret_cast<const char*>(data), size);
    std::string text = raw;
    if (size > 0 && (data[0] & 1))
        text = R"({"traceEvents":[{"ph":"X","pid":1,"tid":1,"ts":0,"dur":5,"name":"seed"},)" + raw.substr(1) + "]}";
    else if (size > 0 && (data[0] & 2))
        text = R"([{"ph":"B","pid":1,"tid":1,"ts":0,"name":"seed"},)" + raw.substr(1);
    auto r = tl::import_trace_text(text, "fuzz.json");
    if (r) (void)tl::write_trace(r->store, r->format);
    return 0;
}
