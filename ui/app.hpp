// App: the model behind the window and the frame that draws it.
// - Owns the scenario, the engine's Run (ground truth + observed spans), the Analysis, the selection and
//   view state, slots for feature state (lessons, quiz, sampling) and the queue of Actions.
// - frame() draws every panel between the caller's NewFrame() and Render(), then applies the actions the
//   panels pushed; a scenario edit re-simulates at once. It knows nothing about GLFW or OpenGL, so tests
//   drive it on a bare Dear ImGui context.
// - Also shows a trace file instead of a simulation (File > Open, drag and drop, `tracelab FILE`).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <thread>
#include <typeindex>
#include <unordered_map>
#include <vector>

#include "sim/engine/engine.hpp"
#include "sim/engine/scenario.hpp"
#include "sim/trace/analysis.hpp"
#include "sim/trace/broken_hops.hpp"
#include "sim/trace/links.hpp"
#include "sim/trace/skew.hpp"
#include "ui/actions.hpp"
#include "ui/file_chooser.hpp"
#include "ui/layout.hpp"
#include "ui/live_receive.hpp"
#include "ui/panels/panel.hpp"
#include "ui/settings.hpp"
#include "ui/theme.hpp"

struct ImFont;
struct ImVec4;

namespace tl::ui {

// [SECTION] View state

struct LiveTraffic {
    bool playing = false;
    // Follow latest: each request replaces what the waterfall shows. Pinned: the request on screen stays,
    // new requests only feed the histogram.
    bool pinned = false;
    double requests_per_second = 2.0;
    double until_next_s = 0.0;  // time left until the next request
    uint64_t requests_sent = 0;
    std::vector<double> root_ms;  // root duration of each live request, oldest first (capped)
    std::vector<bool> root_error;
};

struct ViewState {
    int32_t selected_trace = -1;  // index into Analysis::traces
    int32_t selected_span = -1;   // index into TraceStore::spans
    bool show_ghosts = true;
    bool show_help = false;
    LiveTraffic live;
};

enum class BannerLevel { Info, Warning, Error };
struct BannerMessage {
    BannerLevel level = BannerLevel::Info;
    std::string text;
};

// "Send to collector": the OTLP/HTTP export of the shown traces, run on a worker thread.
struct CollectorSend {
    enum class State { Idle, Sending, Done };
    State state = State::Idle;
    std::string endpoint;  // what the dialog's field holds
    std::string status;    // the outcome (or progress) in words
    bool success = false;  // the last send was accepted (fully or in part)
    size_t spans = 0;      // spans in the last send
};

// Fonts the panels may use; null pointers mean Dear ImGui's default font.
struct AppFonts {
    ImFont* ui = nullptr;
    ImFont* mono = nullptr;
    float scale = 1.0f;  // content scale applied to sizes
};

// The path made absolute and normal ("./a/../b.json" → "/cwd/b.json"), for messages that name full paths.
std::filesystem::path absolute_path(const std::filesystem::path& p);

struct AppOptions {
    std::filesystem::path asset_dir;  // empty: tl::asset_dir()
    bool persist = false;             // read/write settings.json and imgui.ini (the real app; not tests)
    uint64_t seed = 1;
    // With persist: settings.json as the caller already read it (main reads it once, for the window size),
    // so a corrupt file is backed up and reported once; empty: the App reads it.
    std::optional<LoadedSettings> loaded_settings;
    bool native_file_chooser = false;  // use the desktop's dialog (zenity, kdialog) when present (the real app)
};

// [SECTION] App

class App {
public:
    explicit App(AppOptions options = {});
    ~App();
    App(const App&) = delete;
    App& operator=(const App&) = delete;

