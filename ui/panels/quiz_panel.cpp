// Quiz panel: one question card at a time with lettered option cards, the explanation after each answer
// with a way to the lesson that teaches it, an always-visible score, and a summary with a retake.
// [SECTION] Session operations (run by Custom actions)
// [SECTION] Drawing helpers
// [SECTION] Question card
// [SECTION] Summary
// [SECTION] Panel
#include "ui/panels/quiz_panel.hpp"

#include <chrono>
#include <cstdio>
#include <string>

#include <imgui.h>

#include "lessons/lesson.hpp"
#include "quiz/span_pick.hpp"
#include "sim/engine/scenario.hpp"
#include "ui/app.hpp"
#include "ui/panels/lesson_panel.hpp"
#include "ui/theme.hpp"
#include "ui/widgets/label_probe.hpp"
#include "ui/widgets/text_helpers.hpp"

namespace tl::ui {

// [SECTION] Session operations (run by Custom actions)

namespace {

void save_attempt(App& app, QuizSession& s) {
    if (s.recorded || !s.attempt || s.attempt->answered_count() == 0) return;
    const size_t before = s.results->warnings().size();
    s.results->record(quiz::make_record(*s.attempt, std::chrono::system_clock::now()));
    s.recorded = true;
    for (size_t i = before; i < s.results->warnings().size(); ++i)
        app.add_banner(BannerLevel::Warning, "Quiz: " + s.results->warnings()[i]);
}

// Lesson titles from the course the lessons panel shows (already loaded there, or read from the same folder).
// A course that cannot be read leaves the map empty; the lessons panel reports that problem itself.
std::map<std::string, std::string> read_lesson_titles(const App& app) {
    std::map<std::string, std::string> titles;
    const LessonState* lessons_state = app.find_slot<LessonState>();
    if (lessons_state && !lessons_state->course.empty()) {
        for (const auto& l : lessons_state->course) titles[l.id] = l.title;
        return titles;
    }
    const auto dir =
        lessons_state && !lessons_state->lesson_dir.empty() ? lessons_state->lesson_dir : app.asset_dir() / "lessons";
    if (auto course = lessons::load_course(dir))
        for (const auto& l : course.value()) titles[l.id] = l.title;
    return titles;
}

}  // namespace

std::string QuizSession::lesson_title(const std::string& lesson) const {
    if (auto it = lesson_titles.find(lesson); it != lesson_titles.end()) return it->second;
    // "traces-and-spans" -> "Traces and spans"
    std::string t = lesson;
    for (char& c : t)
        if (c == '-') c = ' ';
    if (!t.empty() && t[0] >= 'a' && t[0] <= 'z') t[0] = static_cast<char>(t[0] - 'a' + 'A');
    return t;
}

void start_quiz(App& app, QuizSession& s) {
    s.started = true;
    const std::filesystem::path file = s.quiz_file.empty() ? app.asset_dir() / "quiz" / "tracing.json" : s.quiz_file;
    auto loaded = quiz::load_quiz_file(file);
    if (!loaded) {
        s.error = loaded.error();
        app.add_banner(BannerLevel::Error, "Quiz: " + s.error);
        return;
    }
    s.bank = std::make_unique<quiz::Quiz>(std::move(loaded.value()));
    s.lesson_titles = read_lesson_titles(app);
    s.results = std::make_unique<quiz::ResultStore>(
        s.results_file.empty() ? quiz::ResultStore::default_path() : s.results_file, s.bank->id);
    s.results->load();
    for (const auto& w : s.results->warnings()) app.add_banner(BannerLevel::Warning, "Quiz: " + w);
    const uint64_t seed = s.seed ? *s.seed : s.results->history().attempts.size() + 1;
    s.quiz = std::make_unique<quiz::Quiz>(quiz::draw_quiz(*s.bank, seed));
    s.attempt = std::make_unique<quiz::Attempt>(*s.quiz, seed);
    s.current = 0;
    s.recorded = false;
}

void answer_question(App& app, QuizSession& s, size_t display_index) {
    if (!s.ready() || s.in_summary()) return;
    if (!s.attempt->answer(s.current, display_index)) return;  // one answer per question
    if (s.attempt->finished()) save_attempt(app, s);
}

void next_question(QuizSession& s) {
    if (!s.ready() || s.in_summary() || !s.attempt->answered(s.current)) return;
    ++s.current;
}

void retake_quiz(App& app, QuizSession& s) {
    if (!s.ready()) return;
    save_attempt(app, s);
    const uint64_t seed = quiz::next_seed(s.attempt->seed());
    // The old attempt points at the old draw: replace the attempt before the questions it reads.
    auto drawn = std::make_unique<quiz::Quiz>(quiz::draw_quiz(*s.bank, seed));
    s.attempt = std::make_unique<quiz::Attempt>(*drawn, seed);
    s.quiz = std::move(drawn);
    s.current = 0;
    s.recorded = false;
    s.practical_task = -1;
    s.hide_latency_hints = false;
    ++s.retakes;
}

void start_practical(App& app, QuizSession& s, size_t task) {
    if (!s.ready() || task >= s.attempt->practical_count()) return;
    const quiz::PracticalSetup& setup = s.quiz->practical[task].setup;
    auto loaded = tl::load_scenario(setup.scenario, app.asset_dir() / "scenarios");
    if (!loaded) {
        app.add_banner(BannerLevel::Error, "Quiz: " + loaded.error());
        return;
    }
    Scenario scenario = std::move(loaded.value());
    for (const auto& l : setup.latency)
        if (auto e = apply_latency_flag(scenario, l); !e.empty())
            return app.add_banner(BannerLevel::Error, "Quiz: " + e);
    for (const auto& d : setup.drop)
        if (auto e = apply_drop_flag(scenario, d); !e.empty()) return app.add_banner(BannerLevel::Error, "Quiz: " + e);
    app.set_scenario(std::move(scenario));
    // A fresh scenario starts with the root selected; clear it so nothing looks picked before the click.
    app.apply(SelectSpan{-1});
    s.practical_task = static_cast<int>(task);
    s.hide_latency_hints = true;
    if (app.find_panel("waterfall")) app.focus_panel("waterfall");
}

void pick_practical_span(App& app, QuizSession& s, int32_t span) {
    if (!s.ready() || s.practical_task < 0 || span < 0) return;
    const auto task = static_cast<size_t>(s.practical_task);
    if (s.attempt->practical_verdict(task)) return;
    s.attempt->pick(task, quiz::span_pick(app.store(), app.analysis(), static_cast<uint32_t>(span)));
    s.hide_latency_hints = false;
    // The questions' attempt was saved when the summary opened; each pick updates its practical score.
    if (s.recorded && s.results) {
        const size_t before = s.results->warnings().size();
        s.results->record_practical(s.attempt->practical_score(), static_cast<int>(s.attempt->practical_count()));
        for (size_t i = before; i < s.results->warnings().size(); ++i)
            app.add_banner(BannerLevel::Warning, "Quiz: " + s.results->warnings()[i]);
    }
}

void request_lesson(App& app, const std::string& lesson) {
    auto& r = app.slot<OpenLessonRequest>();
    r.lesson = lesson;
    ++r.serial;
    if (app.find_panel("lessons")) app.focus_panel("lessons");
}

namespace {

// [SECTION] Drawing helpers

constexpr ImU32 kRightColor = kSuccessTextColor;

enum class CardLook { Open, ChosenRight, ChosenWrong, Right, Dimmed };

std::string letter_label(size_t d) {
    return std::string(1, quiz::option_letter(d)) + ")";
}

// An option as a card: a lettered badge and the wrapped text. Returns true when clicked while open.
bool option_card(const char* id, size_t display_index, const std::string& text, CardLook look, float scale) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float width = ImGui::GetContentRegionAvail().x;
    const float pad = 8.0f * scale;
    const float badge = ImGui::GetTextLineHeight() * 1.4f;
    const float text_x = pad + badge + pad;
    const float wrap = std::max(40.0f, width - text_x - pad);
    const ImVec2 text_size = ImGui::CalcTextSize(text.c_str(), nullptr, false, wrap);
    const ImVec2 size(width, std::max(text_size.y, badge) + 2 * pad);
    const ImVec2 p = ImGui::GetCursorScreenPos();

