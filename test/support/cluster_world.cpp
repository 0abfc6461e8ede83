// SPDX-License-Identifier: BSD-3-Clause
#include "cluster_world.hpp"

#include <algorithm>
#include <cstring>

#include "frames.hpp"
#include "ikev2/cluster.hpp"
#include "world6.hpp"
#include "route/neighbor.hpp"

namespace haslb::test {

int setup_cluster(std::string& err, bool ipv6_member, uint32_t max_nat_sessions,
                  uint32_t max_session) {
    for (auto [ip, m] : {std::pair{"198.51.100.12", "02:00:00:00:0b:0c"},
                         {"198.51.100.13", "02:00:00:00:0b:0d"}}) {
        const Bytes b = mac(m);
        rte_ether_addr a;
        memcpy(a.addr_bytes, b.data(), 6);
        route::neigh_update(1, ip4(ip), a, true);
    }
    {
        const Bytes m = mac("02:00:00:00:0b:0e");
        rte_ether_addr a;
        memcpy(a.addr_bytes, m.data(), 6);
        route::neigh6_update(1, ip6(kClusterGw6b).data(), a, true);
    }
    config::Config cfg;
    config::ClusterConfig& c = cfg.cluster;
    c.enabled = true;
    c.vips = {ip4(kClusterVip), ip4(kClusterVipOnLink)};
    for (const char* v : {kClusterVip6, kClusterVip6OnLink}) {
        const Bytes b = ip6(v);
        config::Ipv6Addr a;
        std::copy(b.begin(), b.end(), a.begin());
        c.vips6.push_back(a);
    }
    config::parse_ip("127.0.0.1", c.listen);
    c.port = 0;
    c.holdtime_ms = 10000;
    c.max_session = max_session;
    c.max_nat_sessions = max_nat_sessions;
    std::vector<std::string> addrs = {"198.51.100.11", "198.51.100.12", "198.51.100.13"};
    if (ipv6_member) {
        addrs.push_back(kClusterGw6);
        addrs.push_back(kClusterGw6b);
    }
    for (const auto& a : addrs) {
        config::ClusterMemberConfig m;
        config::parse_ip(a, m.address);
        c.members.push_back(m);
    }
    return ikev2::cluster_init(cfg, err);
}

int cluster_report(const std::string& addr, const ikev2::LoadReport& r, uint64_t now_ms) {
    config::IpAddr a;
    if (config::parse_ip(addr, a) != 0) return -EINVAL;
    std::string msg;
    if (int rc = ikev2::member_hello(a, 1000, 1000, 1000, now_ms, msg)) return rc;
    return ikev2::member_update(a, r, now_ms, msg);
}

ikev2::LoadReport cluster_load(uint16_t cpu_pm, uint32_t ike_sas) {
    ikev2::LoadReport r;
    r.cpu_pm = cpu_pm;
    r.ike_sas = ike_sas;
    return r;
}

std::string redirect_target(const uint8_t* ike) {
    const uint8_t* n = ike + 28;  // the notify payload after the header
    config::IpAddr a;
    a.family = n[8] == 1 ? 4 : 6;
    memcpy(a.bytes.data(), n + 10, n[9]);
    return config::format_ip(a);
}

Bytes ike_message(uint64_t spi_i, uint64_t spi_r, uint8_t exchange, uint8_t flags, uint32_t msg_id,
                  const std::vector<std::pair<uint8_t, Bytes>>& payloads) {
    Bytes b;
    auto put = [&b](uint64_t v, int n) {
        for (int i = n - 1; i >= 0; i--) b.push_back(uint8_t(v >> (8 * i)));
    };
    put(spi_i, 8);
    put(spi_r, 8);
    b.push_back(payloads.empty() ? 0 : payloads[0].first);
    b.push_back(0x20);
    b.push_back(exchange);
    b.push_back(flags);
    put(msg_id, 4);
    size_t total = 28;
    for (const auto& p : payloads) total += 4 + p.second.size();
    put(total, 4);
    for (size_t i = 0; i < payloads.size(); i++) {
        b.push_back(i + 1 < payloads.size() ? payloads[i + 1].first : 0);
        b.push_back(0);
        put(4 + payloads[i].second.size(), 2);
        b.insert(b.end(), payloads[i].second.begin(), payloads[i].second.end());
    }
    return b;
}

Bytes ike_notify(uint16_t type, const Bytes& data) {
    Bytes b{0, 0, uint8_t(type >> 8), uint8_t(type)};
    b.insert(b.end(), data.begin(), data.end());
    return b;
}

Bytes nonce_bytes(size_t n, uint8_t first) {
    Bytes b;
    for (size_t i = 0; i < n; i++) b.push_back(uint8_t(first + i));
    return b;
}

Bytes ike_sa_init(uint64_t spi_i, const Bytes& nonce, bool redirect_supported,
                  bool redirected_from) {
    // SA: one proposal, IKE, AES-CBC-128/SHA256/MODP2048 (content is opaque here).
    const Bytes sa = {0,    0,    0,    0x2c, 1,    1,    0, 4, 3, 0, 0, 0x0c, 1, 0,   0,
                      0x0c, 0x80, 0x0e, 0,    0x80, 3,    0, 0, 8, 2, 0, 0,    5, 3,   0,
                      0,    8,    3,    0,    0,    0x0c, 0, 0, 0, 8, 4, 0,    0, 0x0e};
    Bytes ke = {0, 0x0e, 0, 0};
    for (int i = 0; i < 256; i++) ke.push_back(uint8_t(i));
    std::vector<std::pair<uint8_t, Bytes>> pl = {{33, sa}, {34, ke}, {40, nonce}};
    pl.push_back({41, ike_notify(16388, Bytes(20, 0x11))});  // NAT_DETECTION_SOURCE_IP
    pl.push_back({41, ike_notify(16389, Bytes(20, 0x22))});  // NAT_DETECTION_DESTINATION_IP
    if (redirect_supported) pl.push_back({41, ike_notify(16406)});
    if (redirected_from) pl.push_back({41, ike_notify(16408, {1, 4, 192, 0, 2, 99})});
    return ike_message(spi_i, 0, 34, 0x08, 0, pl);
}

}  // namespace haslb::test
