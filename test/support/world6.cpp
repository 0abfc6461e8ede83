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

struct Port6 {
    const char* addr;
    const char* host;
    const char* host_mac;
};
constexpr Port6 kPorts6[] = {
    {"2001:db8:a::1", "2001:db8:a::10", "02:00:00:00:0a:0a"},
    {"2001:db8:f::1", "2001:db8:f::11", "02:00:00:00:0b:0b"},
    {"2001:db8:c::1", "2001:db8:c::10", "02:00:00:00:0c:0c"},
};

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
    for (uint16_t p = 0; p < 3; p++) {
        core::DpPort& d = core::g_dp.ports[p];
        const Bytes a = ip6(kPorts6[p].addr);
        std::memcpy(d.addr6, a.data(), 16);
        d.plen6 = 64;
        // fe80::/64 + modified EUI-64 of the MAC (RFC 4291 appendix A).
        std::memset(d.ll6, 0, 16);
        d.ll6[0] = 0xfe;
        d.ll6[1] = 0x80;
        d.ll6[8] = uint8_t(d.mac.addr_bytes[0] ^ 0x02);
        d.ll6[9] = d.mac.addr_bytes[1];
        d.ll6[10] = d.mac.addr_bytes[2];
        d.ll6[11] = 0xff;
        d.ll6[12] = 0xfe;
        d.ll6[13] = d.mac.addr_bytes[3];
        d.ll6[14] = d.mac.addr_bytes[4];
        d.ll6[15] = d.mac.addr_bytes[5];
    }
    config::NeighborConfig ncfg;
    if (route::fib6_init(1024, nullptr, err_) || route::neigh6_init(ncfg, nullptr, err_)) return;
    for (uint16_t p = 0; p < 3; p++) {
        if (route::route6_add_connected(p, core::g_dp.ports[p].addr6, 64, err_)) return;
        if (with_hosts) {
            const Bytes m = mac(kPorts6[p].host_mac);
            rte_ether_addr ea;
            std::memcpy(ea.addr_bytes, m.data(), 6);
            route::neigh6_update(p, ip6(kPorts6[p].host).data(), ea, true);
        }
    }
    if (route::route6_add_static(ip6("2001:db8:cc::").data(), 48, ip6("2001:db8:c::10").data(), err_))
        return;
    core::reset_counters();
    ok_ = true;
}

World6::~World6() {
    route::neigh6_fini();
    route::fib6_fini();
    for (uint16_t p = 0; p < 3; p++) {
        core::DpPort& d = core::g_dp.ports[p];
        d.plen6 = 0;
        std::memset(d.addr6, 0, 16);
        std::memset(d.ll6, 0, 16);
    }
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

Bytes icmp6(const std::string& src, const std::string& dst, uint8_t type, uint8_t code, const Bytes& body) {
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
