// SPDX-License-Identifier: BSD-3-Clause
// haslb-bench's IKEv2 cluster paths (test/support/cluster_world.hpp, every
// member reporting): REDIRECT responses and ESP-in-UDP NAT hits, to the
// IPv4 VIP 203.0.113.200 and the IPv6 VIP 2001:db8:ff::200. The cluster is
// set up only for these paths (after the others ran: its VIP is inside the
// route path's destinations).
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "paths.hpp"

namespace haslb::bench {

// NAT flows per family the cluster's table holds for table size n.
uint32_t cluster_flows(uint32_t n);

// Appends ike-redirect, ike-redirect6, ike-esp and ike-esp6 to `paths`:
// redirects from 4096 client ports, ESP of `flows` flows drawn at random
// from the cluster_flows(n) that cluster_up(n) creates.
void add_cluster_paths(std::vector<Path>& paths, uint32_t n, uint32_t flows, std::mt19937& rng);

// After the World: the cluster world with every member alive at 30 % and
// cluster_flows(n) NAT flows of each family. 0 or negative errno with err.
int cluster_up(uint32_t n, std::string& err);
// Between measured runs, what the members' next reports would do: the
// sessions counted as pending since go back to 0 (else a long run
// overloads every member and REDIRECTs stop).
void cluster_between_runs();
void cluster_down();

}  // namespace haslb::bench
