// Structural scenario edits for authoring in the app (File > New scenario, the service editor): add, rename
// and remove services and calls. Each returns "" or a learner-readable reason and leaves the scenario
// unchanged when it refuses (duplicate or empty name, the last service, a call that would form a cycle).
#pragma once

#include <string>
#include <string_view>

#include "sim/engine/scenario.hpp"

namespace tl {

// A scenario to start from: one instrumented service ("frontend", GET /, 20 ms), titled "New scenario".
Scenario new_scenario();
// Adds a leaf service with the span name equal to its name and 10 ms own time.
std::string add_service(Scenario& s, std::string_view name);
// Renames a service everywhere: its calls' callee names and the entry follow.
std::string rename_service(Scenario& s, std::string_view from, std::string_view to);
// Removes a service and every call to it; the entry moves to the first service when it was the one removed.
std::string remove_service(Scenario& s, std::string_view name);
// Appends a call caller -> callee over `transport`.
std::string add_call(Scenario& s, std::string_view caller, std::string_view callee, Transport transport);
// Removes the caller's call at `index` (its position in the caller's calls).
std::string remove_call(Scenario& s, std::string_view caller, size_t index);
// The first name "service-N" (N = 1, 2, …) not used yet.
std::string unused_service_name(const Scenario& s);

}  // namespace tl
