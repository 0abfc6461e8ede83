// SPDX-License-Identifier: BSD-3-Clause
// HA-SLB in-process: the RRQ stage through the real pipeline, the control
// lcore's handling of its events, and the real state machine with a fake
// clock. Frames are checked as the real HA would receive them.
#include <catch2/catch.hpp>

#include <rte_cycles.h>
#include <rte_ip.h>

#include <cstring>
#include <map>

#include "core/counters.hpp"
#include "frames.hpp"
#include "net/headers.hpp"
#include "route/neighbor.hpp"
#include "slb_world.hpp"
#include "slb/slb.hpp"
#include "world.hpp"

using namespace haslb;
using core::Drop;
using core::Stat;
using core::Verdict;

namespace {

const std::string kVip = "192.0.2.100", kNatVip = "192.0.2.101";
const std::string kHa1 = "198.51.100.11", kHa2 = "198.51.100.12", kHa3 = "198.51.100.13";

// HAFARM (dispatched) 1/1 behind 192.0.2.100, NATFARM (NAT) 3/1/2 behind .101
// (test/support/slb_world.hpp).
struct Slb {
    test::World w;
    explicit Slb(uint32_t faildetect = 8, uint32_t max_sessions = 4096) {
        REQUIRE(w.ok());
        std::string err;
        INFO(err);
        REQUIRE(test::setup_slb(err, faildetect, max_sessions) == 0);
        core::reset_counters();
    }
    ~Slb() { slb::slb_fini(); }

    // One RRQ from pdsn through the pipeline; returns the burst (release it).
    core::Burst send(const std::string& vip, const std::string& nai, uint64_t ident,
                     const std::string& ha_field = "0.0.0.0", uint16_t dport = 434) {
        test::Ipv4Spec s;
        s.dst = vip;
        s.l4 = test::udp(s.src, vip, 434, dport, test::rrq(nai, ident, ha_field));
        return w.run(0, {test::ipv4(s)});
    }
    // The real a single RRQ went to ("" if not sent), after the control lcore
    // has seen its events.
    std::string real_of(const std::string& vip, const std::string& nai, uint64_t ident) {
        core::Burst b = send(vip, nai, ident);
        std::string out;
        if (b.verdict[0] == Verdict::kTx) {
            const test::Bytes f = test::World::bytes(b.pkts[0]);
            const auto* ip = reinterpret_cast<const rte_ipv4_hdr*>(&f[14]);
            // NAT: the destination address; dispatched: the next hop's MAC.
            out = vip == kNatVip ? config::format_ipv4(rte_be_to_cpu_32(ip->dst_addr))
                                 : config::format_ipv4(core::meta(b.pkts[0])->next_hop);
        }
        w.release(b);
        drain();
        return out;
    }
    void drain() {
        slb::Event ev[8];
        unsigned n;
        while ((
            n = rte_ring_dequeue_burst_elem(slb::g_slb.events, ev, sizeof(slb::Event), 8, nullptr)))
            for (unsigned i = 0; i < n; i++) slb::handle_event(ev[i]);
    }
    // An RRP from `ha` to pdsn routed through haslb (in on the farm port).
    Verdict reply(const std::string& ha, const std::string& nai, uint64_t ident, uint8_t code = 0,
                  uint16_t lifetime = 1800) {
        test::Ipv4Spec s;
        s.src_mac = "02:00:00:00:0b:0b";
        s.dst_mac = "02:00:00:00:02:01";
        s.src = ha;
        s.dst = "192.0.2.10";
        s.l4 = test::udp(ha, s.dst, 434, 434,
                         test::rrp(code, nai, "203.0.113.50", ha, ident, lifetime));
        core::Burst b = w.run(1, {test::ipv4(s)});
        Verdict v = b.verdict[0];
        w.release(b);
        drain();
        return v;
    }
    const slb::RealView* view(const std::string& addr, const std::string& farm) {
        static std::vector<slb::RealView> v;
        v = slb::real_views();
        for (const auto& r : v)
            if (r.address == addr && r.farm == farm) return &r;
        return nullptr;
    }
};

std::string nai(int i) {
    return "user" + std::to_string(i) + "@example.com";
}

}  // namespace

