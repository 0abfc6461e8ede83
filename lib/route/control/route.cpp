// SPDX-License-Identifier: BSD-3-Clause
#include "route/route.hpp"

#include <fmt/format.h>
#include <rte_cycles.h>
#include <rte_lcore.h>
#include <rte_timer.h>

#include "core/control.hpp"
#include "core/rcu.hpp"
#include "core/reload.hpp"
#include "route/fib.hpp"
#include "route/fib6.hpp"
#include "route/neighbor.hpp"

namespace haslb::route {
namespace {

rte_timer g_neigh_timer;
bool g_timer_armed = false;

void neigh_timer_cb(rte_timer*, void*) {
    const uint64_t now = rte_get_tsc_cycles();
    neigh_tick(now);
    neigh6_tick(now);
}

bool same_route(const config::RouteConfig& a, const config::RouteConfig& b) {
    return a.prefix.addr == b.prefix.addr && a.prefix.len == b.prefix.len && a.via == b.via;
}

bool contains(const std::vector<config::RouteConfig>& v, const config::RouteConfig& r) {
    for (const auto& x : v)
        if (same_route(x, r)) return true;
    return false;
}

bool same_route6(const config::Route6Config& a, const config::Route6Config& b) {
    return a.prefix.addr == b.prefix.addr && a.prefix.len == b.prefix.len && a.via == b.via;
}

bool contains6(const std::vector<config::Route6Config>& v, const config::Route6Config& r) {
    for (const auto& x : v)
        if (same_route6(x, r)) return true;
    return false;
}

std::string route6_text(const config::Route6Config& r) {
    return fmt::format("{}/{} via {}", format_ip6(r.prefix.addr.data()), r.prefix.len,
                       format_ip6(r.via.data()));
}

// Static routes and neighbour timers are reloadable; the loader has already
// checked that every gateway is on a port subnet, so there is nothing to
// refuse here.
int route_reload(const config::Config& cur, const config::Config& next, bool apply, std::string& msg) {
    if (!apply) return 0;
    int result = 0;
    std::string err;
    for (const auto& r : cur.routes) {
        if (contains(next.routes, r)) continue;
        if (int rc = route_del(r.prefix.addr, r.prefix.len, err)) {
            msg += err + "\n";
            result = rc;
        } else {
            msg += fmt::format("route {} via {} removed\n", config::format_prefix(r.prefix),
                               config::format_ipv4(r.via));
        }
    }
    for (const auto& r : next.routes) {
        if (contains(cur.routes, r)) continue;
        if (int rc = route_add_static(r.prefix.addr, r.prefix.len, r.via, err)) {
            msg += fmt::format("{}:{}: {}\n", r.origin.file, r.origin.line, err);
            result = rc;
        } else {
            msg += fmt::format("route {} via {} added\n", config::format_prefix(r.prefix),
                               config::format_ipv4(r.via));
        }
    }
    if (int rc = route6_reload(cur, next, msg)) result = rc;
    neigh_set_params(next.neighbors);
    neigh6_set_params(next.neighbors);
    return result;
}

}  // namespace

// IPv6 static routes, as route_reload does for IPv4: removed first, then added.
int route6_reload(const config::Config& cur, const config::Config& next, std::string& msg) {
    int result = 0;
    std::string err;
    for (const auto& r : cur.routes6) {
        if (contains6(next.routes6, r)) continue;
        if (int rc = route6_del(r.prefix.addr.data(), r.prefix.len, err)) {
            msg += err + "\n";
            result = rc;
        } else {
            msg += fmt::format("route {} removed\n", route6_text(r));
        }
    }
    for (const auto& r : next.routes6) {
        if (contains6(cur.routes6, r)) continue;
        if (int rc = route6_add_static(r.prefix.addr.data(), r.prefix.len, r.via.data(), err)) {
            msg += fmt::format("{}:{}: {}\n", r.origin.file, r.origin.line, err);
            result = rc;
        } else {
            msg += fmt::format("route {} added\n", route6_text(r));
        }
    }
    return result;
}

int route6_init(const config::Config& cfg, std::string& err) {
    if (int rc = fib6_init(4096 + 64, core::g_qsbr, err)) return rc;
    if (int rc = neigh6_init(cfg.neighbors, core::g_qsbr, err)) return rc;
    for (uint16_t p = 0; p < cfg.ports.size(); p++) {
        const auto& a = cfg.ports[p].address6;
        if (!a) continue;
        if (int rc = route6_add_connected(p, a->addr.data(), a->len, err)) {
            err = fmt::format("{}:{}: {}", cfg.ports[p].origin.file, cfg.ports[p].origin.line, err);
            return rc;
        }
    }
    for (const auto& r : cfg.routes6) {
        if (int rc = route6_add_static(r.prefix.addr.data(), r.prefix.len, r.via.data(), err)) {
            err = fmt::format("{}:{}: route {}: {}", r.origin.file, r.origin.line, route6_text(r), err);
            return rc;
        }
    }
    return 0;
}

int route_init(const config::Config& cfg, std::string& err) {
    if (int rc = fib_init(65536 + 64, core::g_qsbr, err)) return rc;
    if (int rc = neigh_init(cfg.neighbors, core::g_qsbr, err)) return rc;
    for (uint16_t p = 0; p < cfg.ports.size(); p++) {
        const auto& a = cfg.ports[p].address;
        if (int rc = route_add_connected(p, a.addr, a.len, err)) {
            err = fmt::format("{}:{}: {}", cfg.ports[p].origin.file, cfg.ports[p].origin.line, err);
            return rc;
        }
    }
    for (const auto& r : cfg.routes) {
        if (int rc = route_add_static(r.prefix.addr, r.prefix.len, r.via, err)) {
            err = fmt::format("{}:{}: route {}: {}", r.origin.file, r.origin.line,
                              config::format_prefix(r.prefix), err);
            return rc;
        }
    }
    if (int rc = route6_init(cfg, err)) return rc;
    core::register_reloader("routes", route_reload);
    core::set_control_handler(core::ControlKind::kArp, arp_input);
    core::set_control_handler(core::ControlKind::kHold, neigh_hold);
    core::set_control_handler(core::ControlKind::kNd, nd_input);
    core::set_control_handler(core::ControlKind::kHold6, neigh6_hold);
    rte_timer_init(&g_neigh_timer);
    // Ten ticks per second bound the error of every ARP timer to 100 ms.
    rte_timer_reset(&g_neigh_timer, rte_get_timer_hz() / 10, PERIODICAL, rte_lcore_id(),
                    neigh_timer_cb, nullptr);
    g_timer_armed = true;
    return 0;
}

void route_fini() {
    if (g_timer_armed) rte_timer_stop_sync(&g_neigh_timer);
    g_timer_armed = false;
    neigh6_fini();
    fib6_fini();
    neigh_fini();
    fib_fini();
}

}  // namespace haslb::route
