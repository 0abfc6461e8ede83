// SPDX-License-Identifier: BSD-3-Clause
// The `cluster` group: the IKEv2 cluster load balancer (seed 003, IOS
// `crypto ikev2 cluster`: holdtime, primary overload-limit / weight
// crypto-load / system-load, port, secondary priority / max-session). haslb
// is the primary for every member; members are the gateways (secondaries)
// whose agents report load. Entries are checked here; the VIPs against the
// ports and the SLB vservers in check_cluster.cpp.
#include <arpa/inet.h>

#include <algorithm>
#include <cerrno>
#include <map>

#include <fmt/format.h>

#include "config/groups.hpp"

namespace haslb::config {

int parse_ip(const std::string& s, IpAddr& out) {
    uint32_t v4 = 0;
    if (parse_ipv4(s, v4) == 0) {
        out = IpAddr{};
        out.family = 4;
        for (int i = 0; i < 4; i++) out.bytes[size_t(i)] = uint8_t(v4 >> (24 - 8 * i));
        return 0;
    }
    if (s.find(':') == std::string::npos) return -EINVAL;
    in6_addr a6{};
    if (inet_pton(AF_INET6, s.c_str(), &a6) != 1) return -EINVAL;
    out = IpAddr{};
    out.family = 6;
    for (size_t i = 0; i < 16; i++) out.bytes[i] = a6.s6_addr[i];
    return 0;
}

std::string format_ip(const IpAddr& a) {
    if (a.family == 4)
        return fmt::format("{}.{}.{}.{}", a.bytes[0], a.bytes[1], a.bytes[2], a.bytes[3]);
    if (a.family != 6) return "-";
    char buf[INET6_ADDRSTRLEN];
    in6_addr a6{};
    for (size_t i = 0; i < 16; i++) a6.s6_addr[i] = a.bytes[i];
    return inet_ntop(AF_INET6, &a6, buf, sizeof(buf)) ? std::string(buf) : "-";
}

}  // namespace haslb::config

