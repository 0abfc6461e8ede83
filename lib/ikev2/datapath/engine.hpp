// SPDX-License-Identifier: BSD-3-Clause
// The cluster stages' burst engine, shared by IPv4 (redirect_stage.cpp) and
// IPv6 (redirect6_stage.cpp); a family is a traits type F:
//
//   kFamily, kClass                      4 / 6 and the packet class it serves
//   active(s)                            whether the snapshot has a VIP of F
//   vip_index(s, m, pm)                  the VIP the packet is for, or -1
//   member_index(s, m, pm)               the member (of F) that sent it, or -1
//   client(m, pm, src)                   source or destination address octets
//   datagram(m, pm, end)                 L3 checks of a datagram to a VIP:
//                                        Drop::kCount and the end of its
//                                        UDP payload, or why it is dropped
//   is_target(s, g)                      member g can be F's NAT target
//   make_redirect(m, pm, s, g, marker, msg, vip)
//                                        the request becomes the REDIRECT
//                                        response from the VIP, in place
//   nat_to(m, pm, s, g) / nat_from(m, pm, s, vip)
//                                        destination -> member / source -> VIP
//
// What the engine does with a burst (DESIGN 3, 8: one bulk lookup):
// 1. packets to a VIP: IKE_SA_INIT requests with REDIRECT_SUPPORTED or
//    REDIRECTED_FROM become the REDIRECT response (no lookup); every other
//    IKE message and ESP-in-UDP / keepalive on 4500 gets a NAT key (initiator
//    SA or client flow); packets from a member's UDP 500/4500 get the flow key
//    of the client they are for;
// 2. one bulk lookup of those keys, then a prefetch of the entries found;
// 3. NAT: a known SA or flow goes to its member; a new IKE_SA_INIT request
//    opens an SA with the least-loaded member of F; answers from a member
//    to a flow it owns leave from the VIP. Anything else to a VIP is dropped
//    under a named reason; anything else from a member is routed untouched.
//
// Worker lcores: no allocation, no lock; the snapshot is read once per burst
// (RCU).
#pragma once

#include <rte_prefetch.h>
#include <rte_udp.h>

#include "core/datapath/crc_lookup.hpp"
#include "core/pipeline.hpp"
#include "ikev2/cluster.hpp"
#include "ikev2/datapath/nat.hpp"
#include "net/headers.hpp"

