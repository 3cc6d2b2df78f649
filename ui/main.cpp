// tracelab's entry point: command-line commands first (ui/cli), else the desktop app in a GLFW window with
// an OpenGL 3.3 core context. The only file that touches GLFW or OpenGL.
// [SECTION] Window and Dear ImGui set-up
// [SECTION] Frame loop (interactive, screenshot, frame timing)
// [SECTION] Start-up comparison with a bare Dear ImGui window
// [SECTION] main
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>
#define GLFW_INCLUDE_NONE
#include <GL/gl.h>
#include <GLFW/glfw3.h>

#include "sim/io/storage.hpp"
#include "ui/app.hpp"
#include "ui/cli/cli.hpp"
#include "ui/compare.hpp"
#include "ui/fonts.hpp"
#include "ui/frame_pacing.hpp"
#include "ui/gui_options.hpp"
#include "ui/panels/lesson_panel.hpp"
#include "ui/screenshot.hpp"
#include "ui/settings.hpp"
#include "ui/theme.hpp"

namespace {

using Clock = std::chrono::steady_clock;
Clock::time_point g_main_start;  // set first thing in main(): start-up is timed from here
// In screenshot mode the clock advances by this much per frame, so live traffic gives the same picture on
// every machine (half a second: 240 frames send 240 requests at the default 2 requests/s).
constexpr float kScriptedFrameSeconds = 0.5f;
double ms_since(Clock::time_point t) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

// [SECTION] Window and Dear ImGui set-up

std::string g_glfw_error;  // the last GLFW error, for the one-line message on failure
void on_glfw_error(int code, const char* description) {
    g_glfw_error = "GLFW error " + std::to_string(code) + ": " + (description ? description : "");
}

constexpr const char* kNoDisplay =
    "tracelab: cannot open a window: no display found. Set DISPLAY (or WAYLAND_DISPLAY) to a running display, "
    "or run under a virtual one: xvfb-run -a tracelab ...";

bool init_glfw() {
    glfwSetErrorCallback(on_glfw_error);
    const char* display = std::getenv("DISPLAY");
    const char* wayland = std::getenv("WAYLAND_DISPLAY");
    if ((!display || !*display) && (!wayland || !*wayland)) return false;
    return glfwInit() == GLFW_TRUE;
}

GLFWwindow* open_window(int width, int height, const char* title, bool visible) {
    glfwDefaultWindowHints();
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
    glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
    glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
    glfwWindowHint(GLFW_VISIBLE, visible ? GLFW_TRUE : GLFW_FALSE);
    glfwWindowHint(GLFW_SCALE_TO_MONITOR, GLFW_TRUE);
    GLFWwindow* w = glfwCreateWindow(width, height, title, nullptr, nullptr);
    if (!w) return nullptr;
    glfwMakeContextCurrent(w);
    return w;
}

float sane_scale(float sx, float sy) {
    const float s = std::max(sx, sy);
    return s >= 0.5f && s <= 4.0f ? s : 1.0f;
}

float content_scale(GLFWwindow* w) {
    float sx = 1.0f, sy = 1.0f;
    glfwGetWindowContentScale(w, &sx, &sy);
    return sane_scale(sx, sy);
}

float primary_monitor_scale() {
    float sx = 1.0f, sy = 1.0f;
    if (GLFWmonitor* m = glfwGetPrimaryMonitor()) glfwGetMonitorContentScale(m, &sx, &sy);
    return sane_scale(sx, sy);
}

std::vector<uint8_t> read_back_buffer(int w, int h) {
    std::vector<uint8_t> px(size_t(w) * size_t(h) * 4);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadBuffer(GL_BACK);
    glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, px.data());
    return px;
}

