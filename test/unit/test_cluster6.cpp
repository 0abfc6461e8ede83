// SPDX-License-Identifier: BSD-3-Clause
// IKEv2 cluster on IPv6 VIPs, in-process through the real pipeline: the
// REDIRECT response over IPv6 (addresses, ports, hop limit, UDP checksum,
// no extension header), NAT66 of clients without redirect support and the
// way back, named drops, neighbour discovery and ARP for on-link VIPs, and
// the bulk lookup's same-burst cases of both families, and the dual-stack
// report listener.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <rte_ip.h>
#include <rte_udp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <map>

#include "cluster_world.hpp"
#include "core/counters.hpp"
#include "frames.hpp"
#include "ikev2/cluster.hpp"
#include "ikev2/control/model.hpp"
#include "ikev2/wire.hpp"
#include "net/ipv6.hpp"
#include "route/neighbor.hpp"
#include "world.hpp"
#include "world6.hpp"

using namespace haslb;
using core::Drop;
using core::Stat;
using core::Verdict;
using test::Bytes;
using test::cluster_load;

namespace {

const std::string kVip6 = test::kClusterVip6;
const std::string kClient6 = "2001:db8:a::10";
const std::string kGw6 = test::kClusterGw6;    // not routable here
const std::string kGw6b = test::kClusterGw6b;  // on the farm segment
const std::string kGw1 = "198.51.100.11", kGw2 = "198.51.100.12";

// An IPv6 frame: header at 14, UDP right after it (haslb's responses and
// everything built here have no extension header).
struct Frame6 {
    Bytes f;
    const rte_ipv6_hdr* ip() const { return reinterpret_cast<const rte_ipv6_hdr*>(&f[14]); }
    const rte_udp_hdr* udp() const { return reinterpret_cast<const rte_udp_hdr*>(&f[54]); }
    const uint8_t* payload() const { return &f[62]; }
    size_t payload_len() const { return f.size() - 62; }
    Bytes src() const { return Bytes(ip()->src_addr, ip()->src_addr + 16); }
    Bytes dst() const { return Bytes(ip()->dst_addr, ip()->dst_addr + 16); }
    Bytes dst_mac() const { return Bytes(f.begin(), f.begin() + 6); }
    bool udp_checksum_ok() const {
        return ip()->proto == IPPROTO_UDP && udp()->dgram_cksum != 0 &&
               net::ip6_l4_checksum(ip(), udp(), uint32_t(f.size() - 54), IPPROTO_UDP) == 0;
    }
};

struct Cluster6 {
    test::World w;
    Cluster6() {
        REQUIRE(w.ok());
        std::string err;
        INFO(err);
        REQUIRE(test::setup_cluster(err, true) == 0);
        core::reset_counters();
    }
    ~Cluster6() { ikev2::cluster_fini(); }

    // UDP over IPv6 from the client (access) to `dst`, or with in_port 1
    // from a member on the farm segment.
    Bytes frame(const Bytes& payload, uint16_t sport = 500, uint16_t dport = 500,
                const std::string& dst = kVip6, const std::string& src = kClient6,
                uint16_t in_port = 0) const {
        test::Ipv6Spec s;
        s.src = src;
        s.dst = dst;
        if (in_port == 1) {
            s.src_mac = "02:00:00:00:0b:0e";
            s.dst_mac = "02:00:00:00:02:01";
        }
        s.payload = test::udp6(src, dst, sport, dport, payload);
        return test::ipv6(s);
    }
    core::Burst send(const Bytes& payload, uint16_t sport = 500, uint16_t dport = 500,
                     const std::string& dst = kVip6, const std::string& src = kClient6,
                     uint16_t in_port = 0) {
        return w.run(in_port, {frame(payload, sport, dport, dst, src, in_port)});
    }
    Frame6 take(core::Burst& b, uint16_t i = 0) {
        Frame6 f{test::World::bytes(b.pkts[i])};
        if (i + 1 == b.n) w.release(b);
        return f;
    }
    bool dropped(core::Burst& b, Drop why) {
        const bool ok = b.verdict[0] == Verdict::kDrop && core::total_drop(why) == 1;
        w.release(b);
        return ok;
    }
};

std::string redirect_target(const Frame6& f, size_t marker = 0) {
    return test::redirect_target(f.payload() + marker);
}

}  // namespace

