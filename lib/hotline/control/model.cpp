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

std::atomic<StateObserver> g_state_observer{nullptr};
std::vector<StateChange> g_changes;  // queued under g_mu, emitted after it

const char* state_name(SubState s) {
    switch (s) {
        case SubState::kNormal: return "normal";
        case SubState::kHotlined: return "hotlined";
        case SubState::kEnded: return "ended";
    }
    return "?";
}

uint32_t first_address(const Sub& s) {
    if (!s.bound.empty()) return *s.bound.begin();
    return s.manual.empty() ? 0 : *s.manual.begin();
}

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

Before before(const std::string& nai) {
    Before b;
    auto it = g_subs.find(nai);
    if (it == g_subs.end()) return b;
    const Sub& s = it->second;
    b.exists = true;
    b.state = s.state;
    b.profile = s.state == SubState::kNormal ? "" : s.profile;
    b.acct_id = s.acct_id;
    b.indication = s.indication;
    b.indication_vendor = s.indication_vendor;
    b.active = !s.bound.empty() || !s.manual.empty();
    b.home = first_address(s);
    return b;
}

void note_change(const std::string& nai, const Before& b, ChangeReason reason) {
    if (!g_state_observer.load()) return;  // nobody listens (start-up, tests)
    const Sub* s = find(nai);
    if (!b.exists && !s) return;
    const bool active = s && (!s->bound.empty() || !s->manual.empty());
    if (b.exists && s && b.state == s->state && b.acct_id == s->acct_id && b.active == active)
        return;
    StateChange c;
    c.nai = nai;
    c.reason = reason;
    c.old_acct_id = b.acct_id;
    c.old_state = b.exists ? state_name(b.state) : "normal";
    c.old_profile = b.profile;
    c.old_active = b.active;
    c.old_indication = b.indication;
    c.old_indication_vendor = b.indication_vendor;
    c.home_addr = b.home;
    c.session_timeout_s = 0;
    c.new_active = active;
    c.new_indication_vendor = 0;
    if (s) {
        c.new_acct_id = s->acct_id;
        c.new_state = state_name(s->state);
        c.new_profile = s->state == SubState::kNormal ? "" : s->profile;
        c.new_indication = s->indication;
        c.new_indication_vendor = s->indication_vendor;
        c.session_timeout_s = s->state == SubState::kHotlined ? s->session_timeout_s : 0;
        if (const uint32_t h = first_address(*s)) c.home_addr = h;
    } else {
        c.new_state = "removed";
    }
    g_changes.push_back(std::move(c));
}

void emit_changes() {
    std::vector<StateChange> q;
    {
        std::lock_guard<std::mutex> lk(g_mu);
        q.swap(g_changes);
    }
    const StateObserver fn = g_state_observer.load();
    if (!fn) return;
    for (const StateChange& c : q) fn(c);
}

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
        const Before b = before(p.nai);
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
        note_change(p.nai, b, ChangeReason::kConfig);
    }
    for (const auto& n : next) {
        const config::SubscriberConfig* old = nullptr;
        for (const auto& p : prev)
            if (p.nai == n.nai) old = &p;
        const Before b = before(n.nai);
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
        note_change(n.nai, b, ChangeReason::kConfig);
    }
    return rc;
}

}  // namespace detail

using namespace detail;

uint32_t now_s() {
    return uint32_t(rte_get_tsc_cycles() / g_hot.tsc_hz);
}

const char* change_reason_name(ChangeReason r) {
    switch (r) {
        case ChangeReason::kConsole: return "console";
        case ChangeReason::kCoa: return "coa";
        case ChangeReason::kSessionTimeout: return "session-timeout";
        case ChangeReason::kDisconnect: return "disconnect";
        case ChangeReason::kConfig: return "config";
        case ChangeReason::kBinding: return "binding";
    }
    return "?";
}

void set_state_observer(StateObserver fn) { g_state_observer.store(fn); }

std::string nai_of_address(uint32_t addr) {
    std::lock_guard<std::mutex> lk(g_mu);
    auto it = g_owner.find(addr);
    return it == g_owner.end() ? "" : it->second;
}

std::string nai_of_acct_session(const std::string& id) {
    std::lock_guard<std::mutex> lk(g_mu);
    for (const auto& [nai, s] : g_subs)
        if (!id.empty() && s.acct_id == id) return nai;
    return "";
}

int apply_profile(const std::string& nai, const std::string& profile, uint32_t session_timeout_s,
                  std::string& msg, const ChangeContext& ctx) {
    if (nai.empty() || nai.size() > 72) {
        msg = "an NAI is 1..72 bytes";
        return -EINVAL;
    }
    ModelLock lk;
    if (!g_hot.subs) {
        msg = "hotlining is not running";
        return -ENODEV;
    }
    if (!g_profiles.count(profile)) {
        msg = fmt::format("no hotline profile named {}", profile);
        return -ENOENT;
    }
    const Before b = before(nai);
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
    s.indication = ctx.indication;
    s.indication_vendor = ctx.indication_vendor;
    sync(nai, s);
    note_change(nai, b, ctx.reason);
    msg = fmt::format("{}: hotlined with profile {}{}{}", nai, profile,
                      session_timeout_s ? fmt::format(", session ends in {} s", session_timeout_s)
                                        : "",
                      active ? "" : " (applies when its binding appears)");
    return 0;
}

