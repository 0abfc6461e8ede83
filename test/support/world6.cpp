// SPDX-License-Identifier: BSD-3-Clause
#include "world6.hpp"

#include <arpa/inet.h>

#include <cstring>

#include "core/counters.hpp"
#include "core/dataplane.hpp"
#include "net/checksum.hpp"
#include "route/fib6.hpp"
#include "route/neighbor.hpp"

namespace haslb::test {
namespace {

void put16(Bytes& b, uint16_t v) {
    b.push_back(uint8_t(v >> 8));
    b.push_back(uint8_t(v));
}

uint16_t l4_sum(const std::string& src, const std::string& dst, uint8_t proto, const Bytes& l4) {
    Bytes ph = ip6(src);
    Bytes d = ip6(dst);
    ph.insert(ph.end(), d.begin(), d.end());
    put16(ph, 0);
    put16(ph, uint16_t(l4.size()));
    ph.insert(ph.end(), {0, 0, 0, proto});
    uint32_t s = net::csum_partial(ph.data(), ph.size());
    s = net::csum_partial(l4.data(), l4.size(), net::csum_fold(s));
    return uint16_t(~net::csum_fold(s));
}

}  // namespace

Bytes ip6(const std::string& s) {
    Bytes b(16);
    inet_pton(AF_INET6, s.c_str(), b.data());
    return b;
}

World6::World6(bool with_hosts) {
    if (!with_hosts) route::neigh6_clear();
    core::reset_counters();
}

Bytes ipv6(const Ipv6Spec& s) {
    Bytes b = mac(s.dst_mac);
    Bytes src = mac(s.src_mac);
    b.insert(b.end(), src.begin(), src.end());
    put16(b, 0x86dd);
    b.insert(b.end(), {0x60, 0, 0, 0});
    put16(b, uint16_t(s.payload_len >= 0 ? s.payload_len : int(s.payload.size())));
    b.push_back(s.next_header);
    b.push_back(s.hop_limit);
    Bytes a = ip6(s.src);
    b.insert(b.end(), a.begin(), a.end());
    a = ip6(s.dst);
    b.insert(b.end(), a.begin(), a.end());
    b.insert(b.end(), s.payload.begin(), s.payload.end());
    return b;
}

Bytes icmp6(const std::string& src, const std::string& dst, uint8_t type, uint8_t code,
            const Bytes& body) {
    Bytes b{type, code, 0, 0};
    b.insert(b.end(), body.begin(), body.end());
    const uint16_t c = l4_sum(src, dst, 58, b);
    b[2] = uint8_t(c >> 8);
    b[3] = uint8_t(c);
    return b;
}

Bytes udp6(const std::string& src, const std::string& dst, uint16_t sport, uint16_t dport,
           const Bytes& payload) {
    Bytes b;
    put16(b, sport);
    put16(b, dport);
    put16(b, uint16_t(8 + payload.size()));
    put16(b, 0);
    b.insert(b.end(), payload.begin(), payload.end());
    uint16_t c = l4_sum(src, dst, 17, b);
    if (!c) c = 0xffff;
    b[6] = uint8_t(c >> 8);
    b[7] = uint8_t(c);
    return b;
}

}  // namespace haslb::test
