// SPDX-License-Identifier: BSD-3-Clause
#include "route/datapath/icmp_error.hpp"

#include <rte_cycles.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_lcore.h>

#include <cstring>

#include "net/headers.hpp"

namespace haslb::route {
namespace {

// Token bucket per lcore: kRate errors per second, bursts of kBurst.
constexpr uint64_t kRate = 1000;
constexpr uint64_t kBucket = 100;

struct alignas(RTE_CACHE_LINE_SIZE) Bucket {
    uint64_t tokens = kBucket;
    uint64_t last_tsc = 0;
};
Bucket g_buckets[RTE_MAX_LCORE + 1];

}  // namespace

bool icmp_take_token(uint64_t now) {
    const unsigned id = rte_lcore_id();
    Bucket& b = g_buckets[id < RTE_MAX_LCORE ? id : RTE_MAX_LCORE];
    const uint64_t per_token = rte_get_tsc_hz() / kRate;
    if (now > b.last_tsc) {
        const uint64_t add = (now - b.last_tsc) / per_token;
        if (add) {
            b.tokens = std::min(kBucket, b.tokens + add);
            b.last_tsc += add * per_token;
        }
        if (b.last_tsc == 0 || now - b.last_tsc > rte_get_tsc_hz()) b.last_tsc = now;
    }
    if (!b.tokens) return false;
    b.tokens--;
    return true;
}

namespace {

bool is_icmp_error(const rte_mbuf* m, const core::PacketMeta* pm) {
    if (pm->l4_proto != IPPROTO_ICMP) return false;
    if (rte_pktmbuf_data_len(m) < pm->l4_off + 1u) return true;  // cannot tell: stay silent
    const uint8_t t = *rte_pktmbuf_mtod_offset(m, const uint8_t*, pm->l4_off);
    return t == 3 || t == 4 || t == 5 || t == 11 || t == 12;
}

}  // namespace

bool icmp_error_in_place(rte_mbuf* m, uint8_t type, uint8_t code, uint16_t from_port, uint64_t now) {
    core::PacketMeta* pm = core::meta(m);
    auto* ip = net::at<rte_ipv4_hdr>(m, pm->l2_len);
    if (rte_be_to_cpu_16(ip->fragment_offset) & RTE_IPV4_HDR_OFFSET_MASK) return false;
    if (is_icmp_error(m, pm)) return false;
    if (!icmp_take_token(now)) {
        core::count_drop(core::Drop::icmp_rate_limited);
        return false;
    }
    const uint32_t ihl = rte_ipv4_hdr_len(ip);
    const uint32_t total = rte_be_to_cpu_16(ip->total_length);
    const uint32_t quoted = std::min(total, ihl + 8);  // RFC 792: header + 64 bits
    const uint8_t l2 = pm->l2_len;
    const uint32_t hdrs = sizeof(rte_ipv4_hdr) + sizeof(rte_icmp_hdr);
    if (rte_pktmbuf_pkt_len(m) > l2 + quoted) rte_pktmbuf_trim(m, uint16_t(rte_pktmbuf_pkt_len(m) - l2 - quoted));
    if (rte_pktmbuf_headroom(m) < hdrs) return false;
    char* front = rte_pktmbuf_prepend(m, uint16_t(hdrs));
    memmove(front, front + hdrs, l2);  // keep the L2 header in front

    auto* nip = net::at<rte_ipv4_hdr>(m, l2);
    const uint32_t src = core::g_dp.ports[from_port].addr;
    const uint32_t dst = pm->src_ip;
    nip->version_ihl = RTE_IPV4_VHL_DEF;
    nip->type_of_service = 0xc0;  // internetwork control, as routers send errors
    nip->total_length = rte_cpu_to_be_16(uint16_t(hdrs + quoted));
    nip->packet_id = 0;
    nip->fragment_offset = 0;
    nip->time_to_live = 64;
    nip->next_proto_id = IPPROTO_ICMP;
    nip->src_addr = rte_cpu_to_be_32(src);
    nip->dst_addr = rte_cpu_to_be_32(dst);
    net::ipv4_set_checksum(nip);

    auto* icmp = reinterpret_cast<rte_icmp_hdr*>(nip + 1);
    icmp->icmp_type = type;
    icmp->icmp_code = code;
    icmp->icmp_cksum = 0;
    icmp->icmp_ident = 0;
    icmp->icmp_seq_nb = 0;
    icmp->icmp_cksum = rte_cpu_to_be_16(net::checksum(icmp, sizeof(rte_icmp_hdr) + quoted));

    pm->src_ip = src;
    pm->dst_ip = dst;
    pm->l4_proto = IPPROTO_ICMP;
    pm->l4_off = uint16_t(l2 + sizeof(rte_ipv4_hdr));
    pm->flags |= core::kFlagLocalOrigin;
    return true;
}

}  // namespace haslb::route
