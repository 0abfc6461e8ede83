// SPDX-License-Identifier: BSD-3-Clause
// Console: show version | ports | stats [drops].
#include <fmt/format.h>

#include "console/console.hpp"
#include "core/counters.hpp"
#include "core/ports.hpp"
#include "core/reload.hpp"
#include "core/version.hpp"

namespace haslb::core {
namespace {

void show_version(cmdline* cl, const std::vector<std::string>&) {
    const uint64_t up = uptime_s();
    console::print(cl, fmt::format("haslb {} ({})\nuptime {}d {:02}:{:02}:{:02}\n", version(),
                                   dpdk_version(), up / 86400, up / 3600 % 24, up / 60 % 60, up % 60));
}

void show_ports(cmdline* cl, const std::vector<std::string>&) {
    std::string out = fmt::format("{:<5} {:<10} {:<16} {:<18} {:<17} {:<5} {:>12} {:>14} {:>12} {:>14} {:>10}\n",
                                  "Port", "Name", "Device", "Address", "MAC", "Link", "RX-packets",
                                  "RX-bytes", "TX-packets", "TX-bytes", "Drops");
    for (const auto& v : port_views())
        out += fmt::format("{:<5} {:<10} {:<16} {:<18} {:<17} {:<5} {:>12} {:>14} {:>12} {:>14} {:>10}\n",
                           v.index, v.name, v.device, v.address, v.mac, v.link_up ? "up" : "down",
                           v.stats.ipackets, v.stats.ibytes, v.stats.opackets, v.stats.obytes,
                           v.rx_dropped + v.tx_dropped);
    std::string v6;
    for (const auto& v : port_views())
        if (!v.address6.empty())
            v6 += fmt::format("{:<5} {:<10} {:<40} {}\n", v.index, v.name, v.address6, v.ll6);
    if (!v6.empty())
        out += fmt::format("\n{:<5} {:<10} {:<40} {}\n", "Port", "Name", "IPv6 address",
                           "Link-local") + v6;
    console::print(cl, out);
}

void show_stats(cmdline* cl, const std::vector<std::string>&) {
    std::string out;
    for (size_t s = 0; s < kStatCount; s++)
        out += fmt::format("{}: {}\n", stat_name(Stat(s)), total_stat(Stat(s)));
    uint64_t drops = 0;
    for (size_t d = 0; d < kDropCount; d++) drops += total_drop(Drop(d));
    out += fmt::format("drops: {}  (show stats drops)\n", drops);
    console::print(cl, out);
}

void show_drops(cmdline* cl, const std::vector<std::string>&) {
    std::string out;
    for (size_t d = 0; d < kDropCount; d++)
        out += fmt::format("{}: {}\n", drop_name(Drop(d)), total_drop(Drop(d)));
    console::print(cl, out);
}

void reload_cmd(cmdline* cl, const std::vector<std::string>&) {
    std::string msg;
    int rc = reload(msg);
    console::print(cl, rc == 0 ? msg : fmt::format("% {}", msg));
}

__attribute__((constructor)) void register_core_cli() {
    console::register_fixed({"reload"},
                            "reload: re-read the configuration file; apply routes and neighbour timers "
                            "(init-only changes are refused)",
                            reload_cmd);
    console::register_fixed({"show", "version"}, "show version: haslb and DPDK versions, uptime",
                            show_version);
    console::register_fixed({"show", "ports"},
                            "show ports: per data port device, address, MAC, link and counters",
                            show_ports);
    console::register_fixed({"show", "stats"}, "show stats: packet counters summed over lcores",
                            show_stats);
    console::register_fixed({"show", "stats", "drops"},
                            "show stats drops: packets dropped, by named reason", show_drops);
}

}  // namespace
}  // namespace haslb::core
