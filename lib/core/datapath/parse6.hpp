// SPDX-License-Identifier: BSD-3-Clause
// IPv6 part of the parse stage: fixed header, payload length against the
// frame (Ethernet padding trimmed), extension header chain walked to the
// upper layer. Called by parse.cpp for ethertype 0x86DD; worker lcores.
#pragma once

#include <rte_ip.h>
#include <rte_mbuf.h>

#include <algorithm>

#include "core/dataplane.hpp"
#include "net/ipv6.hpp"

namespace haslb::core {

// Extension headers walked before giving up (RFC 8200 4.1 order has at most
// 8 distinct ones; more is an attack or garbage).
constexpr unsigned kMaxIpv6ExtHeaders = 8;

// Fills pm->l4_proto/l4_off/cls for the IPv6 packet at `l2`. Returns the drop
// reason, or Drop::kCount when it parsed. A non-first fragment stops the walk
// with l4_proto = 44 (upper layer unknown), l4_off after the fragment header.
inline Drop parse_ipv6(rte_mbuf* m, uint32_t l2, PacketMeta* pm) {
    const uint32_t len = rte_pktmbuf_data_len(m);
    if (len < l2 + sizeof(rte_ipv6_hdr)) return Drop::malformed_ipv6;
    auto* ip = rte_pktmbuf_mtod_offset(m, rte_ipv6_hdr*, l2);
    const uint32_t plen = rte_be_to_cpu_16(ip->payload_len);
    // Version 6; payload length 0 would be a jumbogram (RFC 2675): not on Ethernet.
    if ((rte_be_to_cpu_32(ip->vtc_flow) >> 28) != 6 || plen == 0 ||
        l2 + sizeof(rte_ipv6_hdr) + plen > rte_pktmbuf_pkt_len(m))
        return Drop::malformed_ipv6;
    const uint32_t end = l2 + uint32_t(sizeof(rte_ipv6_hdr)) + plen;
    if (rte_pktmbuf_pkt_len(m) > end) rte_pktmbuf_trim(m, uint16_t(rte_pktmbuf_pkt_len(m) - end));
    // Headers must be in the first segment, like IPv4's.
    const uint32_t seg_end = std::min(end, len);

    uint8_t nh = ip->proto;
    uint32_t off = l2 + uint32_t(sizeof(rte_ipv6_hdr));
    for (unsigned n = 0;; n++) {
        if (nh != 0 && nh != 43 && nh != 44 && nh != 60) break;  // upper layer (or AH/ESP/none)
        if (n == kMaxIpv6ExtHeaders || off + 8 > seg_end) return Drop::ipv6_ext_chain;
        const uint8_t* h = rte_pktmbuf_mtod_offset(m, const uint8_t*, off);
        if (nh == 44) {
            const uint16_t frag = uint16_t(h[2] << 8 | h[3]);
            off += 8;
            if (frag & 0xfff8) {  // not the first fragment: the upper layer is elsewhere
                nh = 44;
                break;
            }
            nh = h[0];
            continue;
        }
        const uint32_t hlen = (uint32_t(h[1]) + 1) * 8;
        if (off + hlen > seg_end) return Drop::ipv6_ext_chain;
        nh = h[0];
        off += hlen;
    }
    // ICMPv6 is read by classify6 (type) and the ND code: its fixed part must be there.
    if (nh == net::kProtoIcmp6 && off + 4 > seg_end) return Drop::malformed_ipv6;
    pm->src_ip = 0;
    pm->dst_ip = 0;
    pm->next_hop = 0;
    pm->l4_proto = nh;
    pm->l4_off = uint16_t(off);
    pm->cls = PktClass::kTransit6;
    return Drop::kCount;
}

}  // namespace haslb::core
