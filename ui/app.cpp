// App: model updates (load, simulate, analyse, import), the frame (menu, banner, areas with tabs,
// splitters, help, file dialogs) and the Action applier.
// [SECTION] Construction and model
// [SECTION] Actions
// [SECTION] Live traffic
// [SECTION] Frame
// [SECTION] Menu bar, banner, dialogs, help
// [SECTION] Send to collector
#include "ui/app.hpp"

#include <imgui.h>
#include <imgui_stdlib.h>
#include <algorithm>
#include <atomic>
#include <cmath>
#include <utility>

#include "sim/engine/scenario_authoring.hpp"
#include "sim/engine/scenario_file.hpp"
#include "sim/formats/formats.hpp"
#include "sim/io/storage.hpp"
#include "ui/cli/otlp_http.hpp"
#include "ui/imgui_compat.hpp"
#include "ui/panels/code_panel.hpp"
#include "ui/shortcuts.hpp"
#include "ui/theme.hpp"
#include "ui/widgets/label_probe.hpp"

namespace tl::ui {

// [SECTION] Construction and model

App::App(AppOptions options) : options_(std::move(options)) {
    asset_dir_ = options_.asset_dir.empty() ? tl::asset_dir() : options_.asset_dir;
    builtin_scenarios_ = builtin_scenario_names(asset_dir_ / "scenarios");
    seed_ = options_.seed;
    if (options_.persist) {
        LoadedSettings loaded = options_.loaded_settings ? *options_.loaded_settings : load_settings(settings_path());
        settings_ = loaded.settings;
        if (!loaded.warning.empty()) add_banner(BannerLevel::Warning, loaded.warning);
    }
    view_.show_ghosts = settings_.show_ghosts;
    panels_ = make_panels();
    area_front_.resize(kAreaCount);
}

App::~App() = default;

namespace {

// Importer warnings as one banner line that names the file once: "x.json was read with 2 problems: unknown
// span kind 9, read as unspecified (at /resourceSpans/0/…); …". The importer prefixes each warning with the
// path it was given and often a JSON pointer; the pointer goes last, in brackets.
std::string import_warnings_text(const std::filesystem::path& path, const std::vector<std::string>& warnings) {
    const std::string full = path.string() + ": ";
    std::string out = path.filename().string() + " was read with " + std::to_string(warnings.size()) +
                      (warnings.size() == 1 ? " problem: " : " problems: ");
    constexpr size_t kShown = 3;
    for (size_t i = 0; i < warnings.size() && i < kShown; ++i) {
        std::string w = warnings[i];
        if (w.rfind(full, 0) == 0) w.erase(0, full.size());
        std::string where;
        if (!w.empty() && w[0] == '/') {
            if (const size_t colon = w.find(": "); colon != std::string::npos) {
                where = w.substr(0, colon);
                w.erase(0, colon + 2);
            }
        }
        out += (i ? "; " : "") + w + (where.empty() ? "" : " (at " + where + ")");
    }
    if (warnings.size() > kShown) out += "; and " + std::to_string(warnings.size() - kShown) + " more";
    return out;
}

}  // namespace

void App::add_banner(BannerLevel level, std::string text) {
    for (const auto& b : banner_)
        if (b.text == text) return;
    banner_.push_back({level, std::move(text)});
}

std::string App::load_scenario(std::string_view name_or_path) {
    auto loaded = tl::load_scenario(name_or_path, asset_dir_ / "scenarios");
    if (!loaded) {
        add_banner(BannerLevel::Error, loaded.error());
        return loaded.error();
    }
    set_scenario(std::move(loaded.value()));
    settings_.last_scenario = scenario_.id.empty() ? std::string(name_or_path) : scenario_.id;
    return "";
}

void App::set_scenario(Scenario scenario) {
    scenario_ = std::move(scenario);
    has_scenario_ = true;
    file_name_.clear();
    imported_ = TraceStore{};
    view_.selected_span = -1;
    view_.selected_trace = -1;
    view_.live.root_ms.clear();
    view_.live.root_error.clear();
    resimulate();
}

void App::resimulate() {
    if (!has_scenario_) return;
    // Keep the selection on the same operation (spans are renumbered by a new run).
    int32_t old_op = -1;
    if (!showing_file() && view_.selected_span >= 0 && view_.selected_span < int32_t(run_.observed.spans.size()))
        old_op = run_.observed.spans[size_t(view_.selected_span)].op;
    const int32_t old_trace = view_.selected_trace;
    engine_ = std::make_unique<Engine>(scenario_);
    EngineOptions opt;
    opt.seed = seed_;
    engine_->run(opt, run_);
    reanalyze();
    restore_selection(old_op, old_trace);
}

void App::reanalyze() {
    analyze(store(), analysis_);
    skew_ = detect_clock_skew(store(), analysis_);
    skew_applied_ = false;
    if (adjust_skew_ && skew_.any()) {
        adjust_for_skew(mutable_store(), skew_);
        skew_applied_ = true;
        analyze(store(), analysis_);
    }
    links_ = resolve_links(store(), analysis_);
    broken_hops_ = find_broken_hops(store(), analysis_);
    ++generation_;
    // Distinct colours for the services on screen: the scenario's order, or first appearance in a file.
    std::vector<std::string_view> services;
    if (!showing_file() && has_scenario_) {
        for (const auto& svc : scenario_.services) services.push_back(svc.name);
    } else {
        std::vector<bool> seen(store().strings.size(), false);
        for (const auto& sp : store().spans)
            if (sp.service < seen.size() && !seen[sp.service]) {
                seen[sp.service] = true;
                services.push_back(store().str(sp.service));
            }
    }
    set_service_order(services);
}

void App::set_adjust_skew(bool on) {
    adjust_skew_ = on;
    if (receive_) receive_->set_adjust_skew(on);  // the next views arrive adjusted (or not) too
    if (on == skew_applied_ || (on && !skew_.any())) return;
    if (on) {
        adjust_for_skew(mutable_store(), skew_);
    } else {
        ClockSkewReport undo = skew_;
        for (int64_t& d : undo.shift_ns) d = -d;
        adjust_for_skew(mutable_store(), undo);
    }
    skew_applied_ = on;
    after_times_changed();
}

// Span times moved in place (skew on/off): the same spans, so the selection stays; trace order may change.
void App::after_times_changed() {
    analyze(store(), analysis_);
    for (SkewFinding& f : skew_.findings)
        f.trace = static_cast<uint32_t>(analysis_.find_trace(store().spans[f.span].trace_id));
    links_ = resolve_links(store(), analysis_);
    broken_hops_ = find_broken_hops(store(), analysis_);
    ++generation_;
    if (view_.selected_span >= 0 && view_.selected_span < int32_t(store().spans.size()))
        view_.selected_trace = analysis_.trace_of[size_t(view_.selected_span)];
}

void App::restore_selection(int32_t old_op, int32_t old_trace) {
    const auto& spans = store().spans;
    view_.selected_span = -1;
    if (old_op >= 0)
        for (size_t i = 0; i < spans.size(); ++i)
            if (spans[i].op == old_op) view_.selected_span = int32_t(i);
    if (view_.selected_span >= 0)
        view_.selected_trace = analysis_.trace_of[size_t(view_.selected_span)];
    else if (old_trace < 0 || old_trace >= int32_t(analysis_.traces.size()))
        view_.selected_trace = analysis_.traces.empty() ? -1 : 0;
    // A fresh scenario starts with the first trace's root selected, so span details have something to say; so
    // does a run in which the selected operation has no span any more (its service stopped reporting, or a
    // sampler dropped it): the learner had a span selected and keeps having one.
    const bool lost = old_op >= 0 && view_.selected_span < 0;
    if (((old_op < 0 && old_trace < 0) || lost) && view_.selected_trace >= 0)
        view_.selected_span = analysis_.traces[size_t(view_.selected_trace)].root;
}

std::string App::open_trace_file(const std::filesystem::path& path) {
    if (is_scenario_file(path)) return open_scenario_file(path);
    auto imported = import_trace_file(path);
    release_import_memory();  // this thread lives on: the parser's buffers are not needed until the next open
    if (!imported) {
        add_banner(BannerLevel::Error, imported.error());
        return imported.error();
    }
    imported_ = std::move(imported->store);
    for (const auto& b : file_banners_) std::erase_if(banner_, [&](const BannerMessage& m) { return m.text == b; });
    file_banners_.clear();
    file_name_ = path.string();
    if (!imported->warnings.empty()) {
        file_banners_.push_back(import_warnings_text(path, imported->warnings));
        add_banner(BannerLevel::Warning, file_banners_.back());
    }
    view_.selected_span = -1;
    view_.live.playing = false;
    reanalyze();
    view_.selected_trace = analysis_.traces.empty() ? -1 : 0;
    file_banners_.push_back("Showing " + absolute_path(path).string() + " (" +
                            std::string(to_string(imported->format)) + ", " + std::to_string(imported_.spans.size()) +
                            " spans)");
    add_banner(BannerLevel::Info, file_banners_.back());
    return "";
}

std::string App::open_scenario_file(const std::filesystem::path& path) {
    const std::filesystem::path full = absolute_path(path);
    auto loaded = load_scenario_file(full);
    if (!loaded) {
        add_banner(BannerLevel::Error, loaded.error());
        return loaded.error();
    }
    set_scenario(std::move(loaded.value()));
    settings_.last_scenario = full.string();
    add_banner(BannerLevel::Info, "Opened the scenario " + full.string());
    return "";
}

std::string App::save_scenario_as(const std::filesystem::path& path) {
    if (!has_scenario_) return "there is no scenario to save";
    const std::filesystem::path full = absolute_path(path);
    Scenario named = scenario_;
    if (named.title.empty() || named.title == named.id) named.title = full.stem().string();
    if (auto e = save_scenario_file(full, named); !e.empty()) {
        add_banner(BannerLevel::Error, "Saving the scenario failed: " + e);
        return e;
    }
    scenario_.id = full.stem().string();
    scenario_.title = named.title;
    settings_.last_scenario = full.string();
    add_banner(BannerLevel::Info, "Saved the scenario to " + full.string());
    return "";
}

void App::new_scenario() {
    push(ReplaceScenario{tl::new_scenario()});
    push(FocusPanel{"editor"});
}

void App::leave_file() {
    file_name_.clear();
    imported_ = TraceStore{};
    for (const auto& b : file_banners_) std::erase_if(banner_, [&](const BannerMessage& m) { return m.text == b; });
    file_banners_.clear();
}

const Hop* App::hop_into_span(int32_t span) const {
    if (showing_file() || span < 0 || span >= int32_t(run_.observed.spans.size())) return nullptr;
    const Span& s = run_.observed.spans[size_t(span)];
    if (s.kind == SpanKind::Client || s.kind == SpanKind::Producer)
        for (const Hop& h : run_.hops)
            if (h.client_span == span) return &h;
    if (s.op < 0 || s.op >= int32_t(run_.ops.size())) return nullptr;
    const int32_t hop = run_.ops[size_t(s.op)].hop;
    return hop >= 0 && hop < int32_t(run_.hops.size()) ? &run_.hops[size_t(hop)] : nullptr;
}

int32_t App::current_trace() const {
    if (view_.selected_trace >= 0 && view_.selected_trace < int32_t(analysis_.traces.size()))
        return view_.selected_trace;
    return analysis_.traces.empty() ? -1 : 0;
}

Panel* App::find_panel(std::string_view name) const {
    for (const auto& p : panels_)
        if (name == p->name()) return p.get();
    return nullptr;
}

std::string App::focus_panel(std::string_view name) {
    if (find_panel(name)) {
        focus_requests_.emplace_back(name);
        return "";
    }
    std::string names;
    for (const auto& p : panels_) names += (names.empty() ? "" : ", ") + std::string(p->name());
    return "unknown panel \"" + std::string(name) + "\" (panels: " + names + ")";
}

bool App::animating() const {
    // Receiving draws when the worker has a new view; between views the loop idles (its heartbeat is 0.5 s).
    if (view_.live.playing || dragging_splitter_ >= 0 || (receive_ && receive_->view_ready())) return true;
    if (collector_.state == CollectorSend::State::Sending) return true;
    return std::any_of(panels_.begin(), panels_.end(), [this](const auto& p) { return p->animating(*this); });
}

void App::save_settings_now() {
    if (!options_.persist) return;
    settings_.show_ghosts = view_.show_ghosts;
    if (auto e = save_settings(settings_, settings_path()); !e.empty()) add_banner(BannerLevel::Warning, e);
}

std::string App::export_trace(const std::string& path, TraceFormat format) {
    if (path.empty()) return "choose a file name to export to";
    std::string doc = write_trace(store(), format);
    if (!doc.empty() && doc.back() != '\n') doc += '\n';
    return atomic_write(path, doc, ParentFolders::MustExist);
}

// [SECTION] Actions

namespace {
template <class... F>
struct Overloaded : F... {
    using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;
}  // namespace

namespace {
std::string edit_services(Scenario& s, const EditServices& x) {
    using Op = EditServices::Op;
    switch (x.op) {
        case Op::AddService:
            return add_service(s, x.service);
        case Op::RenameService:
            return rename_service(s, x.service, x.other);
        case Op::RemoveService:
            return remove_service(s, x.service);
        case Op::AddCall:
            return add_call(s, x.service, x.other, x.transport);
        case Op::RemoveCall:
            return remove_call(s, x.service, x.call);
    }
    return "";
}
}  // namespace

std::filesystem::path absolute_path(const std::filesystem::path& p) {
    std::error_code ec;
    auto full = std::filesystem::absolute(p, ec);
    return ec ? p : full.lexically_normal();
}

const char* action_name(const Action& a) {
    static constexpr const char* kNames[] = {
        "SetLatency",   "SetJitter",       "SetErrorRate", "SetHopFault",        "SetParallel",   "SetInstrumented",
        "SetSeed",      "ReplaceScenario", "LoadScenario", "SelectTrace",        "SelectSpan",    "SelectSpanNamed",
        "ToggleGhosts", "SetGhosts",       "SetPlaying",   "TogglePlaying",      "SetLiveRate",   "FocusPanel",
        "ToggleHelp",   "OpenFile",        "ExportTrace",  "ReturnToSimulation", "DismissBanner", "Custom",
        "EditServices"};
    static_assert(std::size(kNames) == std::variant_size_v<Action>);
    return kNames[a.index()];
}

void App::apply_actions() {
    last_applied_.clear();
    // Actions may push more actions (Custom); keep going until the queue is drained.
    for (int round = 0; round < 8 && !actions_.empty(); ++round)
        for (Action& a : actions_.take()) apply(std::move(a));
}

void App::explain_no_live() {
    add_banner(BannerLevel::Info,
               "Live traffic plays simulated requests, and a trace file is on screen: choose Back to the "
               "simulation (File menu) first, then Play.");
}

void App::apply(Action a) {
    auto edit = [this](const std::string& error) {
        if (!error.empty()) {
            add_banner(BannerLevel::Error, error);
            return;
        }
        if (showing_file()) leave_file();
        resimulate();
    };
    std::visit(
        Overloaded{
            [&](const SetLatency& x) { edit(set_own_latency(scenario_, x.service, x.ms)); },
            [&](const SetJitter& x) { edit(set_jitter(scenario_, x.service, x.jitter_ms)); },
            [&](const SetErrorRate& x) { edit(set_error_rate(scenario_, x.service, x.rate)); },
            [&](const SetHopFault& x) { edit(set_hop_fault(scenario_, x.caller, x.callee, x.fault)); },
            [&](const SetParallel& x) { edit(set_parallel(scenario_, x.service, x.parallel)); },
            [&](const SetInstrumented& x) { edit(set_instrumented(scenario_, x.service, x.instrumented)); },
            [&](const SetSeed& x) {
                seed_ = x.seed;
                edit("");
            },
            [&](ReplaceScenario& x) { set_scenario(std::move(x.scenario)); },
            [&](const LoadScenario& x) { load_scenario(x.name_or_path); },
            [&](const SelectTrace& x) {
                view_.selected_trace = x.trace < int32_t(analysis_.traces.size()) ? x.trace : -1;
                if (view_.selected_span >= 0 && analysis_.trace_of[size_t(view_.selected_span)] != view_.selected_trace)
                    view_.selected_span = -1;
            },
            [&](const SelectSpan& x) {
                if (x.span < 0 || x.span >= int32_t(store().spans.size())) {
                    view_.selected_span = -1;
                    return;
                }
                view_.selected_span = x.span;
                view_.selected_trace = analysis_.trace_of[size_t(x.span)];
            },
            [&](const SelectSpanNamed& x) {
                const auto& spans = store().spans;
                // A 16-digit span id first (ids are what a log line or another tool hands over), then a name.
                if (const auto id = parse_span_id(x.name))
                    for (size_t i = 0; i < spans.size(); ++i)
                        if (spans[i].span_id == *id) {
                            apply(SelectSpan{static_cast<int32_t>(i)});
                            return;
                        }
                for (size_t i = 0; i < spans.size(); ++i)
                    if (store().str(spans[i].name) == x.name) {
                        apply(SelectSpan{static_cast<int32_t>(i)});
                        return;
                    }
                add_banner(BannerLevel::Warning, "no span named \"" + x.name + "\" (or with that span id) to select");
            },
            [&](const ToggleGhosts&) { view_.show_ghosts = !view_.show_ghosts; },
            [&](const SetGhosts& x) { view_.show_ghosts = x.on; },
            [&](const SetPlaying& x) {
                if (x.playing && showing_file()) explain_no_live();
                view_.live.playing = x.playing && !showing_file();
            },
            [&](const TogglePlaying&) {
                if (!view_.live.playing && showing_file()) explain_no_live();
                view_.live.playing = !view_.live.playing && !showing_file();
            },
            [&](const SetLiveRate& x) {
                view_.live.requests_per_second = std::clamp(x.requests_per_second, 0.1, 1000.0);
                view_.live.until_next_s = std::min(view_.live.until_next_s, 1.0 / view_.live.requests_per_second);
            },
            [&](const FocusPanel& x) {
                if (auto e = focus_panel(x.name); !e.empty()) add_banner(BannerLevel::Warning, e);
            },
            [&](const ToggleHelp&) { view_.show_help = !view_.show_help; },
            [&](const OpenFile& x) {
                stop_receiving();
                open_trace_file(x.path);
            },
            [&](const ExportTrace& x) {
                const std::string e = export_trace(x.path, x.format);
                const std::filesystem::path full = absolute_path(x.path);
                if (e.empty())
                    add_banner(BannerLevel::Info, "Exported " + std::string(to_string(x.format)) + " to " +
                                                      full.filename().string() + " in the folder " +
                                                      full.parent_path().string());
                else
                    add_banner(BannerLevel::Error, "Export failed: " + e);
            },
            [&](const ReturnToSimulation&) {
                stop_receiving();
                leave_file();
                resimulate();
            },
            [&](const DismissBanner&) { banner_.clear(); },
            [&](const Custom& x) {
                if (x.apply) x.apply(*this);
            },
            [&](const EditServices& x) { edit(edit_services(scenario_, x)); },
        },
        a);
    last_applied_.push_back(std::move(a));
}

// [SECTION] Live traffic

void App::tick_live(float dt) {
    LiveTraffic& live = view_.live;
    if (!live.playing || !has_scenario_ || showing_file()) return;
    // Keeps the rate over time: a frame longer than the interval sends every request that fell due in it (up
    // to a few, so one long stall does not become a burst), and the leftover carries into the next interval.
    constexpr int kMostPerFrame = 8;
    const double interval = 1.0 / std::max(live.requests_per_second, 0.1);
    live.until_next_s -= dt;
    for (int sent = 0; live.until_next_s <= 0 && sent < kMostPerFrame; ++sent) {
        send_live_request();
        live.until_next_s += interval;
    }
    if (live.until_next_s <= 0) live.until_next_s = interval;  // too far behind: drop the backlog
}

void App::send_live_request() {
    LiveTraffic& live = view_.live;
    ++live.requests_sent;
    const uint64_t seed = options_.seed + live.requests_sent;
    // Pinned: the new request runs on its own, the one on screen stays. Following: it replaces the view.
    Run pinned_run;
    const Run* run = &run_;
    if (live.pinned) {
        Engine engine(scenario_);
        EngineOptions opt;
        opt.seed = seed;
        engine.run(opt, pinned_run);
        run = &pinned_run;
    } else {
        seed_ = seed;
        resimulate();
    }
    if (!run->request_first_op.empty()) {
        const Operation& entry = run->ops[run->request_first_op[0]];
        bool error = false;
        for (const Operation& op : run->ops) error = error || op.error;
        constexpr size_t kKeep = 2000;
        if (live.root_ms.size() >= kKeep) {
            live.root_ms.erase(live.root_ms.begin());
            live.root_error.erase(live.root_error.begin());
        }
        live.root_ms.push_back(double(entry.end_ns - entry.start_ns) / 1e6);
        live.root_error.push_back(error);
    }
}

// [SECTION] Frame

void App::frame() {
    const ImGuiIO& io = ImGui::GetIO();
    poll_receiving();
    tick_live(io.DeltaTime);
    handle_shortcuts();
    for (auto& p : panels_) p->update(*this, actions_);

    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(vp->Pos);
    ImGui::SetNextWindowSize(vp->Size);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
    ImGui::PushStyleVar(ImGuiStyleVar_WindowRounding, 0.0f);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowBorderSize, 0.0f);
    constexpr ImGuiWindowFlags kHost = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                       ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_MenuBar |
                                       ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoScrollWithMouse |
                                       ImGuiWindowFlags_NoBackground;
    ImGui::Begin("##tracelab", nullptr, kHost);
    ImGui::PopStyleVar(3);
    draw_menu_bar();
    const float below_menu = ImGui::GetCursorScreenPos().y;
    draw_banner();
    const float top = ImGui::GetCursorScreenPos().y;
    draw_areas(top);
    ImGui::End();
    draw_gutters(below_menu, top);