TEST_CASE("IPv6 VIP: IKE_SA_INIT with REDIRECT_SUPPORTED is answered from the VIP over IPv6",
          "[ikev2][ipv6][stage]") {
    Cluster6 c;
    REQUIRE(test::cluster_report(kGw1, cluster_load(400)) == 0);
    REQUIRE(test::cluster_report(kGw6b, cluster_load(100)) == 0);
    const Bytes ni = test::nonce_bytes(32);
    core::Burst b = c.send(test::ike_sa_init(0x2222, ni, true), 500, 500);
    REQUIRE(b.verdict[0] == Verdict::kTx);
    CHECK(core::meta(b.pkts[0])->out_port == 0);
    const Frame6 f = c.take(b);
    CHECK(f.src() == test::ip6(kVip6));
    CHECK(f.dst() == test::ip6(kClient6));
    CHECK(f.dst_mac() == test::mac("02:00:00:00:0a:0a"));
    CHECK(f.ip()->hop_limits == 64);  // haslb's own packet: not decremented
    CHECK(f.ip()->proto == IPPROTO_UDP);
    CHECK(rte_be_to_cpu_16(f.ip()->payload_len) == f.f.size() - 54);
    CHECK(rte_be_to_cpu_16(f.udp()->src_port) == 500);
    CHECK(rte_be_to_cpu_16(f.udp()->dst_port) == 500);
    CHECK(rte_be_to_cpu_16(f.udp()->dgram_len) == f.f.size() - 54);
    CHECK(f.udp_checksum_ok());
    ikev2::GwIdent gw;
    gw.type = ikev2::kGwIpv6;
    gw.len = 16;
    memcpy(gw.addr, test::ip6(kGw6b).data(), 16);
    uint8_t expect[512];
    const size_t n = ikev2::redirect_response(0x2222, gw, ni.data(), 32, expect);
    REQUIRE(f.payload_len() == n);
    CHECK(memcmp(f.payload(), expect, n) == 0);
    CHECK(core::total_stat(Stat::ike_redirects_sent) == 1);
    CHECK(ikev2::g_cluster.redirects[4].load() == 1);

    SECTION("an IPv4 gateway may be the target of a REDIRECT sent over IPv6") {
        REQUIRE(test::cluster_report(kGw1, cluster_load(10)) == 0);
        b = c.send(test::ike_sa_init(0x2223, ni, true));
        REQUIRE(b.verdict[0] == Verdict::kTx);
        CHECK(redirect_target(c.take(b)) == kGw1);
    }
}

TEST_CASE("IPv6 VIP: on 4500 the marker stays; extension headers of the request are not copied",
          "[ikev2][ipv6][stage]") {
    Cluster6 c;
    REQUIRE(test::cluster_report(kGw6b, cluster_load(100)) == 0);
    Bytes p = {0, 0, 0, 0};
    const Bytes ni = test::nonce_bytes(40, 0x30);
    const Bytes ike = test::ike_sa_init(0x33, ni, true);
    p.insert(p.end(), ike.begin(), ike.end());
    // A Destination Options header (PadN) in front of UDP.
    const Bytes udp = test::udp6(kClient6, kVip6, 4500, 4500, p);
    test::Ipv6Spec s;
    s.dst = kVip6;
    s.next_header = 60;
    s.payload = {17, 0, 1, 4, 0, 0, 0, 0};
    s.payload.insert(s.payload.end(), udp.begin(), udp.end());
    core::Burst b = c.w.run(0, {test::ipv6(s)});
    REQUIRE(b.verdict[0] == Verdict::kTx);
    const Frame6 f = c.take(b);
    CHECK(f.ip()->proto == IPPROTO_UDP);
    CHECK(f.udp_checksum_ok());
    CHECK(rte_be_to_cpu_16(f.udp()->dst_port) == 4500);
    REQUIRE(f.payload_len() == 4 + 28 + 8 + 2 + 16 + 40);
    CHECK(Bytes(f.payload(), f.payload() + 4) == Bytes(4, 0));
    CHECK(redirect_target(f, 4) == kGw6b);
    CHECK(Bytes(f.payload() + 4 + 28 + 10 + 16, f.payload() + f.payload_len()) == ni);
}

