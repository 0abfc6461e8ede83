// SPDX-License-Identifier: BSD-3-Clause
// Route6 stage and FIB6: forwarding (MACs, hop limit), static routes, no
// route, ICMPv6 Time Exceeded and Packet Too Big bytes, route add/delete and
// reload. Expected frames were generated with scapy 2.5 (see the comments).
#include <catch2/catch.hpp>

#include <rte_ip.h>

#include "config/config.hpp"
#include "core/counters.hpp"
#include "core/dataplane.hpp"
#include "route/fib6.hpp"
#include "route/neighbor.hpp"
#include "route/route.hpp"
#include "world.hpp"
#include "world6.hpp"

using namespace haslb;
using core::Drop;
using core::Verdict;

namespace {

test::Bytes unhex(const std::string& s) {
    test::Bytes b;
    for (size_t i = 0; i + 1 < s.size(); i += 2)
        b.push_back(uint8_t(std::stoul(s.substr(i, 2), nullptr, 16)));
    return b;
}

// Ether(src=PDSN,dst=ACC)/IPv6(src="2001:db8:a::10", dst="2001:db8:cc::5", hlim=64)
//   /UDP(sport=4000,dport=5000)/Raw(b"\xab"*16)
const char* kFwdIn =
    "020000000101020000000a0a86dd600000000018114020010db8000a0000000000000000001020010db800cc000000"
    "000000000000050fa01388001822dcabababababababababababababababab";
// The same leaving the core port to srv's MAC with hlim=63.
const char* kFwdOut =
    "020000000c0c02000000030186dd600000000018113f20010db8000a0000000000000000001020010db800cc000000"
    "000000000000050fa01388001822dcabababababababababababababababab";
// ... to 2001:db8:c::10 with hlim=1.
const char* kTeIn =
    "020000000101020000000a0a86dd600000000018110120010db8000a0000000000000000001020010db8000c000000"
    "000000000000100fa0138800182391abababababababababababababababab";
// Ether(src=ACC,dst=PDSN)/IPv6(src="2001:db8:a::1", dst="2001:db8:a::10",
// hlim=64)/ICMPv6TimeExceeded() (Ethernet, IPv6 and ICMPv6 headers; the whole original packet
// follows).
const char* kTeOutHdr =
    "020000000a0a02000000010186dd6000000000483a4020010db8000a0000000000000000000120010db8000a000000"
    "0000000000001003002ff600000000";
// .../ICMPv6PacketTooBig(mtu=1280) headers; the first 1232 bytes of the original follow.
const char* kPtbOutHdr =
    "020000000a0a02000000010186dd6000000004d83a4020010db8000a0000000000000000000120010db8000a000000"
    "000000000000100200de8d00000500";

test::Bytes udp_to(const std::string& dst, uint8_t hl = 64, size_t payload = 16) {
    test::Ipv6Spec s;
    s.dst = dst;
    s.hop_limit = hl;
    s.payload = test::udp6(s.src, dst, 4000, 5000, test::Bytes(payload, 0xab));
    return test::ipv6(s);
}

const route::Route6Info* find(const std::vector<route::Route6Info>& v, const std::string& pfx,
                              uint8_t len) {
    for (const auto& r : v)
        if (test::Bytes(r.prefix.begin(), r.prefix.end()) == test::ip6(pfx) && r.len == len)
            return &r;
    return nullptr;
}

}  // namespace

TEST_CASE("IPv6 transit: static route, new MACs, hop limit - 1, payload untouched", "[route6]") {
    test::World w;
    REQUIRE(w.ok());
    test::World6 w6;
    INFO(w6.error());
    REQUIRE(w6.ok());
    core::Burst b = w.run(0, {unhex(kFwdIn)});
    REQUIRE(b.verdict[0] == Verdict::kTx);
    CHECK(core::meta(b.pkts[0])->out_port == 2);
    CHECK(test::World::bytes(b.pkts[0]) == unhex(kFwdOut));
    CHECK(test::Bytes(core::meta(b.pkts[0])->next_hop6, core::meta(b.pkts[0])->next_hop6 + 16) ==
          test::ip6("2001:db8:c::10"));
    CHECK(core::total_stat(core::Stat::forwarded6) == 1);
    w.release(b);
}

