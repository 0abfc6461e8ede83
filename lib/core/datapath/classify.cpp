// SPDX-License-Identifier: BSD-3-Clause
// Classify stage: ARP and packets for the appliance itself go to the control
// lcore; impossible sources are dropped; everything else stays kContinue as
// transit for the service, hotline and route stages. IPv6 packets are
// classify6's (classify6.cpp).
#include "core/pipeline.hpp"

namespace haslb::core {
namespace {

inline bool is_local_dst(uint32_t dst) {
    if (dst == 0xffffffffu || (dst >> 28) == 0xe) return true;  // broadcast, multicast
    for (uint16_t p = 0; p < g_dp.nb_ports; p++) {
        const DpPort& port = g_dp.ports[p];
        if (dst == port.addr || (dst == port.bcast && port.mask != 0xffffffffu)) return true;
    }
    return false;
}

inline bool is_martian_src(uint32_t src) {
    if (src == 0 || src == 0xffffffffu || (src >> 28) == 0xe || (src >> 24) == 127) return true;
    for (uint16_t p = 0; p < g_dp.nb_ports; p++)
        if (src == g_dp.ports[p].addr) return true;
    return false;
}

void classify_stage(Burst& b, StageCtx&) {
    for (uint16_t i = 0; i < b.n; i++) {
        if (b.verdict[i] != Verdict::kContinue) continue;
        PacketMeta* pm = meta(b.pkts[i]);
        if (pm->cls == PktClass::kTransit6) continue;
        if (pm->cls == PktClass::kArp) {
            to_control(b, i, ControlKind::kArp);
            continue;
        }
        if (is_martian_src(pm->src_ip)) {
            drop(b, i, Drop::martian_source);
            continue;
        }
        if (is_local_dst(pm->dst_ip)) {
            pm->cls = PktClass::kLocal;
            to_control(b, i, ControlKind::kLocal);
        }
    }
}

__attribute__((constructor)) void register_classify() {
    register_stage("classify", kRankClassify, classify_stage);
}

}  // namespace
}  // namespace haslb::core