TEST_CASE("WRR follows the IOS order: weights 3/1/2 give A,A,A,B,C,C", "[slb][wrr]") {
    Slb t;
    std::vector<std::string> got;
    for (int i = 0; i < 12; i++) got.push_back(t.real_of(kNatVip, nai(i), 1));
    const std::vector<std::string> want{kHa1, kHa1, kHa1, kHa2, kHa3, kHa3,
                                        kHa1, kHa1, kHa1, kHa2, kHa3, kHa3};
    CHECK(got == want);
    CHECK(t.view(kHa1, "NATFARM")->conns == 6);
    CHECK(t.view(kHa2, "NATFARM")->conns == 2);
    CHECK(t.view(kHa3, "NATFARM")->conns == 4);
    CHECK(core::total_stat(Stat::rrq_new_session) == 12);
}

TEST_CASE("NAT mode rewrites only the destination address, with valid IP and UDP checksums",
          "[slb][nat]") {
    Slb t;
    test::Ipv4Spec s;
    s.dst = kNatVip;
    s.l4 = test::udp(s.src, kNatVip, 434, 434, test::rrq("alice@example.com", 7));
    const test::Bytes in = test::ipv4(s);
    core::Burst b = t.w.run(0, {in});
    REQUIRE(b.verdict[0] == Verdict::kTx);
    const test::Bytes out = test::World::bytes(b.pkts[0]);
    REQUIRE(out.size() == in.size());
    const auto* ip = reinterpret_cast<const rte_ipv4_hdr*>(&out[14]);
    CHECK(rte_be_to_cpu_32(ip->dst_addr) == test::ip4(kHa1));
    CHECK(net::ipv4_checksum_ok(ip));
    // The UDP checksum over the pseudo-header with the new destination.
    test::Bytes udp(out.begin() + 34, out.end());
    const test::Bytes fresh =
        test::udp(s.src, kHa1, 434, 434, test::Bytes(udp.begin() + 8, udp.end()));
    CHECK(udp == fresh);
    // Every byte of the registration is as the PDSN sent it.
    CHECK(test::Bytes(out.begin() + 42, out.end()) == test::Bytes(in.begin() + 42, in.end()));
    CHECK(test::Bytes(out.begin(), out.begin() + 6) == test::mac("02:00:00:00:0b:0b"));
    t.w.release(b);
}

TEST_CASE("dispatched mode changes only the MACs (and TTL): the real's MAC, the VIP kept",
          "[slb][dispatched]") {
    Slb t;
    test::Ipv4Spec s;
    s.dst = kVip;
    s.l4 = test::udp(s.src, kVip, 434, 434, test::rrq("bob@example.com", 7));
    const test::Bytes in = test::ipv4(s);
    core::Burst b = t.w.run(0, {in});
    REQUIRE(b.verdict[0] == Verdict::kTx);
    CHECK(core::meta(b.pkts[0])->out_port == 1);
    const test::Bytes out = test::World::bytes(b.pkts[0]);
    CHECK(test::Bytes(out.begin(), out.begin() + 6) == test::mac("02:00:00:00:0b:0b"));
    CHECK(test::Bytes(out.begin() + 6, out.begin() + 12) == test::mac("02:00:00:00:02:01"));
    const auto* ip = reinterpret_cast<const rte_ipv4_hdr*>(&out[14]);
    CHECK(rte_be_to_cpu_32(ip->dst_addr) == test::ip4(kVip));
    CHECK(ip->time_to_live == 63);
    CHECK(test::Bytes(out.begin() + 34, out.end()) == test::Bytes(in.begin() + 34, in.end()));
    t.w.release(b);
}

TEST_CASE("sessions are sticky per NAI; the seed's 4 sessions over two reals give 2/2",
          "[slb][session]") {
    Slb t;
    std::map<std::string, std::string> first;
    for (int i = 0; i < 4; i++) first[nai(i)] = t.real_of(kVip, nai(i), 1);
    for (int round = 2; round < 5; round++)
        for (int i = 0; i < 4; i++)
            CHECK(t.real_of(kVip, nai(i), uint64_t(round)) == first[nai(i)]);
    CHECK(t.view(kHa1, "HAFARM")->conns == 2);
    CHECK(t.view(kHa2, "HAFARM")->conns == 2);
    CHECK(slb::session_views().size() == 4);
    CHECK(core::total_stat(Stat::rrq_retransmitted) == 0);
}