    const bool clicked = ImGui::InvisibleButton(id, size);
    const bool open = look == CardLook::Open;
    const bool hovered = open && ImGui::IsItemHovered();
    if (hovered) ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);

    ImU32 accent = ImGui::GetColorU32(ImGuiCol_Border);
    ImU32 bg = ImGui::GetColorU32(hovered ? ImGuiCol_FrameBgHovered : ImGuiCol_FrameBg);
    ImU32 fg = ImGui::GetColorU32(ImGuiCol_Text);
    if (look == CardLook::ChosenRight || look == CardLook::Right) accent = kRightColor;
    if (look == CardLook::ChosenWrong) accent = kErrorColor;
    if (look == CardLook::Dimmed) fg = ImGui::GetColorU32(ImGuiCol_TextDisabled);
    if (look == CardLook::ChosenRight || look == CardLook::ChosenWrong)
        bg = (accent & 0x00FFFFFF) | (static_cast<ImU32>(60) << IM_COL32_A_SHIFT);

    const ImVec2 q(p.x + size.x, p.y + size.y);
    const float rounding = 5.0f * scale;
    dl->AddRectFilled(p, q, bg, rounding);
    dl->AddRect(p, q, accent, rounding, 0, look == CardLook::Open ? 1.0f : 2.0f * scale);
    const ImVec2 centre(p.x + pad + badge * 0.5f, p.y + pad + badge * 0.5f);
    dl->AddCircleFilled(
        centre, badge * 0.5f,
        look == CardLook::Open || look == CardLook::Dimmed ? ImGui::GetColorU32(ImGuiCol_Button) : accent);
    const char letter[2] = {quiz::option_letter(display_index), 0};
    const ImVec2 ls = ImGui::CalcTextSize(letter);
    dl->AddText(ImVec2(centre.x - ls.x * 0.5f, centre.y - ls.y * 0.5f), ImGui::GetColorU32(ImGuiCol_Text), letter);
    const float text_y = p.y + pad + std::max(0.0f, (badge - text_size.y) * 0.5f);
    dl->AddText(ImGui::GetFont(), ImGui::GetFontSize(), ImVec2(p.x + text_x, text_y), fg, text.c_str(), nullptr, wrap);
    return clicked && open;
}

