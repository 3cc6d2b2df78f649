// Scenario: the virtual system a request travels through — services, the operation each performs, the
// calls between them, latency models, error rates and the propagation fault on each hop.
// - Loaded from JSON (assets/scenarios/*.json) by load_scenario_*; every mistake names file and JSON path.
// - Edited by the UI, the lessons and the command line through the small edit functions at the bottom,
//   which all report a learner-readable message when a name is unknown.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "sim/io/json_read.hpp"
#include "sim/trace/trace_store.hpp"

namespace tl {

// [SECTION] Vocabulary

enum class LatencyKind : uint8_t { Fixed, Uniform, Normal, LogNormal };
enum class Transport : uint8_t { InProcess, Http, Grpc, Queue };

// What happens to trace context on one hop. Each names a real-world cause (see hop_fault_cause()).
enum class HopFault : uint8_t {
    Ok,                  // instrumented client and server
    NoInject,            // client without the tracing transport: no header sent
    NoExtract,           // server handler not wrapped by tracing middleware: header ignored
    CtxDropped,          // caller code passed a fresh/background context
    NoHeadersOnMessage,  // message published without trace context
    FlagsDropped,        // a hop cleared the sampled flag: a parent-based callee records nothing
};
inline constexpr HopFault kAllHopFaults[] = {
    HopFault::Ok,         HopFault::NoInject,           HopFault::NoExtract,
    HopFault::CtxDropped, HopFault::NoHeadersOnMessage, HopFault::FlagsDropped};

// What a service is in the traced system. Only applications run an SDK; the rest are dependencies whose time
// shows in the trace without spans of their own.
enum class ServiceRole : uint8_t {
    Application,           // runs the request's code; records spans when instrumented
    Database,              // runs no SDK: each call is a CLIENT span recorded by the caller's instrumentation
    Proxy,                 // an uninstrumented reverse proxy that forwards traceparent untouched (invisible)
    HeaderStrippingProxy,  // a proxy that drops headers it does not know: what it calls starts new traces
};
inline constexpr ServiceRole kAllServiceRoles[] = {ServiceRole::Application, ServiceRole::Database, ServiceRole::Proxy,
                                                   ServiceRole::HeaderStrippingProxy};

const char* to_string(HopFault f);     // "ok", "no-inject", …
const char* to_string(ServiceRole r);  // "application", "database", "proxy", "header-stripping-proxy"
const char* to_string(Transport t);    // "in-process", "http", "grpc", "queue"
const char* to_string(LatencyKind k);  // "fixed", "uniform", "normal", "lognormal"
std::optional<HopFault> parse_hop_fault(std::string_view s);
std::optional<ServiceRole> parse_service_role(std::string_view s);
std::optional<Transport> parse_transport(std::string_view s);
std::optional<LatencyKind> parse_latency_kind(std::string_view s);
std::optional<SpanKind> parse_span_kind(std::string_view s);
// One sentence on what a service of this role shows in a trace, for tooltips.
const char* service_role_note(ServiceRole r);
// One sentence on the real-world cause of a fault, for tooltips and span details.
const char* hop_fault_cause(HopFault f);

// [SECTION] Model

// A duration drawn per request. `ms` is the fixed value / mean / median; `jitter_ms` the spread
// (uniform: ± half-width, normal: standard deviation, lognormal: standard deviation around the median).
struct Latency {
    LatencyKind kind = LatencyKind::Fixed;
    double ms = 0.0;
    double jitter_ms = 0.0;
};

// A literal attribute value in a scenario file.
using AttrLiteral = std::variant<std::string, int64_t, double, bool>;

struct Call {
    std::string to;  // callee service name
    Transport transport = Transport::Http;
    Latency network;  // one-way network delay (each direction)
    HopFault fault = HopFault::Ok;
    int repeat = 1;        // how many times the call is made (n-plus-one)
    bool batched = false;  // the `repeat` calls are folded into one (e.g. one query with WHERE id IN (…))
};

struct Service {
    std::string name;
    ServiceRole role = ServiceRole::Application;
    bool instrumented = true;    // applications only: the other roles never record spans of their own
    double clock_skew_ms = 0.0;  // added to every timestamp this service reports
    // The operation it performs.
    std::string span_name;
    std::optional<SpanKind> kind;  // default: server, consumer behind a queue, internal in-process
    Latency own;                   // own processing time (a leaf's span lasts exactly this long)
    double work_before = 0.5;      // share of own time spent before the first call
    double error_rate = 0.0;       // probability that the operation fails
    bool parallel = false;         // calls made in parallel (else one after another)
    std::vector<Call> calls;
    std::vector<std::pair<std::string, AttrLiteral>> attributes;
};

struct Scenario {
    std::string id;  // file stem, e.g. "checkout"
    std::string title;
    std::string description;
    std::string entry;  // the service that receives the request (default: the first)
    std::vector<Service> services;
    double request_interval_ms = 1000.0;  // spacing between requests in multi-request runs
    bool client_spans = false;            // emit client/producer spans for outgoing calls by default

    [[nodiscard]] int find_service(std::string_view name) const;  // index or -1
    [[nodiscard]] const Service* service(std::string_view name) const;
    Service* service(std::string_view name);
    [[nodiscard]] int entry_index() const;
};

// Whether the service records spans of its own: an instrumented application.
inline bool records_spans(const Service& s) {
    return s.role == ServiceRole::Application && s.instrumented;
}

// [SECTION] Loading

// Parses and validates. `source` names the file in error messages.
Result<Scenario> parse_scenario(const Json& j, const std::string& source, std::string id = "");
Result<Scenario> load_scenario_file(const std::filesystem::path& path);
// NAME from the built-in directory, or a path to a file.
Result<Scenario> load_scenario(std::string_view name_or_path, const std::filesystem::path& builtin_dir);
Json scenario_to_json(const Scenario& s);
// Checks references, cycles, and value ranges of an edited scenario; "" when valid.
std::string validate_scenario(const Scenario& s, const std::string& source = "scenario");

// The directory that holds built-in assets: $TRACELAB_ASSETS, else next to the executable, else the
// install prefix, else ./assets.
std::filesystem::path asset_dir();
std::vector<std::string> builtin_scenario_names(const std::filesystem::path& builtin_dir);

// [SECTION] Edits (UI actions, lesson set-up and solutions, command-line flags)

// Each returns "" on success or a message saying what is wrong.
std::string set_own_latency(Scenario& s, std::string_view service, double ms);
std::string set_jitter(Scenario& s, std::string_view service, double jitter_ms);
std::string set_error_rate(Scenario& s, std::string_view service, double rate);
std::string set_instrumented(Scenario& s, std::string_view service, bool instrumented);
std::string set_parallel(Scenario& s, std::string_view service, bool parallel);
// Folds the repeated calls from `caller` to `callee` into one batched call (or unfolds them).
std::string set_batched(Scenario& s, std::string_view caller, std::string_view callee, bool batched);
// Applies to every call from `caller` to `callee`.
std::string set_hop_fault(Scenario& s, std::string_view caller, std::string_view callee, HopFault f);
// Parses "caller->callee" or "caller->callee=mode" (mode defaults to no-inject).
std::string apply_drop_flag(Scenario& s, std::string_view spec);
// Parses "service=ms" / "service=rate".
std::string apply_latency_flag(Scenario& s, std::string_view spec);
std::string apply_error_flag(Scenario& s, std::string_view spec);

}  // namespace tl
