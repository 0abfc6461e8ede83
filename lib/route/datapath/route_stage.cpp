// SPDX-License-Identifier: BSD-3-Clause
// Route stage: TTL, LPM, neighbour, L2 rewrite. Lookups are done in bulk for
// the whole burst (one rte_lpm_lookup_bulk, one bulk neighbour hash lookup).
#include <rte_hash.h>
#include <rte_icmp.h>
#include <rte_lpm.h>

#include "core/datapath/crc_lookup.hpp"
#include "core/pipeline.hpp"
#include "net/headers.hpp"
#include "net/l2.hpp"
#include "route/datapath/icmp_error.hpp"
#include "route/fib.hpp"
#include "route/neighbor.hpp"

namespace haslb::route {
namespace {

using core::Burst;
using core::Drop;
using core::PacketMeta;
using core::Verdict;

constexpr uint8_t kIcmpTimeExceeded = 11;  // RFC 792

void route_stage(Burst& b, core::StageCtx& ctx) {
    uint16_t idx[core::kBurst];
    uint32_t ips[core::kBurst];
    uint32_t nhs[core::kBurst];
    uint16_t n = 0;

    // 1. TTL: expiring packets become ICMP Time Exceeded and are routed back.
    for (uint16_t i = 0; i < b.n; i++) {
        if (b.verdict[i] != Verdict::kContinue) continue;
        rte_mbuf* m = b.pkts[i];
        PacketMeta* pm = core::meta(m);
        if (pm->cls == core::PktClass::kTransit6) {  // route6 decides them all; never read as IPv4
            core::drop(b, i, Drop::no_route6);
            continue;
        }
        auto* ip = net::at<rte_ipv4_hdr>(m, pm->l2_len);
        if (!(pm->flags & core::kFlagLocalOrigin) && ip->time_to_live <= 1) {
            core::count_drop(Drop::ttl_exceeded);
            if (!icmp_error_in_place(m, kIcmpTimeExceeded, 0, b.in_port, ctx.now_tsc)) {
                b.verdict[i] = Verdict::kDrop;
                continue;
            }
            core::count_stat(core::Stat::icmp_time_exceeded_sent);
        }
        idx[n] = i;
        ips[n] = pm->dst_ip;
        n++;
    }
    if (!n) return;

    // 2. Longest prefix match for the burst (a service stage may have
    // chosen the next hop already: dispatched SLB).
    rte_lpm_lookup_bulk(g_fib.lpm, ips, nhs, n);
    const void* keys[core::kBurst];
    uint16_t kidx[core::kBurst];
    uint16_t k = 0;
    for (uint16_t j = 0; j < n; j++) {
        const uint16_t i = idx[j];
        PacketMeta* pm = core::meta(b.pkts[i]);
        if (!(pm->flags & core::kFlagNextHopSet)) {
            if (!(nhs[j] & RTE_LPM_LOOKUP_SUCCESS)) {
                core::drop(b, i, Drop::no_route);
                continue;
            }
            const NextHop& nh = g_fib.nh[nhs[j] & 0x00ffffff];
            pm->out_port = nh.port;
            pm->next_hop = nh.gw ? nh.gw : pm->dst_ip;
        }
        auto* ip = net::at<rte_ipv4_hdr>(b.pkts[i], pm->l2_len);
        if (rte_be_to_cpu_16(ip->total_length) > core::g_dp.ports[pm->out_port].mtu) {
            core::drop(b, i, Drop::mtu_exceeded);
            continue;
        }
        if (!(pm->flags & core::kFlagLocalOrigin)) net::ipv4_dec_ttl(ip);
        kidx[k] = i;
        keys[k] = &pm->next_hop;
        k++;
    }
    if (!k) return;

    // 3. Neighbours for the burst.
    int32_t pos[core::kBurst];
    core::crc_lookup_bulk(g_neigh.h, keys, sizeof(uint32_t), k, pos);
    for (uint16_t j = 0; j < k; j++) {
        const uint16_t i = kidx[j];
        rte_mbuf* m = b.pkts[i];
        PacketMeta* pm = core::meta(m);
        if (pos[j] < 0) {
            core::to_control(b, i, core::ControlKind::kHold);
            continue;
        }
        const NeighEntry& e = g_neigh.e[pos[j]];
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
        if (net::l2_write(m, pm->l2_len, mac, out.mac, out.vlan, RTE_ETHER_TYPE_IPV4) < 0) {
            core::drop(b, i, Drop::tx_full);
            continue;
        }
        b.verdict[i] = Verdict::kTx;
        core::count_stat(core::Stat::forwarded);
    }
}

__attribute__((constructor)) void register_route() {
    core::register_stage("route", core::kRankRoute, route_stage);
}

}  // namespace
}  // namespace haslb::route
