// `tracelab sample` and `tracelab sampler` through tl::cli::run: reports, JSON fields, decisions, usage errors.
#include <doctest/doctest.h>

#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "sim/io/json_read.hpp"
#include "ui/cli/cli.hpp"

namespace {
struct Outcome {
    int code = -1;
    std::string out, err;
};

Outcome run_cli(std::vector<std::string> args) {
    setenv("TRACELAB_ASSETS", TRACELAB_ASSET_DIR, 1);
    std::istringstream in;
    std::ostringstream out, err;
    Outcome o;
    o.code = tl::cli::run(args, {in, out, err}).value_or(-1);
    o.out = out.str();
    o.err = err.str();
    return o;
}

int count_lines(const std::string& s) {
    int n = 0;
    for (char c : s) n += c == '\n';
    return n;
}
}  // namespace

TEST_SUITE("cli sample") {
    TEST_CASE("sampler ratio prints keep or drop per trace id, by the Go SDK's rule") {
        // lo = a3ce929d0e0e4736: about 0.64 of the range.
        auto o = run_cli(
            {"sampler", "ratio", "0.5", "4bf92f3577b34da6a3ce929d0e0e4736", "ffffffffffffffff0000000000000001"});
        REQUIRE(o.code == 0);
        CHECK(count_lines(o.out) == 2);
        CHECK(o.out.find("4bf92f3577b34da6a3ce929d0e0e4736") == 0);
        const auto second = o.out.find('\n') + 1;
        CHECK(o.out.substr(0, second - 1).ends_with("drop"));
        CHECK(o.out.substr(second, o.out.size() - second - 1).ends_with("keep"));
        o = run_cli({"sampler", "ratio", "0.65", "4bf92f3577b34da6a3ce929d0e0e4736"});
        CHECK(o.out.ends_with("keep\n"));
        o = run_cli({"sampler", "ratio", "0", "00000000000000000000000000000001"});
        CHECK(o.out.ends_with("drop\n"));
        o = run_cli({"sampler", "probability", "0.5", "000000000000000000ffffffffffffff"});
        CHECK(o.out.find("ot=th:8") != std::string::npos);
        CHECK(o.out.ends_with("keep\n"));
    }

    TEST_CASE("sampler usage errors exit 2, --help exits 0") {
        CHECK(run_cli({"sampler", "--help"}).code == 0);
        CHECK(run_cli({"sampler", "ratio", "0.5"}).code == 2);
        CHECK(run_cli({"sampler", "ratio", "1.5", "4bf92f3577b34da6a3ce929d0e0e4736"}).code == 2);
        auto o = run_cli({"sampler", "ratio", "0.5", "xyz"});
        CHECK(o.code == 2);
        CHECK(o.err.find("xyz") != std::string::npos);
        CHECK(run_cli({"sampler", "sometimes", "0.5", "4bf92f3577b34da6a3ce929d0e0e4736"}).code == 2);
    }

    TEST_CASE("sample --json has the report's fields") {
        auto o = run_cli(
            {"sample", "--requests", "20000", "--ratio", "0.05", "--tail-errors", "--error", "payments=0.1", "--json"});
        REQUIRE_MESSAGE(o.code == 0, o.err);
        auto j = tl::parse_json_text(o.out, "stdout");
        REQUIRE(j.ok());
        CHECK((*j)["requests"] == 20000);
        CHECK((*j)["kept_traces"].get<uint64_t>() > 0);
        const double err_share = (*j)["kept_error_share"].get<double>();
        CHECK(err_share == doctest::Approx(0.05).epsilon(0.5));
        CHECK((*j).contains("kept_slow_share"));
        CHECK((*j)["head_sampler"].get<std::string>().find("ParentBased") == 0);
    }

    TEST_CASE("sample prints a text report; bad flags are usage errors") {
        auto o = run_cli({"sample", "--requests", "2000", "--head", "always", "--tail-latency", "250"});
        REQUIRE_MESSAGE(o.code == 0, o.err);
        CHECK(o.out.find("requests          2000") != std::string::npos);
        CHECK(o.out.find("latency >= 250 ms") != std::string::npos);
        CHECK(run_cli({"sample", "--help"}).code == 0);
        CHECK(run_cli({"sample", "--head", "sometimes"}).code == 2);
        CHECK(run_cli({"sample", "--ratio", "2"}).code == 2);
        CHECK(run_cli({"sample", "--ratio"}).code == 2);
        CHECK(run_cli({"sample", "--frobnicate"}).code == 2);
        CHECK(run_cli({"sample", "--requests", "0"}).code == 2);
        CHECK(run_cli({"sample", "--requests", "10", "--error", "nobody=0.5"}).code == 1);
    }
}
