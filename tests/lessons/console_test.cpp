// The console view: one line per span start and end, in time order, indented by call depth, each line
// carrying its trace id; where propagation breaks the id changes while the nesting goes on.
#include <doctest/doctest.h>

#include <map>

#include "lessons/console.hpp"
#include "lessons/sandbox.hpp"

using namespace tl;
using namespace tl::lessons;

namespace {
const std::filesystem::path kScenarioDir = std::filesystem::path(TRACELAB_SOURCE_DIR) / "assets" / "scenarios";

Sandbox open_box(const std::string& scenario) {
    auto s = Sandbox::open(kScenarioDir, scenario);
    if (!s) FAIL(s.error());
    return std::move(s.value());
}

std::vector<ConsoleLine> lines_of(const Sandbox& b) {
    return console_lines(b.run().observed, b.analysis(), &b.run());
}

// Checks the invariants every console must keep, whatever the scenario.
void check_well_formed(const Sandbox& b, const std::vector<ConsoleLine>& lines) {
    const TraceStore& st = b.run().observed;
    REQUIRE(lines.size() == 2 * st.spans.size());
    std::map<uint32_t, int> seen;  // span → lines seen (start must come first)
    for (size_t i = 0; i < lines.size(); ++i) {
        const ConsoleLine& l = lines[i];
        if (i > 0) CHECK(lines[i - 1].time_ns <= l.time_ns);
        CHECK(seen[l.span]++ == (l.start ? 0 : 1));
        CHECK(l.text.find("trace=" + to_hex(st.spans[l.span].trace_id)) != std::string::npos);
        const std::string word = l.start ? "start " : "end   ";
        const size_t at = l.text.find(word);
        REQUIRE(at != std::string::npos);
        // Indentation: two spaces per level between the trace id and the word.
        const size_t id_end = l.text.find("  ", l.text.find("trace=")) + 2;
        CHECK(at - id_end == 2u * l.depth);
        CHECK(l.text.find(std::string(st.str(st.spans[l.span].name))) != std::string::npos);
    }
}
}  // namespace

TEST_CASE("console: checkout prints a nested start/end log with one trace id") {
    Sandbox b = open_box("checkout");
    const auto lines = lines_of(b);
    check_well_formed(b, lines);
    const TraceStore& st = b.run().observed;
    // First and last lines belong to the root; every line shares its trace id.
    CHECK(lines.front().start);
    CHECK(st.str(st.spans[lines.front().span].service) == "gateway");
    CHECK(lines.back().span == lines.front().span);
    for (const auto& l : lines) {
        CHECK(l.trace == lines.front().trace);
        CHECK(l.depth == b.analysis().depth[l.span]);  // an intact trace: call depth is tree depth
    }
    const std::string text = console_text(lines);
    CHECK(text.find("end   payments: payments.Charge (160.0 ms)") != std::string::npos);
    CHECK(std::count(text.begin(), text.end(), '\n') == static_cast<long>(lines.size()));
}

TEST_CASE("console: a dropped hop changes the trace id mid-nesting") {
    Sandbox b = open_box("checkout");
    LessonAction drop;
    drop.kind = ActionKind::SetHopFault;
    drop.from = "orders";
    drop.to = "payments";
    drop.fault = HopFault::NoInject;
    REQUIRE(b.apply(drop).empty());
    const auto lines = lines_of(b);
    check_well_formed(b, lines);
    const TraceStore& st = b.run().observed;
    int switches = 0;
    for (size_t i = 1; i < lines.size(); ++i) switches += lines[i].trace != lines[i - 1].trace ? 1 : 0;
    CHECK(switches == 2);  // into the payments fragment and back out of it
    for (const auto& l : lines) {
        if (st.str(st.spans[l.span].service) != "payments") continue;
        CHECK(l.trace != lines.front().trace);
        CHECK(l.depth == 2);                     // still printed under orders, where the call happened
        CHECK(b.analysis().depth[l.span] == 0);  // although the backend sees a root
    }
    // Without the ground truth, the fragment starts again at the left margin.
    for (const auto& l : console_lines(st, b.analysis()))
        if (st.str(st.spans[l.span].service) == "payments") CHECK(l.depth == 0);
}

TEST_CASE("console: every built-in scenario renders well-formed, also with broken hops") {
    for (const char* name : {"checkout", "async-order", "fan-out", "n-plus-one", "legacy-proxy"}) {
        CAPTURE(name);
        Sandbox b = open_box(name);
        check_well_formed(b, lines_of(b));
        // Break the entry's first hop in every way the engine knows.
        // Copies: every edit replaces the sandbox's scenario.
        const Service entry = b.scenario().services[static_cast<size_t>(b.scenario().entry_index())];
        REQUIRE_FALSE(entry.calls.empty());
        int applied = 0;
        for (HopFault f : kAllHopFaults) {
            LessonAction a;
            a.kind = ActionKind::SetHopFault;
            a.from = entry.name;
            a.to = entry.calls[0].to;
            a.fault = f;
            // Some modes only fit some transports (a message fault needs a queue); the sandbox refuses those.
            if (!b.apply(a).empty()) continue;
            ++applied;
            check_well_formed(b, lines_of(b));
        }
        CHECK(applied >= 4);
    }
    CHECK(console_text({}).empty());
}
