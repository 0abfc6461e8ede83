// SPDX-License-Identifier: BSD-3-Clause
// Checks of the `cluster` group against the ports and the SLB vservers. A
// VIP may be on a port subnet (haslb answers ARP / neighbour solicitations
// for it there) or off every subnet (routed to a port address); it is never
// a port's own address, a subnet's network/broadcast (IPv4) or
// subnet-router anycast (IPv6) address, an SLB VIP or a member. An IPv6 VIP
// needs IPv6 on a port (address6). `listen` is a port address of either
// family. Runs only when ports, slb and cluster parsed cleanly.
#include <fmt/format.h>

#include <algorithm>

#include "config/groups.hpp"

namespace haslb::config::detail {

namespace {

std::string where(const Origin& o) {
    return fmt::format("{}:{}", o.file, o.line);
}

IpAddr ip_of(const Ipv6Addr& a) {
    IpAddr x;
    x.family = 6;
    std::copy(a.begin(), a.end(), x.bytes.begin());
    return x;
}

IpAddr ip_of(uint32_t a) {
    IpAddr x;
    x.family = 4;
    for (int i = 0; i < 4; i++) x.bytes[size_t(i)] = uint8_t(a >> (24 - 8 * i));
    return x;
}

void check_member_clash(Ctx& ctx, const ClusterConfig& c, const std::string& key, const IpAddr& v) {
    for (const ClusterMemberConfig& m : c.members)
        if (m.address == v)
            ctx.error_at(key, c.origin,
                         fmt::format("VIP {} is also a member ({}); a gateway cannot be the "
                                     "cluster's own address",
                                     format_ip(v), where(m.origin)));
}

bool is_port_address(const Config& cfg, const IpAddr& a) {
    for (const PortConfig& p : cfg.ports) {
        if (a.family == 4 && a == ip_of(p.address.addr)) return true;
        if (a.family == 6 && p.address6 && a == ip_of(p.address6->addr)) return true;
    }
    return false;
}

}  // namespace

void check_cluster(Ctx& ctx, const Config& cfg) {
    const ClusterConfig& c = cfg.cluster;
    if (!c.enabled) return;
    // The key names the list; each message names the VIP (a mixed list's
    // positions are not kept per family).
    const std::string key = "cluster.virtual";
    for (const uint32_t v : c.vips) {
        const std::string vip = format_ipv4(v);
        if (std::string why = port_conflict(cfg, v); !why.empty())
            ctx.error_at(key, c.origin, fmt::format("VIP {} is {}", vip, why));
        for (const VserverConfig& s : cfg.slb.vservers)
            if (s.virtual_addr == v)
                ctx.error_at(key, c.origin,
                             fmt::format("VIP {} is the virtual address of slb vserver \"{}\" ({})",
                                         vip, s.name, where(s.origin)));
        check_member_clash(ctx, c, key, ip_of(v));
    }
    const bool ipv6 = std::any_of(cfg.ports.begin(), cfg.ports.end(),
                                  [](const PortConfig& p) { return p.address6.has_value(); });
    for (const Ipv6Addr& v : c.vips6) {
        if (!ipv6)
            ctx.error_at(key, c.origin,
                         fmt::format("IPv6 VIP {} needs IPv6 on a port: give the port that leads "
                                     "to the clients an address6",
                                     format_ipv6(v)));
        if (std::string why = port_conflict6(cfg, v); !why.empty())
            ctx.error_at(key, c.origin, fmt::format("VIP {} is {}", format_ipv6(v), why));
        check_member_clash(ctx, c, key, ip_of(v));
    }
    if (c.listen.family && !is_port_address(cfg, c.listen))
        ctx.error_at("cluster.listen", c.origin,
                     fmt::format("{} is not the address (or address6) of any port; load reports "
                                 "are received on a port address",
                                 format_ip(c.listen)));
}

}  // namespace haslb::config::detail
