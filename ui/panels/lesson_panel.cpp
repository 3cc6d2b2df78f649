// Lessons: the course inside the app — a lesson chooser, the lesson's prose wrapped to the panel with its
// glossary terms highlighted (hover for the definition), code samples in a monospace block, and the
// hands-on steps with done marks, hints and a "Show me" button that plays the step's solution.
// [SECTION] Model functions  [SECTION] Prose  [SECTION] Steps  [SECTION] Panel
#include "ui/panels/lesson_panel.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include <imgui.h>

#include "ui/app.hpp"
#include "ui/imgui_compat.hpp"
#include "ui/panels/quiz_panel.hpp"
#include "ui/panels/sampling_panel.hpp"
#include "ui/theme.hpp"
#include "ui/widgets/label_probe.hpp"
#include "ui/widgets/text_helpers.hpp"

namespace tl::ui {

// [SECTION] Model functions

namespace {
std::filesystem::path progress_path(const LessonState& s) {
    return s.progress_file ? *s.progress_file : lessons::default_progress_path();
}

void push_custom(Actions& actions, std::string label, std::function<void(App&)> fn) {
    actions.push(Custom{std::move(label), std::move(fn)});
}

// The sampling lab, where head-sampler steps are done; nullptr when the app has none.
SamplingPanel* sampling_lab(const App& app) {
    return dynamic_cast<SamplingPanel*>(app.find_panel("sampling"));
}
}  // namespace

void start_lessons(App& app, LessonState& s) {
    s.started = true;
    if (s.seed == 0) {
        std::random_device rd;
        s.seed = (static_cast<uint64_t>(rd()) << 32) ^ rd();
    }
    const auto dir = s.lesson_dir.empty() ? app.asset_dir() / "lessons" : s.lesson_dir;
    auto course = lessons::load_course(dir);
    if (!course) {
        s.error = course.error();
        app.add_banner(BannerLevel::Error, s.error);
        return;
    }
    s.course = std::move(course.value());
    auto loaded = lessons::load_progress(progress_path(s));
    if (!loaded.warning.empty()) app.add_banner(BannerLevel::Warning, loaded.warning);
    s.progress = std::move(loaded.progress);
    size_t index = 0;
    std::string wanted = s.progress.current_lesson;
    size_t wanted_step = 0;
    if (!s.open_at.empty()) {
        const auto colon = s.open_at.find(':');
        wanted = s.open_at.substr(0, colon);
        if (colon != std::string::npos) wanted_step = std::strtoul(s.open_at.c_str() + colon + 1, nullptr, 10);
    }
    for (size_t i = 0; i < s.course.size(); ++i)
        if (s.course[i].id == wanted) index = i;
    open_lesson(app, s, index);
    if (wanted_step > 0 && s.ready()) {
        s.session->jump_to(wanted_step - 1);
        s.hold_setup = false;
    }
    s.at_startup = s.ready();
    if (s.ready() && app.startup_choice()) s.hold_setup = s.session->has_pending();
}

void open_lesson(App& app, LessonState& s, size_t index) {
    if (index >= s.course.size()) return;
    s.lesson = index;
    const lessons::Lesson& l = s.course[index];
    const auto it = s.progress.lessons.find(l.id);
    const size_t done = it == s.progress.lessons.end() ? 0 : static_cast<size_t>(it->second.steps_done);
    // A finished lesson opens finished, its steps ticked; "Restart lesson" plays it again.
    s.session = std::make_unique<lessons::LessonSession>(l, std::min(done, l.steps.size()));
    s.answer.clear();
    s.typed_answer.clear();
    s.progress.current_lesson = l.id;
    s.hold_setup = false;
    s.at_startup = false;
    save_lesson_progress(app, s);
}

void save_lesson_progress(App& app, LessonState& s) {
    if (const std::string err = lessons::save_progress(progress_path(s), s.progress); !err.empty())
        app.add_banner(BannerLevel::Warning, "lesson progress not saved: " + err);
}

lessons::LessonWorld lesson_world(const App& app, const LessonState& s) {
    lessons::LessonWorld w;
    w.scenario = app.has_scenario() ? &app.scenario() : nullptr;
    w.run = app.run();
    w.analysis = app.run() != nullptr ? &app.analysis() : nullptr;
    w.selected_span = app.view().selected_span;
    for (const std::string& p : app.front_panels())
        if (!p.empty()) w.visible_panels.push_back(p);
    w.ghosts_on = app.view().show_ghosts;
    w.answer = s.answer;
    w.live_root_ms = &app.view().live.root_ms;
    w.console_seen = w.panel_visible("console");
    // What the learner set and ran in the sampling lab; a run started before the step's set-up does not count.
    const SamplingPanel* lab = sampling_lab(app);
    if (lab != nullptr && lab->report_head() && lab->report_head()->run > s.lab_runs_at_setup) {
        w.head_sampler = to_string(lab->report_head()->head);
        w.head_ratio = lab->report_head()->ratio;
    } else {
        w.head_sampler = s.head_sampler;
        w.head_ratio = s.head_ratio;
    }
    return w;
}

void apply_lesson_actions(App& app, LessonState& s, const std::vector<lessons::LessonAction>& actions, bool solution) {
    using lessons::ActionKind;
    const bool at_startup = s.at_startup;
    s.at_startup = false;
    if (!solution) {  // a step's set-up: a new question, nothing answered yet
        s.answer.clear();
        s.typed_answer.clear();
    }
    for (const lessons::LessonAction& a : actions) {
        switch (a.kind) {
            case ActionKind::SetClientSpans:
            case ActionKind::SetBatched:
            case ActionKind::SetClockSkew:
            case ActionKind::RandomFault:
            case ActionKind::RandomSlowService:
            case ActionKind::RandomErrorService:
            case ActionKind::RandomSkew:
            case ActionKind::RepairAllHops: {
                if (!app.has_scenario()) break;
                Scenario edited = app.scenario();
                const std::string err =
                    lessons::apply_scenario_action(edited, a, app.asset_dir() / "scenarios", s.seed);
                if (err.empty())
                    app.apply(ReplaceScenario{std::move(edited)});
                else
                    app.add_banner(BannerLevel::Error, "lesson: " + err);
                break;
            }
            case ActionKind::Answer:
                s.answer =
                    a.answer.starts_with('$') ? lessons::answer_key_value(a.answer, lesson_world(app, s)) : a.answer;
                s.typed_answer = s.answer;
                break;
            case ActionKind::LoadScenario:  // always reload: a step starts from the scenario as shipped
                // ...with live traffic stopped and the start-up seed, so the step's world is the same every time.
                app.apply(SetPlaying{false});
                app.set_live_pinned(false);
                (void)app.load_scenario(a.scenario);
                if (app.seed() != app.live_request_seed(0)) app.apply(SetSeed{app.live_request_seed(0)});
                break;
            case ActionKind::PlayLive:
                app.apply(SetLiveRate{40.0});
                app.apply(SetPlaying{true});
                (void)app.focus_panel("live");
                break;
            case ActionKind::OpenLiveTail: {
                const auto& live = app.view().live;
                if (live.root_ms.empty()) break;
                const auto slowest = std::max_element(live.root_ms.begin(), live.root_ms.end());
                const uint64_t first = live.requests_sent - live.root_ms.size() + 1;
                const uint64_t number = first + static_cast<uint64_t>(slowest - live.root_ms.begin());
                app.set_live_pinned(true);
                app.apply(SetSeed{app.live_request_seed(number)});
                break;
            }
            case ActionKind::SetLatency:
                app.apply(SetLatency{a.service, a.value});
                break;
            case ActionKind::SetJitter:
                app.apply(SetJitter{a.service, a.value});
                break;
            case ActionKind::SetErrorRate:
                app.apply(SetErrorRate{a.service, a.value});
                break;
            case ActionKind::SetHopFault:
                app.apply(SetHopFault{a.from, a.to, a.fault});
                break;
            case ActionKind::SetInstrumented:
                app.apply(SetInstrumented{a.service, a.flag});
                break;
            case ActionKind::SetParallel:
                app.apply(SetParallel{a.service, a.flag});
                break;
            case ActionKind::SelectSpan: {
                const int span = lessons::resolve_span(lesson_world(app, s), a.span);
                if (span >= 0) app.apply(SelectSpan{span});
                break;
            }
            case ActionKind::ClearSelection:
                app.apply(SelectSpan{-1});
                break;
            case ActionKind::SetHeadSampler: {
                s.head_sampler = a.sampler;
                s.head_ratio = a.value;
                SamplingPanel* lab = sampling_lab(app);
                const auto kind = parse_head_kind(a.sampler);
                if (lab == nullptr || !kind) break;
                // Into the lab's controls, as the learner would set them.
                lab->controls.head = static_cast<int>(*kind);
                lab->controls.ratio = static_cast<float>(a.value);
                s.lab_runs_at_setup = lab->runs_started();
                if (solution) {
                    (void)app.focus_panel("sampling");
                    lab->rerun(app);
                }
                break;
            }
            case ActionKind::OpenPanel:  // not while the app starts: the default tabs stay in front
                if (!at_startup) (void)app.focus_panel(a.panel);
                break;
            case ActionKind::SetGhosts:
                app.apply(SetGhosts{a.flag});
                break;
        }
    }
    if (!solution && !s.pick_after_setup.empty()) {
        app.apply(SelectSpanNamed{s.pick_after_setup});
        s.pick_after_setup.clear();
    }
}

void check_lesson_step(App& app, LessonState& s) {
    if (!s.ready()) return;
    const size_t before = s.session->current();
    if (!s.session->update(lesson_world(app, s))) return;
    auto& lp = s.progress.lessons[s.session->lesson().id];
    lp.steps_done = std::max(lp.steps_done, static_cast<int>(before + 1));
    s.hold_setup = s.session->has_pending();
    save_lesson_progress(app, s);
}

void reveal_lesson_hint(App& app, LessonState& s) {
    if (!s.ready() || !s.session->reveal_hint()) return;
    ++s.progress.lessons[s.session->lesson().id].hints_used;
    save_lesson_progress(app, s);
}

void show_lesson_solution(App& app, LessonState& s) {
    if (!s.ready() || s.session->finished()) return;
    // Steps work on the simulation: a trace file on screen gives way to it, as any scenario edit does.
    if (app.showing_file() && app.has_scenario()) app.apply(ReturnToSimulation{});
    s.hold_setup = false;
    s.at_startup = false;  // the learner asked: panels the step opens come to the front
    // The step's own set-up first (it may still be waiting), then the solution on top of it.
    apply_lesson_actions(app, s, s.session->take_pending());
    s.session->show_me();
    const std::vector<lessons::LessonAction> solution = s.session->take_pending();
    apply_lesson_actions(app, s, solution, /*solution=*/true);
    ++s.progress.lessons[s.session->lesson().id].solutions_used;
    // Point at the control the solution changed, so the learner sees where it lives.
    for (const lessons::LessonAction& a : solution) {
        std::string label;
        switch (a.kind) {
            case lessons::ActionKind::SetLatency:
                label = "own:" + a.service;
                break;
            case lessons::ActionKind::SetJitter:
                label = "jitter:" + a.service;
                break;
            case lessons::ActionKind::SetErrorRate:
                label = "error:" + a.service;
                break;
            case lessons::ActionKind::SetHopFault:
                label = "fault:" + a.from + "->" + a.to;
                break;
            case lessons::ActionKind::SetInstrumented:
                label = "instrumented:" + a.service;
                break;
            case lessons::ActionKind::SetParallel:
                label = "parallel:" + a.service;
                break;
            case lessons::ActionKind::SetBatched:
                label = "batched:" + a.from + "->" + a.to;
                break;
            default:
                break;
        }
        if (label.empty()) continue;
        (void)app.focus_panel("editor");
        s.highlight_label = label;
        s.highlight_until = ImGui::GetCurrentContext() != nullptr ? ImGui::GetTime() + 4.0 : 0.0;
    }
}

bool LessonState::hides_latency_hints() const {
    const lessons::Step* step = ready() ? session->current_step() : nullptr;
    return step != nullptr && step->hide_hints && !(hold_setup && session->has_pending());
}

void highlight_if_shown(const App& app, std::string_view label) {
    const LessonState* s = app.find_slot<LessonState>();
    if (s == nullptr || s->highlight_label != label || ImGui::GetTime() > s->highlight_until) return;
    if (!ImGui::IsItemVisible()) ImGui::SetScrollHereY(0.5f);
    const float pulse = 0.5f + 0.5f * static_cast<float>(std::sin(ImGui::GetTime() * 6.0));
    const ImVec2 pad(3.0f, 3.0f);
    const ImVec2 min = ImGui::GetItemRectMin(), max = ImGui::GetItemRectMax();
    ImGui::GetForegroundDrawList()->AddRect(ImVec2(min.x - pad.x, min.y - pad.y), ImVec2(max.x + pad.x, max.y + pad.y),
                                            IM_COL32(250, 200, 90, static_cast<int>(140 + 115 * pulse)), 3.0f, 0, 2.5f);
}

void restart_lesson(App& app, LessonState& s) {
    if (!s.ready()) return;
    s.session->restart();
    // A set-up held for "Next step" (or "Start step") belongs to the step left behind: step 1's applies now.
    s.hold_setup = false;
    s.at_startup = false;
    s.progress.lessons[s.session->lesson().id].steps_done = 0;
    save_lesson_progress(app, s);
}

// [SECTION] Prose

namespace {
constexpr ImU32 kTermColor = kTermTextColor;
constexpr ImU32 kDoneColor = kSuccessTextColor;
constexpr ImU32 kCodeBg = IM_COL32(24, 26, 32, 255);

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// Draws `text` word by word, wrapped to the available width; words inside a glossary term are coloured
// and show the term's definition when hovered.
void draw_prose(const std::string& text, const std::vector<lessons::GlossaryEntry>& glossary) {
    const std::string low = lower(text);
    std::vector<int> term_at(text.size(), -1);
    for (size_t g = 0; g < glossary.size(); ++g) {
        const std::string t = lower(glossary[g].term);
        for (size_t p = low.find(t); p != std::string::npos; p = low.find(t, p + t.size())) {
            // Only where the term starts a word ("log" in "logs", not in "catalog").
            if (p > 0 && std::isalnum(static_cast<unsigned char>(low[p - 1])) != 0) continue;
            for (size_t i = p; i < p + t.size(); ++i)
                if (term_at[i] < 0) term_at[i] = static_cast<int>(g);
        }
    }
    const float right = ImGui::GetCursorScreenPos().x + ImGui::GetContentRegionAvail().x;
    const float space = ImGui::CalcTextSize(" ").x;
    bool first = true;
    size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && text[i] == ' ') ++i;
        if (i >= text.size()) break;
        size_t j = i;
        while (j < text.size() && text[j] != ' ') ++j;
        const std::string word = text.substr(i, j - i);
        const float w = ImGui::CalcTextSize(word.c_str()).x;
        if (!first) {
            ImGui::SameLine(0.0f, space);
            if (ImGui::GetCursorScreenPos().x + w > right) ImGui::NewLine();
        }
        first = false;
        const int term = term_at[i];
        if (term >= 0) {
            ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kTermColor), "%s", word.c_str());
            if (ImGui::IsItemHovered()) {
                ImGui::BeginTooltip();
                ImGui::PushTextWrapPos(ImGui::GetFontSize() * 24.0f);
                ImGui::TextUnformatted(glossary[static_cast<size_t>(term)].term.c_str());
                ImGui::Separator();
                ImGui::TextUnformatted(glossary[static_cast<size_t>(term)].definition.c_str());
                ImGui::PopTextWrapPos();
                ImGui::EndTooltip();
            }
        } else {
            ImGui::TextUnformatted(word.c_str());
        }
        i = j;
    }
}

