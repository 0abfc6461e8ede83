// SPDX-License-Identifier: BSD-3-Clause
// IPv6 addresses and prefixes in operator input (config, console): RFC 4291
// text through inet_pton, printed in RFC 5952 form through inet_ntop.
#include <arpa/inet.h>

#include <algorithm>
#include <cerrno>
#include <string_view>

#include <fmt/format.h>

#include "config/groups.hpp"

namespace haslb::config {

namespace {

// The prefix length after '/': 1..3 decimal digits, no leading zero, <= 128.
bool parse_len(std::string_view s, uint8_t& out) {
    if (s.empty() || s.size() > 3 || (s.size() > 1 && s[0] == '0')) return false;
    unsigned v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return false;
        v = v * 10 + unsigned(c - '0');
    }
    if (v > 128) return false;
    out = uint8_t(v);
    return true;
}

}  // namespace

int parse_ipv6(const std::string& s, Ipv6Addr& out) {
    // inet_pton accepts "::ffff:1.2.3.4" (embedded IPv4): that is fine.
    if (s.find(':') == std::string::npos || s.find('%') != std::string::npos) return -EINVAL;
    in6_addr a{};
    if (inet_pton(AF_INET6, s.c_str(), &a) != 1) return -EINVAL;
    for (size_t i = 0; i < 16; i++) out[i] = a.s6_addr[i];
    return 0;
}

int parse_prefix6(const std::string& s, Ipv6Prefix& out) {
    const size_t slash = s.find('/');
    if (slash == std::string::npos) return -EINVAL;
    Ipv6Prefix p;
    if (parse_ipv6(s.substr(0, slash), p.addr) < 0) return -EINVAL;
    if (!parse_len(std::string_view(s).substr(slash + 1), p.len)) return -EINVAL;
    out = p;
    return 0;
}

std::string format_ipv6(const Ipv6Addr& a) {
    in6_addr x{};
    for (size_t i = 0; i < 16; i++) x.s6_addr[i] = a[i];
    char buf[INET6_ADDRSTRLEN];
    return inet_ntop(AF_INET6, &x, buf, sizeof(buf)) ? std::string(buf) : "-";
}

std::string format_prefix6(const Ipv6Prefix& p) {
    return fmt::format("{}/{}", format_ipv6(p.addr), p.len);
}

namespace detail {

Ipv6Addr network6_of(const Ipv6Prefix& p) {
    Ipv6Addr n{};
    for (unsigned i = 0; i < 16; i++) {
        const unsigned bits = p.len > i * 8 ? std::min(8u, unsigned(p.len) - i * 8) : 0;
        const uint8_t mask = bits ? uint8_t(0xff << (8 - bits)) : 0;
        n[i] = p.addr[i] & mask;
    }
    return n;
}

bool contains6(const Ipv6Prefix& p, const Ipv6Addr& a) {
    return network6_of(Ipv6Prefix{a, p.len}) == network6_of(p);
}

std::string_view not_unicast6_reason(const Ipv6Addr& a) {
    static constexpr Ipv6Addr kZero{};
    Ipv6Addr loop{};
    loop[15] = 1;
    if (a == kZero) return "the unspecified address ::";
    if (a == loop) return "the loopback address ::1";
    if (a[0] == 0xff) return "a multicast address (ff00::/8)";
    if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80)
        return "a link-local address (fe80::/10); haslb derives its own from the port MAC";
    bool mapped = a[10] == 0xff && a[11] == 0xff;
    for (int i = 0; i < 10; i++) mapped = mapped && a[size_t(i)] == 0;
    if (mapped) return "an IPv4-mapped address (::ffff:0:0/96); use the IPv4 form";
    return "";
}

}  // namespace detail
}  // namespace haslb::config
