// SPDX-License-Identifier: BSD-3-Clause
// Data ports: probe lookup, queue layout (one RX queue per worker, one TX
// queue per worker plus one for the control lcore), start and stop.
// Control lcore only; ports are init-only.
#pragma once

#include <rte_ethdev.h>

#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "core/dataplane.hpp"

namespace haslb::core {

// Fills g_dp.ports and starts every port. Returns 0 or negative errno.
int ports_init(const config::Config& cfg, unsigned nb_workers, std::string& err);
void ports_fini();

// Sets a port's IPv6 fields from its address6: addr6/plen6 and the
// link-local address the kernel gives its tap (fe80::/64 + modified EUI-64
// of dp.mac, RFC 4291 2.5.1); all zero without one (no IPv6 on the port).
// Call after dp.mac is set. Also used by the unit-test world.
void port_set_ipv6(DpPort& dp, const std::optional<config::Ipv6Prefix>& address6);

// Stops and closes an ethdev and marks the id kNoPort; nothing if already so.
void port_stop_close(uint16_t& port_id);

// Operator-facing description of a port (for show/telemetry).
struct PortView {
    uint16_t index;
    std::string name;
    std::string device;
    std::string address;  // "A.B.C.D/len"
    std::string address6;  // "2001:db8::1/64", "" without IPv6
    std::string ll6;       // its link-local address, "" without IPv6
    std::string mac;
    bool link_up;
    uint32_t speed_mbps;
    rte_eth_stats stats;
    uint64_t rx_dropped;  // imissed + ierrors + rx_nombuf
    uint64_t tx_dropped;  // oerrors + packets the queue refused
};

// Any thread (telemetry reads it); empty before ports_init.
std::vector<PortView> port_views();

config::MacAddr port_mac(uint16_t index);
std::string port_name(uint16_t index);  // "port<N>" before ports_init

// Index of the port whose name is `name`, or -ENOENT.
int port_index(const std::string& name);

}  // namespace haslb::core