TEST_CASE("retransmissions beyond reassign move the session and count a failure",
          "[slb][reassign]") {
    Slb t;
    const std::string a = t.real_of(kVip, "carol@example.com", 42);
    const std::string other = a == kHa1 ? kHa2 : kHa1;
    // reassign = 3: retransmissions 1..3 stay, the 4th moves.
    for (int i = 0; i < 3; i++) CHECK(t.real_of(kVip, "carol@example.com", 42) == a);
    CHECK(t.real_of(kVip, "carol@example.com", 42) == other);
    CHECK(core::total_stat(Stat::rrq_retransmitted) == 4);
    CHECK(core::total_stat(Stat::sessions_reassigned) == 1);
    CHECK(t.view(a, "HAFARM")->failures == 1);
    CHECK(t.view(a, "HAFARM")->conns == 0);
    CHECK(t.view(other, "HAFARM")->conns == 1);
    // It stays with the new real afterwards.
    CHECK(t.real_of(kVip, "carol@example.com", 43) == other);
}

TEST_CASE("an RRP ends the retransmission count: the same Identification is not a retry after it",
          "[slb][reassign]") {
    Slb t;
    const std::string a = t.real_of(kVip, "dave@example.com", 5);
    CHECK(t.reply(a, "dave@example.com", 5) == Verdict::kTx);
    for (int i = 0; i < 6; i++) CHECK(t.real_of(kVip, "dave@example.com", 5) == a);
    CHECK(core::total_stat(Stat::sessions_reassigned) == 0);
}

TEST_CASE("faildetect failures make a real FAILED; after retry it is TESTING; an RRP heals it",
          "[slb][failed]") {
    Slb t(/*faildetect=*/2);
    uint64_t now = rte_get_tsc_cycles();
    // Sessions on ha1 that never get an answer are reassigned to ha2.
    int moved = 0;
    for (int i = 0; moved < 2 && i < 10; i++) {
        const std::string n = nai(i);
        if (t.real_of(kVip, n, 1) != kHa1) continue;
        for (int r = 0; r < 4; r++) t.real_of(kVip, n, 1);
        moved++;
    }
    REQUIRE(moved == 2);
    slb::tick_reals(now);
    CHECK(t.view(kHa1, "HAFARM")->state == "FAILED");
    // No new sessions for a FAILED real.
    for (int i = 100; i < 104; i++) CHECK(t.real_of(kVip, nai(i), 1) == kHa2);
    // retry = 5 s later: TESTING, and exactly one session is tried on it.
    slb::tick_reals(now + 6 * rte_get_tsc_hz());
    CHECK(t.view(kHa1, "HAFARM")->state == "TESTING");
    int on_ha1 = 0;
    for (int i = 200; i < 206; i++) on_ha1 += t.real_of(kVip, nai(i), 1) == kHa1;
    CHECK(on_ha1 == 1);
    // It answers: OPERATIONAL, failures cleared.
    t.reply(kHa1, "someone@example.com", 9);
    CHECK(t.view(kHa1, "HAFARM")->state == "OPERATIONAL");
    CHECK(t.view(kHa1, "HAFARM")->failures == 0);
}

TEST_CASE("sessions expire after idle seconds without an RRQ", "[slb][idle]") {
    Slb t;
    t.real_of(kVip, "erin@example.com", 1);
    REQUIRE(slb::session_views().size() == 1);
    const uint64_t now = rte_get_tsc_cycles();
    CHECK(slb::expire_sessions(now + 5 * rte_get_tsc_hz()) == 0);  // idle = 10 s
    CHECK(slb::expire_sessions(now + 11 * rte_get_tsc_hz()) == 1);
    CHECK(slb::session_views().empty());
    CHECK(t.view(kHa1, "HAFARM")->conns + t.view(kHa2, "HAFARM")->conns == 0);
    CHECK(core::total_stat(Stat::sessions_expired) == 1);
}

TEST_CASE("an RRQ without NAI is balanced per request and counted", "[slb]") {
    Slb t;
    CHECK(t.real_of(kNatVip, "", 1) == kHa1);
    CHECK(t.real_of(kNatVip, "", 1) == kHa1);
    CHECK(core::total_stat(Stat::rrq_without_nai) == 2);
    CHECK(slb::session_views().empty());
}