    draw_help();
    draw_file_dialogs();
    take_chosen_file();
    poll_collector_send();
    draw_collector_dialog();
    draw_receive_dialog();
    apply_actions();
}

void App::handle_shortcuts() {
    const ImGuiIO& io = ImGui::GetIO();
    if (!shortcuts_allowed()) return;
    if (!io.KeyCtrl) {
        if (compat::key_pressed(ImGuiKey_Space, false)) push(TogglePlaying{});
        if (compat::char_key_pressed(kShortcutHelp, false)) push(ToggleHelp{});
        if (compat::char_key_pressed(kShortcutGhosts, false)) push(ToggleGhosts{});
    }
    if (io.KeyCtrl && compat::char_key_pressed('O', false)) choose_file(ChooserFor::Open);
    if (io.KeyCtrl && compat::char_key_pressed('S', false) && has_scenario_) choose_file(ChooserFor::SaveScenario);
    if (io.KeyCtrl && compat::char_key_pressed('Q', false)) quit_requested_ = true;
    if (io.KeyCtrl && compat::char_key_pressed('=', false)) step_text_scale(+1);
    if (io.KeyCtrl && compat::char_key_pressed('-', false)) step_text_scale(-1);
    if (io.KeyCtrl && compat::char_key_pressed('0', false)) step_text_scale(0);
}

void App::draw_areas(float top) {
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    LayoutInput in;
    in.width = vp->Size.x;
    in.height = vp->Size.y;
    in.top = top - vp->Pos.y;
    in.scale = fonts_.scale;
    in.file_traces = many_file_traces();
    layout_ = layout(in, settings_.splitters);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(8 * fonts_.scale, 6 * fonts_.scale));
    for (size_t i = 0; i < kAreaCount; ++i) {
        Rect r = layout_.areas[i];
        r.x += vp->Pos.x;
        r.y += vp->Pos.y;
        draw_area(static_cast<Area>(i), r);
    }
    ImGui::PopStyleVar();
    draw_splitters(layout_);
    focus_requests_.clear();
}

