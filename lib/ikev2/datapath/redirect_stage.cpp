// SPDX-License-Identifier: BSD-3-Clause
// Cluster stage (kRankService): IKE to a cluster VIP and gateways' answers
// to NATed clients.
// - IKE_SA_INIT request with REDIRECT_SUPPORTED or REDIRECTED_FROM: the
//   packet becomes haslb's IKE_SA_INIT response carrying only a REDIRECT
//   notify (least-loaded gateway + the initiator's nonce), sent back from
//   the VIP to the client's address and port (route stage);
// - IKE without redirect support: NAT to the least-loaded IPv4 gateway,
//   sticky on {client, initiator SPI}; the client's UDP flow {client, port}
//   follows (ESP-in-UDP and keepalives on 4500);
// - from a member (UDP 500/4500) to a NATed client's flow: source -> VIP.
// Every malformed IKE message is dropped under its own reason.
#include <rte_ip.h>
#include <rte_udp.h>

#include <cstring>

#include "core/pipeline.hpp"
#include "ikev2/cluster.hpp"
#include "ikev2/datapath/nat.hpp"
#include "net/headers.hpp"

namespace haslb::ikev2 {
namespace {

using core::Burst;
using core::Drop;
using core::PacketMeta;
using core::Stat;
using core::Verdict;
using namespace detail;

constexpr size_t kMarker = 4;  // non-ESP marker on 4500

Drop drop_for(Result r) {
    switch (r) {
        case Result::kTruncated:
            return Drop::ike_truncated;
        case Result::kBadVersion:
            return Drop::ike_bad_version;
        case Result::kBadLength:
            return Drop::ike_bad_length;
        case Result::kBadPayload:
            return Drop::ike_bad_payload;
        case Result::kBadNotify:
            return Drop::ike_bad_notify;
        case Result::kNoNonce:
            return Drop::ike_no_nonce;
        case Result::kBadNonce:
            return Drop::ike_bad_nonce;
        default:
            return Drop::ike_no_session;
    }
}

int vip_index(const Snapshot& s, uint32_t dst) {
    for (uint16_t v = 0; v < s.nb_vips; v++)
        if (s.vips[v] == dst) return v;
    return -1;
}

int member_v4(const Snapshot& s, uint32_t src) {
    for (uint16_t g = 0; g < s.nb_gw; g++)
        if (s.gw[g].addr4 == src) return g;
    return -1;
}

// Least-loaded gateway, counted as pending until its next report.
int pick(const Snapshot& s, bool ipv4_only) {
    const uint64_t t = g_cluster.ticket->fetch_add(1, std::memory_order_relaxed);
    const int g = choose(s.load, g_cluster.pending, s.nb_gw, s.overload, t, ipv4_only);
    if (g >= 0) g_cluster.pending[g].fetch_add(1, std::memory_order_relaxed);
    return g;
}

// Turns the request into the REDIRECT response, in place. False when the
// buffer cannot hold it.
bool make_redirect(rte_mbuf* m, PacketMeta* pm, const Snapshot& s, uint16_t g, size_t marker,
                   const Message& msg) {
    uint8_t* l4 = rte_pktmbuf_mtod_offset(m, uint8_t*, pm->l4_off);
    uint8_t* ike = l4 + sizeof(rte_udp_hdr) + marker;
    uint8_t resp[kHeaderLen + 10 + 16 + kMaxNonce];
    const size_t rlen =
        redirect_response(msg.spi_i, s.gw[g].ident, ike + msg.nonce_off, msg.nonce_len, resp);
    const uint32_t want = pm->l4_off + uint32_t(sizeof(rte_udp_hdr) + marker + rlen);
    const uint32_t have = rte_pktmbuf_pkt_len(m);
    if (want < have) {
        rte_pktmbuf_trim(m, uint16_t(have - want));
    } else if (want > have && !rte_pktmbuf_append(m, uint16_t(want - have))) {
        return false;
    }
    memcpy(ike, resp, rlen);  // the marker (zeros) stays in front on 4500

    auto* ip = net::at<rte_ipv4_hdr>(m, pm->l2_len);
    auto* udp = reinterpret_cast<rte_udp_hdr*>(l4);
    const uint32_t client = pm->src_ip, vip = pm->dst_ip;
    ip->src_addr = rte_cpu_to_be_32(vip);
    ip->dst_addr = rte_cpu_to_be_32(client);
    ip->total_length = rte_cpu_to_be_16(uint16_t(want - pm->l2_len));
    ip->packet_id = 0;
    ip->fragment_offset = 0;
    ip->time_to_live = 64;
    net::ipv4_set_checksum(ip);
    const rte_be16_t sport = udp->src_port;
    udp->src_port = udp->dst_port;
    udp->dst_port = sport;
    udp->dgram_len = rte_cpu_to_be_16(uint16_t(want - pm->l4_off));
    udp->dgram_cksum = 0;
    udp->dgram_cksum = rte_ipv4_udptcp_cksum(ip, udp);
    pm->src_ip = vip;
    pm->dst_ip = client;
    pm->flags |= core::kFlagLocalOrigin;
    return true;
}

// NAT of a packet to a VIP to gateway g; also records the client's flow.
void nat_forward(Burst& b, uint16_t i, const Snapshot& s, uint16_t g, uint32_t vip, uint16_t cport,
                 uint64_t now) {
    rte_mbuf* m = b.pkts[i];
    PacketMeta* pm = core::meta(m);
    const NatKey fk{pm->src_ip, cport, uint16_t(NatKind::kFlow), 0};
    NatEntry* f = nat_find(fk);
    if (!f || f->gw != g) f = nat_put(fk, g, vip, now);
    if (!f) {
        core::drop(b, i, Drop::cluster_nat_full);
        return;
    }
    f->last_seen.store(now, std::memory_order_relaxed);
    rewrite_dst(m, pm, s.gw[g].addr4);
    core::count_stat(Stat::ike_nat_forwarded);
}

void to_vip(Burst& b, uint16_t i, const Snapshot& s, uint16_t vip_i, uint64_t now) {
    rte_mbuf* m = b.pkts[i];
    PacketMeta* pm = core::meta(m);
    auto* ip = net::at<rte_ipv4_hdr>(m, pm->l2_len);
    if (pm->l4_proto != IPPROTO_UDP) return core::drop(b, i, Drop::cluster_not_service);
    if (rte_be_to_cpu_16(ip->fragment_offset) & (RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK))
        return core::drop(b, i, Drop::ike_fragment);
    // Headers are in the first segment (parse); the IKE message must be too.
    if (!rte_pktmbuf_is_contiguous(m) && rte_pktmbuf_linearize(m) != 0)
        return core::drop(b, i, Drop::ike_truncated);
    const uint32_t end = pm->l2_len + uint32_t(rte_be_to_cpu_16(ip->total_length));
    if (end < pm->l4_off + sizeof(rte_udp_hdr) || rte_pktmbuf_data_len(m) < end)
        return core::drop(b, i, Drop::ike_truncated);
    auto* udp = net::at<rte_udp_hdr>(m, pm->l4_off);
    const uint16_t dport = rte_be_to_cpu_16(udp->dst_port);
    const uint16_t cport = rte_be_to_cpu_16(udp->src_port);
    if (dport != kPortIke && dport != kPortNatT) return core::drop(b, i, Drop::cluster_not_service);
    const uint8_t* p = rte_pktmbuf_mtod_offset(m, const uint8_t*, pm->l4_off + sizeof(rte_udp_hdr));
    size_t len = end - pm->l4_off - sizeof(rte_udp_hdr);
    const uint32_t vip = s.vips[vip_i];
    size_t marker = 0;
    if (dport == kPortNatT) {
        // ESP-in-UDP (non-zero SPI) or a NAT keepalive (one 0xff): the
        // client's flow decides.
        const bool keepalive = len == 1 && p[0] == 0xff;
        if (!keepalive && len < kMarker) return core::drop(b, i, Drop::ike_truncated);
        if (keepalive || p[0] | p[1] | p[2] | p[3]) {
            NatEntry* f = nat_find(NatKey{pm->src_ip, cport, uint16_t(NatKind::kFlow), 0});
            if (!f || f->gw >= s.nb_gw || !s.gw[f->gw].addr4)
                return core::drop(b, i, Drop::ike_no_session);
            f->last_seen.store(now, std::memory_order_relaxed);
            rewrite_dst(m, pm, s.gw[f->gw].addr4);
            core::count_stat(Stat::ike_nat_forwarded);
            return;
        }
        marker = kMarker;
        p += kMarker;
        len -= kMarker;
    }
    Message msg;
    const Result r = parse(p, len, msg);
    if (r != Result::kOk) return core::drop(b, i, drop_for(r));
    const NatKey sk{pm->src_ip, 0, uint16_t(NatKind::kSa), msg.spi_i};
    if (msg.sa_init_request) {
        core::count_stat(Stat::ike_sa_init_seen);
        if (msg.redirect_supported || msg.redirected_from) {
            const int g = pick(s, false);
            if (g < 0) return core::drop(b, i, Drop::cluster_no_gateway);
            if (!make_redirect(m, pm, s, uint16_t(g), marker, msg))
                return core::drop(b, i, Drop::ike_redirect_no_room);
            g_cluster.redirects[g].fetch_add(1, std::memory_order_relaxed);
            core::count_stat(Stat::ike_redirects_sent);
            return;  // kContinue: the route stage sends it to the client
        }
    }
    NatEntry* e = nat_find(sk);
    if (e && e->gw < s.nb_gw && s.gw[e->gw].addr4) {
        e->last_seen.store(now, std::memory_order_relaxed);
        return nat_forward(b, i, s, e->gw, vip, cport, now);
    }
    if (!msg.sa_init_request) return core::drop(b, i, Drop::ike_no_session);
    const int g = pick(s, true);
    if (g < 0) return core::drop(b, i, Drop::cluster_no_gateway);
    if (!nat_put(sk, uint16_t(g), vip, now)) return core::drop(b, i, Drop::cluster_nat_full);
    g_cluster.nat_new[g].fetch_add(1, std::memory_order_relaxed);
    core::count_stat(Stat::ike_nat_new);
    nat_forward(b, i, s, uint16_t(g), vip, cport, now);
}

// A member's UDP 500/4500 packet to a NATed client: it leaves from the VIP.
void from_member(rte_mbuf* m, PacketMeta* pm, const Snapshot& s, uint16_t g, uint64_t now) {
    if (rte_pktmbuf_data_len(m) < pm->l4_off + sizeof(rte_udp_hdr)) return;
    auto* udp = net::at<rte_udp_hdr>(m, pm->l4_off);
    const uint16_t sport = rte_be_to_cpu_16(udp->src_port);
    if (sport != kPortIke && sport != kPortNatT) return;
    NatEntry* f =
        nat_find(NatKey{pm->dst_ip, rte_be_to_cpu_16(udp->dst_port), uint16_t(NatKind::kFlow), 0});
    if (!f || f->gw != g || !f->vip) return;
    (void)s;
    f->last_seen.store(now, std::memory_order_relaxed);
    rewrite_src(m, pm, f->vip);
    core::count_stat(Stat::ike_nat_reversed);
}

void cluster_stage(Burst& b, core::StageCtx& ctx) {
    const Snapshot* s = g_cluster.snap.load(std::memory_order_acquire);
    if (!s) return;
    for (uint16_t i = 0; i < b.n; i++) {
        if (b.verdict[i] != Verdict::kContinue) continue;
        rte_mbuf* m = b.pkts[i];
        PacketMeta* pm = core::meta(m);
        if (pm->cls != core::PktClass::kTransit) continue;
        if (const int v = vip_index(*s, pm->dst_ip); v >= 0) {
            to_vip(b, i, *s, uint16_t(v), ctx.now_tsc);
            continue;
        }
        if (pm->l4_proto != IPPROTO_UDP) continue;
        if (const int g = member_v4(*s, pm->src_ip); g >= 0)
            from_member(m, pm, *s, uint16_t(g), ctx.now_tsc);
    }
}

__attribute__((constructor)) void register_cluster_stage() {
    core::register_stage("ikev2-cluster", core::kRankService, cluster_stage);
}

}  // namespace
}  // namespace haslb::ikev2
