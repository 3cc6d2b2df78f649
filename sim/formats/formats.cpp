// Entry points of the trace formats: names, writing, and importing with format detection.
// - Before nlohmann's (recursive) parser sees a document, a linear scan bounds its nesting depth and
//   repairs invalid UTF-8, so no input can exhaust the stack or throw from deep inside the parser.
// - Clean files take simdjson's fast path (fast_import.cpp); the nlohmann-based readers read the rest and
//   word every error and warning.
// - Detection looks at the content only: OTLP has "resourceSpans", Jaeger "data"/"traceID"+"spans",
//   Zipkin is a list of objects with "traceId" and "id", Chrome has "traceEvents" or events with "ph".
// [SECTION] Names  [SECTION] Writing  [SECTION] Pre-parse checks  [SECTION] Detection  [SECTION] Import
#include "sim/formats/formats.hpp"

#include <fstream>
#include <sstream>

#include "sim/formats/format_io.hpp"
#include "sim/otlp/otlp_proto.hpp"

namespace tl {

// [SECTION] Names

std::optional<TraceFormat> parse_trace_format(std::string_view name) {
    if (name == "otlp") return TraceFormat::Otlp;
    if (name == "jaeger") return TraceFormat::Jaeger;
    if (name == "zipkin") return TraceFormat::Zipkin;
    if (name == "chrome") return TraceFormat::Chrome;
    return std::nullopt;
}

const char* to_string(TraceFormat f) {
    switch (f) {
        case TraceFormat::Otlp:
            return "otlp";
        case TraceFormat::Jaeger:
            return "jaeger";
        case TraceFormat::Zipkin:
            return "zipkin";
        case TraceFormat::Chrome:
            return "chrome";
    }
    return "otlp";
}

// [SECTION] Writing

std::string write_trace(const TraceStore& store, TraceFormat format) {
    switch (format) {
        case TraceFormat::Otlp:
            return formats::write_otlp(store);
        case TraceFormat::Jaeger:
            return formats::write_jaeger(store);
        case TraceFormat::Zipkin:
            return formats::write_zipkin(store);
        case TraceFormat::Chrome:
            return formats::write_chrome(store);
    }
    return formats::write_otlp(store);
}

// [SECTION] Pre-parse checks

namespace {

constexpr int kMaxDepth = 128;

// Replaces every byte that is not part of valid UTF-8 with U+FFFD; returns how many were replaced.
size_t repair_utf8(std::string_view text, std::string& out) {
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    size_t bad = 0, i = 0;
    // Fast path: most files are valid, so only copy once the first bad byte shows up.
    while (i < text.size()) {
        const size_t len = formats::utf8_sequence_length(p + i, text.size() - i);
        if (len == 0) break;
        i += len;
    }
    if (i == text.size()) return 0;
    out.reserve(text.size() + 16);
    out.assign(text.data(), i);
    while (i < text.size()) {
        const size_t len = formats::utf8_sequence_length(p + i, text.size() - i);
        if (len == 0) {
            out += "\xef\xbf\xbd";
            ++bad;
            ++i;
        } else {
            out.append(text.data() + i, len);
            i += len;
        }
    }
    return bad;
}

// [SECTION] Detection

std::optional<TraceFormat> detect(const Json& doc) {
    if (doc.is_object()) {
        if (doc.contains("resourceSpans")) return TraceFormat::Otlp;
        if (doc.contains("traceEvents")) return TraceFormat::Chrome;
        if (auto it = doc.find("data"); it != doc.end() && (it->is_array() || it->is_null()))
            return TraceFormat::Jaeger;
        if (doc.contains("spans") && (doc.contains("traceID") || doc.contains("processes"))) return TraceFormat::Jaeger;
        return std::nullopt;
    }
    if (!doc.is_array()) return std::nullopt;
    if (doc.empty()) return TraceFormat::Zipkin;  // an empty span list is what Zipkin answers for nothing
    const Json& first = doc.front();
    if (!first.is_object()) return std::nullopt;
    if (first.contains("ph")) return TraceFormat::Chrome;
    if (first.contains("spans") && first.contains("traceID")) return TraceFormat::Jaeger;
    if (first.contains("traceId") && (first.contains("id") || first.contains("name"))) return TraceFormat::Zipkin;
    return std::nullopt;
}

const char* kUnknownFormat =
    "this is JSON, but not a trace format tracelab reads (expected OTLP/JSON with \"resourceSpans\", also one "
    "request per line; a Jaeger trace or query response with \"data\"; a Zipkin v2 list of spans; or Chrome Trace "
    "Event JSON with \"traceEvents\" or a list of events with \"ph\"; OTLP protobuf files are read too)";

const char* kFormatsRead =
    "tracelab reads OTLP/JSON, OTLP protobuf (one ExportTraceServiceRequest, .pb/.binpb), Jaeger JSON, "
    "Zipkin v2 JSON and Chrome trace events";

// The OpenTelemetry Collector's file exporter writes one ExportTraceServiceRequest per line. A file is read
// this way when it has more than one line and at least one of them is a whole request; every other line is
// skipped with a warning that gives its line and column.
std::optional<std::vector<Json>> parse_json_lines(std::string_view text, const std::string& source,
                                                  std::vector<std::string>& warnings) {
    std::vector<Json> docs;
    std::vector<std::string> problems;
    size_t pos = 0, line_no = 0, lines = 0;
    while (pos < text.size()) {
        size_t end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(pos, end - pos);
        pos = end + 1;
        ++line_no;
        if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
        ++lines;
        auto doc = parse_json_text(line, source, line_no);
        if (!doc) {
            problems.push_back(doc.error() + " (line skipped)");
        } else if (!doc->is_object() || !doc->contains("resourceSpans")) {
            problems.push_back(source + ": line " + std::to_string(line_no) +
                               ": not an OTLP request (no \"resourceSpans\"); line skipped");
        } else {
            docs.push_back(std::move(doc.value()));
        }
    }
    if (lines < 2 || docs.empty()) return std::nullopt;
    constexpr size_t kMostListed = 20;
    for (size_t i = 0; i < problems.size() && i < kMostListed; ++i) warnings.push_back(std::move(problems[i]));
    if (problems.size() > kMostListed)
        warnings.push_back(source + ": … and " + std::to_string(problems.size() - kMostListed) + " more lines skipped");
    return docs;
}

// The Trace Event Format lets the JSON array form end without its "]" (a trace cut off by a crash):
// the text with a trailing comma dropped and the bracket added, when it starts as an array and lacks it.
std::optional<std::string> close_event_array(std::string_view text) {
    const size_t first = text.find_first_not_of(" \t\r\n");
    const size_t last = text.find_last_not_of(" \t\r\n");
    if (first == std::string_view::npos || text[first] != '[' || text[last] == ']') return std::nullopt;
    std::string_view body = text.substr(0, last + 1);
    if (body.back() == ',') body.remove_suffix(1);
    std::string closed(body);
    closed += "\n]";
    return closed;
}

}  // namespace

// [SECTION] Import

namespace formats {

void read_format(TraceFormat format, const Json& doc, SpanImport& in) {
    switch (format) {
        case TraceFormat::Otlp:
            return read_otlp(doc, in);
        case TraceFormat::Jaeger:
            return read_jaeger(doc, in);
        case TraceFormat::Zipkin:
            return read_zipkin(doc, in);
        case TraceFormat::Chrome:
            return read_chrome(doc, in);
    }
}

size_t find_too_deep(std::string_view text, int limit) {
    int depth = 0;
    bool in_string = false;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                in_string = false;
            continue;
        }
        if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > limit) return i;
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
    return std::string_view::npos;
}

}  // namespace formats

