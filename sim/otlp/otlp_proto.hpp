// OTLP protobuf ↔ TraceStore: reading an ExportTraceServiceRequest (what SDKs send over OTLP/HTTP protobuf
// and OTLP/gRPC, and what a .pb/.binpb file holds) and writing a store back as one.
// - Decoding is libprotobuf's (messages generated from sim/otlp/proto/); unknown fields are skipped.
// - A span with a trace id that is not 16 bytes, a span id that is not 8 bytes, either id all zero, or a
//   parent id of another length than 0 or 8 bytes is rejected and counted (OTLP partial success); the rest
//   of the request is kept.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "sim/formats/formats.hpp"
#include "sim/io/json_read.hpp"

namespace opentelemetry::proto::collector::trace::v1 {
class ExportTraceServiceRequest;
}

namespace tl::formats {
class SpanImport;
}

namespace tl::otlp {

// What one request contributed: spans kept, spans rejected, and why the first rejected one was.
struct DecodeStats {
    size_t accepted = 0;
    size_t rejected = 0;
    std::string rejected_reason;  // "resource_spans[0].scope_spans[0].spans[3]: trace_id is 4 bytes, not 16"
};

// Parses protobuf bytes as an ExportTraceServiceRequest and appends its valid spans through `in`.
// Fails (nothing appended) when the bytes are not such a message.
Result<DecodeStats> decode_export_request(std::string_view bytes, formats::SpanImport& in);
// The same for a message already parsed (the gRPC server hands one over).
DecodeStats add_export_request(const opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest& request,
                               formats::SpanImport& in);

// The whole store as one serialized ExportTraceServiceRequest: one ResourceSpans per resource, one ScopeSpans
// per scope, spans in store order.
std::string encode_export_request(const TraceStore& store);

// True when `bytes` starts the way a serialized ExportTraceServiceRequest does (field 1, length-delimited)
// and is not a JSON document; cheap, used to pick the reader before parsing.
bool looks_like_export_request(std::string_view bytes);

// A protobuf trace file (one ExportTraceServiceRequest). Errors name `source`.
Result<ImportedTrace> import_export_request(std::string_view bytes, const std::string& source);

}  // namespace tl::otlp
