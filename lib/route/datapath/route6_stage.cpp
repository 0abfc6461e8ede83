// SPDX-License-Identifier: BSD-3-Clause
// Route6 stage (rank kRankRoute6): hop limit, LPM6, MTU, neighbour, L2
// rewrite for every kTransit6 packet still kContinue. Lookups are done in
// bulk for the burst (rte_lpm6_lookup_bulk_func, one bulk neighbour hash
// lookup). Every kTransit6 packet it sees leaves decided (kTx, kDrop or
// kControl kHold6), so the IPv4 stages (rank 300 on) never see one.
#include <rte_hash.h>
#include <rte_ip.h>
#include <rte_lpm6.h>

#include <cstring>

#include "core/datapath/crc_lookup.hpp"
#include "core/pipeline.hpp"
#include "net/ipv6.hpp"
#include "net/l2.hpp"
#include "route/datapath/icmp6_error.hpp"
#include "route/fib6.hpp"
#include "route/neighbor.hpp"

namespace haslb::route {
namespace {

using core::Burst;
using core::Drop;
using core::PacketMeta;
using core::Verdict;

inline rte_ipv6_hdr* ip6(rte_mbuf* m, const PacketMeta* pm) {
    return rte_pktmbuf_mtod_offset(m, rte_ipv6_hdr*, pm->l2_len);
}

// Next hop of a single packet (ICMPv6 errors turned around mid-stage).
bool lookup_one(const Fib6* f, rte_mbuf* m, PacketMeta* pm) {
    uint32_t id;
    auto* ip = ip6(m, pm);
    if (!f || rte_lpm6_lookup(f->lpm, ip->dst_addr, &id) != 0) return false;
    const NextHop6& nh = f->nh[id];
    pm->out_port = nh.port;
    std::memcpy(pm->next_hop6, net::ip6_is_unspecified(nh.gw) ? ip->dst_addr : nh.gw, 16);
    return true;
}

void route6_stage(Burst& b, core::StageCtx& ctx) {
    uint16_t idx[core::kBurst];
    uint8_t dsts[core::kBurst][RTE_LPM6_IPV6_ADDR_SIZE];
    int32_t nhs[core::kBurst];
    uint16_t n = 0;
    const Fib6* f = g_fib6.load(std::memory_order_acquire);  // one table per burst (RCU)

    // 1. Hop limit: expiring packets become ICMPv6 Time Exceeded and are routed back.
    for (uint16_t i = 0; i < b.n; i++) {
        if (b.verdict[i] != Verdict::kContinue) continue;
        rte_mbuf* m = b.pkts[i];
        PacketMeta* pm = core::meta(m);
        if (pm->cls != core::PktClass::kTransit6) continue;
        auto* ip = ip6(m, pm);
        if (!(pm->flags & core::kFlagLocalOrigin) && ip->hop_limits <= 1) {
            core::count_drop(Drop::hop_limit_exceeded);
            if (!icmp6_error_in_place(m, net::kIcmp6TimeExceeded, 0, 0, b.in_port, ctx.now_tsc)) {
                b.verdict[i] = Verdict::kDrop;
                continue;
            }
            core::count_stat(core::Stat::icmp6_time_exceeded_sent);
            ip = ip6(m, pm);
        }
        idx[n] = i;
        std::memcpy(dsts[n], ip->dst_addr, 16);
        n++;
    }
    if (!n) return;

    // 2. Longest prefix match for the burst (a service stage may have chosen
    // the next hop already).
    if (f)
        rte_lpm6_lookup_bulk_func(f->lpm, dsts, nhs, n);
    else
        for (uint16_t j = 0; j < n; j++) nhs[j] = -1;
    const void* keys[core::kBurst];
    uint16_t kidx[core::kBurst];
    uint16_t k = 0;
    for (uint16_t j = 0; j < n; j++) {
        const uint16_t i = idx[j];
        rte_mbuf* m = b.pkts[i];
        PacketMeta* pm = core::meta(m);
        if (!(pm->flags & core::kFlagNextHopSet)) {
            if (nhs[j] < 0) {
                core::drop(b, i, Drop::no_route6);
                continue;
            }
            const NextHop6& nh = f->nh[nhs[j]];
            pm->out_port = nh.port;
            std::memcpy(pm->next_hop6, net::ip6_is_unspecified(nh.gw) ? dsts[j] : nh.gw, 16);
        }
        auto* ip = ip6(m, pm);
        const uint16_t mtu = core::g_dp.ports[pm->out_port].mtu;
        if (sizeof(rte_ipv6_hdr) + rte_be_to_cpu_16(ip->payload_len) > mtu) {
            // RFC 8200 5: routers never fragment; tell the source (RFC 4443 3.2).
            core::count_drop(Drop::packet_too_big6);
            if (!icmp6_error_in_place(m, net::kIcmp6PacketTooBig, 0, mtu, b.in_port, ctx.now_tsc) ||
                !lookup_one(f, m, pm)) {
                b.verdict[i] = Verdict::kDrop;
                continue;
            }
            core::count_stat(core::Stat::icmp6_too_big_sent);
            ip = ip6(m, pm);
        }
        if (!(pm->flags & core::kFlagLocalOrigin)) ip->hop_limits--;
        kidx[k] = i;
        keys[k] = pm->next_hop6;
        k++;
    }
    if (!k) return;

    // 3. Neighbours for the burst.
    if (!g_neigh6.h) {  // no IPv6 neighbour table (a test World without IPv6): nothing resolves
        for (uint16_t j = 0; j < k; j++) core::drop(b, kidx[j], Drop::no_route6);
        return;
    }
    int32_t pos[core::kBurst];
    core::crc_lookup_bulk(g_neigh6.h, keys, 16, k, pos);
    for (uint16_t j = 0; j < k; j++) {
        const uint16_t i = kidx[j];
        rte_mbuf* m = b.pkts[i];
        PacketMeta* pm = core::meta(m);
        if (pos[j] < 0) {
            core::to_control(b, i, core::ControlKind::kHold6);
            continue;
        }
        const NeighEntry& e = g_neigh6.e[pos[j]];
        const auto st = NeighState(e.state.load(std::memory_order_acquire));
        if (st == NeighState::kIncomplete) {
            core::drop(b, i, Drop::neighbor_incomplete);
            continue;
        }
        if (st == NeighState::kFailed) {
            core::drop(b, i, Drop::neighbor_failed);
            continue;
        }
        const rte_ether_addr mac = mac_unpack(e.mac.load(std::memory_order_relaxed));
        const core::DpPort& out = core::g_dp.ports[pm->out_port];
        if (net::l2_write(m, pm->l2_len, mac, out.mac, out.vlan, RTE_ETHER_TYPE_IPV6) < 0) {
            core::drop(b, i, Drop::tx_full);
            continue;
        }
        b.verdict[i] = Verdict::kTx;
        core::count_stat(core::Stat::forwarded6);
    }
}

__attribute__((constructor)) void register_route6() {
    core::register_stage("route6", core::kRankRoute6, route6_stage);
}

}  // namespace
}  // namespace haslb::route
