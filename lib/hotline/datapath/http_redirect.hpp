// SPDX-License-Identifier: BSD-3-Clause
// HTTP redirect for hotlined subscribers (seed 004 "HTTP redirection"):
// haslb answers the subscriber's TCP connection itself, without keeping any
// state per connection.
//
//   SYN                 -> SYN/ACK whose sequence number is a SYN cookie
//   data (the request)  -> "HTTP/1.1 302 Found" with Location: <url>, sent
//                          with FIN (the connection closes cleanly)
//   FIN (after ours)    -> ACK of it
//   RST, pure ACK       -> nothing (dropped under a named reason)
//   anything whose acknowledgment number is not one of our cookies -> RST
//
// The cookie is a keyed hash of the 4-tuple and a 64-second time slot; the
// current and the previous slot are accepted, so a connection has at least
// 64 s to send its request. Everything the answer needs (our sequence number,
// how far the client got) is recomputed from the packet and the cookie.
//
// The reply is written into the same mbuf: addresses and ports swapped, TTL
// 64, checksums computed, meta src/dst updated and kFlagLocalOrigin set, so
// the route stage sends it like any packet the appliance originates.
#pragma once

#include <rte_mbuf.h>

#include <cstdint>
#include <string_view>

#include "core/dataplane.hpp"

namespace haslb::hotline {

struct CookieSecret {
    uint32_t key[4];  // random, set once at start
};

enum class HttpResult : uint8_t {
    kReply,    // the mbuf now holds the answer (SYN/ACK, 302+FIN, ACK or RST)
    kDrop,     // nothing to send; the packet was counted under `reason`
};

struct HttpOutcome {
    HttpResult result;
    core::Drop reason;  // when kDrop
};

// m: an IPv4/TCP packet from a subscriber that matched an http-redirect
// rule, meta parsed (l2_len, l4_off, src/dst). url: the rule's Location.
// now_s: clock seconds (selects the cookie slot). Worker lcores; no
// allocation (the reply fits in the mbuf's data room, or kDrop with
// http_reply_too_big).
HttpOutcome http_redirect(rte_mbuf* m, core::PacketMeta& meta, std::string_view url,
                          const CookieSecret& secret, uint32_t now_s);

}  // namespace haslb::hotline