TEST_CASE("IPv6 connected route: next hop is the destination; a burst of mixed families",
          "[route6]") {
    test::World w;
    REQUIRE(w.ok());
    test::World6 w6;
    REQUIRE(w6.ok());
    test::Ipv4Spec v4;
    v4.l4 = test::udp(v4.src, v4.dst, 1, 2, {0});
    core::Burst b = w.run(0, {udp_to("2001:db8:f::11"), test::ipv4(v4), udp_to("2001:db8:c::10")});
    REQUIRE(b.verdict[0] == Verdict::kTx);
    REQUIRE(b.verdict[1] == Verdict::kTx);
    REQUIRE(b.verdict[2] == Verdict::kTx);
    test::Bytes o0 = test::World::bytes(b.pkts[0]);
    CHECK(test::Bytes(o0.begin(), o0.begin() + 6) == test::mac("02:00:00:00:0b:0b"));
    CHECK(o0[12] == 0x86);
    CHECK(o0[13] == 0xdd);
    CHECK(o0[14 + 7] == 63);
    CHECK(core::meta(b.pkts[0])->out_port == 1);
    CHECK(core::meta(b.pkts[1])->out_port == 2);  // IPv4 untouched by route6
    CHECK(core::total_stat(core::Stat::forwarded6) == 2);
    CHECK(core::total_stat(core::Stat::forwarded) == 1);
    w.release(b);
}

TEST_CASE("no IPv6 route: dropped as no_route6, never seen by the IPv4 stages", "[route6]") {
    test::World w;
    REQUIRE(w.ok());
    test::World6 w6;
    REQUIRE(w6.ok());
    core::Burst b = w.run(0, {udp_to("2001:db8:99::1")});
    CHECK(b.verdict[0] == Verdict::kDrop);
    CHECK(core::total_drop(Drop::no_route6) == 1);
    CHECK(core::total_drop(Drop::no_route) == 0);
    w.release(b);
}

TEST_CASE("without any IPv6 table IPv6 is dropped as no_route6", "[route6]") {
    test::World w;
    REQUIRE(w.ok());
    route::neigh6_fini();
    route::fib6_fini();
    core::Burst b = w.run(0, {udp_to("2001:db8:c::10")});
    CHECK(b.verdict[0] == Verdict::kDrop);
    CHECK(core::total_drop(Drop::no_route6) == 1);
    w.release(b);
}

TEST_CASE("hop limit 1: ICMPv6 Time Exceeded back to the source, exact bytes", "[route6]") {
    test::World w;
    REQUIRE(w.ok());
    test::World6 w6;
    REQUIRE(w6.ok());
    const test::Bytes in = unhex(kTeIn);
    core::Burst b = w.run(0, {in});
    REQUIRE(b.verdict[0] == Verdict::kTx);
    CHECK(core::meta(b.pkts[0])->out_port == 0);
    test::Bytes want = unhex(kTeOutHdr);
    want.insert(want.end(), in.begin() + 14, in.end());
    CHECK(test::World::bytes(b.pkts[0]) == want);
    CHECK(core::total_drop(Drop::hop_limit_exceeded) == 1);
    CHECK(core::total_stat(core::Stat::icmp6_time_exceeded_sent) == 1);
    w.release(b);

    SECTION("no error about an ICMPv6 error") {
        test::Ipv6Spec s;
        s.dst = "2001:db8:c::10";
        s.hop_limit = 1;
        s.next_header = 58;
        s.payload = test::icmp6(s.src, s.dst, 1, 0, test::Bytes(12, 0));
        core::Burst b2 = w.run(0, {test::ipv6(s)});
        CHECK(b2.verdict[0] == Verdict::kDrop);
        CHECK(core::total_stat(core::Stat::icmp6_time_exceeded_sent) == 1);
        w.release(b2);
    }
}

TEST_CASE("too big for the egress MTU: ICMPv6 Packet Too Big with that MTU, never fragmented",
          "[route6]") {
    test::World w;
    REQUIRE(w.ok());
    test::World6 w6;
    REQUIRE(w6.ok());
    core::g_dp.ports[2].mtu = 1280;
    test::Bytes payload;
    for (int r = 0; r < 6; r++)
        for (int i = 0; i < 256; i++) payload.push_back(uint8_t(i));
    test::Ipv6Spec s;
    s.payload = test::udp6(s.src, s.dst, 4000, 5000, payload);
    const test::Bytes in = test::ipv6(s);
    core::Burst b = w.run(0, {in});
    REQUIRE(b.verdict[0] == Verdict::kTx);
    CHECK(core::meta(b.pkts[0])->out_port == 0);
    test::Bytes want = unhex(kPtbOutHdr);
    want.insert(want.end(), in.begin() + 14, in.begin() + 14 + 1232);
    CHECK(test::World::bytes(b.pkts[0]) == want);
    CHECK(core::total_drop(Drop::packet_too_big6) == 1);
    CHECK(core::total_stat(core::Stat::icmp6_too_big_sent) == 1);
    w.release(b);
    core::g_dp.ports[2].mtu = 1500;
}

