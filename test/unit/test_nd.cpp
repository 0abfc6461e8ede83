// SPDX-License-Identifier: BSD-3-Clause
// Neighbour Discovery on the control lcore: NS answered for an ND owner
// (exact NA bytes), learning from NS and NA, resolution by NS to the
// solicited-node group, held packets sent after the NA, failure after the
// retries, validation, clear. Expected frames were generated with scapy 2.5.
#include <catch2/catch.hpp>

#include <rte_cycles.h>

#include "console/console.hpp"
#include "core/counters.hpp"
#include "route/neighbor.hpp"
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

// Ether(src=PDSN, dst="33:33:ff:00:01:00")/IPv6(src="2001:db8:a::10", dst="ff02::1:ff00:100",
// hlim=255)
//   /ICMPv6ND_NS(tgt="2001:db8:a::100")/ICMPv6NDOptSrcLLAddr(lladdr=PDSN)
const char* kNsOwner =
    "3333ff000100020000000a0a86dd6000000000203aff20010db8000a00000000000000000010ff0200000000000000"
    "000001ff00010087000fff0000000020010db8000a000000000000000001000101020000000a0a";
// Ether(src=ACC, dst=PDSN)/IPv6(src="2001:db8:a::100", dst="2001:db8:a::10", hlim=255)
//   /ICMPv6ND_NA(R=0,S=1,O=1,tgt="2001:db8:a::100")/ICMPv6NDOptDstLLAddr(lladdr=ACC)
const char* kNaOwner =
    "020000000a0a02000000010186dd6000000000203aff20010db8000a0000000000000000010020010db8000a000000"
    "00000000000010880087496000000020010db8000a000000000000000001000201020000000101";
// Ether(src=FARM, dst="33:33:ff:00:00:12")/IPv6(src="2001:db8:f::1", dst="ff02::1:ff00:12",
// hlim=255)
//   /ICMPv6ND_NS(tgt="2001:db8:f::12")/ICMPv6NDOptSrcLLAddr(lladdr=FARM)
const char* kNsSolicit =
    "3333ff00001202000000020186dd6000000000203aff20010db8000f00000000000000000001ff0200000000000000"
    "000001ff000012870019e90000000020010db8000f000000000000000000120101020000000201";
// Ether(src="02:00:00:00:0d:0d", dst=FARM)/IPv6(src="2001:db8:f::12", dst="2001:db8:f::1",
// hlim=255)
//   /ICMPv6ND_NA(R=0,S=1,O=1,tgt="2001:db8:f::12")/ICMPv6NDOptDstLLAddr(lladdr="02:00:00:00:0d:0d")
const char* kNaHost =
    "020000000201020000000d0d86dd6000000000203aff20010db8000f0000000000000000001220010db8000f000000"
    "0000000000000188007d196000000020010db8000f000000000000000000120201020000000d0d";

const std::string kNew = "2001:db8:f::12";

bool owner_fn(uint16_t port, const uint8_t* a) {
    return port == 0 && test::Bytes(a, a + 16) == test::ip6("2001:db8:a::100");
}

rte_mbuf* take(core::Burst& b, uint16_t i) {
    rte_mbuf* m = b.pkts[i];
    for (uint16_t j = i; j + 1 < b.n; j++) {
        b.pkts[j] = b.pkts[j + 1];
        b.verdict[j] = b.verdict[j + 1];
    }
    b.n--;
    return m;
}

// Runs one frame through the pipeline and gives a kControl result to its handler.
Verdict feed(test::World& w, uint16_t port, const test::Bytes& f,
             core::ControlKind* kind = nullptr) {
    core::Burst b = w.run(port, {f});
    Verdict v = b.verdict[0];
    if (v == Verdict::kControl) {
        rte_mbuf* m = take(b, 0);
        if (kind) *kind = core::meta(m)->ctl;
        switch (core::meta(m)->ctl) {
            case core::ControlKind::kNd:
                route::nd_input(m);
                break;
            case core::ControlKind::kHold6:
                route::neigh6_hold(m);
                break;
            default:
                rte_pktmbuf_free(m);
        }
    }
    w.release(b);
    return v;
}

const route::Neigh6Info* find(const std::vector<route::Neigh6Info>& v, const std::string& ip) {
    for (const auto& n : v)
        if (test::Bytes(n.ip.begin(), n.ip.end()) == test::ip6(ip)) return &n;
    return nullptr;
}

test::Bytes udp_to(const std::string& dst) {
    test::Ipv6Spec s;
    s.dst = dst;
    s.payload = test::udp6(s.src, dst, 1, 2, {0});
    return test::ipv6(s);
}

