// SPDX-License-Identifier: BSD-3-Clause
#include "cluster_paths.hpp"

#include <rte_cycles.h>

#include <fmt/format.h>

#include <algorithm>

#include "cluster_world.hpp"
#include "ikev2/cluster.hpp"
#include "ikev2/datapath/nat.hpp"
#include "world6.hpp"

namespace haslb::bench {
namespace {

constexpr uint32_t kMaxNat = 4194304;  // cluster.max_nat_sessions at most
constexpr uint32_t kClients = 200;     // flow j: client j % 200, port 1024 + j / 200
constexpr const char* kPdsnMac = "02:00:00:00:0a:0a";
constexpr const char* kAccessMac = "02:00:00:00:01:01";
bool g_up = false;

std::string client4(uint32_t j) {
    return config::format_ipv4(test::ip4("192.0.2.10") + j % kClients);
}
std::string client6(uint32_t j) {
    return fmt::format("2001:db8:a::{:x}", 0x1000 + j % kClients);
}
test::Bytes bytes4(const std::string& a) {
    const uint32_t v = test::ip4(a);
    return {uint8_t(v >> 24), uint8_t(v >> 16), uint8_t(v >> 8), uint8_t(v)};
}
uint16_t cport(uint32_t j) {
    return uint16_t(1024 + j / kClients);
}

// ESP-in-UDP on 4500: a non-zero SPI, a sequence number, 64 octets.
test::Bytes esp(uint32_t j) {
    const uint32_t spi = 0x10000000 + j;
    test::Bytes b = {
        uint8_t(spi >> 24), uint8_t(spi >> 16), uint8_t(spi >> 8), uint8_t(spi), 0, 0, 0, 1};
    b.resize(72, 0xe5);
    return b;
}

test::Bytes frame4(const std::string& src, uint16_t sport, uint16_t dport, const test::Bytes& p) {
    test::Ipv4Spec s;
    s.src_mac = kPdsnMac;
    s.dst_mac = kAccessMac;
    s.src = src;
    s.dst = test::kClusterVip;
    s.l4 = test::udp(src, s.dst, sport, dport, p);
    return test::ipv4(s);
}

test::Bytes frame6(const std::string& src, uint16_t sport, uint16_t dport, const test::Bytes& p) {
    test::Ipv6Spec s;
    s.src_mac = kPdsnMac;
    s.dst_mac = kAccessMac;
    s.src = src;
    s.dst = test::kClusterVip6;
    s.payload = test::udp6(src, s.dst, sport, dport, p);
    return test::ipv6(s);
}

Path& add(std::vector<Path>& paths, const char* name, const char* what, core::Stat stat) {
    Path p;
    p.name = name;
    p.what = what;
    p.kind = Kind::kPipeline;
    p.in_port = 0;
    p.expect = core::Verdict::kTx;
    p.expect_drop = false;
    p.stat = stat;
    p.drop = core::Drop::no_route;
    p.cluster = true;
    paths.push_back(std::move(p));
    return paths.back();
}

}  // namespace

uint32_t cluster_flows(uint32_t n) {
    return std::max<uint32_t>(64, std::min<uint32_t>(n, kMaxNat / 2 - 64));
}

void add_cluster_paths(std::vector<Path>& paths, uint32_t n, uint32_t flows, std::mt19937& rng) {
    Path& r4 = add(paths, "ike-redirect", "IKE_SA_INIT to the IPv4 VIP answered with a REDIRECT",
                   core::Stat::ike_redirects_sent);
    Path& r6 = add(paths, "ike-redirect6", "IKE_SA_INIT to the IPv6 VIP answered with a REDIRECT",
                   core::Stat::ike_redirects_sent);
    const test::Bytes nonce = test::nonce_bytes(32);
    // The responses go back to the world's PDSN (a resolved neighbour), one
    // client port and initiator SPI each.
    for (uint32_t j = 0; j < 4096; j++) {
        const test::Bytes ike = test::ike_sa_init(0x1000000000ull + j, nonce, true);
        r4.t.add(frame4("192.0.2.10", uint16_t(1024 + j), 500, ike));
        r6.t.add(frame6("2001:db8:a::10", uint16_t(1024 + j), 500, ike));
    }
    Path& e4 = add(paths, "ike-esp", "ESP-in-UDP of a NATed client to the IPv4 VIP (flow hit)",
                   core::Stat::ike_nat_forwarded);
    Path& e6 = add(paths, "ike-esp6", "ESP-in-UDP of a NATed client to the IPv6 VIP (NAT66 hit)",
                   core::Stat::ike_nat_forwarded);
    const uint32_t nf = cluster_flows(n);
    for (uint32_t f = 0; f < std::min(flows, nf); f++) {
        const uint32_t j = rng() % nf;
        e4.t.add(frame4(client4(j), cport(j), 4500, esp(j)));
        e6.t.add(frame6(client6(j), cport(j), 4500, esp(j)));
    }
}

int cluster_up(uint32_t n, std::string& err) {
    const uint32_t nf = cluster_flows(n);
    if (int rc = test::setup_cluster(err, true, std::max<uint32_t>(1024, 2 * nf + 64), 1000000))
        return rc;
    g_up = true;
    ikev2::LoadReport r;
    r.cpu_pm = 300;
    for (const char* gw :
         {"198.51.100.11", "198.51.100.12", "198.51.100.13", test::kClusterGw6, test::kClusterGw6b})
        if (int rc = test::cluster_report(gw, r)) {
            err = fmt::format("cluster report of {} refused", gw);
            return rc;
        }
    // Flows as the NAT of clients without redirect support leaves them:
    // IPv4 ones spread over gw1..gw3 (members 0..2), IPv6 ones on gw6b (4).
    const uint64_t now = rte_get_tsc_cycles();
    for (uint32_t j = 0; j < nf; j++) {
        const test::Bytes a4 = bytes4(client4(j)), a6 = test::ip6(client6(j));
        if (!ikev2::detail::nat_put(ikev2::detail::flow_key(4, a4.data(), cport(j)),
                                    uint16_t(j % 3), 0, now) ||
            !ikev2::detail::nat_put(ikev2::detail::flow_key(6, a6.data(), cport(j)), 4, 0, now)) {
            err = fmt::format("cluster NAT table full after {} of {} flows", j, nf);
            return -ENOSPC;
        }
    }
    return 0;
}

void cluster_between_runs() {
    if (!g_up) return;
    for (uint16_t g = 0; g < ikev2::kMaxMembers; g++)
        ikev2::g_cluster.pending[g].store(0, std::memory_order_relaxed);
}

void cluster_down() {
    if (g_up) ikev2::cluster_fini();
    g_up = false;
}

}  // namespace haslb::bench
