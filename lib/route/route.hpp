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
void route_fini();

}  // namespace haslb::route
