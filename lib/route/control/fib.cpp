// SPDX-License-Identifier: BSD-3-Clause
#include "route/fib.hpp"

#include <fmt/format.h>
#include <rte_errno.h>
#include <rte_malloc.h>

#include <algorithm>
#include <cerrno>

#include "config/config.hpp"
#include "core/dataplane.hpp"

namespace haslb::route {

FibView g_fib;

namespace {

NextHop* g_nh = nullptr;
uint32_t g_nb_nh = 0;
std::vector<RouteInfo> g_routes;  // control lcore's copy, for show and delete

std::string pfx(uint32_t p, uint8_t l) { return config::format_prefix({p, l}); }

uint32_t mask_of(uint8_t len) { return len ? ~0u << (32 - len) : 0; }

// Finds or allocates the next hop {gw, port}.
int nexthop_get(uint32_t gw, uint16_t port, std::string& err) {
    for (uint32_t i = 0; i < g_nb_nh; i++)
        if (g_nh[i].gw == gw && g_nh[i].port == port) return int(i);
    if (g_nb_nh == kMaxNextHops) {
        err = fmt::format("next-hop table full ({} entries)", kMaxNextHops);
        return -ENOSPC;
    }
    g_nh[g_nb_nh] = NextHop{gw, port, 0};
    return int(g_nb_nh++);
}

int lpm_add(const RouteInfo& r, uint32_t nh, std::string& err) {
    for (const auto& x : g_routes)
        if (x.prefix == r.prefix && x.len == r.len) {
            err = fmt::format("route {} already exists", pfx(r.prefix, r.len));
            return -EEXIST;
        }
    int rc = rte_lpm_add(g_fib.lpm, r.prefix, r.len, nh);
    if (rc < 0) {
        err = fmt::format("cannot add route {}: {}", pfx(r.prefix, r.len), rte_strerror(-rc));
        return rc;
    }
    g_routes.push_back(r);
    std::sort(g_routes.begin(), g_routes.end(), [](const RouteInfo& a, const RouteInfo& b) {
        return a.prefix != b.prefix ? a.prefix < b.prefix : a.len < b.len;
    });
    return 0;
}

}  // namespace

int fib_init(uint32_t max_routes, rte_rcu_qsbr* qsbr, std::string& err) {
    rte_lpm_config cfg{};
    cfg.max_rules = max_routes;
    cfg.number_tbl8s = 1024;
    g_fib.lpm = rte_lpm_create("haslb_fib", SOCKET_ID_ANY, &cfg);
    if (!g_fib.lpm) {
        err = fmt::format("rte_lpm_create: {}", rte_strerror(rte_errno));
        return -ENOMEM;
    }
    if (qsbr) {
        rte_lpm_rcu_config rcfg{};
        rcfg.v = qsbr;
        rcfg.mode = RTE_LPM_QSBR_MODE_DQ;
        if (rte_lpm_rcu_qsbr_add(g_fib.lpm, &rcfg) != 0) {
            err = fmt::format("rte_lpm_rcu_qsbr_add: {}", rte_strerror(rte_errno));
            fib_fini();
            return -EINVAL;
        }
    }
    g_nh = static_cast<NextHop*>(
        rte_zmalloc("haslb_nexthops", sizeof(NextHop) * kMaxNextHops, RTE_CACHE_LINE_SIZE));
    if (!g_nh) {
        err = "cannot allocate the next-hop table";
        fib_fini();
        return -ENOMEM;
    }
    g_nb_nh = 0;
    g_fib.nh = g_nh;
    g_routes.clear();
    return 0;
}

void fib_fini() {
    if (g_fib.lpm) rte_lpm_free(g_fib.lpm);
    rte_free(g_nh);
    g_nh = nullptr;
    g_fib = FibView{};
    g_nb_nh = 0;
    g_routes.clear();
}

int route_add_connected(uint16_t port, uint32_t prefix, uint8_t len, std::string& err) {
    int nh = nexthop_get(0, port, err);
    if (nh < 0) return nh;
    return lpm_add(RouteInfo{prefix & mask_of(len), len, RouteType::kConnected, 0, port}, uint32_t(nh), err);
}

int route_add_static(uint32_t prefix, uint8_t len, uint32_t via, std::string& err) {
    if (prefix & ~mask_of(len)) {
        err = fmt::format("{} has host bits set", pfx(prefix, len));
        return -EINVAL;
    }
    // The gateway must be on a connected subnet: that decides the port.
    const RouteInfo* conn = nullptr;
    for (const auto& r : g_routes)
        if (r.type == RouteType::kConnected && (via & mask_of(r.len)) == r.prefix) conn = &r;
    if (!conn) {
        err = fmt::format("next hop {} is not on a connected subnet", config::format_ipv4(via));
        return -ENETUNREACH;
    }
    const uint16_t port = conn->port;
    int nh = nexthop_get(via, port, err);
    if (nh < 0) return nh;
    return lpm_add(RouteInfo{prefix, len, RouteType::kStatic, via, port}, uint32_t(nh), err);
}

int route_del(uint32_t prefix, uint8_t len, std::string& err) {
    auto it = std::find_if(g_routes.begin(), g_routes.end(), [&](const RouteInfo& r) {
        return r.prefix == prefix && r.len == len;
    });
    if (it == g_routes.end()) {
        err = fmt::format("no route {}", pfx(prefix, len));
        return -ENOENT;
    }
    int rc = rte_lpm_delete(g_fib.lpm, prefix, len);
    if (rc < 0) {
        err = fmt::format("cannot delete route {}: {}", pfx(prefix, len), rte_strerror(-rc));
        return rc;
    }
    g_routes.erase(it);
    return 0;
}

std::vector<RouteInfo> route_list() { return g_routes; }

}  // namespace haslb::route