void App::draw_area(Area area, const Rect& r) {
    std::vector<Panel*> here;
    for (const auto& p : panels_)
        if (p->area() == area) here.push_back(p.get());
    std::stable_sort(here.begin(), here.end(), [](Panel* a, Panel* b) { return a->order() < b->order(); });

    ImGui::SetCursorScreenPos(ImVec2(r.x, r.y));
    const std::string id = std::string("##area-") + to_string(area);
    // No background (draw_gutters): the area and everything in it shows the clear colour.
    ImGui::PushStyleColor(ImGuiCol_ChildBg, IM_COL32(0, 0, 0, 0));
    ImGui::BeginChild(id.c_str(), ImVec2(r.w, r.h), true);
    if (here.empty()) {
        ImGui::TextDisabled("(nothing here yet)");
    } else if (here.size() == 1) {
        here[0]->draw(*this, actions_);
        area_front_[size_t(area)] = here[0]->name();
    } else if (ImGui::BeginTabBar((id + "-tabs").c_str(), ImGuiTabBarFlags_FittingPolicyResizeDown)) {
        // A narrow area shrinks every tab and ends its title in "..." rather than scrolling one out of view.
        for (Panel* p : here) {
            const bool focus =
                std::find(focus_requests_.begin(), focus_requests_.end(), p->name()) != focus_requests_.end();
            const std::string label = std::string(p->title()) + "###tab-" + p->name();
            const bool open = ImGui::BeginTabItem(label.c_str(), nullptr, focus ? ImGuiTabItemFlags_SetSelected : 0);
            probe_item(std::string("tab:") + p->name());
            if (open) {
                area_front_[size_t(area)] = p->name();
                ImGui::BeginChild(p->name(), ImVec2(0, 0), false);
                p->draw(*this, actions_);
                ImGui::EndChild();
                ImGui::EndTabItem();
            }
        }
        ImGui::EndTabBar();
    }
    ImGui::PopStyleColor();
    ImGui::EndChild();
}

