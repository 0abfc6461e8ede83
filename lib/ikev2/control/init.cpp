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

#include "core/reload.hpp"
#include "ikev2/control/model.hpp"

namespace haslb::ikev2 {

using namespace detail;

namespace {

rte_timer g_nat_timer;
bool g_timer = false;

void nat_timer_cb(rte_timer*, void*) {
    expire_nat(rte_get_tsc_cycles());
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
    if (c.members.size() > kMaxMembers || c.vips.size() > kMaxVips) {
        err = fmt::format("cluster: at most {} members and {} VIPs", kMaxMembers, kMaxVips);
        return -EINVAL;
    }
    {
        std::lock_guard<std::mutex> lk(g_mu);
        g_params =
            Params{c.vips,       c.port,
                   c.listen,     c.holdtime_ms,
                   c.nat_idle_s, LoadParams{c.weight_crypto, c.weight_system, c.overload_limit}};
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
    rte_timer_init(&g_nat_timer);
    rte_timer_reset(&g_nat_timer, rte_get_timer_hz(), PERIODICAL, rte_lcore_id(), nat_timer_cb,
                    nullptr);
    g_timer = true;
    fmt::print(stderr, "haslb: CLUSTER: VIP {}, {} members, load reports on TCP {}:{}\n",
               config::format_ipv4(c.vips[0]), c.members.size(),
               c.listen ? config::format_ipv4(c.listen) : "*", c.port);
    return 0;
}

void cluster_fini() {
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