// Wrapped text on a tinted box with a coloured bar on the left; drawn behind the content via channels.
template <class F>
void feedback_box(ImU32 accent, float scale, F&& content) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->ChannelsSplit(2);
    dl->ChannelsSetCurrent(1);
    const float pad = 8.0f * scale;
    const ImVec2 start = ImGui::GetCursorScreenPos();
    const float width = ImGui::GetContentRegionAvail().x;
    ImGui::SetCursorScreenPos(ImVec2(start.x + pad + 4 * scale, start.y + pad));
    ImGui::BeginGroup();
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width - 2 * pad - 4 * scale);
    content();
    ImGui::PopTextWrapPos();
    ImGui::EndGroup();
    const ImVec2 end(start.x + width, ImGui::GetItemRectMax().y + pad);
    dl->ChannelsSetCurrent(0);
    dl->AddRectFilled(start, end, (accent & 0x00FFFFFF) | (static_cast<ImU32>(34) << IM_COL32_A_SHIFT), 4.0f * scale);
    dl->AddRectFilled(start, ImVec2(start.x + 4 * scale, end.y), accent, 4.0f * scale);
    dl->ChannelsMerge();
    ImGui::SetCursorScreenPos(ImVec2(start.x, end.y));
    ImGui::Dummy(ImVec2(width, 0));
}

void push_custom(Actions& actions, std::string label, std::function<void(App&)> f) {
    actions.push(Custom{std::move(label), std::move(f)});
}

// A dot per question: green right, red wrong, grey to do; the current one is ringed.
void progress_dots(const quiz::Attempt& a, size_t current, float scale) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float r = 5.0f * scale, step = 16.0f * scale;
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const float cy = p.y + ImGui::GetTextLineHeight() * 0.5f;
    for (size_t q = 0; q < a.question_count(); ++q) {
        const ImVec2 c(p.x + r + step * static_cast<float>(q), cy);
        ImU32 col = ImGui::GetColorU32(ImGuiCol_TextDisabled);
        if (auto g = a.grade(q)) col = g->correct ? kRightColor : kErrorColor;
        dl->AddCircleFilled(c, r, col);
        if (q == current) dl->AddCircle(c, r + 2.5f * scale, ImGui::GetColorU32(ImGuiCol_Text), 0, 1.5f * scale);
    }
    ImGui::Dummy(ImVec2(step * static_cast<float>(a.question_count()), ImGui::GetTextLineHeight()));
}

// [SECTION] Question card