// An NS or NA frame with a correct checksum.
test::Bytes nd_frame(uint8_t type, const std::string& src, const std::string& dst,
                     const std::string& target, uint8_t flags, int opt, const std::string& lla,
                     const std::string& smac, const std::string& dmac, uint8_t hl = 255) {
    test::Bytes body{flags, 0, 0, 0};
    test::Bytes t = test::ip6(target);
    body.insert(body.end(), t.begin(), t.end());
    if (opt) {
        body.push_back(uint8_t(opt));
        body.push_back(1);
        test::Bytes m = test::mac(lla);
        body.insert(body.end(), m.begin(), m.end());
    }
    test::Ipv6Spec s;
    s.src_mac = smac;
    s.dst_mac = dmac;
    s.src = src;
    s.dst = dst;
    s.hop_limit = hl;
    s.next_header = 58;
    s.payload = test::icmp6(src, dst, type, 0, body);
    return test::ipv6(s);
}

}  // namespace

TEST_CASE("an NS for an ND owner's address is answered with a solicited NA, exact bytes", "[nd]") {
    test::World w;
    REQUIRE(w.ok());
    test::World6 w6(false);
    REQUIRE(w6.ok());
    route::register_nd_owner(owner_fn);
    REQUIRE(feed(w, 0, unhex(kNsOwner)) == Verdict::kControl);
    auto sent = w.control_sent(0);
    REQUIRE(sent.size() == 1);
    CHECK(test::hex(sent[0]) == test::hex(unhex(kNaOwner)));
    CHECK(core::total_stat(core::Stat::nd_adverts_sent) == 1);
    // The solicitor is learned (it talks to an address we own).
    const auto* n = find(route::neigh6_list(), "2001:db8:a::10");
    REQUIRE(n);
    CHECK(n->state == route::NeighState::kReachable);
    CHECK(test::Bytes(n->mac.addr_bytes, n->mac.addr_bytes + 6) == test::mac("02:00:00:00:0a:0a"));

    SECTION("DAD probe for it: NA to all-nodes, Solicited clear") {
        test::Bytes dad = nd_frame(135, "::", "ff02::1:ff00:100", "2001:db8:a::100", 0, 0, "",
                                   "02:00:00:00:0a:0a", "33:33:ff:00:01:00");
        REQUIRE(feed(w, 0, dad) == Verdict::kControl);
        sent = w.control_sent(0);
        REQUIRE(sent.size() == 1);
        const test::Bytes want =
            nd_frame(136, "2001:db8:a::100", "ff02::1", "2001:db8:a::100", 0x20, 2,
                     "02:00:00:00:01:01", "02:00:00:00:01:01", "33:33:00:00:00:01");
        CHECK(test::hex(sent[0]) == test::hex(want));
    }
    SECTION("not answered once the owner is gone") {
        route::unregister_nd_owner(owner_fn);
        REQUIRE(feed(w, 0, unhex(kNsOwner)) == Verdict::kControl);
        CHECK(w.control_sent(0).empty());
    }
    SECTION("not answered on another port") {
        test::Bytes f = unhex(kNsOwner);
        REQUIRE(feed(w, 1, f) == Verdict::kControl);
        CHECK(w.control_sent(1).empty());
    }
    route::unregister_nd_owner(owner_fn);
}

TEST_CASE("NS for the port's own address goes to the kernel, not answered twice", "[nd]") {
    test::World w;
    REQUIRE(w.ok());
    test::World6 w6(false);
    REQUIRE(w6.ok());
    // No tap in the World: delivery to the kernel is counted as no_exception_path.
    test::Bytes ns = nd_frame(135, "2001:db8:a::10", "ff02::1:ff00:1", "2001:db8:a::1", 0, 1,
                              "02:00:00:00:0a:0a", "02:00:00:00:0a:0a", "33:33:ff:00:00:01");
    REQUIRE(feed(w, 0, ns) == Verdict::kControl);
    CHECK(w.control_sent(0).empty());
    CHECK(core::total_drop(Drop::no_exception_path) == 1);
    CHECK(core::total_stat(core::Stat::nd_solicits_received) == 1);
    const auto* n = find(route::neigh6_list(), "2001:db8:a::10");
    REQUIRE(n);  // learned: it talks to us
    CHECK(n->state == route::NeighState::kReachable);

    SECTION("an NS for someone else is ignored and creates nothing") {
        test::Bytes other =
            nd_frame(135, "2001:db8:a::20", "ff02::1:ff00:30", "2001:db8:a::30", 0, 1,
                     "02:00:00:00:0e:0e", "02:00:00:00:0e:0e", "33:33:ff:00:00:30");
        REQUIRE(feed(w, 0, other) == Verdict::kControl);
        CHECK_FALSE(find(route::neigh6_list(), "2001:db8:a::20"));
        CHECK(core::total_drop(Drop::nd_ignored) == 1);
    }
}