    // Model set-up. Each returns "" or a learner-readable error (also shown in the banner).
    std::string load_scenario(std::string_view name_or_path);
    void set_scenario(Scenario scenario);
    // A trace file is imported and shown; a scenario file (told by its content) is loaded instead.
    std::string open_trace_file(const std::filesystem::path& path);
    std::string open_scenario_file(const std::filesystem::path& path);
    // File > Save scenario as: writes the scenario on screen, edits included; the banner names the full path.
    std::string save_scenario_as(const std::filesystem::path& path);
    // File > New scenario: one service to build on, with the service editor in front.
    void new_scenario();
    void resimulate();

    // Draws everything (call between ImGui::NewFrame() and ImGui::Render()), then applies actions.
    void frame();
    // The colour to clear the frame to before rendering: the panels' background (they draw none themselves).
    [[nodiscard]] static ImVec4 clear_colour();
    // Queues an action (from outside the panels: main.cpp drag-and-drop, tests, lessons).
    void push(Action a) { actions_.push(std::move(a)); }
    // Applies the queued actions now (frame() does this at its end).
    void apply_actions();
    void apply(Action a);

    // [SECTION] Read access for panels
    [[nodiscard]] bool has_scenario() const { return has_scenario_; }
    [[nodiscard]] const Scenario& scenario() const { return scenario_; }
    // The simulation's Run; nullptr while a trace file is shown.
    [[nodiscard]] const Run* run() const { return showing_file() ? nullptr : &run_; }
    [[nodiscard]] const TraceStore& store() const { return showing_file() ? imported_ : run_.observed; }
    [[nodiscard]] const Analysis& analysis() const { return analysis_; }
    // Where a request split into two traces (find_broken_hops over store() and analysis()), kept with them.
    [[nodiscard]] const std::vector<BrokenHop>& broken_hops() const { return broken_hops_; }
    [[nodiscard]] const ViewState& view() const { return view_; }
    [[nodiscard]] uint64_t seed() const { return seed_; }
    // The seed live request number `n` (1-based, as the request list shows it) was simulated with.
    [[nodiscard]] uint64_t live_request_seed(uint64_t n) const { return options_.seed + n; }
    [[nodiscard]] bool showing_file() const { return !file_name_.empty(); }
    // file_name() while traces received over OTLP are on screen (receiving or stopped).
    static constexpr std::string_view kReceivedTraces = "received traces";
    [[nodiscard]] bool showing_received() const { return file_name_ == kReceivedTraces; }
    // A file's or a receiver's traces are on screen, more than the simulation's trace list holds (three rows):
    // the list then takes SplitterState::file_trace_list_height.
    [[nodiscard]] bool many_file_traces() const { return showing_file() && analysis_.traces.size() > 3; }
    [[nodiscard]] const std::string& file_name() const { return file_name_; }
    // Increases whenever the store/analysis change, so panels can cache derived data.
    [[nodiscard]] uint64_t generation() const { return generation_; }
    [[nodiscard]] const std::vector<BannerMessage>& banner() const { return banner_; }
    [[nodiscard]] const std::vector<std::string>& builtin_scenarios() const { return builtin_scenarios_; }
    [[nodiscard]] const std::filesystem::path& asset_dir() const { return asset_dir_; }
    [[nodiscard]] const AppFonts& fonts() const { return fonts_; }
    [[nodiscard]] const Settings& settings() const { return settings_; }
    // Actions applied during the last apply_actions() (tests, lessons watching what the learner did).
    [[nodiscard]] const std::vector<Action>& last_applied() const { return last_applied_; }
    // The selected span's hop: the wire call that created its operation; nullptr when none.
    [[nodiscard]] const Hop* hop_into_span(int32_t span) const;
    // The trace the selection is in (or the first trace); -1 when there are no traces.
    [[nodiscard]] int32_t current_trace() const;
    [[nodiscard]] const std::vector<std::unique_ptr<Panel>>& panels() const { return panels_; }
    [[nodiscard]] Panel* find_panel(std::string_view name) const;
    [[nodiscard]] const Layout& last_layout() const { return layout_; }
    // Name of the panel in front in each area during the last frame (lesson goals read this).
    [[nodiscard]] const std::vector<std::string>& front_panels() const { return area_front_; }
    // True when something moves on its own: the main loop then redraws without waiting for input.
    [[nodiscard]] bool animating() const;
    // The command line (or the learner) chose a scenario or edits at start-up: lessons then do not replace
    // them with their own set-up until the learner starts a lesson or step.
    [[nodiscard]] bool startup_choice() const { return startup_choice_; }
    [[nodiscard]] const CollectorSend& collector_send() const { return collector_; }
    // [SECTION] Presentation: text size and theme
    // View > Text size: sets the text scale (clamped to kMinTextScale..kMaxTextScale, snapped to the menu's
    // steps by the shortcuts), persisted. The window owner rebuilds fonts and style when take_style_change() says so.
    void set_text_scale(float scale);
    void step_text_scale(int direction);  // Ctrl+= (+1), Ctrl+- (-1), Ctrl+0 (0: back to 100%)
    void set_theme(ThemeKind theme);
    [[nodiscard]] ThemeKind theme() const;
    // True once after a text size or theme change: rebuild the font atlas at the new size and re-apply the theme
    // before the next NewFrame().
    bool take_style_change();
    // File > Quit or Ctrl+Q: the window owner closes the window.
    [[nodiscard]] bool quit_requested() const { return quit_requested_; }
    // Clock skew in the shown traces, found on the times as received (Jaeger's adjuster), and whether the
    // shown times are adjusted for it (opt-in; the raw times come back with set_adjust_skew(false)).
    [[nodiscard]] const ClockSkewReport& clock_skew() const { return skew_; }
    [[nodiscard]] bool skew_adjusted() const { return skew_applied_; }
    // Span links of the shown store, resolved to the spans they name.
    [[nodiscard]] const LinkIndex& links() const { return links_; }

