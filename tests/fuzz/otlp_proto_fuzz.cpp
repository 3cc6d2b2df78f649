// libFuzzer target: reading any bytes as an OTLP protobuf ExportTraceServiceRequest must never crash, hang or
// leak; whatever was read must encode and read back with the same span count.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "sim/formats/format_io.hpp"
#include "sim/otlp/otlp_proto.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    tl::ImportedTrace out;
    tl::formats::SpanImport in("fuzz", out);
    auto stats = tl::otlp::decode_export_request(bytes, in);
    if (!stats) return 0;
    in.finish();
    const std::string again = tl::otlp::encode_export_request(out.store);
    tl::ImportedTrace back;
    tl::formats::SpanImport in2("fuzz", back);
    auto stats2 = tl::otlp::decode_export_request(again, in2);
    if (!stats2 || back.store.spans.size() != out.store.spans.size()) std::abort();
    return 0;
}
