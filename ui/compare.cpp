// Compare with a baseline: pinning, clearing and diffing against what is on screen.
#include "ui/compare.hpp"

#include <filesystem>

#include "sim/formats/formats.hpp"

#include "ui/app.hpp"

namespace tl::ui {

std::vector<uint32_t> compared_traces(const App& app) {
    if (!app.showing_file()) return all_traces(app.analysis());
    const int32_t t = app.current_trace();
    if (t < 0) return {};
    return {static_cast<uint32_t>(t)};
}

void pin_baseline(App& app) {
    CompareBaseline& b = app.slot<CompareBaseline>();
    b.store = app.store();
    b.analysis = analyze(b.store);
    b.traces = compared_traces(app);
    // Trace order follows from the store, so the same indices name the same traces in the copy.
    if (app.showing_file()) {
        const int32_t t = app.current_trace();
        b.label = "trace " + (t >= 0 ? to_hex(app.analysis().traces[static_cast<size_t>(t)].id).substr(0, 8) : "?") +
                  " of " + std::filesystem::path(app.file_name()).filename().string();
    } else {
        b.label = app.scenario().id + " as pinned";
    }
    b.pinned = !b.traces.empty();
    ++b.version;
}

std::string pin_baseline_file(App& app, const std::string& path) {
    auto imported = import_trace_file(path);
    release_import_memory();  // this thread lives on: the parser's buffers are not needed until the next open
    if (!imported) return imported.error();
    CompareBaseline& b = app.slot<CompareBaseline>();
    b.store = std::move(imported->store);
    b.analysis = analyze(b.store);
    b.traces = all_traces(b.analysis);
    b.label = std::filesystem::path(path).filename().string();
    b.pinned = !b.traces.empty();
    ++b.version;
    return "";
}

void clear_baseline(App& app) {
    CompareBaseline& b = app.slot<CompareBaseline>();
    b.pinned = false;
    b.store = TraceStore{};
    b.analysis = Analysis{};
    b.traces.clear();
    ++b.version;
}

TraceDiff diff_with_baseline(const App& app, const CompareBaseline& base) {
    if (!base.pinned) return {};
    return diff_traces(DiffSide{&base.store, &base.analysis, base.traces},
                       DiffSide{&app.store(), &app.analysis(), compared_traces(app)});
}

}  // namespace tl::ui