// Fill rate is what a software rasteriser runs out of first, so every pixel is filled once: the panels have no
// background of their own (the clear colour is theirs, see clear_colour()), and only what lies between them, the
// banner and the splitter gutters, is painted, in the background layer under every window.
void App::draw_gutters(float below_menu, float top) const {
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImDrawList* bg = ImGui::GetBackgroundDrawList();
    const ImU32 col = ImGui::GetColorU32(ImGuiCol_WindowBg);
    if (top > below_menu) bg->AddRectFilled(ImVec2(vp->Pos.x, below_menu), ImVec2(vp->Pos.x + vp->Size.x, top), col);
    for (const Rect& r : layout_.splitters)
        if (r.w > 0 && r.h > 0)
            bg->AddRectFilled(ImVec2(vp->Pos.x + r.x, vp->Pos.y + r.y),
                              ImVec2(vp->Pos.x + r.right(), vp->Pos.y + r.bottom()), col);
}

ImVec4 App::clear_colour() {
    return ImGui::GetStyle().Colors[ImGuiCol_ChildBg];
}

// A splitter says it can be dragged: a row of dots across its middle always, the whole handle lit while the mouse
// is over it (and brighter while it is dragged).
void App::draw_splitter_grip(const Rect& r, bool vertical, bool hovered, bool active) const {
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImDrawList* dl = ImGui::GetWindowDrawList();  // the host window: under popups, over the gutters
    const ImVec2 a(vp->Pos.x + r.x, vp->Pos.y + r.y), b(vp->Pos.x + r.right(), vp->Pos.y + r.bottom());
    if (hovered || active)
        dl->AddRectFilled(a, b, ImGui::GetColorU32(active ? ImGuiCol_SeparatorActive : ImGuiCol_SeparatorHovered));
    const ImU32 dot = ImGui::GetColorU32(hovered || active ? ImGuiCol_Text : ImGuiCol_TextDisabled);
    const float radius = std::max(1.0f, std::min(r.w, r.h) * 0.3f);
    const float step = radius * 4.0f;
    const ImVec2 c((a.x + b.x) * 0.5f, (a.y + b.y) * 0.5f);
    for (int k = -2; k <= 2; ++k)
        dl->AddCircleFilled(vertical ? ImVec2(c.x, c.y + float(k) * step) : ImVec2(c.x + float(k) * step, c.y), radius,
                            dot, 8);
}