void draw_code(const App& app, const lessons::Block& b, int index) {
    ImFont* mono = app.fonts().mono;
    if (mono) ImGui::PushFont(mono);
    int lines = 1;
    for (char c : b.text) lines += c == '\n' ? 1 : 0;
    const float h = static_cast<float>(lines) * ImGui::GetTextLineHeight() + 2.0f * ImGui::GetStyle().WindowPadding.y +
                    ImGui::GetStyle().ScrollbarSize;
    ImGui::PushStyleColor(ImGuiCol_ChildBg, kCodeBg);
    ImGui::BeginChild(("##code" + std::to_string(index)).c_str(), ImVec2(0, h), true,
                      ImGuiWindowFlags_HorizontalScrollbar);
    ImGui::TextDisabled("%s", b.language == "cpp" ? "C++" : b.language == "go" ? "Go" : b.language.c_str());
    // Tabs render as nothing in Dear ImGui's fonts: show them as four spaces.
    std::string text = b.text;
    for (size_t p = text.find('\t'); p != std::string::npos; p = text.find('\t', p)) text.replace(p, 1, "    ");
    ImGui::TextUnformatted(text.c_str());
    ImGui::EndChild();
    ImGui::PopStyleColor();
    if (mono) ImGui::PopFont();
    probe_item("Code sample " + std::to_string(index));
}

