// SPDX-License-Identifier: BSD-3-Clause
// IPv6 helpers for tests on a World (which has the IPv6 addresses, routes
// and host neighbours, see world.hpp): frame builders, and World6, which
// with with_hosts = false empties the IPv6 neighbour table so that tests
// see resolution from scratch. Counters are reset either way.
#pragma once

#include <string>

#include "frames.hpp"

namespace haslb::test {

class World6 {
public:
    explicit World6(bool with_hosts = true);
    bool ok() const { return true; }
    const std::string& error() const { return err_; }

private:
    std::string err_;
};

Bytes ip6(const std::string& s);  // 16 bytes

struct Ipv6Spec {
    std::string src_mac = "02:00:00:00:0a:0a";
    std::string dst_mac = "02:00:00:00:01:01";
    std::string src = "2001:db8:a::10";
    std::string dst = "2001:db8:c::10";
    uint8_t hop_limit = 64;
    uint8_t next_header = 17;
    Bytes payload;         // everything after the fixed header (extension headers included)
    int payload_len = -1;  // the header field; -1: payload.size()
};
Bytes ipv6(const Ipv6Spec& s);

// An ICMPv6 message (type, code, checksum, then `body`) with its checksum for src -> dst.
Bytes icmp6(const std::string& src, const std::string& dst, uint8_t type, uint8_t code,
            const Bytes& body);
// UDP over IPv6 with its checksum.
Bytes udp6(const std::string& src, const std::string& dst, uint16_t sport, uint16_t dport,
           const Bytes& payload);

}  // namespace haslb::test