void render(GLFWwindow* window, ImVec4 clear) {
    ImGui::Render();
    int fw = 0, fh = 0;
    glfwGetFramebufferSize(window, &fw, &fh);
    glViewport(0, 0, fw, fh);
    glClearColor(clear.x, clear.y, clear.z, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
}

void on_drop(GLFWwindow* window, int count, const char** paths) {
    auto* app = static_cast<tl::ui::App*>(glfwGetWindowUserPointer(window));
    if (app && count > 0 && paths && paths[0]) app->push(tl::ui::OpenFile{paths[0]});
}

// Loads what the flags ask for; problems go to the banner (the app keeps running).
void load_initial_model(tl::ui::App& app, const tl::ui::GuiOptions& o) {
    tl::cli::SimFlags flags = o.sim;
    if (!o.scenario_given)
        flags.scenario = app.settings().last_scenario.empty() ? "checkout" : app.settings().last_scenario;
    auto scenario = tl::cli::build_scenario(flags);
    if (!scenario && !o.scenario_given) {
        flags.scenario = "checkout";
        scenario = tl::cli::build_scenario(flags);
    }
    if (scenario) {
        app.push(tl::ui::SetSeed{flags.seed});
        app.set_scenario(std::move(scenario.value()));
    } else {
        app.add_banner(tl::ui::BannerLevel::Error, scenario.error());
    }
    // Queued after the seed above, so applying the seed (a re-simulation) cannot replace the file on screen.
    if (!o.trace_file.empty()) app.push(tl::ui::OpenFile{o.trace_file});
    if (o.listen) {
        auto http = tl::otlp::parse_listen_address(o.listen_http);
        auto grpc = tl::otlp::parse_listen_address(o.listen_grpc);
        if (!http || !grpc)
            app.add_banner(tl::ui::BannerLevel::Error, "--listen: " + (http ? grpc.error() : http.error()));
        else {
            // The seed above re-simulates when applied, which would put the simulation back on screen under
            // the receiving header until the first spans arrive: apply it first, as File > Receive finds it.
            app.apply_actions();
            app.start_receiving(*http, *grpc);  // a busy port shows in the banner
        }
    }
    if (!o.panel.empty())
        if (auto e = app.focus_panel(o.panel); !e.empty()) app.add_banner(tl::ui::BannerLevel::Warning, e);
}

void load_ini() {
    std::error_code ec;
    const auto path = tl::ui::imgui_ini_path();
    if (std::filesystem::is_regular_file(path, ec)) ImGui::LoadIniSettingsFromDisk(path.string().c_str());
}

void save_ini() {
    size_t n = 0;
    const char* ini = ImGui::SaveIniSettingsToMemory(&n);
    tl::atomic_write(tl::ui::imgui_ini_path(), std::string_view(ini, n));
    ImGui::GetIO().WantSaveIniSettings = false;
}

// View > Text size or the theme changed: a new font atlas at the new size (the old texture is released first,
// the new one uploaded), and the theme re-applied with every size scaled. Runs between frames.
void restyle(tl::ui::App& app, tl::ui::FontAtlas& fonts, float content) {
    const float scale = content * app.settings().text_scale;
    ImGuiIO& io = ImGui::GetIO();
    if (scale != fonts.fonts.scale) {
        ImGui_ImplOpenGL3_DestroyFontsTexture();
        tl::ui::FontAtlas next = tl::ui::build_fonts(app.settings().font_size, scale);
        io.Fonts = next.atlas.get();  // the context does not own the atlas (it was passed to CreateContext)
        fonts = std::move(next);
        ImGui_ImplOpenGL3_CreateFontsTexture();
        app.set_fonts(fonts.fonts);
    }
    tl::ui::apply_theme(app.theme(), scale);
}

// [SECTION] Frame loop (interactive, screenshot, frame timing)

// Presents the first frame, waits until it is drawn, and prints the time since main() began (what a person
// waits for between pressing Enter and seeing the window) with the number of vertices that frame drew.
void report_first_frame(GLFWwindow* window) {
    const int vertices = ImGui::GetDrawData()->TotalVtxCount;
    glfwSwapBuffers(window);
    glFinish();
    std::printf("first frame %.3f ms, %d vertices\n", ms_since(g_main_start), vertices);
    std::fflush(stdout);
}

// What start-up prepares without a window: the App (settings, lessons, quiz, the first simulation, what the
// command line asked for) and the font atlas. Touches neither GLFW nor a Dear ImGui context, so it runs on
// another thread while the window opens.
struct Prepared {
    std::unique_ptr<tl::ui::App> app;
    tl::ui::FontAtlas fonts;
};

Prepared prepare_app(const tl::ui::GuiOptions& o, std::optional<tl::ui::LoadedSettings> settings, float scale) {
    Prepared p;
    const bool persist = settings.has_value();
    p.app = std::make_unique<tl::ui::App>(tl::ui::AppOptions{.asset_dir = {},
                                                             .persist = persist,
                                                             .seed = o.sim.seed,
                                                             .loaded_settings = std::move(settings),
                                                             .native_file_chooser = persist});
    tl::ui::App& app = *p.app;
    // What the command line asks for is in place before the first frame. When it chose a scenario or edits,
    // the app records it, so the lessons do not replace them with a step's set-up until the learner starts one.
    const bool lesson = !o.lesson.empty();
    app.set_startup_choice(o.scenario_given || !o.sim.latency.empty() || !o.sim.error.empty() || !o.sim.drop.empty() ||
                           !o.trace_file.empty() || o.sim.seed != 1 || (!o.select.empty() && !lesson));
    load_initial_model(app, o);
    if (o.text_scale) app.mutable_settings().text_scale = *o.text_scale;
    if (o.theme) app.mutable_settings().theme = *o.theme;
    if (o.play) app.push(tl::ui::SetPlaying{true});
    if (lesson) {
        auto& state = app.slot<tl::ui::LessonState>();
        state.open_at = o.lesson;
        state.pick_after_setup = o.select;
    } else if (!o.select.empty()) {
        // Runs after the queued file (if any) has opened, so the name is looked up in what is on screen.
        app.push(tl::ui::SelectSpanNamed{o.select});
    }
    if (o.adjust_skew) app.push(tl::ui::Custom{"adjust for skew", [](tl::ui::App& a) { a.set_adjust_skew(true); }});
    if (!o.baseline.empty())
        app.push(tl::ui::Custom{"pin baseline file", [path = o.baseline](tl::ui::App& a) {
                                    if (auto e = tl::ui::pin_baseline_file(a, path); !e.empty())
                                        a.add_banner(tl::ui::BannerLevel::Error, e);
                                }});
    if (!o.search.empty()) app.slot<tl::ui::SearchRequest>().query = o.search;
    p.fonts = tl::ui::build_fonts(app.settings().font_size, scale * app.settings().text_scale);
    return p;
}

int run_app(const tl::ui::GuiOptions& o) {
    const bool probe = !o.startup_probe.empty();
    const bool scripted = !o.screenshot.empty() || o.frame_times > 0 || probe;
    // Read once, here (the window size is in it), and handed to the App: a corrupt file is backed up and
    // reported once. Scripted runs (screenshots, timing) neither read nor write the user's files.
    std::optional<tl::ui::LoadedSettings> saved;
    if (!scripted) saved = tl::ui::load_settings(tl::ui::settings_path());
    const int width = o.size_given || !saved ? o.width : saved->settings.window_width;
    const int height = o.size_given || !saved ? o.height : saved->settings.window_height;
    // Opening the window is most of start-up (GLX and the OpenGL driver set themselves up), so everything that
    // needs no window is prepared meanwhile. The fonts are sized for the primary monitor's content scale, which
    // is the window's unless it opens on another monitor (then they are built again below).
    const float monitor_scale = primary_monitor_scale();
    auto preparing = std::async(std::launch::async, prepare_app, std::cref(o), std::move(saved), monitor_scale);
    GLFWwindow* window = open_window(width, height, "tracelab", true);
    Prepared prepared = preparing.get();
    if (!window) {
        std::fprintf(stderr,
                     "tracelab: cannot create an OpenGL 3.3 window (%s). Run under xvfb-run -a, or check "
                     "that the display supports OpenGL 3.3.\n",
                     g_glfw_error.c_str());
        return 2;
    }
    tl::ui::App& app = *prepared.app;
    const float scale = content_scale(window);
    if (scale * app.settings().text_scale != prepared.fonts.fonts.scale)
        prepared.fonts = tl::ui::build_fonts(app.settings().font_size, scale * app.settings().text_scale);
    glfwSwapInterval(scripted ? 0 : 1);
    IMGUI_CHECKVERSION();
    ImGui::CreateContext(prepared.fonts.atlas.get());
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;  // loaded and saved by hand, atomically
    if (!scripted) load_ini();
    tl::ui::apply_theme(app.theme(), prepared.fonts.fonts.scale);
    app.set_fonts(prepared.fonts.fonts);
    ImGui_ImplGlfw_InitForOpenGL(window, true);
    ImGui_ImplOpenGL3_Init("#version 330 core");
    glfwSetWindowUserPointer(window, &app);
    glfwSetDropCallback(window, on_drop);

    std::vector<double> frame_ms;
    int frame = 0;
    int exit_code = 0;
    const int total = !o.screenshot.empty() ? std::max(o.frames, 3) : o.frame_times;
    tl::ui::FramePacing pacing;
    while (!glfwWindowShouldClose(window)) {
        if (scripted || !pacing.may_wait(app.animating())) {
            glfwPollEvents();
        } else {
            glfwWaitEventsTimeout(0.5);  // idle: sleep until input (or a slow heartbeat)
            pacing.woke();
        }
        const auto t0 = Clock::now();
        if (app.take_style_change()) restyle(app, prepared.fonts, scale);
        ImGui_ImplOpenGL3_NewFrame();
        ImGui_ImplGlfw_NewFrame();
        if (!o.screenshot.empty()) io.DeltaTime = kScriptedFrameSeconds;
        ImGui::NewFrame();
        app.frame();
        pacing.drew(!app.last_applied().empty());
        render(window, tl::ui::App::clear_colour());
        if (probe) {
            report_first_frame(window);
            break;
        }
        ++frame;
        if (!o.screenshot.empty() && frame >= total) {
            int fw = 0, fh = 0;
            glfwGetFramebufferSize(window, &fw, &fh);
            const auto px = read_back_buffer(fw, fh);
            const std::string err = tl::ui::write_png_bottom_up(o.screenshot, fw, fh, px);
            if (!err.empty()) {
                std::fprintf(stderr, "tracelab: %s\n", err.c_str());
                exit_code = 1;
            } else {
                std::printf("saved %s (%dx%d)\n", o.screenshot.c_str(), fw, fh);
            }
            break;
        }
        glfwSwapBuffers(window);
        if (o.frame_times > 0) {
            glFinish();
            frame_ms.push_back(ms_since(t0));
            if (frame >= total) break;
        }
        if (io.WantSaveIniSettings && !scripted) save_ini();
        if (app.quit_requested()) glfwSetWindowShouldClose(window, GLFW_TRUE);
    }
    if (!frame_ms.empty()) {
        std::sort(frame_ms.begin(), frame_ms.end());
        auto pct = [&](double p) {
            return frame_ms[std::min(frame_ms.size() - 1, size_t(p * double(frame_ms.size())))];
        };
        std::printf("frames: %zu  p50 %.2f ms  p95 %.2f ms  max %.2f ms\n", frame_ms.size(), pct(0.50), pct(0.95),
                    frame_ms.back());
    }
    if (!scripted) {
        int w = 0, h = 0;
        glfwGetWindowSize(window, &w, &h);
        app.mutable_settings().window_width = w;
        app.mutable_settings().window_height = h;
        app.save_settings_now();
        save_ini();
    }
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
    glfwDestroyWindow(window);
    return exit_code;
}

// [SECTION] Start-up comparison with a bare Dear ImGui window

// A bare Dear ImGui + GLFW program: window, context, default font, one frame of one small window. The window
// gets its position and size up front: a new window without them is hidden on its first frame (Dear ImGui
// measures it first), and a frame that draws nothing would not pay what drawing costs (under llvmpipe the
// first draw compiles the rasteriser's shader variants).
int run_bare_probe(const tl::ui::GuiOptions& o) {
    GLFWwindow* window = open_window(o.width, o.height, "bare", true);
    if (!window) return 2;
    glfwSwapInterval(0);
    ImGui::CreateContext();
    ImGui::GetIO().IniFilename = nullptr;
    ImGui_ImplGlfw_InitForOpenGL(window, true);
    ImGui_ImplOpenGL3_Init("#version 330 core");
    glfwPollEvents();
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    ImGui::NewFrame();
    ImGui::SetNextWindowPos(ImVec2(60, 60));
    ImGui::SetNextWindowSize(ImVec2(240, 90));
    ImGui::Begin("Hello");
    ImGui::Text("one frame");
    ImGui::End();
    render(window, ImVec4(0.08f, 0.09f, 0.10f, 1.0f));
    report_first_frame(window);
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
    glfwDestroyWindow(window);
    return 0;
}

// One probe in a fresh process, so each start pays what a real start pays (fontconfig, first use of
// everything); returns its first-frame time, or a negative number when it failed.
double run_probe(const std::string& exe, const std::vector<std::string>& args, int* vertices) {
    std::string cmd = "'" + exe + "'";
    for (const auto& a : args) {
        std::string quoted;
        for (char c : a) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
        cmd += " '" + quoted + "'";
    }
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) return -1;
    double ms = -1;
    char line[256];
    while (std::fgets(line, sizeof line, p))
        if (std::sscanf(line, "first frame %lf ms, %d vertices", &ms, vertices) == 2) break;
    while (std::fgets(line, sizeof line, p)) {
    }
    return pclose(p) == 0 ? ms : -1;
}

