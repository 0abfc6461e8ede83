// SPDX-License-Identifier: BSD-3-Clause
// IPv6 routing table: connected and static routes in an rte_lpm6.
//
// Update rule: DPDK 22.11's rte_lpm6 has no RCU integration and is not safe
// for a delete or add concurrent with lookups, so workers never see an
// rte_lpm6 that changes. Every mutation (control lcore only, the model
// functions below) builds a new Fib6 (rte_lpm6 + next-hop array) from the
// control lcore's route list, publishes it with one release store of
// g_fib6, waits for an RCU (QSBR) grace period (rte_rcu_qsbr_synchronize:
// every worker has passed a quiescent state, i.e. finished the burst that may
// hold the old pointer) and only then frees the old one. Workers load g_fib6
// once per burst (acquire). Rebuilding is O(routes), which is fine for
// configured routes (not for a full Internet table).
#pragma once

#include <rte_lpm6.h>
#include <rte_rcu_qsbr.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "route/fib.hpp"

namespace haslb::route {

struct NextHop6 {
    uint8_t gw[16];  // network order; all zero = connected (the destination itself)
    uint16_t port;   // port index
};

// Immutable once published.
struct Fib6 {
    rte_lpm6* lpm;
    uint32_t nb_nh;
    NextHop6 nh[];  // indexed by the LPM's next-hop id
};
extern std::atomic<const Fib6*> g_fib6;

struct Route6Info {
    std::array<uint8_t, 16> prefix;
    uint8_t len;
    RouteType type;
    std::array<uint8_t, 16> via;  // zero for connected
    uint16_t port;                // port index
};

// Control lcore. Return 0 or negative errno with `err` set. `qsbr` may be
// null only while no worker runs (tests).
int fib6_init(uint32_t max_routes, rte_rcu_qsbr* qsbr, std::string& err);
void fib6_fini();
int route6_add_connected(uint16_t port, const uint8_t* prefix, uint8_t len, std::string& err);
// `via` must be a global address on a connected IPv6 subnet (it decides the port).
int route6_add_static(const uint8_t* prefix, uint8_t len, const uint8_t* via, std::string& err);
int route6_del(const uint8_t* prefix, uint8_t len, std::string& err);
std::vector<Route6Info> route6_list();  // sorted by prefix then length

// "2001:db8::1" <-> 16 bytes. parse returns false on a bad address.
std::string format_ip6(const uint8_t* a);
bool parse_ip6(const std::string& s, uint8_t* out);

}  // namespace haslb::route