namespace {

// `padded`: formats::kJsonPadding readable bytes follow the text (see formats::import_fast).
Result<ImportedTrace> import_text(std::string_view text, const std::string& source, bool padded) {
    using R = Result<ImportedTrace>;
    if (text.size() >= 3 && text.substr(0, 3) == "\xef\xbb\xbf") text.remove_prefix(3);  // UTF-8 byte order mark
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) return R::failure(source + ": the file is empty");
    // Binary OTLP (what SDKs send over OTLP/HTTP protobuf and gRPC) is told apart by a full protobuf parse.
    const bool maybe_proto = otlp::looks_like_export_request(text);
    if (maybe_proto)
        if (auto proto = otlp::import_export_request(text, source)) return proto;
    {
        ImportedTrace fast;
        if (formats::import_fast(text, source, fast, padded)) return fast;
    }
    if (size_t at = formats::find_too_deep(text, kMaxDepth); at != std::string_view::npos)
        return R::failure(source + ": byte " + std::to_string(at) + ": JSON nested deeper than " +
                          std::to_string(kMaxDepth) + " levels; no trace format needs that, so it was not read");

    ImportedTrace out;
    std::string repaired;
    const size_t bad_bytes = repair_utf8(text, repaired);
    if (bad_bytes > 0) {
        out.warnings.push_back(source + ": " + std::to_string(bad_bytes) +
                               " byte(s) were not valid UTF-8 and were replaced with U+FFFD");
        text = repaired;
    }

