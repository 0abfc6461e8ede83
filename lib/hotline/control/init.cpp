// SPDX-License-Identifier: BSD-3-Clause
// Start and stop of hotlining, its rule sets, its timer and `reload`.
#include <fmt/format.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_timer.h>
#include <sys/random.h>

#include <algorithm>

#include "core/rcu.hpp"
#include "core/reload.hpp"
#include "hotline/control/model.hpp"
#include "slb/slb.hpp"

namespace haslb::hotline {

using namespace detail;

namespace {

rte_timer g_timer;
bool g_timer_on = false;

bool configured(const config::Config& c) {
    return !c.hotline.profiles.empty() || !c.hotline.non_hotline.empty() ||
           !c.hotline.subscribers.empty();
}

uint16_t free_id() {
    std::vector<bool> used(kMaxProfileIds, false);
    for (const auto& [n, p] : g_profiles) used[p.id] = true;
    for (const auto& [n, p] : g_nonhot) used[p.id] = true;
    for (uint16_t id = 1; id < kMaxProfileIds; id++)
        if (!used[id]) return id;
    return kNoProfile;
}

// Brings the registries in line with the config, keeping the ids of names
// that stay. Caller holds g_mu. 0 or -ENOSPC.
int load_profiles(const config::HotlineConfig& h, std::string& err) {
    std::map<std::string, ProfileRt> prof, nonhot;
    auto carry = [&](std::map<std::string, ProfileRt>& from, std::map<std::string, ProfileRt>& to,
                     const std::string& key, bool nh,
                     const std::vector<config::HotlineRuleConfig>& rules) {
        auto it = from.find(key);
        to[key] = ProfileRt{it != from.end() ? it->second.id : kNoProfile, nh, key, rules};
    };
    for (const auto& p : h.profiles) carry(g_profiles, prof, p.name, false, p.rules);
    for (const auto& n : h.non_hotline) carry(g_nonhot, nonhot, n.realm, true, n.rules);
    g_profiles.swap(prof);
    g_nonhot.swap(nonhot);
    for (auto* m : {&g_profiles, &g_nonhot})
        for (auto& [k, p] : *m)
            if (p.id == kNoProfile && (p.id = free_id()) == kNoProfile) {
                err = fmt::format("more than {} profiles", kMaxProfileIds - 1);
                return -ENOSPC;
            }
    g_realm_caps.clear();
    for (const auto& r : h.realms) g_realm_caps[r.realm] = r.capability;
    return 0;
}

std::vector<ProfileSpec> specs() {
    std::vector<ProfileSpec> v;
    for (auto* m : {&g_profiles, &g_nonhot})
        for (const auto& [k, p] : *m) v.push_back(ProfileSpec{p.id, p.name, p.rules});
    return v;
}

void timer_cb(rte_timer*, void*) { tick(now_s()); }

int reload_cb(const config::Config& cur, const config::Config& next, bool apply,
              std::string& msg) {
    return reload(cur, next, apply, msg);
}

void observer(const std::string& nai, uint32_t home, bool up) { binding_changed(nai, home, up); }

}  // namespace

namespace detail {

int publish_rules(const std::vector<config::AclConfig>& acls, std::string& err) {
    auto* rt = new RuleTables;
    if (int rc = build_rules(specs(), acls, *rt, err)) {
        delete rt;
        return rc;
    }
    RuleTables* old = g_hot.rules.exchange(rt, std::memory_order_acq_rel);
    if (old) {
        if (core::g_qsbr) rte_rcu_qsbr_synchronize(core::g_qsbr, RTE_QSBR_THRID_INVALID);
        delete old;
    }
    return 0;
}

}  // namespace detail

int hotline_init(const config::Config& cfg, std::string& err) {
    if (!configured(cfg)) return 0;
    const config::HotlineConfig& h = cfg.hotline;
    g_hot.tsc_hz = std::max<uint64_t>(1, rte_get_tsc_hz());
    if (getrandom(g_hot.secret.key, sizeof(g_hot.secret.key), 0) != sizeof(g_hot.secret.key)) {
        err = "cannot read random bytes for the SYN cookie secret";
        return -EIO;
    }
    g_hot.nb_lcores = rte_lcore_count();
    g_hot.counters = static_cast<decltype(g_hot.counters)>(
        rte_zmalloc("haslb_hotline_counters", sizeof(*g_hot.counters) * g_hot.nb_lcores,
                    RTE_CACHE_LINE_SIZE));
    rte_hash_parameters p{};
    p.name = "haslb_hotline_subs";
    p.entries = h.max_subscribers;
    p.key_len = sizeof(uint32_t);
    p.hash_func = rte_hash_crc;
    p.socket_id = SOCKET_ID_ANY;
    p.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF;  // one writer: the control lcore
    g_hot.subs = rte_hash_create(&p);
    if (!g_hot.counters || !g_hot.subs) {
        err = fmt::format("cannot create the home address table ({} entries): {}",
                          h.max_subscribers, rte_strerror(rte_errno));
        return -ENOMEM;
    }
    if (core::g_qsbr) {
        rte_hash_rcu_config rc{};
        rc.v = core::g_qsbr;
        rc.mode = RTE_HASH_QSBR_MODE_DQ;
        if (rte_hash_rcu_qsbr_add(g_hot.subs, &rc) != 0) {
            err = fmt::format("rte_hash_rcu_qsbr_add(home addresses): {}", rte_strerror(rte_errno));
            return -EINVAL;
        }
    }
    const size_t slots = size_t(rte_hash_max_key_id(g_hot.subs)) + 1;
    g_hot.policy = static_cast<Policy*>(
        rte_zmalloc("haslb_hotline_policy", sizeof(Policy) * slots, RTE_CACHE_LINE_SIZE));
    if (!g_hot.policy) {
        err = "cannot allocate the subscriber policy array";
        return -ENOMEM;
    }
    if (int rc = g_hot.nat.create("haslb_nat", h.nat.max_translations, core::g_qsbr, err))
        return rc;
    g_hot.nat.set_timeouts(h.nat);
    std::lock_guard<std::mutex> lk(g_mu);
    if (int rc = load_profiles(h, err)) return rc;
    if (int rc = publish_rules(cfg.acls, err)) return rc;
    std::string msg;
    if (int rc = apply_configured({}, h.subscribers, msg)) {
        err = msg;
        return rc;
    }
    static bool registered = false;  // once per process, however often init runs (tests)
    if (!registered) {
        core::register_reloader("hotline", reload_cb);
        registered = true;
    }
    slb::set_binding_observer(observer);
    if (rte_lcore_id() != LCORE_ID_ANY) {
        rte_timer_init(&g_timer);
        rte_timer_reset(&g_timer, rte_get_timer_hz() / 4, PERIODICAL, rte_lcore_id(), timer_cb,
                        nullptr);
        g_timer_on = true;
    }
    return 0;
}

void hotline_fini() {
    if (g_timer_on) {
        rte_timer_stop_sync(&g_timer);
        g_timer_on = false;
    }
    slb::set_binding_observer(nullptr);
    std::lock_guard<std::mutex> lk(g_mu);
    g_hot.nb_addrs = 0;
    g_hot.nat.destroy();
    delete g_hot.rules.exchange(nullptr);  // workers have stopped
    if (g_hot.subs) rte_hash_free(g_hot.subs);
    rte_free(g_hot.policy);
    rte_free(g_hot.counters);
    g_hot.subs = nullptr;
    g_hot.policy = nullptr;
    g_hot.counters = nullptr;
    g_subs.clear();
    g_owner.clear();
    g_profiles.clear();
    g_nonhot.clear();
    g_realm_caps.clear();
    g_counters = {};
}

int reload(const config::Config& cur, const config::Config& next, bool apply, std::string& msg) {
    if (!g_hot.subs) {
        if (!configured(next)) return 0;
        msg = "hotlining was not configured at start: adding it needs a restart";
        return -EINVAL;
    }
    if (cur.hotline.max_subscribers != next.hotline.max_subscribers ||
        cur.hotline.nat.max_translations != next.hotline.nat.max_translations) {
        msg = "hotline.max_subscribers / hotline.nat.max_translations changed: that needs a restart";
        return -EINVAL;
    }
    ModelLock lk;  // subscribers changed by the config are reported after unlocking
    // A profile in use stays (seed 004: no unconfiguring with active sessions).
    for (const auto& [nai, s] : g_subs) {
        const uint16_t id = s.applied;
        if (id == kNoProfile || id == kEndedProfile) continue;
        for (auto* m : {&g_profiles, &g_nonhot})
            for (const auto& [key_, p] : *m) {
                if (p.id != id) continue;
                const std::string& key = key_;  // clang 14 cannot capture a structured binding
                const bool kept =
                    p.non_hotline
                        ? std::any_of(next.hotline.non_hotline.begin(),
                                      next.hotline.non_hotline.end(),
                                      [&](const auto& n) { return n.realm == key; })
                        : std::any_of(next.hotline.profiles.begin(), next.hotline.profiles.end(),
                                      [&](const auto& n) { return n.name == key; });
                if (!kept) {
                    msg = fmt::format("{} {} is in use by subscriber {}: it cannot be removed",
                                      p.non_hotline ? "non-hotline profile of realm" : "profile",
                                      key, nai);
                    return -EBUSY;
                }
            }
    }
    {
        // Check that the new rules compile, without publishing them.
        auto saved_p = g_profiles;
        auto saved_n = g_nonhot;
        auto saved_c = g_realm_caps;
        std::string err;
        int rc = load_profiles(next.hotline, err);
        RuleTables trial;
        if (rc == 0) rc = build_rules(specs(), next.acls, trial, err);
        if (rc != 0 || !apply) {
            g_profiles.swap(saved_p);
            g_nonhot.swap(saved_n);
            g_realm_caps.swap(saved_c);
            if (rc) msg = err;
            return rc;
        }
    }
    std::string err;
    if (int rc = publish_rules(next.acls, err)) {
        msg = err;
        return rc;
    }
    g_hot.nat.set_timeouts(next.hotline.nat);
    int rc = apply_configured(cur.hotline.subscribers, next.hotline.subscribers, msg);
    // Profile ids may now mean other rules: re-apply every subscriber and
    // keep only the translations its profile still redirects.
    for (auto& [nai, s] : g_subs) {
        s.applied = kNoProfile;
        sync(nai, s);
    }
    const RuleTables* rt = g_hot.rules.load();
    g_hot.nat.remove_if([&](const nat::Translation& t) {
        auto own = g_owner.find(t.fwd.src);
        if (own == g_owner.end()) return true;
        const uint16_t id = effective_profile(own->second, g_subs[own->second]);
        return !still_redirected(*rt, id, t);
    });
    msg += fmt::format("hotline: {} profiles, {} non-hotline realms\n", g_profiles.size(),
                       g_nonhot.size());
    return rc;
}

}  // namespace haslb::hotline