TEST_CASE("an unknown IPv6 next hop is held, solicited, resolved by the NA, then sent", "[nd]") {
    test::World w;
    REQUIRE(w.ok());
    test::World6 w6(false);
    REQUIRE(w6.ok());
    core::ControlKind kind{};
    REQUIRE(feed(w, 0, udp_to(kNew), &kind) == Verdict::kControl);
    CHECK(kind == core::ControlKind::kHold6);
    auto sent = w.control_sent(1);
    REQUIRE(sent.size() == 1);
    CHECK(test::hex(sent[0]) == test::hex(unhex(kNsSolicit)));
    CHECK(core::total_stat(core::Stat::nd_solicits_sent) == 1);
    auto* n = find(route::neigh6_list(), kNew);
    REQUIRE(n);
    CHECK(n->state == route::NeighState::kIncomplete);
    CHECK(n->held == 1);

    // While INCOMPLETE the workers drop (the first packet is already held).
    CHECK(feed(w, 0, udp_to(kNew)) == Verdict::kDrop);
    CHECK(core::total_drop(Drop::neighbor_incomplete) == 1);

    REQUIRE(feed(w, 1, unhex(kNaHost)) == Verdict::kControl);
    CHECK(core::total_stat(core::Stat::nd_adverts_received) == 1);
    n = find(route::neigh6_list(), kNew);
    REQUIRE(n);
    CHECK(n->state == route::NeighState::kReachable);
    sent = w.control_sent(1);
    REQUIRE(sent.size() == 1);  // the held packet, hop limit already decremented
    test::Bytes want = udp_to(kNew);
    test::Bytes m = test::mac("02:00:00:00:0d:0d");
    std::copy(m.begin(), m.end(), want.begin());
    m = test::mac("02:00:00:00:02:01");
    std::copy(m.begin(), m.end(), want.begin() + 6);
    want[14 + 7] = 63;
    CHECK(test::hex(sent[0]) == test::hex(want));
    CHECK(core::total_stat(core::Stat::held_packets_sent) == 1);

    // Now the worker forwards on its own.
    core::Burst b = w.run(0, {udp_to(kNew)});
    CHECK(b.verdict[0] == Verdict::kTx);
    w.release(b);
}

TEST_CASE("an NA without Override does not replace a known MAC; with Override it does", "[nd]") {
    test::World w;
    REQUIRE(w.ok());
    test::World6 w6;
    REQUIRE(w6.ok());
    const std::string host = "2001:db8:f::11";
    test::Bytes na = nd_frame(136, host, "2001:db8:f::1", host, 0x40, 2, "02:00:00:00:0e:0e",
                              "02:00:00:00:0e:0e", "02:00:00:00:02:01");
    REQUIRE(feed(w, 1, na) == Verdict::kControl);
    const auto* n = find(route::neigh6_list(), host);
    REQUIRE(n);
    CHECK(test::Bytes(n->mac.addr_bytes, n->mac.addr_bytes + 6) == test::mac("02:00:00:00:0b:0b"));
    na = nd_frame(136, host, "ff02::1", host, 0x20, 2, "02:00:00:00:0e:0e", "02:00:00:00:0e:0e",
                  "33:33:00:00:00:01");
    REQUIRE(feed(w, 1, na) == Verdict::kControl);
    n = find(route::neigh6_list(), host);
    CHECK(test::Bytes(n->mac.addr_bytes, n->mac.addr_bytes + 6) == test::mac("02:00:00:00:0e:0e"));
    CHECK(core::total_stat(core::Stat::neighbors6_updated) == 1);
}

