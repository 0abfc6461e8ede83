// SPDX-License-Identifier: BSD-3-Clause
// IPv6 helpers: address classes, the upper-layer checksum (RFC 8200 8.1) and
// the neighbour discovery constants (RFC 4861). Pure functions; any lcore.
#pragma once

#include <rte_ether.h>
#include <rte_ip.h>

#include <cstdint>
#include <cstring>

#include "net/checksum.hpp"

namespace haslb::net {

constexpr uint8_t kProtoIcmp6 = 58;
constexpr uint8_t kIcmp6DestUnreach = 1;
constexpr uint8_t kIcmp6PacketTooBig = 2;
constexpr uint8_t kIcmp6TimeExceeded = 3;
constexpr uint8_t kIcmp6ParamProblem = 4;
constexpr uint8_t kNdRouterSolicit = 133;
constexpr uint8_t kNdRouterAdvert = 134;
constexpr uint8_t kNdNeighborSolicit = 135;
constexpr uint8_t kNdNeighborAdvert = 136;
constexpr uint8_t kNdRedirect = 137;
constexpr uint8_t kNdOptSourceLla = 1;
constexpr uint8_t kNdOptTargetLla = 2;
constexpr uint8_t kNdHopLimit = 255;
constexpr uint32_t kNaRouter = 0x80000000u, kNaSolicited = 0x40000000u, kNaOverride = 0x20000000u;
constexpr uint32_t kIpv6MinMtu = 1280;

inline bool ip6_is_unspecified(const uint8_t* a) {
    static const uint8_t z[16] = {};
    return std::memcmp(a, z, 16) == 0;
}
inline bool ip6_is_loopback(const uint8_t* a) {
    static const uint8_t lo[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    return std::memcmp(a, lo, 16) == 0;
}
inline bool ip6_is_multicast(const uint8_t* a) {
    return a[0] == 0xff;
}
inline bool ip6_is_link_local(const uint8_t* a) {
    return a[0] == 0xfe && (a[1] & 0xc0) == 0x80;
}
inline bool ip6_eq(const uint8_t* a, const uint8_t* b) {
    return std::memcmp(a, b, 16) == 0;
}

// Whether `a` is inside prefix/len.
inline bool ip6_in_prefix(const uint8_t* a, const uint8_t* prefix, uint8_t len) {
    const unsigned bytes = len / 8, bits = len % 8;
    if (std::memcmp(a, prefix, bytes) != 0) return false;
    if (!bits) return true;
    const uint8_t m = uint8_t(0xff << (8 - bits));
    return (a[bytes] & m) == (prefix[bytes] & m);
}

// Solicited-node multicast address ff02::1:ffXX:XXXX of `target` (RFC 4291 2.7.1)
// and its MAC 33:33:ff:XX:XX:XX (RFC 2464 7).
inline void ip6_solicited_node(const uint8_t* target, uint8_t* out) {
    static const uint8_t base[13] = {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff};
    std::memcpy(out, base, 13);
    std::memcpy(out + 13, target + 13, 3);
}
inline rte_ether_addr ip6_multicast_mac(const uint8_t* group) {
    rte_ether_addr m{{0x33, 0x33, group[12], group[13], group[14], group[15]}};
    return m;
}

// ICMPv6 / upper-layer checksum of `len` bytes at `l4` with the pseudo-header
// of `ip`; returns the value to store (host order, ready for htons). Over a
// packet that carries its checksum the result is 0 when it is right.
inline uint16_t ip6_l4_checksum(const rte_ipv6_hdr* ip, const void* l4, uint32_t len,
                                uint8_t proto) {
    uint32_t sum = csum_partial(&ip->src_addr, 32);
    sum += len >> 16;
    sum += len & 0xffff;
    sum += proto;
    sum = csum_fold(csum_partial(l4, len, sum));
    return uint16_t(~sum);
}

}  // namespace haslb::net
