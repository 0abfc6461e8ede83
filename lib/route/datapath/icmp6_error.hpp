// SPDX-License-Identifier: BSD-3-Clause
// ICMPv6 errors (RFC 4443) generated in place on worker lcores (no
// allocation): the packet that caused the error becomes the error message.
#pragma once

#include <rte_mbuf.h>

#include <cstdint>

#include "core/dataplane.hpp"

namespace haslb::route {

// Turns `m` (a parsed IPv6 packet, meta valid) into an ICMPv6 error
// `type`/`code` with the 32-bit `param` (MTU for Packet Too Big) from the
// address6 of port `from_port` back to its source, quoting as much of the
// original as fits in 1280 bytes. Returns false when RFC 4443 2.4(e) forbids
// an error (the packet is an ICMPv6 error, its source is not unicast, its
// destination is multicast), the port has no address6, or the per-lcore rate
// limit is reached; the caller then drops it.
bool icmp6_error_in_place(rte_mbuf* m, uint8_t type, uint8_t code, uint32_t param,
                          uint16_t from_port, uint64_t now_tsc);

}  // namespace haslb::route
