// SPDX-License-Identifier: BSD-3-Clause
// The subscriber model: one function per mutation (hotline.hpp), shared by
// the config loader, the console, telemetry and (later) RADIUS.
#include "hotline/control/model.hpp"

#include <fmt/format.h>
#include <netinet/in.h>
#include <rte_hash.h>

#include <algorithm>
#include <atomic>
#include <ctime>

#include "core/rcu.hpp"

namespace haslb::hotline {

Dataplane g_hot;

namespace detail {

std::mutex g_mu;
std::map<std::string, Sub> g_subs;
std::unordered_map<uint32_t, std::string> g_owner;
Counters g_counters;
std::map<std::string, ProfileRt> g_profiles;
std::map<std::string, ProfileRt> g_nonhot;
std::map<std::string, uint32_t> g_realm_caps;

namespace {

std::string realm_of(const std::string& nai) {
    const auto at = nai.rfind('@');
    return at == std::string::npos ? "" : nai.substr(at);
}

Sub* find(const std::string& nai) {
    auto it = g_subs.find(nai);
    return it == g_subs.end() ? nullptr : &it->second;
}

// A subscriber with nothing left to remember goes away.
void maybe_forget(const std::string& nai) {
    auto it = g_subs.find(nai);
    if (it == g_subs.end()) return;
    const Sub& s = it->second;
    if (s.bound.empty() && s.manual.empty() && s.state == SubState::kNormal && !s.from_config)
        g_subs.erase(it);
}

}  // namespace

std::string new_acct_id() {
    static std::atomic<uint32_t> seq{0};
    static const uint32_t boot = uint32_t(std::time(nullptr));
    return fmt::format("{:08X}{:08X}", boot, seq.fetch_add(1) + 1);
}

bool still_redirected(const RuleTables& rt, uint16_t id, const nat::Translation& t) {
    if (id == kNoProfile || id == kEndedProfile) return false;
    const bool ports = t.fwd.proto == IPPROTO_TCP || t.fwd.proto == IPPROTO_UDP;
    const AclKey k = make_key(id, t.fwd.proto, t.fwd.src, t.fwd.dst, ports ? t.fwd.sport : 0,
                              ports ? t.fwd.dport : 0);
    const AclKey* kp = &k;
    uint32_t res = kNoRule;
    classify(rt, config::Direction::kIn, &kp, 1, &res);
    if (res == kNoRule) return false;
    const Rule& r = rt.rules[res];
    const uint16_t port = ports && r.port ? r.port : t.fwd.dport;
    return r.action == Action::kIpRedirect && r.redirect == t.redirect && port == t.redirect_port;
}

uint16_t effective_profile(const std::string& nai, const Sub& s) {
    if (s.state == SubState::kEnded) return kEndedProfile;
    if (s.state == SubState::kHotlined) {
        auto it = g_profiles.find(s.profile);
        return it == g_profiles.end() ? kNoProfile : it->second.id;
    }
    auto it = g_nonhot.find(nai);  // a full NAI first, then its realm
    if (it == g_nonhot.end()) it = g_nonhot.find(realm_of(nai));
    return it == g_nonhot.end() ? kNoProfile : it->second.id;
}

void drop_address(uint32_t addr) {
    if (!g_hot.subs) return;
    if (rte_hash_del_key(g_hot.subs, &addr) >= 0) g_hot.nb_addrs.fetch_sub(1);
    g_owner.erase(addr);
}

void sync(const std::string& nai, Sub& s) {
    const uint16_t prof = effective_profile(nai, s);
    std::set<uint32_t> all = s.bound;
    all.insert(s.manual.begin(), s.manual.end());
    for (uint32_t a : all) {
        int32_t pos = rte_hash_lookup(g_hot.subs, &a);
        if (pos < 0) {
            pos = rte_hash_add_key(g_hot.subs, &a);
            if (pos < 0) continue;  // full: counted by the caller's check
            g_hot.nb_addrs.fetch_add(1);
            g_owner[a] = nai;
        }
        g_hot.policy[pos].profile.store(prof, std::memory_order_release);
    }
    // Translations of this subscriber survive a profile change only where
    // the profile in force still redirects the flow to the same place. Only
    // a change of profile costs a pass over the table (renewals do not).
    const uint16_t before = s.applied;
    s.applied = prof;
    if (before == prof || before == kNoProfile) return;
    const RuleTables* rt = g_hot.rules.load(std::memory_order_acquire);
    g_hot.nat.remove_if([&](const nat::Translation& t) {
        return all.count(t.fwd.src) && (!rt || !still_redirected(*rt, prof, t));
    });
}

int apply_configured(const std::vector<config::SubscriberConfig>& prev,
                     const std::vector<config::SubscriberConfig>& next, std::string& msg) {
    int rc = 0;
    for (const auto& p : prev) {
        const bool kept =
            std::any_of(next.begin(), next.end(), [&](const auto& n) { return n.nai == p.nai; });
        if (kept) continue;
        Sub* s = find(p.nai);
        if (!s) continue;
        for (uint32_t a : p.addresses) {
            s->manual.erase(a);
            if (!s->bound.count(a)) drop_address(a);
        }
        s->from_config = false;
        if (s->state == SubState::kHotlined && s->profile == p.profile) {
            s->state = SubState::kNormal;
            s->acct_id = new_acct_id();
        }
        sync(p.nai, *s);
        maybe_forget(p.nai);
    }
    for (const auto& n : next) {
        const config::SubscriberConfig* old = nullptr;
        for (const auto& p : prev)
            if (p.nai == n.nai) old = &p;
        Sub& s = g_subs[n.nai];
        if (s.acct_id.empty()) s.acct_id = new_acct_id();
        s.from_config = true;
        if (old)
            for (uint32_t a : old->addresses)
                if (std::find(n.addresses.begin(), n.addresses.end(), a) == n.addresses.end()) {
                    s.manual.erase(a);
                    if (!s.bound.count(a)) drop_address(a);
                }
        for (uint32_t a : n.addresses) {
            auto own = g_owner.find(a);
            if (own != g_owner.end() && own->second != n.nai) {
                msg += fmt::format("subscriber {}: address {} belongs to {}\n", n.nai,
                                   config::format_ipv4(a), own->second);
                rc = -EEXIST;
                continue;
            }
            s.manual.insert(a);
        }
        if (!old || old->profile != n.profile || old->session_timeout_s != n.session_timeout_s) {
            if (!n.profile.empty()) {
                s.state = SubState::kHotlined;
                s.profile = n.profile;
                s.session_timeout_s = n.session_timeout_s;
                s.deadline_s = n.session_timeout_s ? now_s() + n.session_timeout_s : 0;
            } else if (old && s.state == SubState::kHotlined && s.profile == old->profile) {
                s.state = SubState::kNormal;
                s.profile.clear();
            }
            s.acct_id = new_acct_id();
        }
        sync(n.nai, s);
    }
    return rc;
}

}  // namespace detail

using namespace detail;

uint32_t now_s() {
    return uint32_t(rte_get_tsc_cycles() / g_hot.tsc_hz);
}

int apply_profile(const std::string& nai, const std::string& profile, uint32_t session_timeout_s,
                  std::string& msg) {
    if (nai.empty() || nai.size() > 72) {
        msg = "an NAI is 1..72 bytes";
        return -EINVAL;
    }
    std::lock_guard<std::mutex> lk(g_mu);
    if (!g_hot.subs) {
        msg = "hotlining is not running";
        return -ENODEV;
    }
    if (!g_profiles.count(profile)) {
        msg = fmt::format("no hotline profile named {}", profile);
        return -ENOENT;
    }
    Sub& s = g_subs[nai];
    const bool active = !s.bound.empty() || !s.manual.empty();
    if (s.state != SubState::kHotlined) {
        if (active)
            g_counters.active_hotlined++;
        else
            s.new_session = true;
    }
    s.state = SubState::kHotlined;
    s.profile = profile;
    s.session_timeout_s = session_timeout_s;
    s.deadline_s = session_timeout_s ? now_s() + session_timeout_s : 0;
    s.acct_id = new_acct_id();
    sync(nai, s);
    msg = fmt::format(
        "{}: hotlined with profile {}{}{}", nai, profile,
        session_timeout_s ? fmt::format(", session ends in {} s", session_timeout_s) : "",
        active ? "" : " (applies when its binding appears)");
    return 0;
}

int set_normal(const std::string& nai, std::string& msg) {
    std::lock_guard<std::mutex> lk(g_mu);
    Sub* s = find(nai);
    if (!s) {
        msg = fmt::format("no subscriber {}", nai);
        return -ENOENT;
    }
    if (s->state != SubState::kNormal) {
        const bool active = !s->bound.empty() || !s->manual.empty();
        (active ? g_counters.active_reconciled : g_counters.new_reconciled)++;
        s->state = SubState::kNormal;
        s->profile.clear();
        s->session_timeout_s = s->deadline_s = 0;
        s->new_session = false;
        s->acct_id = new_acct_id();
    }
    sync(nai, *s);
    msg = fmt::format("{}: normal", nai);
    maybe_forget(nai);
    return 0;
}

int add_address(const std::string& nai, uint32_t addr, std::string& msg) {
    std::lock_guard<std::mutex> lk(g_mu);
    if (!g_hot.subs) {
        msg = "hotlining is not running";
        return -ENODEV;
    }
    auto own = g_owner.find(addr);
    if (own != g_owner.end() && own->second != nai) {
        msg = fmt::format("{} is a home address of {}", config::format_ipv4(addr), own->second);
        return -EEXIST;
    }
    if (own == g_owner.end() && rte_hash_count(g_hot.subs) >= rte_hash_max_key_id(g_hot.subs)) {
        msg = "the home address table is full (hotline.max_subscribers)";
        return -ENOSPC;
    }
    Sub& s = g_subs[nai];
    if (s.acct_id.empty()) s.acct_id = new_acct_id();
    if (s.state == SubState::kHotlined && s.new_session && s.bound.empty() && s.manual.empty())
        g_counters.new_hotlined++;
    s.manual.insert(addr);
    sync(nai, s);
    if (!g_owner.count(addr)) {
        s.manual.erase(addr);
        msg = "the home address table is full (hotline.max_subscribers)";
        return -ENOSPC;
    }
    msg = fmt::format("{}: home address {}", nai, config::format_ipv4(addr));
    return 0;
}

int remove_address(const std::string& nai, uint32_t addr, std::string& msg) {
    std::lock_guard<std::mutex> lk(g_mu);
    Sub* s = find(nai);
    if (!s || !s->manual.count(addr)) {
        msg = fmt::format("{} has no home address {} set by hand", nai, config::format_ipv4(addr));
        return -ENOENT;
    }
    s->manual.erase(addr);
    if (!s->bound.count(addr)) {
        g_hot.nat.remove_if([&](const nat::Translation& t) { return t.fwd.src == addr; });
        drop_address(addr);
    }
    msg = fmt::format("{}: home address {} removed", nai, config::format_ipv4(addr));
    maybe_forget(nai);
    return 0;
}

int remove_subscriber(const std::string& nai, std::string& msg) {
    std::lock_guard<std::mutex> lk(g_mu);
    Sub* s = find(nai);
    if (!s) {
        msg = fmt::format("no subscriber {}", nai);
        return -ENOENT;
    }
    std::set<uint32_t> all = s->bound;
    all.insert(s->manual.begin(), s->manual.end());
    g_hot.nat.remove_if([&](const nat::Translation& t) { return all.count(t.fwd.src) > 0; });
    for (uint32_t a : all) drop_address(a);
    g_subs.erase(nai);
    msg = fmt::format("{}: removed", nai);
    return 0;
}

int clear_translations(std::string& msg) {
    const unsigned n = g_hot.nat.clear();
    msg = fmt::format("{} translations cleared", n);
    return 0;
}

void binding_changed(const std::string& nai, uint32_t home_addr, bool up) {
    std::lock_guard<std::mutex> lk(g_mu);
    if (!g_hot.subs) return;
    if (up) {
        auto own = g_owner.find(home_addr);
        if (own != g_owner.end() && own->second != nai) {
            // The address moved to another NAI (a new session got it).
            Sub* o = find(own->second);
            if (o) {
                o->bound.erase(home_addr);
                o->manual.erase(home_addr);
            }
            const std::string prev = own->second;
            g_hot.nat.remove_if([&](const nat::Translation& t) { return t.fwd.src == home_addr; });
            drop_address(home_addr);
            maybe_forget(prev);
        }
        Sub& s = g_subs[nai];
        if (s.acct_id.empty()) s.acct_id = new_acct_id();
        if (s.state == SubState::kHotlined && s.new_session && s.bound.empty() && s.manual.empty())
            g_counters.new_hotlined++;
        s.bound.insert(home_addr);
        sync(nai, s);
        return;
    }
    Sub* s = find(nai);
    if (!s || !s->bound.erase(home_addr)) return;
    if (!s->manual.count(home_addr)) {
        g_hot.nat.remove_if([&](const nat::Translation& t) { return t.fwd.src == home_addr; });
        drop_address(home_addr);
    }
    // A session that ended with its Session-Timeout is over once its last
    // binding goes: the next registration starts normal.
    if (s->state == SubState::kEnded && s->bound.empty() && s->manual.empty()) {
        s->state = SubState::kNormal;
        s->profile.clear();
        s->acct_id = new_acct_id();
    }
    maybe_forget(nai);
}

void tick(uint32_t now) {
    {
        std::lock_guard<std::mutex> lk(g_mu);
        for (auto& [nai, s] : g_subs) {
            if (s.state != SubState::kHotlined || !s.deadline_s || int32_t(now - s.deadline_s) < 0)
                continue;
            s.state = SubState::kEnded;
            s.deadline_s = 0;
            s.acct_id = new_acct_id();
            g_counters.timed_out++;
            sync(nai, s);
        }
    }
    // A quarter of the table per call: the timer runs 4 times a second, so
    // every translation is looked at about once a second.
    g_hot.nat.expire(now, std::max<uint32_t>(1024, g_hot.nat.capacity() / 4));
}

}  // namespace haslb::hotline
