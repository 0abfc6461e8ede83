// SPDX-License-Identifier: BSD-3-Clause
// IKEv2 cluster in-process: the cluster stage through the real pipeline
// (redirects on 500 and 4500, IPv6 gateway identities, NAT of clients
// without redirect support and the way back, named drops), the model's
// life and death of members, and the report listener over real TCP.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <rte_cycles.h>
#include <rte_ip.h>
#include <rte_udp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <map>
#include <sstream>

#include "cluster_world.hpp"
#include "console/console.hpp"
#include "core/counters.hpp"
#include "frames.hpp"
#include "ikev2/cluster.hpp"
#include "ikev2/control/model.hpp"
#include "ikev2/wire.hpp"
#include "world.hpp"

using namespace haslb;
using core::Drop;
using core::Stat;
using core::Verdict;
using test::Bytes;
using test::cluster_load;

namespace {

const std::string kVip = test::kClusterVip;
const std::string kClient = "192.0.2.10";
const std::string kGw1 = "198.51.100.11", kGw2 = "198.51.100.12", kGw3 = "198.51.100.13";

struct Cluster {
    test::World w;
    explicit Cluster(bool ipv6 = true) {
        REQUIRE(w.ok());
        std::string err;
        INFO(err);
        REQUIRE(test::setup_cluster(err, ipv6) == 0);
        core::reset_counters();
    }
    ~Cluster() { ikev2::cluster_fini(); }

    // A UDP datagram from the client to the VIP (or `dst`).
    core::Burst send(const Bytes& payload, uint16_t sport = 500, uint16_t dport = 500,
                     const std::string& dst = kVip, const std::string& src = kClient,
                     uint16_t in_port = 0) {
        test::Ipv4Spec s;
        s.src = src;
        s.dst = dst;
        if (in_port == 1) {
            s.src_mac = "02:00:00:00:0b:0b";
            s.dst_mac = "02:00:00:00:02:01";
        }
        s.l4 = test::udp(src, dst, sport, dport, payload);
        return w.run(in_port, {test::ipv4(s)});
    }
};

struct Frame {
    Bytes f;
    const rte_ipv4_hdr* ip() const { return reinterpret_cast<const rte_ipv4_hdr*>(&f[14]); }
    const rte_udp_hdr* udp() const { return reinterpret_cast<const rte_udp_hdr*>(&f[34]); }
    const uint8_t* payload() const { return &f[42]; }
    size_t payload_len() const { return f.size() - 42; }
    std::string src() const { return test_addr(ip()->src_addr); }
    std::string dst() const { return test_addr(ip()->dst_addr); }
    static std::string test_addr(rte_be32_t a) { return config::format_ipv4(rte_be_to_cpu_32(a)); }
    bool checksums_ok() const {
        Bytes copy = f;
        auto* i = reinterpret_cast<rte_ipv4_hdr*>(&copy[14]);
        auto* u = reinterpret_cast<rte_udp_hdr*>(&copy[34]);
        const rte_be16_t want = i->hdr_checksum;
        i->hdr_checksum = 0;
        const bool ip_ok = rte_ipv4_cksum(i) == want;
        i->hdr_checksum = want;
        return ip_ok && (u->dgram_cksum == 0 || rte_ipv4_udptcp_cksum_verify(i, u) == 0);
    }
};

Frame take(test::World& w, core::Burst& b) {
    Frame f{test::World::bytes(b.pkts[0])};
    w.release(b);
    return f;
}

// The gateway identity a REDIRECT names, as text.
std::string redirect_target(const Frame& f, size_t marker = 0) {
    return test::redirect_target(f.payload() + marker);
}

}  // namespace

