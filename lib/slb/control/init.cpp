// SPDX-License-Identifier: BSD-3-Clause
// Start and stop of the SLB module, the worker event poller, its timers and
// `reload`.
#include <fmt/format.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_timer.h>

#include <cerrno>
#include <ctime>

#include "core/control.hpp"
#include "core/dataplane.hpp"
#include "core/reload.hpp"
#include "route/neighbor.hpp"
#include "slb/control/model.hpp"

namespace haslb::slb {

using namespace detail;

namespace {

constexpr unsigned kEventRing = 4096;
rte_timer g_real_timer, g_expiry_timer;
bool g_timers = false;

uint16_t port_for(uint32_t addr) {
    for (uint16_t p = 0; p < core::g_dp.nb_ports; p++) {
        const core::DpPort& d = core::g_dp.ports[p];
        if ((addr & d.mask) == (d.addr & d.mask)) return p;
    }
    return core::kNoPort;
}

std::string real_addr(uint16_t id) {
    std::lock_guard<std::mutex> lk(g_mu);
    return id < g_reals.size() ? config::format_ipv4(g_reals[id].addr) : "-";
}

unsigned poll_events(uint64_t) {
    Event ev[16];
    unsigned n = rte_ring_sc_dequeue_burst_elem(g_slb.events, ev, sizeof(Event), 16, nullptr);
    for (unsigned i = 0; i < n; i++) handle_event(ev[i]);
    return n;
}

void real_timer_cb(rte_timer*, void*) {
    tick_reals(rte_get_tsc_cycles());
}

void expiry_timer_cb(rte_timer*, void*) {
    expire_sessions(rte_get_tsc_cycles());
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    expire_bindings(uint64_t(ts.tv_sec));
}

// haslb answers ARP for a VIP on-link on the port the request came in on.
bool owns_vip(uint16_t port, uint32_t ip) {
    const Snapshot* s = g_slb.snap.load(std::memory_order_acquire);
    if (!s) return false;
    const core::DpPort& d = core::g_dp.ports[port];
    for (uint16_t v = 0; v < s->nb_vs; v++)
        if (s->vs[v].vip == ip && (ip & d.mask) == (d.addr & d.mask)) return true;
    return false;
}

int reload_cb(const config::Config& cur, const config::Config& next, bool apply, std::string& msg) {
    return reload(cur.slb, next.slb, apply, msg);
}

bool same_structure(const config::SlbConfig& a, const config::SlbConfig& b, std::string& what) {
    if (a.max_sessions != b.max_sessions || a.max_bindings != b.max_bindings) {
        what = "slb.max_sessions / slb.max_bindings";
        return false;
    }
    if (a.serverfarms.size() != b.serverfarms.size() || a.vservers.size() != b.vservers.size()) {
        what = "the set of serverfarms or vservers";
        return false;
    }
    for (size_t f = 0; f < a.serverfarms.size(); f++) {
        const auto &x = a.serverfarms[f], &y = b.serverfarms[f];
        if (x.name != y.name || x.nat != y.nat || x.reals.size() != y.reals.size()) {
            what = fmt::format("serverfarm {} (name, nat or reals)", y.name);
            return false;
        }
        for (size_t r = 0; r < x.reals.size(); r++)
            if (x.reals[r].address != y.reals[r].address) {
                what = fmt::format("serverfarm {} reals", y.name);
                return false;
            }
    }
    for (size_t v = 0; v < a.vservers.size(); v++) {
        const auto &x = a.vservers[v], &y = b.vservers[v];
        if (x.name != y.name || x.virtual_addr != y.virtual_addr || x.protocol != y.protocol ||
            x.port != y.port || x.service != y.service || x.serverfarm != y.serverfarm) {
            what =
                fmt::format("vserver {} (virtual, protocol, port, service or serverfarm)", y.name);
            return false;
        }
    }
    return true;
}

}  // namespace

void handle_event(const Event& e) {
    switch (e.type) {
        case EventType::kSessionNew:
            if (!g_slb.debug.load()) break;
            debug_log(fmt::format("SLB_SESSION_IPMOBILE: client = {}, NAI: {}, length: {}",
                                  config::format_ipv4(e.client), printable_nai(e.nai, e.nai_len),
                                  e.nai_len));
            debug_log(
                "SLB_SESSION_IPMOBILE: event= IPMOBILE_REQ_REQUEST, state= IPMOBILE_INIT -> "
                "IPMOBILE_ESTAB");
            {
                std::string vip = "-", nat = "-";
                {
                    std::lock_guard<std::mutex> lk(g_mu);
                    if (e.vs < g_vs.size()) {
                        vip = fmt::format("{}:{}", config::format_ipv4(g_vs[e.vs].vip),
                                          g_vs[e.vs].port);
                        nat = g_farms[g_vs[e.vs].farm].nat == config::FarmNat::kServer ? "S" : "-";
                    }
                }
                debug_log(fmt::format("SLB_SESSION: v_ip= {} (17), real= {}, NAT= {}", vip,
                                      real_addr(e.real), nat));
            }
            debug_log(fmt::format("SLB_SESSION: client= {} session_key= {:016X}",
                                  config::format_ipv4(e.client), e.nai_hash));
            break;
        case EventType::kSessionReassign:
            debug_log(fmt::format(
                "SLB_SESSION_IPMOBILE: client = {}, NAI: {}, event= IPMOBILE_REASSIGN after {} "
                "retransmissions, real= {} -> {}",
                config::format_ipv4(e.client), printable_nai(e.nai, e.nai_len), e.retries,
                real_addr(e.old_real), real_addr(e.real)));
            break;
        case EventType::kRrp:
            // Any reply proves the real alive; only an accepted one binds.
            real_answered(e.src);
            session_mark_rrp(e.nai_hash, e.nai, e.nai_len);
            if (e.code <= 1 && e.nai_len) binding_update(e);
            break;
        case EventType::kRequest:
            break;
    }
}

int slb_init(const config::Config& cfg, std::string& err) {
    const config::SlbConfig& sc = cfg.slb;
    if (sc.vservers.empty()) return 0;
    {
        std::lock_guard<std::mutex> lk(g_mu);
        g_farms.clear();
        g_reals.clear();
        g_vs.clear();
        for (const auto& f : sc.serverfarms) {
            FarmRt fr{f.name, f.nat, f.retry_s, f.reassign, f.faildetect, {}};
            for (const auto& r : f.reals) {
                if (g_reals.size() == kMaxReals) {
                    err = fmt::format("at most {} reals in all farms", kMaxReals);
                    return -ENOSPC;
                }
                fr.reals.push_back(uint16_t(g_reals.size()));
                g_reals.push_back(RealRt{
                    r.address, uint16_t(g_farms.size()), port_for(r.address), r.weight, -1, r.inservice,
                    r.inservice ? RealState::kOperational : RealState::kOutOfService, 0});
            }
            g_farms.push_back(std::move(fr));
        }
        for (const auto& v : sc.vservers) {
            uint16_t farm = 0;
            for (uint16_t f = 0; f < g_farms.size(); f++)
                if (g_farms[f].name == v.serverfarm) farm = f;
            g_vs.push_back(VsRt{v.name, v.virtual_addr, v.port, v.protocol, v.service, farm,
                                v.idle_s, v.inservice});
        }
    }
    g_slb.reals = static_cast<RealShared*>(
        rte_zmalloc("haslb_slb_reals", sizeof(RealShared) * kMaxReals, RTE_CACHE_LINE_SIZE));
    g_slb.cursors = static_cast<FarmCursor*>(
        rte_zmalloc("haslb_slb_cursors", sizeof(FarmCursor) * kMaxFarms, RTE_CACHE_LINE_SIZE));
    g_slb.events = rte_ring_create_elem("haslb_slb_events", sizeof(Event), kEventRing,
                                        SOCKET_ID_ANY, RING_F_SC_DEQ);
    if (!g_slb.reals || !g_slb.cursors || !g_slb.events) {
        err = "cannot allocate the SLB tables";
        return -ENOMEM;
    }
    if (int rc = sessions_init(sc.max_sessions, err)) return rc;
    bindings_init(sc.max_bindings);
    {
        std::lock_guard<std::mutex> lk(g_mu);
        if (publish() != 0) {
            err = "cannot allocate the SLB snapshot";
            return -ENOMEM;
        }
    }
    static bool registered = false;  // once per process, however often init runs (tests)
    if (!registered) {
        core::register_poller("slb-events", poll_events);
        core::register_reloader("slb", reload_cb);
        registered = true;
    }
    route::register_arp_owner(owns_vip);
    rte_timer_init(&g_real_timer);
    rte_timer_init(&g_expiry_timer);
    rte_timer_reset(&g_real_timer, rte_get_timer_hz() / 10, PERIODICAL, rte_lcore_id(),
                    real_timer_cb, nullptr);
    rte_timer_reset(&g_expiry_timer, rte_get_timer_hz() / 4, PERIODICAL, rte_lcore_id(),
                    expiry_timer_cb, nullptr);
    g_timers = true;
    return 0;
}

void slb_fini() {
    if (g_timers) {
        rte_timer_stop_sync(&g_real_timer);
        rte_timer_stop_sync(&g_expiry_timer);
        g_timers = false;
    }
    route::unregister_arp_owner(owns_vip);
    Snapshot* s = g_slb.snap.exchange(nullptr);
    rte_free(s);  // workers have stopped
    sessions_fini();
    bindings_fini();
    if (g_slb.events) rte_ring_free(g_slb.events);
    rte_free(g_slb.reals);
    rte_free(g_slb.cursors);
    g_slb.events = nullptr;
    g_slb.reals = nullptr;
    g_slb.cursors = nullptr;
    std::lock_guard<std::mutex> lk(g_mu);
    g_farms.clear();
    g_reals.clear();
    g_vs.clear();
}

int reload(const config::SlbConfig& cur, const config::SlbConfig& next, bool apply,
           std::string& msg) {
    std::string what;
    if (!same_structure(cur, next, what)) {
        msg = fmt::format(
            "{} changed: that needs a restart (weights, inservice, idle, retry, reassign and "
            "faildetect are reloadable)",
            what);
        return -EINVAL;
    }
    if (!apply || next.vservers.empty()) return 0;
    std::lock_guard<std::mutex> lk(g_mu);
    size_t id = 0;
    for (size_t f = 0; f < next.serverfarms.size(); f++) {
        const auto& nf = next.serverfarms[f];
        g_farms[f].retry_s = nf.retry_s;
        g_farms[f].reassign = nf.reassign;
        g_farms[f].faildetect = nf.faildetect;
        for (const auto& r : nf.reals) {
            RealRt& rt = g_reals[id++];
            if (rt.weight != r.weight)
                msg += fmt::format("real {} in {}: weight {} -> {}\n",
                                   config::format_ipv4(r.address), nf.name, rt.weight, r.weight);
            rt.weight = r.weight;
            if (rt.inservice != r.inservice) {
                msg += fmt::format("real {} in {}: {}\n", config::format_ipv4(r.address), nf.name,
                                   r.inservice ? "inservice" : "outofservice");
                rt.inservice = r.inservice;
                rt.state = r.inservice ? RealState::kOperational : RealState::kOutOfService;
                if (r.inservice) g_slb.reals[id - 1].failures.store(0);
            }
        }
    }
    for (size_t v = 0; v < next.vservers.size(); v++) {
        g_vs[v].idle_s = next.vservers[v].idle_s;
        g_vs[v].inservice = next.vservers[v].inservice;
    }
    return publish();
}

}  // namespace haslb::slb
