// SPDX-License-Identifier: BSD-3-Clause
// Neighbour tables of the data plane: IPv4 (ARP) and IPv6 (NDP), one
// implementation for both (control/neigh_table.hpp).
//
// Update rule: the control lcore is the only writer (learning from ARP,
// resolution, aging); workers look entries up lock-free in an rte_hash
// (RW_CONCURRENCY_LF) and read {state, mac} through atomics. Deleted key
// slots are recycled only after an RCU (QSBR) grace period (the hash's RCU
// integration), so a worker never reads an entry reused for another address.
#pragma once

#include <rte_ether.h>
#include <rte_hash.h>
#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "config/config.hpp"

namespace haslb::route {

enum class NeighState : uint8_t { kIncomplete, kReachable, kStale, kFailed };

struct alignas(16) NeighEntry {
    std::atomic<uint64_t> mac;  // 6 bytes of rte_ether_addr in the low bytes
    std::atomic<uint8_t> state;
};

struct NeighView {
    rte_hash* h = nullptr;  // key: uint32_t IPv4 host order; position indexes e[]
    NeighEntry* e = nullptr;
};
extern NeighView g_neigh;

inline uint64_t mac_pack(const rte_ether_addr& a) {
    uint64_t v = 0;
    std::memcpy(&v, a.addr_bytes, RTE_ETHER_ADDR_LEN);
    return v;
}
inline rte_ether_addr mac_unpack(uint64_t v) {
    rte_ether_addr a;
    std::memcpy(a.addr_bytes, &v, RTE_ETHER_ADDR_LEN);
    return a;
}

struct NeighInfo {
    uint32_t ip;
    rte_ether_addr mac;
    NeighState state;
    uint16_t port;        // port index
    uint64_t age_s;       // seconds since last confirmation (or since created)
    uint32_t held;        // packets held while INCOMPLETE
};

const char* neigh_state_name(NeighState s);

// --- control lcore only -------------------------------------------------
int neigh_init(const config::NeighborConfig& cfg, rte_rcu_qsbr* qsbr, std::string& err);
void neigh_fini();
// Reloadable timers (reachable time, retries, interval, hold count).
void neigh_set_params(const config::NeighborConfig& cfg);

// The model function for learning: records ip -> mac on `port`.
// create=false only refreshes an existing entry. Returns 0, -ENOENT (no entry
// and !create), -ENOSPC (table full).
int neigh_update(uint16_t port, uint32_t ip, const rte_ether_addr& mac, bool create);

// Takes ownership of a packet whose next hop (meta->next_hop, meta->out_port)
// is unknown: starts resolution and holds the packet (or drops it, counted).
void neigh_hold(rte_mbuf* m);

// Retries, failures and aging; call at least every retry interval.
void neigh_tick(uint64_t now_tsc);

// Removes an entry (console `clear`). Returns 0 or -ENOENT.
int neigh_del(uint32_t ip);

std::vector<NeighInfo> neigh_list();  // sorted by address

// Sends an ARP request for `target` out of `port`; to `dst` if given (a
// unicast probe) else broadcast. Implemented in arp.cpp.
int arp_send_request(uint16_t port, uint32_t target, const rte_ether_addr* dst);

// Addresses haslb answers ARP for besides its port addresses (SLB virtual
// servers, cluster VIPs on-link on a port). Every module that owns virtual
// addresses registers one function; a request is answered when any of them
// claims the target. Registering the same function twice is a no-op.
// Control lcore.
using ArpOwnerFn = bool (*)(uint16_t port, uint32_t ip);
void register_arp_owner(ArpOwnerFn fn);
void unregister_arp_owner(ArpOwnerFn fn);

// The same for IPv6 neighbour solicitations (addr: 16 bytes, network order).
using NdOwnerFn = bool (*)(uint16_t port, const uint8_t* addr);
void register_nd_owner(NdOwnerFn fn);
void unregister_nd_owner(NdOwnerFn fn);

// Handles an ARP frame from a worker (ControlKind::kArp): learns, then passes
// it to the kernel when the kernel has use for it. Takes ownership.
void arp_input(rte_mbuf* m);

// --- IPv6 ---------------------------------------------------------------
// Same machinery, rules and NeighborConfig as IPv4; the key is the 16-byte
// address in network order. Workers read g_neigh6 as g_neigh.
using Addr6 = std::array<uint8_t, 16>;
extern NeighView g_neigh6;  // key: Addr6 (network order)

struct Neigh6Info {
    Addr6 ip;
    rte_ether_addr mac;
    NeighState state;
    uint16_t port;
    uint64_t age_s;
    uint32_t held;
};

// Control lcore only; return values as the IPv4 functions.
int neigh6_init(const config::NeighborConfig& cfg, rte_rcu_qsbr* qsbr, std::string& err);
void neigh6_fini();
void neigh6_set_params(const config::NeighborConfig& cfg);
int neigh6_update(uint16_t port, const uint8_t* ip, const rte_ether_addr& mac, bool create);
bool neigh6_get(const uint8_t* ip, NeighState& st, rte_ether_addr& mac);  // false: no entry
// ControlKind::kHold6: meta->next_hop6 / out_port unresolved. Takes ownership.
void neigh6_hold(rte_mbuf* m);
void neigh6_tick(uint64_t now_tsc);
int neigh6_del(const uint8_t* ip);  // 0 or -ENOENT
unsigned neigh6_clear();            // entries removed
std::vector<Neigh6Info> neigh6_list();  // sorted by address

// Neighbour solicitation for `target` out of `port` (RFC 4861 7.2.2): to the
// solicited-node multicast group, or unicast to `dst` (a re-probe), from the
// port's address6 (link-local address for a link-local target) with the
// source link-layer address option. Implemented in nd.cpp. Returns 0 or
// negative errno (-ENOMEM, -ENOBUFS, -EADDRNOTAVAIL without IPv6 on the port).
int nd_send_solicit(uint16_t port, const uint8_t* target, const rte_ether_addr* dst);

// Handles an ND message from a worker (ControlKind::kNd): validates, learns,
// answers NS for ND owners, passes what concerns the port's own addresses to
// the kernel. Takes ownership.
void nd_input(rte_mbuf* m);

}  // namespace haslb::route
