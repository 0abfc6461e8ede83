// SPDX-License-Identifier: BSD-3-Clause
// Checks of the `hotline` group against `acls` (check_hotline: every rule
// names an ACL, every subscriber's profile exists) and against the ports
// (check_hotline_ports: neither a home address nor a redirect server is one
// of haslb's own addresses). Each runs only when the groups it reads parsed
// cleanly (see CrossCheck). Rules are in priority order by now; their
// `index` is where they were written, which is what the keys name.
#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "config/groups.hpp"

namespace haslb::config::detail {

namespace {

constexpr size_t kListed = 8;  // names listed in a message at most

// " (did you mean "x"?)", or " (defined: a, b, ...)", or " (none are defined)".
std::string hint(std::string_view name, const std::vector<std::string_view>& known) {
    if (known.empty()) return " (none are defined)";
    std::string s = suggestion(name, known);
    if (s.starts_with(" (")) return s;
    std::string list;
    for (size_t i = 0; i < known.size() && i < kListed; ++i)
        list += fmt::format("{}{}", i ? ", " : "", known[i]);
    if (known.size() > kListed) list += fmt::format(", ... ({} in all)", known.size());
    return fmt::format(" (defined: {})", list);
}

// Rules as written, so that errors come in the order of the file.
std::vector<const HotlineRuleConfig*> as_written(const std::vector<HotlineRuleConfig>& rules) {
    std::vector<const HotlineRuleConfig*> v;
    for (const HotlineRuleConfig& r : rules) v.push_back(&r);
    std::sort(v.begin(), v.end(), [](auto* a, auto* b) { return a->index < b->index; });
    return v;
}

void check_rules(Ctx& ctx, const std::string& owner, const std::vector<HotlineRuleConfig>& rules,
                 const std::set<std::string_view>& acls,
                 const std::vector<std::string_view>& names) {
    for (const HotlineRuleConfig* rp : as_written(rules))
        if (const HotlineRuleConfig& r = *rp; !acls.count(r.acl))
            ctx.error_at(
                fmt::format("{}.rules.[{}].acl", owner, r.index), r.origin,
                fmt::format("ACL \"{}\" is not defined in acls{}", r.acl, hint(r.acl, names)));
}

void check_redirects(Ctx& ctx, const Config& cfg, const std::string& owner,
                     const std::vector<HotlineRuleConfig>& rules) {
    for (const HotlineRuleConfig* rp : as_written(rules)) {
        const HotlineRuleConfig& r = *rp;
        if (r.type != HotlineRuleType::kIpRedirect) continue;
        if (std::string why = port_conflict(cfg, r.redirect); !why.empty())
            ctx.error_at(fmt::format("{}.rules.[{}].redirect", owner, r.index), r.origin,
                         fmt::format("redirect server {} is {}; haslb cannot redirect to itself",
                                     format_ipv4(r.redirect), why));
    }
}

}  // namespace

void check_hotline(Ctx& ctx, const Config& cfg) {
    const HotlineConfig& h = cfg.hotline;
    std::set<std::string_view> acls;
    std::vector<std::string_view> acl_names;
    for (const AclConfig& a : cfg.acls) acls.insert(a.name), acl_names.push_back(a.name);
    for (size_t i = 0; i < h.profiles.size(); ++i)
        check_rules(ctx, fmt::format("hotline.profiles.[{}]", i), h.profiles[i].rules, acls,
                    acl_names);
    for (size_t i = 0; i < h.non_hotline.size(); ++i)
        check_rules(ctx, fmt::format("hotline.non_hotline.[{}]", i), h.non_hotline[i].rules, acls,
                    acl_names);
    std::set<std::string_view> profiles;
    std::vector<std::string_view> profile_names;
    for (const HotlineProfileConfig& p : h.profiles)
        profiles.insert(p.name), profile_names.push_back(p.name);
    for (size_t i = 0; i < h.subscribers.size(); ++i) {
        const SubscriberConfig& s = h.subscribers[i];
        if (!s.profile.empty() && !profiles.count(s.profile))
            ctx.error_at(fmt::format("hotline.subscribers.[{}].profile", i), s.origin,
                         fmt::format("hotline profile \"{}\" is not defined in hotline.profiles{}",
                                     s.profile, hint(s.profile, profile_names)));
    }
}

void check_hotline_ports(Ctx& ctx, const Config& cfg) {
    const HotlineConfig& h = cfg.hotline;
    for (size_t i = 0; i < h.profiles.size(); ++i)
        check_redirects(ctx, cfg, fmt::format("hotline.profiles.[{}]", i), h.profiles[i].rules);
    for (size_t i = 0; i < h.non_hotline.size(); ++i)
        check_redirects(ctx, cfg, fmt::format("hotline.non_hotline.[{}]", i),
                        h.non_hotline[i].rules);
    for (size_t i = 0; i < h.subscribers.size(); ++i) {
        const SubscriberConfig& s = h.subscribers[i];
        for (size_t k = 0; k < s.addresses.size(); ++k)
            if (std::string why = port_conflict(cfg, s.addresses[k]); !why.empty())
                ctx.error_at(fmt::format("hotline.subscribers.[{}].addresses.[{}]", i, k), s.origin,
                             fmt::format("home address {} of \"{}\" is {}",
                                         format_ipv4(s.addresses[k]), s.nai, why));
    }
}

}  // namespace haslb::config::detail
