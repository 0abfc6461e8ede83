// SPDX-License-Identifier: BSD-3-Clause
#include "slb/control/model.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include <cerrno>
#include <ctime>

#include "core/dataplane.hpp"
#include "core/rcu.hpp"

namespace haslb::slb {

Dataplane g_slb;

const char* real_state_name(RealState s) {
    switch (s) {
        case RealState::kOperational:
            return "OPERATIONAL";
        case RealState::kOutOfService:
            return "OUTOFSERVICE";
        case RealState::kFailed:
            return "FAILED";
        case RealState::kTesting:
            return "TESTING";
        case RealState::kDfpThrottled:
            return "DFP_THROTTLED";
    }
    return "?";
}

namespace detail {

std::mutex g_mu;
std::vector<FarmRt> g_farms;
std::vector<RealRt> g_reals;
std::vector<VsRt> g_vs;

namespace {

bool eligible(const RealRt& r) {
    return r.inservice && weight_in_force(r) > 0 &&
           (r.state == RealState::kOperational || r.state == RealState::kTesting);
}

}  // namespace

int publish() {
    auto* s = static_cast<Snapshot*>(
        rte_zmalloc("haslb_slb_snap", sizeof(Snapshot), RTE_CACHE_LINE_SIZE));
    if (!s) return -ENOMEM;
    s->nb_vs = uint16_t(g_vs.size());
    s->nb_farms = uint16_t(g_farms.size());
    s->nb_reals = uint16_t(g_reals.size());
    for (size_t v = 0; v < g_vs.size(); v++)
        s->vs[v] = VsSnap{g_vs[v].vip, g_vs[v].port, g_vs[v].proto, uint8_t(g_vs[v].inservice),
                          g_vs[v].farm};
    for (size_t r = 0; r < g_reals.size(); r++)
        s->reals[r] =
            RealSnap{g_reals[r].addr, g_reals[r].farm, g_reals[r].port, uint8_t(g_reals[r].state)};
    for (size_t f = 0; f < g_farms.size(); f++) {
        FarmSnap& fs = s->farms[f];
        fs.nat = uint8_t(g_farms[f].nat);
        fs.reassign = uint8_t(g_farms[f].reassign);
        uint32_t cum = 0;
        for (uint16_t id : g_farms[f].reals) {
            const RealRt& r = g_reals[id];
            if (!eligible(r)) continue;
            cum += weight_in_force(r);
            fs.elig[fs.nb_elig] = id;
            fs.cum[fs.nb_elig] = cum;
            fs.nb_elig++;
        }
        fs.total_weight = cum;
    }
    Snapshot* old = g_slb.snap.exchange(s, std::memory_order_acq_rel);
    if (old) {
        // No worker may still read the old snapshot once each has passed a
        // quiescent state.
        if (core::g_qsbr) rte_rcu_qsbr_synchronize(core::g_qsbr, RTE_QSBR_THRID_INVALID);
        rte_free(old);
    }
    return 0;
}

std::string printable_nai(const uint8_t* nai, size_t len) {
    std::string out;
    for (size_t i = 0; i < len; i++) out += (nai[i] >= 0x20 && nai[i] < 0x7f) ? char(nai[i]) : '.';
    return out;
}

void debug_log(const std::string& line) {
    const std::time_t t = std::time(nullptr);
    fmt::print(stderr, "*{:%b %d %H:%M:%S}: {}\n", fmt::localtime(t), line);
}

}  // namespace detail

using namespace detail;

namespace {

std::vector<uint16_t> reals_with(uint32_t addr) {
    std::vector<uint16_t> out;
    for (size_t i = 0; i < g_reals.size(); i++)
        if (g_reals[i].addr == addr) out.push_back(uint16_t(i));
    return out;
}

// The common frame of the model functions on reals: every real with `addr`
// (in any farm) goes through fn(id); then the snapshot is republished when
// fn said something changed. Returns 0, -ENOENT or -ENOMEM with msg.
template <typename Fn>
int for_reals(uint32_t addr, std::string& msg, Fn fn) {
    std::lock_guard<std::mutex> lk(g_mu);
    auto ids = reals_with(addr);
    if (ids.empty()) {
        msg = fmt::format("no real {}", config::format_ipv4(addr));
        return -ENOENT;
    }
    bool changed = false;
    for (uint16_t id : ids) changed |= fn(id);
    if (changed && publish() != 0) {
        msg = "out of memory";
        return -ENOMEM;
    }
    msg = fmt::format("real {}: {} farm{}", config::format_ipv4(addr), ids.size(),
                      ids.size() == 1 ? "" : "s");
    return 0;
}

void set_state(uint16_t id, RealState st, uint64_t now) {
    RealRt& r = g_reals[id];
    if (r.state == st) return;
    debug_log(fmt::format("SLB_REAL: real= {} farm= {} state= {} -> {}",
                          config::format_ipv4(r.addr), g_farms[r.farm].name,
                          real_state_name(r.state), real_state_name(st)));
    r.state = st;
    if (st == RealState::kFailed) r.failed_tsc = now;
    if (st == RealState::kTesting) {
        g_slb.reals[id].failures.store(0);
        g_slb.reals[id].test_slot.store(1);
    }
    if (st == RealState::kOperational) g_slb.reals[id].failures.store(0);
}

}  // namespace

void tick_reals(uint64_t now) {
    std::lock_guard<std::mutex> lk(g_mu);
    bool changed = false;
    const uint64_t hz = rte_get_tsc_hz();
    for (size_t i = 0; i < g_reals.size(); i++) {
        RealRt& r = g_reals[i];
        const FarmRt& f = g_farms[r.farm];
        const uint32_t failures = g_slb.reals[i].failures.load();
        const RealState before = r.state;
        switch (r.state) {
            case RealState::kOperational:
            case RealState::kDfpThrottled:
                if (failures >= f.faildetect) set_state(uint16_t(i), RealState::kFailed, now);
                break;
            case RealState::kTesting:
                // The trial session failed: back to FAILED, wait again.
                if (failures > 0) set_state(uint16_t(i), RealState::kFailed, now);
                break;
            case RealState::kFailed:
                if (now - r.failed_tsc >= uint64_t(f.retry_s) * hz)
                    set_state(uint16_t(i), RealState::kTesting, now);
                break;
            case RealState::kOutOfService:
                break;
        }
        changed |= r.state != before;
    }
    if (changed) publish();
}

void real_answered(uint32_t addr) {
    std::lock_guard<std::mutex> lk(g_mu);
    bool changed = false;
    for (uint16_t id : reals_with(addr)) {
        g_slb.reals[id].failures.store(0, std::memory_order_relaxed);
        if (g_reals[id].state == RealState::kTesting || g_reals[id].state == RealState::kFailed) {
            set_state(id, RealState::kOperational, rte_get_tsc_cycles());
            changed = true;
        }
    }
    if (changed) publish();
}

int set_real_weight(uint32_t addr, uint32_t weight, std::string& msg) {
    if (weight > 65535) {
        msg = fmt::format("weight {} out of range 0..65535", weight);
        return -ERANGE;
    }
    const int rc = for_reals(addr, msg, [&](uint16_t id) {
        g_reals[id].weight = weight;
        return true;
    });
    if (rc == 0) msg = fmt::format("real {} weight {}", config::format_ipv4(addr), weight);
    return rc;
}

int set_real_inservice(uint32_t addr, bool inservice, std::string& msg) {
    const uint64_t now = rte_get_tsc_cycles();
    const int rc = for_reals(addr, msg, [&](uint16_t id) {
        g_reals[id].inservice = inservice;
        set_state(id, inservice ? RealState::kOperational : RealState::kOutOfService, now);
        return true;
    });
    if (rc == 0)
        msg = fmt::format("real {} {}", config::format_ipv4(addr),
                          inservice ? "inservice" : "outofservice");
    return rc;
}

int set_real_dfp_weight(uint32_t addr, int32_t weight, std::string& msg) {
    const uint64_t now = rte_get_tsc_cycles();
    return for_reals(addr, msg, [&](uint16_t id) {
        RealRt& r = g_reals[id];
        bool changed = r.dfp_weight != weight;
        r.dfp_weight = weight;
        if (!r.inservice) return changed;  // an administrator's outofservice wins
        if (weight == 0) {
            // Throttled: keeps its sessions, takes no new ones.
            if (r.state == RealState::kOperational || r.state == RealState::kTesting) {
                set_state(id, RealState::kDfpThrottled, now);
                changed = true;
            }
        } else if (r.state == RealState::kDfpThrottled ||
                   (weight > 0 &&
                    (r.state == RealState::kFailed || r.state == RealState::kTesting))) {
            // A DFP message from a FAILED real brings it back (seed); -1 (the
            // agent is gone) only ends a throttle.
            set_state(id, RealState::kOperational, now);
            changed = true;
        }
        return changed;
    });
}

void set_debug(bool on) {
    g_slb.debug.store(on);
}

std::vector<RealView> real_views() {
    std::lock_guard<std::mutex> lk(g_mu);
    std::vector<RealView> out;
    for (size_t i = 0; i < g_reals.size(); i++) {
        const RealRt& r = g_reals[i];
        out.push_back(RealView{uint16_t(i), config::format_ipv4(r.addr), g_farms[r.farm].name,
                               weight_in_force(r), real_state_name(r.state),
                               g_slb.reals[i].conns.load(), g_slb.reals[i].failures.load(),
                               g_slb.reals[i].assigned.load()});
    }
    return out;
}

std::vector<VserverView> vserver_views() {
    std::lock_guard<std::mutex> lk(g_mu);
    std::vector<VserverView> out;
    for (size_t v = 0; v < g_vs.size(); v++) {
        const VsRt& x = g_vs[v];
        out.push_back(VserverView{x.name, config::format_ipv4(x.vip), x.proto == 17 ? "UDP" : "?",
                                  g_farms[x.farm].name,
                                  x.inservice ? "OPERATIONAL" : "OUTOFSERVICE", x.port, x.idle_s,
                                  vserver_conns(uint16_t(v))});
    }
    return out;
}

}  // namespace haslb::slb