TEST_CASE("what is not a good RRQ to a vserver is dropped by name", "[slb][drops]") {
    Slb t;
    auto verdict = [&](core::Burst b) {
        Verdict v = b.verdict[0];
        t.w.release(b);
        return v;
    };
    CHECK(verdict(t.send(kVip, "x@y", 1, "198.51.100.11")) == Verdict::kDrop);
    CHECK(core::total_drop(Drop::rrq_ha_field) == 1);
    CHECK(verdict(t.send(kVip, "x@y", 1, kVip)) == Verdict::kTx);  // HA field = VIP
    CHECK(verdict(t.send(kVip, "x@y", 2, "255.255.255.255")) == Verdict::kTx);
    CHECK(verdict(t.send(kVip, "x@y", 1, "0.0.0.0", 435)) == Verdict::kDrop);
    CHECK(core::total_drop(Drop::vip_not_service) == 1);
    test::Ipv4Spec s;
    s.dst = kVip;
    s.l4 = test::udp(s.src, kVip, 434, 434, test::Bytes{1, 2, 3});
    core::Burst b = t.w.run(0, {test::ipv4(s)});
    CHECK(verdict(b) == Verdict::kDrop);
    CHECK(core::total_drop(Drop::rrq_truncated) == 1);
    s.l4 = test::udp(s.src, kVip, 434, 434, test::rrp(0, "x@y", "0.0.0.0", kVip, 1));
    CHECK(verdict(t.w.run(0, {test::ipv4(s)})) == Verdict::kDrop);
    CHECK(core::total_drop(Drop::rrq_not_request) == 1);
    test::Bytes bad = test::rrq("x@y", 1);
    bad[25] = 200;  // the NAI extension claims more than there is
    s.l4 = test::udp(s.src, kVip, 434, 434, bad);
    CHECK(verdict(t.w.run(0, {test::ipv4(s)})) == Verdict::kDrop);
    CHECK(core::total_drop(Drop::rrq_bad_extension) == 1);
}

TEST_CASE("bindings are learned from routed RRPs and removed by lifetime 0", "[slb][bindings]") {
    Slb t;
    CHECK(t.reply(kHa1, "frank@example.com", 3) == Verdict::kTx);  // routed untouched
    auto b = slb::binding_views();
    REQUIRE(b.size() == 1);
    CHECK(b[0].nai == "frank@example.com");
    CHECK(b[0].home_addr == "203.0.113.50");
    CHECK(b[0].home_agent == kHa1);
    CHECK(b[0].lifetime == 1800);
    t.reply(kHa1, "frank@example.com", 4, 136);  // a denial binds nothing new
    CHECK(slb::binding_views().size() == 1);
    t.reply(kHa1, "frank@example.com", 5, 0, 0);
    CHECK(slb::binding_views().empty());
    CHECK(core::total_stat(Stat::rrp_seen) == 3);
    CHECK(core::total_stat(Stat::rrp_denied) == 1);
}

TEST_CASE("weight and service changes steer new sessions only", "[slb][model]") {
    Slb t;
    std::string msg;
    const std::string a = t.real_of(kVip, "gina@example.com", 1);
    REQUIRE(slb::set_real_inservice(test::ip4(a), false, msg) == 0);
    for (int i = 0; i < 4; i++) CHECK(t.real_of(kVip, nai(i), 1) != a);
    CHECK(t.real_of(kVip, "gina@example.com", 2) == a);  // its session stays
    CHECK(t.view(a, "HAFARM")->state == "OUTOFSERVICE");
    REQUIRE(slb::set_real_inservice(test::ip4(a), true, msg) == 0);
    REQUIRE(slb::set_real_weight(test::ip4(kHa2), 0, msg) == 0);
    for (int i = 10; i < 14; i++) CHECK(t.real_of(kVip, nai(i), 1) == kHa1);
    CHECK(slb::set_real_weight(test::ip4("198.51.100.99"), 1, msg) == -ENOENT);
    CHECK(slb::set_real_weight(test::ip4(kHa1), 70000, msg) == -ERANGE);
    REQUIRE(slb::clear_sessions(msg) == 0);
    CHECK(slb::session_views().empty());
}

