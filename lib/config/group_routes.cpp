// SPDX-License-Identifier: BSD-3-Clause
// The `routes` list (reloadable): static routes, IPv4 or IPv6 (an entry
// whose prefix contains ':' is IPv6 and goes to Config::routes6). Next hops
// are checked against the port subnets in check_routes / check_routes6.
#include <fmt/format.h>

#include "config/groups.hpp"

namespace haslb::config::detail {

namespace {

constexpr int kMaxRoutes = 65536;

void parse_route(Ctx& ctx, const lc::Setting& g, RouteConfig& r) {
    std::string s;
    if (ctx.get_string(g, "prefix", s, true)) {
        Ipv4Prefix p;
        if (parse_prefix(s, p) < 0) {
            ctx.error(g["prefix"], fmt::format("\"{}\" is not an IPv4 prefix (A.B.C.D/len) or an "
                                               "IPv6 prefix (2001:db8::/32)",
                                               s));
        } else if (p.addr != network_of(p)) {
            ctx.error(g["prefix"], fmt::format("\"{}\" has host bits set; did you mean {}?", s,
                                               format_prefix(Ipv4Prefix{network_of(p), p.len})));
        } else {
            r.prefix = p;
        }
    }
    if (ctx.get_string(g, "via", s, true)) {
        uint32_t a = 0;
        if (parse_ipv4(s, a) < 0)
            ctx.error(g["via"], fmt::format("\"{}\" is not an IPv4 address (A.B.C.D); an IPv4 "
                                            "route needs an IPv4 next hop",
                                            s));
        else if (auto why = not_unicast_reason(a); !why.empty())
            ctx.error(g["via"], fmt::format("{} is {}", s, why));
        else
            r.via = a;
    }
}

void parse_route6(Ctx& ctx, const lc::Setting& g, const std::string& prefix, Route6Config& r) {
    Ipv6Prefix p;
    if (parse_prefix6(prefix, p) < 0) {
        ctx.error(g["prefix"], fmt::format("\"{}\" is not an IPv6 prefix (2001:db8::/32)", prefix));
    } else if (p.addr != network6_of(p)) {
        ctx.error(g["prefix"], fmt::format("\"{}\" has host bits set; did you mean {}?", prefix,
                                           format_prefix6({network6_of(p), p.len})));
    } else {
        r.prefix = p;
    }
    std::string s;
    if (ctx.get_string(g, "via", s, true)) {
        Ipv6Addr a{};
        if (parse_ipv6(s, a) < 0)
            ctx.error(g["via"], fmt::format("\"{}\" is not an IPv6 address; an IPv6 route needs "
                                            "an IPv6 next hop",
                                            s));
        else if (auto why = not_unicast6_reason(a); !why.empty())
            ctx.error(g["via"], fmt::format("{} is {}", s, why));
        else
            r.via = a;
    }
}

// One entry: its family is the prefix's.
void parse_entry(Ctx& ctx, const lc::Setting& g, size_t index, Config& out) {
    if (!ctx.expect_group(g)) return;
    ctx.check_keys(g, {"prefix", "via"});
    std::string prefix;
    const bool have = g.lookupValue("prefix", prefix);
    if (have && prefix.find(':') != std::string::npos) {
        Route6Config r;
        r.origin = ctx.origin(g);
        r.index = index;
        parse_route6(ctx, g, prefix, r);
        out.routes6.push_back(r);
        return;
    }
    RouteConfig r;
    r.origin = ctx.origin(g);
    r.index = index;
    parse_route(ctx, g, r);
    out.routes.push_back(r);
}

}  // namespace

void parse_routes(Ctx& ctx, const lc::Setting& list, Config& out) {
    if (!ctx.expect_list(list)) return;
    int n = list.getLength();
    if (n > kMaxRoutes) {
        ctx.error(list, fmt::format("{} routes; at most {} are supported", n, kMaxRoutes));
        return;
    }
    out.routes.clear();
    out.routes6.clear();
    for (int i = 0; i < n; ++i) parse_entry(ctx, list[i], static_cast<size_t>(i), out);
}

}  // namespace haslb::config::detail