TEST_CASE("FIB6 model: connected, static, delete, errors, lookups follow", "[route6][fib6]") {
    test::World w;
    REQUIRE(w.ok());
    test::World6 w6;
    REQUIRE(w6.ok());
    std::string err;
    auto routes = route::route6_list();
    REQUIRE(routes.size() == 4);
    REQUIRE(find(routes, "2001:db8:a::", 64));
    CHECK(find(routes, "2001:db8:a::", 64)->type == route::RouteType::kConnected);
    REQUIRE(find(routes, "2001:db8:cc::", 48));
    CHECK(find(routes, "2001:db8:cc::", 48)->port == 2);

    CHECK(route::route6_add_static(test::ip6("2001:db8:dd::").data(), 48,
                                   test::ip6("2001:db8:9::1").data(), err) == -ENETUNREACH);
    CHECK(route::route6_add_static(test::ip6("2001:db8:dd::1").data(), 48,
                                   test::ip6("2001:db8:f::11").data(), err) == -EINVAL);
    CHECK(route::route6_add_static(test::ip6("2001:db8:dd::").data(), 48,
                                   test::ip6("fe80::1").data(), err) == -EINVAL);
    CHECK(route::route6_add_static(test::ip6("2001:db8:cc::").data(), 48,
                                   test::ip6("2001:db8:f::11").data(), err) == -EEXIST);

    core::Burst b = w.run(0, {udp_to("2001:db8:dd::7")});
    CHECK(b.verdict[0] == Verdict::kDrop);
    w.release(b);
    REQUIRE(route::route6_add_static(test::ip6("2001:db8:dd::").data(), 48,
                                     test::ip6("2001:db8:f::11").data(), err) == 0);
    CHECK(find(route::route6_list(), "2001:db8:dd::", 48)->port == 1);
    b = w.run(0, {udp_to("2001:db8:dd::7")});
    REQUIRE(b.verdict[0] == Verdict::kTx);
    CHECK(core::meta(b.pkts[0])->out_port == 1);
    w.release(b);

    // A more specific route wins; deleting it falls back.
    REQUIRE(route::route6_add_static(test::ip6("2001:db8:dd:1::").data(), 64,
                                     test::ip6("2001:db8:c::10").data(), err) == 0);
    b = w.run(0, {udp_to("2001:db8:dd:1::7")});
    CHECK(core::meta(b.pkts[0])->out_port == 2);
    w.release(b);
    REQUIRE(route::route6_del(test::ip6("2001:db8:dd:1::").data(), 64, err) == 0);
    CHECK(route::route6_del(test::ip6("2001:db8:dd:1::").data(), 64, err) == -ENOENT);
    b = w.run(0, {udp_to("2001:db8:dd:1::7")});
    CHECK(core::meta(b.pkts[0])->out_port == 1);
    w.release(b);
}

TEST_CASE("FIB6 reload: removed routes go, new ones come, bad ones are reported",
          "[route6][fib6]") {
    test::World w;
    REQUIRE(w.ok());
    test::World6 w6;
    REQUIRE(w6.ok());
    auto r6 = [](const std::string& p, uint8_t len, const std::string& via) {
        config::Route6Config r;
        auto a = test::ip6(p);
        std::copy(a.begin(), a.end(), r.prefix.addr.begin());
        r.prefix.len = len;
        a = test::ip6(via);
        std::copy(a.begin(), a.end(), r.via.begin());
        r.origin.file = "t.conf";
        r.origin.line = 7;
        return r;
    };
    config::Config cur, next;
    cur.routes6 = {r6("2001:db8:cc::", 48, "2001:db8:c::10")};
    next.routes6 = {r6("2001:db8:ee::", 48, "2001:db8:f::11")};
    std::string msg;
    REQUIRE(route::route6_reload(cur, next, msg) == 0);
    CHECK(msg ==
          "route 2001:db8:cc::/48 via 2001:db8:c::10 removed\n"
          "route 2001:db8:ee::/48 via 2001:db8:f::11 added\n");
    CHECK_FALSE(find(route::route6_list(), "2001:db8:cc::", 48));
    CHECK(find(route::route6_list(), "2001:db8:ee::", 48));
    core::Burst b = w.run(0, {udp_to("2001:db8:ee::1"), udp_to("2001:db8:cc::1")});
    CHECK(b.verdict[0] == Verdict::kTx);
    CHECK(b.verdict[1] == Verdict::kDrop);
    w.release(b);

    config::Config bad = next;
    bad.routes6.push_back(r6("2001:db8:ff::", 48, "2001:db8:77::1"));
    msg.clear();
    CHECK(route::route6_reload(next, bad, msg) == -ENETUNREACH);
    CHECK(msg.find("t.conf:7:") == 0);
}