void draw_body(const App& app, const lessons::Lesson& l) {
    int code_index = 0;
    for (const lessons::Block& b : l.body) {
        switch (b.kind) {
            case lessons::Block::Kind::Heading:
                ImGui::Spacing();
                ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kAccentTextColor), "%s", b.text.c_str());
                break;
            case lessons::Block::Kind::Paragraph:
                draw_prose(b.text, l.glossary);
                break;
            case lessons::Block::Kind::Code:
                draw_code(app, b, code_index++);
                break;
        }
        ImGui::Spacing();
    }
    if (!l.glossary.empty() && ImGui::CollapsingHeader("Glossary")) {
        for (const auto& g : l.glossary) {
            ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kTermColor), "%s", g.term.c_str());
            ImGui::Indent();
            ImGui::PushTextWrapPos(0.0f);
            ImGui::TextUnformatted(g.definition.c_str());
            ImGui::PopTextWrapPos();
            ImGui::Unindent();
        }
    }
    probe_item("Glossary");
}

// [SECTION] Steps

// The question of the current step, answered here: one button per choice, or a text box and "Check".
void draw_question(const LessonState& s, const lessons::Step& step, Actions& actions) {
    auto answer = [&actions](std::string text) {
        push_custom(actions, "lessons: answer", [text = std::move(text)](App& app) {
            auto& st = app.slot<LessonState>();
            st.answer = text;
            st.typed_answer = text;
        });
    };
    if (!step.choices.empty()) {
        for (size_t c = 0; c < step.choices.size(); ++c) {
            const std::string& choice = step.choices[c];
            if (ImGui::RadioButton(choice.c_str(), s.answer == choice)) answer(choice);
            probe_item("Choice " + std::to_string(c + 1));
        }
        return;
    }
    char buf[128];
    std::snprintf(buf, sizeof buf, "%s", s.typed_answer.c_str());
    // The box and "Check" share the line when the box can keep a usable width beside the button; on a narrow
    // panel (or with large text) "Check" goes under the box rather than past the panel's edge.
    const float check_w = button_width("Check");
    const float avail = ImGui::GetContentRegionAvail().x;
    const float beside = avail - check_w - ImGui::GetStyle().ItemSpacing.x;
    const bool one_line = beside >= ImGui::GetFontSize() * 6.0f;
    ImGui::SetNextItemWidth(std::min(one_line ? beside : avail, ImGui::GetFontSize() * 14.0f));
    const bool enter = ImGui::InputText("##answer", buf, sizeof buf, ImGuiInputTextFlags_EnterReturnsTrue);
    if (ImGui::IsItemEdited())
        push_custom(actions, "lessons: typing",
                    [text = std::string(buf)](App& app) { app.slot<LessonState>().typed_answer = text; });
    probe_item("Answer");
    if (one_line) ImGui::SameLine();
    if (ImGui::Button("Check") || enter) answer(buf);
    probe_item("Check");
}