TEST_CASE("IKE_SA_INIT with REDIRECT_SUPPORTED is answered with a REDIRECT from the VIP",
          "[ikev2][stage]") {
    Cluster c;
    REQUIRE(test::cluster_report(kGw1, cluster_load(400)) == 0);
    REQUIRE(test::cluster_report(kGw2, cluster_load(200)) == 0);
    REQUIRE(test::cluster_report(kGw3, cluster_load(300)) == 0);
    const Bytes ni = test::nonce_bytes(32);
    core::Burst b = c.send(test::ike_sa_init(0x1111111111111111ull, ni, true), 500, 500);
    REQUIRE(b.verdict[0] == Verdict::kTx);
    CHECK(core::meta(b.pkts[0])->out_port == 0);  // back out of the access port
    const Frame f = take(c.w, b);
    CHECK(f.src() == kVip);
    CHECK(f.dst() == kClient);
    CHECK(rte_be_to_cpu_16(f.udp()->src_port) == 500);
    CHECK(rte_be_to_cpu_16(f.udp()->dst_port) == 500);
    CHECK(f.checksums_ok());
    // Exactly haslb's response: header + REDIRECT(gw2) + the client's nonce.
    ikev2::GwIdent gw;
    const uint8_t a[4] = {198, 51, 100, 12};
    memcpy(gw.addr, a, 4);
    uint8_t expect[512];
    const size_t n = ikev2::redirect_response(0x1111111111111111ull, gw, ni.data(), 32, expect);
    REQUIRE(f.payload_len() == n);
    CHECK(memcmp(f.payload(), expect, n) == 0);
    CHECK(core::total_stat(Stat::ike_redirects_sent) == 1);
    CHECK(core::total_stat(Stat::ike_sa_init_seen) == 1);
    CHECK(ikev2::g_cluster.redirects[1].load() == 1);
}

TEST_CASE("charon's first IKE_SA_INIT on 4500 with the non-ESP marker keeps the marker",
          "[ikev2][stage]") {
    Cluster c;
    REQUIRE(test::cluster_report(kGw3, cluster_load(100)) == 0);
    Bytes p = {0, 0, 0, 0};
    const Bytes ni = test::nonce_bytes(32, 0x40);
    const Bytes ike = test::ike_sa_init(77, ni, true);
    p.insert(p.end(), ike.begin(), ike.end());
    core::Burst b = c.send(p, 4500, 4500);
    REQUIRE(b.verdict[0] == Verdict::kTx);
    const Frame f = take(c.w, b);
    CHECK(f.checksums_ok());
    REQUIRE(f.payload_len() == 4 + 28 + 8 + 2 + 4 + 32);
    CHECK(f.payload()[0] == 0);
    CHECK(f.payload()[3] == 0);
    CHECK(redirect_target(f, 4) == kGw3);
    CHECK(Bytes(f.payload() + 4 + 42, f.payload() + f.payload_len()) == ni);
    CHECK(rte_be_to_cpu_16(f.udp()->dst_port) == 4500);
}

TEST_CASE("an IPv6 gateway is named with GW Ident Type 2 to an IPv4 client", "[ikev2][stage]") {
    Cluster c;
    REQUIRE(test::cluster_report(kGw1, cluster_load(500)) == 0);
    REQUIRE(test::cluster_report("2001:db8::21", cluster_load(100)) == 0);
    const Bytes ni = test::nonce_bytes(64);
    core::Burst b = c.send(test::ike_sa_init(5, ni, false, true));  // REDIRECTED_FROM counts too
    REQUIRE(b.verdict[0] == Verdict::kTx);
    const Frame f = take(c.w, b);
    CHECK(f.payload()[28 + 8] == 2);
    CHECK(f.payload()[28 + 9] == 16);
    CHECK(redirect_target(f) == "2001:db8::21");
    CHECK(Bytes(f.payload() + 28 + 10 + 16, f.payload() + f.payload_len()) == ni);
    CHECK(f.checksums_ok());
}

