// SPDX-License-Identifier: BSD-3-Clause
// Classify6 stage (rank kRankClassify6): impossible IPv6 sources are dropped;
// neighbour discovery goes to the control lcore (kNd); packets for the
// appliance's own IPv6 addresses and link-local multicast go to the kernel
// (kLocal); link-local traffic that is not ours is never routed (RFC 4291
// 2.5.6); everything else stays kContinue as kTransit6 for the IPv6 service
// and route6 stages.
#include <rte_ip.h>

#include "core/pipeline.hpp"
#include "net/ipv6.hpp"

namespace haslb::core {
namespace {

// A port without address6 has no IPv6 addresses at all (its ll6 is zero).
bool is_port_addr(const DpPort& port, const uint8_t* a) {
    return port.plen6 && (net::ip6_eq(a, port.addr6) || net::ip6_eq(a, port.ll6));
}

bool is_own(const uint8_t* a) {
    for (uint16_t p = 0; p < g_dp.nb_ports; p++)
        if (is_port_addr(g_dp.ports[p], a)) return true;
    return false;
}

uint8_t icmp6_type(rte_mbuf* m, const PacketMeta* pm) {
    return *rte_pktmbuf_mtod_offset(m, const uint8_t*, pm->l4_off);
}

bool is_nd(rte_mbuf* m, const PacketMeta* pm) {
    if (pm->l4_proto != net::kProtoIcmp6) return false;
    const uint8_t t = icmp6_type(m, pm);
    return t >= net::kNdRouterSolicit && t <= net::kNdRedirect;
}

void classify6_stage(Burst& b, StageCtx&) {
    for (uint16_t i = 0; i < b.n; i++) {
        if (b.verdict[i] != Verdict::kContinue) continue;
        rte_mbuf* m = b.pkts[i];
        PacketMeta* pm = meta(m);
        if (pm->cls != PktClass::kTransit6) continue;
        const auto* ip = rte_pktmbuf_mtod_offset(m, const rte_ipv6_hdr*, pm->l2_len);
        const uint8_t* src = ip->src_addr;
        const uint8_t* dst = ip->dst_addr;
        const bool nd = is_nd(m, pm);
        // The unspecified source is legal only in duplicate address detection (an NS).
        if (net::ip6_is_multicast(src) || net::ip6_is_loopback(src) || is_own(src) ||
            (net::ip6_is_unspecified(src) &&
             !(nd && icmp6_type(m, pm) == net::kNdNeighborSolicit))) {
            drop(b, i, Drop::martian_source6);
            continue;
        }
        if (nd) {
            // RFC 4861 6.1/7.1: a hop limit below 255 means it crossed a router.
            if (ip->hop_limits != net::kNdHopLimit) {
                drop(b, i, Drop::nd_bad_hop_limit);
                continue;
            }
            pm->cls = PktClass::kNd;
            to_control(b, i, ControlKind::kNd);
            continue;
        }
        if (net::ip6_is_multicast(dst)) {
            // Link-local scope (ff02::/16: MLD, all-nodes ping) may interest
            // the kernel; haslb routes no multicast.
            if ((dst[1] & 0x0f) == 0x02) {
                pm->cls = PktClass::kLocal;
                to_control(b, i, ControlKind::kLocal);
            } else {
                drop(b, i, Drop::ipv6_multicast_scope);
            }
            continue;
        }
        const DpPort& in = g_dp.ports[b.in_port];
        if (is_port_addr(in, dst) || is_own(dst)) {
            pm->cls = PktClass::kLocal;
            to_control(b, i, ControlKind::kLocal);
            continue;
        }
        if (net::ip6_is_link_local(dst) || net::ip6_is_link_local(src)) {
            drop(b, i, Drop::ipv6_link_local_transit);
            continue;
        }
    }
}

__attribute__((constructor)) void register_classify6() {
    register_stage("classify6", kRankClassify6, classify6_stage);
}

}  // namespace
}  // namespace haslb::core