void App::draw_splitters(const Layout& l) {
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    const ImGuiIO& io = ImGui::GetIO();
    static constexpr const char* kIds[] = {"##split-left", "##split-right", "##split-bottom", "##split-tracelist"};
    bool any_active = false;
    for (size_t i = 0; i < kSplitterCount; ++i) {
        const Rect& r = l.splitters[i];
        if (r.w <= 0 || r.h <= 0) continue;
        ImGui::SetCursorScreenPos(ImVec2(vp->Pos.x + r.x, vp->Pos.y + r.y));
        ImGui::InvisibleButton(kIds[i], ImVec2(r.w, r.h));
        probe_item(kIds[i] + 2);
        const bool vertical = i == size_t(Splitter::Left) || i == size_t(Splitter::Right);
        const bool hovered = ImGui::IsItemHovered(), active = ImGui::IsItemActive();
        if (hovered || active) ImGui::SetMouseCursor(vertical ? ImGuiMouseCursor_ResizeEW : ImGuiMouseCursor_ResizeNS);
        if (active) {
            any_active = true;
            dragging_splitter_ = int(i);
            // The side columns are drawn shrunk on a narrow window: a drag moves their edge by as much as the mouse.
            const float k = fonts_.scale * (vertical ? l.side_factor : l.height_factor);
            drag_splitter(settings_.splitters, static_cast<Splitter>(i), io.MouseDelta.x, io.MouseDelta.y, k,
                          many_file_traces());
        }
        draw_splitter_grip(r, vertical, hovered, active);
    }
    if (!any_active && dragging_splitter_ >= 0) {
        dragging_splitter_ = -1;
        save_settings_now();
    }
}

// [SECTION] Menu bar, banner, dialogs, help

namespace {
// The steps of View > Text size (and of Ctrl+= / Ctrl+-).
constexpr float kTextScales[] = {0.8f, 0.9f, 1.0f, 1.1f, 1.25f, 1.5f, 1.75f, 2.0f};
}  // namespace

void App::set_text_scale(float scale) {
    const float s = std::clamp(scale, kMinTextScale, kMaxTextScale);
    if (s == settings_.text_scale) return;
    settings_.text_scale = s;
    style_change_ = true;
    save_settings_now();
}

void App::step_text_scale(int direction) {
    if (direction == 0) return set_text_scale(1.0f);
    const float now = settings_.text_scale;
    float next = now;
    if (direction > 0) {
        for (float s : kTextScales)
            if (s > now + 1e-3f) {
                next = s;
                break;
            }
    } else {
        for (float s : kTextScales)
            if (s < now - 1e-3f) next = s;
    }
    set_text_scale(next);
}

void App::set_theme(ThemeKind t) {
    if (theme() == t) return;
    settings_.theme = to_string(t);
    style_change_ = true;
    save_settings_now();
}

ThemeKind App::theme() const {
    return parse_theme(settings_.theme).value_or(ThemeKind::Dark);
}

bool App::take_style_change() {
    return std::exchange(style_change_, false);
}

void App::draw_view_menu() {
    if (!ImGui::BeginMenu("View")) {
        probe_item("menu:View");
        return;
    }
    probe_item("menu:View");
    if (ImGui::MenuItem("Ground-truth ghosts", "G", view_.show_ghosts)) push(ToggleGhosts{});
    if (ImGui::MenuItem(view_.live.playing ? "Pause live traffic" : "Play live traffic", "Space"))
        push(TogglePlaying{});
    ImGui::Separator();
    if (ImGui::BeginMenu("Text size")) {
        probe_item("view:text-size");
        for (float s : kTextScales) {
            const std::string label = std::to_string(int(std::lround(s * 100))) + "%";
            const char* key = s == 1.0f ? "Ctrl+0" : nullptr;
            if (ImGui::MenuItem(label.c_str(), key, std::fabs(settings_.text_scale - s) < 1e-3f)) set_text_scale(s);
            probe_item("text-size:" + label);
        }
        ImGui::Separator();
        if (ImGui::MenuItem("Larger", "Ctrl+=")) step_text_scale(+1);
        if (ImGui::MenuItem("Smaller", "Ctrl+-")) step_text_scale(-1);
        ImGui::EndMenu();
    } else {
        probe_item("view:text-size");
    }
    if (ImGui::MenuItem("High contrast", nullptr, theme() == ThemeKind::HighContrast))
        set_theme(theme() == ThemeKind::HighContrast ? ThemeKind::Dark : ThemeKind::HighContrast);
    probe_item("view:high-contrast");
    ImGui::Separator();
    for (const auto& p : panels_)
        if (ImGui::MenuItem(p->title())) push(FocusPanel{p->name()});
    ImGui::EndMenu();
}

