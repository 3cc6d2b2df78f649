// Settings the app keeps between sessions: splitter positions, view toggles, the last scenario.
// - Stored as JSON in tl::config_dir()/settings.json (imgui.ini sits beside it), written atomically.
// - A missing file gives defaults; a corrupt one is backed up and reported, never fatal.
#pragma once

#include <filesystem>
#include <string>

#include "sim/io/json_read.hpp"
#include "ui/layout.hpp"

namespace tl::ui {

inline constexpr float kMinTextScale = 0.8f;
inline constexpr float kMaxTextScale = 2.0f;

struct Settings {
    SplitterState splitters;
    bool show_ghosts = true;  // ground-truth ghosts of split-off fragments
    float font_size = 15.0f;  // UI font size in points, before content scale and text size
    float text_scale = 1.0f;  // View > Text size: scales fonts and every size in the UI (0.8 to 2)
    std::string theme = "dark";  // "dark" or "high-contrast"
    std::string last_scenario = "checkout";
    int window_width = 1280;
    int window_height = 800;
};

Json settings_to_json(const Settings& s);
// Unknown keys are ignored (files from newer versions); wrong types fail with file and JSON path.
Result<Settings> settings_from_json(const Json& j, const std::string& source);

std::filesystem::path settings_path();   // config_dir()/settings.json
std::filesystem::path imgui_ini_path();  // config_dir()/imgui.ini

struct LoadedSettings {
    Settings settings;
    std::string warning;  // for the banner: corrupt file backed up, bad value, …
};
LoadedSettings load_settings(const std::filesystem::path& path);
// "" on success, else the reason.
std::string save_settings(const Settings& s, const std::filesystem::path& path);

}  // namespace tl::ui