// `current_h` receives the height the current step took (its text and controls), for sizing the area.
void draw_steps(const App& ui_app, const LessonState& s, Actions& actions, bool scroll_to_current, float& current_h) {
    const lessons::LessonSession& session = *s.session;
    const lessons::Lesson& l = session.lesson();
    ImGui::Separator();
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kAccentTextColor), "Try it  (%zu of %zu done)",
                       std::min(session.current(), l.steps.size()), l.steps.size());
    // The current step waits for "Start step" while the previous step's world stays on screen to look at.
    const bool waiting = s.hold_setup && session.has_pending();
    for (size_t i = 0; i < l.steps.size(); ++i) {
        const lessons::Step& step = l.steps[i];
        const lessons::StepStatus& st = session.status(i);
        ImGui::PushID(static_cast<int>(i));
        const float step_top = ImGui::GetCursorPosY();
        // Scroll to the top of the current step, so a long instruction is never cut at its first line.
        if (i == session.current() && scroll_to_current) ImGui::SetScrollHereY(0.0f);
        ImGui::PushTextWrapPos(0.0f);
        const bool live = i == session.current() && !waiting;
        if (st.done) {
            ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kDoneColor), "[x] %zu. %s", i + 1,
                               step.instruction.c_str());
            if (!step.done_text.empty()) ImGui::TextDisabled("    %s", step.done_text.c_str());
        } else if (live) {
            ImGui::Text("[ ] %zu. %s", i + 1, step.instruction.c_str());
            for (int h = 0; h < st.hints_shown; ++h)
                ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kWarningTextColor), "    Hint: %s",
                                   step.hints[static_cast<size_t>(h)].c_str());
        } else {
            ImGui::TextDisabled("[ ] %zu. %s", i + 1, step.instruction.c_str());
        }
        ImGui::PopTextWrapPos();
        probe_item("Step " + std::to_string(i + 1));
        if (i == session.current() && waiting) {
            ImGui::Indent();
            if (ImGui::Button(("Start step " + std::to_string(i + 1)).c_str()))
                push_custom(actions, "lessons: start step", [](App& app) {
                    auto& state = app.slot<LessonState>();
                    state.hold_setup = false;
                    state.at_startup = false;
                });
            probe_item("Start step");
            compat::item_tooltip("Sets up this step's world (its scenario and view). Nothing counts until then.");
            ImGui::SameLine();
            ImGui::TextDisabled("waits for you");
            ImGui::Unindent();
        }
        if (live) {
            ImGui::Indent();
            if (lessons::asks_question(step)) draw_question(s, step, actions);
            const std::string why = lessons::wrong_pick_feedback(step.goal, lesson_world(ui_app, s));
            if (!why.empty()) {
                ImGui::PushTextWrapPos(0.0f);
                const std::string text = step.feedback.empty() ? why : step.feedback + " " + why;
                ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kWarningTextColor), "%s", text.c_str());
                ImGui::PopTextWrapPos();
                probe_item("Feedback");
                // Below the visible part of the steps (a short window): bring the reason into view.
                if (ImGui::GetItemRectMax().y > ImGui::GetWindowPos().y + ImGui::GetWindowHeight())
                    ImGui::SetScrollHereY(1.0f);
            }
            const bool more_hints = st.hints_shown < static_cast<int>(step.hints.size());
            if (!more_hints) ImGui::BeginDisabled();
            if (ImGui::Button("Hint"))
                push_custom(actions, "lessons: hint",
                            [](App& app) { reveal_lesson_hint(app, app.slot<LessonState>()); });
            probe_item("Hint");
            if (!more_hints) ImGui::EndDisabled();
            ImGui::SameLine();
            if (ImGui::Button("Show me"))
                push_custom(actions, "lessons: show me",
                            [](App& app) { show_lesson_solution(app, app.slot<LessonState>()); });
            probe_item("Show me");
            if (ImGui::IsItemHovered()) {
                std::string tip;
                if (ui_app.showing_file() && ui_app.has_scenario())
                    tip = "Leaves the trace file on screen and goes back to the simulation, then:";
                for (const auto& a : step.solution) tip += (tip.empty() ? "" : "\n") + lessons::describe(a);
                ImGui::SetTooltip("%s", tip.c_str());
            }
            ImGui::Unindent();
        }
        if (i == session.current()) current_h = ImGui::GetCursorPosY() - step_top;
        ImGui::PopID();
    }
}