    // [SECTION] Set-up used by main.cpp and tests
    void set_fonts(const AppFonts& fonts) { fonts_ = fonts; }
    void add_banner(BannerLevel level, std::string text);
    // Brings a panel's tab to the front; "" when found, else the list of names.
    std::string focus_panel(std::string_view name);
    void save_settings_now();
    Settings& mutable_settings() { return settings_; }
    void set_startup_choice(bool chosen) { startup_choice_ = chosen; }
    // Live traffic: keep the request on screen (true) or follow the latest one (false).
    void set_live_pinned(bool pinned) { view_.live.pinned = pinned; }
    // The file chooser (tests drive its in-app browser; main lets it use the desktop's dialog).
    [[nodiscard]] const FileChooser& file_chooser() const { return chooser_; }
    // Opens the "Send to collector" dialog (File menu); the endpoint defaults as for `tracelab export`.
    void open_collector_dialog();
    // Starts sending the shown traces to `endpoint` on a worker thread; the frame polls the outcome.
    void start_collector_send(const std::string& endpoint);
    void cancel_collector_send();
    // Shows the traces with each skewed service moved into its caller (on), or as received (off); stays on
    // for later runs and files until turned off.
    void set_adjust_skew(bool on);
    // Receiving (File > Receive traces…, --listen): starts OTLP listeners and shows what arrives, live, in the
    // same views as a file. "" or the reason it could not start (a port in use), naming --http/--grpc when
    // `command_line`, else asking for another address in words (the dialog).
    std::string start_receiving(const otlp::ListenAddress& http, const otlp::ListenAddress& grpc,
                                bool command_line = true);
    void stop_receiving();
    [[nodiscard]] const LiveReceive* receiving() const { return receive_.get(); }
    [[nodiscard]] LiveReceive* receiving() { return receive_.get(); }
    // True when the trace got spans in the last few seconds (the trace list's "receiving" mark).
    [[nodiscard]] bool trace_receiving(TraceId id) const;
    // Takes in what the listeners received since the last frame (without waiting); called by frame().
    void poll_receiving();