TEST_CASE("IPv6 VIP: clients without redirect support are NATed to an IPv6 member and stay",
          "[ikev2][ipv6][stage][nat]") {
    Cluster6 c;
    // gw1 (IPv4) is the least loaded but cannot take an IPv6 client's NAT.
    REQUIRE(test::cluster_report(kGw1, cluster_load(0)) == 0);
    REQUIRE(test::cluster_report(kGw6b, cluster_load(300)) == 0);
    const uint64_t spi = 0x0123456789abcdefull;
    core::Burst b = c.send(test::ike_sa_init(spi, test::nonce_bytes(32), false));
    REQUIRE(b.verdict[0] == Verdict::kTx);
    CHECK(core::meta(b.pkts[0])->out_port == 1);
    Frame6 f = c.take(b);
    CHECK(f.dst() == test::ip6(kGw6b));
    CHECK(f.src() == test::ip6(kClient6));
    CHECK(f.dst_mac() == test::mac("02:00:00:00:0b:0e"));
    CHECK(f.ip()->hop_limits == 63);
    CHECK(f.udp_checksum_ok());
    CHECK(core::total_stat(Stat::ike_nat_new) == 1);
    CHECK(ikev2::g_cluster.nat_new[4].load() == 1);
    // IKE_AUTH floated to 4500 and then ESP-in-UDP follow it.
    Bytes auth = {0, 0, 0, 0};
    const Bytes m = test::ike_message(spi, 0x55, 35, 0x08, 1, {{46, Bytes(80, 0x77)}});
    auth.insert(auth.end(), m.begin(), m.end());
    b = c.send(auth, 4500, 4500);
    REQUIRE(b.verdict[0] == Verdict::kTx);
    f = c.take(b);
    CHECK(f.dst() == test::ip6(kGw6b));
    CHECK(f.udp_checksum_ok());
    Bytes esp = {0x12, 0x34, 0x56, 0x78, 0, 0, 0, 1};
    esp.resize(120, 0xee);
    b = c.send(esp, 4500, 4500);
    REQUIRE(b.verdict[0] == Verdict::kTx);
    CHECK(c.take(b).dst() == test::ip6(kGw6b));
    // The member's answer leaves from the VIP; another member's is routed as is.
    b = c.send(m, 4500, 4500, kClient6, kGw6b, 1);
    REQUIRE(b.verdict[0] == Verdict::kTx);
    f = c.take(b);
    CHECK(f.src() == test::ip6(kVip6));
    CHECK(f.dst() == test::ip6(kClient6));
    CHECK(f.udp_checksum_ok());
    CHECK(core::total_stat(Stat::ike_nat_reversed) == 1);
    b = c.send(m, 4500, 4500, kClient6, "2001:db8:f::99", 1);
    REQUIRE(b.verdict[0] == Verdict::kTx);
    CHECK(c.take(b).src() == test::ip6("2001:db8:f::99"));
    // An IPv4 client with the same port gets none of it: the key has the family.
    CHECK(core::total_stat(Stat::ike_nat_reversed) == 1);
}

TEST_CASE("IPv6 VIP: no IPv6 member alive: REDIRECT still works, NAT has nobody",
          "[ikev2][ipv6][stage][nat]") {
    Cluster6 c;
    REQUIRE(test::cluster_report(kGw2, cluster_load(100)) == 0);
    core::Burst b = c.send(test::ike_sa_init(1, test::nonce_bytes(32), false));
    CHECK(c.dropped(b, Drop::cluster_no_gateway));
    core::reset_counters();
    b = c.send(test::ike_sa_init(2, test::nonce_bytes(32), true));
    REQUIRE(b.verdict[0] == Verdict::kTx);
    CHECK(redirect_target(c.take(b)) == kGw2);
}