// [SECTION] Panel

class LessonPanel final : public Panel {
public:
    const char* name() const override { return "lessons"; }
    const char* title() const override { return "Lessons"; }
    Area area() const override { return Area::Left; }
    int order() const override { return 0; }

    void update(const App& app, Actions& actions) override {
        const LessonState* s = app.find_slot<LessonState>();
        if (s == nullptr || !s->started) {
            push_custom(actions, "lessons: start", [](App& a) {
                auto& st = a.slot<LessonState>();
                if (!st.started) start_lessons(a, st);
            });
            return;
        }
        // "Go to lesson" from the quiz.
        if (const auto* req = app.find_slot<OpenLessonRequest>(); req && req->serial != s->lesson_request_serial) {
            push_custom(actions, "lessons: open requested", [](App& a) {
                auto& st = a.slot<LessonState>();
                const auto& r = a.slot<OpenLessonRequest>();
                st.lesson_request_serial = r.serial;
                for (size_t i = 0; i < st.course.size(); ++i)
                    if (st.course[i].id == r.lesson) open_lesson(a, st, i);
            });
        }
        if (!s->ready() || app.showing_file()) return;
        // Set-up held at start-up: nothing is checked until the learner starts the step.
        if (s->at_startup && s->hold_setup && s->session->has_pending()) return;
        if (s->session->has_pending() && !s->hold_setup) {
            push_custom(actions, "lessons: apply", [](App& a) {
                auto& st = a.slot<LessonState>();
                if (st.ready()) apply_lesson_actions(a, st, st.session->take_pending());
            });
            return;
        }
        const lessons::Step* step = s->session->current_step();
        if (step != nullptr && lessons::goal_holds(step->goal, lesson_world(app, *s)))
            push_custom(actions, "lessons: step done", [](App& a) { check_lesson_step(a, a.slot<LessonState>()); });
    }

