// SPDX-License-Identifier: BSD-3-Clause
// ICMP errors generated in place on worker lcores (no allocation): the
// packet that caused the error becomes the error message.
#pragma once

#include <rte_mbuf.h>

#include <cstdint>

#include "core/dataplane.hpp"

namespace haslb::route {

// Turns `m` (a parsed IPv4 packet, meta valid) into an ICMP error of
// `type`/`code` from the address of port `from_port` back to its source.
// Returns false when RFC 1812 says no error may be sent (the packet is itself
// an ICMP error, a non-first fragment, or from a non-unicast source) or the
// per-lcore rate limit is reached; the caller then drops it.
bool icmp_error_in_place(rte_mbuf* m, uint8_t type, uint8_t code, uint16_t from_port,
                         uint64_t now_tsc);

// The per-lcore token bucket both ICMP and ICMPv6 errors draw from (1000/s,
// bursts of 100). Returns false when empty. Worker lcores.
bool icmp_take_token(uint64_t now_tsc);

}  // namespace haslb::route