    // [SECTION] Feature state slots (lesson progress, quiz attempt, sampling run …), one object per type.
    template <class T>
    T& slot() {
        auto& p = slots_[std::type_index(typeid(T))];
        if (!p) p = std::make_shared<T>();
        return *static_cast<T*>(p.get());
    }
    template <class T>
    [[nodiscard]] const T* find_slot() const {
        auto it = slots_.find(std::type_index(typeid(T)));
        return it == slots_.end() ? nullptr : static_cast<const T*>(it->second.get());
    }

private:
    // Analyses the store, which holds times as received; then applies the skew adjustment when it is on.
    void reanalyze();
    TraceStore& mutable_store() { return showing_file() ? imported_ : run_.observed; }
    void after_times_changed();
    void restore_selection(int32_t old_op, int32_t old_trace);
    void tick_live(float dt);
    void send_live_request();
    void handle_shortcuts();
    void draw_menu_bar();
    void draw_view_menu();
    void draw_banner();
    void draw_gutters(float below_menu, float top) const;
    void draw_areas(float top);
    void draw_area(Area area, const Rect& r);
    void draw_splitters(const Layout& l);
    void draw_splitter_grip(const Rect& r, bool vertical, bool hovered, bool active) const;
    void draw_help();
    void draw_file_dialogs();
    std::string export_trace(const std::string& path, TraceFormat format);
    void draw_collector_dialog();
    void draw_receive_dialog();
    void poll_collector_send();
    // Leaves a shown file for the simulation: forgets the file and the banner lines about it.
    void leave_file();
    // Play was asked for while a file is shown: say why nothing plays.
    void explain_no_live();

    AppOptions options_;
    std::filesystem::path asset_dir_;
    std::vector<std::string> builtin_scenarios_;
    Scenario scenario_;
    bool has_scenario_ = false;
    std::unique_ptr<Engine> engine_;
    Run run_;
    TraceStore imported_;
    std::string file_name_;
    std::vector<std::string> file_banners_;  // banner lines that speak of the shown file (cleared on leaving)
    Analysis analysis_;
    std::vector<BrokenHop> broken_hops_;
    ClockSkewReport skew_;
    bool adjust_skew_ = false, skew_applied_ = false;
    LinkIndex links_;
    uint64_t seed_ = 1;
    uint64_t generation_ = 0;
    ViewState view_;
    Settings settings_;
    AppFonts fonts_;
    Layout layout_;
    std::vector<BannerMessage> banner_;
    std::vector<std::unique_ptr<Panel>> panels_;
    std::vector<std::string> focus_requests_;  // panel names to bring to the front next frame
    std::vector<std::string> area_front_;      // per Area: name of the panel last shown in front
    Actions actions_;
    std::vector<Action> last_applied_;
    std::unordered_map<std::type_index, std::shared_ptr<void>> slots_;
    // File dialogs: the chooser (desktop dialog or in-app browser) and what its answer is for; Export's dialog.
    enum class ChooserFor { Nothing, Open, SaveScenario, Export };
    void choose_file(ChooserFor what);
    void take_chosen_file();
    FileChooser chooser_;
    ChooserFor chooser_for_ = ChooserFor::Nothing;
    bool export_dialog_ = false;
    std::string dialog_path_;
    int export_format_ = 0;
    int dragging_splitter_ = -1;
    bool style_change_ = false;
    bool quit_requested_ = false;
    bool startup_choice_ = false;
    // Collector send: the dialog's state, the worker's result slot and the worker (declared last, so it is
    // stopped and joined before anything it touches goes away).
    struct CollectorJob;
    CollectorSend collector_;
    bool collector_dialog_ = false;
    bool receive_dialog_ = false;
    std::string receive_http_ = "127.0.0.1:4318", receive_grpc_ = "127.0.0.1:4317", receive_error_;
    std::unique_ptr<LiveReceive> receive_;
    std::shared_ptr<CollectorJob> collector_job_;
    std::jthread collector_worker_;
};

}  // namespace tl::ui
