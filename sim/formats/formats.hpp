// Trace file formats: export a TraceStore as OTLP/JSON, Jaeger JSON, Zipkin v2 or Chrome Trace Events,
// and import OTLP/JSON (also one request per line), Jaeger, Zipkin and Chrome (format detected from the
// content; clean files are read with simdjson's On-Demand API, anything unusual by the careful readers).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/io/json_read.hpp"
#include "sim/trace/trace_store.hpp"

namespace tl {

enum class TraceFormat { Otlp, Jaeger, Zipkin, Chrome };

std::optional<TraceFormat> parse_trace_format(std::string_view name);  // "otlp", "jaeger", "zipkin", "chrome"
const char* to_string(TraceFormat f);

// A complete document in the format (OTLP: an ExportTraceServiceRequest).
std::string write_trace(const TraceStore& store, TraceFormat format);

struct ImportedTrace {
    TraceStore store;
    TraceFormat format = TraceFormat::Otlp;
    bool protobuf = false;              // OTLP read from its protobuf encoding (a .pb/.binpb file)
    std::vector<std::string> warnings;  // problems that cost data but left a usable trace
    size_t skipped_spans = 0;           // spans left out because they were unusable (each also warned about)
};

// Detects the format and imports. Errors name the source and the JSON path.
Result<ImportedTrace> import_trace_text(std::string_view text, const std::string& source);
Result<ImportedTrace> import_trace_file(const std::filesystem::path& path);

// Each thread that imports keeps one JSON parser and reuses its buffers (about 5 bytes of address space per
// input byte, of which the pages the last input touched stay resident): the receiver's request threads and
// repeated imports then skip the allocation and its page faults. A thread that imports a big file once and
// then lives on (the app's frame thread) calls this afterwards to give that memory back.
void release_import_memory();

// One OTLP/JSON ExportTraceServiceRequest held in memory (the body of an OTLP/HTTP request sent as
// application/json) as a new store, through the same fast path and error wording as a file. A body that is
// valid JSON but another trace format is an error; an object without "resourceSpans" is an empty request
// (every field is optional in the protobuf JSON mapping). Errors name `source` and the JSON path.
Result<ImportedTrace> import_otlp_json(std::string_view body, const std::string& source);

}  // namespace tl
