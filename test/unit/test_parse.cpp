// SPDX-License-Identifier: BSD-3-Clause
// Parse and classify stages: what goes on, what goes to the control lcore,
// and the named reason of every drop.
#include <catch2/catch.hpp>

#include "core/counters.hpp"
#include "core/dataplane.hpp"
#include "frames.hpp"
#include "world.hpp"

using namespace haslb;
using core::Drop;
using core::Verdict;

namespace {

Verdict one(test::World& w, const test::Bytes& f, uint16_t port = 0) {
    core::Burst b = w.run(port, {f});
    Verdict v = b.verdict[0];
    w.release(b);
    return v;
}

test::Bytes echo_to(const std::string& dst, uint8_t ttl = 64) {
    test::Ipv4Spec s;
    s.dst = dst;
    s.ttl = ttl;
    s.proto = 1;
    s.l4 = test::icmp_echo(1, 1);
    return test::ipv4(s);
}

}  // namespace

TEST_CASE("parse drops what cannot be parsed, each under its own reason", "[parse]") {
    test::World w;
    INFO(w.error());
    REQUIRE(w.ok());

    SECTION("runt frame") {
        CHECK(one(w, test::Bytes(10, 0)) == Verdict::kDrop);
        CHECK(core::total_drop(Drop::runt_frame) == 1);
    }
    SECTION("unicast to another MAC") {
        test::Bytes f = echo_to("203.0.113.10");
        f[5] = 0x99;
        CHECK(one(w, f) == Verdict::kDrop);
        CHECK(core::total_drop(Drop::not_for_us) == 1);
    }
    SECTION("IPv4 bytes under the IPv6 ethertype") {
        test::Bytes f = echo_to("203.0.113.10");
        f[12] = 0x86;
        f[13] = 0xdd;
        CHECK(one(w, f) == Verdict::kDrop);
        CHECK(core::total_drop(Drop::malformed_ipv6) == 1);
    }
    SECTION("LLDP") {
        test::Bytes f = echo_to("203.0.113.10");
        f[12] = 0x88;
        f[13] = 0xcc;
        CHECK(one(w, f) == Verdict::kDrop);
        CHECK(core::total_drop(Drop::unsupported_ethertype) == 1);
    }
    SECTION("tagged frame on an untagged port") {
        test::Ipv4Spec s;
        s.vlan = 100;
        s.l4 = test::icmp_echo(1, 1);
        s.proto = 1;
        CHECK(one(w, test::ipv4(s)) == Verdict::kDrop);
        CHECK(core::total_drop(Drop::vlan_mismatch) == 1);
    }
    SECTION("bad IPv4 header checksum") {
        test::Bytes f = echo_to("203.0.113.10");
        f[24] ^= 0xff;
        CHECK(one(w, f) == Verdict::kDrop);
        CHECK(core::total_drop(Drop::bad_ipv4_checksum) == 1);
    }
    SECTION("IPv4 total length beyond the frame") {
        test::Bytes f = echo_to("203.0.113.10");
        f.resize(f.size() - 4);
        CHECK(one(w, f) == Verdict::kDrop);
        CHECK(core::total_drop(Drop::malformed_ipv4) == 1);
    }
    SECTION("IPv4 header length below 20") {
        test::Bytes f = echo_to("203.0.113.10");
        f[14] = 0x44;
        CHECK(one(w, f) == Verdict::kDrop);
        CHECK(core::total_drop(Drop::malformed_ipv4) == 1);
    }
    SECTION("truncated ARP") {
        test::Bytes f = test::arp(1, "02:00:00:00:0a:0a", "192.0.2.10", "00:00:00:00:00:00",
                                  "192.0.2.1", "ff:ff:ff:ff:ff:ff");
        f.resize(30);
        CHECK(one(w, f) == Verdict::kDrop);
        CHECK(core::total_drop(Drop::malformed_arp) == 1);
    }
}

TEST_CASE("Ethernet padding is trimmed before forwarding", "[parse]") {
    test::World w;
    INFO(w.error());
    REQUIRE(w.ok());
    test::Ipv4Spec s;
    s.proto = 17;
    s.l4 = test::udp(s.src, s.dst, 1000, 2000, {1, 2});
    test::Bytes f = test::ipv4(s);  // 14 + 20 + 10 = 44 bytes
    const size_t real = f.size();
    f.resize(60, 0);  // minimum frame padding
    core::Burst b = w.run(0, {f});
    REQUIRE(b.verdict[0] == Verdict::kTx);
    CHECK(rte_pktmbuf_pkt_len(b.pkts[0]) == real);
    w.release(b);
}

TEST_CASE("classify sends ARP and packets for the appliance to the control lcore", "[classify]") {
    test::World w;
    INFO(w.error());
    REQUIRE(w.ok());
    core::Burst b = w.run(0, {test::arp(1, "02:00:00:00:0a:0a", "192.0.2.10", "00:00:00:00:00:00",
                                        "192.0.2.1", "ff:ff:ff:ff:ff:ff"),
                              echo_to("192.0.2.1"), echo_to("203.0.113.1"), echo_to("192.0.2.255"),
                              echo_to("224.0.0.18"), echo_to("203.0.113.10")});
    CHECK(b.verdict[0] == Verdict::kControl);
    CHECK(core::meta(b.pkts[0])->ctl == core::ControlKind::kArp);
    for (int i : {1, 2, 3, 4}) {
        CHECK(b.verdict[i] == Verdict::kControl);
        CHECK(core::meta(b.pkts[i])->ctl == core::ControlKind::kLocal);
    }
    CHECK(b.verdict[5] == Verdict::kTx);  // transit
    w.release(b);
}

TEST_CASE("impossible sources are dropped as martians", "[classify]") {
    test::World w;
    INFO(w.error());
    REQUIRE(w.ok());
    for (const char* src : {"0.0.0.0", "127.0.0.1", "224.0.0.5", "255.255.255.255", "198.51.100.1"}) {
        test::Ipv4Spec s;
        s.src = src;
        s.proto = 1;
        s.l4 = test::icmp_echo(1, 1);
        CHECK(one(w, test::ipv4(s)) == Verdict::kDrop);
    }
    CHECK(core::total_drop(Drop::martian_source) == 5);
}