// Alternates bare and tracelab probes, each a new process, and compares the medians.
int run_startup_compare(const tl::ui::GuiOptions& o, const tl::cli::Args& args) {
    std::error_code ec;
    const std::string exe = std::filesystem::read_symlink("/proc/self/exe", ec).string();
    if (ec) {
        std::fprintf(stderr, "tracelab: cannot find the program's own path: %s\n", ec.message().c_str());
        return 2;
    }
    const std::string size = std::to_string(o.width) + "x" + std::to_string(o.height);
    std::vector<std::string> app_args;
    for (const auto& a : args)
        if (a != "--startup-compare") app_args.push_back(a);
    app_args.insert(app_args.end(), {"--startup-probe", "app", "--size", size});
    const std::vector<std::string> bare_args = {"--startup-probe", "bare", "--size", size};
    constexpr int kRuns = 7;
    std::vector<double> bare, app;
    int bare_vertices = 0, app_vertices = 0;
    for (int i = 0; i < kRuns; ++i) {
        bare.push_back(run_probe(exe, bare_args, &bare_vertices));
        app.push_back(run_probe(exe, app_args, &app_vertices));
        if (bare.back() < 0 || app.back() < 0) {
            std::fprintf(stderr, "tracelab: a start-up probe failed (is there a display?)\n");
            return 2;
        }
    }
    std::sort(bare.begin(), bare.end());
    std::sort(app.begin(), app.end());
    const double b = bare[kRuns / 2], t = app[kRuns / 2];
    std::printf(
        "start-up to first frame, from main() to the frame drawn (median of %d fresh processes each, %s):\n"
        "  bare Dear ImGui + GLFW: %5.1f ms  (one small window, %d vertices)\n"
        "  tracelab:               %5.1f ms  (%d vertices)\n"
        "  ratio: %.2f\n",
        kRuns, size.c_str(), b, bare_vertices, t, app_vertices, t / b);
    return 0;
}

}  // namespace

// [SECTION] main

int main(int argc, char** argv) {
    g_main_start = Clock::now();
    const tl::cli::Args args(argv + 1, argv + argc);
    if (auto code = tl::cli::run(args, tl::cli::Io{std::cin, std::cout, std::cerr})) return *code;
    if (args.size() == 1 && args[0] == "--help-app") {
        std::fputs(tl::ui::gui_usage(), stdout);
        return 0;
    }
    auto options = tl::ui::parse_gui_options(args);
    if (!options) {
        std::fprintf(stderr, "tracelab: %s\n", options.error().c_str());
        return 2;
    }
    if (!init_glfw()) {
        std::fprintf(stderr, "%s\n", kNoDisplay);
        return 2;
    }
    const int code = options->startup_compare           ? run_startup_compare(*options, args)
                     : options->startup_probe == "bare" ? run_bare_probe(*options)
                                                        : run_app(*options);
    glfwTerminate();
    return code;
}
