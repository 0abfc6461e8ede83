// SPDX-License-Identifier: BSD-3-Clause
// ARP on the control lcore: learning from what workers hand over, requests
// for the resolver. The kernel behind the exception tap answers requests for
// the appliance's own addresses; this file never answers for them itself.
#include <rte_arp.h>

#include <algorithm>
#include <vector>

#include "core/control.hpp"
#include "core/exception.hpp"
#include "net/l2.hpp"
#include "route/neighbor.hpp"

namespace haslb::route {
namespace {

bool on_subnet(const core::DpPort& p, uint32_t ip) {
    return (ip & p.mask) == (p.addr & p.mask) && ip != p.addr && ip != p.bcast;
}

std::vector<ArpOwnerFn> g_owners;

bool owned(uint16_t port, uint32_t ip) {
    for (ArpOwnerFn fn : g_owners)
        if (fn(port, ip)) return true;
    return false;
}

// Turns the request in `m` into our reply for `ip` and sends it.
void reply_in_place(rte_mbuf* m, const core::DpPort& p, uint16_t port, rte_arp_hdr* arp, uint32_t ip) {
    const rte_ether_addr asker = arp->arp_data.arp_sha;
    const uint32_t asker_ip = arp->arp_data.arp_sip;
    arp->arp_opcode = rte_cpu_to_be_16(RTE_ARP_OP_REPLY);
    arp->arp_data.arp_tha = asker;
    arp->arp_data.arp_tip = asker_ip;
    arp->arp_data.arp_sha = p.mac;
    arp->arp_data.arp_sip = rte_cpu_to_be_32(ip);
    uint8_t l2 = core::meta(m)->l2_len;
    net::l2_write(m, l2, asker, p.mac, p.vlan, RTE_ETHER_TYPE_ARP);
    core::control_tx(port, m);
}

}  // namespace

void register_arp_owner(ArpOwnerFn fn) {
    if (fn && std::find(g_owners.begin(), g_owners.end(), fn) == g_owners.end())
        g_owners.push_back(fn);
}

void unregister_arp_owner(ArpOwnerFn fn) {
    g_owners.erase(std::remove(g_owners.begin(), g_owners.end(), fn), g_owners.end());
}

int arp_send_request(uint16_t port, uint32_t target, const rte_ether_addr* dst) {
    const core::DpPort& p = core::g_dp.ports[port];
    rte_mbuf* m = rte_pktmbuf_alloc(core::g_pool);
    if (!m) return -ENOMEM;
    uint8_t l2 = p.vlan ? sizeof(rte_ether_hdr) + sizeof(rte_vlan_hdr) : sizeof(rte_ether_hdr);
    char* data = rte_pktmbuf_append(m, uint16_t(l2 + sizeof(rte_arp_hdr)));
    if (!data) {
        rte_pktmbuf_free(m);
        return -ENOMEM;
    }
    rte_ether_addr bcast;
    memset(bcast.addr_bytes, 0xff, sizeof(bcast.addr_bytes));
    net::l2_write(m, l2, dst ? *dst : bcast, p.mac, p.vlan, RTE_ETHER_TYPE_ARP);
    auto* arp = rte_pktmbuf_mtod_offset(m, rte_arp_hdr*, l2);
    arp->arp_hardware = rte_cpu_to_be_16(RTE_ARP_HRD_ETHER);
    arp->arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
    arp->arp_hlen = RTE_ETHER_ADDR_LEN;
    arp->arp_plen = 4;
    arp->arp_opcode = rte_cpu_to_be_16(RTE_ARP_OP_REQUEST);
    arp->arp_data.arp_sha = p.mac;
    arp->arp_data.arp_sip = rte_cpu_to_be_32(p.addr);
    memset(&arp->arp_data.arp_tha, 0, sizeof(arp->arp_data.arp_tha));
    arp->arp_data.arp_tip = rte_cpu_to_be_32(target);
    core::count_stat(core::Stat::arp_requests_sent);
    return core::control_tx(port, m);
}

void arp_input(rte_mbuf* m) {
    core::PacketMeta* pm = core::meta(m);
    const core::DpPort& p = core::g_dp.ports[pm->in_port];
    auto* arp = rte_pktmbuf_mtod_offset(m, rte_arp_hdr*, pm->l2_len);
    const uint16_t op = rte_be_to_cpu_16(arp->arp_opcode);
    const uint32_t sip = rte_be_to_cpu_32(arp->arp_data.arp_sip);
    const uint32_t tip = rte_be_to_cpu_32(arp->arp_data.arp_tip);
    const bool for_us = tip == p.addr;
    const bool gratuitous = sip == tip;

    if (op == RTE_ARP_OP_REPLY) core::count_stat(core::Stat::arp_replies_received);
    bool learned = false;
    if (on_subnet(p, sip) && !rte_is_zero_ether_addr(&arp->arp_data.arp_sha) &&
        rte_is_unicast_ether_addr(&arp->arp_data.arp_sha)) {
        // Create entries only for conversations with us (as Linux does);
        // anything else may refresh an entry we already have.
        const bool create = for_us || (op == RTE_ARP_OP_REPLY && tip == p.addr);
        learned = neigh_update(pm->in_port, sip, arp->arp_data.arp_sha, create) == 0;
    }
    if (op == RTE_ARP_OP_REQUEST && !for_us && !gratuitous && owned(pm->in_port, tip)) {
        // A virtual server: answered here, the kernel does not hold it.
        if (on_subnet(p, sip)) neigh_update(pm->in_port, sip, arp->arp_data.arp_sha, true);
        reply_in_place(m, p, pm->in_port, arp, tip);
        return;
    }
    if (for_us || gratuitous) {
        core::deliver_to_kernel(m);
        return;
    }
    if (!learned) core::count_drop(core::Drop::arp_ignored);
    rte_pktmbuf_free(m);
}

}  // namespace haslb::route
