// `tracelab scenario`: the written file simulates to exactly what the same flags printed.
#include <doctest/doctest.h>

#include <filesystem>
#include <sstream>

#include "tests/support/temp_dir.hpp"
#include "ui/cli/cli.hpp"

namespace {
struct Output {
    int code = 0;
    std::string out, err;
};

Output run(const std::vector<std::string>& args) {
    std::istringstream in;
    std::ostringstream out, err;
    const auto code = tl::cli::run(args, {in, out, err});
    REQUIRE(code.has_value());
    return {*code, out.str(), err.str()};
}
}  // namespace

TEST_CASE("tracelab scenario: simulate --scenario FILE prints what the flags printed") {
    tl::test::TempDir dir;
    struct Case {
        std::vector<std::string> edits;
    };
    const Case cases[] = {
        {{"--scenario", "checkout", "--latency", "payments=500", "--drop", "orders->payments"}},
        {{"--scenario", "checkout", "--error", "auth=0.5", "--drop", "gateway->orders=no-extract", "--client-spans"}},
        {{"--scenario", "async-order", "--drop", "orders->fulfillment=no-headers-on-message", "--latency", "db=3.75"}},
        {{"--scenario", "fan-out", "--drop", "gateway->shard-b=flags-dropped", "--error", "shard-c=1"}},
    };
    int n = 0;
    for (const Case& c : cases) {
        const std::string file = (dir.path / ("s" + std::to_string(n++) + ".json")).string();
        CAPTURE(file);
        std::vector<std::string> write = {"scenario"};
        write.insert(write.end(), c.edits.begin(), c.edits.end());
        write.insert(write.end(), {"-o", file});
        const Output w = run(write);
        REQUIRE_MESSAGE(w.code == 0, w.err);
        for (const char* format : {"otlp", "text"}) {
            std::vector<std::string> with_flags = {"simulate", "--requests", "4", "--seed", "9", "--format", format};
            with_flags.insert(with_flags.end(), c.edits.begin(), c.edits.end());
            const Output a = run(with_flags);
            const Output b = run({"simulate", "--scenario", file, "--requests", "4", "--seed", "9", "--format", format});
            REQUIRE(a.code == 0);
            REQUIRE_MESSAGE(b.code == 0, b.err);
            CHECK(a.out == b.out);
        }
        // The unedited scenario simulates differently: the edits are in the file.
        const Output plain = run({"simulate", "--scenario", c.edits[1], "--requests", "4", "--seed", "9"});
        const Output edited = run({"simulate", "--scenario", file, "--requests", "4", "--seed", "9"});
        CHECK(plain.out != edited.out);
    }
}

TEST_CASE("tracelab scenario: -o - prints the document; mistakes are usage errors or name the problem") {
    const Output doc = run({"scenario", "--drop", "orders->payments", "-o", "-"});
    CHECK(doc.code == 0);
    CHECK(doc.out.find("\"fault\": \"no-inject\"") != std::string::npos);

    const Output no_output = run({"scenario", "--drop", "orders->payments"});
    CHECK(no_output.code == 2);
    CHECK(no_output.err.find("-o FILE") != std::string::npos);
    const Output seed = run({"scenario", "--seed", "3", "-o", "-"});
    CHECK(seed.code == 2);
    CHECK(seed.err.find("--seed is not part of a scenario") != std::string::npos);
    const Output unknown = run({"scenario", "--latency", "paymnts=5", "-o", "-"});
    CHECK(unknown.code == 1);
    CHECK(unknown.err.find("unknown service \"paymnts\"") != std::string::npos);
    tl::test::TempDir dir;
    const std::string nowhere = (dir.path / "missing" / "x.json").string();
    const Output folder = run({"scenario", "-o", nowhere});
    CHECK(folder.code == 1);
    CHECK(folder.err.find((dir.path / "missing").string()) != std::string::npos);
    CHECK(run({"scenario", "--help"}).out.find("usage: tracelab scenario") == 0);
}
