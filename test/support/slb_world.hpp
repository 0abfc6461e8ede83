// SPDX-License-Identifier: BSD-3-Clause
// HA-SLB on top of the test world (world.hpp), for unit tests and fixtures:
//   vserver MIPSLB 192.0.2.100 udp 434 -> HAFARM (dispatched): ha1 .11 w1, ha2 .12 w1
//   vserver MIPNAT 192.0.2.101 udp 434 -> NATFARM (NAT server): .11 w3, .12 w1, .13 w2
//   neighbours ha2 198.51.100.12 02:00:00:00:0b:0c, ha3 198.51.100.13 02:00:00:00:0b:0d
//   HAFARM: reassign 3, retry 5 s, faildetect as given; idle 10 s
#pragma once

#include <cstdint>
#include <string>

namespace haslb::test {

// After World(): returns 0 or negative errno with err. Undo with slb::slb_fini().
int setup_slb(std::string& err, uint32_t faildetect = 8, uint32_t max_sessions = 4096);

}  // namespace haslb::test
