// SPDX-License-Identifier: BSD-3-Clause
// IPv6 on top of a World (construct after it, destroy before it): the port
// IPv6 addresses, FIB6 and the IPv6 neighbour table, and IPv6 frame builders.
//
//   access 2001:db8:a::1/64  ll fe80::ff:fe00:101  host pdsn 2001:db8:a::10
//   farm   2001:db8:f::1/64  ll fe80::ff:fe00:201  host ha1  2001:db8:f::11
//   core   2001:db8:c::1/64  ll fe80::ff:fe00:301  host srv  2001:db8:c::10
//   route  2001:db8:cc::/48 via 2001:db8:c::10
// Hosts' MACs are the IPv4 World's; they are in the neighbour table unless
// `with_hosts` is false.
#pragma once

#include <string>

#include "frames.hpp"

namespace haslb::test {

class World6 {
public:
    explicit World6(bool with_hosts = true);
    ~World6();
    bool ok() const { return ok_; }
    const std::string& error() const { return err_; }

private:
    bool ok_ = false;
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
    Bytes payload;       // everything after the fixed header (extension headers included)
    int payload_len = -1;  // the header field; -1: payload.size()
};
Bytes ipv6(const Ipv6Spec& s);

// An ICMPv6 message (type, code, checksum, then `body`) with its checksum for src -> dst.
Bytes icmp6(const std::string& src, const std::string& dst, uint8_t type, uint8_t code, const Bytes& body);
// UDP over IPv6 with its checksum.
Bytes udp6(const std::string& src, const std::string& dst, uint16_t sport, uint16_t dport,
           const Bytes& payload);

}  // namespace haslb::test