int set_normal(const std::string& nai, std::string& msg, const ChangeContext& ctx) {
    ModelLock lk;
    Sub* s = find(nai);
    if (!s) {
        msg = fmt::format("no subscriber {}", nai);
        return -ENOENT;
    }
    const Before b = before(nai);
    if (s->state != SubState::kNormal) {
        const bool active = !s->bound.empty() || !s->manual.empty();
        (active ? g_counters.active_reconciled : g_counters.new_reconciled)++;
        s->state = SubState::kNormal;
        s->profile.clear();
        s->session_timeout_s = s->deadline_s = 0;
        s->new_session = false;
        s->acct_id = new_acct_id();
        s->indication = ctx.indication;
        s->indication_vendor = ctx.indication_vendor;
    }
    sync(nai, *s);
    msg = fmt::format("{}: normal", nai);
    maybe_forget(nai);
    note_change(nai, b, ctx.reason);
    return 0;
}

int add_address(const std::string& nai, uint32_t addr, std::string& msg) {
    ModelLock lk;
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
    const Before b = before(nai);
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
    note_change(nai, b, ChangeReason::kConsole);
    msg = fmt::format("{}: home address {}", nai, config::format_ipv4(addr));
    return 0;
}

int remove_address(const std::string& nai, uint32_t addr, std::string& msg) {
    ModelLock lk;
    Sub* s = find(nai);
    if (!s || !s->manual.count(addr)) {
        msg = fmt::format("{} has no home address {} set by hand", nai, config::format_ipv4(addr));
        return -ENOENT;
    }
    const Before b = before(nai);
    s->manual.erase(addr);
    if (!s->bound.count(addr)) {
        g_hot.nat.remove_if([&](const nat::Translation& t) { return t.fwd.src == addr; });
        drop_address(addr);
    }
    msg = fmt::format("{}: home address {} removed", nai, config::format_ipv4(addr));
    maybe_forget(nai);
    note_change(nai, b, ChangeReason::kConsole);
    return 0;
}

int remove_subscriber(const std::string& nai, std::string& msg, const ChangeContext& ctx) {
    ModelLock lk;
    Sub* s = find(nai);
    if (!s) {
        msg = fmt::format("no subscriber {}", nai);
        return -ENOENT;
    }
    const Before b = before(nai);
    std::set<uint32_t> all = s->bound;
    all.insert(s->manual.begin(), s->manual.end());
    g_hot.nat.remove_if([&](const nat::Translation& t) { return all.count(t.fwd.src) > 0; });
    for (uint32_t a : all) drop_address(a);
    g_subs.erase(nai);
    note_change(nai, b, ctx.reason);
    msg = fmt::format("{}: removed", nai);
    return 0;
}

int clear_translations(std::string& msg) {
    const unsigned n = g_hot.nat.clear();
    msg = fmt::format("{} translations cleared", n);
    return 0;
}

void binding_changed(const std::string& nai, uint32_t home_addr, bool up) {
    ModelLock lk;
    if (!g_hot.subs) return;
    const Before b = before(nai);
    if (up) {
        auto own = g_owner.find(home_addr);
        if (own != g_owner.end() && own->second != nai) {
            // The address moved to another NAI (a new session got it).
            const std::string prev_nai = own->second;
            const Before pb = before(prev_nai);
            Sub* o = find(own->second);
            if (o) {
                o->bound.erase(home_addr);
                o->manual.erase(home_addr);
            }
            const std::string prev = own->second;
            g_hot.nat.remove_if([&](const nat::Translation& t) { return t.fwd.src == home_addr; });
            drop_address(home_addr);
            maybe_forget(prev);
            note_change(prev_nai, pb, ChangeReason::kBinding);
        }
        Sub& s = g_subs[nai];
        if (s.acct_id.empty()) s.acct_id = new_acct_id();
        if (s.state == SubState::kHotlined && s.new_session && s.bound.empty() && s.manual.empty())
            g_counters.new_hotlined++;
        s.bound.insert(home_addr);
        sync(nai, s);
        note_change(nai, b, ChangeReason::kBinding);
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
    } else if (s->bound.empty() && s->manual.empty()) {
        // The session is over; a hotlined subscriber's next one is a new
        // accounting session (its Stop was for this id).
        s->acct_id = new_acct_id();
    }
    maybe_forget(nai);
    note_change(nai, b, ChangeReason::kBinding);
}

void tick(uint32_t now) {
    {
        ModelLock lk;
        for (auto& [nai, s] : g_subs) {
            if (s.state != SubState::kHotlined || !s.deadline_s || int32_t(now - s.deadline_s) < 0)
                continue;
            const Before b = before(nai);
            s.state = SubState::kEnded;
            s.deadline_s = 0;
            s.acct_id = new_acct_id();
            g_counters.timed_out++;
            sync(nai, s);
            note_change(nai, b, ChangeReason::kSessionTimeout);
        }
    }
    // A quarter of the table per call: the timer runs 4 times a second, so
    // every translation is looked at about once a second.
    g_hot.nat.expire(now, std::max<uint32_t>(1024, g_hot.nat.capacity() / 4));
}

}  // namespace haslb::hotline