void App::draw_menu_bar() {
    if (!ImGui::BeginMenuBar()) return;
    if (ImGui::BeginMenu("File")) {
        probe_item("menu:File");
        if (ImGui::MenuItem("New scenario")) new_scenario();
        probe_item("file:new-scenario");
        if (ImGui::MenuItem("Open trace or scenario...", "Ctrl+O")) choose_file(ChooserFor::Open);
        probe_item("file:open");
        if (ImGui::MenuItem("Save scenario as...", "Ctrl+S", false, has_scenario_))
            choose_file(ChooserFor::SaveScenario);
        probe_item("file:save-scenario");
        ImGui::Separator();
        if (ImGui::MenuItem("Export trace...")) {
            export_dialog_ = true;
            dialog_path_ = "trace.json";
        }
        probe_item("file:export");
        if (ImGui::MenuItem("Export as program...", nullptr, false, has_scenario_ && !showing_file()))
            push(Custom{"open Export as program", [](App& a) { ++a.slot<ProgramExportRequest>().count; }});
        probe_item("file:export-program");
        if (ImGui::MenuItem("Send to collector...")) collector_dialog_ = true;
        probe_item("file:send-to-collector");
        ImGui::Separator();
        if (!receive_) {
            if (ImGui::MenuItem("Receive traces...")) receive_dialog_ = true;
            probe_item("file:receive");
        } else {
            if (ImGui::MenuItem(receive_->traces.paused() ? "Resume receiving" : "Pause receiving"))
                receive_->traces.set_paused(!receive_->traces.paused());
            probe_item("file:receive-pause");
            if (ImGui::MenuItem("Clear received traces")) {
                receive_->traces.clear();
                receive_->refresh();
            }
            probe_item("file:receive-clear");
            if (ImGui::MenuItem("Stop receiving")) stop_receiving();
            probe_item("file:receive-stop");
        }
        if (showing_file() && has_scenario_ && ImGui::MenuItem("Back to the simulation")) push(ReturnToSimulation{});
        ImGui::Separator();
        if (ImGui::MenuItem("Quit", "Ctrl+Q")) quit_requested_ = true;
        probe_item("file:quit");
        ImGui::EndMenu();
    } else {
        probe_item("menu:File");
    }
    if (ImGui::BeginMenu("Scenario")) {
        probe_item("menu:Scenario");
        for (const auto& name : builtin_scenarios_) {
            const bool current = has_scenario_ && !showing_file() && scenario_.id == name;
            if (ImGui::MenuItem(name.c_str(), nullptr, current)) push(LoadScenario{name});
            probe_item("scenario:" + name);
        }
        ImGui::Separator();
        if (ImGui::MenuItem("Reset current scenario", nullptr, false, has_scenario_ && !scenario_.id.empty()))
            push(LoadScenario{scenario_.id});
        ImGui::EndMenu();
    } else {
        probe_item("menu:Scenario");
    }
    draw_view_menu();
    if (ImGui::BeginMenu("Help")) {
        if (ImGui::MenuItem("Keyboard shortcuts", "H", view_.show_help)) push(ToggleHelp{});
        ImGui::EndMenu();
    }
    // Right side: what is shown.
    std::string what = showing_file() ? "file: " + std::filesystem::path(file_name_).filename().string()
                                      : (has_scenario_ ? "scenario: " + scenario_.id + "  seed " + std::to_string(seed_)
                                                       : std::string("no scenario"));
    if (view_.live.playing) what = "LIVE  " + what;
    if (receive_) what = receive_->status_line();
    const float w = ImGui::CalcTextSize(what.c_str()).x;
    ImGui::SameLine(std::max(ImGui::GetWindowWidth() - w - 16.0f, ImGui::GetCursorPosX() + 16.0f));
    ImGui::TextDisabled("%s", what.c_str());
    if (receive_) probe_item("header:receiving");
    ImGui::EndMenuBar();
}

void App::draw_banner() {
    if (banner_.empty()) return;
    const float pad = 6.0f * fonts_.scale;
    ImGui::SetCursorPos(ImVec2(pad, ImGui::GetCursorPosY() + 2));
    // Wrapped short of the right edge, so the Dismiss button beside the text stays in the window.
    const ImGuiStyle& st = ImGui::GetStyle();
    const float button_w = ImGui::CalcTextSize("Dismiss").x + 2 * st.FramePadding.x + st.ItemSpacing.x;
    ImGui::PushTextWrapPos(ImGui::GetWindowContentRegionMax().x - button_w - pad);
    ImGui::BeginGroup();
    // Only the most recent three messages: the banner must not eat the window.
    const size_t first = banner_.size() > 3 ? banner_.size() - 3 : 0;
    for (size_t i = first; i < banner_.size(); ++i) {
        const auto& b = banner_[i];
        const ImU32 col = b.level == BannerLevel::Error     ? kErrorColor
                          : b.level == BannerLevel::Warning ? kWarningTextColor
                                                            : ImGui::GetColorU32(ImGuiCol_Text);
        const char* tag = b.level == BannerLevel::Error     ? "Error: "
                          : b.level == BannerLevel::Warning ? "Warning: "
                                                            : "";
        ImGui::PushStyleColor(ImGuiCol_Text, col);
        ImGui::TextWrapped("%s%s", tag, b.text.c_str());
        ImGui::PopStyleColor();
    }
    ImGui::EndGroup();
    ImGui::PopTextWrapPos();
    ImGui::SameLine();
    if (ImGui::SmallButton("Dismiss")) push(DismissBanner{});
    probe_item("banner:dismiss");
    ImGui::Dummy(ImVec2(0, 2));
}

void App::draw_file_dialogs() {
    if (export_dialog_) {
        ImGui::OpenPopup("Export trace");
        export_dialog_ = false;
    }
    ImGui::SetNextWindowSize(ImVec2(520 * fonts_.scale, 0), ImGuiCond_Appearing);
    if (ImGui::BeginPopupModal("Export trace", nullptr)) {
        static constexpr const char* kFormats[] = {"OTLP/JSON", "Jaeger JSON", "Zipkin v2 JSON",
                                                   "Chrome Trace Events (Perfetto)"};
        static constexpr TraceFormat kFormatValues[] = {TraceFormat::Otlp, TraceFormat::Jaeger, TraceFormat::Zipkin,
                                                        TraceFormat::Chrome};
        ImGui::Combo("Format", &export_format_, kFormats, int(std::size(kFormats)));
        const float choose_w = ImGui::CalcTextSize("Choose...").x + 2 * ImGui::GetStyle().FramePadding.x;
        ImGui::SetNextItemWidth(-(choose_w + ImGui::GetStyle().ItemSpacing.x));
        ImGui::InputText("##export-path", &dialog_path_);
        probe_item("export:path");
        ImGui::SameLine();
        if (ImGui::Button("Choose...")) {
            // The chooser is a window of its own: this dialog closes and comes back with the answer.
            ImGui::CloseCurrentPopup();
            choose_file(ChooserFor::Export);
        }
        probe_item("export:choose");
        ImGui::TextDisabled("Writes to %s", absolute_path(dialog_path_).string().c_str());
        ImGui::TextDisabled("%zu spans; the file is replaced atomically.", store().spans.size());
        if (ImGui::Button("Export") && !dialog_path_.empty()) {
            push(ExportTrace{dialog_path_, kFormatValues[std::clamp(export_format_, 0, 3)]});
            ImGui::CloseCurrentPopup();
        }
        probe_item("export:ok");
        ImGui::SameLine();
        if (ImGui::Button("Cancel") || compat::key_pressed(ImGuiKey_Escape, false)) ImGui::CloseCurrentPopup();
        ImGui::EndPopup();
    }
}

