// SPDX-License-Identifier: BSD-3-Clause
// Console: show routes | neighbors.
#include <fmt/format.h>

#include "console/console.hpp"
#include "core/ports.hpp"
#include "route/fib.hpp"
#include "route/neighbor.hpp"

namespace haslb::route {
namespace {

void show_routes(cmdline* cl, const std::vector<std::string>&) {
    std::string out = "Codes: C - connected, S - static\n\n";
    for (const auto& r : route_list()) {
        const std::string pfx = config::format_prefix({r.prefix, r.len});
        if (r.type == RouteType::kConnected)
            out += fmt::format("C    {} is directly connected, {}\n", pfx, core::port_name(r.port));
        else
            out += fmt::format("S    {} [1/0] via {}, {}\n", pfx, config::format_ipv4(r.via),
                               core::port_name(r.port));
    }
    console::print(cl, out);
}

void show_neighbors(cmdline* cl, const std::vector<std::string>&) {
    std::string out = fmt::format("{:<9} {:<16} {:>7}  {:<17} {:<5} {:<10} {}\n", "Protocol",
                                  "Address", "Age(s)", "Hardware Addr", "Type", "Interface", "State");
    for (const auto& n : neigh_list()) {
        config::MacAddr mac;
        std::copy(std::begin(n.mac.addr_bytes), std::end(n.mac.addr_bytes), mac.begin());
        const bool has_mac = n.state == NeighState::kReachable || n.state == NeighState::kStale;
        out += fmt::format("{:<9} {:<16} {:>7}  {:<17} {:<5} {:<10} {}{}\n", "Internet",
                           config::format_ipv4(n.ip), n.age_s, has_mac ? config::format_mac(mac) : "Incomplete",
                           "ARPA", core::port_name(n.port), neigh_state_name(n.state),
                           n.held ? fmt::format(" ({} held)", n.held) : "");
    }
    console::print(cl, out);
}

__attribute__((constructor)) void register_route_cli() {
    console::register_fixed({"show", "routes"}, "show routes: connected and static IPv4 routes",
                            show_routes);
    console::register_fixed({"show", "neighbors"},
                            "show neighbors: the data plane's ARP table (address, MAC, port, state)",
                            show_neighbors);
}

}  // namespace
}  // namespace haslb::route
