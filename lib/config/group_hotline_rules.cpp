// SPDX-License-Identifier: BSD-3-Clause
// The rules of a hotline profile or of a realm's non-hotline profile (seed
// 004: `redirect http access-group ACL redir-url URL`, `redirect ip
// access-group ACL {in|out} redirect IP [PORT]`, `firewall ip access-group
// ACL {in|out}`, and HTTP pass). Each rule is checked on its own; the ACL it
// names is checked in check_hotline.cpp, the priority sort is the caller's.
#include <optional>

#include <fmt/format.h>

#include "config/groups.hpp"

namespace haslb::config::detail {

namespace {

// Index = HotlineRuleType.
constexpr std::string_view kTypes[] = {"http-pass", "http-redirect", "ip-redirect", "filter"};
constexpr size_t kMaxUrl = 512;

std::string_view type_word(HotlineRuleType t) {
    return kTypes[static_cast<size_t>(t)];
}

// "an ip-redirect rule", "a filter rule".
std::string a_rule(HotlineRuleType t) {
    return fmt::format("{} {} rule", t == HotlineRuleType::kFilter ? "a" : "an", type_word(t));
}

// The rule type that owns `key` (redirect, port, url), or none: every type
// takes type, acl and direction.
std::optional<HotlineRuleType> owner_of(std::string_view key) {
    if (key == "redirect" || key == "port") return HotlineRuleType::kIpRedirect;
    if (key == "url") return HotlineRuleType::kHttpRedirect;
    return std::nullopt;
}

std::optional<HotlineRuleType> get_type(Ctx& ctx, const lc::Setting& g, bool non_hotline) {
    std::string s;
    if (!ctx.get_string(g, "type", s, true)) return std::nullopt;
    std::optional<HotlineRuleType> t;
    for (size_t i = 0; i < std::size(kTypes); ++i)
        if (s == kTypes[i]) t = static_cast<HotlineRuleType>(i);
    if (!t) {
        ctx.error(g["type"], fmt::format("\"{}\" is not a hotline rule type{}", s,
                                         suggestion(s, std::vector<std::string_view>(
                                                           std::begin(kTypes), std::end(kTypes)))));
    } else if (non_hotline && *t != HotlineRuleType::kIpRedirect) {
        ctx.error(g["type"], fmt::format("a non-hotline profile has ip-redirect rules only (seed "
                                         "004); \"{}\" is not allowed here",
                                         s));
        t.reset();
    }
    return t;
}

void get_acl(Ctx& ctx, const lc::Setting& g, std::string& out) {
    std::string s;
    if (!ctx.get_string(g, "acl", s, true)) return;
    if (is_word(s, "_-", 32))
        out = s;
    else
        ctx.error(g["acl"],
                  fmt::format("\"{}\" is not an ACL name ([A-Za-z0-9_-], 1 to 32 characters)", s));
}

void get_direction(Ctx& ctx, const lc::Setting& g, std::optional<HotlineRuleType> type,
                   Direction& out) {
    std::string s;
    if (!ctx.get_string(g, "direction", s)) return;
    if (s != "in" && s != "out") {
        ctx.error(g["direction"],
                  fmt::format("\"{}\" is not a direction; expected \"in\" (upstream, from the "
                              "subscriber) or \"out\" (downstream, to the subscriber)",
                              s));
        return;
    }
    Direction d = s == "in" ? Direction::kIn : Direction::kOut;
    if (d == Direction::kOut && type && *type != HotlineRuleType::kFilter) {
        ctx.error(g["direction"], fmt::format("{} applies to upstream traffic only (direction "
                                              "\"in\"); only filter rules may be \"out\"",
                                              a_rule(*type)));
        return;
    }
    out = d;
}

void get_redirect(Ctx& ctx, const lc::Setting& g, uint32_t& out) {
    if (!g.exists("redirect")) {
        ctx.error(ctx.origin(g), ctx.key(g, "redirect"),
                  "required key is missing; an ip-redirect rule needs the redirect server's "
                  "address");
        return;
    }
    std::string s;
    if (!ctx.get_string(g, "redirect", s)) return;
    uint32_t a = 0;
    if (parse_ipv4(s, a) < 0)
        ctx.error(g["redirect"], fmt::format("\"{}\" is not an IPv4 address (A.B.C.D)", s));
    else if (auto why = not_unicast_reason(a); !why.empty())
        ctx.error(g["redirect"], fmt::format("{} is {}", s, why));
    else
        out = a;
}

void get_url(Ctx& ctx, const lc::Setting& g, std::string& out) {
    if (!g.exists("url")) {
        ctx.error(ctx.origin(g), ctx.key(g, "url"),
                  "required key is missing; an http-redirect rule needs the url of its 302");
        return;
    }
    std::string s;
    if (!ctx.get_string(g, "url", s)) return;
    constexpr std::string_view rule =
        "a url is 1 to 512 printable ASCII characters without spaces, starting with http:// or "
        "https://";
    if (s.empty() || s.size() > kMaxUrl) {
        ctx.error(g["url"], fmt::format("{} characters; {}", s.size(), rule));
        return;
    }
    for (size_t i = 0; i < s.size(); ++i)
        if (s[i] <= ' ' || s[i] > '~') {
            ctx.error(g["url"],
                      fmt::format("character {} is a space or not printable; {}", i + 1, rule));
            return;
        }
    std::string scheme = s.substr(0, s.find("://") == std::string::npos ? 0 : s.find("://") + 3);
    for (char& c : scheme) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    if ((scheme != "http://" && scheme != "https://") || s.size() == scheme.size()) {
        ctx.error(g["url"], fmt::format("\"{}\" is not an http:// or https:// url; {}", s, rule));
        return;
    }
    out = s;
}

void parse_rule(Ctx& ctx, const lc::Setting& g, bool non_hotline, HotlineRuleConfig& r) {
    r.origin = ctx.origin(g);
    if (!ctx.expect_group(g)) return;
    ctx.check_keys(g, {"type", "acl", "direction", "redirect", "port", "url"});
    std::optional<HotlineRuleType> type = get_type(ctx, g, non_hotline);
    get_acl(ctx, g, r.acl);
    get_direction(ctx, g, type, r.direction);
    if (!type) return;  // which other keys belong is unknown
    r.type = *type;
    for (const char* k : {"redirect", "port", "url"}) {
        auto owner = owner_of(k);
        if (g.exists(k) && owner != type)
            ctx.error(g[k], fmt::format("{} has no {}; only {} rules do", a_rule(*type), k,
                                        type_word(*owner)));
    }
    if (r.type == HotlineRuleType::kIpRedirect) {
        get_redirect(ctx, g, r.redirect);
        ctx.get_uint(g, "port", 0, 65535, r.port);
    } else if (r.type == HotlineRuleType::kHttpRedirect) {
        get_url(ctx, g, r.url);
    }
}

}  // namespace

void parse_hotline_rules(Ctx& ctx, const lc::Setting& owner, bool non_hotline,
                         std::vector<HotlineRuleConfig>& out) {
    std::string_view what = non_hotline ? "a non-hotline profile" : "a hotline profile";
    const lc::Setting* list = ctx.child(owner, "rules", false);
    if (!list) {
        ctx.error(ctx.origin(owner), ctx.key(owner, "rules"),
                  fmt::format("required key is missing; {} needs at least one rule", what));
        return;
    }
    if (!ctx.expect_list(*list)) return;
    int n = list->getLength();
    if (n == 0) {
        ctx.error(*list, fmt::format("{} needs at least one rule", what));
        return;
    }
    if (n > static_cast<int>(kMaxHotlineRules)) {
        ctx.error(*list, fmt::format("{} rules; at most {} per profile are supported", n,
                                     kMaxHotlineRules));
        return;
    }
    out.resize(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
        HotlineRuleConfig& r = out[static_cast<size_t>(i)];
        r.index = static_cast<uint16_t>(i);
        parse_rule(ctx, (*list)[i], non_hotline, r);
    }
}

}  // namespace haslb::config::detail