TEST_CASE("the target follows the reports; dead and overloaded members are skipped",
          "[ikev2][stage]") {
    Cluster c(false);
    auto target = [&](uint64_t spi) {
        core::Burst b = c.send(test::ike_sa_init(spi, test::nonce_bytes(32), true));
        if (b.verdict[0] != Verdict::kTx) {
            c.w.release(b);
            return std::string("dropped");
        }
        return redirect_target(take(c.w, b));
    };
    CHECK(target(1) == "dropped");  // nobody has reported yet
    CHECK(core::total_drop(Drop::cluster_no_gateway) == 1);
    REQUIRE(test::cluster_report(kGw1, cluster_load(300), 1000) == 0);
    REQUIRE(test::cluster_report(kGw2, cluster_load(200), 1000) == 0);
    REQUIRE(test::cluster_report(kGw3, cluster_load(100), 1000) == 0);
    CHECK(target(2) == kGw3);
    REQUIRE(test::cluster_report(kGw3, cluster_load(600), 2000) == 0);
    CHECK(target(3) == kGw2);
    // gw2 overloaded (85 % > 80 %).
    REQUIRE(test::cluster_report(kGw2, cluster_load(850), 3000) == 0);
    CHECK(target(4) == kGw1);
    // gw1 stops reporting: dead after the hold time (10 s) has passed.
    CHECK(ikev2::tick(1000 + 10000) == 0);
    REQUIRE(test::cluster_report(kGw3, cluster_load(600), 11000) == 0);
    REQUIRE(test::cluster_report(kGw2, cluster_load(850), 11000) == 0);
    CHECK(ikev2::tick(1000 + 10001) == 1);
    CHECK(target(5) == kGw3);
    const ikev2::ClusterView v = ikev2::cluster_view();
    CHECK_FALSE(v.members[0].alive);
    CHECK(v.members[1].overloaded);
    CHECK(v.members[2].least_loaded);
    // It reports again: alive, and the least loaded.
    REQUIRE(test::cluster_report(kGw1, cluster_load(100), 12000) == 0);
    CHECK(target(6) == kGw1);
}

TEST_CASE("a burst of new clients spreads over equally loaded gateways", "[ikev2][stage]") {
    Cluster c(false);
    for (const auto& g : {kGw1, kGw2, kGw3}) REQUIRE(test::cluster_report(g, cluster_load(400)) == 0);
    std::map<std::string, int> count;
    for (uint64_t spi = 1; spi <= 30; spi++) {
        core::Burst b = c.send(test::ike_sa_init(spi, test::nonce_bytes(32), true));
        REQUIRE(b.verdict[0] == Verdict::kTx);
        count[redirect_target(take(c.w, b))]++;
    }
    CHECK(count[kGw1] == 10);
    CHECK(count[kGw2] == 10);
    CHECK(count[kGw3] == 10);
    CHECK(ikev2::cluster_view().members[0].pending == 10);
    // A report zeroes the member's pending count.
    REQUIRE(test::cluster_report(kGw1, cluster_load(400, 10)) == 0);
    CHECK(ikev2::cluster_view().members[0].pending == 0);
}

