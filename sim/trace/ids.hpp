// Trace and span identifiers, their lowercase-hex form, and a seeded generator.
// - TraceId is 128 bits, SpanId 64 bits; all-zero is the invalid value in both (W3C Trace Context).
// - IdGenerator is deterministic for a seed, and fills every bit uniformly, so trace ids satisfy
//   W3C Level 2 "random" (the rightmost 7 bytes are uniformly random).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tl {

struct TraceId {
    uint64_t hi = 0;  // bytes 0..7, big-endian order on the wire
    uint64_t lo = 0;  // bytes 8..15
    [[nodiscard]] bool valid() const { return hi != 0 || lo != 0; }
    friend bool operator==(const TraceId&, const TraceId&) = default;
    friend auto operator<=>(const TraceId&, const TraceId&) = default;
};

struct SpanId {
    uint64_t value = 0;
    [[nodiscard]] bool valid() const { return value != 0; }
    friend bool operator==(const SpanId&, const SpanId&) = default;
    friend auto operator<=>(const SpanId&, const SpanId&) = default;
};

// Lowercase hex, 32 and 16 characters.
std::string to_hex(TraceId id);
std::string to_hex(SpanId id);
// Writes exactly 32 / 16 characters to `out` (no terminator). Allocation-free.
void write_hex(TraceId id, char* out);
void write_hex(SpanId id, char* out);

// Parses exactly 32 / 16 hex digits, either case. Rejects anything else (including the all-zero id only
// when `allow_zero` is false).
std::optional<TraceId> parse_trace_id(std::string_view hex, bool allow_zero = false);
std::optional<SpanId> parse_span_id(std::string_view hex, bool allow_zero = false);

// Value of one hex digit, or -1.
constexpr int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Up to 16 hex digits (either case) as a number, e.g. "00f067aa0ba902b7"; nullopt when a character is not
// a hex digit or there are more than 16. Every id parser goes through it (it runs for every imported span).
std::optional<uint64_t> parse_hex_u64(std::string_view hex);

// xoshiro256** seeded through splitmix64: fast, small, and identical on every platform.
class Rng {
public:
    explicit Rng(uint64_t seed = 0) { reseed(seed); }
    void reseed(uint64_t seed);
    uint64_t next();
    // Uniform double in [0, 1).
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
    // Standard normal (Box–Muller, one value per call).
    double normal();

private:
    std::array<uint64_t, 4> s_{};
};

class IdGenerator {
public:
    explicit IdGenerator(uint64_t seed = 1) : rng_(seed ^ 0x74726163656c6162ULL) {}
    TraceId trace_id() {
        TraceId t{rng_.next(), rng_.next()};
        if (!t.valid()) t.lo = 1;
        return t;
    }
    SpanId span_id() {
        SpanId s{rng_.next()};
        if (!s.valid()) s.value = 1;
        return s;
    }

private:
    Rng rng_;
};

}  // namespace tl
