// Entry points of the trace formats: names, writing, and importing with format detection.
// - Before nlohmann's (recursive) parser sees a document, a linear scan bounds its nesting depth and
//   repairs invalid UTF-8, so no input can exhaust the stack or throw from deep inside the parser.
// - Detection looks at the content only: OTLP has "resourceSpans", Jaeger "data"/"traceID"+"spans",
//   Zipkin is a list of objects with "traceId" and "id", Chrome has "traceEvents" or events with "ph".
// [SECTION] Names  [SECTION] Writing  [SECTION] Pre-parse checks  [SECTION] Detection  [SECTION] Import
#include "sim/formats/formats.hpp"

#include <fstream>
#include <sstream>

#include "sim/formats/format_io.hpp"

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

// Position of the first bracket that nests deeper than kMaxDepth, or npos. Strings are skipped.
size_t find_too_deep(std::string_view text) {
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
            if (++depth > kMaxDepth) return i;
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
    return std::string_view::npos;
}

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
    "this is JSON, but not a trace format tracelab reads (expected OTLP/JSON with \"resourceSpans\", a Jaeger "
    "trace or query response with \"data\", or a Zipkin v2 list of spans)";

// The OpenTelemetry Collector's file exporter writes one ExportTraceServiceRequest per line.
std::optional<std::vector<Json>> parse_json_lines(std::string_view text) {
    std::vector<Json> docs;
    size_t pos = 0;
    while (pos < text.size()) {
        size_t end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(pos, end - pos);
        pos = end + 1;
        if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
        Json doc = Json::parse(line.begin(), line.end(), nullptr, false);
        if (doc.is_discarded() || !doc.is_object() || !doc.contains("resourceSpans")) return std::nullopt;
        docs.push_back(std::move(doc));
    }
    if (docs.size() < 2) return std::nullopt;
    return docs;
}

}  // namespace

// [SECTION] Import

Result<ImportedTrace> import_trace_text(std::string_view text, const std::string& source) {
    using R = Result<ImportedTrace>;
    if (text.size() >= 3 && text.substr(0, 3) == "\xef\xbb\xbf") text.remove_prefix(3);  // UTF-8 byte order mark
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) return R::failure(source + ": the file is empty");
    if (size_t at = find_too_deep(text); at != std::string_view::npos)
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
    {
        auto parsed = parse_json_text(text, source);
        if (parsed) {
            docs.push_back(std::move(parsed.value()));
        } else if (auto lines = parse_json_lines(text)) {
            docs = std::move(*lines);
        } else {
            return R::failure(parsed.error());
        }
    }
    const auto format = detect(docs.front());
    if (!format) return R::failure(source + ": " + kUnknownFormat);
    out.format = *format;

    formats::SpanImport in(source, out);
    try {
        for (const Json& doc : docs) {
            switch (*format) {
                case TraceFormat::Otlp:
                    formats::read_otlp(doc, in);
                    break;
                case TraceFormat::Jaeger:
                    formats::read_jaeger(doc, in);
                    break;
                case TraceFormat::Zipkin:
                    formats::read_zipkin(doc, in);
                    break;
                case TraceFormat::Chrome:
                    formats::read_chrome(doc, in);
                    break;
            }
        }
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
    if (size > 0) {
        text.resize(static_cast<size_t>(size));
        in.read(text.data(), size);
    } else {
        std::ostringstream ss;  // not seekable (a pipe): read as a stream
        ss << in.rdbuf();
        text = ss.str();
    }
    if (in.bad()) return R::failure(path.string() + ": cannot read the file");
    return import_trace_text(text, path.string());
}

}  // namespace tl
