// SPDX-License-Identifier: BSD-3-Clause
// Hotlining on top of the test world (world.hpp), for unit tests and fixtures.
//
//   ACLs     web "permit tcp any any eq 80", dns "permit udp any any eq 53",
//            pings "permit icmp any any", all "permit ip any any",
//            portal "permit tcp any host 203.0.113.20 eq 8080"
//   REDIR    ip-redirect web -> 203.0.113.20:8081, dns -> 203.0.113.20,
//            pings -> 203.0.113.20
//   FILTER   filter all (in)
//   HTTP     http-pass portal, http-redirect web http://203.0.113.20:8080/portal.html,
//            filter all
//   OUTF     filter all (out: downstream)
//   realm @visitor.example: non-hotline ip-redirect web -> 203.0.113.21
//   realm capabilities: @example.com all, @visitor.example ipredir only
//
//   subscribers (farm side, MAC 02:00:00:00:0d:<last byte of the address>):
//     alice@example.com     198.51.100.77  REDIR
//     bob@example.com       198.51.100.78  FILTER
//     carol@visitor.example 198.51.100.79  normal (realm: non-hotline REDIR)
//     dave@example.com      198.51.100.80  normal
//     erin@example.com      198.51.100.81  HTTP
//     frank@example.com     198.51.100.82  OUTF
//   neighbours portal 203.0.113.20 02:00:00:00:0c:14, 203.0.113.21 02:00:00:00:0c:15
#pragma once

#include <cstdint>
#include <string>

namespace haslb::test {

// After World(): returns 0 or negative errno with err. Undo with
// hotline::hotline_fini(). `fill` pre-creates that many UDP translations of
// alice (198.51.100.77:10000+i -> 203.0.113.10:53 redirected to
// 203.0.113.20:53), so a table of `max_translations` can be made full.
// max_subscribers sizes the home-address table (the benchmark's 1K..10M).
int setup_hotline(std::string& err, uint32_t max_translations = 1024, uint32_t fill = 0,
                  uint32_t max_subscribers = 1024);

}  // namespace haslb::test