TEST_CASE("clients without redirect support are NATed to a gateway and stay there",
          "[ikev2][stage][nat]") {
    Cluster c;
    // The IPv6 member is least loaded but cannot be a NAT target.
    REQUIRE(test::cluster_report("2001:db8::21", cluster_load(0)) == 0);
    REQUIRE(test::cluster_report(kGw1, cluster_load(300)) == 0);
    REQUIRE(test::cluster_report(kGw2, cluster_load(200)) == 0);
    const uint64_t spi = 0xabcdef0123456789ull;
    core::Burst b = c.send(test::ike_sa_init(spi, test::nonce_bytes(32), false));
    REQUIRE(b.verdict[0] == Verdict::kTx);
    CHECK(core::meta(b.pkts[0])->out_port == 1);
    Frame f = take(c.w, b);
    CHECK(f.dst() == kGw2);
    CHECK(f.src() == kClient);
    CHECK(f.checksums_ok());
    CHECK(core::total_stat(Stat::ike_nat_new) == 1);
    // gw2 becomes the busiest: the client's next messages still go there,
    // after the float to 4500 too (IKE_AUTH with the marker).
    REQUIRE(test::cluster_report(kGw2, cluster_load(700)) == 0);
    Bytes auth = {0, 0, 0, 0};
    const Bytes m = test::ike_message(spi, 0x55, 35, 0x08, 1, {{46, Bytes(80, 0x77)}});
    auth.insert(auth.end(), m.begin(), m.end());
    b = c.send(auth, 4500, 4500);
    REQUIRE(b.verdict[0] == Verdict::kTx);
    f = take(c.w, b);
    CHECK(f.dst() == kGw2);
    // ESP in UDP on the same flow follows it.
    Bytes esp = {0x12, 0x34, 0x56, 0x78, 0, 0, 0, 1};
    esp.resize(100, 0xee);
    b = c.send(esp, 4500, 4500);
    REQUIRE(b.verdict[0] == Verdict::kTx);
    CHECK(take(c.w, b).dst() == kGw2);
    // The gateway's answer leaves from the VIP.
    b = c.send(m, 4500, 4500, kClient, kGw2, 1);
    REQUIRE(b.verdict[0] == Verdict::kTx);
    f = take(c.w, b);
    CHECK(f.src() == kVip);
    CHECK(f.dst() == kClient);
    CHECK(f.checksums_ok());
    CHECK(core::total_stat(Stat::ike_nat_reversed) == 1);
    // Another gateway's packet to the client is not translated.
    b = c.send(m, 4500, 4500, kClient, kGw1, 1);
    REQUIRE(b.verdict[0] == Verdict::kTx);
    CHECK(take(c.w, b).src() == kGw1);
    // A new client without redirect support gets the least loaded (gw1).
    b = c.send(test::ike_sa_init(99, test::nonce_bytes(32), false), 500, 500, kVip, "192.0.2.11");
    REQUIRE(b.verdict[0] == Verdict::kTx);
    CHECK(take(c.w, b).dst() == kGw1);
    // Entries expire after nat_idle: two SAs, their flows on 500 and the
    // first client's on 4500.
    CHECK(ikev2::expire_nat(rte_get_tsc_cycles() + 301 * rte_get_tsc_hz()) == 5);
    b = c.send(esp, 4500, 4500);
    CHECK(b.verdict[0] == Verdict::kDrop);
    c.w.release(b);
    CHECK(core::total_drop(Drop::ike_no_session) == 1);
}

TEST_CASE("malformed IKE to the VIP is dropped under a named reason", "[ikev2][stage]") {
    Cluster c;
    REQUIRE(test::cluster_report(kGw1, cluster_load(100)) == 0);
    auto dropped = [&](const Bytes& p, uint16_t port, Drop why) {
        core::reset_counters();
        core::Burst b = c.send(p, port, port);
        const bool ok = b.verdict[0] == Verdict::kDrop && core::total_drop(why) == 1;
        c.w.release(b);
        return ok;
    };
    const Bytes good = test::ike_sa_init(1, test::nonce_bytes(32), true);
    CHECK(dropped(Bytes(good.begin(), good.begin() + 20), 500, Drop::ike_truncated));
    Bytes v = good;
    v[17] = 0x10;
    CHECK(dropped(v, 500, Drop::ike_bad_version));
    CHECK(dropped(Bytes(good.begin(), good.end() - 1), 500, Drop::ike_bad_length));
    Bytes over = good;
    over[30] = 0xff;
    CHECK(dropped(over, 500, Drop::ike_bad_payload));
    CHECK(
        dropped(test::ike_message(1, 0, 34, 8, 0, {{41, Bytes{0, 0}}}), 500, Drop::ike_bad_notify));
    CHECK(dropped(test::ike_message(1, 0, 34, 8, 0, {{41, test::ike_notify(16406)}}), 500,
                  Drop::ike_no_nonce));
    CHECK(dropped(test::ike_sa_init(1, test::nonce_bytes(8), true), 500, Drop::ike_bad_nonce));
    CHECK(dropped(Bytes{0, 0}, 4500, Drop::ike_truncated));
    CHECK(dropped(good, 501, Drop::cluster_not_service));
    // An IKE_AUTH of no known SA.
    CHECK(dropped(test::ike_message(9, 9, 35, 8, 1, {{46, Bytes(40, 1)}}), 500,
                  Drop::ike_no_session));
    // TCP to the VIP.
    core::reset_counters();
    test::Ipv4Spec s;
    s.dst = kVip;
    s.proto = 6;
    s.l4 = Bytes(20, 0);
    core::Burst b = c.w.run(0, {test::ipv4(s)});
    CHECK(b.verdict[0] == Verdict::kDrop);
    CHECK(core::total_drop(Drop::cluster_not_service) == 1);
    c.w.release(b);
}

