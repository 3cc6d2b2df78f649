// Window-less lesson world (see sandbox.hpp).
#include "lessons/sandbox.hpp"

#include <algorithm>

namespace tl::lessons {

namespace {
// Which area each panel shares with others (panels of one area are tabs; one is in front).
const char* panel_area(std::string_view panel) {
    if (panel == "editor" || panel == "details") return "right";
    if (panel == "live" || panel == "logs" || panel == "console" || panel == "sampling") return "bottom";
    if (panel == "lessons" || panel == "quiz") return "left";
    if (panel == "traces") return "trace-list";
    if (panel == "waterfall") return "centre";
    return "other";
}
}  // namespace

Result<Sandbox> Sandbox::open(const std::filesystem::path& builtin_dir, const std::string& scenario, uint64_t seed) {
    auto s = load_scenario(scenario, builtin_dir);
    if (!s) return Result<Sandbox>::failure(s.error());
    return Sandbox(builtin_dir, std::move(s.value()), seed);
}

Sandbox::Sandbox(std::filesystem::path dir, Scenario s, uint64_t seed)
    : builtin_dir_(std::move(dir)), scenario_(std::move(s)), seed_(seed) {
    resimulate();
}

void Sandbox::resimulate() {
    // Keep the selection on "the same" span (service and name) across re-simulation, as the app does.
    std::string sel_service, sel_name;
    if (selected_span >= 0 && static_cast<size_t>(selected_span) < run_.observed.spans.size()) {
        const Span& s = run_.observed.spans[static_cast<size_t>(selected_span)];
        sel_service = run_.observed.str(s.service);
        sel_name = run_.observed.str(s.name);
    }
    EngineOptions opt;
    opt.seed = seed_ + live_request_;  // live request n runs with the base seed + n, as in the app
    Engine(scenario_).run(opt, run_);
    analyze(run_.observed, analysis_);
    selected_span = -1;
    if (!sel_service.empty()) {
        SpanSelector sel;
        sel.service = sel_service;
        sel.name = sel_name;
        selected_span = resolve_span(world(), sel);
    }
}

std::string Sandbox::apply(const LessonAction& a) {
    if (is_scenario_action(a)) {
        Scenario edited = scenario_;
        if (std::string err = apply_scenario_action(edited, a, builtin_dir_, seed_); !err.empty()) return err;
        if (a.kind == ActionKind::LoadScenario) {
            // A loaded scenario starts from its own run, with no live traffic (the app does the same).
            selected_span = -1;
            live_request_ = 0;
            live_root_ms.clear();
        }
        scenario_ = std::move(edited);
        resimulate();
        return "";
    }
    switch (a.kind) {
        case ActionKind::SelectSpan: {
            const int s = resolve_span(world(), a.span);
            if (s < 0) return "no span matches: " + describe(a);
            selected_span = s;
            return "";
        }
        case ActionKind::ClearSelection:
            selected_span = -1;
            return "";
        case ActionKind::SetHeadSampler:
            head_sampler = a.sampler;
            head_ratio = a.value;
            return "";
        case ActionKind::OpenPanel: {
            // Bringing a panel to the front hides the one that shared its area.
            const char* area = panel_area(a.panel);
            std::erase_if(visible_panels,
                          [&](const std::string& p) { return panel_area(p) == std::string_view(area); });
            visible_panels.push_back(a.panel);
            return "";
        }
        case ActionKind::SetGhosts:
            ghosts_on = a.flag;
            return "";
        case ActionKind::PlayLive: {
            const Engine engine(scenario_);
            Run r;
            for (uint64_t n = 1; n <= static_cast<uint64_t>(a.value); ++n) {
                EngineOptions opt;
                opt.seed = seed_ + n;
                engine.run(opt, r);
                const Operation& entry = r.ops[r.request_first_op[0]];
                live_root_ms.push_back(static_cast<double>(entry.end_ns - entry.start_ns) / 1e6);
            }
            return "";
        }
        case ActionKind::OpenLiveTail: {
            if (live_root_ms.empty()) return "no live requests to open";
            const auto slowest = std::max_element(live_root_ms.begin(), live_root_ms.end());
            live_request_ = static_cast<uint64_t>(slowest - live_root_ms.begin()) + 1;
            resimulate();
            return "";
        }
        case ActionKind::Answer:
            answer = a.answer.starts_with('$') ? answer_key_value(a.answer, world()) : a.answer;
            return answer.empty() ? "this world has no value for " + a.answer : "";
        default:
            return "";
    }
}

std::string Sandbox::apply_all(const std::vector<LessonAction>& actions) {
    for (const LessonAction& a : actions)
        if (std::string err = apply(a); !err.empty()) return err;
    return "";
}

std::string Sandbox::start_step(const std::vector<LessonAction>& setup) {
    answer.clear();
    return apply_all(setup);
}

LessonWorld Sandbox::world() const {
    LessonWorld w;
    w.scenario = &scenario_;
    w.run = &run_;
    w.analysis = &analysis_;
    w.selected_span = selected_span;
    w.visible_panels = visible_panels;
    w.ghosts_on = ghosts_on;
    w.console_seen = w.panel_visible("console");
    w.head_sampler = head_sampler;
    w.head_ratio = head_ratio;
    w.answer = answer;
    w.live_root_ms = &live_root_ms;
    return w;
}

}  // namespace tl::lessons
