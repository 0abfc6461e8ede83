// SPDX-License-Identifier: BSD-3-Clause
// Internal to the cluster stages: the sticky NAT of clients without redirect
// support (worker lcores; no allocation, no locks) and the header rewrites
// of both families.
#pragma once

#include <rte_mbuf.h>

#include <cstring>

#include "core/dataplane.hpp"
#include "ikev2/cluster.hpp"

namespace haslb::ikev2::detail {

// `client`: 4 (family 4) or 16 octets, network order.
inline NatKey flow_key(uint8_t family, const uint8_t* client, uint16_t cport) {
    NatKey k{};
    std::memcpy(k.client, client, family == 4 ? 4 : 16);
    k.cport = cport;
    k.kind = uint8_t(NatKind::kFlow);
    k.family = family;
    return k;
}
inline NatKey sa_key(uint8_t family, const uint8_t* client, uint64_t spi_i) {
    NatKey k{};
    std::memcpy(k.client, client, family == 4 ? 4 : 16);
    k.kind = uint8_t(NatKind::kSa);
    k.family = family;
    k.spi_i = spi_i;
    return k;
}

// The valid entry at a lookup position, or nullptr.
inline NatEntry* nat_at(int32_t pos) {
    if (pos < 0) return nullptr;
    NatEntry* e = &g_cluster.nat_entries[pos];
    return e->valid.load(std::memory_order_acquire) ? e : nullptr;
}

// The entry for `key`, or nullptr (lookup only).
NatEntry* nat_find(const NatKey& key);
// Creates or refreshes the entry for `key` -> gw, vip (index); nullptr when
// the table is full.
NatEntry* nat_put(const NatKey& key, uint16_t gw, uint16_t vip, uint64_t now);

// Rewrites the destination (forward) or the source (reverse) address of an
// IPv4/UDP packet, IP and UDP checksums patched incrementally (RFC 1624).
void rewrite_dst4(rte_mbuf* m, core::PacketMeta* pm, uint32_t addr);
void rewrite_src4(rte_mbuf* m, core::PacketMeta* pm, uint32_t addr);
// The same for IPv6/UDP (`addr` 16 octets, network order): the UDP checksum
// covers the addresses through the pseudo-header.
void rewrite_dst6(rte_mbuf* m, core::PacketMeta* pm, const uint8_t* addr);
void rewrite_src6(rte_mbuf* m, core::PacketMeta* pm, const uint8_t* addr);

}  // namespace haslb::ikev2::detail
