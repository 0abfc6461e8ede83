// SPDX-License-Identifier: BSD-3-Clause
// Frame builders for tests: correct checksums unless asked otherwise.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace haslb::test {

using Bytes = std::vector<uint8_t>;

Bytes mac(const std::string& s);           // "02:00:00:00:01:01"
uint32_t ip4(const std::string& s);        // host order

struct Ipv4Spec {
    std::string src_mac = "02:00:00:00:0a:0a";
    std::string dst_mac = "02:00:00:00:01:01";
    uint16_t vlan = 0;
    std::string src = "192.0.2.10";
    std::string dst = "203.0.113.10";
    uint8_t ttl = 64;
    uint8_t proto = 17;
    Bytes l4;            // the IPv4 payload as is
    uint16_t frag = 0;   // fragment_offset field, host order
};

Bytes ipv4(const Ipv4Spec& s);
// UDP payload with a correct checksum.
Bytes udp(const std::string& src, const std::string& dst, uint16_t sport, uint16_t dport,
          const Bytes& payload);
Bytes icmp_echo(uint16_t id, uint16_t seq, size_t payload_len = 8);

Bytes arp(uint16_t op, const std::string& sha, const std::string& sip, const std::string& tha,
          const std::string& tip, const std::string& eth_dst);

// Mobile IP payloads (UDP data): fixed part, NAI extension (131) when `nai`
// is not empty, then an MN-HA authentication extension (32, SPI + 16 bytes).
Bytes rrq(const std::string& nai, uint64_t ident, const std::string& ha = "0.0.0.0",
          const std::string& home = "0.0.0.0", uint16_t lifetime = 1800);
Bytes rrp(uint8_t code, const std::string& nai, const std::string& home, const std::string& ha,
          uint64_t ident, uint16_t lifetime = 1800);

std::string hex(const Bytes& b);

}  // namespace haslb::test
