// SPDX-License-Identifier: BSD-3-Clause
// Thin helpers over DPDK's protocol headers. Pure functions; any lcore.
#pragma once

#include <rte_arp.h>
#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include <cstdint>

#include "net/checksum.hpp"

namespace haslb::net {

constexpr uint16_t kEtherTypeIpv4 = RTE_ETHER_TYPE_IPV4;
constexpr uint16_t kEtherTypeArp = RTE_ETHER_TYPE_ARP;
constexpr uint16_t kEtherTypeVlan = RTE_ETHER_TYPE_VLAN;
constexpr uint16_t kEtherTypeIpv6 = RTE_ETHER_TYPE_IPV6;

template <typename T>
inline T* at(rte_mbuf* m, uint32_t off) {
    return rte_pktmbuf_mtod_offset(m, T*, off);
}

// Decrement TTL and patch the header checksum incrementally (RFC 1624).
// Caller has checked ttl > 1.
inline void ipv4_dec_ttl(rte_ipv4_hdr* ip) {
    uint16_t old_word = uint16_t(ip->time_to_live << 8 | ip->next_proto_id);
    ip->time_to_live--;
    uint16_t new_word = uint16_t(ip->time_to_live << 8 | ip->next_proto_id);
    uint16_t c = csum_update16(rte_be_to_cpu_16(ip->hdr_checksum), old_word, new_word);
    ip->hdr_checksum = rte_cpu_to_be_16(c);
}

// Recompute the IPv4 header checksum from scratch.
inline void ipv4_set_checksum(rte_ipv4_hdr* ip) {
    ip->hdr_checksum = 0;
    ip->hdr_checksum = rte_cpu_to_be_16(checksum(ip, rte_ipv4_hdr_len(ip)));
}

inline bool ipv4_checksum_ok(const rte_ipv4_hdr* ip) {
    return csum_fold(csum_partial(ip, rte_ipv4_hdr_len(ip))) == 0xffff;
}

}  // namespace haslb::net
