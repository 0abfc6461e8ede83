// SPDX-License-Identifier: BSD-3-Clause
// Checks of the `cluster` group against the ports and the SLB vservers: a
// VIP is neither a port address nor on a port subnet (haslb answers ARP only
// for SLB VIPs, so the cluster VIP is reached by a route to one of haslb's
// port addresses), not an SLB VIP and not a member; `listen` is a port
// address. Runs only when ports, slb and cluster parsed cleanly.
#include <fmt/format.h>

#include "config/groups.hpp"

namespace haslb::config::detail {

namespace {

std::string where(const Origin& o) {
    return fmt::format("{}:{}", o.file, o.line);
}

}  // namespace

void check_cluster(Ctx& ctx, const Config& cfg) {
    const ClusterConfig& c = cfg.cluster;
    if (!c.enabled) return;
    for (size_t i = 0; i < c.vips.size(); i++) {
        const uint32_t v = c.vips[i];
        const std::string key = fmt::format("cluster.virtual.[{}]", i);
        const std::string vip = format_ipv4(v);
        for (const PortConfig& p : cfg.ports) {
            if (p.address.addr == v)
                ctx.error_at(key, c.origin,
                             fmt::format("VIP {} is the address of port \"{}\"", vip, p.name));
            else if (contains(p.address, v))
                ctx.error_at(key, c.origin,
                             fmt::format("VIP {} is on the subnet of port \"{}\" ({}); haslb does "
                                         "not answer ARP for a cluster VIP: use an address off "
                                         "every port subnet and route it to a port address",
                                         vip, p.name,
                                         format_prefix({network_of(p.address), p.address.len})));
        }
        for (const VserverConfig& s : cfg.slb.vservers)
            if (s.virtual_addr == v)
                ctx.error_at(key, c.origin,
                             fmt::format("VIP {} is the virtual address of slb vserver \"{}\" ({})",
                                         vip, s.name, where(s.origin)));
        for (const ClusterMemberConfig& m : c.members)
            if (m.address.family == 4 && format_ip(m.address) == vip)
                ctx.error_at(key, c.origin,
                             fmt::format("VIP {} is also a member ({}); a gateway cannot be the "
                                         "cluster's own address",
                                         vip, where(m.origin)));
    }
    if (c.listen) {
        bool found = false;
        for (const PortConfig& p : cfg.ports) found = found || p.address.addr == c.listen;
        if (!found)
            ctx.error_at("cluster.listen", c.origin,
                         fmt::format("{} is not the address of any port; load reports are "
                                     "received on a port address",
                                     format_ipv4(c.listen)));
    }
}

}  // namespace haslb::config::detail