TEST_CASE("IPv6 VIP: fragments, other protocols and malformed IKE are dropped by name",
          "[ikev2][ipv6][stage]") {
    Cluster6 c;
    REQUIRE(test::cluster_report(kGw6b, cluster_load(100)) == 0);
    const Bytes good = test::ike_sa_init(1, test::nonce_bytes(32), true);
    const Bytes udp = test::udp6(kClient6, kVip6, 500, 500, good);
    auto run = [&](const test::Ipv6Spec& s) {
        core::reset_counters();
        return c.w.run(0, {test::ipv6(s)});
    };
    test::Ipv6Spec s;
    s.dst = kVip6;
    // First fragment (offset 0, M set) and a later fragment.
    s.next_header = 44;
    s.payload = {17, 0, 0x00, 0x01, 0, 0, 0, 7};
    s.payload.insert(s.payload.end(), udp.begin(), udp.begin() + 64);
    core::Burst b = run(s);
    CHECK(c.dropped(b, Drop::ike_fragment));
    s.payload = {17, 0, 0x00, 0x40, 0, 0, 0, 7};
    s.payload.insert(s.payload.end(), udp.begin() + 64, udp.end());
    b = run(s);
    CHECK(c.dropped(b, Drop::ike_fragment));
    // TCP and ICMPv6 echo are not the VIP's service.
    s.next_header = 6;
    s.payload = Bytes(20, 0);
    b = run(s);
    CHECK(c.dropped(b, Drop::cluster_not_service));
    s.next_header = 58;
    s.payload = test::icmp6(kClient6, kVip6, 128, 0, {0, 1, 0, 1});
    b = run(s);
    CHECK(c.dropped(b, Drop::cluster_not_service));
    core::reset_counters();
    b = c.send(good, 500, 501);
    CHECK(c.dropped(b, Drop::cluster_not_service));
    core::reset_counters();
    b = c.send(Bytes(good.begin(), good.begin() + 20));
    CHECK(c.dropped(b, Drop::ike_truncated));
    core::reset_counters();
    Bytes v = good;
    v[17] = 0x10;
    b = c.send(v);
    CHECK(c.dropped(b, Drop::ike_bad_version));
    core::reset_counters();
    b = c.send(test::ike_message(9, 9, 35, 8, 1, {{46, Bytes(40, 1)}}));
    CHECK(c.dropped(b, Drop::ike_no_session));
    core::reset_counters();
    Bytes esp = {1, 2, 3, 4, 0, 0, 0, 1};
    b = c.send(esp, 4500, 4500);
    CHECK(c.dropped(b, Drop::ike_no_session));
}

TEST_CASE("IPv6 traffic that is not for a VIP is routed untouched", "[ikev2][ipv6][stage]") {
    Cluster6 c;
    REQUIRE(test::cluster_report(kGw6b, cluster_load(100)) == 0);
    const Bytes ike = test::ike_sa_init(1, test::nonce_bytes(32), true);
    core::Burst b = c.send(ike, 500, 500, kGw6b);
    REQUIRE(b.verdict[0] == Verdict::kTx);
    const Frame6 f = c.take(b);
    CHECK(f.dst() == test::ip6(kGw6b));
    CHECK(memcmp(f.payload(), ike.data(), ike.size()) == 0);
    CHECK(core::total_stat(Stat::ike_sa_init_seen) == 0);
}

