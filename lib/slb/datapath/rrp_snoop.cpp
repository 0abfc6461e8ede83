// SPDX-License-Identifier: BSD-3-Clause
// RRP snoop stage: Registration Replies routed through haslb (from a real
// HA to the PDSN/FA) are read, never changed: the control lcore learns the
// binding, marks the session answered and the real alive. Only packets
// with UDP source port 434 are looked at.
#include <rte_ip.h>
#include <rte_udp.h>

#include <cstring>

#include "core/pipeline.hpp"
#include "net/headers.hpp"
#include "slb/slb.hpp"

namespace haslb::slb {
namespace {

void rrp_snoop_stage(core::Burst& b, core::StageCtx&) {
    if (!g_slb.events) return;
    for (uint16_t i = 0; i < b.n; i++) {
        if (b.verdict[i] != core::Verdict::kContinue) continue;
        rte_mbuf* m = b.pkts[i];
        const core::PacketMeta* pm = core::meta(m);
        if (pm->l4_proto != IPPROTO_UDP ||
            rte_pktmbuf_data_len(m) < pm->l4_off + sizeof(rte_udp_hdr))
            continue;
        const auto* udp = net::at<rte_udp_hdr>(m, pm->l4_off);
        if (udp->src_port != rte_cpu_to_be_16(mip::kPort)) continue;
        const auto* ip = net::at<rte_ipv4_hdr>(m, pm->l2_len);
        const uint32_t off = pm->l4_off + sizeof(rte_udp_hdr);
        const uint32_t end = std::min<uint32_t>(pm->l2_len + rte_be_to_cpu_16(ip->total_length),
                                                rte_pktmbuf_data_len(m));
        if (end <= off) continue;
        const uint8_t* payload = rte_pktmbuf_mtod_offset(m, const uint8_t*, off);
        mip::Rrp rrp;
        if (mip::parse_rrp(payload, end - off, rrp) != mip::Result::kOk)
            continue;  // not ours to judge
        core::count_stat(core::Stat::rrp_seen);
        core::count_stat(rrp.code <= 1 ? core::Stat::rrp_accepted : core::Stat::rrp_denied);
        Event e;
        e.type = EventType::kRrp;
        e.code = rrp.code;
        e.lifetime = rrp.lifetime;
        e.src = pm->src_ip;
        e.client = pm->dst_ip;
        e.home_addr = rrp.home_addr;
        e.ha_addr = rrp.ha_addr;
        e.vs = 0;
        e.real = kNoReal;
        e.old_real = kNoReal;
        e.retries = 0;
        e.nai_len = uint8_t(rrp.nai_len);
        e.nai_hash = rrp.nai_len ? mip::nai_hash(payload + rrp.nai_off, rrp.nai_len) : 0;
        memcpy(e.nai, payload + rrp.nai_off, rrp.nai_len);
        if (rte_ring_mp_enqueue_elem(g_slb.events, &e, sizeof(Event)) != 0)
            core::count_stat(core::Stat::slb_events_lost);
    }
}

// After the service stage (RRQs are decided), before hotline and route.
__attribute__((constructor)) void register_rrp_snoop() {
    core::register_stage("rrp-snoop", core::kRankService + 50, rrp_snoop_stage);
}

}  // namespace
}  // namespace haslb::slb
