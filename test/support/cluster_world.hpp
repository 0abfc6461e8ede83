// SPDX-License-Identifier: BSD-3-Clause
// The IKEv2 cluster on top of the test world (world.hpp), for unit tests and
// fixtures:
//   VIPs 203.0.113.200 and 2001:db8:ff::200 (routed, off every port subnet),
//   192.0.2.200 and 2001:db8:a::200 (on the access subnet: ARP/ND answered)
//   members gw1 198.51.100.11 (ha1's MAC), gw2 198.51.100.12, gw3 198.51.100.13
//   (neighbours 02:00:00:00:0b:0c / 0b:0d), and with `ipv6_member` gw6
//   2001:db8::21 (not routable here: REDIRECT targets only) and gw6b
//   2001:db8:f::21 (IPv6 neighbour 02:00:00:00:0b:0e); all priority 100,
//   max_session 1000; hold time 10 s, overload limit 80 %, weights 100.
//   The listener binds an ephemeral port on 127.0.0.1.
// Members start dead; cluster_report() makes one alive with a load.
#pragma once

#include <cstdint>
#include <string>

#include <utility>
#include <vector>

#include "config/config.hpp"
#include "frames.hpp"
#include "ikev2/load.hpp"

namespace haslb::test {

constexpr const char* kClusterVip = "203.0.113.200";
constexpr const char* kClusterVipOnLink = "192.0.2.200";
constexpr const char* kClusterVip6 = "2001:db8:ff::200";
constexpr const char* kClusterVip6OnLink = "2001:db8:a::200";
constexpr const char* kClusterGw6 = "2001:db8::21";
constexpr const char* kClusterGw6b = "2001:db8:f::21";

// After World(): 0 or negative errno with err. Undo with ikev2::cluster_fini().
// `ipv6_member`: include gw6 and gw6b; `max_nat_sessions` (1024..4194304) and
// the members' `max_session` for the benchmark's large tables and long runs.
int setup_cluster(std::string& err, bool ipv6_member = true, uint32_t max_nat_sessions = 65536,
                  uint32_t max_session = 1000);

// HELLO + UPDATE for member `addr` at `now_ms` through the model functions.
int cluster_report(const std::string& addr, const ikev2::LoadReport& r, uint64_t now_ms = 1);
// A load report of `cpu_pm` per mille CPU and `ike_sas` established SAs.
ikev2::LoadReport cluster_load(uint16_t cpu_pm, uint32_t ike_sas = 0);
// The gateway a REDIRECT response names (the IKE message at `ike`), as text.
std::string redirect_target(const uint8_t* ike);

// IKEv2 messages: a header and generic payloads [(type, body)], lengths
// computed. `flags` 0x08 = initiator.
Bytes ike_message(uint64_t spi_i, uint64_t spi_r, uint8_t exchange, uint8_t flags, uint32_t msg_id,
                  const std::vector<std::pair<uint8_t, Bytes>>& payloads);
Bytes ike_notify(uint16_t type, const Bytes& data = {});
// An IKE_SA_INIT request as strongSwan sends it: SA, KE, Nonce, then the
// notifies (REDIRECT_SUPPORTED or REDIRECTED_FROM 192.0.2.99 when asked).
Bytes ike_sa_init(uint64_t spi_i, const Bytes& nonce, bool redirect_supported,
                  bool redirected_from = false);
Bytes nonce_bytes(size_t n, uint8_t first = 0xa0);  // first, first+1, ...

}  // namespace haslb::test
