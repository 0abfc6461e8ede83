// SPDX-License-Identifier: BSD-3-Clause
// The one list of top-level configuration groups (see groups.hpp).
#include "config/groups.hpp"

namespace haslb::config::detail {

namespace {

constexpr GroupSpec kGroups[] = {
    {"eal", false, parse_eal},         {"driver", false, parse_driver},
    {"mempool", false, parse_mempool}, {"ports", true, parse_ports},
    {"routes", false, parse_routes},   {"neighbors", false, parse_neighbors},
    {"console", false, parse_console}, {"exception", false, parse_exception},
    {"slb", false, parse_slb},         {"acls", false, parse_acls},
    {"hotline", false, parse_hotline}, {"cluster", false, parse_cluster},
    {"radius", false, parse_radius},
};

constexpr CrossCheck kCrossChecks[] = {
    {check_ports, {"eal", "ports"}},
    {check_pci, {"eal", "driver", "ports"}},
    {check_routes_all, {"ports", "routes"}},
    {check_resources, {"eal", "driver", "mempool", "ports"}},
    {check_console, {"eal", "console"}},
    {check_slb, {"slb"}},
    {check_slb_ports, {"ports", "slb"}},
    {check_hotline, {"acls", "hotline"}},
    {check_hotline_ports, {"ports", "hotline"}},
    {check_cluster, {"ports", "slb", "cluster"}},
    {check_radius_ports, {"ports", "radius"}},
};

}  // namespace

std::span<const GroupSpec> group_specs() {
    return kGroups;
}
std::span<const CrossCheck> cross_checks() {
    return kCrossChecks;
}

}  // namespace haslb::config::detail
