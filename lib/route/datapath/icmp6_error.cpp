// SPDX-License-Identifier: BSD-3-Clause
#include "route/datapath/icmp6_error.hpp"

#include <rte_ip.h>

#include <algorithm>
#include <cstring>

#include "net/ipv6.hpp"
#include "route/datapath/icmp_error.hpp"

namespace haslb::route {
namespace {

bool is_icmp6_error(const rte_mbuf* m, const core::PacketMeta* pm) {
    if (pm->l4_proto != net::kProtoIcmp6) return false;
    if (rte_pktmbuf_data_len(m) < pm->l4_off + 1u) return true;  // cannot tell: stay silent
    return *rte_pktmbuf_mtod_offset(m, const uint8_t*, pm->l4_off) < 128;
}

}  // namespace

bool icmp6_error_in_place(rte_mbuf* m, uint8_t type, uint8_t code, uint32_t param,
                          uint16_t from_port, uint64_t now) {
    core::PacketMeta* pm = core::meta(m);
    const core::DpPort& port = core::g_dp.ports[from_port];
    auto* ip = rte_pktmbuf_mtod_offset(m, rte_ipv6_hdr*, pm->l2_len);
    if (!port.plen6 || is_icmp6_error(m, pm)) return false;
    if (net::ip6_is_multicast(ip->src_addr) || net::ip6_is_unspecified(ip->src_addr) ||
        net::ip6_is_multicast(ip->dst_addr))
        return false;
    if (!icmp_take_token(now)) {
        core::count_drop(core::Drop::icmp_rate_limited);
        return false;
    }
    const uint8_t l2 = pm->l2_len;
    constexpr uint32_t hdrs = sizeof(rte_ipv6_hdr) + 8;
    const uint32_t orig = rte_pktmbuf_pkt_len(m) - l2;
    const uint32_t quoted = std::min(orig, net::kIpv6MinMtu - hdrs);
    if (orig > quoted) rte_pktmbuf_trim(m, uint16_t(orig - quoted));
    // The quote must be contiguous for the checksum: one segment only.
    if (rte_pktmbuf_headroom(m) < hdrs || !rte_pktmbuf_is_contiguous(m)) return false;
    uint8_t src[16];
    std::memcpy(src, ip->src_addr, 16);
    char* front = rte_pktmbuf_prepend(m, uint16_t(hdrs));
    std::memmove(front, front + hdrs, l2);  // keep the L2 header in front

    auto* nip = rte_pktmbuf_mtod_offset(m, rte_ipv6_hdr*, l2);
    nip->vtc_flow = rte_cpu_to_be_32(6u << 28);
    nip->payload_len = rte_cpu_to_be_16(uint16_t(8 + quoted));
    nip->proto = net::kProtoIcmp6;
    nip->hop_limits = 64;
    std::memcpy(nip->src_addr, port.addr6, 16);
    std::memcpy(nip->dst_addr, src, 16);
    uint8_t* icmp = reinterpret_cast<uint8_t*>(nip + 1);
    icmp[0] = type;
    icmp[1] = code;
    icmp[2] = icmp[3] = 0;
    icmp[4] = uint8_t(param >> 24);
    icmp[5] = uint8_t(param >> 16);
    icmp[6] = uint8_t(param >> 8);
    icmp[7] = uint8_t(param);
    const uint16_t c = net::ip6_l4_checksum(nip, icmp, 8 + quoted, net::kProtoIcmp6);
    icmp[2] = uint8_t(c >> 8);
    icmp[3] = uint8_t(c);

    pm->l4_proto = net::kProtoIcmp6;
    pm->l4_off = uint16_t(l2 + sizeof(rte_ipv6_hdr));
    pm->flags |= core::kFlagLocalOrigin;
    pm->flags &= uint8_t(~core::kFlagNextHopSet);
    return true;
}

}  // namespace haslb::route
