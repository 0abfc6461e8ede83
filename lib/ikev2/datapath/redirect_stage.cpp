// SPDX-License-Identifier: BSD-3-Clause
// Cluster stage for IPv4 VIPs (kRankService): the burst engine
// (engine.hpp) with the IPv4 family.
// - IKE_SA_INIT request with REDIRECT_SUPPORTED or REDIRECTED_FROM: the
//   packet becomes haslb's IKE_SA_INIT response carrying only a REDIRECT
//   notify (least-loaded gateway of either family + the initiator's nonce),
//   sent back from the VIP to the client's address and port (route stage);
// - IKE without redirect support: NAT to the least-loaded IPv4 gateway,
//   sticky on {client, initiator SPI}; the client's UDP flow {client, port}
//   follows (ESP-in-UDP and keepalives on 4500);
// - from an IPv4 member (UDP 500/4500) to a NATed client's flow: source -> VIP.
// Every malformed IKE message is dropped under its own reason.
#include <rte_ip.h>
#include <rte_udp.h>

#include <cstddef>
#include <cstring>

#include "ikev2/datapath/engine.hpp"

namespace haslb::ikev2 {
namespace {

using core::Drop;
using core::PacketMeta;
using namespace detail;

struct V4 {
    static constexpr uint8_t kFamily = 4;
    static constexpr core::PktClass kClass = core::PktClass::kTransit;

    static bool active(const Snapshot& s) { return s.nb_vips != 0; }

    static int vip_index(const Snapshot& s, rte_mbuf*, const PacketMeta* pm) {
        for (uint16_t v = 0; v < s.nb_vips; v++)
            if (s.vips[v] == pm->dst_ip) return v;
        return -1;
    }

    static int member_index(const Snapshot& s, rte_mbuf*, const PacketMeta* pm) {
        if (s.nb_gw6 == s.nb_gw) return -1;
        for (uint16_t g = 0; g < s.nb_gw; g++)
            if (s.gw[g].addr4 == pm->src_ip) return g;
        return -1;
    }

    static const uint8_t* client(rte_mbuf* m, const PacketMeta* pm, bool src) {
        const size_t field =
            src ? offsetof(rte_ipv4_hdr, src_addr) : offsetof(rte_ipv4_hdr, dst_addr);
        return rte_pktmbuf_mtod_offset(m, const uint8_t*, pm->l2_len + field);
    }

    static Drop datagram(rte_mbuf* m, PacketMeta* pm, uint32_t& end) {
        if (pm->l4_proto != IPPROTO_UDP) return Drop::cluster_not_service;
        const auto* ip = net::at<rte_ipv4_hdr>(m, pm->l2_len);
        if (rte_be_to_cpu_16(ip->fragment_offset) &
            (RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK))
            return Drop::ike_fragment;
        // Headers are in the first segment (parse); the IKE message must be too.
        if (!rte_pktmbuf_is_contiguous(m) && rte_pktmbuf_linearize(m) != 0)
            return Drop::ike_truncated;
        ip = net::at<rte_ipv4_hdr>(m, pm->l2_len);
        end = pm->l2_len + uint32_t(rte_be_to_cpu_16(ip->total_length));
        if (end < pm->l4_off + sizeof(rte_udp_hdr) || rte_pktmbuf_data_len(m) < end)
            return Drop::ike_truncated;
        return Drop::kCount;
    }

    static bool is_target(const Snapshot& s, uint16_t g) { return s.gw[g].addr4 != 0; }

    // The request becomes the REDIRECT response, in place. False when the
    // buffer cannot hold it.
    static bool make_redirect(rte_mbuf* m, PacketMeta* pm, const Snapshot& s, uint16_t g,
                              size_t marker, const Message& msg, uint16_t) {
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

    static void nat_to(rte_mbuf* m, PacketMeta* pm, const Snapshot& s, uint16_t g) {
        rewrite_dst4(m, pm, s.gw[g].addr4);
    }

    static void nat_from(rte_mbuf* m, PacketMeta* pm, const Snapshot& s, uint16_t vip) {
        rewrite_src4(m, pm, s.vips[vip]);
    }
};

void cluster_stage(core::Burst& b, core::StageCtx& ctx) {
    cluster_burst<V4>(b, ctx);
}

__attribute__((constructor)) void register_cluster_stage() {
    core::register_stage("ikev2-cluster", core::kRankService, cluster_stage);
}

}  // namespace
}  // namespace haslb::ikev2