TEST_CASE("other traffic is not the cluster stage's business", "[ikev2][stage]") {
    Cluster c;
    REQUIRE(test::cluster_report(kGw1, cluster_load(100)) == 0);
    // IKE to a gateway's own address is routed untouched.
    const Bytes ike = test::ike_sa_init(1, test::nonce_bytes(32), true);
    core::Burst b = c.send(ike, 500, 500, kGw1);
    REQUIRE(b.verdict[0] == Verdict::kTx);
    Frame f = take(c.w, b);
    CHECK(f.dst() == kGw1);
    CHECK(memcmp(f.payload(), ike.data(), ike.size()) == 0);
    CHECK(core::total_stat(Stat::ike_sa_init_seen) == 0);
}

TEST_CASE("model: unknown members and bad loads are refused", "[ikev2][model]") {
    Cluster c;
    std::string msg;
    config::IpAddr a;
    REQUIRE(config::parse_ip("198.51.100.99", a) == 0);
    CHECK(ikev2::member_hello(a, 1000, 1000, 0, 1, msg) == -ENOENT);
    CHECK(msg.find("not a cluster member") != std::string::npos);
    REQUIRE(config::parse_ip(kGw1, a) == 0);
    ikev2::LoadReport r;
    r.cpu_pm = 1001;
    CHECK(ikev2::member_update(a, r, 1, msg) == -EINVAL);
}

TEST_CASE("show cluster and show cluster details in the seed's layout", "[ikev2][cli]") {
    Cluster c;
    // The seed's 1:1:1::6 row: 2.5 % in negotiation, 17.4 % crypto, 43 % CPU, 20 % memory.
    ikev2::LoadReport r{149, 25, 0, 430, 200};
    REQUIRE(test::cluster_report(kGw1, r) == 0);
    REQUIRE(test::cluster_report(kGw2, cluster_load(100, 3996)) == 0);
    const std::string s = console::run_line("show cluster\n");
    CHECK(s.find("Role           : CLB Primary") != std::string::npos);
    CHECK(s.find("Cluster IP     : 203.0.113.200") != std::string::npos);
    CHECK(s.find("Hold time      : 10000 msec") != std::string::npos);
    CHECK(s.find("Overload limit : 80%") != std::string::npos);
    CHECK(s.find("CLB Secondary  : 2") != std::string::npos);
    CHECK(s.find("x 198.51.100.13") != std::string::npos);  // dead: never heard
    CHECK(s.find("43.0%") != std::string::npos);
    const std::string d = console::run_line("show cluster details\n");
    CHECK(d.find("In-neg") != std::string::npos);
    CHECK(d.find("Prioritized") != std::string::npos);
    bool row = false;
    std::istringstream in(d);
    for (std::string line; std::getline(in, line);)
        if (line.find(kGw1) != std::string::npos)
            row = line.find("2.5%") != std::string::npos &&
                  line.find("17.4%") != std::string::npos &&
                  line.find("43%") != std::string::npos && line.find("20%") != std::string::npos &&
                  line.find("43.0%") != std::string::npos;
    CHECK(row);
}