    void draw(const App& app, Actions& actions) override {
        const LessonState* s = app.find_slot<LessonState>();
        if (s == nullptr || !s->started) {
            ImGui::TextDisabled("Loading the course...");
            return;
        }
        if (!s->error.empty()) {
            ImGui::PushTextWrapPos(0.0f);
            ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kErrorColor), "%s", s->error.c_str());
            ImGui::PopTextWrapPos();
            return;
        }
        if (!s->ready()) return;
        draw_chooser(*s, actions);
        const lessons::Lesson& l = s->session->lesson();
        // The steps get at least 42% of the height, and more on a short panel (large text, small window) so the
        // whole current step with its answer box and buttons is in view, as long as the prose keeps three lines.
        const float line = ImGui::GetTextLineHeightWithSpacing();
        const float avail_y = ImGui::GetContentRegionAvail().y;
        const float whole_step = current_step_h_ + 2.0f * line + ImGui::GetStyle().WindowPadding.y;
        const float steps_h = std::max({line * 9.0f, avail_y * 0.42f, std::min(whole_step, avail_y - line * 3.0f)});
        ImGui::BeginChild("##lesson-scroll", ImVec2(0, -steps_h), false);
        if (scrolled_lesson_ != l.id) {
            ImGui::SetScrollY(0.0f);
            scrolled_lesson_ = l.id;
        }
        ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(235, 235, 240, 255));
        ImGui::TextUnformatted(l.title.c_str());
        ImGui::PopStyleColor();
        probe_item("Lesson title");
        if (!l.summary.empty()) {
            ImGui::PushTextWrapPos(0.0f);
            ImGui::TextDisabled("%s", l.summary.c_str());
            ImGui::PopTextWrapPos();
        }
        ImGui::Spacing();
        draw_body(app, l);
        ImGui::EndChild();
        // The hands-on steps stay pinned below the prose, so the current step is always in view.
        ImGui::BeginChild("##lesson-steps", ImVec2(0, 0), false);
        const bool moved = scroll_to_step_ != s->session->current() || scrolled_lesson_ != steps_lesson_;
        draw_steps(app, *s, actions, moved, current_step_h_);
        scroll_to_step_ = s->session->current();
        steps_lesson_ = l.id;
        ImGui::Spacing();
        if (s->session->finished()) {
            ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kDoneColor), "Lesson complete.");
            if (s->lesson + 1 < s->course.size()) {
                ImGui::SameLine();
                if (ImGui::Button("Next lesson"))
                    push_custom(actions, "lessons: next", [](App& a) {
                        auto& st = a.slot<LessonState>();
                        open_lesson(a, st, st.lesson + 1);
                    });
                probe_item("Next lesson");
            }
            if (moved) ImGui::SetScrollHereY(1.0f);
        }
        if (ImGui::SmallButton("Restart lesson"))
            push_custom(actions, "lessons: restart", [](App& a) { restart_lesson(a, a.slot<LessonState>()); });
        probe_item("Restart lesson");
        ImGui::EndChild();
    }

