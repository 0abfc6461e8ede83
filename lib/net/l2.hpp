// SPDX-License-Identifier: BSD-3-Clause
// Rewrite an Ethernet header in place, adding or removing an 802.1Q tag as
// the egress port needs. Any lcore; no allocation.
#pragma once

#include <rte_ether.h>
#include <rte_mbuf.h>

#include <cerrno>
#include <cstdint>

namespace haslb::net {

// `l2_len` is the current L2 header length (14 or 18) and is updated.
// `ethertype` is the payload's type (host order). Returns 0 or -ENOSPC when
// the mbuf has no headroom for a tag.
inline int l2_write(rte_mbuf* m, uint8_t& l2_len, const rte_ether_addr& dst,
                    const rte_ether_addr& src, uint16_t vlan, uint16_t ethertype) {
    const uint8_t want = vlan ? sizeof(rte_ether_hdr) + sizeof(rte_vlan_hdr) : sizeof(rte_ether_hdr);
    if (want > l2_len) {
        if (!rte_pktmbuf_prepend(m, uint16_t(want - l2_len))) return -ENOSPC;
    } else if (want < l2_len) {
        rte_pktmbuf_adj(m, uint16_t(l2_len - want));
    }
    l2_len = want;
    auto* eth = rte_pktmbuf_mtod(m, rte_ether_hdr*);
    rte_ether_addr_copy(&dst, &eth->dst_addr);
    rte_ether_addr_copy(&src, &eth->src_addr);
    if (vlan) {
        eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN);
        auto* vh = reinterpret_cast<rte_vlan_hdr*>(eth + 1);
        vh->vlan_tci = rte_cpu_to_be_16(vlan);
        vh->eth_proto = rte_cpu_to_be_16(ethertype);
    } else {
        eth->ether_type = rte_cpu_to_be_16(ethertype);
    }
    return 0;
}

// L2 header length and payload type of a frame (untagged or one tag).
// Returns false for a runt.
inline bool l2_peek(const rte_mbuf* m, uint8_t& l2_len, uint16_t& ethertype) {
    if (rte_pktmbuf_data_len(m) < sizeof(rte_ether_hdr)) return false;
    const auto* eth = rte_pktmbuf_mtod(m, const rte_ether_hdr*);
    ethertype = rte_be_to_cpu_16(eth->ether_type);
    l2_len = sizeof(rte_ether_hdr);
    if (ethertype == RTE_ETHER_TYPE_VLAN) {
        if (rte_pktmbuf_data_len(m) < sizeof(rte_ether_hdr) + sizeof(rte_vlan_hdr)) return false;
        const auto* vh = reinterpret_cast<const rte_vlan_hdr*>(eth + 1);
        ethertype = rte_be_to_cpu_16(vh->eth_proto);
        l2_len += sizeof(rte_vlan_hdr);
    }
    return true;
}

}  // namespace haslb::net
