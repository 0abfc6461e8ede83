// SPDX-License-Identifier: BSD-3-Clause
// Internal to the cluster stage: the sticky NAT of clients without redirect
// support (worker lcores; no allocation, no locks).
#pragma once

#include <rte_mbuf.h>

#include "core/dataplane.hpp"
#include "ikev2/cluster.hpp"

namespace haslb::ikev2::detail {

// The entry for `key`, or nullptr (lookup only).
NatEntry* nat_find(const NatKey& key);
// Creates or refreshes the entry for `key` -> gw; nullptr when the table is full.
NatEntry* nat_put(const NatKey& key, uint16_t gw, uint32_t vip, uint64_t now);

// Rewrites the destination (forward) or the source (reverse) address of an
// IPv4/UDP packet, IP and UDP checksums patched incrementally.
void rewrite_dst(rte_mbuf* m, core::PacketMeta* pm, uint32_t addr);
void rewrite_src(rte_mbuf* m, core::PacketMeta* pm, uint32_t addr);

}  // namespace haslb::ikev2::detail
