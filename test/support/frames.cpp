// SPDX-License-Identifier: BSD-3-Clause
#include "frames.hpp"

#include <fmt/format.h>

#include "config/config.hpp"
#include "net/checksum.hpp"

namespace haslb::test {
namespace {

void put16(Bytes& b, uint16_t v) {
    b.push_back(uint8_t(v >> 8));
    b.push_back(uint8_t(v));
}
void put32(Bytes& b, uint32_t v) {
    put16(b, uint16_t(v >> 16));
    put16(b, uint16_t(v));
}
void set16(Bytes& b, size_t off, uint16_t v) {
    b[off] = uint8_t(v >> 8);
    b[off + 1] = uint8_t(v);
}

}  // namespace

Bytes mac(const std::string& s) {
    config::MacAddr m{};
    config::parse_mac(s, m);
    return Bytes(m.begin(), m.end());
}

uint32_t ip4(const std::string& s) {
    uint32_t v = 0;
    config::parse_ipv4(s, v);
    return v;
}

Bytes ipv4(const Ipv4Spec& s) {
    Bytes b = mac(s.dst_mac);
    Bytes src = mac(s.src_mac);
    b.insert(b.end(), src.begin(), src.end());
    if (s.vlan) {
        put16(b, 0x8100);
        put16(b, s.vlan);
    }
    put16(b, 0x0800);
    const size_t ip = b.size();
    b.push_back(0x45);
    b.push_back(0);
    put16(b, uint16_t(20 + s.l4.size()));
    put16(b, 0x1234);
    put16(b, s.frag);
    b.push_back(s.ttl);
    b.push_back(s.proto);
    put16(b, 0);
    put32(b, ip4(s.src));
    put32(b, ip4(s.dst));
    set16(b, ip + 10, net::checksum(&b[ip], 20));
    b.insert(b.end(), s.l4.begin(), s.l4.end());
    return b;
}

Bytes udp(const std::string& src, const std::string& dst, uint16_t sport, uint16_t dport,
          const Bytes& payload) {
    Bytes u;
    put16(u, sport);
    put16(u, dport);
    put16(u, uint16_t(8 + payload.size()));
    put16(u, 0);
    u.insert(u.end(), payload.begin(), payload.end());
    Bytes pseudo;
    put32(pseudo, ip4(src));
    put32(pseudo, ip4(dst));
    put16(pseudo, 17);
    put16(pseudo, uint16_t(u.size()));
    uint32_t sum = net::csum_partial(pseudo.data(), pseudo.size());
    sum = net::csum_partial(u.data(), u.size(), sum);
    uint16_t c = uint16_t(~net::csum_fold(sum));
    set16(u, 6, c ? c : 0xffff);
    return u;
}

Bytes icmp_echo(uint16_t id, uint16_t seq, size_t payload_len) {
    Bytes b{8, 0, 0, 0};
    put16(b, id);
    put16(b, seq);
    for (size_t i = 0; i < payload_len; i++) b.push_back(uint8_t(i));
    set16(b, 2, net::checksum(b.data(), b.size()));
    return b;
}

Bytes arp(uint16_t op, const std::string& sha, const std::string& sip, const std::string& tha,
          const std::string& tip, const std::string& eth_dst) {
    Bytes b = mac(eth_dst);
    Bytes s = mac(sha), t = mac(tha);
    b.insert(b.end(), s.begin(), s.end());
    put16(b, 0x0806);
    put16(b, 1);
    put16(b, 0x0800);
    b.push_back(6);
    b.push_back(4);
    put16(b, op);
    b.insert(b.end(), s.begin(), s.end());
    put32(b, ip4(sip));
    b.insert(b.end(), t.begin(), t.end());
    put32(b, ip4(tip));
    return b;
}

namespace {

void put64(Bytes& b, uint64_t v) {
    put32(b, uint32_t(v >> 32));
    put32(b, uint32_t(v));
}

void mip_tail(Bytes& b, const std::string& nai) {
    if (!nai.empty()) {
        b.push_back(131);
        b.push_back(uint8_t(nai.size()));
        b.insert(b.end(), nai.begin(), nai.end());
    }
    b.push_back(32);
    b.push_back(20);
    put32(b, 0x100);
    for (int i = 0; i < 16; i++) b.push_back(uint8_t(0xa0 + i));
}

}  // namespace

Bytes rrq(const std::string& nai, uint64_t ident, const std::string& ha, const std::string& home,
          uint16_t lifetime) {
    Bytes b{1, 0x02};
    put16(b, lifetime);
    put32(b, ip4(home));
    put32(b, ip4(ha));
    put32(b, ip4("192.0.2.10"));  // care-of address: the PDSN/FA
    put64(b, ident);
    mip_tail(b, nai);
    return b;
}

Bytes rrp(uint8_t code, const std::string& nai, const std::string& home, const std::string& ha,
          uint64_t ident, uint16_t lifetime) {
    Bytes b{3, code};
    put16(b, lifetime);
    put32(b, ip4(home));
    put32(b, ip4(ha));
    put64(b, ident);
    mip_tail(b, nai);
    return b;
}

std::string hex(const Bytes& b) {
    std::string s;
    for (size_t i = 0; i < b.size(); i++) s += fmt::format("{:02x}{}", b[i], (i % 16 == 15) ? "\n" : " ");
    return s;
}

}  // namespace haslb::test
