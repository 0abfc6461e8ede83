// SPDX-License-Identifier: BSD-3-Clause
// Hotline stage (seed 004 "upstream / downstream packet processing").
//
// Per burst: one bulk lookup of every packet's source and destination in the
// home-address table (nothing at all while the table is empty). Then
// - downstream first (destination is a subscriber, source is not): the
//   reverse NAT translation restores the original destination as source
//   before anything else looks at the packet; then the profile's "out"
//   filter rules;
// - upstream (source is a subscriber with a profile): one bulk rte_acl
//   classification; the deciding rule passes, filters (drop), IP-redirects
//   (destination rewritten, NAT translation created or refreshed) or
//   HTTP-redirects (haslb answers the TCP connection itself).
// Checksums are patched incrementally (RFC 1624). Packets then go on to the
// route stage; everything dropped is counted under a named reason and, for
// filter rules, per profile.
#include <rte_hash.h>
#include <rte_ip.h>
#include <rte_prefetch.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include <cstddef>
#include <cstring>

#include "core/datapath/crc_lookup.hpp"
#include "core/pipeline.hpp"
#include "hotline/dp.hpp"
#include "hotline/nat_detail.hpp"
#include "net/headers.hpp"

namespace haslb::hotline {
namespace {

using core::Burst;
using core::Drop;
using core::PacketMeta;
using core::Stat;
using core::Verdict;

struct L4 {
    uint16_t sport = 0, dport = 0;  // TCP/UDP ports; ICMP echo: sport = identifier
    uint8_t tcp_flags = 0;
    bool ports = false;  // the ports (or ICMP identifier) are in this packet
    bool later_fragment = false;
};

L4 read_l4(rte_mbuf* m, const PacketMeta* pm) {
    L4 r;
    const auto* ip = net::at<rte_ipv4_hdr>(m, pm->l2_len);
    if (rte_be_to_cpu_16(ip->fragment_offset) & RTE_IPV4_HDR_OFFSET_MASK) {
        r.later_fragment = true;
        return r;
    }
    const uint32_t len = rte_pktmbuf_data_len(m);
    if (pm->l4_proto == IPPROTO_TCP && len >= pm->l4_off + sizeof(rte_tcp_hdr)) {
        const auto* t = net::at<rte_tcp_hdr>(m, pm->l4_off);
        r.sport = rte_be_to_cpu_16(t->src_port);
        r.dport = rte_be_to_cpu_16(t->dst_port);
        r.tcp_flags = t->tcp_flags;
        r.ports = true;
    } else if (pm->l4_proto == IPPROTO_UDP && len >= pm->l4_off + sizeof(rte_udp_hdr)) {
        const auto* u = net::at<rte_udp_hdr>(m, pm->l4_off);
        r.sport = rte_be_to_cpu_16(u->src_port);
        r.dport = rte_be_to_cpu_16(u->dst_port);
        r.ports = true;
    } else if (pm->l4_proto == IPPROTO_ICMP && len >= pm->l4_off + sizeof(rte_icmp_hdr)) {
        const auto* c = net::at<rte_icmp_hdr>(m, pm->l4_off);
        r.sport = rte_be_to_cpu_16(c->icmp_ident);
        r.ports = true;
    }
    return r;
}

// Rewrites one address (source or destination) and, for TCP/UDP, one port,
// patching the IPv4 and L4 checksums.
void rewrite(rte_mbuf* m, PacketMeta* pm, bool dst, uint32_t addr, uint16_t port, bool set_port) {
    auto* ip = net::at<rte_ipv4_hdr>(m, pm->l2_len);
    const uint32_t old_addr = dst ? pm->dst_ip : pm->src_ip;
    (dst ? ip->dst_addr : ip->src_addr) = rte_cpu_to_be_32(addr);
    ip->hdr_checksum =
        rte_cpu_to_be_16(net::csum_update32(rte_be_to_cpu_16(ip->hdr_checksum), old_addr, addr));
    (dst ? pm->dst_ip : pm->src_ip) = addr;
    if (rte_be_to_cpu_16(ip->fragment_offset) & RTE_IPV4_HDR_OFFSET_MASK) return;
    // Offsets inside the L4 header (the headers are packed: no pointers to members).
    uint32_t port_off, csum_off;
    if (pm->l4_proto == IPPROTO_TCP) {
        port_off = dst ? offsetof(rte_tcp_hdr, dst_port) : offsetof(rte_tcp_hdr, src_port);
        csum_off = offsetof(rte_tcp_hdr, cksum);
    } else if (pm->l4_proto == IPPROTO_UDP) {
        port_off = dst ? offsetof(rte_udp_hdr, dst_port) : offsetof(rte_udp_hdr, src_port);
        csum_off = offsetof(rte_udp_hdr, dgram_cksum);
    } else {
        return;  // ICMP has no pseudo-header: nothing else to patch
    }
    uint8_t* l4 = net::at<uint8_t>(m, pm->l4_off);
    auto get16 = [&](uint32_t off) { return uint16_t(l4[off] << 8 | l4[off + 1]); };
    auto put16 = [&](uint32_t off, uint16_t v) {
        l4[off] = uint8_t(v >> 8);
        l4[off + 1] = uint8_t(v);
    };
    // A UDP checksum of 0 means none was computed (RFC 768): leave it so.
    const bool has_csum = pm->l4_proto == IPPROTO_TCP || get16(csum_off) != 0;
    uint16_t c = get16(csum_off);
    if (has_csum) c = net::csum_update32(c, old_addr, addr);
    if (set_port) {
        const uint16_t old_port = get16(port_off);
        put16(port_off, port);
        if (has_csum) c = net::csum_update16(c, old_port, port);
    }
    if (has_csum) {
        if (pm->l4_proto == IPPROTO_UDP && c == 0) c = 0xffff;
        put16(csum_off, c);
    }
}

uint16_t policy_of(int32_t pos) {
    return pos >= 0 ? g_hot.policy[pos].profile.load(std::memory_order_relaxed) : kNoProfile;
}

// The flow's translation found through its reverse key is the one
// Table::upstream() would find through the forward key when it carries this
// very forward key and target (a reverse key shared by two translations of
// one socket belongs to the newer one: then the forward key decides, below).
// SYN+ACK from the subscriber is left to upstream(): the refresh through
// downstream() would count it as the server's SYN/ACK.
bool hint_is_flow(const nat::Translation* t, const nat::FlowKey& k, uint32_t redirect,
                  uint16_t port, uint8_t tcp_flags) {
    constexpr uint8_t kSynAck = RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG;
    return t && memcmp(&t->fwd, &k, sizeof(k)) == 0 &&
           nat::detail::same_target(*t, redirect, port) &&
           !(k.proto == IPPROTO_TCP && (tcp_flags & kSynAck) == kSynAck);
}

// Destination port after an IP redirect rule: the rule's for TCP/UDP when it
// names one, else unchanged.
uint16_t redirect_port(const PacketMeta* pm, const Rule& r, const L4& l4) {
    const bool tcp_udp = pm->l4_proto == IPPROTO_TCP || pm->l4_proto == IPPROTO_UDP;
    return tcp_udp && r.port ? r.port : l4.dport;
}

// hint: the flow's translation if the burst's bulk reverse-key lookup found
// it (redirect_hints), else nullptr.
void upstream_action(Burst& b, uint16_t i, const RuleTables& rt, uint32_t rule_idx,
                     uint16_t profile, const L4& l4, uint32_t now, nat::Translation* hint) {
    rte_mbuf* m = b.pkts[i];
    PacketMeta* pm = core::meta(m);
    if (rule_idx == kNoRule) {
        core::count_stat(Stat::hotline_passed);
        return;
    }
    const Rule& r = rt.rules[rule_idx];
    switch (r.action) {
        case Action::kPass:
            core::count_stat(Stat::hotline_passed);
            count_profile(profile, kPcPassed);
            return;
        case Action::kFilter:
            count_profile(profile, kPcFiltered);
            core::drop(b, i, Drop::hotline_filtered);
            return;
        case Action::kIpRedirect: {
            if (l4.later_fragment) {
                core::drop(b, i, Drop::hotline_fragment);
                return;
            }
            const bool tcp_udp = pm->l4_proto == IPPROTO_TCP || pm->l4_proto == IPPROTO_UDP;
            if (!l4.ports && (tcp_udp || pm->l4_proto == IPPROTO_ICMP)) {
                core::drop(b, i, Drop::hotline_l4_truncated);
                return;
            }
            const uint16_t new_port = redirect_port(pm, r, l4);
            const nat::FlowKey k =
                nat::flow_key(pm->l4_proto, pm->src_ip, pm->dst_ip, l4.sport, l4.dport);
            nat::Translation* t = nullptr;
            if (hint_is_flow(hint, k, r.redirect, new_port, l4.tcp_flags)) {
                // What upstream() does for an existing flow, without its
                // dependent single-key lookup (the bulk one already found it).
                g_hot.nat.downstream(hint, l4.tcp_flags, now);
            } else if (g_hot.nat.upstream(k, r.redirect, new_port, profile, rule_idx, l4.tcp_flags,
                                          now, &t) == nat::UpResult::kFull) {
                core::drop(b, i, Drop::nat_table_full);
                return;
            }
            rewrite(m, pm, true, r.redirect, new_port, tcp_udp && r.port);
            count_profile(profile, kPcIpRedirected);
            core::count_stat(Stat::hotline_ip_redirected);
            return;
        }
        case Action::kHttpRedirect: {
            if (pm->l4_proto != IPPROTO_TCP) {
                core::drop(b, i, Drop::http_redirect_not_tcp);
                return;
            }
            if (l4.later_fragment) {
                core::drop(b, i, Drop::hotline_fragment);
                return;
            }
            count_profile(profile, kPcHttp);
            // http_redirect counts its own drops; a reply continues to the route stage.
            if (http_redirect(m, *pm, rt.urls[r.url], g_hot.secret, now).result ==
                HttpResult::kDrop)
                b.verdict[i] = Verdict::kDrop;
            return;
        }
    }
}

// Packets the classification sent to an IP redirect rule: one bulk lookup
// of their flows' reverse keys (the hash prefetches every bucket of the
// burst), instead of one dependent forward lookup per packet in
// Table::upstream(), which with a table larger than the cache waits for a
// bucket, a key and an entry miss in turn. hint[j] = nullptr when not found
// or not an IP redirect.
void redirect_hints(const Burst& b, const RuleTables& rt, const uint32_t* res,
                    const uint16_t* ak_of, const uint16_t* idx, const L4* l4, uint32_t na,
                    nat::Translation** hint) {
    nat::FlowKey rkey[core::kBurst];
    const nat::FlowKey* rkp[core::kBurst];
    uint16_t of[core::kBurst];
    uint32_t nr = 0;
    for (uint32_t j = 0; j < na; j++) {
        hint[j] = nullptr;
        if (res[j] == kNoRule || rt.rules[res[j]].action != Action::kIpRedirect) continue;
        const L4& l = l4[ak_of[j]];
        if (l.later_fragment) continue;
        const PacketMeta* pm = core::meta(b.pkts[idx[ak_of[j]]]);
        const Rule& r = rt.rules[res[j]];
        const nat::FlowKey k =
            nat::flow_key(pm->l4_proto, pm->src_ip, pm->dst_ip, l.sport, l.dport);
        rkey[nr] = nat::reverse_key(k, r.redirect, redirect_port(pm, r, l));
        rkp[nr] = &rkey[nr];
        of[nr++] = uint16_t(j);
    }
    if (!nr) return;
    nat::Translation* tr[core::kBurst];
    g_hot.nat.lookup_reverse(rkp, nr, tr);
    for (uint32_t x = 0; x < nr; x++) hint[of[x]] = tr[x];
}

void hotline_stage(Burst& b, core::StageCtx& ctx) {
    if (!g_hot.subs || g_hot.nb_addrs.load(std::memory_order_relaxed) == 0) return;
    const RuleTables* rt = g_hot.rules.load(std::memory_order_acquire);
    const uint32_t now = uint32_t(ctx.now_tsc / g_hot.tsc_hz);

    // 1. Source and destination of every undecided packet: one bulk lookup.
    uint32_t addr[2 * core::kBurst];
    const void* keys[2 * core::kBurst];
    int32_t pos[2 * core::kBurst];
    uint16_t idx[core::kBurst];
    uint32_t n = 0;
    for (uint16_t i = 0; i < b.n; i++) {
        if (b.verdict[i] != Verdict::kContinue) continue;
        const PacketMeta* pm = core::meta(b.pkts[i]);
        if (pm->cls != core::PktClass::kTransit) continue;
        addr[2 * n] = pm->src_ip;
        addr[2 * n + 1] = pm->dst_ip;
        keys[2 * n] = &addr[2 * n];
        keys[2 * n + 1] = &addr[2 * n + 1];
        idx[n++] = i;
    }
    if (!n) return;
    core::crc_lookup_bulk(g_hot.subs, keys, sizeof(uint32_t), 2 * n, pos);
    // The policy of every address found, before the loop below reads them
    // one by one (an array of 8-byte entries as large as the table).
    for (uint32_t k = 0; k < 2 * n; k++)
        if (pos[k] >= 0) rte_prefetch0(&g_hot.policy[pos[k]]);

    // 2. Downstream: reverse translation, then "out" rules; collect upstream.
    nat::FlowKey rkey[core::kBurst];
    const nat::FlowKey* rkp[core::kBurst];
    uint16_t rk_of[core::kBurst];
    uint32_t nr = 0;
    L4 l4[core::kBurst];
    for (uint32_t k = 0; k < n; k++) {
        const uint16_t up = policy_of(pos[2 * k]), down = policy_of(pos[2 * k + 1]);
        if (up == kNoProfile && down == kNoProfile) continue;
        const uint16_t i = idx[k];
        if (up == kEndedProfile || down == kEndedProfile) {
            core::drop(b, i, Drop::hotline_session_ended);
            continue;
        }
        const PacketMeta* pm = core::meta(b.pkts[i]);
        l4[k] = read_l4(b.pkts[i], pm);
        if (up == kNoProfile && l4[k].ports) {
            rkey[nr] = nat::flow_key(pm->l4_proto, pm->src_ip, pm->dst_ip, l4[k].sport,
                                     pm->l4_proto == IPPROTO_ICMP ? 0 : l4[k].dport);
            rkp[nr] = &rkey[nr];
            rk_of[nr++] = uint16_t(k);
        }
    }
    if (nr) {
        nat::Translation* tr[core::kBurst];
        g_hot.nat.lookup_reverse(rkp, nr, tr);
        for (uint32_t j = 0; j < nr; j++) {
            if (!tr[j]) continue;
            const uint32_t k = rk_of[j];
            rte_mbuf* m = b.pkts[idx[k]];
            PacketMeta* pm = core::meta(m);
            g_hot.nat.downstream(tr[j], l4[k].tcp_flags, now);
            const bool tcp_udp = pm->l4_proto == IPPROTO_TCP || pm->l4_proto == IPPROTO_UDP;
            rewrite(m, pm, false, tr[j]->fwd.dst, tr[j]->fwd.dport,
                    tcp_udp && tr[j]->fwd.dport != tr[j]->redirect_port);
            l4[k].sport = tr[j]->fwd.dport;
            core::count_stat(Stat::nat_reversed);
        }
    }
    if (!rt) return;

    // 3. Classify, both directions, one bulk call each.
    for (int dir = 0; dir < 2; dir++) {
        if (!rt->ctx[dir]) continue;
        AclKey ak[core::kBurst];
        const AclKey* akp[core::kBurst];
        uint16_t ak_of[core::kBurst];
        uint16_t ak_prof[core::kBurst];
        uint32_t na = 0;
        for (uint32_t k = 0; k < n; k++) {
            const uint16_t i = idx[k];
            if (b.verdict[i] != Verdict::kContinue) continue;
            const uint16_t prof = policy_of(pos[2 * k + dir]);
            if (prof == kNoProfile || prof == kEndedProfile) continue;
            if (dir == 1 && policy_of(pos[2 * k]) != kNoProfile) continue;  // upstream decided
            const PacketMeta* pm = core::meta(b.pkts[i]);
            const bool ports = pm->l4_proto == IPPROTO_TCP || pm->l4_proto == IPPROTO_UDP;
            ak[na] = make_key(prof, pm->l4_proto, pm->src_ip, pm->dst_ip, ports ? l4[k].sport : 0,
                              ports ? l4[k].dport : 0);
            akp[na] = &ak[na];
            ak_prof[na] = prof;
            ak_of[na++] = uint16_t(k);
        }
        if (!na) continue;
        uint32_t res[core::kBurst];
        classify(*rt, config::Direction(dir), akp, na, res);
        nat::Translation* hint[core::kBurst];
        if (dir == 0) redirect_hints(b, *rt, res, ak_of, idx, l4, na, hint);
        for (uint32_t j = 0; j < na; j++) {
            const uint32_t k = ak_of[j];
            core::count_stat(dir == 0 ? Stat::hotline_upstream : Stat::hotline_downstream);
            if (dir == 0) {
                upstream_action(b, idx[k], *rt, res[j], ak_prof[j], l4[k], now, hint[j]);
            } else if (res[j] != kNoRule && rt->rules[res[j]].action == Action::kFilter) {
                count_profile(ak_prof[j], kPcFiltered);
                core::drop(b, idx[k], Drop::hotline_filtered);
            } else {
                if (res[j] != kNoRule) count_profile(ak_prof[j], kPcPassed);
                core::count_stat(Stat::hotline_passed);
            }
        }
    }
}

__attribute__((constructor)) void register_hotline_stage() {
    core::register_stage("hotline", core::kRankHotline, hotline_stage);
}

}  // namespace
}  // namespace haslb::hotline