namespace haslb::ikev2::detail {

constexpr size_t kMarker = 4;  // non-ESP marker on 4500

core::Drop drop_for(Result r);

// Least-loaded gateway of `family` (0: any), counted as pending until its
// next report; -1 if none can take a client.
int pick(const Snapshot& s, uint8_t family);

// A packet waiting for the bulk lookup.
struct Candidate {
    NatKey key;
    uint16_t i;      // in the burst
    uint16_t index;  // to a VIP: the VIP; from a member: the member
    uint16_t cport;  // the client's UDP port
    bool to_vip;
    bool flow;     // to a VIP: the key is the client's flow (ESP-in-UDP, keepalive)
    bool sa_init;  // to a VIP: an IKE_SA_INIT request, which may open an SA
};

inline bool is_ike_port(uint16_t p) {
    return p == kPortIke || p == kPortNatT;
}

// Phase 1 for a packet to VIP `v`. True when it needs a lookup (c filled);
// false when it is decided (dropped, or answered with a REDIRECT).
template <class F>
bool to_vip(core::Burst& b, uint16_t i, const Snapshot& s, uint16_t v, Candidate& c) {
    rte_mbuf* m = b.pkts[i];
    core::PacketMeta* pm = core::meta(m);
    uint32_t end = 0;
    if (const core::Drop d = F::datagram(m, pm, end); d != core::Drop::kCount) {
        core::drop(b, i, d);
        return false;
    }
    const auto* udp = net::at<rte_udp_hdr>(m, pm->l4_off);
    const uint16_t dport = rte_be_to_cpu_16(udp->dst_port);
    c.cport = rte_be_to_cpu_16(udp->src_port);
    if (!is_ike_port(dport)) {
        core::drop(b, i, core::Drop::cluster_not_service);
        return false;
    }
    const uint8_t* p = rte_pktmbuf_mtod_offset(m, const uint8_t*, pm->l4_off + sizeof(rte_udp_hdr));
    size_t len = end - pm->l4_off - sizeof(rte_udp_hdr);
    const uint8_t* client = F::client(m, pm, true);
    c.i = i;
    c.index = v;
    c.to_vip = true;
    c.flow = false;
    c.sa_init = false;
    size_t marker = 0;
    if (dport == kPortNatT) {
        // ESP-in-UDP (non-zero SPI) or a NAT keepalive (one 0xff): the
        // client's flow decides.
        const bool keepalive = len == 1 && p[0] == 0xff;
        if (!keepalive && len < kMarker) {
            core::drop(b, i, core::Drop::ike_truncated);
            return false;
        }
        if (keepalive || p[0] | p[1] | p[2] | p[3]) {
            c.key = flow_key(F::kFamily, client, c.cport);
            c.flow = true;
            return true;
        }
        marker = kMarker;
        p += kMarker;
        len -= kMarker;
    }
    Message msg;
    if (const Result r = parse(p, len, msg); r != Result::kOk) {
        core::drop(b, i, drop_for(r));
        return false;
    }
    if (msg.sa_init_request) {
        core::count_stat(core::Stat::ike_sa_init_seen);
        if (msg.redirect_supported || msg.redirected_from) {
            const int g = pick(s, 0);
            if (g < 0) {
                core::drop(b, i, core::Drop::cluster_no_gateway);
            } else if (!F::make_redirect(m, pm, s, uint16_t(g), marker, msg, v)) {
                core::drop(b, i, core::Drop::ike_redirect_no_room);
            } else {
                g_cluster.redirects[g].fetch_add(1, std::memory_order_relaxed);
                core::count_stat(core::Stat::ike_redirects_sent);
                // kContinue: the route stage sends it to the client.
            }
            return false;
        }
    }
    c.key = sa_key(F::kFamily, client, msg.spi_i);
    c.sa_init = msg.sa_init_request;
    return true;
}

// NAT of a packet to a VIP to member g; also records the client's flow.
template <class F>
void nat_forward(core::Burst& b, const Candidate& c, const Snapshot& s, uint16_t g, uint64_t now) {
    rte_mbuf* m = b.pkts[c.i];
    core::PacketMeta* pm = core::meta(m);
    const NatKey fk = flow_key(F::kFamily, F::client(m, pm, true), c.cport);
    NatEntry* f = nat_find(fk);
    if (!f || f->gw != g) f = nat_put(fk, g, c.index, now);
    if (!f) return core::drop(b, c.i, core::Drop::cluster_nat_full);
    f->last_seen.store(now, std::memory_order_relaxed);
    F::nat_to(m, pm, s, g);
    core::count_stat(core::Stat::ike_nat_forwarded);
}

// Phase 3 for a packet to a VIP; `e` is its key's entry (or nullptr).
template <class F>
void finish_to_vip(core::Burst& b, const Candidate& c, const Snapshot& s, NatEntry* e,
                   uint64_t now) {
    // A miss may be an SA or flow an earlier packet of this burst opened.
    if (!e) e = nat_find(c.key);
    const bool known = e && e->gw < s.nb_gw && F::is_target(s, e->gw);
    if (c.flow) {
        if (!known) return core::drop(b, c.i, core::Drop::ike_no_session);
        e->last_seen.store(now, std::memory_order_relaxed);
        rte_mbuf* m = b.pkts[c.i];
        F::nat_to(m, core::meta(m), s, e->gw);
        core::count_stat(core::Stat::ike_nat_forwarded);
        return;
    }
    if (known) {
        e->last_seen.store(now, std::memory_order_relaxed);
        return nat_forward<F>(b, c, s, e->gw, now);
    }
    if (!c.sa_init) return core::drop(b, c.i, core::Drop::ike_no_session);
    const int g = pick(s, F::kFamily);
    if (g < 0) return core::drop(b, c.i, core::Drop::cluster_no_gateway);
    if (!nat_put(c.key, uint16_t(g), c.index, now))
        return core::drop(b, c.i, core::Drop::cluster_nat_full);
    g_cluster.nat_new[g].fetch_add(1, std::memory_order_relaxed);
    core::count_stat(core::Stat::ike_nat_new);
    nat_forward<F>(b, c, s, uint16_t(g), now);
}

template <class F>
void cluster_burst(core::Burst& b, core::StageCtx& ctx) {
    const Snapshot* s = g_cluster.snap.load(std::memory_order_acquire);
    if (!s || !F::active(*s)) return;
    Candidate cand[core::kBurst];
    const void* keys[core::kBurst];
    uint16_t n = 0;
    for (uint16_t i = 0; i < b.n; i++) {
        if (b.verdict[i] != core::Verdict::kContinue) continue;
        rte_mbuf* m = b.pkts[i];
        core::PacketMeta* pm = core::meta(m);
        if (pm->cls != F::kClass) continue;
        Candidate& c = cand[n];
        if (const int v = F::vip_index(*s, m, pm); v >= 0) {
            if (to_vip<F>(b, i, *s, uint16_t(v), c)) keys[n] = &cand[n].key, n++;
            continue;
        }
        // A member's answer to a NATed client: UDP from 500/4500.
        if (pm->l4_proto != IPPROTO_UDP ||
            rte_pktmbuf_data_len(m) < pm->l4_off + sizeof(rte_udp_hdr))
            continue;
        const auto* udp = net::at<rte_udp_hdr>(m, pm->l4_off);
        if (!is_ike_port(rte_be_to_cpu_16(udp->src_port))) continue;
        const int g = F::member_index(*s, m, pm);
        if (g < 0) continue;
        c.i = i;
        c.index = uint16_t(g);
        c.cport = rte_be_to_cpu_16(udp->dst_port);
        c.to_vip = false;
        c.key = flow_key(F::kFamily, F::client(m, pm, false), c.cport);
        keys[n] = &c.key;
        n++;
    }
    if (!n) return;
    int32_t pos[core::kBurst];
    core::crc_lookup_bulk(g_cluster.nat, keys, sizeof(NatKey), n, pos);
    for (uint16_t j = 0; j < n; j++)
        if (pos[j] >= 0) rte_prefetch0(&g_cluster.nat_entries[pos[j]]);
    for (uint16_t j = 0; j < n; j++) {
        const Candidate& c = cand[j];
        NatEntry* e = nat_at(pos[j]);
        if (c.to_vip) {
            finish_to_vip<F>(b, c, *s, e, ctx.now_tsc);
            continue;
        }
        // Not a flow this member owns: routed untouched.
        if (!e || e->gw != c.index || e->vip >= (F::kFamily == 4 ? s->nb_vips : s->nb_vips6))
            continue;
        e->last_seen.store(ctx.now_tsc, std::memory_order_relaxed);
        rte_mbuf* m = b.pkts[c.i];
        F::nat_from(m, core::meta(m), *s, e->vip);
        core::count_stat(core::Stat::ike_nat_reversed);
    }
}

}  // namespace haslb::ikev2::detail
