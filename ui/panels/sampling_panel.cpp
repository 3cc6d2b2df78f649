// Sampling panel: controls for the head sampler and tail policies, a worker-thread run with progress and
// cancel, and charts of what was kept.
// [SECTION] Worker  [SECTION] Controls  [SECTION] Charts  [SECTION] Results
#include "ui/panels/sampling_panel.hpp"

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <initializer_list>
#include <string>

#include <imgui.h>

#include "ui/app.hpp"
#include "ui/imgui_compat.hpp"
#include "ui/panels/file_mode.hpp"
#include "ui/theme.hpp"
#include "ui/widgets/label_probe.hpp"
#include "ui/widgets/text_helpers.hpp"

namespace tl::ui {

namespace {
constexpr ImU32 kAllColor = IM_COL32(120, 125, 140, 255);
constexpr ImU32 kKeptColor = IM_COL32(80, 170, 255, 255);
constexpr ImU32 kErrorBarColor = IM_COL32(220, 60, 60, 200);
// In HeadKind order.
constexpr const char* kHeads[] = {"always on", "always off", "TraceIDRatioBased", "ParentBased(ratio)",
                                  "consistent probability"};

std::string count_text(uint64_t n) {
    char buf[32];
    if (n >= 1'000'000)
        std::snprintf(buf, sizeof buf, "%.2fM", double(n) / 1e6);
    else if (n >= 10'000)
        std::snprintf(buf, sizeof buf, "%.1fk", double(n) / 1e3);
    else
        std::snprintf(buf, sizeof buf, "%llu", static_cast<unsigned long long>(n));
    return buf;
}
}  // namespace

// [SECTION] Run notes

bool head_uses_ratio(HeadKind head) {
    return head != HeadKind::AlwaysOn && head != HeadKind::AlwaysOff;
}

std::string sampling_run_note(const Scenario& s, const SamplingLabConfig& cfg, float leaf_error_rate) {
    std::string out = "Scenario " + (s.id.empty() ? s.title : s.id) + ".";
    std::string broken, untraced, jitter, added;
    for (const Service& svc : s.services) {
        for (const Call& c : svc.calls)
            if (c.fault != HopFault::Ok) {
                const std::string hop = svc.name + "->" + c.to + " (" + to_string(c.fault) + ")";
                if (broken.find(hop) == std::string::npos) broken += (broken.empty() ? "" : ", ") + hop;
            }
        if (!svc.instrumented) untraced += (untraced.empty() ? "" : ", ") + svc.name;
        if (svc.own.jitter_ms > 0) {
            char buf[96];
            std::snprintf(buf, sizeof buf, "%s %.0f ms", svc.name.c_str(), svc.own.jitter_ms);
            jitter += (jitter.empty() ? "" : ", ") + std::string(buf);
        } else if (cfg.jitter_fraction > 0 && svc.own.ms > 0) {
            added += (added.empty() ? "" : ", ") + svc.name;
        }
    }
    out += broken.empty() ? " No broken hops." : " Broken hops: " + broken + ".";
    if (!untraced.empty()) out += " Not traced: " + untraced + ".";
    if (!jitter.empty()) out += " Jitter set in the scenario: " + jitter + ".";
    if (!added.empty()) {
        char buf[160];
        std::snprintf(buf, sizeof buf,
                      " The lab adds log-normal jitter of %.0f%% of the own time to %s, so that requests differ:",
                      cfg.jitter_fraction * 100, added.find(',') == std::string::npos ? "one service" : "services");
        out += buf + std::string(" ") + added + ".";
    }
    if (leaf_error_rate > 0 && !s.services.empty()) {
        char buf[160];
        std::snprintf(buf, sizeof buf, " Error rate of %s set to %.3f for the run.", s.services.back().name.c_str(),
                      double(leaf_error_rate));
        out += buf;
    }
    return out;
}

// [SECTION] Worker

double SamplingControls::run_ratio() const {
    return std::clamp(std::round(double(ratio) * 1e6) / 1e6, 0.0, 1.0);
}

SamplingPanel::~SamplingPanel() {
    if (job_) {
        job_->cancel = true;
        if (job_->thread.joinable()) job_->thread.join();
    }
}

void SamplingPanel::start(const App& app) {
    if (job_) return;
    if (!app.has_scenario()) {
        error_ = "The sampling lab simulates a scenario: load one first (a trace file cannot be re-run).";
        return;
    }
    Scenario scenario = app.scenario();
    if (controls.leaf_error_rate > 0 && !scenario.services.empty())
        (void)set_error_rate(scenario, scenario.services.back().name, controls.leaf_error_rate);
    SamplingLabConfig cfg;
    cfg.requests = static_cast<uint32_t>(std::clamp(controls.requests, 1, 10'000'000));
    cfg.seed = controls.seed;
    cfg.head = static_cast<HeadKind>(std::clamp(controls.head, 0, 4));
    cfg.ratio = controls.run_ratio();  // 0.01 stays 0.01 (and the description says so)
    if (controls.tail_latency) cfg.tail.policies.push_back(TailPolicy::latency(controls.tail_latency_ms));
    if (controls.tail_errors) cfg.tail.policies.push_back(TailPolicy::errors());
    if (controls.tail_probabilistic) cfg.tail.policies.push_back(TailPolicy::probabilistic(controls.tail_percent));
    cfg.tail.decision_wait_ms = std::max(0, controls.decision_wait_ms);

    job_ = std::make_unique<Job>();
    job_->total = cfg.requests;
    job_->head = SamplingRunHead{cfg.head, cfg.ratio, ++runs_started_};
    job_->note = sampling_run_note(app.scenario(), cfg, controls.leaf_error_rate);
    {
        char key[256];
        std::snprintf(key, sizeof key, "|%u|%llu|%d|%.9g|%d%d%d|%d|%.9g|%d|%.9g", cfg.requests,
                      static_cast<unsigned long long>(cfg.seed), int(cfg.head), cfg.ratio, controls.tail_errors,
                      controls.tail_latency, controls.tail_probabilistic, controls.tail_latency_ms,
                      double(controls.tail_percent), controls.decision_wait_ms, double(controls.leaf_error_rate));
        job_->settings = scenario_to_json(app.scenario()).dump() + key;
    }
    Job* job = job_.get();
    job->thread = std::thread([job, cfg, scenario = std::move(scenario)] {
        SamplingLabHooks hooks;
        hooks.cancel = &job->cancel;
        hooks.progress = [job](uint64_t done, uint64_t) { job->done_requests.store(done, std::memory_order_relaxed); };
        job->result = run_sampling_lab(scenario, cfg, hooks);
        job->done.store(true, std::memory_order_release);
    });
}

void SamplingPanel::cancel() {
    if (job_) job_->cancel = true;
}

void SamplingPanel::rerun(const App& app) {
    if (job_) {
        // The worker checks the flag between chunks, so this waits for one chunk at most.
        job_->cancel = true;
        if (job_->thread.joinable()) job_->thread.join();
        job_.reset();
    }
    start(app);
}

double SamplingPanel::progress() const {
    if (!job_ || job_->total == 0) return 0;
    return double(job_->done_requests.load(std::memory_order_relaxed)) / double(job_->total);
}

void SamplingPanel::finish() {
    if (!job_ || !job_->done.load(std::memory_order_acquire)) return;
    job_->thread.join();
    if (job_->result && job_->result->ok()) {
        SamplingLabReport next = std::move(job_->result->value());
        // A run with the same settings as the one on screen: say whether it came out the same, figure by figure.
        const bool repeat = report_ && !report_->cancelled && !next.cancelled && report_settings_ == job_->settings;
        if (repeat) {
            const SamplingLabReport& a = *report_;
            same_as_previous_ = a.requests == next.requests && a.requests_kept == next.requests_kept &&
                                a.partial_requests == next.partial_requests && a.errored == next.errored &&
                                a.errored_kept == next.errored_kept && a.slow_kept == next.slow_kept &&
                                a.spans_stored == next.spans_stored && a.traces_kept == next.traces_kept &&
                                a.hist_kept == next.hist_kept && a.hist_all == next.hist_all;
            ++repeats_;
        } else {
            same_as_previous_.reset();
            repeats_ = 0;
        }
        report_ = std::move(next);
        report_head_ = job_->head;
        report_settings_ = job_->settings;
        report_note_ = job_->note;
        error_.clear();
    } else if (job_->result) {
        error_ = job_->result->error();
    }
    job_.reset();
}

void SamplingPanel::update(const App& /*app*/, Actions& /*actions*/) {
    finish();
}

bool SamplingPanel::animating(const App& /*app*/) const {
    return job_ != nullptr;
}

// [SECTION] Controls

void SamplingPanel::draw_controls(const App& app) {
    const float s = app.fonts().scale;
    // A checkbox's width with its label; every other control is given its width, and each control wraps to
    // the next line when the panel is too narrow for it.
    const auto checkbox_width = [](const char* label) { return labelled_width(ImGui::GetFrameHeight(), label); };
    ImGui::TextUnformatted("Head (SDK, at the first span)");
    ImGui::SetNextItemWidth(200 * s);
    if (ImGui::BeginCombo("##head", kHeads[std::clamp(controls.head, 0, IM_ARRAYSIZE(kHeads) - 1)])) {
        for (int i = 0; i < IM_ARRAYSIZE(kHeads); ++i) {
            if (ImGui::Selectable(kHeads[i], i == controls.head)) controls.head = i;
            probe_item(std::string("sampling:head ") + kHeads[i]);
        }
        ImGui::EndCombo();
    }
    probe_item("sampling:head");
    same_line_if_fits(labelled_width(160 * s, "ratio"));
    ImGui::SetNextItemWidth(160 * s);
    // Always on and always off decide without a ratio: the slider is greyed out for them.
    const bool ratio_used = head_uses_ratio(static_cast<HeadKind>(std::clamp(controls.head, 0, 4)));
    ImGui::BeginDisabled(!ratio_used);
    ImGui::SliderFloat("ratio", &controls.ratio, 0.0001f, 1.0f, "%.4f", ImGuiSliderFlags_Logarithmic);
    ImGui::EndDisabled();
    probe_item(ratio_used ? "sampling:ratio" : "sampling:ratio (unused)");
    if (ratio_used)
        compat::item_tooltip("Share of traces the head sampler records. Ctrl+click to type a value.");
    else
        compat::item_tooltip("%s ignores the ratio.", kHeads[std::clamp(controls.head, 0, 4)]);

    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextUnformatted("Tail (collector, once the trace is complete; kept when any policy matches)");
    ImGui::PopTextWrapPos();
    ImGui::Checkbox("errors", &controls.tail_errors);
    probe_item("sampling:errors");
    same_line_if_fits(checkbox_width("slower than") + ImGui::GetStyle().ItemSpacing.x + labelled_width(90 * s, "ms"));
    ImGui::Checkbox("slower than", &controls.tail_latency);
    ImGui::SameLine();
    ImGui::SetNextItemWidth(90 * s);
    ImGui::DragInt("ms##latency", &controls.tail_latency_ms, 5, 0, 60'000);
    same_line_if_fits(checkbox_width("random") + ImGui::GetStyle().ItemSpacing.x + labelled_width(80 * s, "%"));
    ImGui::Checkbox("random", &controls.tail_probabilistic);
    ImGui::SameLine();
    ImGui::SetNextItemWidth(80 * s);
    ImGui::DragFloat("%##tail", &controls.tail_percent, 0.1f, 0.0f, 100.0f, "%.1f");
    ImGui::SetNextItemWidth(90 * s);
    ImGui::DragInt("decision wait ms", &controls.decision_wait_ms, 10, 0, 600'000);
    compat::item_tooltip("Spans arriving after the decision are kept only if their trace was kept.");

    ImGui::SetNextItemWidth(140 * s);
    ImGui::DragInt("requests", &controls.requests, 1000, 1000, 10'000'000);
    const std::string leaf = app.has_scenario() && !app.scenario().services.empty()
                                 ? "error rate of " + app.scenario().services.back().name
                                 : std::string("error rate");
    same_line_if_fits(labelled_width(100 * s, leaf.c_str()));
    ImGui::SetNextItemWidth(100 * s);
    ImGui::SliderFloat(leaf.c_str(), &controls.leaf_error_rate, 0.0f, 0.5f, "%.3f");
    if (job_) {
        if (ImGui::Button("Cancel", ImVec2(90 * s, 0))) cancel();
        probe_item("sampling:cancel");
        ImGui::SameLine();
        char overlay[64];
        std::snprintf(overlay, sizeof overlay, "%s / %s", count_text(job_->done_requests.load()).c_str(),
                      count_text(job_->total).c_str());
        ImGui::ProgressBar(float(progress()), ImVec2(-FLT_MIN, 0), overlay);
        probe_item("sampling:progress");
    } else {
        if (ImGui::Button("Run", ImVec2(90 * s, 0))) start(app);
        probe_item("sampling:run");
    }
}

// [SECTION] Charts

namespace {

// Bars over latency buckets [first, last]: `back` in grey, `front` on top in colour, both scaled to `max`.
void bucket_chart(const char* id, const SamplingLabReport& r, const uint64_t* back, const uint64_t* front,
                  bool normalise_each, bool share, ImVec2 size) {
    ImGui::InvisibleButton(id, size);
    probe_item(id);
    const ImVec2 p0 = ImGui::GetItemRectMin(), p1 = ImGui::GetItemRectMax();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(p0, p1, IM_COL32(25, 27, 32, 255));
    int first = kLabBuckets, last = -1;
    for (int b = 0; b < kLabBuckets; ++b)
        if (r.hist_all[size_t(b)] > 0) first = std::min(first, b), last = std::max(last, b);
    if (last < 0) return;
    const int n = last - first + 1;
    uint64_t max_back = 1, max_front = 1;
    for (int b = first; b <= last; ++b) {
        max_back = std::max(max_back, back[b]);
        max_front = std::max(max_front, front[b]);
    }
    const float w = (p1.x - p0.x) / float(n);
    const float h = p1.y - p0.y - ImGui::GetTextLineHeight() - 4;
    int hovered = -1;
    for (int i = 0; i < n; ++i) {
        const int b = first + i;
        const float x0 = p0.x + float(i) * w + 1, x1 = x0 + std::max(1.0f, w - 2);
        float hb = 0, hf = 0;
        if (share) {
            hb = back[b] ? h : 0;
            hf = back[b] ? h * float(double(front[b]) / double(back[b])) : 0;
        } else {
            hb = h * float(double(back[b]) / double(max_back));
            hf = h * float(double(front[b]) / double(normalise_each ? max_front : max_back));
        }
        const float base = p0.y + h + 2;
        dl->AddRectFilled({x0, base - hb}, {x1, base}, kAllColor);
        if (normalise_each && !share) {
            dl->AddRect({x0, base - hf}, {x1, base}, kKeptColor, 0, 0, 2.0f);
        } else {
            dl->AddRectFilled({x0, base - hf}, {x1, base}, kKeptColor);
        }
        if (r.hist_errored[size_t(b)] > 0 && share) dl->AddRectFilled({x0, base - 3}, {x1, base}, kErrorBarColor);
        if (share && back[b] > 0) {
            char pct[16];
            std::snprintf(pct, sizeof pct, "%.1f%%", 100.0 * double(front[b]) / double(back[b]));
            const ImVec2 ts = ImGui::CalcTextSize(pct);
            if (ts.x < w - 2)
                dl->AddText({x0 + (x1 - x0 - ts.x) * 0.5f, std::max(p0.y + 2, base - hf - ts.y - 2)},
                            IM_COL32(235, 235, 240, 255), pct);
        }
        if (ImGui::IsItemHovered() && ImGui::GetIO().MousePos.x >= x0 && ImGui::GetIO().MousePos.x < x1 + 2)
            hovered = b;
    }
    // Axis labels: the first and last bucket edges.
    char lo[32], hi[32];
    std::snprintf(lo, sizeof lo, "%.0f ms", first == 0 ? 0.0 : lab_bucket_upper_ms(first - 1));
    std::snprintf(hi, sizeof hi, "%.0f ms", lab_bucket_upper_ms(last));
    const float ty = p1.y - ImGui::GetTextLineHeight() - 1;
    dl->AddText({p0.x + 2, ty}, IM_COL32(190, 190, 200, 255), lo);
    dl->AddText({p1.x - ImGui::CalcTextSize(hi).x - 2, ty}, IM_COL32(190, 190, 200, 255), hi);
    if (hovered >= 0) {
        const double from = hovered == 0 ? 0.0 : lab_bucket_upper_ms(hovered - 1);
        ImGui::SetTooltip("%.1f – %.1f ms\nall requests: %llu\nkept: %llu (%.2f%%)\nerrored: %llu", from,
                          lab_bucket_upper_ms(hovered), static_cast<unsigned long long>(r.hist_all[size_t(hovered)]),
                          static_cast<unsigned long long>(r.hist_kept[size_t(hovered)]),
                          r.hist_all[size_t(hovered)]
                              ? 100.0 * double(r.hist_kept[size_t(hovered)]) / double(r.hist_all[size_t(hovered)])
                              : 0.0,
                          static_cast<unsigned long long>(r.hist_errored[size_t(hovered)]));
    }
}

void legend(ImU32 c, const char* text) {
    const float sz = ImGui::GetTextLineHeight() * 0.7f;
    const ImVec2 p = ImGui::GetCursorScreenPos();
    ImGui::GetWindowDrawList()->AddRectFilled({p.x, p.y + sz * 0.25f}, {p.x + sz, p.y + sz * 1.25f}, c);
    ImGui::Dummy({sz + 4, sz});
    ImGui::SameLine();
    ImGui::TextUnformatted(text);
}

}  // namespace

// [SECTION] Results

namespace {
[[gnu::format(printf, 1, 2)]] std::string printf_string(const char* fmt, ...) {
    char buf[256];
    va_list args;
    va_start(args, fmt);
    std::vsnprintf(buf, sizeof buf, fmt, args);
    va_end(args);
    return buf;
}

// One line of result figures that wraps between figures, never inside a number: each figure joins the line
// while it fits and starts the next one when it does not (wrapping inside only when it is wider than the panel).
// `id` names the line's figures for tests ("sampling:figure kept.0", …).
void figure_line(const char* id, std::initializer_list<std::string> figures) {
    const float gap = ImGui::CalcTextSize("   ").x;
    bool first = true;
    int i = 0;
    for (const std::string& f : figures) {
        if (!first) {
            const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
            const bool one_line = ImGui::GetItemRectSize().y < ImGui::GetTextLineHeight() * 1.5f;
            if (one_line && ImGui::GetItemRectMax().x + gap + ImGui::CalcTextSize(f.c_str()).x <= right)
                ImGui::SameLine(0.0f, gap);
        }
        ImGui::TextWrapped("%s", f.c_str());
        if (active_probe()) probe_item("sampling:figure " + std::string(id) + "." + std::to_string(i++));
        first = false;
    }
}
}  // namespace

void SamplingPanel::draw_results() {
    if (!error_.empty()) ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kErrorColor), "%s", error_.c_str());
    if (!report_) {
        ImGui::TextDisabled("Run the lab to see which requests a tracing backend would keep.");
        return;
    }
    const SamplingLabReport& r = *report_;
    using ull = unsigned long long;
    // ParentBased's full description lists all four delegates; the root is what the learner chose.
    std::string head = r.head_description;
    if (head.size() > 48 && head.find(',') != std::string::npos) head = head.substr(0, head.find(',')) + ",…}";
    // Tests check that every figure stays inside the panel.
    if (LabelProbe* p = active_probe()) {
        const ImVec2 wp = ImGui::GetWindowPos();
        const ImVec2 lo = ImGui::GetWindowContentRegionMin(), hi = ImGui::GetWindowContentRegionMax();
        p->record("sampling:results", {wp.x + lo.x, wp.y + lo.y}, {wp.x + hi.x, wp.y + hi.y}, ImGui::GetFrameCount());
    }
    figure_line("requests", {count_text(r.requests) + " requests" + (r.cancelled ? " (cancelled)" : ""),
                             "head: " + head, "tail: " + r.tail_description});
    figure_line("kept",
                {printf_string("kept %s requests (%.2f%%), %llu partial", count_text(r.requests_kept).c_str(),
                               r.kept_share() * 100, ull(r.partial_requests)),
                 printf_string("errored kept %.2f%% of %s", r.kept_error_share() * 100, count_text(r.errored).c_str()),
                 printf_string("slow (> %.0f ms) kept %.2f%% of %s", r.slow_threshold_ms, r.kept_slow_share() * 100,
                               count_text(r.slow).c_str())});
    figure_line(
        "storage",
        {printf_string("storage %.2f MB: %s of %s spans (about %llu bytes each)", double(r.bytes_stored) / 1e6,
                       count_text(r.spans_stored).c_str(), count_text(r.spans_possible).c_str(), ull(kStoredSpanBytes)),
         printf_string("late spans kept %llu, lost %llu", ull(r.late_spans_kept), ull(r.late_spans_dropped))});
    figure_line("latency", {printf_string("p50 / p99: true %.1f / %.1f ms", r.true_p50_ms, r.true_p99_ms),
                            printf_string("from stored traces %.1f / %.1f ms", r.kept_p50_ms, r.kept_p99_ms)});
    // What the run simulated, and whether a re-run with the same settings repeated it.
    ImGui::PushTextWrapPos(0);
    ImGui::TextDisabled("%s", report_note_.c_str());
    probe_item("sampling:note");
    if (same_as_previous_) {
        ImGui::PushStyleColor(ImGuiCol_Text, *same_as_previous_ ? kSuccessTextColor : kWarningTextColor);
        if (*same_as_previous_)
            ImGui::Text("Re-run with the same settings and seed (%llu in a row): the same result, figure for figure "
                        "(kept %s requests, %s spans). The simulation and the samplers are deterministic.",
                        ull(repeats_ + 1), count_text(r.requests_kept).c_str(), count_text(r.spans_stored).c_str());
        else
            ImGui::TextUnformatted("Re-run with the same settings: the result differs from the previous run.");
        ImGui::PopStyleColor();
        probe_item(*same_as_previous_ ? "sampling:repeat-same" : "sampling:repeat-differs");
    }
    ImGui::PopTextWrapPos();

    const float avail_w = ImGui::GetContentRegionAvail().x;
    // Leave room under the charts for their legends and the conclusion (about five wrapped lines).
    const float chart_h =
        std::max(100.0f, ImGui::GetContentRegionAvail().y - ImGui::GetTextLineHeightWithSpacing() * 8);
    const float half = (avail_w - ImGui::GetStyle().ItemSpacing.x) * 0.5f;
    ImGui::BeginGroup();
    ImGui::TextUnformatted("Kept share by latency bucket");
    bucket_chart("sampling:kept-share", r, r.hist_all.data(), r.hist_kept.data(), false, true, {half, chart_h});
    legend(kKeptColor, "kept");
    ImGui::SameLine();
    legend(kAllColor, "dropped");
    ImGui::SameLine();
    legend(kErrorBarColor, "has errors");
    ImGui::EndGroup();
    ImGui::SameLine();
    ImGui::BeginGroup();
    ImGui::TextUnformatted("Latency: all requests vs kept");
    ImGui::SameLine();
    help_marker(
        "Two latency histograms over the same buckets, each scaled to its own peak: far fewer requests are "
        "kept, and the scaling lets the shapes be compared. A kept shape shifted right means the sample "
        "over-represents slow requests.");
    bucket_chart("sampling:histogram", r, r.hist_all.data(), r.hist_kept.data(), true, false, {half, chart_h});
    legend(kAllColor, "all requests");
    ImGui::SameLine();
    legend(kKeptColor, "kept");
    ImGui::EndGroup();
    ImGui::PushTextWrapPos(0);
    ImGui::TextUnformatted(r.conclusion().c_str());
    ImGui::PopTextWrapPos();
    probe_item("sampling:conclusion");
}

void SamplingPanel::draw(const App& app, Actions& actions) {
    if (draw_file_mode_notice(app, actions,
                              "The sampling lab runs the simulated scenario many times; it does not read files."))
        return;
    // The first time the lab is shown it runs once with the defaults, so there is something to look at.
    if (!auto_started_) {
        auto_started_ = true;
        if (!report_ && !job_) start(app);
    }
    draw_controls(app);
    ImGui::Separator();
    draw_results();
}

std::unique_ptr<Panel> make_sampling_panel() {
    return std::make_unique<SamplingPanel>();
}

}  // namespace tl::ui
