// SPDX-License-Identifier: BSD-3-Clause
// Parse stage: L2 (VLAN), ARP, IPv4 and IPv6 (parse6.hpp) headers into PacketMeta. Anything that
// cannot be parsed is dropped here under a named reason, so later stages may
// trust meta and the headers it points to (all in the first segment).
#include <rte_ether.h>
#include <rte_ip.h>

#include "core/datapath/parse6.hpp"
#include "core/pipeline.hpp"
#include "net/headers.hpp"

namespace haslb::core {
namespace {

// Returns the drop reason, or Drop::kCount when the packet parsed.
Drop parse_one(rte_mbuf* m, const DpPort& port, PacketMeta* pm) {
    const uint32_t len = rte_pktmbuf_data_len(m);
    if (len < sizeof(rte_ether_hdr)) return Drop::runt_frame;
    auto* eth = rte_pktmbuf_mtod(m, rte_ether_hdr*);
    if (rte_is_unicast_ether_addr(&eth->dst_addr) &&
        !rte_is_same_ether_addr(&eth->dst_addr, &port.mac))
        return Drop::not_for_us;

    uint16_t type = rte_be_to_cpu_16(eth->ether_type);
    uint32_t l2 = sizeof(rte_ether_hdr);
    if (type == net::kEtherTypeVlan) {
        if (len < l2 + sizeof(rte_vlan_hdr)) return Drop::runt_frame;
        auto* vh = net::at<rte_vlan_hdr>(m, l2);
        if ((rte_be_to_cpu_16(vh->vlan_tci) & 0xfff) != port.vlan) return Drop::vlan_mismatch;
        type = rte_be_to_cpu_16(vh->eth_proto);
        l2 += sizeof(rte_vlan_hdr);
    } else if (port.vlan != 0) {
        return Drop::vlan_mismatch;
    }
    pm->l2_len = uint8_t(l2);
    pm->flags = 0;
    pm->out_port = kNoPort;

    if (type == net::kEtherTypeArp) {
        if (len < l2 + sizeof(rte_arp_hdr)) return Drop::malformed_arp;
        auto* arp = net::at<rte_arp_hdr>(m, l2);
        if (arp->arp_hardware != rte_cpu_to_be_16(RTE_ARP_HRD_ETHER) ||
            arp->arp_protocol != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4) ||
            arp->arp_hlen != RTE_ETHER_ADDR_LEN || arp->arp_plen != 4)
            return Drop::malformed_arp;
        pm->cls = PktClass::kArp;
        return Drop::kCount;
    }
    if (type == net::kEtherTypeIpv6) return parse_ipv6(m, l2, pm);
    if (type != net::kEtherTypeIpv4) return Drop::unsupported_ethertype;

    if (len < l2 + sizeof(rte_ipv4_hdr)) return Drop::malformed_ipv4;
    auto* ip = net::at<rte_ipv4_hdr>(m, l2);
    const uint32_t ihl = rte_ipv4_hdr_len(ip);
    const uint32_t total = rte_be_to_cpu_16(ip->total_length);
    if ((ip->version_ihl >> 4) != 4 || ihl < sizeof(rte_ipv4_hdr) || len < l2 + ihl ||
        total < ihl || l2 + total > rte_pktmbuf_pkt_len(m))
        return Drop::malformed_ipv4;
    if (!net::ipv4_checksum_ok(ip)) return Drop::bad_ipv4_checksum;
    // Ethernet padding after a short IPv4 packet must not travel on.
    if (rte_pktmbuf_pkt_len(m) > l2 + total)
        rte_pktmbuf_trim(m, uint16_t(rte_pktmbuf_pkt_len(m) - l2 - total));

    pm->src_ip = rte_be_to_cpu_32(ip->src_addr);
    pm->dst_ip = rte_be_to_cpu_32(ip->dst_addr);
    pm->l4_proto = ip->next_proto_id;
    pm->l4_off = uint16_t(l2 + ihl);
    pm->cls = PktClass::kTransit;
    return Drop::kCount;
}

void parse_stage(Burst& b, StageCtx&) {
    const DpPort& port = g_dp.ports[b.in_port];
    for (uint16_t i = 0; i < b.n; i++) {
        if (b.verdict[i] != Verdict::kContinue) continue;
        if (i + 1 < b.n) rte_prefetch0(rte_pktmbuf_mtod(b.pkts[i + 1], void*));
        PacketMeta* pm = meta(b.pkts[i]);
        pm->in_port = b.in_port;
        pm->cls = PktClass::kUnknown;
        Drop d = parse_one(b.pkts[i], port, pm);
        if (d != Drop::kCount) drop(b, i, d);
    }
}

__attribute__((constructor)) void register_parse() {
    register_stage("parse", kRankParse, parse_stage);
}

}  // namespace
}  // namespace haslb::core