TEST_CASE("a burst's duplicate IKE_SA_INITs share one member; flows of a burst keep theirs",
          "[ikev2][ipv6][stage][nat]") {
    Cluster6 c;
    for (const auto& g : {kGw1, kGw2, std::string("198.51.100.13")})
        REQUIRE(test::cluster_report(g, cluster_load(200)) == 0);
    // IPv4: a retransmitted IKE_SA_INIT in the same burst goes where the first went.
    auto v4 = [&](uint64_t spi, const std::string& client, uint16_t port = 500) {
        test::Ipv4Spec s;
        s.src = client;
        s.dst = test::kClusterVip;
        s.l4 = test::udp(client, s.dst, port, 500,
                         test::ike_sa_init(spi, test::nonce_bytes(32), false));
        return test::ipv4(s);
    };
    core::Burst b = c.w.run(
        0, {v4(7, "192.0.2.10"), v4(7, "192.0.2.10"), v4(8, "192.0.2.11"), v4(9, "192.0.2.12")});
    REQUIRE(b.n == 4);
    std::map<std::string, int> where;
    std::string first[2];
    for (uint16_t i = 0; i < 4; i++) {
        REQUIRE(b.verdict[i] == Verdict::kTx);
        const Bytes f = test::World::bytes(b.pkts[i]);
        const std::string dst = config::format_ipv4(uint32_t(f[30]) << 24 | uint32_t(f[31]) << 16 |
                                                    uint32_t(f[32]) << 8 | f[33]);
        if (i < 2) first[i] = dst;
        where[dst]++;
    }
    c.w.release(b);
    CHECK(first[0] == first[1]);
    CHECK(core::total_stat(Stat::ike_nat_new) == 3);
    CHECK(where.size() == 3);  // three equally loaded members, three new SAs
    // IPv6: two clients' ESP flows in one burst each reach their own member.
    REQUIRE(test::cluster_report(kGw6b, cluster_load(100)) == 0);
    core::Burst o = c.send(test::ike_sa_init(21, test::nonce_bytes(32), false), 4500, 500);
    REQUIRE(o.verdict[0] == Verdict::kTx);
    c.w.release(o);
    Bytes esp = {0, 0, 0x10, 0x01, 0, 0, 0, 1};
    esp.resize(64, 0xab);
    core::Burst e =
        c.w.run(0, {c.frame(esp, 4500, 4500), c.frame(esp, 4501, 4500), c.frame(esp, 4500, 4500)});
    REQUIRE(e.n == 3);
    CHECK(e.verdict[0] == Verdict::kTx);
    CHECK(e.verdict[1] == Verdict::kDrop);  // that flow never opened an SA
    CHECK(e.verdict[2] == Verdict::kTx);
    CHECK(Frame6{test::World::bytes(e.pkts[2])}.dst() == test::ip6(kGw6b));
    c.w.release(e);
}

TEST_CASE("on-link VIPs: ARP and neighbour solicitations are answered, routed ones are not",
          "[ikev2][ipv6][arp][nd]") {
    Cluster6 c;
    // ARP for the on-link IPv4 VIP on the access port.
    core::Burst b = c.w.run(0, {test::arp(1, "02:00:00:00:0a:0a", "192.0.2.10", "00:00:00:00:00:00",
                                          test::kClusterVipOnLink, "ff:ff:ff:ff:ff:ff")});
    REQUIRE(b.verdict[0] == Verdict::kControl);
    rte_mbuf* m = b.pkts[0];
    b.n = 0;
    route::arp_input(m);
    auto sent = c.w.control_sent(0);
    REQUIRE(sent.size() == 1);
    CHECK(sent[0] == test::arp(2, "02:00:00:00:01:01", test::kClusterVipOnLink, "02:00:00:00:0a:0a",
                               "192.0.2.10", "02:00:00:00:0a:0a"));
    // NS for the on-link IPv6 VIP: a solicited NA with the port's MAC.
    auto ns = [&](const std::string& target) {
        const Bytes t = test::ip6(target);
        uint8_t group[16];
        net::ip6_solicited_node(t.data(), group);
        char text[64];
        inet_ntop(AF_INET6, group, text, sizeof(text));
        Bytes body{0, 0, 0, 0};
        body.insert(body.end(), t.begin(), t.end());
        const Bytes lla = test::mac("02:00:00:00:0a:0a");
        body.push_back(1);
        body.push_back(1);
        body.insert(body.end(), lla.begin(), lla.end());
        test::Ipv6Spec s;
        s.dst = text;
        const rte_ether_addr gm = net::ip6_multicast_mac(group);
        char mac[32];
        snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", gm.addr_bytes[0],
                 gm.addr_bytes[1], gm.addr_bytes[2], gm.addr_bytes[3], gm.addr_bytes[4],
                 gm.addr_bytes[5]);
        s.dst_mac = mac;
        s.hop_limit = 255;
        s.next_header = 58;
        s.payload = test::icmp6(kClient6, text, 135, 0, body);
        core::Burst nb = c.w.run(0, {test::ipv6(s)});
        REQUIRE(nb.verdict[0] == Verdict::kControl);
        rte_mbuf* x = nb.pkts[0];
        nb.n = 0;
        route::nd_input(x);
        return c.w.control_sent(0);
    };
    sent = ns(test::kClusterVip6OnLink);
    REQUIRE(sent.size() == 1);
    const Frame6 na{sent[0]};
    CHECK(na.dst_mac() == test::mac("02:00:00:00:0a:0a"));
    CHECK(Bytes(na.f.begin() + 6, na.f.begin() + 12) == test::mac("02:00:00:00:01:01"));
    CHECK(na.src() == test::ip6(test::kClusterVip6OnLink));
    CHECK(na.f[54] == 136);  // Neighbor Advertisement
    CHECK(Bytes(na.f.begin() + 62, na.f.begin() + 78) == test::ip6(test::kClusterVip6OnLink));
    // The routed VIP is not on the access link: nobody answers for it.
    CHECK(ns(kVip6).empty());
}

