// Scenario files written back: the document a scenario saves as, saving it atomically, and telling a scenario
// file from a trace file by its content (File > Open and drag-and-drop take either).
// - The document holds every field the loader reads (faults, jitter, network delays, repeats, attributes), so
//   saving and loading again gives the same scenario and the same simulation, byte for byte.
// - The format is described by assets/scenarios/scenario.schema.json and in the README.
#pragma once

#include <filesystem>
#include <string>

#include "sim/engine/scenario.hpp"

namespace tl {

// The scenario as a JSON document: two-space indent, keys in reading order (title, entry, services; within a
// service name, span, latency, …, calls), one newline at the end.
std::string scenario_document(const Scenario& s);
// Writes scenario_document() to `path` atomically; the folder must exist. "" on success, else the reason.
std::string save_scenario_file(const std::filesystem::path& path, const Scenario& s);

// True when the JSON is shaped like a scenario (an object with a "services" array and none of the trace
// formats' top-level keys). The loader then says precisely what is wrong, if anything.
bool looks_like_scenario(const Json& j);
// Reads the file (scenario files are small: anything over 8 MiB is not one) and applies looks_like_scenario.
bool is_scenario_file(const std::filesystem::path& path);

}  // namespace tl
