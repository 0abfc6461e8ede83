// SPDX-License-Identifier: BSD-3-Clause
// An in-process appliance for unit tests and the fixture runner: EAL without
// hugepages or PCI, the real pool, tables and stages, and three data ports
// backed by rte_ring ethdevs (net_ring) so that what the control lcore sends
// can be read back.
//
//   access 192.0.2.1/24    02:00:00:00:01:01   host pdsn 192.0.2.10    02:00:00:00:0a:0a
//   farm   198.51.100.1/24 02:00:00:00:02:01   host ha1  198.51.100.11 02:00:00:00:0b:0b
//   core   203.0.113.1/25  02:00:00:00:03:01   host srv  203.0.113.10  02:00:00:00:0c:0c
//   route  203.0.113.128/25 via 203.0.113.10
// IPv6 (ports' address6, link-local fe80::ff:fe00:N01; hosts in the IPv6
// neighbour table with the MACs above):
//   access 2001:db8:a::1/64  pdsn 2001:db8:a::10
//   farm   2001:db8:f::1/64  ha1  2001:db8:f::11
//   core   2001:db8:c::1/64  srv  2001:db8:c::10
//   route  2001:db8:cc::/48 via 2001:db8:c::10
#pragma once

#include <rte_mbuf.h>
#include <rte_ring.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/dataplane.hpp"

namespace haslb::test {

// Initialises EAL once per process (idempotent). Returns false on failure.
// mem_mb: EAL memory (-m) of the first call; later calls reuse what it got
// (the benchmark asks for gigabytes before the first World).
bool eal_up(unsigned mem_mb = 256);

class World {
public:
    World();   // builds everything; REQUIREs success through `ok()`
    ~World();  // tears it down (tables, pool); counters reset
    bool ok() const { return ok_; }
    const std::string& error() const { return err_; }

    // A frame as an mbuf from the real pool.
    rte_mbuf* mbuf(const std::vector<uint8_t>& frame);
    // Runs the pipeline on `frames` arriving on port `in_port`; returns the
    // burst with verdicts (mbufs still owned by the burst: call release()).
    core::Burst run(uint16_t in_port, const std::vector<std::vector<uint8_t>>& frames);
    void release(core::Burst& b);

    // Packets the control lcore sent on port p (control TX queue), drained.
    std::vector<std::vector<uint8_t>> control_sent(uint16_t p);

    static std::vector<uint8_t> bytes(const rte_mbuf* m);

    // The rte_rings behind port p's ethdev: which 0 = RX queue 0, 1 = TX
    // queue 0 (workers), 2 = TX queue 1 (control). For the benchmark, which
    // recycles transmitted mbufs back into RX.
    rte_ring* ring(uint16_t p, unsigned which) const { return rings_.at(size_t(p) * 3 + which); }

private:
    bool ok_ = false;
    std::string err_;
    std::vector<rte_ring*> rings_;
};

}  // namespace haslb::test