private:
    void draw_chooser(const LessonState& s, Actions& actions) {
        auto label = [&](size_t i) {
            const auto& l = s.course[i];
            const auto it = s.progress.lessons.find(l.id);
            const int done = it == s.progress.lessons.end() ? 0 : it->second.steps_done;
            std::string mark = done >= static_cast<int>(l.steps.size()) ? "  [done]"
                               : done > 0 ? "  (" + std::to_string(done) + "/" + std::to_string(l.steps.size()) + ")"
                                          : "";
            return std::to_string(l.order) + ". " + l.title + mark;
        };
        ImGui::SetNextItemWidth(-FLT_MIN);
        // Tall enough for the whole course where the window allows, so no lesson hides below a scroll.
        if (ImGui::BeginCombo("##lesson", label(s.lesson).c_str(), ImGuiComboFlags_HeightLargest)) {
            for (size_t i = 0; i < s.course.size(); ++i) {
                if (ImGui::Selectable(label(i).c_str(), i == s.lesson) && i != s.lesson)
                    push_custom(actions, "lessons: open", [i](App& a) { open_lesson(a, a.slot<LessonState>(), i); });
                probe_item("Lesson " + std::to_string(i + 1));
            }
            ImGui::EndCombo();
        }
        probe_item("Lesson chooser");
    }

    std::string scrolled_lesson_;
    std::string steps_lesson_;
    size_t scroll_to_step_ = ~size_t{0};
    float current_step_h_ = 0.0f;  // the current step's height last frame
};

}  // namespace

std::unique_ptr<Panel> make_lesson_panel() {
    return std::make_unique<LessonPanel>();
}

}  // namespace tl::ui