namespace haslb::config::detail {

namespace {

constexpr int kMaxVips = 8;
constexpr int kMaxMembers = 256;

std::string where(const Origin& o) {
    return fmt::format("{}:{}", o.file, o.line);
}

// One cluster VIP of either family: a unicast address, listed once.
void parse_vip(Ctx& ctx, const lc::Setting& s, ClusterConfig& c) {
    std::string text;
    if (!ctx.as_string(s, text)) return;
    IpAddr a;
    if (parse_ip(text, a) < 0) {
        ctx.error(s, fmt::format("\"{}\" is not an IPv4 (A.B.C.D) or IPv6 address", text));
        return;
    }
    if (a.family == 6) {
        Ipv6Addr v6;
        std::copy(a.bytes.begin(), a.bytes.end(), v6.begin());
        if (auto why = not_unicast6_reason(v6); !why.empty()) {
            ctx.error(s, fmt::format("{} is {}", text, why));
            return;
        }
        if (std::find(c.vips6.begin(), c.vips6.end(), v6) != c.vips6.end()) {
            ctx.error(s, fmt::format("VIP {} is listed twice", format_ipv6(v6)));
            return;
        }
        c.vips6.push_back(v6);
        return;
    }
    uint32_t v4 = 0;
    parse_ipv4(text, v4);
    if (auto why = not_unicast_reason(v4); !why.empty()) {
        ctx.error(s, fmt::format("{} is {}", text, why));
        return;
    }
    if (std::find(c.vips.begin(), c.vips.end(), v4) != c.vips.end()) {
        ctx.error(s, fmt::format("VIP {} is listed twice", text));
        return;
    }
    c.vips.push_back(v4);
}

void parse_vips(Ctx& ctx, const lc::Setting& g, ClusterConfig& c) {
    const lc::Setting* v = ctx.child(g, "virtual", false);
    if (!v) {
        ctx.error(ctx.origin(g), ctx.key(g, "virtual"),
                  "required key is missing; the cluster needs its virtual address (VIP)");
        return;
    }
    if (v->getType() == lc::Setting::TypeString) {
        parse_vip(ctx, *v, c);
        return;
    }
    if (!v->isArray() && !v->isList()) {
        ctx.error(*v, fmt::format("expected a string or a list of strings, not {}", type_name(*v)));
        return;
    }
    const int n = v->getLength();
    if (n < 1 || n > kMaxVips) {
        ctx.error(*v, fmt::format("{} VIPs; 1 to {} are supported", n, kMaxVips));
        return;
    }
    for (int i = 0; i < n; i++) parse_vip(ctx, (*v)[i], c);
}

void parse_member(Ctx& ctx, const lc::Setting& g, ClusterMemberConfig& m) {
    m.origin = ctx.origin(g);
    if (!ctx.expect_group(g)) return;
    ctx.check_keys(g, {"address", "priority", "max_session"});
    std::string s;
    if (ctx.get_string(g, "address", s, true)) {
        IpAddr a;
        uint32_t v4 = 0;
        if (parse_ip(s, a) < 0)
            ctx.error(g["address"],
                      fmt::format("\"{}\" is not an IPv4 (A.B.C.D) or IPv6 address", s));
        else if (a.family == 4 && parse_ipv4(s, v4) == 0 && !not_unicast_reason(v4).empty())
            ctx.error(g["address"], fmt::format("{} is {}", s, not_unicast_reason(v4)));
        else if (a.family == 6 && (a.bytes[0] == 0xff || a == IpAddr{6, {}}))
            ctx.error(g["address"], fmt::format("{} is not an IPv6 unicast address", s));
        else
            m.address = a;
    }
    ctx.get_uint(g, "priority", 1, 255, m.priority);
    ctx.get_uint(g, "max_session", 1, 1000000, m.max_session);
}

void parse_members(Ctx& ctx, const lc::Setting& g, ClusterConfig& c) {
    const lc::Setting* list = ctx.child(g, "members", false);
    if (!list) {
        ctx.error(ctx.origin(g), ctx.key(g, "members"),
                  "required key is missing; the cluster needs at least one member gateway");
        return;
    }
    if (!ctx.expect_list(*list)) return;
    const int n = list->getLength();
    if (n < 1 || n > kMaxMembers) {
        ctx.error(*list, fmt::format("{} members; 1 to {} are supported", n, kMaxMembers));
        return;
    }
    c.members.resize(size_t(n));
    for (int i = 0; i < n; i++) parse_member(ctx, (*list)[i], c.members[size_t(i)]);
    std::map<std::array<uint8_t, 17>, size_t> seen;
    for (size_t i = 0; i < c.members.size(); i++) {
        const IpAddr& a = c.members[i].address;
        if (!a.family) continue;
        std::array<uint8_t, 17> k{};
        k[0] = a.family;
        std::copy(a.bytes.begin(), a.bytes.end(), k.begin() + 1);
        if (auto [it, fresh] = seen.try_emplace(k, i); !fresh)
            ctx.error_at(ctx.key((*list)[int(i)], "address"), c.members[i].origin,
                         fmt::format("member {} is already cluster.members.[{}] ({})", format_ip(a),
                                     it->second, where(c.members[it->second].origin)));
    }
}

}  // namespace

void parse_cluster(Ctx& ctx, const lc::Setting& g, Config& out) {
    if (!ctx.expect_group(g)) return;
    ctx.check_keys(g, {"virtual", "listen", "port", "holdtime", "overload_limit", "weight_crypto",
                       "weight_system", "max_session", "nat_idle", "max_nat_sessions", "members"});
    ClusterConfig& c = out.cluster;
    c.enabled = true;
    c.origin = ctx.origin(g);
    parse_vips(ctx, g, c);
    std::string s;
    if (ctx.get_string(g, "listen", s) && parse_ip(s, c.listen) < 0)
        ctx.error(g["listen"],
                  fmt::format("\"{}\" is not an IPv4 (A.B.C.D) or IPv6 address", s));
    ctx.get_uint(g, "port", 1, 65535, c.port);
    ctx.get_uint(g, "holdtime", 100, 3600000, c.holdtime_ms);
    ctx.get_uint(g, "overload_limit", 1, 100, c.overload_limit);
    ctx.get_uint(g, "weight_crypto", 0, 100, c.weight_crypto);
    ctx.get_uint(g, "weight_system", 0, 100, c.weight_system);
    ctx.get_uint(g, "max_session", 1, 1000000, c.max_session);
    ctx.get_uint(g, "nat_idle", 10, 86400, c.nat_idle_s);
    ctx.get_uint(g, "max_nat_sessions", 1024, 4194304, c.max_nat_sessions);
    parse_members(ctx, g, c);
}

}  // namespace haslb::config::detail