// `bring_into_view`: the question was just answered, so scroll the explanation and buttons into view.
void draw_question(const App& app, const QuizSession& s, Actions& actions, bool bring_into_view) {
    const float scale = app.fonts().scale;
    const quiz::Attempt& a = *s.attempt;
    const size_t q = s.current;
    const quiz::Question& question = a.question(q);

    ImGui::TextDisabled("Question %zu of %zu", q + 1, a.question_count());
    ImGui::SameLine();
    progress_dots(a, q, scale);
    ImGui::Spacing();
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextUnformatted(question.prompt.c_str());
    ImGui::PopTextWrapPos();
    probe_item("Question");
    ImGui::Spacing();

    const auto grade = a.grade(q);
    const size_t right = a.right_display_index(q);
    for (size_t d = 0; d < question.options.size(); ++d) {
        CardLook look = CardLook::Open;
        if (grade) {
            const bool chosen = a.display_order(q)[d] == grade->given;
            look = chosen ? (grade->correct ? CardLook::ChosenRight : CardLook::ChosenWrong)
                          : (d == right ? CardLook::Right : CardLook::Dimmed);
        }
        const std::string id = "##option-" + std::to_string(d);
        if (option_card(id.c_str(), d, a.shown_option(q, d).text, look, scale))
            push_custom(actions, "quiz: answer " + letter_label(d),
                        [d](App& app_) { answer_question(app_, app_.slot<QuizSession>(), d); });
        probe_item("Option " + std::string(1, quiz::option_letter(d)));
        ImGui::Dummy(ImVec2(0, 2.0f * scale));
    }
    if (!grade) {
        ImGui::TextDisabled("Pick one answer; it counts once.");
        return;
    }

    ImGui::Spacing();
    size_t shown = 0;
    while (a.display_order(q)[shown] != grade->given) ++shown;
    feedback_box(grade->correct ? kRightColor : kErrorColor, scale, [&] {
        if (grade->correct) {
            ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kRightColor), "Right.");
        } else {
            ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kErrorColor), "Not quite: the answer is %s",
                               letter_label(right).c_str());
            ImGui::Spacing();
            ImGui::TextDisabled("Why %s is wrong", letter_label(shown).c_str());
            ImGui::TextWrapped("%s", question.options[grade->given].explanation.c_str());
            ImGui::Spacing();
            ImGui::TextDisabled("Why %s is right", letter_label(right).c_str());
        }
        ImGui::TextWrapped("%s", question.options[grade->right].explanation.c_str());
    });
    probe_item("Explanation");
    ImGui::Spacing();

    // The way on first; the lesson link beside it when the panel is wide enough, else below.
    const bool last = q + 1 >= a.question_count();
    if (ImGui::Button(last ? "See your results" : "Next question"))
        push_custom(actions, "quiz: next", [](App& app_) { next_question(app_.slot<QuizSession>()); });
    probe_item("Next question");
    const std::string lesson_button = "Go to lesson: " + s.lesson_title(question.lesson);
    same_line_if_fits(ImGui::CalcTextSize(lesson_button.c_str()).x + 2 * ImGui::GetStyle().FramePadding.x);
    if (ImGui::Button(lesson_button.c_str())) {
        const std::string lesson = question.lesson;
        push_custom(actions, "quiz: open lesson " + lesson, [lesson](App& app_) { request_lesson(app_, lesson); });
    }
    probe_item("Go to lesson");
    probe_item(lesson_button);
    if (bring_into_view) ImGui::SetScrollHereY(1.0f);
}

// [SECTION] Summary

// The practical round, under the summary: each task set up on demand, answered by clicking a span on the
// waterfall, scored apart from the five questions.
void draw_practical(const QuizSession& s, Actions& actions) {
    const quiz::Attempt& a = *s.attempt;
    if (a.practical_count() == 0) return;
    ImGui::Spacing();
    ImGui::Separator();
    ImGui::Text("Practical round: %d / %zu", a.practical_score(), a.practical_count());
    probe_item("Practical score");
    ImGui::SameLine();
    ImGui::TextDisabled("(scored apart from the quiz)");
    for (size_t t = 0; t < a.practical_count(); ++t) {
        const quiz::PracticalTask& task = s.quiz->practical[t];
        ImGui::PushID(static_cast<int>(t));
        ImGui::Spacing();
        ImGui::PushTextWrapPos(0.0f);
        ImGui::Text("%zu. %s", t + 1, task.prompt.c_str());
        const auto verdict = a.practical_verdict(t);
        if (verdict) {
            ImGui::PushStyleColor(ImGuiCol_Text, verdict->correct ? kRightColor : kErrorColor);
            ImGui::TextUnformatted(verdict->correct ? "Right span." : "Not that one.");
            ImGui::PopStyleColor();
            ImGui::TextUnformatted(verdict->correct ? task.explanation.c_str()
                                                    : quiz::practical_reason_text(verdict->reason));
            if (!verdict->correct) ImGui::TextDisabled("%s", task.hint.c_str());
        } else if (s.practical_task == static_cast<int>(t)) {
            ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kWarningTextColor),
                               "Now click the span on the waterfall.");
        }
        ImGui::PopTextWrapPos();
        if (!verdict && s.practical_task != static_cast<int>(t)) {
            if (ImGui::SmallButton("Set it up on the waterfall"))
                push_custom(actions, "quiz: practical " + task.id,
                            [t](App& app_) { start_practical(app_, app_.slot<QuizSession>(), t); });
            probe_item("Practical " + std::to_string(t + 1));
        }
        ImGui::PopID();
    }
}

