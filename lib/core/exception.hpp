// SPDX-License-Identifier: BSD-3-Clause
// Exception path (DESIGN 3): one net_tap per data port, with the port's MAC
// and address, in the appliance's own network namespace. Packets for the
// appliance go worker -> ring -> control lcore -> tap; what the kernel sends
// on a tap leaves on the port's control TX queue. So the kernel answers ARP
// and ping for the port addresses and control protocols use kernel sockets.
//
// Control lcore only.
#pragma once

#include <rte_mbuf.h>

#include <string>

#include "config/config.hpp"

namespace haslb::core {

// After ports_init. Creates the namespace (unless exception.netns is "-"),
// the taps, their addresses and the static routes; registers the tap poller
// and the kLocal handler. Returns 0 or negative errno with `err`.
int exception_init(const config::Config& cfg, std::string& err);

// Stops and closes the taps, removes the namespace.
void exception_fini();

// Name of the exception namespace ("" when the taps live in haslb's own).
const std::string& exception_netns();

// Gives a packet from a data port (meta->in_port) to the kernel through the
// port's tap. Takes ownership.
void deliver_to_kernel(rte_mbuf* m);

}  // namespace haslb::core
