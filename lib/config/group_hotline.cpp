// SPDX-License-Identifier: BSD-3-Clause
// The `hotline` group (seed 004): hotline profiles, realms' non-hotline
// profiles, realm capabilities, configured subscribers and the NAT of
// IP-redirected flows. Rules are parsed in group_hotline_rules.cpp,
// subscribers in group_hotline_subscribers.cpp; references to ACLs and
// profiles and conflicts with the ports are checked in check_hotline.cpp.
#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "config/groups.hpp"

namespace haslb::config::detail {

namespace {

constexpr int kMaxProfiles = 1024;
constexpr int kMaxNonHotline = 1024;
constexpr int kMaxRealms = 4096;
constexpr size_t kMaxNai = 72;

struct Capability {
    std::string_view word;
    uint32_t flag;
};

// IOS `ip mobile realm R hotline capability {profile ipfilter httpredir ipredir all}`.
constexpr Capability kCapabilities[] = {
    {"profile", kCapProfile},    {"ipfilter", kCapIpFilter}, {"httpredir", kCapHttpRedirect},
    {"ipredir", kCapIpRedirect}, {"all", kCapAll},
};

std::string where(const Origin& o) {
    return fmt::format("{}:{}", o.file, o.line);
}

void parse_nat(Ctx& ctx, const lc::Setting& g, NatConfig& n) {
    if (!ctx.expect_group(g)) return;
    ctx.check_keys(
        g, {"max_translations", "tcp", "tcp_fin", "tcp_syn", "tcp_nosynack", "udp", "icmp"});
    ctx.get_uint(g, "max_translations", 1024, 16777216, n.max_translations);
    ctx.get_uint(g, "tcp", 1, 86400, n.tcp_s);
    ctx.get_uint(g, "tcp_fin", 1, 86400, n.tcp_fin_s);
    ctx.get_uint(g, "tcp_syn", 1, 86400, n.tcp_syn_s);
    ctx.get_uint(g, "tcp_nosynack", 1, 86400, n.tcp_nosynack_s);
    ctx.get_uint(g, "udp", 1, 86400, n.udp_s);
    ctx.get_uint(g, "icmp", 1, 86400, n.icmp_s);
}

// "@realm" or "user@realm" (seed 004: the IOS command refuses other forms):
// one '@', a realm of [A-Za-z0-9.-_] after it, printable ASCII without spaces
// before it, 72 bytes at most (an NAI's length).
bool is_realm(std::string_view s) {
    size_t at = s.find('@');
    if (at == std::string_view::npos || s.size() > kMaxNai) return false;
    std::string_view user = s.substr(0, at), realm = s.substr(at + 1);
    if (!is_word(realm, ".-_", kMaxNai)) return false;
    return std::all_of(user.begin(), user.end(),
                       [](char c) { return c > ' ' && c <= '~' && c != '@'; });
}

void get_realm(Ctx& ctx, const lc::Setting& g, std::string& out) {
    std::string s;
    if (!ctx.get_string(g, "realm", s, true)) return;
    if (is_realm(s))
        out = s;
    else
        ctx.error(g["realm"],
                  fmt::format("\"{}\" is not a realm or NAI; expected \"@realm\" or "
                              "\"user@realm\" (realm: [A-Za-z0-9.-_], at most 72 characters)",
                              s));
}

// One capability word; its flag, or 0 (reported).
uint32_t capability_flag(Ctx& ctx, const lc::Setting& s) {
    std::string w;
    if (!ctx.as_string(s, w)) return 0;
    std::vector<std::string_view> words;
    for (const Capability& c : kCapabilities) {
        if (w == c.word) return c.flag;
        words.push_back(c.word);
    }
    ctx.error(s, fmt::format("\"{}\" is not a hotline capability{}", w, suggestion(w, words)));
    return 0;
}

// capability = "all" (one word) or [ "profile", "ipredir", ... ].
void get_capability(Ctx& ctx, const lc::Setting& g, uint32_t& out) {
    const lc::Setting* s = ctx.child(g, "capability", false);
    if (!s) {
        ctx.error(ctx.origin(g), ctx.key(g, "capability"),
                  "required key is missing; a realm needs at least one hotline capability "
                  "(profile, ipfilter, httpredir, ipredir or all)");
        return;
    }
    if (s->getType() == lc::Setting::TypeString) {
        out = capability_flag(ctx, *s);
        return;
    }
    if (!s->isList() && !s->isArray()) {
        ctx.error(*s,
                  fmt::format("expected a capability or a list of them [ \"...\", ... ], got {}",
                              type_name(*s)));
        return;
    }
    if (s->getLength() == 0) {
        ctx.error(*s,
                  "a realm needs at least one hotline capability (profile, ipfilter, httpredir, "
                  "ipredir or all)");
        return;
    }
    uint32_t flags = 0;
    bool ok = true;
    for (int i = 0; i < s->getLength(); ++i) {
        uint32_t f = capability_flag(ctx, (*s)[i]);
        ok = ok && f != 0;
        flags |= f;
    }
    if (ok) out = flags;
}

void parse_profile(Ctx& ctx, const lc::Setting& g, HotlineProfileConfig& p) {
    p.origin = ctx.origin(g);
    if (!ctx.expect_group(g)) return;
    ctx.check_keys(g, {"name", "rules"});
    std::string name;
    if (ctx.get_string(g, "name", name, true)) {
        if (is_word(name, "_.-", 64))
            p.name = name;
        else
            ctx.error(g["name"], fmt::format("\"{}\" is not a hotline profile name "
                                             "([A-Za-z0-9_.-], 1 to 64 characters)",
                                             name));
    }
    parse_hotline_rules(ctx, g, false, p.rules);
    // Seed 004 requirement 8: HTTP pass, HTTP redirect, IP redirect, filter;
    // the order written only among rules of one type.
    std::stable_sort(
        p.rules.begin(), p.rules.end(),
        [](const HotlineRuleConfig& a, const HotlineRuleConfig& b) { return a.type < b.type; });
}

void parse_non_hotline(Ctx& ctx, const lc::Setting& g, NonHotlineConfig& n) {
    n.origin = ctx.origin(g);
    if (!ctx.expect_group(g)) return;
    ctx.check_keys(g, {"realm", "rules"});
    get_realm(ctx, g, n.realm);
    parse_hotline_rules(ctx, g, true, n.rules);
}

void parse_realm(Ctx& ctx, const lc::Setting& g, RealmConfig& r) {
    r.origin = ctx.origin(g);
    if (!ctx.expect_group(g)) return;
    ctx.check_keys(g, {"realm", "capability"});
    get_realm(ctx, g, r.realm);
    get_capability(ctx, g, r.capability);
}

// A list of at most `max` groups, each parsed by `parse` into `out`; the
// list's setting, or nullptr when absent or not a list.
template <typename T, typename F>
const lc::Setting* parse_list(Ctx& ctx, const lc::Setting& g, const char* name, int max,
                              std::vector<T>& out, F parse) {
    const lc::Setting* list = ctx.child(g, name, false);
    if (!list || !ctx.expect_list(*list)) return nullptr;
    int n = list->getLength();
    if (n > max) {
        ctx.error(*list, fmt::format("{} {}; at most {} are supported", n, name, max));
        return nullptr;
    }
    out.resize(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) parse(ctx, (*list)[i], out[static_cast<size_t>(i)]);
    return list;
}

// Reports a second entry of `list` with the same non-empty `field` value
// (`get` reads it; empty = did not parse, already reported).
template <typename T, typename Get>
void check_unique(Ctx& ctx, const lc::Setting* list, const std::vector<T>& v, const char* field,
                  std::string_view noun, Get get) {
    if (!list) return;
    std::map<std::string_view, size_t> seen;
    for (size_t i = 0; i < v.size(); ++i) {
        std::string_view value = get(v[i]);
        if (value.empty()) continue;
        if (auto [it, fresh] = seen.try_emplace(value, i); !fresh)
            ctx.error_at(ctx.key((*list)[static_cast<int>(i)], field), v[i].origin,
                         fmt::format("{} \"{}\" is already used by {}.[{}] ({})", noun, value,
                                     ctx.key(*list), it->second, where(v[it->second].origin)));
    }
}

}  // namespace

void parse_hotline(Ctx& ctx, const lc::Setting& g, Config& out) {
    if (!ctx.expect_group(g)) return;
    ctx.check_keys(g,
                   {"profiles", "non_hotline", "realms", "subscribers", "max_subscribers", "nat"});
    HotlineConfig& h = out.hotline;
    ctx.get_uint(g, "max_subscribers", 1024, 16777216, h.max_subscribers);
    if (const lc::Setting* nat = ctx.child(g, "nat", false)) parse_nat(ctx, *nat, h.nat);
    const lc::Setting* list =
        parse_list(ctx, g, "profiles", kMaxProfiles, h.profiles, parse_profile);
    check_unique(ctx, list, h.profiles, "name", "profile name",
                 [](const HotlineProfileConfig& p) -> std::string_view { return p.name; });
    list = parse_list(ctx, g, "non_hotline", kMaxNonHotline, h.non_hotline, parse_non_hotline);
    check_unique(ctx, list, h.non_hotline, "realm", "realm",
                 [](const NonHotlineConfig& n) -> std::string_view { return n.realm; });
    list = parse_list(ctx, g, "realms", kMaxRealms, h.realms, parse_realm);
    check_unique(ctx, list, h.realms, "realm", "realm",
                 [](const RealmConfig& r) -> std::string_view { return r.realm; });
    if (const lc::Setting* subs = ctx.child(g, "subscribers", false))
        parse_subscribers(ctx, *subs, h);
}

}  // namespace haslb::config::detail