void draw_summary(const QuizSession& s, Actions& actions) {
    const quiz::Attempt& a = *s.attempt;
    const int score = a.score();
    const size_t total = a.question_count();
    const ImU32 col = score * 5 >= static_cast<int>(total) * 4 ? kRightColor
                      : score * 2 >= static_cast<int>(total)   ? kWarningTextColor
                                                               : kErrorColor;
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(col), "You scored %d / %zu", score, total);
    probe_item("Summary");
    ImGui::SameLine();
    if (ImGui::Button("Retake the quiz"))
        push_custom(actions, "quiz: retake", [](App& app_) { retake_quiz(app_, app_.slot<QuizSession>()); });
    probe_item("Retake");
    if (s.results) {
        const auto& h = s.results->history();
        if (h.best_total > 0) {
            ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetColorU32(ImGuiCol_TextDisabled));
            ImGui::TextWrapped(
                "Best so far: %d / %d over %zu attempt%s. A retake draws other questions and shuffles the options.",
                h.best_score, h.best_total, h.attempts.size(), h.attempts.size() == 1 ? "" : "s");
            ImGui::PopStyleColor();
        }
    }
    ImGui::Spacing();

    // One row per question: the question, the answer given and, when it differs, the right one. Stacked in
    // one column so it reads well in a narrow side panel.
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_PadOuterX;
    if (!ImGui::BeginTable("##quiz-summary", 2, flags)) return;
    ImGui::TableSetupColumn("#", ImGuiTableColumnFlags_WidthFixed);
    ImGui::TableSetupColumn("Question, your answer, the right answer", ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableHeadersRow();
    for (size_t q = 0; q < total; ++q) {
        const quiz::Question& question = a.question(q);
        const auto g = a.grade(q);
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        const ImU32 mark = !g ? ImGui::GetColorU32(ImGuiCol_TextDisabled) : g->correct ? kRightColor : kErrorColor;
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(mark), "%zu", q + 1);
        ImGui::TableNextColumn();
        ImGui::PushTextWrapPos(0.0f);
        ImGui::TextUnformatted(question.prompt.c_str());
        const size_t right = a.right_display_index(q);
        if (g) {
            size_t shown = 0;
            while (a.display_order(q)[shown] != g->given) ++shown;
            ImGui::PushStyleColor(ImGuiCol_Text, g->correct ? kRightColor : kErrorColor);
            ImGui::Text("Your answer: %s %s (%s)", letter_label(shown).c_str(), question.options[g->given].text.c_str(),
                        g->correct ? "right" : "wrong");
            ImGui::PopStyleColor();
        } else {
            ImGui::TextDisabled("Not answered");
        }
        if (!g || !g->correct)
            ImGui::Text("Right answer: %s %s", letter_label(right).c_str(),
                        question.options[question.correct_index()].text.c_str());
        ImGui::PopTextWrapPos();
        const std::string label = "Lesson: " + s.lesson_title(question.lesson);
        const std::string button = label + "##lesson-" + std::to_string(q);
        if (ImGui::SmallButton(button.c_str())) {
            const std::string lesson = question.lesson;
            push_custom(actions, "quiz: open lesson " + lesson, [lesson](App& app_) { request_lesson(app_, lesson); });
        }
        probe_item("Summary lesson " + std::to_string(q + 1));
        probe_item(label);
    }
    ImGui::EndTable();
    draw_practical(s, actions);
}

// [SECTION] Panel

class QuizPanel final : public Panel {
public:
    const char* name() const override { return "quiz"; }
    const char* title() const override { return "Quiz"; }
    Area area() const override { return Area::Left; }
    int order() const override { return 20; }

