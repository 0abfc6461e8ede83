// SPDX-License-Identifier: BSD-3-Clause
// Console: show ipv6 route | neighbors, clear ipv6 neighbors [ADDR].
#include <fmt/format.h>

#include <cmdline_parse_string.h>

#include "console/console.hpp"
#include "core/ports.hpp"
#include "route/fib6.hpp"
#include "route/neighbor.hpp"

namespace haslb::route {
namespace {

void show_route6(cmdline* cl, const std::vector<std::string>&) {
    std::string out = "IPv6 Routing Table\nCodes: C - connected, S - static\n\n";
    for (const auto& r : route6_list()) {
        const std::string pfx = fmt::format("{}/{}", format_ip6(r.prefix.data()), r.len);
        if (r.type == RouteType::kConnected)
            out += fmt::format("C    {} is directly connected, {}\n", pfx, core::port_name(r.port));
        else
            out += fmt::format("S    {} [1/0] via {}, {}\n", pfx, format_ip6(r.via.data()),
                               core::port_name(r.port));
    }
    console::print(cl, out);
}

void show_neighbors6(cmdline* cl, const std::vector<std::string>&) {
    // IOS `show ipv6 neighbors` columns.
    std::string out = fmt::format("{:<40} {:>7} {:<17} {:<10} {}\n", "IPv6 Address", "Age(s)",
                                  "Link-layer Addr", "State", "Interface");
    for (const auto& n : neigh6_list()) {
        config::MacAddr mac;
        std::copy(std::begin(n.mac.addr_bytes), std::end(n.mac.addr_bytes), mac.begin());
        const bool has_mac = n.state == NeighState::kReachable || n.state == NeighState::kStale;
        out +=
            fmt::format("{:<40} {:>7} {:<17} {:<10} {}{}\n", format_ip6(n.ip.data()), n.age_s,
                        has_mac ? config::format_mac(mac) : "-", neigh_state_name(n.state),
                        core::port_name(n.port), n.held ? fmt::format(" ({} held)", n.held) : "");
    }
    console::print(cl, out);
}

void clear_neighbors6(cmdline* cl, const std::vector<std::string>&) {
    console::print(cl, fmt::format("{} IPv6 neighbour entries cleared\n", neigh6_clear()));
}

struct ClearOne {
    cmdline_fixed_string_t clear, ipv6, neighbors;
    cmdline_fixed_string_t addr;
};
void clear_one_cb(void* parsed, cmdline* cl, void*) {
    const std::string s = static_cast<ClearOne*>(parsed)->addr;
    uint8_t a[16];
    if (!parse_ip6(s, a)) {
        console::print(cl, fmt::format("% {} is not an IPv6 address\n", s));
        return;
    }
    console::print(cl, neigh6_del(a) == 0 ? fmt::format("{} cleared\n", format_ip6(a))
                                          : fmt::format("% no IPv6 neighbour {}\n", format_ip6(a)));
}
cmdline_parse_token_string_t t_clear = TOKEN_STRING_INITIALIZER(ClearOne, clear, "clear");
cmdline_parse_token_string_t t_ipv6 = TOKEN_STRING_INITIALIZER(ClearOne, ipv6, "ipv6");
cmdline_parse_token_string_t t_neighbors =
    TOKEN_STRING_INITIALIZER(ClearOne, neighbors, "neighbors");
cmdline_parse_token_string_t t_addr = TOKEN_STRING_INITIALIZER(ClearOne, addr, nullptr);

__attribute__((constructor)) void register_route6_cli() {
    console::register_fixed({"show", "ipv6", "route"},
                            "show ipv6 route: connected and static IPv6 routes", show_route6);
    console::register_fixed({"show", "ipv6", "neighbors"},
                            "show ipv6 neighbors: the data plane's IPv6 neighbour (NDP) table "
                            "(address, age, MAC, state, port)",
                            show_neighbors6);
    console::register_fixed(
        {"clear", "ipv6", "neighbors"},
        "clear ipv6 neighbors: forget every IPv6 neighbour (held packets dropped)",
        clear_neighbors6);
    console::register_tokens(clear_one_cb, "clear ipv6 neighbors ADDR: forget one IPv6 neighbour",
                             {&t_clear, &t_ipv6, &t_neighbors, &t_addr});
}

}  // namespace
}  // namespace haslb::route
