// SPDX-License-Identifier: BSD-3-Clause
// The router module: FIB, neighbours, ARP. Control lcore.
#pragma once

#include <string>

#include "config/config.hpp"

namespace haslb::route {

// After ports_init and rcu_init: creates the tables, adds connected routes
// for every port and the configured static routes, hooks ARP and held
// packets into the control lcore and arms the neighbour timer (rte_timer).
// Returns 0 or negative errno with `err` (file:line of a bad route).
int route_init(const config::Config& cfg, std::string& err);
// The IPv6 half (called by route_init): FIB6, IPv6 neighbours, connected
// routes of ports with address6, static routes6. Tests call it alone.
int route6_init(const config::Config& cfg, std::string& err);
// The IPv6 part of the `routes` reloader: removes the routes6 of `cur` that
// `next` lacks, then adds the new ones. Returns 0 or the last error; `msg`
// says what changed.
int route6_reload(const config::Config& cur, const config::Config& next, std::string& msg);
void route_fini();

}  // namespace haslb::route
