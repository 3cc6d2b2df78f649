// OTLP/HTTP trace export (JSON encoding) over libcurl, with the OTLP specification's retry rules.
// - Endpoint resolution as the OpenTelemetry SDK environment variables define it.
// - send_otlp_traces() blocks until the collector answered, the overall timeout passed, or the stop token
//   was triggered; it holds no global state, so the app calls it from a worker thread (std::jthread) and
//   cancels it by requesting stop. The sleep between retries is injectable so tests never really wait.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

namespace tl::otlp {

inline constexpr const char* kDefaultTracesEndpoint = "http://localhost:4318/v1/traces";

// `flag` (the full traces URL) if given; else OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as is; else
// OTEL_EXPORTER_OTLP_ENDPOINT with "/v1/traces" appended (one slash between); else the default.
// `getenv` is injectable for tests; it returns nullptr for an unset variable.
std::string resolve_traces_endpoint(const std::string& flag,
                                    const std::function<const char*(const char*)>& getenv = nullptr);

// Waits `delay` unless stop is requested first; returns false when stopped.
using SleepFn = std::function<bool(std::chrono::milliseconds delay, std::stop_token stop)>;
bool sleep_unless_stopped(std::chrono::milliseconds delay, std::stop_token stop);

struct HttpExportOptions {
    std::string endpoint = kDefaultTracesEndpoint;
    std::chrono::milliseconds timeout{10000};  // for the whole export, retries included
    int max_attempts = 5;
    std::chrono::milliseconds initial_backoff{1000};  // doubles per retry, with jitter, up to max_backoff
    std::chrono::milliseconds max_backoff{8000};
    uint64_t jitter_seed = 0;          // 0: seeded from the clock
    std::vector<std::string> headers;  // extra "Name: value" headers (e.g. authorisation)
    SleepFn sleep = sleep_unless_stopped;
};

enum class ExportOutcome {
    Accepted,           // 2xx and nothing rejected
    PartiallyAccepted,  // 2xx with partialSuccess.rejectedSpans > 0
    Rejected,           // a status that must not be retried (400, 401, 404, 413, 500, …)
    GaveUp,             // retryable statuses until max_attempts ran out
    TimedOut,           // the overall timeout passed (or a Retry-After reached past it)
    Unreachable,        // no HTTP answer: connection refused, bad host, bad URL
    Cancelled,          // the stop token was triggered
};
const char* to_string(ExportOutcome o);

struct HttpExportResult {
    ExportOutcome outcome = ExportOutcome::Unreachable;
    int http_status = 0;  // of the last answer, 0 when none
    int attempts = 0;
    int64_t rejected_spans = 0;                    // partialSuccess.rejectedSpans
    std::string message;                           // a learner-readable summary of the outcome
    std::string collector_message;                 // partialSuccess.errorMessage or the error Status.message
    std::vector<std::string> log;                  // one line per attempt and wait
    std::vector<std::chrono::milliseconds> waits;  // every delay slept between attempts
    [[nodiscard]] bool accepted() const { return outcome == ExportOutcome::Accepted; }
};

// POSTs `body` (an OTLP/JSON ExportTraceServiceRequest) with Content-Type: application/json.
// Retries only 429, 502, 503 and 504, honouring Retry-After (seconds or an HTTP date), otherwise with capped
// exponential backoff and jitter; never retries other statuses. Thread-safe; blocking; cancellable.
HttpExportResult send_otlp_traces(std::string_view body, const HttpExportOptions& options, std::stop_token stop = {});

// Parses a Retry-After value: delta-seconds or an HTTP date (relative to `now`). nullopt when unusable.
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           std::chrono::system_clock::time_point now);

}  // namespace tl::otlp
