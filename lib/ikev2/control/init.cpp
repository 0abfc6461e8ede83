// SPDX-License-Identifier: BSD-3-Clause
// Start and stop of the cluster module: members from the configuration,
// shared counters, the NAT table, the first snapshot, the report listener,
// the NAT expiry timer and `reload`.
#include <fmt/format.h>
#include <rte_cycles.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_timer.h>

#include <cerrno>

#include "core/dataplane.hpp"
#include "core/reload.hpp"
#include "ikev2/control/model.hpp"
#include "net/ipv6.hpp"
#include "route/neighbor.hpp"

namespace haslb::ikev2 {

using namespace detail;

namespace {

rte_timer g_nat_timer;
bool g_timer = false;

void nat_timer_cb(rte_timer*, void*) {
    expire_nat(rte_get_tsc_cycles());
}

// haslb answers ARP and neighbour solicitations for a VIP that is on-link on
// the port the request came in on (control lcore).
bool owns_vip4(uint16_t port, uint32_t ip) {
    const Snapshot* s = g_cluster.snap.load(std::memory_order_acquire);
    if (!s) return false;
    const core::DpPort& d = core::g_dp.ports[port];
    for (uint16_t v = 0; v < s->nb_vips; v++)
        if (s->vips[v] == ip && (ip & d.mask) == (d.addr & d.mask)) return true;
    return false;
}

bool owns_vip6(uint16_t port, const uint8_t* addr) {
    const Snapshot* s = g_cluster.snap.load(std::memory_order_acquire);
    const core::DpPort& d = core::g_dp.ports[port];
    if (!s || !d.plen6) return false;
    for (uint16_t v = 0; v < s->nb_vips6; v++)
        if (net::ip6_eq(s->vips6[v], addr) && net::ip6_in_prefix(addr, d.addr6, d.plen6))
            return true;
    return false;
}

int reload_cb(const config::Config& cur, const config::Config& next, bool apply, std::string& msg) {
    return reload(cur.cluster, next.cluster, apply, msg);
}

template <typename T>
T* zalloc(const char* name, size_t n) {
    return static_cast<T*>(rte_zmalloc(name, sizeof(T) * n, RTE_CACHE_LINE_SIZE));
}

}  // namespace

int cluster_init(const config::Config& cfg, std::string& err) {
    static bool registered = false;
    if (!registered) {
        core::register_reloader("cluster", reload_cb);
        registered = true;
    }
    const config::ClusterConfig& c = cfg.cluster;
    if (!c.enabled) return 0;
    if (c.members.size() > kMaxMembers || c.vips.size() + c.vips6.size() > kMaxVips) {
        err = fmt::format("cluster: at most {} members and {} VIPs", kMaxMembers, kMaxVips);
        return -EINVAL;
    }
    {
        std::lock_guard<std::mutex> lk(g_mu);
        g_params = Params{c.vips,
                          c.vips6,
                          c.port,
                          c.listen,
                          c.holdtime_ms,
                          c.nat_idle_s,
                          LoadParams{c.weight_crypto, c.weight_system, c.overload_limit}};
        g_members.clear();
        for (const auto& m : c.members) {
            MemberRt r;
            r.addr = m.address;
            r.priority = m.priority;
            r.max_session = m.max_session ? m.max_session : c.max_session;
            g_members.push_back(r);
        }
        g_enabled = true;
    }
    g_cluster.pending = zalloc<std::atomic<uint32_t>>("haslb_cluster_pending", kMaxMembers);
    g_cluster.redirects = zalloc<std::atomic<uint64_t>>("haslb_cluster_redir", kMaxMembers);
    g_cluster.nat_new = zalloc<std::atomic<uint64_t>>("haslb_cluster_natnew", kMaxMembers);
    g_cluster.ticket = zalloc<std::atomic<uint64_t>>("haslb_cluster_ticket", 1);
    if (!g_cluster.pending || !g_cluster.redirects || !g_cluster.nat_new || !g_cluster.ticket) {
        err = "cannot allocate the cluster counters";
        return -ENOMEM;
    }
    if (int rc = nat_init(c.max_nat_sessions, err)) return rc;
    {
        std::lock_guard<std::mutex> lk(g_mu);
        if (publish() != 0) {
            err = "cannot allocate the cluster snapshot";
            return -ENOMEM;
        }
    }
    if (int rc = listener_init(err)) return rc;
    route::register_arp_owner(owns_vip4);
    route::register_nd_owner(owns_vip6);
    rte_timer_init(&g_nat_timer);
    rte_timer_reset(&g_nat_timer, rte_get_timer_hz(), PERIODICAL, rte_lcore_id(), nat_timer_cb,
                    nullptr);
    g_timer = true;
    const ClusterView v = cluster_view();
    std::string vips;
    for (const auto& a : v.vips) vips += (vips.empty() ? "" : ", ") + a;
    fmt::print(stderr, "haslb: CLUSTER: VIP {}, {} members, load reports on TCP {} port {}\n", vips,
               c.members.size(), v.listen, c.port);
    return 0;
}

void cluster_fini() {
    route::unregister_arp_owner(owns_vip4);
    route::unregister_nd_owner(owns_vip6);
    if (g_timer) {
        rte_timer_stop_sync(&g_nat_timer);
        g_timer = false;
    }
    listener_fini();
    Snapshot* s = g_cluster.snap.exchange(nullptr);
    rte_free(s);  // workers have stopped
    nat_fini();
    rte_free(g_cluster.pending);
    rte_free(g_cluster.redirects);
    rte_free(g_cluster.nat_new);
    rte_free(g_cluster.ticket);
    g_cluster.pending = nullptr;
    g_cluster.redirects = nullptr;
    g_cluster.nat_new = nullptr;
    g_cluster.ticket = nullptr;
    std::lock_guard<std::mutex> lk(g_mu);
    g_members.clear();
    g_enabled = false;
}

}  // namespace haslb::ikev2
