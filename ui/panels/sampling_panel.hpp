// Sampling panel: choose a head sampler and tail policies, run a million requests on a worker thread, and
// see what survives — kept share per latency bucket, latency of all vs kept requests, storage.
// - The run never blocks a frame: the worker reports progress through atomics and can be cancelled; the
//   panel picks up the report in update().
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "sim/sampling/sampling_lab.hpp"
#include "ui/panels/panel.hpp"

namespace tl::ui {

// The controls, as plain values (defaults = the rule of thumb: 1% of traces, plus every slow or errored one).
struct SamplingControls {
    int head = static_cast<int>(HeadKind::ParentRatio);
    float ratio = 0.01f;
    bool tail_errors = true;
    bool tail_latency = true;
    int tail_latency_ms = 300;
    bool tail_probabilistic = false;
    float tail_percent = 1.0f;
    int decision_wait_ms = 30'000;
    int requests = 1'000'000;
    float leaf_error_rate = 0.01f;  // error rate given to the scenario's last service (0: keep the scenario's)
    uint64_t seed = 1;
    // The ratio a run uses: the slider holds a float, rounded to 6 digits so 0.01 stays 0.01.
    [[nodiscard]] double run_ratio() const;
};

// What a run used besides the controls, in words: the scenario, its broken hops and untraced services, the
// jitter it has, the jitter the lab adds (SamplingLabConfig::jitter_fraction) and the error rate it sets.
std::string sampling_run_note(const Scenario& s, const SamplingLabConfig& cfg, float leaf_error_rate);
// True when a head sampler uses the ratio (the ratio slider is greyed out for the others).
bool head_uses_ratio(HeadKind head);

// The head sampler a finished run used, as the lessons check it.
struct SamplingRunHead {
    HeadKind head = HeadKind::ParentRatio;
    double ratio = 0.01;
    uint64_t run = 0;  // SamplingPanel::runs_started() when it was started
};

class SamplingPanel final : public Panel {
public:
    SamplingPanel() = default;
    ~SamplingPanel() override;
    SamplingPanel(const SamplingPanel&) = delete;
    SamplingPanel& operator=(const SamplingPanel&) = delete;

    [[nodiscard]] const char* name() const override { return "sampling"; }
    [[nodiscard]] const char* title() const override { return "Sampling lab"; }
    [[nodiscard]] Area area() const override { return Area::Centre; }
    [[nodiscard]] int order() const override { return 40; }
    void draw(const App& app, Actions& actions) override;
    void update(const App& app, Actions& actions) override;
    [[nodiscard]] bool animating(const App& app) const override;

    // For tests and the app: start / cancel a run with the current controls.
    void start(const App& app);
    void cancel();
    // Starts a run with the current controls now, cancelling (and waiting out) one in progress: what the
    // lessons' "Show me" does after setting the controls.
    void rerun(const App& app);
    // Runs started so far, and the head sampler of the run whose report is shown (the lessons read these to
    // check what the learner set and ran).
    [[nodiscard]] uint64_t runs_started() const { return runs_started_; }
    [[nodiscard]] const std::optional<SamplingRunHead>& report_head() const { return report_head_; }
    [[nodiscard]] bool running() const { return job_ != nullptr; }
    [[nodiscard]] double progress() const;
    [[nodiscard]] const std::optional<SamplingLabReport>& report() const { return report_; }
    [[nodiscard]] const std::string& error() const { return error_; }
    SamplingControls controls;

private:
    struct Job {
        std::atomic<bool> cancel{false};
        std::atomic<bool> done{false};
        std::atomic<uint64_t> done_requests{0};
        uint64_t total = 0;
        std::optional<Result<SamplingLabReport>> result;  // written by the worker before `done`
        SamplingRunHead head;
        std::string settings;  // scenario + controls, to recognise a re-run with the same settings
        std::string note;      // sampling_run_note() for this run
        std::thread thread;
    };
    void finish();
    void draw_controls(const App& app);
    void draw_results();

    std::unique_ptr<Job> job_;
    std::optional<SamplingLabReport> report_;
    std::optional<SamplingRunHead> report_head_;
    uint64_t runs_started_ = 0;
    std::string error_;
    bool auto_started_ = false;
    // The shown report's settings and note; whether it repeats the previous run with the same settings
    // (and whether the figures came out the same).
    std::string report_settings_, report_note_;
    std::optional<bool> same_as_previous_;
    uint64_t repeats_ = 0;  // runs in a row with the same settings

public:
    // Set after a run with the same settings as the one before: true when every figure came out the same.
    [[nodiscard]] const std::optional<bool>& same_as_previous() const { return same_as_previous_; }
    [[nodiscard]] const std::string& report_note() const { return report_note_; }
};

}  // namespace tl::ui
