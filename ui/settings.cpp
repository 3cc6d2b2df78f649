// Settings: JSON round trip and safe load/save under the XDG config dir.
#include "ui/settings.hpp"

#include "sim/io/storage.hpp"

namespace tl::ui {

Json settings_to_json(const Settings& s) {
    return Json{{"version", 1},
                {"splitters",
                 {{"left_width", s.splitters.left_width},
                  {"right_width", s.splitters.right_width},
                  {"bottom_height", s.splitters.bottom_height},
                  {"trace_list_height", s.splitters.trace_list_height},
                  {"file_trace_list_height", s.splitters.file_trace_list_height}}},
                {"show_ghosts", s.show_ghosts},
                {"font_size", s.font_size},
                {"text_scale", s.text_scale},
                {"theme", s.theme},
                {"last_scenario", s.last_scenario},
                {"window", {{"width", s.window_width}, {"height", s.window_height}}}};
}

Result<Settings> settings_from_json(const Json& j, const std::string& source) {
    try {
        JsonIn in(j, source);
        in.expect_object();
        Settings s;
        if (auto sp = in.opt("splitters")) {
            sp->expect_object();
            auto& st = s.splitters;
            st.left_width = static_cast<float>(sp->number_or("left_width", st.left_width, 50, 5000));
            st.right_width = static_cast<float>(sp->number_or("right_width", st.right_width, 50, 5000));
            st.bottom_height = static_cast<float>(sp->number_or("bottom_height", st.bottom_height, 20, 5000));
            st.trace_list_height =
                static_cast<float>(sp->number_or("trace_list_height", st.trace_list_height, 20, 5000));
            st.file_trace_list_height =
                static_cast<float>(sp->number_or("file_trace_list_height", st.file_trace_list_height, 20, 5000));
        }
        s.show_ghosts = in.bool_or("show_ghosts", s.show_ghosts);
        s.font_size = static_cast<float>(in.number_or("font_size", s.font_size, 8, 40));
        s.text_scale = static_cast<float>(in.number_or("text_scale", s.text_scale, kMinTextScale, kMaxTextScale));
        if (auto t = in.opt("theme")) {
            s.theme = t->str();
            if (s.theme != "dark" && s.theme != "high-contrast") t->fail("expected \"dark\" or \"high-contrast\"");
        }
        s.last_scenario = in.str_or("last_scenario", s.last_scenario);
        if (auto w = in.opt("window")) {
            w->expect_object();
            s.window_width = static_cast<int>(w->integer_or("width", s.window_width, 320, 16384));
            s.window_height = static_cast<int>(w->integer_or("height", s.window_height, 240, 16384));
        }
        return s;
    } catch (const LoadError& e) {
        return Result<Settings>::failure(e.what());
    }
}

std::filesystem::path settings_path() {
    return config_dir() / "settings.json";
}
std::filesystem::path imgui_ini_path() {
    return config_dir() / "imgui.ini";
}

LoadedSettings load_settings(const std::filesystem::path& path) {
    LoadedSettings out;
    SavedJson saved = load_saved_json(path);
    out.warning = saved.warning;
    if (!saved.json) return out;
    auto parsed = settings_from_json(*saved.json, path.string());
    if (parsed) {
        out.settings = *parsed;
    } else {
        const auto backup = backup_file(path);
        out.warning = parsed.error() + " — using default settings" +
                      (backup.empty() ? std::string() : " (the file was kept as " + backup.string() + ")");
    }
    return out;
}

std::string save_settings(const Settings& s, const std::filesystem::path& path) {
    return atomic_write(path, settings_to_json(s).dump(2) + "\n");
}

}  // namespace tl::ui
