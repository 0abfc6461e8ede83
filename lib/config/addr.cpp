// SPDX-License-Identifier: BSD-3-Clause
// Strict text forms of IPv4 addresses, prefixes and MAC addresses.
//
// Strict on purpose: these parse operator input (config, console, RADIUS
// attributes), where "1.2.3" or "010.0.0.1" meaning something surprising
// (inet_aton's short forms and octal) is worse than an error.
#include "config/config.hpp"

#include <cerrno>
#include <string_view>

#include <fmt/format.h>

namespace haslb::config {

namespace {

// One decimal number of 1..max_digits digits, no sign, no leading zero
// (a leading zero is octal for inet_aton). Advances `pos`.
bool parse_decimal(std::string_view s, size_t& pos, unsigned max_digits, uint32_t max_value,
                   uint32_t& out) {
    size_t start = pos;
    uint32_t v = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
        if (pos - start >= max_digits) return false;
        v = v * 10 + static_cast<uint32_t>(s[pos] - '0');
        ++pos;
    }
    if (pos == start) return false;
    if (pos - start > 1 && s[start] == '0') return false;
    if (v > max_value) return false;
    out = v;
    return true;
}

bool parse_ipv4_at(std::string_view s, size_t& pos, uint32_t& out) {
    uint32_t addr = 0;
    for (int i = 0; i < 4; ++i) {
        if (i > 0) {
            if (pos >= s.size() || s[pos] != '.') return false;
            ++pos;
        }
        uint32_t octet = 0;
        if (!parse_decimal(s, pos, 3, 255, octet)) return false;
        addr = (addr << 8) | octet;
    }
    out = addr;
    return true;
}

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

int parse_ipv4(const std::string& s, uint32_t& out) {
    size_t pos = 0;
    uint32_t addr = 0;
    if (!parse_ipv4_at(s, pos, addr) || pos != s.size()) return -EINVAL;
    out = addr;
    return 0;
}

int parse_prefix(const std::string& s, Ipv4Prefix& out) {
    size_t pos = 0;
    uint32_t addr = 0;
    uint32_t len = 0;
    if (!parse_ipv4_at(s, pos, addr)) return -EINVAL;
    if (pos >= s.size() || s[pos] != '/') return -EINVAL;
    ++pos;
    if (!parse_decimal(s, pos, 2, 32, len) || pos != s.size()) return -EINVAL;
    out.addr = addr;
    out.len = static_cast<uint8_t>(len);
    return 0;
}

int parse_mac(const std::string& s, MacAddr& out) {
    // Exactly "xx:xx:xx:xx:xx:xx", either case.
    if (s.size() != 17) return -EINVAL;
    MacAddr m{};
    for (size_t i = 0; i < 6; ++i) {
        int hi = hex_digit(s[i * 3]);
        int lo = hex_digit(s[i * 3 + 1]);
        if (hi < 0 || lo < 0) return -EINVAL;
        if (i < 5 && s[i * 3 + 2] != ':') return -EINVAL;
        m[i] = static_cast<uint8_t>(hi << 4 | lo);
    }
    out = m;
    return 0;
}

std::string format_ipv4(uint32_t a) {
    return fmt::format("{}.{}.{}.{}", a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff, a & 0xff);
}

std::string format_prefix(const Ipv4Prefix& p) {
    return fmt::format("{}/{}", format_ipv4(p.addr), p.len);
}

std::string format_mac(const MacAddr& m) {
    return fmt::format("{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}", m[0], m[1], m[2], m[3], m[4],
                       m[5]);
}

}  // namespace haslb::config
