// SPDX-License-Identifier: BSD-3-Clause
// Neighbour resolution on the control lcore: hold, ARP request bytes,
// learning, failure, aging, hold limits.
#include <catch2/catch.hpp>

#include <rte_cycles.h>

#include "core/counters.hpp"
#include "frames.hpp"
#include "route/neighbor.hpp"
#include "world.hpp"

using namespace haslb;
using core::Drop;
using core::Verdict;

namespace {

test::Bytes udp_to(const std::string& dst) {
    test::Ipv4Spec s;
    s.dst = dst;
    s.l4 = test::udp(s.src, dst, 1, 2, {0});
    return test::ipv4(s);
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
Verdict feed(test::World& w, uint16_t port, const test::Bytes& f) {
    core::Burst b = w.run(port, {f});
    Verdict v = b.verdict[0];
    if (v == Verdict::kControl) {
        rte_mbuf* m = take(b, 0);
        switch (core::meta(m)->ctl) {
            case core::ControlKind::kArp: route::arp_input(m); break;
            case core::ControlKind::kHold: route::neigh_hold(m); break;
            default: rte_pktmbuf_free(m);
        }
    }
    w.release(b);
    return v;
}

const route::NeighInfo* find(const std::vector<route::NeighInfo>& v, const std::string& ip) {
    for (const auto& n : v)
        if (n.ip == test::ip4(ip)) return &n;
    return nullptr;
}

const std::string kNew = "198.51.100.12";
const std::string kNewMac = "02:00:00:00:0d:0d";

}  // namespace

TEST_CASE("an unknown next hop is held, resolved by ARP, then sent", "[neighbor]") {
    test::World w;
    INFO(w.error());
    REQUIRE(w.ok());
    REQUIRE(feed(w, 0, udp_to(kNew)) == Verdict::kControl);

    auto sent = w.control_sent(1);
    REQUIRE(sent.size() == 1);
    // Broadcast ARP request from the farm port for the new host.
    const test::Bytes want = test::arp(1, "02:00:00:00:02:01", "198.51.100.1", "00:00:00:00:00:00", kNew,
                                       "ff:ff:ff:ff:ff:ff");
    CHECK(sent[0] == want);
    auto list = route::neigh_list();
    REQUIRE(find(list, kNew));
    CHECK(find(list, kNew)->state == route::NeighState::kIncomplete);
    CHECK(find(list, kNew)->held == 1);

    // While INCOMPLETE the workers drop (the first packet is already held).
    CHECK(feed(w, 0, udp_to(kNew)) == Verdict::kDrop);
    CHECK(core::total_drop(Drop::neighbor_incomplete) == 1);

    // The reply arrives: learned, and the held packet leaves with the right MACs.
    feed(w, 1, test::arp(2, kNewMac, kNew, "02:00:00:00:02:01", "198.51.100.1", "02:00:00:00:02:01"));
    list = route::neigh_list();
    CHECK(find(list, kNew)->state == route::NeighState::kReachable);
    sent = w.control_sent(1);
    REQUIRE(sent.size() == 1);
    CHECK(test::Bytes(sent[0].begin(), sent[0].begin() + 6) == test::mac(kNewMac));
    CHECK(test::Bytes(sent[0].begin() + 6, sent[0].begin() + 12) == test::mac("02:00:00:00:02:01"));
    CHECK(sent[0][14 + 8] == 63);
    CHECK(core::total_stat(core::Stat::held_packets_sent) == 1);

    // And now the fast path forwards directly.
    CHECK(feed(w, 0, udp_to(kNew)) == Verdict::kTx);
}

TEST_CASE("a next hop that never answers fails after the retries", "[neighbor]") {
    test::World w;
    INFO(w.error());
    REQUIRE(w.ok());
    feed(w, 0, udp_to(kNew));
    uint64_t t = rte_get_tsc_cycles();
    const uint64_t sec = rte_get_tsc_hz();
    for (int i = 0; i < 5; i++) route::neigh_tick(t += sec + 1);
    // 1 initial + 2 retries = 3 requests (retries = 3), then FAILED.
    CHECK(w.control_sent(1).size() == 3);
    CHECK(core::total_stat(core::Stat::arp_resolve_failed) == 1);
    CHECK(core::total_drop(Drop::arp_hold_dropped) == 1);
    CHECK(find(route::neigh_list(), kNew)->state == route::NeighState::kFailed);
    CHECK(feed(w, 0, udp_to(kNew)) == Verdict::kDrop);
    CHECK(core::total_drop(Drop::neighbor_failed) == 1);
    // After the hold-down the entry goes and a new packet starts over.
    route::neigh_tick(t += 4 * sec);
    CHECK(find(route::neigh_list(), kNew) == nullptr);
}

TEST_CASE("holding is bounded per next hop", "[neighbor]") {
    test::World w;
    INFO(w.error());
    REQUIRE(w.ok());
    feed(w, 0, udp_to(kNew));
    // Packets already on the ring when the entry appeared still reach the
    // resolver: they are held up to hold_packets (4), the rest dropped.
    core::Burst b = w.run(0, {udp_to("203.0.113.10")});
    w.release(b);
    for (int i = 0; i < 5; i++) {
        core::Burst x = w.run(0, {udp_to(kNew)});
        rte_mbuf* m = take(x, 0);
        core::meta(m)->next_hop = test::ip4(kNew);
        core::meta(m)->out_port = 1;
        route::neigh_hold(m);
        w.release(x);
    }
    CHECK(find(route::neigh_list(), kNew)->held == 4);
    CHECK(core::total_drop(Drop::hold_queue_full) == 2);
}

TEST_CASE("aging re-probes with unicast and removes a silent neighbour", "[neighbor]") {
    test::World w;
    INFO(w.error());
    REQUIRE(w.ok());
    uint64_t t = rte_get_tsc_cycles();
    const uint64_t sec = rte_get_tsc_hz();
    route::neigh_tick(t += 301 * sec);
    CHECK(find(route::neigh_list(), "198.51.100.11")->state == route::NeighState::kStale);
    auto probes = w.control_sent(1);
    REQUIRE(probes.size() == 1);
    CHECK(test::Bytes(probes[0].begin(), probes[0].begin() + 6) == test::mac("02:00:00:00:0b:0b"));
    // STALE still forwards.
    CHECK(feed(w, 0, udp_to("198.51.100.11")) == Verdict::kTx);
    for (int i = 0; i < 4; i++) route::neigh_tick(t += sec + 1);
    CHECK(find(route::neigh_list(), "198.51.100.11") == nullptr);
    CHECK(core::total_stat(core::Stat::neighbors_expired) >= 1);
}

TEST_CASE("a reply to a probe confirms the entry", "[neighbor]") {
    test::World w;
    INFO(w.error());
    REQUIRE(w.ok());
    uint64_t t = rte_get_tsc_cycles();
    route::neigh_tick(t + 301 * rte_get_tsc_hz());
    feed(w, 1, test::arp(2, "02:00:00:00:0b:0b", "198.51.100.11", "02:00:00:00:02:01", "198.51.100.1",
                         "02:00:00:00:02:01"));
    CHECK(find(route::neigh_list(), "198.51.100.11")->state == route::NeighState::kReachable);
}

TEST_CASE("ARP between other hosts only refreshes known entries", "[neighbor][arp]") {
    test::World w;
    INFO(w.error());
    REQUIRE(w.ok());
    // A request from an unknown host to another host: nothing learned, counted.
    feed(w, 1, test::arp(1, kNewMac, kNew, "00:00:00:00:00:00", "198.51.100.11", "ff:ff:ff:ff:ff:ff"));
    CHECK(find(route::neigh_list(), kNew) == nullptr);
    CHECK(core::total_drop(Drop::arp_ignored) == 1);
    // A gratuitous ARP from a known host with a new MAC moves it.
    feed(w, 1, test::arp(1, "02:00:00:00:0e:0e", "198.51.100.11", "00:00:00:00:00:00", "198.51.100.11",
                         "ff:ff:ff:ff:ff:ff"));
    auto* n = find(route::neigh_list(), "198.51.100.11");
    REQUIRE(n);
    CHECK(test::Bytes(n->mac.addr_bytes, n->mac.addr_bytes + 6) == test::mac("02:00:00:00:0e:0e"));
    CHECK(core::total_stat(core::Stat::neighbors_updated) == 1);
    // A request for our address from a new host creates it.
    feed(w, 1, test::arp(1, kNewMac, kNew, "00:00:00:00:00:00", "198.51.100.1", "ff:ff:ff:ff:ff:ff"));
    CHECK(find(route::neigh_list(), kNew) != nullptr);
    // Senders outside the port subnet are never learned.
    feed(w, 1, test::arp(1, kNewMac, "192.0.2.77", "00:00:00:00:00:00", "198.51.100.1", "ff:ff:ff:ff:ff:ff"));
    CHECK(find(route::neigh_list(), "192.0.2.77") == nullptr);
}

TEST_CASE("a full neighbour table refuses new entries by name and keeps the old ones", "[neighbor]") {
    test::World w;
    INFO(w.error());
    REQUIRE(w.ok());
    rte_ether_addr mac{{0x02, 0, 0, 0, 0x77, 0x77}};
    int added = 0;
    uint32_t ip = test::ip4("198.51.100.0");
    int rc = 0;
    // The /24 is too small to fill the table: add addresses of the farm
    // subnet's supernet directly through the model function.
    for (uint32_t i = 1; i < 200000; i++) {
        rc = route::neigh_update(1, ip + 0x100 * 256 + i, mac, true);
        if (rc != 0) break;
        added++;
    }
    REQUIRE(rc == -ENOSPC);
    CHECK(added >= 4000);
    CHECK(core::total_stat(core::Stat::neighbors_refused) == 1);
    // A packet to an unknown next hop cannot be resolved, and says why.
    feed(w, 0, udp_to(kNew));
    CHECK(core::total_drop(Drop::neighbor_table_full) == 1);
    // Known neighbours still forward.
    CHECK(feed(w, 0, udp_to("198.51.100.11")) == Verdict::kTx);
}

TEST_CASE("ARP requests on a tagged port carry the port's VLAN", "[neighbor][vlan]") {
    test::World w;
    INFO(w.error());
    REQUIRE(w.ok());
    core::g_dp.ports[1].vlan = 20;
    feed(w, 0, udp_to(kNew));
    auto sent = w.control_sent(1);
    REQUIRE(sent.size() == 1);
    REQUIRE(sent[0].size() == 14 + 4 + 28);
    CHECK(sent[0][12] == 0x81);
    CHECK((((sent[0][14] & 0x0f) << 8) | sent[0][15]) == 20);
    CHECK(sent[0][16] == 0x08);
    CHECK(sent[0][17] == 0x06);
    // The reply comes tagged too; the held packet leaves tagged.
    test::Bytes reply = test::arp(2, kNewMac, kNew, "02:00:00:00:02:01", "198.51.100.1", "02:00:00:00:02:01");
    reply.insert(reply.begin() + 12, {0x81, 0x00, 0x00, 20});
    feed(w, 1, reply);
    sent = w.control_sent(1);
    REQUIRE(sent.size() == 1);
    CHECK(sent[0][12] == 0x81);
    CHECK((((sent[0][14] & 0x0f) << 8) | sent[0][15]) == 20);
    CHECK(sent[0][18 + 8] == 63);
}
