// OTLP/HTTP trace export over libcurl: endpoint resolution, one POST per attempt, the retry policy of the
// OTLP specification (429/502/503/504 only, Retry-After, capped exponential backoff with jitter), an overall
// timeout, partial success, and cancellation through a std::stop_token.
// [SECTION] Endpoint  [SECTION] Waiting  [SECTION] One attempt  [SECTION] Export
#include "ui/cli/otlp_http.hpp"

#include <algorithm>
#include <condition_variable>
#include <cstdlib>
#include <mutex>

#include <curl/curl.h>
#include <nlohmann/json.hpp>

#include "sim/trace/ids.hpp"

namespace tl::otlp {

// [SECTION] Endpoint

std::string resolve_traces_endpoint(const std::string& flag, const std::function<const char*(const char*)>& getenv) {
    if (!flag.empty()) return flag;
    auto env = [&](const char* name) -> std::string {
        const char* v = getenv ? getenv(name) : std::getenv(name);
        return v ? std::string(v) : std::string();
    };
    if (std::string traces = env("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"); !traces.empty()) return traces;
    if (std::string base = env("OTEL_EXPORTER_OTLP_ENDPOINT"); !base.empty()) {
        while (!base.empty() && base.back() == '/') base.pop_back();
        return base + "/v1/traces";
    }
    return kDefaultTracesEndpoint;
}

const char* to_string(ExportOutcome o) {
    switch (o) {
        case ExportOutcome::Accepted:
            return "accepted";
        case ExportOutcome::PartiallyAccepted:
            return "partially accepted";
        case ExportOutcome::Rejected:
            return "rejected";
        case ExportOutcome::GaveUp:
            return "gave up";
        case ExportOutcome::TimedOut:
            return "timed out";
        case ExportOutcome::Unreachable:
            return "unreachable";
        case ExportOutcome::Cancelled:
            return "cancelled";
    }
    return "unknown";
}

// [SECTION] Waiting

bool sleep_unless_stopped(std::chrono::milliseconds delay, std::stop_token stop) {
    std::mutex m;
    std::condition_variable_any cv;
    std::unique_lock lock(m);
    cv.wait_for(lock, stop, delay, [] { return false; });
    return !stop.stop_requested();
}

std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           std::chrono::system_clock::time_point now) {
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    while (!value.empty() &&
           (value.back() == ' ' || value.back() == '\t' || value.back() == '\r' || value.back() == '\n'))
        value.remove_suffix(1);
    if (value.empty()) return std::nullopt;
    if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        if (value.size() > 9) return std::nullopt;  // more than 31 years: not a real request
        return std::chrono::seconds(std::stoll(std::string(value)));
    }
    const std::string text(value);
    const time_t when = curl_getdate(text.c_str(), nullptr);
    if (when == -1) return std::nullopt;
    const auto delta = std::chrono::system_clock::from_time_t(when) - now;
    return std::max(std::chrono::milliseconds(0), std::chrono::duration_cast<std::chrono::milliseconds>(delta));
}

// [SECTION] One attempt

namespace {

std::once_flag curl_init_once;

struct Attempt {
    CURLcode code = CURLE_OK;
    std::string curl_error;
    long status = 0;
    std::string body;
    std::string retry_after;
};

struct Transfer {
    std::string* body;
    std::string* retry_after;
    std::stop_token stop;
};

size_t on_body(char* data, size_t size, size_t n, void* user) {
    auto* t = static_cast<Transfer*>(user);
    const size_t len = size * n;
    if (t->body->size() < (1u << 20)) t->body->append(data, std::min(len, (1u << 20) - t->body->size()));
    return len;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
    auto* t = static_cast<Transfer*>(user);
    const std::string_view line(data, size * n);
    constexpr std::string_view kName = "retry-after:";
    if (line.size() > kName.size()) {
        bool match = true;
        for (size_t i = 0; i < kName.size() && match; ++i)
            match = std::tolower(static_cast<unsigned char>(line[i])) == kName[i];
        if (match) *t->retry_after = std::string(line.substr(kName.size()));
    }
    return size * n;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    return static_cast<Transfer*>(user)->stop.stop_requested() ? 1 : 0;  // non-zero aborts the transfer
}

Attempt post(const std::string& url, std::string_view body, const std::vector<std::string>& extra_headers,
             std::chrono::milliseconds time_left, std::stop_token stop) {
    Attempt a;
    std::call_once(curl_init_once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    CURL* curl = curl_easy_init();
    if (!curl) {
        a.code = CURLE_FAILED_INIT;
        a.curl_error = "could not start an HTTP client";
        return a;
    }
    char error[CURL_ERROR_SIZE] = {0};
    curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
    headers = curl_slist_append(headers, "User-Agent: tracelab/0.1.0");
    headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip for large bodies
    for (const auto& h : extra_headers) headers = curl_slist_append(headers, h.c_str());
    Transfer t{&a.body, &a.retry_after, stop};
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &t);
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &t);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(std::max<int64_t>(1, time_left.count())));
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);  // required for timeouts in multi-threaded programs
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    a.code = curl_easy_perform(curl);
    if (a.code == CURLE_OK)
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &a.status);
    else
        a.curl_error = error[0] ? error : curl_easy_strerror(a.code);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    return a;
}

