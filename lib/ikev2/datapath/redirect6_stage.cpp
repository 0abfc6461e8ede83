// SPDX-License-Identifier: BSD-3-Clause
// Cluster stage for IPv6 VIPs (kRankService6, before route6): the burst
// engine (engine.hpp) with the IPv6 family. The same service as the IPv4
// stage: REDIRECT responses from the VIP (naming a gateway of either
// family), NAT66 of clients without redirect support to the least-loaded
// IPv6 member, and members' answers sent from the VIP. The REDIRECT response
// carries no extension header, whatever the request had; the UDP checksum is
// computed over the IPv6 pseudo-header.
#include <rte_ip.h>
#include <rte_udp.h>

#include <cstring>

#include "ikev2/datapath/engine.hpp"
#include "net/ipv6.hpp"

namespace haslb::ikev2 {
namespace {

using core::Drop;
using core::PacketMeta;
using namespace detail;

constexpr uint8_t kProtoFragment = 44;
constexpr uint8_t kHopLimit = 64;

inline rte_ipv6_hdr* ip6(rte_mbuf* m, const PacketMeta* pm) {
    return net::at<rte_ipv6_hdr>(m, pm->l2_len);
}

// Whether the extension chain before the upper layer has a Fragment header
// (parse_ipv6 walked and bounded it already; a first fragment reaches here
// with l4_proto UDP).
bool has_fragment_header(rte_mbuf* m, const PacketMeta* pm) {
    uint8_t nh = ip6(m, pm)->proto;
    uint32_t off = pm->l2_len + uint32_t(sizeof(rte_ipv6_hdr));
    while (off < pm->l4_off) {
        if (nh == kProtoFragment) return true;
        const uint8_t* h = rte_pktmbuf_mtod_offset(m, const uint8_t*, off);
        nh = h[0];
        off += (uint32_t(h[1]) + 1) * 8;
    }
    return false;
}

struct V6 {
    static constexpr uint8_t kFamily = 6;
    static constexpr core::PktClass kClass = core::PktClass::kTransit6;

    static bool active(const Snapshot& s) { return s.nb_vips6 != 0; }

    static int vip_index(const Snapshot& s, rte_mbuf* m, const PacketMeta* pm) {
        const uint8_t* dst = ip6(m, pm)->dst_addr;
        for (uint16_t v = 0; v < s.nb_vips6; v++)
            if (net::ip6_eq(s.vips6[v], dst)) return v;
        return -1;
    }

    static int member_index(const Snapshot& s, rte_mbuf* m, const PacketMeta* pm) {
        if (!s.nb_gw6) return -1;
        const uint8_t* src = ip6(m, pm)->src_addr;
        for (uint16_t g = 0; g < s.nb_gw; g++)
            if (s.gw[g].ident.type == kGwIpv6 && net::ip6_eq(s.gw[g].ident.addr, src)) return g;
        return -1;
    }

    static const uint8_t* client(rte_mbuf* m, const PacketMeta* pm, bool src) {
        rte_ipv6_hdr* ip = ip6(m, pm);
        return src ? ip->src_addr : ip->dst_addr;
    }

    static Drop datagram(rte_mbuf* m, PacketMeta* pm, uint32_t& end) {
        // parse_ipv6 stops at a non-first fragment with l4_proto 44.
        if (pm->l4_proto == kProtoFragment) return Drop::ike_fragment;
        if (pm->l4_proto != IPPROTO_UDP) return Drop::cluster_not_service;
        if (ip6(m, pm)->proto != IPPROTO_UDP && has_fragment_header(m, pm))
            return Drop::ike_fragment;
        if (!rte_pktmbuf_is_contiguous(m) && rte_pktmbuf_linearize(m) != 0)
            return Drop::ike_truncated;
        end =
            pm->l2_len + uint32_t(sizeof(rte_ipv6_hdr)) + rte_be_to_cpu_16(ip6(m, pm)->payload_len);
        if (end < pm->l4_off + sizeof(rte_udp_hdr) || rte_pktmbuf_data_len(m) < end)
            return Drop::ike_truncated;
        return Drop::kCount;
    }