TEST_CASE("the report listener: an agent's HELLO and UPDATE over TCP, ACKed", "[ikev2][listener]") {
    Cluster c;
    const uint16_t port = ikev2::detail::listener_port();
    REQUIRE(port != 0);
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) == 0);
    ikev2::wire::Hello h;
    REQUIRE(config::parse_ip(kGw2, h.gateway) == 0);
    h.hello_ms = 500;
    h.update_ms = 500;
    Bytes out = ikev2::wire::encode_hello(h);
    const Bytes u = ikev2::wire::encode_update(cluster_load(123, 7));
    out.insert(out.end(), u.begin(), u.end());
    REQUIRE(send(fd, out.data(), out.size(), 0) == ssize_t(out.size()));
    // Poll until both are applied (bounded).
    uint64_t now = 5000;
    for (int i = 0; i < 200 && ikev2::cluster_view().members[1].reports == 0; i++) {
        ikev2::detail::listener_poll_at(now++);
        usleep(1000);
    }
    const ikev2::ClusterView v = ikev2::cluster_view();
    REQUIRE(v.members[1].reports == 1);
    CHECK(v.members[1].alive);
    CHECK(v.members[1].report.ike_sas == 7);
    CHECK(v.members[1].load.cpu == 123000);
    // Two ACKs came back with the hold time.
    uint8_t buf[64];
    size_t got = 0;
    for (int i = 0; i < 100 && got < 24; i++) {
        const ssize_t n = recv(fd, buf + got, sizeof(buf) - got, MSG_DONTWAIT);
        if (n > 0)
            got += size_t(n);
        else
            usleep(1000);
    }
    REQUIRE(got == 24);
    ikev2::wire::Msg m;
    REQUIRE(ikev2::wire::decode(buf + 4, 8, m) == ikev2::wire::Error::kOk);
    CHECK(m.type == ikev2::wire::kAck);
    CHECK(m.holdtime_ms == 10000);
    // A HELLO for a non-member closes the connection.
    ikev2::wire::Hello bad;
    REQUIRE(config::parse_ip("198.51.100.99", bad.gateway) == 0);
    const int fd2 = socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(connect(fd2, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) == 0);
    const Bytes hb = ikev2::wire::encode_hello(bad);
    REQUIRE(send(fd2, hb.data(), hb.size(), 0) == ssize_t(hb.size()));
    bool closed = false;
    for (int i = 0; i < 200 && !closed; i++) {
        ikev2::detail::listener_poll_at(now++);
        const ssize_t n = recv(fd2, buf, sizeof(buf), MSG_DONTWAIT);
        closed = n == 0;
        usleep(1000);
    }
    CHECK(closed);
    close(fd2);
    close(fd);
}

TEST_CASE("reload: parameters apply at once, the member set needs a restart", "[ikev2][model]") {
    Cluster c(false);
    REQUIRE(test::cluster_report(kGw1, cluster_load(500)) == 0);
    REQUIRE(test::cluster_report(kGw2, cluster_load(400)) == 0);
    config::ClusterConfig cur;
    cur.enabled = true;
    cur.vips = {test::ip4(kVip)};
    config::parse_ip("127.0.0.1", cur.listen);
    cur.port = 0;
    cur.max_session = 1000;
    cur.holdtime_ms = 10000;
    for (const auto& a : {kGw1, kGw2, kGw3}) {
        config::ClusterMemberConfig m;
        REQUIRE(config::parse_ip(a, m.address) == 0);
        cur.members.push_back(m);
    }
    config::ClusterConfig next = cur;
    next.overload_limit = 45;       // gw1 (50 %) is now overloaded
    next.members[1].priority = 50;  // gw2: 40 % counts as 80 %
    next.holdtime_ms = 3000;
    std::string msg;
    REQUIRE(ikev2::reload(cur, next, false, msg) == 0);
    REQUIRE(ikev2::reload(cur, next, true, msg) == 0);
    const ikev2::ClusterView v = ikev2::cluster_view();
    CHECK(v.holdtime_ms == 3000);
    CHECK(v.overload_limit == 45);
    CHECK(v.members[0].overloaded);
    CHECK(v.members[1].load.prioritized == 800000);
    CHECK(v.members[1].least_loaded);
    config::ClusterConfig other = cur;
    other.members.pop_back();
    CHECK(ikev2::reload(cur, other, false, msg) == -EINVAL);
    CHECK(msg.find("needs a restart") != std::string::npos);
}
