// `tracelab diff`: two simulated files whose differences are known from the scenario edits between them.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/support/temp_dir.hpp"
#include "ui/cli/cli.hpp"

using namespace tl;

namespace {

struct Cli {
    std::istringstream in;
    std::ostringstream out, err;
    int run(const cli::Args& args) { return *cli::run(args, cli::Io{in, out, err}); }
};

std::string simulate_to(const tl::test::TempDir& dir, const char* name, cli::Args extra) {
    const std::string path = (dir.path / name).string();
    cli::Args args{"simulate", "--scenario", "checkout", "--format", "otlp", "-o", path};
    args.insert(args.end(), extra.begin(), extra.end());
    Cli c;
    REQUIRE_MESSAGE(c.run(args) == 0, c.err.str());
    return path;
}

const nlohmann::json* entry(const nlohmann::json& doc, const char* name) {
    for (const auto& s : doc["spans"])
        if (s["name"] == name) return &s;
    return nullptr;
}

}  // namespace

TEST_CASE("tracelab diff --json: a slower payments shows as its own and the root's change") {
    tl::test::TempDir dir;
    // checkout's latencies are fixed (no jitter), so only payments' own time changes: 160 -> 500 ms.
    const std::string a = simulate_to(dir, "a.json", {});
    const std::string b = simulate_to(dir, "b.json", {"--latency", "payments=500"});
    Cli c;
    REQUIRE_MESSAGE(c.run({"diff", a, b, "--json"}) == 0, c.err.str());
    const auto doc = nlohmann::json::parse(c.out.str());
    CHECK(doc["root_delta_ms"].get<double>() == doctest::Approx(340.0));
    const auto* pay = entry(doc, "payments.Charge");
    REQUIRE(pay);
    CHECK((*pay)["change"] == "same");
    CHECK((*pay)["service"] == "payments");
    CHECK((*pay)["delta_ms"].get<double>() == doctest::Approx(340.0));
    CHECK((*pay)["new_ms"].get<double>() - (*pay)["old_ms"].get<double>() == doctest::Approx(340.0));
    const auto* auth = entry(doc, "auth.Verify");
    REQUIRE(auth);
    CHECK((*auth)["delta_ms"].get<double>() == doctest::Approx(0.0));
    for (const auto& s : doc["spans"]) CHECK(s["change"] == "same");
}

TEST_CASE("tracelab diff: a dropped hop moves the callee, text and JSON; --trace picks one trace") {
    tl::test::TempDir dir;
    const std::string a = simulate_to(dir, "a.json", {});
    const std::string b = simulate_to(dir, "b.json", {"--drop", "orders->payments"});
    Cli c;
    REQUIRE(c.run({"diff", a, b, "--json"}) == 0);
    const auto doc = nlohmann::json::parse(c.out.str());
    const auto* pay = entry(doc, "payments.Charge");
    REQUIRE(pay);
    CHECK((*pay)["change"] == "moved");

    Cli t;
    REQUIRE(t.run({"diff", a, b}) == 0);
    CHECK(t.out.str().find("1 moved") != std::string::npos);

    // Only the first file's trace against itself: nothing changes.
    Cli an;
    REQUIRE(an.run({"analyze", a, "--json"}) == 0);
    const std::string id = nlohmann::json::parse(an.out.str())["traces"][0]["trace_id"];
    Cli one;
    REQUIRE(one.run({"diff", a, a, "--trace", id.substr(0, 8), "--json"}) == 0);
    const auto same = nlohmann::json::parse(one.out.str());
    CHECK(same["root_delta_ms"].get<double>() == doctest::Approx(0.0));
    for (const auto& s : same["spans"]) CHECK(s["change"] == "same");

    Cli bad;
    CHECK(bad.run({"diff", a, b, "--trace", "ffffffffffff"}) == 1);
    CHECK(bad.err.str().find("no trace id starts with") != std::string::npos);
    Cli usage;
    CHECK(usage.run({"diff", a}) == 2);
}