void App::choose_file(ChooserFor what) {
    ChooserRequest r;
    r.filter_name = "JSON files";
    r.patterns = {"*.json"};
    switch (what) {
        case ChooserFor::Open:
            r.title = "Open a trace or scenario file";
            r.patterns = {"*.json", "*.jsonl"};
            break;
        case ChooserFor::SaveScenario:
            r.title = "Save scenario as";
            r.mode = ChooserMode::Save;
            r.suggested_name = (scenario_.id.empty() ? std::string("scenario") : scenario_.id) + ".json";
            break;
        case ChooserFor::Export: {
            r.title = "Export trace to";
            r.mode = ChooserMode::Save;
            const std::filesystem::path current = absolute_path(dialog_path_.empty() ? "trace.json" : dialog_path_);
            r.folder = current.parent_path();
            r.suggested_name = current.filename().string();
            break;
        }
        case ChooserFor::Nothing:
            return;
    }
    chooser_for_ = what;
    chooser_.allow_native(options_.native_file_chooser);
    chooser_.open(std::move(r));
}

void App::take_chosen_file() {
    const bool was_active = chooser_.active();
    const auto chosen = chooser_.draw(fonts_.scale);
    if (was_active && !chooser_.active() && chooser_for_ == ChooserFor::Export) export_dialog_ = true;
    if (!chosen) {
        if (!chooser_.active()) chooser_for_ = ChooserFor::Nothing;
        return;
    }
    switch (chooser_for_) {
        case ChooserFor::Open:
            push(OpenFile{chosen->string()});
            break;
        case ChooserFor::SaveScenario:
            save_scenario_as(*chosen);
            break;
        case ChooserFor::Export:
            dialog_path_ = chosen->string();
            export_dialog_ = true;
            break;
        case ChooserFor::Nothing:
            break;
    }
    chooser_for_ = ChooserFor::Nothing;
}

void App::draw_help() {
    if (!view_.show_help) return;
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(ImVec2(vp->Pos.x + vp->Size.x * 0.5f, vp->Pos.y + vp->Size.y * 0.5f), ImGuiCond_Appearing,
                            ImVec2(0.5f, 0.5f));
    ImGui::SetNextWindowSize(ImVec2(460 * fonts_.scale, 0), ImGuiCond_Appearing);
    bool open = true;
    if (ImGui::Begin("Help: keyboard shortcuts", &open, ImGuiWindowFlags_NoCollapse)) {
        if (ImGui::BeginTable("##shortcuts", 2, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV)) {
            ImGui::TableSetupColumn("Key", ImGuiTableColumnFlags_WidthFixed);
            ImGui::TableSetupColumn("Action");
            ImGui::TableHeadersRow();
            for (const Shortcut& s : shortcuts()) {
                ImGui::TableNextRow();
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(s.keys);
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(s.what);
            }
            ImGui::EndTable();
        }
        ImGui::Spacing();
        ImGui::TextWrapped("Shortcuts work whenever no text field has the keyboard.");
    }
    ImGui::End();
    if (!open) push(ToggleHelp{});
}

// [SECTION] Send to collector

struct App::CollectorJob {
    std::atomic<bool> done{false};
    otlp::HttpExportResult result;  // written by the worker before `done`
};

void App::open_collector_dialog() {
    collector_dialog_ = true;
}

void App::start_collector_send(const std::string& endpoint) {
    if (collector_.state == CollectorSend::State::Sending) return;
    otlp::HttpExportOptions options;
    options.endpoint = otlp::resolve_traces_endpoint(endpoint);
    // The body is built here, on the frame's thread, so the worker never reads the live store.
    std::string body = write_trace(store(), TraceFormat::Otlp);
    collector_.spans = store().spans.size();
    collector_.state = CollectorSend::State::Sending;
    collector_.success = false;
    collector_.status = "Sending " + std::to_string(collector_.spans) + " spans to " + options.endpoint + "...";
    auto job = std::make_shared<CollectorJob>();
    collector_job_ = job;
    collector_worker_ = std::jthread([job, options = std::move(options), body = std::move(body)](std::stop_token stop) {
        job->result = otlp::send_otlp_traces(body, options, stop);
        job->done.store(true, std::memory_order_release);
    });
}

void App::cancel_collector_send() {
    if (collector_.state == CollectorSend::State::Sending) collector_worker_.request_stop();
}

void App::poll_collector_send() {
    if (collector_.state != CollectorSend::State::Sending || !collector_job_) return;
    if (!collector_job_->done.load(std::memory_order_acquire)) return;
    const otlp::HttpExportResult& r = collector_job_->result;
    collector_.state = CollectorSend::State::Done;
    collector_.success =
        r.outcome == otlp::ExportOutcome::Accepted || r.outcome == otlp::ExportOutcome::PartiallyAccepted;
    std::string text;
    switch (r.outcome) {
        case otlp::ExportOutcome::Accepted:
            text = "Accepted: the collector took all " + std::to_string(collector_.spans) + " spans";
            break;
        case otlp::ExportOutcome::PartiallyAccepted:
            text = "Partly accepted: " + std::to_string(r.rejected_spans) + " spans rejected";
            break;
        case otlp::ExportOutcome::Rejected:
            text = "Rejected with HTTP " + std::to_string(r.http_status);
            break;
        case otlp::ExportOutcome::GaveUp:
            text = "Gave up after " + std::to_string(r.attempts) + " attempts (last answer HTTP " +
                   std::to_string(r.http_status) + ")";
            break;
        case otlp::ExportOutcome::TimedOut:
            text = "Timed out after " + std::to_string(r.attempts) + " attempts";
            break;
        case otlp::ExportOutcome::Unreachable:
            text = "Collector unreachable";
            break;
        case otlp::ExportOutcome::Cancelled:
            text = "Cancelled";
            break;
    }
    if (!r.collector_message.empty())
        text += " (collector says: " + r.collector_message + ")";
    else if (!r.message.empty() && !collector_.success)
        text += ": " + r.message;
    collector_.status = text;
    collector_job_.reset();
    add_banner(collector_.success ? BannerLevel::Info : BannerLevel::Warning, "Send to collector: " + text);
}

