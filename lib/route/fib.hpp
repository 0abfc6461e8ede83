// SPDX-License-Identifier: BSD-3-Clause
// Routing table: connected and static IPv4 routes in an rte_lpm whose next
// hop ids index an immutable next-hop array.
//
// Update rule: only the control lcore adds/deletes (the model functions
// below); workers read the LPM lock-free; freed tbl8 groups are reclaimed
// through the LPM's RCU (QSBR) integration. Next-hop slots are never reused
// while the process lives, so a worker holding an old id reads valid data.
#pragma once

#include <rte_lpm.h>
#include <rte_rcu_qsbr.h>

#include <cstdint>
#include <string>
#include <vector>

namespace haslb::route {

struct NextHop {
    uint32_t gw;    // host order; 0 = connected (the destination itself)
    uint16_t port;  // port index
    uint16_t pad;
};

constexpr uint32_t kMaxNextHops = 4096;

enum class RouteType : uint8_t { kConnected, kStatic };

struct RouteInfo {
    uint32_t prefix;  // host order
    uint8_t len;
    RouteType type;
    uint32_t via;     // 0 for connected
    uint16_t port;    // port index
};

// What workers read. Set by fib_init before workers launch.
struct FibView {
    rte_lpm* lpm = nullptr;
    const NextHop* nh = nullptr;
};
extern FibView g_fib;

// Control lcore. Return 0 or negative errno with `err` set.
int fib_init(uint32_t max_routes, rte_rcu_qsbr* qsbr, std::string& err);
void fib_fini();
int route_add_connected(uint16_t port, uint32_t prefix, uint8_t len, std::string& err);
int route_add_static(uint32_t prefix, uint8_t len, uint32_t via, std::string& err);
int route_del(uint32_t prefix, uint8_t len, std::string& err);
std::vector<RouteInfo> route_list();  // sorted by prefix then length

}  // namespace haslb::route