    void draw(const App& app, Actions& actions) override {
        const QuizSession* s = app.find_slot<QuizSession>();
        if (!s || !s->started) {
            // Loaded on first view, so the file is only read when someone opens the quiz.
            start_requested_ = true;
            push_custom(actions, "quiz: start", [](App& app_) { start_quiz(app_, app_.slot<QuizSession>()); });
            ImGui::TextDisabled("Loading the quiz...");
            return;
        }
        if (!s->ready()) {
            ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kErrorColor), "The quiz could not be loaded.");
            ImGui::PushTextWrapPos(0.0f);
            ImGui::TextUnformatted(s->error.c_str());
            ImGui::PopTextWrapPos();
            return;
        }
        draw_header(app, *s);
        // One child window per page (question or summary, per attempt), so each page opens scrolled to the
        // top. A scrollbar that is always there keeps the wrap width fixed, so an answer does not reflow.
        char page[48];
        std::snprintf(page, sizeof page, "##quiz-page-%d-%zu", s->retakes, s->current);
        ImGui::BeginChild(page, ImVec2(0, 0), false, ImGuiWindowFlags_AlwaysVerticalScrollbar);
        // An answer scrolls down to its explanation and the buttons below it.
        const bool answered = !s->in_summary() && s->attempt->answered(s->current);
        const bool just_answered = answered && !shown_answered_ && shown_page_ == page;
        shown_page_ = page;
        shown_answered_ = answered;
        scroll_pending_ = just_answered;
        if (s->in_summary())
            draw_summary(*s, actions);
        else
            draw_question(app, *s, actions, just_answered);
        ImGui::EndChild();
    }

    // A span clicked on the waterfall while a practical task waits is that task's answer. Only a click: keys
    // that move the selection, and selections made by anything else (lessons, restored state), never pick.
    void update(const App& app, Actions& actions) override {
        const QuizSession* s = app.find_slot<QuizSession>();
        if (!s || !s->awaiting_pick()) return;
        for (const Action& a : app.last_applied()) {
            const auto* select = std::get_if<SelectSpan>(&a);
            if (!select || !select->clicked || select->span < 0) continue;
            const int32_t span = select->span;
            push_custom(actions, "quiz: practical pick",
                        [span](App& app_) { pick_practical_span(app_, app_.slot<QuizSession>(), span); });
            break;
        }
    }

    bool animating(const App& app) const override {
        // One more frame after asking to load, so the question appears without waiting for input.
        const QuizSession* s = app.find_slot<QuizSession>();
        return scroll_pending_ || (start_requested_ && (!s || !s->started));
    }

private:
    bool start_requested_ = false;
    // What the body showed last frame, to scroll when it changes (not model state: only the view).
    std::string shown_page_;
    bool shown_answered_ = false;
    bool scroll_pending_ = false;  // a scroll was asked for; it lands on the next frame

    // Title on the left, the score on the right: always visible, whatever the body scrolls to.
    static void draw_header(const App& app, const QuizSession& s) {
        char score[48];
        std::snprintf(score, sizeof score, "Score %d / %zu", s.attempt->score(), s.attempt->question_count());
        const float w = ImGui::CalcTextSize(score).x;
        const float gap = 12.0f * app.fonts().scale;
        const bool fits = ImGui::CalcTextSize(s.quiz->title.c_str()).x + gap + w <= ImGui::GetContentRegionAvail().x;
        ImGui::TextUnformatted(s.quiz->title.c_str());
        // Right-aligned beside the title when both fit, else right-aligned on the next line: never overlapping.
        if (fits)
            ImGui::SameLine(ImGui::GetWindowContentRegionMax().x - w);
        else
            ImGui::SetCursorPosX(ImGui::GetWindowContentRegionMax().x - w);
        ImGui::TextUnformatted(score);
        probe_item("Score");
        // The best saved result, from the first question on.
        if (s.results && s.results->history().best_total > 0) {
            const auto& h = s.results->history();
            ImGui::TextDisabled("Best so far: %d / %d (%zu attempt%s)", h.best_score, h.best_total, h.attempts.size(),
                                h.attempts.size() == 1 ? "" : "s");
            probe_item("Best score");
        }
        ImGui::Separator();
    }
};

}  // namespace

std::unique_ptr<Panel> make_quiz_panel() {
    return std::make_unique<QuizPanel>();
}

}  // namespace tl::ui
