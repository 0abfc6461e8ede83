// SPDX-License-Identifier: BSD-3-Clause
// What the console and telemetry show of hotlining (any thread).
#include <fmt/format.h>

#include "hotline/control/model.hpp"

namespace haslb::hotline {

using namespace detail;

namespace {

const char* type_word(config::HotlineRuleType t) {
    switch (t) {
        case config::HotlineRuleType::kHttpPass:
            return "HTTPPass";
        case config::HotlineRuleType::kHttpRedirect:
            return "HTTPRedir";
        case config::HotlineRuleType::kIpRedirect:
            return "IPRedir";
        case config::HotlineRuleType::kFilter:
            return "IPFilter";
    }
    return "?";
}

uint64_t profile_counter(uint16_t id, ProfileCounter c) {
    uint64_t sum = 0;
    for (unsigned l = 0; g_hot.counters && l < g_hot.nb_lcores; l++)
        sum += g_hot.counters[l][id][c].get();
    return sum;
}

ProfileView view_of(const ProfileRt& p) {
    ProfileView v{p.name,
                  p.non_hotline,
                  0,
                  {},
                  profile_counter(p.id, kPcPassed),
                  profile_counter(p.id, kPcFiltered),
                  profile_counter(p.id, kPcIpRedirected),
                  profile_counter(p.id, kPcHttp)};
    for (const auto& [nai, s] : g_subs)
        if (s.applied == p.id) v.users++;
    for (const auto& r : p.rules) {
        std::string target;
        if (r.type == config::HotlineRuleType::kIpRedirect)
            target = config::format_ipv4(r.redirect) + (r.port ? fmt::format(":{}", r.port) : "");
        else if (r.type == config::HotlineRuleType::kHttpRedirect)
            target = r.url;
        v.rules.push_back(RuleView{type_word(r.type), r.acl,
                                   r.direction == config::Direction::kIn ? "in" : "out", target});
    }
    return v;
}

}  // namespace

std::vector<ProfileView> profile_views(const std::string& name) {
    std::lock_guard<std::mutex> lk(g_mu);
    std::vector<ProfileView> out;
    for (auto* m : {&g_profiles, &g_nonhot})
        for (const auto& [key, p] : *m)
            if (name.empty() || name == key) out.push_back(view_of(p));
    return out;
}

std::vector<UserView> user_views(const std::string& nai) {
    std::lock_guard<std::mutex> lk(g_mu);
    const uint32_t now = now_s();
    std::vector<UserView> out;
    for (const auto& [n, s] : g_subs) {
        if (!nai.empty() && n != nai) continue;
        UserView v;
        v.nai = n;
        v.state = s.state == SubState::kHotlined ? "hotlined"
                  : s.state == SubState::kEnded  ? "ended"
                                                 : "normal";
        if (s.state == SubState::kHotlined) {
            v.profile = s.profile;
        } else if (s.state == SubState::kNormal) {
            for (const auto& [realm, p] : g_nonhot)
                if (p.id == s.applied && s.applied != kNoProfile) v.profile = realm;
        }
        std::set<uint32_t> all = s.bound;
        all.insert(s.manual.begin(), s.manual.end());
        for (uint32_t a : all) v.addresses.push_back(config::format_ipv4(a));
        v.bindings = uint32_t(s.bound.size());
        v.session_timeout_s = s.session_timeout_s;
        v.remaining_s = s.deadline_s && int32_t(s.deadline_s - now) > 0 ? s.deadline_s - now : 0;
        v.acct_session_id = s.acct_id;
        v.new_session = s.new_session;
        out.push_back(std::move(v));
    }
    return out;
}

Summary summary() {
    std::lock_guard<std::mutex> lk(g_mu);
    Summary s;
    s.subscribers = g_subs.size();
    s.addresses = g_hot.nb_addrs.load();
    for (const auto& [n, sub] : g_subs) {
        if (sub.state == SubState::kHotlined) {
            s.hotlined++;
            s.profile_based++;  // every hotline here names a local profile
        }
        if (sub.state == SubState::kEnded) s.ended++;
    }
    s.hotline_sessions = s.hotlined;
    s.active_hotlined = g_counters.active_hotlined;
    s.new_hotlined = g_counters.new_hotlined;
    s.active_reconciled = g_counters.active_reconciled;
    s.new_reconciled = g_counters.new_reconciled;
    s.timed_out = g_counters.timed_out;
    return s;
}

nat::Summary nat_summary() {
    return g_hot.nat.summary();
}

std::vector<nat::View> nat_views(uint32_t start, uint32_t max) {
    return g_hot.nat.views(now_s(), start, max);
}

uint32_t realm_capability(const std::string& nai) {
    std::lock_guard<std::mutex> lk(g_mu);
    auto it = g_realm_caps.find(nai);
    if (it == g_realm_caps.end()) {
        const auto at = nai.rfind('@');
        if (at != std::string::npos) it = g_realm_caps.find(nai.substr(at));
    }
    return it == g_realm_caps.end() ? 0 : it->second;
}

bool running() {
    return g_hot.subs != nullptr;
}

}  // namespace haslb::hotline