TEST_CASE("malformed ND is dropped as nd_malformed", "[nd]") {
    test::World w;
    REQUIRE(w.ok());
    test::World6 w6(false);
    REQUIRE(w6.ok());
    route::register_nd_owner(owner_fn);
    // An NS from the PDSN for the owner's address, with a correct checksum over `body`.
    auto ns = [](uint8_t code, const test::Bytes& body) {
        test::Ipv6Spec s;
        s.src = "2001:db8:a::10";
        s.dst = "ff02::1:ff00:100";
        s.dst_mac = "33:33:ff:00:01:00";
        s.hop_limit = 255;
        s.next_header = 58;
        s.payload = test::icmp6(s.src, s.dst, 135, code, body);
        return test::ipv6(s);
    };
    test::Bytes body{0, 0, 0, 0};
    test::Bytes t = test::ip6("2001:db8:a::100");
    body.insert(body.end(), t.begin(), t.end());
    test::Bytes opt{1, 1, 2, 0, 0, 0, 0x0a, 0x0a};
    test::Bytes f;
    SECTION("bad checksum") {
        body.insert(body.end(), opt.begin(), opt.end());
        f = ns(0, body);
        f[14 + 40 + 2] ^= 0xff;
    }
    SECTION("nonzero code") {
        body.insert(body.end(), opt.begin(), opt.end());
        f = ns(1, body);
    }
    SECTION("zero-length option") {
        opt[1] = 0;
        body.insert(body.end(), opt.begin(), opt.end());
        f = ns(0, body);
    }
    SECTION("option running past the end") {
        opt[1] = 2;
        body.insert(body.end(), opt.begin(), opt.end());
        f = ns(0, body);
    }
    SECTION("multicast target") {
        body[4] = 0xff;
        body.insert(body.end(), opt.begin(), opt.end());
        f = ns(0, body);
    }
    SECTION("truncated") {
        f = ns(0, test::Bytes(body.begin(), body.begin() + 12));
    }
    REQUIRE(feed(w, 0, f) == Verdict::kControl);
    CHECK(w.control_sent(0).empty());
    CHECK(core::total_drop(Drop::nd_malformed) == 1);
    CHECK(route::neigh6_list().empty());
    route::unregister_nd_owner(owner_fn);
}

TEST_CASE("an IPv6 next hop that never answers fails after the retries", "[nd]") {
    test::World w;
    REQUIRE(w.ok());
    test::World6 w6(false);
    REQUIRE(w6.ok());
    config::NeighborConfig cfg;
    cfg.retries = 3;
    cfg.retry_interval_ms = 1;
    route::neigh6_set_params(cfg);
    REQUIRE(feed(w, 0, udp_to(kNew)) == Verdict::kControl);
    uint64_t now = rte_get_tsc_cycles();
    const uint64_t step = rte_get_tsc_hz() / 100;  // 10 ms > the interval
    for (int i = 0; i < 3; i++) route::neigh6_tick(now += step);
    auto sent = w.control_sent(1);
    CHECK(sent.size() == 3);  // the first NS and two retries
    for (const auto& s : sent) CHECK(test::hex(s) == test::hex(unhex(kNsSolicit)));
    const auto* n = find(route::neigh6_list(), kNew);
    REQUIRE(n);
    CHECK(n->state == route::NeighState::kFailed);
    CHECK(core::total_stat(core::Stat::nd_resolve_failed) == 1);
    CHECK(core::total_drop(Drop::nd_hold_dropped) == 1);
    CHECK(feed(w, 0, udp_to(kNew)) == Verdict::kDrop);
    CHECK(core::total_drop(Drop::neighbor_failed) == 1);
    route::neigh6_set_params(config::NeighborConfig{});
}

TEST_CASE("console: show ipv6 route / neighbors, clear ipv6 neighbors", "[nd][console]") {
    test::World w;
    REQUIRE(w.ok());
    test::World6 w6;
    REQUIRE(w6.ok());
    const std::string routes = console::run_line("show ipv6 route");
    CHECK(routes.find("S    2001:db8:cc::/48 [1/0] via 2001:db8:c::10, ") != std::string::npos);
    CHECK(routes.find("C    2001:db8:a::/64 is directly connected, ") != std::string::npos);
    std::string neigh = console::run_line("show ipv6 neighbors");
    CHECK(neigh.find("2001:db8:f::11") != std::string::npos);
    CHECK(neigh.find("02:00:00:00:0b:0b") != std::string::npos);
    CHECK(neigh.find("REACHABLE") != std::string::npos);
    CHECK(console::run_line("clear ipv6 neighbors 2001:db8:f::11").find("cleared") !=
          std::string::npos);
    CHECK_FALSE(find(route::neigh6_list(), "2001:db8:f::11"));
    CHECK(console::run_line("clear ipv6 neighbors 2001:db8:f::11").find("no IPv6 neighbour") !=
          std::string::npos);
    CHECK(console::run_line("clear ipv6 neighbors").find("2 IPv6 neighbour entries cleared") !=
          std::string::npos);
    CHECK(route::neigh6_list().empty());
}
