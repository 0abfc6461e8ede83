// SPDX-License-Identifier: BSD-3-Clause
// Internal: the table of top-level groups and the parsers behind it.
//
// To add a group (say `slb`): add its typed struct to config.hpp and a member
// to Config, write `void parse_slb(Ctx&, const lc::Setting&, Config&)` in
// lib/config/slb.cpp with the Ctx helpers (check_keys first, so typos are
// errors), list it in kGroups in groups.cpp, and, if it refers to other groups
// (a vserver naming a serverfarm, a route via a port subnet), add a
// cross-check to kCrossChecks.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "config/ctx.hpp"

namespace haslb::config::detail {

struct GroupSpec {
    std::string_view name;
    bool required;
    // Fills its part of Config from `group`; only called if the group is present.
    void (*parse)(Ctx& ctx, const lc::Setting& group, Config& out);
};

// A check across entries or groups (unique names, a route's next hop on a
// port subnet). Runs after every group is parsed, and only if the groups it
// `reads` parsed without error, so it can trust every value it sees.
struct CrossCheck {
    void (*check)(Ctx& ctx, const Config& cfg);
    std::array<std::string_view, 4> reads;  // group names; unused slots empty
};

// In parse order: a group may rely on those before it (ports take their
// defaults from driver).
std::span<const GroupSpec> group_specs();
std::span<const CrossCheck> cross_checks();

void parse_eal(Ctx& ctx, const lc::Setting& group, Config& out);
void parse_driver(Ctx& ctx, const lc::Setting& group, Config& out);
void parse_mempool(Ctx& ctx, const lc::Setting& group, Config& out);
void parse_ports(Ctx& ctx, const lc::Setting& list, Config& out);
void parse_routes(Ctx& ctx, const lc::Setting& list, Config& out);
void parse_neighbors(Ctx& ctx, const lc::Setting& group, Config& out);
void parse_console(Ctx& ctx, const lc::Setting& group, Config& out);
void parse_exception(Ctx& ctx, const lc::Setting& group, Config& out);
void parse_slb(Ctx& ctx, const lc::Setting& group, Config& out);
void parse_dfp(Ctx& ctx, const lc::Setting& group, Config& out);      // slb.dfp; group_dfp.cpp
void parse_acls(Ctx& ctx, const lc::Setting& list, Config& out);      // group_acls.cpp
void parse_hotline(Ctx& ctx, const lc::Setting& group, Config& out);  // group_hotline.cpp
// The `rules` list of `owner` (a hotline profile, or a non_hotline entry:
// ip-redirect rules only), in the order written, each with its index.
// group_hotline_rules.cpp.
void parse_hotline_rules(Ctx& ctx, const lc::Setting& owner, bool non_hotline,
                         std::vector<HotlineRuleConfig>& out);
// hotline.subscribers; group_hotline_subscribers.cpp.
void parse_subscribers(Ctx& ctx, const lc::Setting& list, HotlineConfig& out);

void parse_radius(Ctx& ctx, const lc::Setting& group, Config& out);  // group_radius.cpp

void check_ports(Ctx& ctx, const Config& cfg);
void check_pci(Ctx& ctx, const Config& cfg);
void check_routes(Ctx& ctx, const Config& cfg);
void check_routes_all(Ctx& ctx, const Config& cfg);  // IPv4 and IPv6
void check_resources(Ctx& ctx, const Config& cfg);
void check_console(Ctx& ctx, const Config& cfg);
void check_slb(Ctx& ctx, const Config& cfg);                          // check_slb.cpp
void check_slb_ports(Ctx& ctx, const Config& cfg);                    // check_slb.cpp
void check_hotline(Ctx& ctx, const Config& cfg);                      // check_hotline.cpp
void check_hotline_ports(Ctx& ctx, const Config& cfg);                // check_hotline.cpp
void parse_cluster(Ctx& ctx, const lc::Setting& group, Config& out);  // group_cluster.cpp
void check_cluster(Ctx& ctx, const Config& cfg);                      // check_cluster.cpp
void check_radius_ports(Ctx& ctx, const Config& cfg);   // group_radius.cpp

// Helpers shared by the parsers and checks.

// Lcore ids of an EAL -l list ("0-1", "0,2-3"), in the order written.
// Returns 0, or -EINVAL with `why` set.
int parse_lcores(const std::string& s, std::vector<unsigned>& out, std::string& why);

// What identifies a device to DPDK: the vdev name ("net_af_packet0") or the
// full PCI address ("0000:03:00.0", lower case). Returns 0, or -EINVAL with
// `why` set.
int device_id(const std::string& device, std::string& id, std::string& why);

// Values of devarg `key` in "net_x0,k1=v1,k2=v2,k1=v3", in order.
std::vector<std::string> devargs(const std::string& device, std::string_view key);

inline uint32_t prefix_mask(uint8_t len) {
    return len == 0 ? 0 : ~uint32_t{0} << (32 - len);
}
inline uint32_t network_of(const Ipv4Prefix& p) {
    return p.addr & prefix_mask(p.len);
}
inline uint32_t broadcast_of(const Ipv4Prefix& p) {
    return p.addr | ~prefix_mask(p.len);
}
inline bool contains(const Ipv4Prefix& p, uint32_t a) {
    return (a & prefix_mask(p.len)) == network_of(p);
}
// Why `a` cannot be a host behind a port (a real, VIP, agent, home or
// redirect address): a port's own address, or its subnet's network or
// broadcast address. "" if it can. Ports whose address did not parse are
// skipped. check_slb.cpp.
std::string port_conflict(const Config& cfg, uint32_t a);

// IPv6 prefix arithmetic and host-address checks (addr6.cpp).
Ipv6Addr network6_of(const Ipv6Prefix& p);
bool contains6(const Ipv6Prefix& p, const Ipv6Addr& a);
// Why `a` cannot be a global IPv6 host address (::, ::1, multicast,
// link-local, IPv4-mapped), or "" if it can.
std::string_view not_unicast6_reason(const Ipv6Addr& a);
// Why `a` cannot be an IPv6 host behind a port: a port's own address6, or
// its subnet-router anycast address (the subnet's all-zero host). "" if it
// can. validate.cpp.
std::string port_conflict6(const Config& cfg, const Ipv6Addr& a);

// Why `a` cannot be a host address (0/8, 127/8, multicast, class E,
// limited broadcast), or "" if it can.
std::string_view not_unicast_reason(uint32_t a);

}  // namespace haslb::config::detail
