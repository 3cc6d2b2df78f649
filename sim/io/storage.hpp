// Files people write to: XDG locations, atomic writes, and safe reads that back up corrupt files.
// - Every write goes to a temporary file in the same directory, is flushed, then renamed over the target,
//   so a crash mid-write leaves the old file intact.
// - A file that exists but cannot be parsed is copied to `<name>.corrupt-<n>` before defaults are used,
//   so nothing the learner saved is ever silently discarded.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "sim/io/json_read.hpp"

namespace tl {

// $XDG_CONFIG_HOME/tracelab (else ~/.config/tracelab) and $XDG_DATA_HOME/tracelab (else ~/.local/share/tracelab).
// Relative XDG values are ignored, as the XDG spec says.
std::filesystem::path config_dir();
std::filesystem::path data_dir();

// Writes `content` to `path` atomically. Returns an error message or "". The app's own files create their
// folders; a file the user named (an export) must go into a folder that exists, since a missing one is more
// likely a typo than a wish.
enum class ParentFolders { Create, MustExist };
std::string atomic_write(const std::filesystem::path& path, std::string_view content,
                         ParentFolders folders = ParentFolders::Create);

// The outcome of loading a saved JSON document.
struct SavedJson {
    std::optional<Json> json;      // the document, when the file existed and parsed
    std::string warning;           // non-empty when the learner should be told something (corrupt file backed up, …)
    std::filesystem::path backup;  // where a corrupt file was copied, if it was
};

// Reads a saved JSON file. Missing → no json, no warning. Empty or corrupt → backed up, with a warning.
SavedJson load_saved_json(const std::filesystem::path& path);

// Copies `path` to the first free `<path>.corrupt-N`; returns the backup path, or empty on failure.
std::filesystem::path backup_file(const std::filesystem::path& path);

}  // namespace tl