    std::vector<Json> docs;
    std::optional<TraceFormat> format;
    {
        auto parsed = parse_json_text(text, source);
        if (parsed) {
            docs.push_back(std::move(parsed.value()));
        } else if (auto lines = parse_json_lines(text, source, out.warnings)) {
            docs = std::move(*lines);
        } else if (auto closed = close_event_array(text)) {
            // Only a Chrome event list may end early; for anything else the first error stands.
            auto again = parse_json_text(*closed, source);
            if (!again || detect(again.value()) != TraceFormat::Chrome) return R::failure(parsed.error());
            docs.push_back(std::move(again.value()));
        } else {
            const size_t first = text.find_first_not_of(" \t\r\n");
            const bool json_like = first != std::string_view::npos && (text[first] == '{' || text[first] == '[');
            if (!json_like)
                return R::failure(parsed.error() + ", nor an OTLP protobuf ExportTraceServiceRequest; " +
                                  kFormatsRead);
            return R::failure(parsed.error());
        }
    }
    format = detect(docs.front());
    if (!format) return R::failure(source + ": " + kUnknownFormat);
    out.format = *format;

    formats::SpanImport in(source, out);
    try {
        for (const Json& doc : docs) formats::read_format(*format, doc, in);
        in.finish();
    } catch (const LoadError& e) {
        return R::failure(e.what());
    } catch (const std::exception& e) {
        return R::failure(source + ": could not read the " + std::string(to_string(*format)) + " trace (" + e.what() +
                          ")");
    }
    if (out.store.spans.empty()) {
        if (in.warning_count() > 0) return R::failure(out.warnings.back() + " (no usable span remained)");
        out.warnings.push_back(source + ": the file holds no spans");
    }
    return out;
}

}  // namespace

Result<ImportedTrace> import_trace_text(std::string_view text, const std::string& source) {
    return import_text(text, source, false);
}

Result<ImportedTrace> import_otlp_json(std::string_view body, const std::string& source) {
    using R = Result<ImportedTrace>;
    Result<ImportedTrace> r = import_trace_text(body, source);
    if (r && r->format != TraceFormat::Otlp)
        return R::failure(source + ": not an OTLP/JSON ExportTraceServiceRequest (no \"resourceSpans\")");
    if (!r) {
        // Every field of the request is optional in the protobuf JSON mapping: {} is an empty request.
        const Json doc = Json::parse(body.begin(), body.end(), nullptr, false);
        if (!doc.is_discarded() && doc.is_object() && !doc.contains("resourceSpans")) {
            ImportedTrace empty;
            empty.format = TraceFormat::Otlp;
            return empty;
        }
    }
    return r;
}

Result<ImportedTrace> import_trace_file(const std::filesystem::path& path) {
    using R = Result<ImportedTrace>;
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        return R::failure(path.string() + ": this is a folder, not a trace file");
    std::ifstream in(path, std::ios::binary);
    if (!in) return R::failure(path.string() + ": cannot open the file");
    std::string text;
    in.seekg(0, std::ios::end);
    const auto size = in.tellg();
    in.seekg(0, std::ios::beg);
    // Far beyond any trace a desktop view can hold (and what a seek on something that is not a file returns).
    constexpr std::streamoff kMostBytes = std::streamoff(4) << 30;
    if (size > kMostBytes) return R::failure(path.string() + ": the file is too large to open (over 4 GiB)");
    bool padded = false;
    if (size > 0) {
        // Room after the bytes lets simdjson read the file where it lies, not from a copy (peak memory).
        // (Sized up first, so the room holds zeros rather than uninitialised bytes.)
        text.resize(static_cast<size_t>(size) + formats::kJsonPadding);
        in.read(text.data(), size);
        text.resize(static_cast<size_t>(size));
        padded = text.capacity() >= text.size() + formats::kJsonPadding;
    } else {
        std::ostringstream ss;  // not seekable (a pipe): read as a stream
        ss << in.rdbuf();
        text = ss.str();
    }
    if (in.bad()) return R::failure(path.string() + ": cannot read the file");
    return import_text(text, path.string(), padded);
}

}  // namespace tl