    static bool is_target(const Snapshot& s, uint16_t g) { return s.gw[g].ident.type == kGwIpv6; }

    // The request becomes the REDIRECT response from VIP `vip`, in place:
    // IPv6 header, UDP, the marker on 4500, the IKE message. False when the
    // buffer cannot hold it.
    static bool make_redirect(rte_mbuf* m, PacketMeta* pm, const Snapshot& s, uint16_t g,
                              size_t marker, const Message& msg, uint16_t vip) {
        const uint8_t* req =
            rte_pktmbuf_mtod_offset(m, const uint8_t*, pm->l4_off + sizeof(rte_udp_hdr) + marker);
        uint8_t resp[kHeaderLen + 10 + 16 + kMaxNonce];
        const size_t rlen =
            redirect_response(msg.spi_i, s.gw[g].ident, req + msg.nonce_off, msg.nonce_len, resp);
        const auto* in_udp = net::at<rte_udp_hdr>(m, pm->l4_off);
        const rte_be16_t cport = in_udp->src_port, sport = in_udp->dst_port;
        uint8_t client[16];
        memcpy(client, ip6(m, pm)->src_addr, 16);

        // Extension headers of the request are dropped: UDP follows the header.
        const uint32_t l4 = pm->l2_len + uint32_t(sizeof(rte_ipv6_hdr));
        const uint32_t want = l4 + uint32_t(sizeof(rte_udp_hdr) + marker + rlen);
        const uint32_t have = rte_pktmbuf_pkt_len(m);
        if (want < have) {
            rte_pktmbuf_trim(m, uint16_t(have - want));
        } else if (want > have && !rte_pktmbuf_append(m, uint16_t(want - have))) {
            return false;
        }
        uint8_t* out = rte_pktmbuf_mtod_offset(m, uint8_t*, l4);
        memset(out + sizeof(rte_udp_hdr), 0, marker);
        memcpy(out + sizeof(rte_udp_hdr) + marker, resp, rlen);

        rte_ipv6_hdr* ip = ip6(m, pm);
        ip->vtc_flow = rte_cpu_to_be_32(6u << 28);
        ip->payload_len = rte_cpu_to_be_16(uint16_t(want - l4));
        ip->proto = IPPROTO_UDP;
        ip->hop_limits = kHopLimit;
        memcpy(ip->src_addr, s.vips6[vip], 16);
        memcpy(ip->dst_addr, client, 16);
        auto* udp = reinterpret_cast<rte_udp_hdr*>(out);
        udp->src_port = sport;
        udp->dst_port = cport;
        udp->dgram_len = rte_cpu_to_be_16(uint16_t(want - l4));
        udp->dgram_cksum = 0;
        const uint16_t c = net::ip6_l4_checksum(ip, udp, want - l4, IPPROTO_UDP);
        udp->dgram_cksum = rte_cpu_to_be_16(c ? c : 0xffff);
        pm->l4_off = uint16_t(l4);
        pm->l4_proto = IPPROTO_UDP;
        pm->flags |= core::kFlagLocalOrigin;
        return true;
    }

    static void nat_to(rte_mbuf* m, PacketMeta* pm, const Snapshot& s, uint16_t g) {
        rewrite_dst6(m, pm, s.gw[g].ident.addr);
    }

    static void nat_from(rte_mbuf* m, PacketMeta* pm, const Snapshot& s, uint16_t vip) {
        rewrite_src6(m, pm, s.vips6[vip]);
    }
};

void cluster6_stage(core::Burst& b, core::StageCtx& ctx) {
    cluster_burst<V6>(b, ctx);
}

__attribute__((constructor)) void register_cluster6_stage() {
    core::register_stage("ikev2-cluster6", core::kRankService6, cluster6_stage);
}

}  // namespace
}  // namespace haslb::ikev2
