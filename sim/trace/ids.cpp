#include "sim/trace/ids.hpp"

#include <array>
#include <cmath>

namespace tl {
namespace {
constexpr char kHex[] = "0123456789abcdef";

void write_u64(uint64_t v, char* out) {
    for (int i = 15; i >= 0; --i) {
        out[i] = kHex[v & 0xF];
        v >>= 4;
    }
}

// hex_value for every byte, as a table: ids are parsed for every span of every import.
constexpr std::array<int8_t, 256> kHexDigit = [] {
    std::array<int8_t, 256> t{};
    for (int c = 0; c < 256; ++c) t[static_cast<size_t>(c)] = static_cast<int8_t>(hex_value(static_cast<char>(c)));
    return t;
}();

}  // namespace

std::optional<uint64_t> parse_hex_u64(std::string_view hex) {
    if (hex.size() > 16) return std::nullopt;
    uint64_t v = 0;
    int bad = 0;  // negative once any digit was not hex
    for (char c : hex) {
        const int d = kHexDigit[static_cast<unsigned char>(c)];
        bad |= d;
        v = (v << 4) | static_cast<uint64_t>(d & 0xF);
    }
    if (bad < 0) return std::nullopt;
    return v;
}

namespace {

uint64_t splitmix64(uint64_t& x) {
    uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

constexpr uint64_t rotl(uint64_t x, int k) {
    return (x << k) | (x >> (64 - k));
}
}  // namespace

void write_hex(TraceId id, char* out) {
    write_u64(id.hi, out);
    write_u64(id.lo, out + 16);
}
void write_hex(SpanId id, char* out) {
    write_u64(id.value, out);
}

std::string to_hex(TraceId id) {
    std::string s(32, '0');
    write_hex(id, s.data());
    return s;
}
std::string to_hex(SpanId id) {
    std::string s(16, '0');
    write_hex(id, s.data());
    return s;
}

std::optional<TraceId> parse_trace_id(std::string_view hex, bool allow_zero) {
    if (hex.size() != 32) return std::nullopt;
    auto hi = parse_hex_u64(hex.substr(0, 16));
    auto lo = parse_hex_u64(hex.substr(16));
    if (!hi || !lo) return std::nullopt;
    TraceId t{*hi, *lo};
    if (!allow_zero && !t.valid()) return std::nullopt;
    return t;
}

std::optional<SpanId> parse_span_id(std::string_view hex, bool allow_zero) {
    if (hex.size() != 16) return std::nullopt;
    auto v = parse_hex_u64(hex);
    if (!v) return std::nullopt;
    SpanId s{*v};
    if (!allow_zero && !s.valid()) return std::nullopt;
    return s;
}

void Rng::reseed(uint64_t seed) {
    uint64_t x = seed;
    for (auto& w : s_) w = splitmix64(x);
}

uint64_t Rng::next() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
}

double Rng::normal() {
    double u1 = uniform();
    const double u2 = uniform();
    if (u1 < 1e-300) u1 = 1e-300;
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * 3.14159265358979323846 * u2);
}

}  // namespace tl
