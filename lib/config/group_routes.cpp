// SPDX-License-Identifier: BSD-3-Clause
// The `routes` list (reloadable): static routes. Next hops are checked
// against the port subnets in check_routes.
#include <fmt/format.h>

#include "config/groups.hpp"

namespace haslb::config::detail {

namespace {

constexpr int kMaxRoutes = 65536;

void parse_route(Ctx& ctx, const lc::Setting& g, RouteConfig& r) {
    r.origin = ctx.origin(g);
    if (!ctx.expect_group(g)) return;
    ctx.check_keys(g, {"prefix", "via"});
    std::string s;
    if (ctx.get_string(g, "prefix", s, true)) {
        Ipv4Prefix p;
        if (parse_prefix(s, p) < 0) {
            ctx.error(g["prefix"], fmt::format("\"{}\" is not an IPv4 prefix (A.B.C.D/len)", s));
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
            ctx.error(g["via"], fmt::format("\"{}\" is not an IPv4 address (A.B.C.D)", s));
        else if (auto why = not_unicast_reason(a); !why.empty())
            ctx.error(g["via"], fmt::format("{} is {}", s, why));
        else
            r.via = a;
    }
}

}  // namespace

void parse_routes(Ctx& ctx, const lc::Setting& list, Config& out) {
    if (!ctx.expect_list(list)) return;
    int n = list.getLength();
    if (n > kMaxRoutes) {
        ctx.error(list, fmt::format("{} routes; at most {} are supported", n, kMaxRoutes));
        return;
    }
    out.routes.resize(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) parse_route(ctx, list[i], out.routes[static_cast<size_t>(i)]);
}

}  // namespace haslb::config::detail
