// File mode notice for the simulator-only panels (see file_mode.hpp).
#include "ui/panels/file_mode.hpp"

#include <filesystem>
#include <string>

#include <imgui.h>

#include "ui/app.hpp"
#include "ui/widgets/label_probe.hpp"

namespace tl::ui {

bool draw_file_mode_notice(const App& app, Actions& actions, const char* why) {
    if (!app.showing_file()) return false;
    const std::string file = std::filesystem::path(app.file_name()).filename().string();
    ImGui::TextWrapped("%s On screen now: %s, traces read from a file.", why, file.c_str());
    probe_item("file-mode:notice");
    if (app.has_scenario()) {
        if (ImGui::Button("Back to the simulation")) actions.push(ReturnToSimulation{});
        probe_item("file-mode:back");
    }
    return true;
}

}  // namespace tl::ui
