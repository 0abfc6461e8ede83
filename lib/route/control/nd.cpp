// SPDX-License-Identifier: BSD-3-Clause
// Neighbour Discovery (RFC 4861) on the control lcore: validation, learning
// from NS/NA, answers for addresses ND owners claim (virtual addresses), and
// solicitations for the resolver. The kernel behind the exception tap answers
// for the port's own addresses (address6 and the link-local one); this file
// never answers for them itself, it hands those messages to the kernel.
#include <rte_ip.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "core/control.hpp"
#include "core/exception.hpp"
#include "net/ipv6.hpp"
#include "net/l2.hpp"
#include "route/neighbor.hpp"

namespace haslb::route {
namespace {

std::vector<NdOwnerFn> g_owners;

bool owned(uint16_t port, const uint8_t* a) {
    for (NdOwnerFn fn : g_owners)
        if (fn(port, a)) return true;
    return false;
}

// A port without address6 has no IPv6 addresses at all (its ll6 is zero).
bool is_port_addr(const core::DpPort& p, const uint8_t* a) {
    return p.plen6 && (net::ip6_eq(a, p.addr6) || net::ip6_eq(a, p.ll6));
}

// Neighbours we keep: on the port's IPv6 subnet or link-local.
bool on_link(const core::DpPort& p, const uint8_t* a) {
    if (net::ip6_is_link_local(a)) return true;
    return p.plen6 && net::ip6_in_prefix(a, p.addr6, p.plen6) && !net::ip6_eq(a, p.addr6);
}

struct NdMsg {
    uint8_t type = 0;
    uint32_t flags = 0;  // NA: R, S, O (host order, bits 31..29)
    const uint8_t* target = nullptr;
    const rte_ether_addr* lla = nullptr;  // source (NS) or target (NA) link-layer address
};

constexpr uint32_t kNsNaLen = 24;  // type, code, checksum, reserved/flags, target

// Validates an NS or NA (RFC 4861 7.1.1 / 7.1.2). Returns false if malformed.
bool parse_ns_na(rte_mbuf* m, const core::PacketMeta* pm, const rte_ipv6_hdr* ip, NdMsg& out) {
    const uint32_t end =
        pm->l2_len + uint32_t(sizeof(rte_ipv6_hdr)) + rte_be_to_cpu_16(ip->payload_len);
    if (end > rte_pktmbuf_data_len(m) || pm->l4_off + kNsNaLen > end) return false;
    const uint32_t len = end - pm->l4_off;
    const uint8_t* icmp = rte_pktmbuf_mtod_offset(m, const uint8_t*, pm->l4_off);
    if (icmp[1] != 0 || ip->hop_limits != net::kNdHopLimit) return false;
    if (net::ip6_l4_checksum(ip, icmp, len, net::kProtoIcmp6) != 0) return false;
    out.type = icmp[0];
    out.flags =
        uint32_t(icmp[4]) << 24 | uint32_t(icmp[5]) << 16 | uint32_t(icmp[6]) << 8 | icmp[7];
    out.target = icmp + 8;
    if (net::ip6_is_multicast(out.target)) return false;
    const uint8_t want =
        out.type == net::kNdNeighborSolicit ? net::kNdOptSourceLla : net::kNdOptTargetLla;
    for (uint32_t off = kNsNaLen; off < len;) {
        if (off + 2 > len || icmp[off + 1] == 0 || off + icmp[off + 1] * 8u > len) return false;
        if (icmp[off] == want && icmp[off + 1] == 1)
            out.lla = reinterpret_cast<const rte_ether_addr*>(icmp + off + 2);
        off += icmp[off + 1] * 8u;
    }
    const bool src_unspec = net::ip6_is_unspecified(ip->src_addr);
    if (out.type == net::kNdNeighborSolicit && src_unspec) {
        // DAD: to the solicited-node group, no source link-layer option.
        uint8_t sn[16];
        net::ip6_solicited_node(out.target, sn);
        if (!net::ip6_eq(ip->dst_addr, sn) || out.lla) return false;
    }
    if (out.type == net::kNdNeighborAdvert && net::ip6_is_multicast(ip->dst_addr) &&
        (out.flags & net::kNaSolicited))
        return false;
    return true;
}

// Fills the IPv6 + ICMPv6 NS/NA at `l2` of `m` (already sized) and its checksum.
void write_ns_na(rte_mbuf* m, uint8_t l2, uint8_t type, uint32_t flags, const uint8_t* src,
                 const uint8_t* dst, const uint8_t* target, uint8_t opt,
                 const rte_ether_addr& lla) {
    auto* ip = rte_pktmbuf_mtod_offset(m, rte_ipv6_hdr*, l2);
    const uint16_t plen = kNsNaLen + 8;
    ip->vtc_flow = rte_cpu_to_be_32(6u << 28);
    ip->payload_len = rte_cpu_to_be_16(plen);
    ip->proto = net::kProtoIcmp6;
    ip->hop_limits = net::kNdHopLimit;
    std::memcpy(ip->src_addr, src, 16);
    std::memcpy(ip->dst_addr, dst, 16);
    uint8_t* icmp = reinterpret_cast<uint8_t*>(ip + 1);
    std::memset(icmp, 0, plen);
    icmp[0] = type;
    icmp[4] = uint8_t(flags >> 24);
    std::memcpy(icmp + 8, target, 16);
    icmp[24] = opt;
    icmp[25] = 1;
    std::memcpy(icmp + 26, lla.addr_bytes, 6);
    const uint16_t c = net::ip6_l4_checksum(ip, icmp, plen, net::kProtoIcmp6);
    icmp[2] = uint8_t(c >> 8);
    icmp[3] = uint8_t(c);
}

rte_mbuf* alloc_ns_na(const core::DpPort& p, uint8_t& l2) {
    rte_mbuf* m = rte_pktmbuf_alloc(core::g_pool);
    if (!m) return nullptr;
    l2 = p.vlan ? sizeof(rte_ether_hdr) + sizeof(rte_vlan_hdr) : sizeof(rte_ether_hdr);
    if (!rte_pktmbuf_append(m, uint16_t(l2 + sizeof(rte_ipv6_hdr) + kNsNaLen + 8))) {
        rte_pktmbuf_free(m);
        return nullptr;
    }
    return m;
}

// Solicited NA for `target` (an owner's address) to the solicitor (RFC 4861 7.2.4).
void send_advert(uint16_t port, const rte_ipv6_hdr* ns_ip, const uint8_t* target,
                 const rte_ether_addr& asker_mac) {
    const core::DpPort& p = core::g_dp.ports[port];
    uint8_t l2;
    rte_mbuf* m = alloc_ns_na(p, l2);
    if (!m) return;
    static const uint8_t all_nodes[16] = {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    const bool dad = net::ip6_is_unspecified(ns_ip->src_addr);
    const uint8_t* dst = dad ? all_nodes : ns_ip->src_addr;
    const rte_ether_addr dmac = dad ? net::ip6_multicast_mac(all_nodes) : asker_mac;
    const uint32_t flags = (dad ? 0 : net::kNaSolicited) | net::kNaOverride;
    net::l2_write(m, l2, dmac, p.mac, p.vlan, RTE_ETHER_TYPE_IPV6);
    write_ns_na(m, l2, net::kNdNeighborAdvert, flags, target, dst, target, net::kNdOptTargetLla,
                p.mac);
    if (core::control_tx(port, m) == 0) core::count_stat(core::Stat::nd_adverts_sent);
}

void handle_ns(rte_mbuf* m, uint16_t port, const core::DpPort& p, const rte_ipv6_hdr* ip,
               const NdMsg& nd) {
    core::count_stat(core::Stat::nd_solicits_received);
    const bool for_us = is_port_addr(p, nd.target);
    const bool owner = !for_us && owned(port, nd.target);
    bool learned = false;
    if (nd.lla && on_link(p, ip->src_addr) && rte_is_unicast_ether_addr(nd.lla) &&
        !rte_is_zero_ether_addr(nd.lla))
        // Create entries only for conversations with us (as Linux does).
        learned = neigh6_update(port, ip->src_addr, *nd.lla, for_us || owner) == 0;
    if (owner) {
        // No source link-layer option (unicast NS): answer the frame's sender.
        const rte_ether_addr asker =
            nd.lla ? *nd.lla : rte_pktmbuf_mtod(m, const rte_ether_hdr*)->src_addr;
        send_advert(port, ip, nd.target, asker);
        rte_pktmbuf_free(m);
        return;
    }
    if (for_us) {
        core::deliver_to_kernel(m);
        return;
    }
    if (!learned) core::count_drop(core::Drop::nd_ignored);
    rte_pktmbuf_free(m);
}

void handle_na(rte_mbuf* m, uint16_t port, const core::DpPort& p, const rte_ipv6_hdr* ip,
               const NdMsg& nd) {
    core::count_stat(core::Stat::nd_adverts_received);
    const bool to_us = is_port_addr(p, ip->dst_addr);
    bool learned = false;
    if (on_link(p, nd.target)) {
        NeighState st;
        rte_ether_addr cur;
        const bool known = neigh6_get(nd.target, st, cur);
        if (nd.lla && rte_is_unicast_ether_addr(nd.lla) && !rte_is_zero_ether_addr(nd.lla)) {
            const bool has_mac =
                known && (st == NeighState::kReachable || st == NeighState::kStale);
            // RFC 4861 7.2.5: without Override a different address does not
            // replace a known one; INCOMPLETE entries take it either way.
            if (!has_mac || (nd.flags & net::kNaOverride) || rte_is_same_ether_addr(&cur, nd.lla)) {
                const bool create = to_us && (nd.flags & net::kNaSolicited);
                learned = neigh6_update(port, nd.target, *nd.lla, create) == 0;
            }
        } else if (known && (st == NeighState::kReachable || st == NeighState::kStale) &&
                   (nd.flags & net::kNaSolicited)) {
            // A solicited NA without the option confirms the entry we have.
            learned = neigh6_update(port, nd.target, cur, false) == 0;
        }
    }
    // Answers to the kernel's own solicitations, and anyone claiming our addresses (DAD).
    if (to_us || is_port_addr(p, nd.target)) {
        core::deliver_to_kernel(m);
        return;
    }
    if (!learned) core::count_drop(core::Drop::nd_ignored);
    rte_pktmbuf_free(m);
}

}  // namespace

void register_nd_owner(NdOwnerFn fn) {
    if (fn && std::find(g_owners.begin(), g_owners.end(), fn) == g_owners.end())
        g_owners.push_back(fn);
}

void unregister_nd_owner(NdOwnerFn fn) {
    g_owners.erase(std::remove(g_owners.begin(), g_owners.end(), fn), g_owners.end());
}

int nd_send_solicit(uint16_t port, const uint8_t* target, const rte_ether_addr* dst) {
    const core::DpPort& p = core::g_dp.ports[port];
    if (!p.plen6) return -EADDRNOTAVAIL;
    uint8_t l2;
    rte_mbuf* m = alloc_ns_na(p, l2);
    if (!m) return -ENOMEM;
    uint8_t group[16];
    net::ip6_solicited_node(target, group);
    const uint8_t* ip_dst = dst ? target : group;
    net::l2_write(m, l2, dst ? *dst : net::ip6_multicast_mac(group), p.mac, p.vlan,
                  RTE_ETHER_TYPE_IPV6);
    const uint8_t* src = net::ip6_is_link_local(target) ? p.ll6 : p.addr6;
    write_ns_na(m, l2, net::kNdNeighborSolicit, 0, src, ip_dst, target, net::kNdOptSourceLla,
                p.mac);
    core::count_stat(core::Stat::nd_solicits_sent);
    return core::control_tx(port, m);
}

void nd_input(rte_mbuf* m) {
    core::PacketMeta* pm = core::meta(m);
    const uint16_t port = pm->in_port;
    const core::DpPort& p = core::g_dp.ports[port];
    const auto* ip = rte_pktmbuf_mtod_offset(m, const rte_ipv6_hdr*, pm->l2_len);
    const uint8_t type = *rte_pktmbuf_mtod_offset(m, const uint8_t*, pm->l4_off);
    if (type != net::kNdNeighborSolicit && type != net::kNdNeighborAdvert) {
        // Router discovery and redirects: haslb is a router with static
        // routes; the kernel may log or ignore them.
        core::deliver_to_kernel(m);
        return;
    }
    NdMsg nd;
    if (!parse_ns_na(m, pm, ip, nd)) {
        core::count_drop(core::Drop::nd_malformed);
        rte_pktmbuf_free(m);
        return;
    }
    if (type == net::kNdNeighborSolicit)
        handle_ns(m, port, p, ip, nd);
    else
        handle_na(m, port, p, ip, nd);
}

}  // namespace haslb::route