void App::draw_collector_dialog() {
    if (collector_dialog_) {
        if (collector_.endpoint.empty()) collector_.endpoint = otlp::resolve_traces_endpoint("");
        ImGui::OpenPopup("Send to collector");
        collector_dialog_ = false;
    }
    ImGui::SetNextWindowSize(ImVec2(560 * fonts_.scale, 0), ImGuiCond_Appearing);
    if (!ImGui::BeginPopupModal("Send to collector", nullptr)) return;
    ImGui::TextWrapped(
        "Sends the %zu spans on screen as OTLP/JSON over HTTP to a collector (an OpenTelemetry Collector, "
        "Jaeger or any OTLP receiver). The default comes from OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or "
        "OTEL_EXPORTER_OTLP_ENDPOINT.",
        store().spans.size());
    const bool sending = collector_.state == CollectorSend::State::Sending;
    ImGui::BeginDisabled(sending);
    ImGui::SetNextItemWidth(-FLT_MIN);
    ImGui::InputText("##collector-endpoint", &collector_.endpoint);
    probe_item("collector:endpoint");
    ImGui::EndDisabled();
    if (!collector_.status.empty()) {
        const ImU32 col = sending              ? ImGui::GetColorU32(ImGuiCol_Text)
                          : collector_.success ? kSuccessTextColor
                                               : kWarningTextColor;
        ImGui::PushStyleColor(ImGuiCol_Text, col);
        ImGui::TextWrapped("%s", collector_.status.c_str());
        ImGui::PopStyleColor();
        probe_item(sending ? "collector:sending" : collector_.success ? "collector:accepted" : "collector:failed");
    }
    ImGui::BeginDisabled(sending || collector_.endpoint.empty());
    if (ImGui::Button("Send")) start_collector_send(collector_.endpoint);
    probe_item("collector:send");
    ImGui::EndDisabled();
    ImGui::SameLine();
    if (sending) {
        if (ImGui::Button("Cancel")) cancel_collector_send();
        probe_item("collector:cancel");
    } else {
        if (ImGui::Button("Close") || compat::key_pressed(ImGuiKey_Escape, false)) ImGui::CloseCurrentPopup();
        probe_item("collector:close");
    }
    ImGui::EndPopup();
}

// [SECTION] Receiving

std::string App::start_receiving(const otlp::ListenAddress& http, const otlp::ListenAddress& grpc, bool command_line) {
    stop_receiving();
    auto live = std::make_unique<LiveReceive>();
    if (std::string error = live->start(http, grpc, command_line); !error.empty()) {
        add_banner(BannerLevel::Error, error);
        return error;
    }
    live->set_adjust_skew(adjust_skew_);
    receive_ = std::move(live);
    imported_ = TraceStore();
    file_name_ = kReceivedTraces;
    view_.live.playing = false;
    view_.selected_span = -1;
    view_.selected_trace = -1;
    reanalyze();
    add_banner(BannerLevel::Info, "Receiving OTLP: point an SDK at " +
                                      (receive_->http_address.empty() ? "grpc " + receive_->grpc_address
                                                                      : "http://" + receive_->http_address) +
                                      " (OTEL_EXPORTER_OTLP_ENDPOINT); traces appear as they arrive");
    return "";
}

void App::stop_receiving() {
    receive_.reset();  // stops both servers; what was received stays on screen
}

bool App::trace_receiving(TraceId id) const {
    return receive_ && receive_->active.count(LiveReceive::key(id)) > 0;
}

void App::poll_receiving() {
    if (!receive_) return;
    std::unique_ptr<LiveView> view = receive_->take();
    if (!view) return;
    // Keep the selected trace and span selected as the trace grows (indices change with every copy).
    std::optional<TraceId> trace;
    std::optional<SpanId> span;
    if (view_.selected_trace >= 0 && view_.selected_trace < int32_t(analysis_.traces.size()))
        trace = analysis_.traces[size_t(view_.selected_trace)].id;
    if (view_.selected_span >= 0 && view_.selected_span < int32_t(store().spans.size()))
        span = store().spans[size_t(view_.selected_span)].span_id;
    // Swapped, not copied: the frame pays for pointers, the worker already paid for the analysis.
    std::swap(imported_, view->store);
    std::swap(analysis_, view->analysis);
    std::swap(skew_, view->skew);
    skew_applied_ = view->skew_applied;
    std::swap(links_, view->links);
    std::swap(broken_hops_, view->broken_hops);
    receive_->active = std::move(view->active);
    file_name_ = kReceivedTraces;
    ++generation_;
    set_service_order(std::vector<std::string_view>(view->services.begin(), view->services.end()));
    receive_->retire(std::move(view));  // now holds the previous store and analysis
    view_.selected_trace = analysis_.traces.empty() ? -1 : 0;
    if (trace)
        for (size_t i = 0; i < analysis_.traces.size(); ++i)
            if (analysis_.traces[i].id == *trace) view_.selected_trace = int32_t(i);
    view_.selected_span = -1;
    if (view_.selected_trace < 0) return;
    const TraceInfo& t = analysis_.traces[size_t(view_.selected_trace)];
    view_.selected_span = t.root;
    if (span && trace && t.id == *trace)
        for (uint32_t i : t.spans)
            if (imported_.spans[i].span_id == *span) view_.selected_span = int32_t(i);
}

void App::draw_receive_dialog() {
    if (receive_dialog_) {
        ImGui::OpenPopup("Receive traces");
        receive_dialog_ = false;
        receive_error_.clear();
    }
    ImGui::SetNextWindowSize(ImVec2(560 * fonts_.scale, 0), ImGuiCond_Appearing);
    if (!ImGui::BeginPopupModal("Receive traces", nullptr)) return;
    ImGui::TextWrapped(
        "Listens for OTLP from your own services and shows their traces as they arrive. Set "
        "OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318 (OTLP/HTTP) or :4317 (OTLP/gRPC) where they start. "
        "Only this machine can connect (127.0.0.1) unless you enter another address; \"off\" turns one off.");
    ImGui::TextUnformatted("OTLP/HTTP");
    ImGui::SameLine(120 * fonts_.scale);
    ImGui::SetNextItemWidth(-FLT_MIN);
    ImGui::InputText("##receive-http", &receive_http_);
    probe_item("receive:http");
    ImGui::TextUnformatted("OTLP/gRPC");
    ImGui::SameLine(120 * fonts_.scale);
    ImGui::SetNextItemWidth(-FLT_MIN);
    ImGui::InputText("##receive-grpc", &receive_grpc_);
    probe_item("receive:grpc");
    if (!receive_error_.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, kWarningTextColor);
        ImGui::TextWrapped("%s", receive_error_.c_str());
        ImGui::PopStyleColor();
    }
    if (ImGui::Button("Start")) {
        auto http = otlp::parse_listen_address(receive_http_);
        auto grpc = otlp::parse_listen_address(receive_grpc_);
        if (!http)
            receive_error_ = "OTLP/HTTP: " + http.error();
        else if (!grpc)
            receive_error_ = "OTLP/gRPC: " + grpc.error();
        else if (!http->enabled && !grpc->enabled)
            receive_error_ = "both listeners are off";
        else if (std::string error = start_receiving(*http, *grpc, false); !error.empty())
            receive_error_ = error;
        else
            ImGui::CloseCurrentPopup();
    }
    probe_item("receive:start");
    ImGui::SameLine();
    if (ImGui::Button("Close") || compat::key_pressed(ImGuiKey_Escape, false)) ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
}

}  // namespace tl::ui
