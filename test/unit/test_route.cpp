// SPDX-License-Identifier: BSD-3-Clause
// Route stage: LPM, next hop, TTL, L2 rewrite, ICMP Time Exceeded, bulk
// bursts. Bytes are checked as a receiver on the wire would see them.
#include <catch2/catch.hpp>

#include <rte_ip.h>

#include "core/counters.hpp"
#include "frames.hpp"
#include "net/headers.hpp"
#include "route/fib.hpp"
#include "world.hpp"

using namespace haslb;
using core::Drop;
using core::Verdict;

namespace {

test::Bytes udp_frame(const std::string& dst, uint8_t ttl = 64, size_t payload = 16) {
    test::Ipv4Spec s;
    s.dst = dst;
    s.ttl = ttl;
    s.proto = 17;
    s.l4 = test::udp(s.src, dst, 4000, 5000, test::Bytes(payload, 0xab));
    return test::ipv4(s);
}

}  // namespace

TEST_CASE("a transit packet leaves the right port with new MACs, TTL-1 and a valid checksum",
          "[route]") {
    test::World w;
    INFO(w.error());
    REQUIRE(w.ok());
    test::Bytes in = udp_frame("203.0.113.10");
    core::Burst b = w.run(0, {in});
    REQUIRE(b.verdict[0] == Verdict::kTx);
    CHECK(core::meta(b.pkts[0])->out_port == 2);
    test::Bytes out = test::World::bytes(b.pkts[0]);
    REQUIRE(out.size() == in.size());
    CHECK(test::Bytes(out.begin(), out.begin() + 6) == test::mac("02:00:00:00:0c:0c"));
    CHECK(test::Bytes(out.begin() + 6, out.begin() + 12) == test::mac("02:00:00:00:03:01"));
    CHECK(out[14 + 8] == 63);
    CHECK(net::ipv4_checksum_ok(reinterpret_cast<const rte_ipv4_hdr*>(&out[14])));
    // Everything after the IPv4 header is untouched.
    CHECK(test::Bytes(out.begin() + 34, out.end()) == test::Bytes(in.begin() + 34, in.end()));
    CHECK(core::total_stat(core::Stat::forwarded) == 1);
    w.release(b);
}

TEST_CASE("a static route sends to its gateway's MAC", "[route]") {
    test::World w;
    INFO(w.error());
    REQUIRE(w.ok());
    core::Burst b = w.run(0, {udp_frame("203.0.113.129")});
    REQUIRE(b.verdict[0] == Verdict::kTx);
    test::Bytes out = test::World::bytes(b.pkts[0]);
    CHECK(test::Bytes(out.begin(), out.begin() + 6) == test::mac("02:00:00:00:0c:0c"));
    CHECK(core::meta(b.pkts[0])->next_hop == test::ip4("203.0.113.10"));
    w.release(b);
}

TEST_CASE("no route is dropped by name", "[route]") {
    test::World w;
    INFO(w.error());
    REQUIRE(w.ok());
    core::Burst b = w.run(0, {udp_frame("198.18.0.1")});
    CHECK(b.verdict[0] == Verdict::kDrop);
    CHECK(core::total_drop(Drop::no_route) == 1);
    w.release(b);
}

TEST_CASE("a packet larger than the egress MTU is dropped by name", "[route]") {
    test::World w;
    INFO(w.error());
    REQUIRE(w.ok());
    core::g_dp.ports[2].mtu = 100;
    core::Burst b = w.run(0, {udp_frame("203.0.113.10", 64, 200)});
    CHECK(b.verdict[0] == Verdict::kDrop);
    CHECK(core::total_drop(Drop::mtu_exceeded) == 1);
    w.release(b);
}

TEST_CASE("TTL 1 becomes ICMP Time Exceeded from the ingress address back to the sender",
          "[route][icmp]") {
    test::World w;
    INFO(w.error());
    REQUIRE(w.ok());
    test::Bytes in = udp_frame("203.0.113.10", 1);
    core::Burst b = w.run(0, {in});
    REQUIRE(b.verdict[0] == Verdict::kTx);
    CHECK(core::meta(b.pkts[0])->out_port == 0);
    test::Bytes out = test::World::bytes(b.pkts[0]);
    REQUIRE(out.size() == 14 + 20 + 8 + 20 + 8);
    CHECK(test::Bytes(out.begin(), out.begin() + 6) == test::mac("02:00:00:00:0a:0a"));
    auto* ip = reinterpret_cast<const rte_ipv4_hdr*>(&out[14]);
    CHECK(net::ipv4_checksum_ok(ip));
    CHECK(rte_be_to_cpu_32(ip->src_addr) == test::ip4("192.0.2.1"));
    CHECK(rte_be_to_cpu_32(ip->dst_addr) == test::ip4("192.0.2.10"));
    CHECK(ip->next_proto_id == 1);
    CHECK(ip->time_to_live == 64);
    CHECK(out[34] == 11);  // Time Exceeded
    CHECK(out[35] == 0);   // in transit
    CHECK(net::checksum(&out[34], out.size() - 34) == 0);
    // The quote: the original IPv4 header and the first 8 payload bytes.
    CHECK(test::Bytes(out.begin() + 42, out.end()) == test::Bytes(in.begin() + 14, in.begin() + 42));
    CHECK(core::total_drop(Drop::ttl_exceeded) == 1);
    CHECK(core::total_stat(core::Stat::icmp_time_exceeded_sent) == 1);
    w.release(b);
}

