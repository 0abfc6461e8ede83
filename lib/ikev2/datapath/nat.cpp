// SPDX-License-Identifier: BSD-3-Clause
#include "ikev2/datapath/nat.hpp"

#include <rte_hash.h>
#include <rte_ip.h>
#include <rte_udp.h>

#include "net/headers.hpp"

namespace haslb::ikev2::detail {

NatEntry* nat_find(const NatKey& key) {
    const int32_t pos = rte_hash_lookup(g_cluster.nat, &key);
    if (pos < 0) return nullptr;
    NatEntry* e = &g_cluster.nat_entries[pos];
    return e->valid.load(std::memory_order_acquire) ? e : nullptr;
}

NatEntry* nat_put(const NatKey& key, uint16_t gw, uint32_t vip, uint64_t now) {
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

void patch(rte_mbuf* m, core::PacketMeta* pm, bool dst, uint32_t old_v, uint32_t new_v) {
    auto* ip = net::at<rte_ipv4_hdr>(m, pm->l2_len);
    auto* udp = net::at<rte_udp_hdr>(m, pm->l4_off);
    if (dst)
        ip->dst_addr = rte_cpu_to_be_32(new_v);
    else
        ip->src_addr = rte_cpu_to_be_32(new_v);
    ip->hdr_checksum =
        rte_cpu_to_be_16(net::csum_update32(rte_be_to_cpu_16(ip->hdr_checksum), old_v, new_v));
    // The UDP checksum covers the pseudo-header's addresses; 0 = none.
    if (udp->dgram_cksum) {
        const uint16_t c = net::csum_update32(rte_be_to_cpu_16(udp->dgram_cksum), old_v, new_v);
        udp->dgram_cksum = rte_cpu_to_be_16(c ? c : 0xffff);
    }
}

}  // namespace

void rewrite_dst(rte_mbuf* m, core::PacketMeta* pm, uint32_t addr) {
    patch(m, pm, true, pm->dst_ip, addr);
    pm->dst_ip = addr;
}

void rewrite_src(rte_mbuf* m, core::PacketMeta* pm, uint32_t addr) {
    patch(m, pm, false, pm->src_ip, addr);
    pm->src_ip = addr;
}

}  // namespace haslb::ikev2::detail