TEST_CASE("the report listener without a listen address takes agents over IPv4 and IPv6",
          "[ikev2][ipv6][listener]") {
    test::World w;
    REQUIRE(w.ok());
    config::Config cfg;
    config::ClusterConfig& k = cfg.cluster;
    k.enabled = true;
    k.vips = {test::ip4(test::kClusterVip)};
    k.port = 0;  // ephemeral; listen unset: every address of both families
    for (const char* a : {"198.51.100.11", "2001:db8:f::21"}) {
        config::ClusterMemberConfig m;
        REQUIRE(config::parse_ip(a, m.address) == 0);
        k.members.push_back(m);
    }
    std::string err;
    REQUIRE(ikev2::cluster_init(cfg, err) == 0);
    const uint16_t port = ikev2::detail::listener_port();
    REQUIRE(port != 0);
    CHECK(ikev2::cluster_view().listen == "*");
    auto report = [&](int family, const char* gateway) {
        const int fd = socket(family, SOCK_STREAM, 0);
        REQUIRE(fd >= 0);
        sockaddr_storage ss{};
        socklen_t sl;
        if (family == AF_INET) {
            auto* sa = reinterpret_cast<sockaddr_in*>(&ss);
            sa->sin_family = AF_INET;
            sa->sin_port = htons(port);
            sa->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            sl = sizeof(*sa);
        } else {
            auto* sa = reinterpret_cast<sockaddr_in6*>(&ss);
            sa->sin6_family = AF_INET6;
            sa->sin6_port = htons(port);
            sa->sin6_addr = in6addr_loopback;
            sl = sizeof(*sa);
        }
        REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&ss), sl) == 0);
        ikev2::wire::Hello h;
        REQUIRE(config::parse_ip(gateway, h.gateway) == 0);
        Bytes out = ikev2::wire::encode_hello(h);
        const Bytes u = ikev2::wire::encode_update(cluster_load(250));
        out.insert(out.end(), u.begin(), u.end());
        REQUIRE(send(fd, out.data(), out.size(), 0) == ssize_t(out.size()));
        return fd;
    };
    const int fd4 = report(AF_INET, "198.51.100.11");
    const int fd6 = report(AF_INET6, "2001:db8:f::21");
    uint64_t now = 1000;
    auto both = [] {
        const auto v = ikev2::cluster_view();
        return v.members[0].reports == 1 && v.members[1].reports == 1;
    };
    for (int i = 0; i < 300 && !both(); i++) {
        ikev2::detail::listener_poll_at(now++);
        usleep(1000);
    }
    CHECK(both());
    close(fd4);
    close(fd6);
    ikev2::cluster_fini();
}