// The message in a google.rpc.Status body (what collectors answer errors with), else the body's start.
std::string status_message(const std::string& body) {
    auto j = nlohmann::json::parse(body, nullptr, false);
    if (j.is_object())
        if (auto m = j.find("message"); m != j.end() && m->is_string()) return m->get<std::string>();
    std::string s = body.substr(0, 200);
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    return s;
}

bool retryable(long status) {
    return status == 429 || status == 502 || status == 503 || status == 504;
}

}  // namespace

// [SECTION] Export

HttpExportResult send_otlp_traces(std::string_view body, const HttpExportOptions& options, std::stop_token stop) {
    using namespace std::chrono;
    HttpExportResult r;
    const auto deadline = steady_clock::now() + options.timeout;
    const uint64_t seed = options.jitter_seed != 0
                              ? options.jitter_seed
                              : static_cast<uint64_t>(steady_clock::now().time_since_epoch().count());
    Rng rng(seed);
    const SleepFn sleep = options.sleep ? options.sleep : SleepFn(sleep_unless_stopped);
    const int max_attempts = std::max(1, options.max_attempts);
    for (int attempt = 1; attempt <= max_attempts; ++attempt) {
        const auto left = duration_cast<milliseconds>(deadline - steady_clock::now());
        if (left.count() <= 0) {
            r.outcome = ExportOutcome::TimedOut;
            r.message = "no answer within the timeout of " + std::to_string(options.timeout.count()) + " ms";
            return r;
        }
        r.attempts = attempt;
        const Attempt a = post(options.endpoint, body, options.headers, left, stop);
        if (stop.stop_requested()) {
            r.outcome = ExportOutcome::Cancelled;
            r.message = "the export was cancelled";
            return r;
        }
        if (a.code != CURLE_OK) {
            r.log.push_back("attempt " + std::to_string(attempt) + ": " + a.curl_error);
            r.outcome = a.code == CURLE_OPERATION_TIMEDOUT ? ExportOutcome::TimedOut : ExportOutcome::Unreachable;
            r.message = a.code == CURLE_OPERATION_TIMEDOUT
                            ? "no answer from " + options.endpoint + " within the timeout"
                            : "could not reach " + options.endpoint + " (" + a.curl_error +
                                  "); is a collector listening there?";
            return r;
        }
        r.http_status = static_cast<int>(a.status);
        r.log.push_back("attempt " + std::to_string(attempt) + ": HTTP " + std::to_string(a.status));
        if (a.status >= 200 && a.status < 300) {
            r.outcome = ExportOutcome::Accepted;
            r.message = "the collector accepted the spans (HTTP " + std::to_string(a.status) + ")";
            auto j = nlohmann::json::parse(a.body, nullptr, false);
            if (j.is_object())
                if (auto ps = j.find("partialSuccess"); ps != j.end() && ps->is_object()) {
                    if (auto n = ps->find("rejectedSpans"); n != ps->end()) {
                        if (n->is_number_integer() || n->is_number_unsigned())
                            r.rejected_spans = n->get<int64_t>();
                        else if (n->is_string())
                            r.rejected_spans = std::strtoll(n->get<std::string>().c_str(), nullptr, 10);
                    }
                    if (auto m = ps->find("errorMessage"); m != ps->end() && m->is_string())
                        r.collector_message = m->get<std::string>();
                }
            if (r.rejected_spans > 0) {
                r.outcome = ExportOutcome::PartiallyAccepted;
                r.message = "the collector rejected " + std::to_string(r.rejected_spans) + " span(s)" +
                            (r.collector_message.empty() ? "" : ": " + r.collector_message);
            } else if (!r.collector_message.empty()) {
                r.message += "; it warned: " + r.collector_message;
            }
            return r;
        }
        r.collector_message = status_message(a.body);
        if (!retryable(a.status)) {
            r.outcome = ExportOutcome::Rejected;
            r.message = "the collector refused the request with HTTP " + std::to_string(a.status) +
                        (r.collector_message.empty() ? "" : ": " + r.collector_message) + " (not retried)";
            return r;
        }
        if (attempt == max_attempts) break;
        // Wait as the collector asked, else back off exponentially with "equal jitter" (half fixed, half random).
        milliseconds wait{};
        if (auto ra = parse_retry_after(a.retry_after, system_clock::now())) {
            wait = *ra;
        } else {
            const int64_t cap = options.max_backoff.count();
            const int64_t base = std::min<int64_t>(cap, options.initial_backoff.count() << std::min(attempt - 1, 20));
            wait = milliseconds(base / 2 + static_cast<int64_t>(rng.uniform() * static_cast<double>(base - base / 2)));
        }
        if (steady_clock::now() + wait >= deadline) {
            r.outcome = ExportOutcome::TimedOut;
            r.message = "the collector answered HTTP " + std::to_string(a.status) + " and asked to wait " +
                        std::to_string(wait.count()) + " ms, past the timeout";
            return r;
        }
        r.log.push_back("waiting " + std::to_string(wait.count()) + " ms before retrying");
        r.waits.push_back(wait);
        if (!sleep(wait, stop)) {
            r.outcome = ExportOutcome::Cancelled;
            r.message = "the export was cancelled";
            return r;
        }
    }
    r.outcome = ExportOutcome::GaveUp;
    r.message = "the collector was still answering HTTP " + std::to_string(r.http_status) + " after " +
                std::to_string(r.attempts) + " attempts" +
                (r.collector_message.empty() ? "" : ": " + r.collector_message);
    return r;
}

}  // namespace tl::otlp
