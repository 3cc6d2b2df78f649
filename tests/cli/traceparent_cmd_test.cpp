// Tests for `tracelab traceparent`: exit codes, the field-by-field explanation and the reasons it prints.
#include <doctest/doctest.h>

#include <sstream>

#include "ui/cli/cli.hpp"

namespace {

struct CliRun {
    int code = -1;
    std::string out;
    std::string err;
};

CliRun run_cli(tl::cli::Args args) {
    std::istringstream in;
    std::ostringstream out, err;
    args.insert(args.begin(), "traceparent");
    auto code = tl::cli::run(args, tl::cli::Io{in, out, err});
    REQUIRE(code.has_value());
    return {*code, out.str(), err.str()};
}

bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

constexpr const char* kValid = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03";

TEST_CASE("cli traceparent: a valid value is explained field by field, exit 0") {
    const auto r = run_cli({kValid});
    CHECK(r.code == 0);
    CHECK(r.err.empty());
    CHECK(has(r.out, "version      00"));
    CHECK(has(r.out, "trace-id     4bf92f3577b34da6a3ce929d0e0e4736"));
    CHECK(has(r.out, "parent-id    00f067aa0ba902b7"));
    CHECK(has(r.out, "= binary 00000011"));
    CHECK(has(r.out, "sampled = 1"));
    CHECK(has(r.out, "random = 1"));
    CHECK(has(r.out, "CONTINUE"));
    CHECK(has(r.out, "\nvalid\n"));
}

TEST_CASE("cli traceparent: an invalid value prints the reason on stdout, exit 1") {
    const auto zero = run_cli({"00-00000000000000000000000000000000-00f067aa0ba902b7-01"});
    CHECK(zero.code == 1);
    CHECK(has(zero.out, "invalid: the trace-id is all zeros"));
    CHECK(has(zero.out, "RESTART"));
    CHECK(zero.err.empty());

    const auto upper = run_cli({"00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01"});
    CHECK(upper.code == 1);
    CHECK(has(upper.out, "uppercase"));

    const auto ff = run_cli({"ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"});
    CHECK(ff.code == 1);
    CHECK(has(ff.out, "forbids"));
}

TEST_CASE("cli traceparent: undefined flag bits and future versions are explained") {
    const auto r = run_cli({"cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-85-extra"});
    CHECK(r.code == 0);
    CHECK(has(r.out, "a newer version"));
    CHECK(has(r.out, "bit 2 = 1"));
    CHECK(has(r.out, "bit 7 = 1"));
    CHECK(has(r.out, "sent on as   00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
    CHECK(has(r.out, "'-extra'"));
}

TEST_CASE("cli traceparent: tracestate entries are listed; an invalid tracestate makes the result invalid") {
    const auto ok = run_cli({kValid, "--tracestate", "acme@rojo=00f067aa0ba902b7", "--tracestate=congo=t61rcWkgMzE"});
    CHECK(ok.code == 0);
    CHECK(has(ok.out, "1. acme@rojo = 00f067aa0ba902b7"));
    CHECK(has(ok.out, "tenant \"acme\" of tracing system \"rojo\""));
    CHECK(has(ok.out, "2. congo = t61rcWkgMzE"));

    const auto bad = run_cli({kValid, "--tracestate", "Rojo=1"});
    CHECK(bad.code == 1);
    CHECK(has(bad.out, "uppercase"));
    CHECK(has(bad.out, "CONTINUE"));  // a bad tracestate does not break the trace
    CHECK(has(bad.out, "\ninvalid\n"));
}

TEST_CASE("cli traceparent: usage errors go to stderr with exit 2; --help exits 0") {
    const auto none = run_cli({});
    CHECK(none.code == 2);
    CHECK(has(none.err, "missing"));
    CHECK(none.out.empty());

    CHECK(run_cli({kValid, kValid}).code == 2);
    CHECK(run_cli({kValid, "--tracestate"}).code == 2);
    const auto unknown = run_cli({kValid, "--bogus"});
    CHECK(unknown.code == 2);
    CHECK(has(unknown.err, "--bogus"));

    const auto help = run_cli({"--help"});
    CHECK(help.code == 0);
    CHECK(has(help.out, "usage: tracelab traceparent"));
}

}  // namespace
