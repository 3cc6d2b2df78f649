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
    const std::string what = app.showing_received()
                                 ? std::string("traces received over OTLP")
                                 : std::filesystem::path(app.file_name()).filename().string() + ", traces read from a file";
    ImGui::TextWrapped("%s On screen now: %s.", why, what.c_str());
    probe_item("file-mode:notice");
    probe_item("file-mode:on screen: " + what);
    if (app.has_scenario()) {
        if (ImGui::Button("Back to the simulation")) actions.push(ReturnToSimulation{});
        probe_item("file-mode:back");
    }
    return true;
}

}  // namespace tl::ui