TEST_CASE("a full session table refuses new sessions by name and still forwards", "[slb][full]") {
    Slb t(8, 64);
    int sent = 0;
    for (int i = 0; i < 200; i++) sent += !t.real_of(kNatVip, nai(i), 1).empty();
    CHECK(sent == 200);
    CHECK(core::total_stat(Stat::sessions_refused) > 0);
    CHECK(slb::session_views().size() + core::total_stat(Stat::sessions_refused) == 200);
}

TEST_CASE("haslb answers ARP for a VIP on-link on the asking port", "[slb][arp]") {
    Slb t;
    core::Burst b = t.w.run(0, {test::arp(1, "02:00:00:00:0a:0a", "192.0.2.10", "00:00:00:00:00:00",
                                          kVip, "ff:ff:ff:ff:ff:ff")});
    REQUIRE(b.verdict[0] == Verdict::kControl);
    rte_mbuf* m = b.pkts[0];
    b.n = 0;
    route::arp_input(m);
    auto sent = t.w.control_sent(0);
    REQUIRE(sent.size() == 1);
    CHECK(sent[0] == test::arp(2, "02:00:00:00:01:01", kVip, "02:00:00:00:0a:0a", "192.0.2.10",
                               "02:00:00:00:0a:0a"));
}

TEST_CASE("reload changes weights and service without losing sessions and refuses structure changes",
          "[slb][reload]") {
    Slb t;
    for (int i = 0; i < 4; i++) t.real_of(kVip, nai(i), 1);
    REQUIRE(slb::session_views().size() == 4);
    // The running slb config as test/support/slb_world builds it.
    config::SlbConfig cur;
    {
        config::ServerFarmConfig ha, nat;
        ha.name = "HAFARM";
        nat.name = "NATFARM";
        nat.nat = config::FarmNat::kServer;
        for (auto [a, w] : {std::pair{kHa1, 1}, {kHa2, 1}}) {
            config::RealConfig r;
            r.address = test::ip4(a);
            r.weight = uint16_t(w);
            ha.reals.push_back(r);
        }
        for (auto [a, w] : {std::pair{kHa1, 3}, {kHa2, 1}, {kHa3, 2}}) {
            config::RealConfig r;
            r.address = test::ip4(a);
            r.weight = uint16_t(w);
            nat.reals.push_back(r);
        }
        config::VserverConfig v1, v2;
        v1.name = "MIPSLB";
        v1.virtual_addr = test::ip4(kVip);
        v1.serverfarm = "HAFARM";
        v2.name = "MIPNAT";
        v2.virtual_addr = test::ip4(kNatVip);
        v2.serverfarm = "NATFARM";
        cur.serverfarms = {ha, nat};
        cur.vservers = {v1, v2};
        cur.max_sessions = 4096;
    }
    config::SlbConfig next = cur;
    next.serverfarms[0].reals[0].weight = 0;  // ha1 takes no new sessions
    next.vservers[0].idle_s = 30;
    std::string msg;
    REQUIRE(slb::reload(cur, next, false, msg) == 0);
    REQUIRE(slb::reload(cur, next, true, msg) == 0);
    CHECK(msg.find("real 198.51.100.11 in HAFARM: weight 1 -> 0") != std::string::npos);
    CHECK(slb::session_views().size() == 4);
    for (int i = 10; i < 14; i++) CHECK(t.real_of(kVip, nai(i), 1) == kHa2);
    const uint64_t now = rte_get_tsc_cycles();
    CHECK(slb::expire_sessions(now + 20 * rte_get_tsc_hz()) == 0);  // idle is 30 s now
    config::SlbConfig moved = next;
    moved.serverfarms[0].reals[1].address = test::ip4("198.51.100.99");
    CHECK(slb::reload(next, moved, false, msg) == -EINVAL);
    CHECK(msg.find("serverfarm HAFARM reals") != std::string::npos);
    config::SlbConfig renamed = next;
    renamed.vservers[1].virtual_addr = test::ip4("192.0.2.102");
    CHECK(slb::reload(next, renamed, false, msg) == -EINVAL);
    CHECK(msg.find("vserver MIPNAT") != std::string::npos);
}