TEST_CASE("no ICMP error about an ICMP error or a non-first fragment", "[route][icmp]") {
    test::World w;
    INFO(w.error());
    REQUIRE(w.ok());
    test::Ipv4Spec err;
    err.ttl = 1;
    err.proto = 1;
    err.l4 = {11, 0, 0, 0, 0, 0, 0, 0};
    test::Ipv4Spec frag;
    frag.ttl = 1;
    frag.frag = 100;
    frag.l4 = test::Bytes(16, 0);
    core::Burst b = w.run(0, {test::ipv4(err), test::ipv4(frag)});
    CHECK(b.verdict[0] == Verdict::kDrop);
    CHECK(b.verdict[1] == Verdict::kDrop);
    CHECK(core::total_drop(Drop::ttl_exceeded) == 2);
    CHECK(core::total_stat(core::Stat::icmp_time_exceeded_sent) == 0);
    w.release(b);
}

TEST_CASE("a full burst of mixed destinations is routed in one pass", "[route][bulk]") {
    test::World w;
    INFO(w.error());
    REQUIRE(w.ok());
    std::vector<test::Bytes> frames;
    for (int i = 0; i < 32; i++)
        frames.push_back(udp_frame(i % 3 == 0 ? "203.0.113.10" : i % 3 == 1 ? "198.51.100.11" : "198.18.0.1"));
    core::Burst b = w.run(0, frames);
    int tx = 0, dropped = 0;
    for (int i = 0; i < 32; i++) {
        if (b.verdict[i] == Verdict::kTx) {
            tx++;
            CHECK(core::meta(b.pkts[i])->out_port == (i % 3 == 0 ? 2 : 1));
        } else {
            dropped++;
            CHECK(i % 3 == 2);
        }
    }
    CHECK(tx == 22);
    CHECK(dropped == 10);
    w.release(b);
}

TEST_CASE("routes: connected and static listed, duplicates and off-link gateways refused",
          "[route][fib]") {
    test::World w;
    INFO(w.error());
    REQUIRE(w.ok());
    auto routes = route::route_list();
    REQUIRE(routes.size() == 4);
    CHECK(routes[3].prefix == test::ip4("203.0.113.128"));
    CHECK(routes[3].type == route::RouteType::kStatic);
    std::string err;
    CHECK(route::route_add_static(test::ip4("203.0.113.128"), 25, test::ip4("203.0.113.10"), err) == -EEXIST);
    CHECK(route::route_add_static(test::ip4("10.0.0.0"), 8, test::ip4("10.1.1.1"), err) == -ENETUNREACH);
    CHECK(err.find("not on a connected subnet") != std::string::npos);
    CHECK(route::route_add_static(test::ip4("198.18.0.0"), 15, test::ip4("198.51.100.11"), err) == 0);
    core::Burst b = w.run(0, {udp_frame("198.19.1.1")});
    CHECK(b.verdict[0] == Verdict::kTx);
    CHECK(core::meta(b.pkts[0])->out_port == 1);
    w.release(b);
    CHECK(route::route_del(test::ip4("198.18.0.0"), 15, err) == 0);
    b = w.run(0, {udp_frame("198.19.1.1")});
    CHECK(b.verdict[0] == Verdict::kDrop);
    w.release(b);
}

TEST_CASE("VLAN: a tag is added for a tagged egress port and removed for an untagged one",
          "[route][vlan]") {
    test::World w;
    INFO(w.error());
    REQUIRE(w.ok());
    test::Bytes in = udp_frame("203.0.113.10");

    SECTION("untagged in, tagged out") {
        core::g_dp.ports[2].vlan = 100;
        core::Burst b = w.run(0, {in});
        REQUIRE(b.verdict[0] == Verdict::kTx);
        test::Bytes out = test::World::bytes(b.pkts[0]);
        REQUIRE(out.size() == in.size() + 4);
        CHECK(out[12] == 0x81);
        CHECK(out[13] == 0x00);
        CHECK((((out[14] & 0x0f) << 8) | out[15]) == 100);
        CHECK(out[16] == 0x08);
        CHECK(out[17] == 0x00);
        CHECK(out[18 + 8] == 63);
        CHECK(net::ipv4_checksum_ok(reinterpret_cast<const rte_ipv4_hdr*>(&out[18])));
        w.release(b);
    }
    SECTION("tagged in, untagged out") {
        core::g_dp.ports[0].vlan = 10;
        test::Ipv4Spec s;
        s.vlan = 10;
        s.l4 = test::udp(s.src, s.dst, 4000, 5000, test::Bytes(16, 0xab));
        test::Bytes tagged = test::ipv4(s);
        core::Burst b = w.run(0, {tagged});
        REQUIRE(b.verdict[0] == Verdict::kTx);
        test::Bytes out = test::World::bytes(b.pkts[0]);
        REQUIRE(out.size() == tagged.size() - 4);
        CHECK(out[12] == 0x08);
        CHECK(out[13] == 0x00);
        CHECK(test::Bytes(out.begin() + 14 + 20, out.end()) ==
              test::Bytes(tagged.begin() + 18 + 20, tagged.end()));
        w.release(b);
    }
    SECTION("a frame for another VLAN is dropped") {
        core::g_dp.ports[0].vlan = 10;
        test::Ipv4Spec s;
        s.vlan = 11;
        s.l4 = test::udp(s.src, s.dst, 1, 2, {});
        core::Burst b = w.run(0, {test::ipv4(s)});
        CHECK(b.verdict[0] == Verdict::kDrop);
        CHECK(core::total_drop(Drop::vlan_mismatch) == 1);
        w.release(b);
    }
}
