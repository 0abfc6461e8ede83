// SPDX-License-Identifier: BSD-3-Clause
#include "ikev2/datapath/nat.hpp"

#include <rte_hash.h>
#include <rte_ip.h>
#include <rte_udp.h>

#include "net/checksum.hpp"
#include "net/headers.hpp"

namespace haslb::ikev2::detail {

NatEntry* nat_find(const NatKey& key) {
    return nat_at(rte_hash_lookup(g_cluster.nat, &key));
}

NatEntry* nat_put(const NatKey& key, uint16_t gw, uint16_t vip, uint64_t now) {
    const int32_t pos = rte_hash_add_key(g_cluster.nat, &key);
    if (pos < 0) return nullptr;
    NatEntry* e = &g_cluster.nat_entries[pos];
    e->gw = gw;
    e->vip = vip;
    e->last_seen.store(now, std::memory_order_relaxed);
    e->valid.store(1, std::memory_order_release);
    return e;
}

namespace {

// A UDP checksum after an update: 0 means "none" on IPv4 and is invalid on
// IPv6, so a computed 0 is sent as 0xffff (RFC 768, RFC 8200 8.1).
rte_be16_t udp_sum(uint16_t c) {
    return rte_cpu_to_be_16(c ? c : 0xffff);
}

void patch4(rte_mbuf* m, core::PacketMeta* pm, bool dst, uint32_t old_v, uint32_t new_v) {
    auto* ip = net::at<rte_ipv4_hdr>(m, pm->l2_len);
    auto* udp = net::at<rte_udp_hdr>(m, pm->l4_off);
    if (dst)
        ip->dst_addr = rte_cpu_to_be_32(new_v);
    else
        ip->src_addr = rte_cpu_to_be_32(new_v);
    ip->hdr_checksum =
        rte_cpu_to_be_16(net::csum_update32(rte_be_to_cpu_16(ip->hdr_checksum), old_v, new_v));
    // The UDP checksum covers the pseudo-header's addresses; 0 = none.
    if (udp->dgram_cksum)
        udp->dgram_cksum =
            udp_sum(net::csum_update32(rte_be_to_cpu_16(udp->dgram_cksum), old_v, new_v));
}

void patch6(rte_mbuf* m, core::PacketMeta* pm, bool dst, const uint8_t* addr) {
    auto* ip = net::at<rte_ipv6_hdr>(m, pm->l2_len);
    auto* udp = net::at<rte_udp_hdr>(m, pm->l4_off);
    uint8_t* field = dst ? ip->dst_addr : ip->src_addr;
    // A zero UDP checksum is invalid on IPv6: the receiver drops it, with or
    // without this rewrite, so it is left as it came.
    if (udp->dgram_cksum)
        udp->dgram_cksum =
            udp_sum(net::csum_update128(rte_be_to_cpu_16(udp->dgram_cksum), field, addr));
    memcpy(field, addr, 16);
}

}  // namespace

void rewrite_dst4(rte_mbuf* m, core::PacketMeta* pm, uint32_t addr) {
    patch4(m, pm, true, pm->dst_ip, addr);
    pm->dst_ip = addr;
}

void rewrite_src4(rte_mbuf* m, core::PacketMeta* pm, uint32_t addr) {
    patch4(m, pm, false, pm->src_ip, addr);
    pm->src_ip = addr;
}

void rewrite_dst6(rte_mbuf* m, core::PacketMeta* pm, const uint8_t* addr) {
    patch6(m, pm, true, addr);
}

void rewrite_src6(rte_mbuf* m, core::PacketMeta* pm, const uint8_t* addr) {
    patch6(m, pm, false, addr);
}

}  // namespace haslb::ikev2::detail
