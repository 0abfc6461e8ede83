// SPDX-License-Identifier: BSD-3-Clause
// The NAT translation table of IP-redirected flows (seed 004): creation,
// replacement, reverse lookups, the timeouts with a fake clock, a full table,
// slot reuse with and without RCU, the shared reverse key, display, and
// workers creating flows concurrently.
#include <catch2/catch.hpp>

#include <fmt/format.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>
#include <rte_tcp.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <set>
#include <thread>
#include <vector>

#include "hotline/nat.hpp"
#include "world.hpp"

using namespace haslb::hotline::nat;

namespace {

constexpr uint32_t ip(uint32_t a, uint32_t b, uint32_t c, uint32_t d) {
    return a << 24 | b << 16 | c << 8 | d;
}

const uint32_t kHome = ip(10, 0, 0, 1);
const uint32_t kDst = ip(93, 184, 216, 34);
const uint32_t kDst2 = ip(93, 184, 216, 35);
const uint32_t kPortal = ip(203, 0, 113, 80);
const uint32_t kPortal2 = ip(203, 0, 113, 81);
constexpr uint8_t kSyn = RTE_TCP_SYN_FLAG, kAck = RTE_TCP_ACK_FLAG, kFin = RTE_TCP_FIN_FLAG,
                  kRst = RTE_TCP_RST_FLAG, kPsh = RTE_TCP_PSH_FLAG;

FlowKey tcp(uint16_t sport, uint32_t dst = kDst, uint16_t dport = 443, uint32_t src = kHome) {
    return flow_key(IPPROTO_TCP, src, dst, sport, dport);
}
FlowKey udp(uint16_t sport, uint32_t dst = kDst, uint16_t dport = 53, uint32_t src = kHome) {
    return flow_key(IPPROTO_UDP, src, dst, sport, dport);
}
FlowKey icmp(uint16_t id, uint32_t dst = kDst) {
    return flow_key(IPPROTO_ICMP, kHome, dst, id, 0);
}

// Distinct UDP flows from many subscribers (home address and port vary).
FlowKey nth_flow(uint32_t i) {
    return udp(uint16_t(1024 + i % 4000), kDst, 53, ip(10, 1, (i >> 8) & 0xff, i & 0xff));
}

// A table with a fake clock: every call takes now_s from the test.
struct Nat {
    Table t;
    explicit Nat(uint32_t capacity = 1024, rte_rcu_qsbr* qsbr = nullptr) {
        REQUIRE(haslb::test::eal_up());
        static int seq = 0;
        std::string err;
        const int rc = t.create(fmt::format("nat_ut{}", seq++), capacity, qsbr, err);
        INFO(err);
        REQUIRE(rc == 0);
    }
    // The subscriber's packet, redirected to (redirect, port).
    UpResult up(const FlowKey& k, uint32_t now, uint8_t flags = 0, uint32_t redirect = kPortal,
                uint16_t port = 8080, Translation** out = nullptr, uint16_t profile = 1,
                uint32_t rule = 0) {
        Translation* tr = nullptr;
        const UpResult r = t.upstream(k, redirect, port, profile, rule, flags, now, &tr);
        if (out) *out = tr;
        return r;
    }
    // The redirect server's answer to flow k as received, or nullptr.
    Translation* rev(const FlowKey& k, uint32_t redirect = kPortal, uint16_t port = 8080) {
        const FlowKey rk = reverse_key(k, redirect, port);
        const FlowKey* kp = &rk;
        Translation* out = nullptr;
        t.lookup_reverse(&kp, 1, &out);
        return out;
    }
    // The answer goes through: found, then refreshed.
    bool down(const FlowKey& k, uint32_t now, uint8_t flags = 0) {
        Translation* tr = rev(k);
        if (tr) t.downstream(tr, flags, now);
        return tr != nullptr;
    }
    unsigned expire_all(uint32_t now) { return t.expire(now, t.capacity()); }
    std::string state() {
        const auto v = t.views(0, 0, 1);
        return v.empty() ? "gone" : v[0].state;
    }
};

// The only translation of `nat` lasts until exactly `until`: present after
// an expiry pass one second earlier, removed at `until`.
void expires_at(Nat& nat, const FlowKey& k, uint32_t until) {
    INFO("expected to expire at " << until);
    CHECK(nat.expire_all(until - 1) == 0);
    CHECK(nat.rev(k) != nullptr);
    CHECK(nat.expire_all(until) == 1);
    CHECK(nat.rev(k) == nullptr);
    CHECK(nat.t.summary().total == 0);
}

}  // namespace

TEST_CASE("reverse keys: the server's answer, ports swapped; ICMP keeps the identifier",
          "[hotline][nat]") {
    const FlowKey t = tcp(40000, kDst, 443);
    const FlowKey r = reverse_key(t, kPortal, 8080);
    CHECK(r.proto == IPPROTO_TCP);
    CHECK(r.src == kPortal);
    CHECK(r.dst == kHome);
    CHECK(r.sport == 8080);
    CHECK(r.dport == 40000);
    const FlowKey u = reverse_key(udp(5353, kDst, 53), kPortal, 53);
    CHECK((u.src == kPortal && u.dst == kHome && u.sport == 53 && u.dport == 5353));
    const FlowKey i = reverse_key(icmp(0x1234), kPortal, 0);
    CHECK(i.proto == IPPROTO_ICMP);
    CHECK((i.src == kPortal && i.dst == kHome && i.sport == 0x1234 && i.dport == 0));
    CHECK(i.pad[0] == 0);
}

TEST_CASE("upstream creates, finds and replaces; the server's answers find the translation",
          "[hotline][nat]") {
    Nat nat;
    const FlowKey k = tcp(40000);
    Translation* a = nullptr;
    Translation* b = nullptr;
    REQUIRE(nat.up(k, 100, kSyn, kPortal, 8080, &a, 7, 3) == UpResult::kCreated);
    REQUIRE(a != nullptr);
    CHECK(a->redirect == kPortal);
    CHECK(a->redirect_port == 8080);
    CHECK(a->profile == 7);
    CHECK(a->rule == 3);
    CHECK(a->created_s == 100);
    CHECK(a->valid.load() == 1);
    CHECK(a->packets.load() == 1);
    CHECK(a->tcp_state.load() == uint8_t(TcpState::kSyn));

    REQUIRE(nat.up(k, 101, kAck, kPortal, 8080, &b, 7, 3) == UpResult::kExisting);
    CHECK(b == a);
    CHECK(a->packets.load() == 2);
    CHECK(a->last_s.load() == 101);

    // The answer: found by its reverse key, refreshed, original destination
    // kept in the entry for the rewrite.
    CHECK(nat.rev(k) == a);
    CHECK(nat.rev(k, kPortal, 8081) == nullptr);
    CHECK(nat.rev(tcp(40001)) == nullptr);
    REQUIRE(nat.down(k, 103, kSyn | kAck));
    CHECK(a->last_s.load() == 103);
    CHECK(a->packets.load() == 3);
    CHECK(a->tcp_state.load() == uint8_t(TcpState::kEstablished));
    CHECK(a->fwd.dst == kDst);
    CHECK(a->fwd.dport == 443);

    // Bulk: hits and misses in one call.
    const FlowKey r1 = reverse_key(k, kPortal, 8080), r2 = reverse_key(tcp(1), kPortal, 8080);
    const FlowKey* keys[3] = {&r2, &r1, &r2};
    Translation* out[3] = {a, nullptr, a};
    nat.t.lookup_reverse(keys, 3, out);
    CHECK(out[0] == nullptr);
    CHECK(out[1] == a);
    CHECK(out[2] == nullptr);

    // Another target for the same flow (the rule changed): the entry moves,
    // the old server's answers are no longer translated.
    REQUIRE(nat.up(k, 104, kAck, kPortal2, 80, &b, 9, 5) == UpResult::kReplaced);
    CHECK(b == a);
    CHECK(a->redirect == kPortal2);
    CHECK(a->redirect_port == 80);
    CHECK(a->profile == 9);
    CHECK(a->rule == 5);
    CHECK(a->created_s == 100);
    CHECK(nat.rev(k, kPortal, 8080) == nullptr);
    CHECK(nat.rev(k, kPortal2, 80) == a);
    CHECK(nat.up(k, 105, kAck, kPortal2, 80) == UpResult::kExisting);
    // Same address, another port: replaced too.
    CHECK(nat.up(k, 105, kAck, kPortal2, 81) == UpResult::kReplaced);
    CHECK(nat.rev(k, kPortal2, 80) == nullptr);
    CHECK(nat.rev(k, kPortal2, 81) == a);

    const Summary s = nat.t.summary();
    CHECK(s.total == 1);
    CHECK(s.created == 1);
    CHECK(s.refused == 0);
}

TEST_CASE("seed 004 timeouts, one second before and at the timeout", "[hotline][nat]") {
    Nat nat;
    SECTION("TCP created by a SYN, no SYN/ACK back: 30 s") {
        const FlowKey k = tcp(40000);
        REQUIRE(nat.up(k, 1000, kSyn) == UpResult::kCreated);
        CHECK(nat.state() == "SYN");
        CHECK(nat.up(k, 1010, kSyn) == UpResult::kExisting);  // retransmitted SYN
        CHECK(nat.state() == "SYN");
        expires_at(nat, k, 1040);
    }
    SECTION("TCP created by a segment with neither SYN nor ACK: 20 s") {
        const FlowKey k = tcp(40000);
        REQUIRE(nat.up(k, 1000, kPsh) == UpResult::kCreated);
        CHECK(nat.state() == "NOSYNACK");
        expires_at(nat, k, 1020);
    }
    SECTION("TCP established by the server's SYN/ACK: 60 s after the last packet") {
        const FlowKey k = tcp(40000);
        REQUIRE(nat.up(k, 1000, kSyn) == UpResult::kCreated);
        REQUIRE(nat.down(k, 1001, kSyn | kAck));
        CHECK(nat.state() == "ESTABLISHED");
        CHECK(nat.up(k, 1002, kAck) == UpResult::kExisting);
        CHECK(nat.down(k, 1005, kAck | kPsh));
        expires_at(nat, k, 1065);
    }
    SECTION("TCP created by a segment with ACK: established at once") {
        const FlowKey k = tcp(40000);
        REQUIRE(nat.up(k, 1000, kAck) == UpResult::kCreated);
        CHECK(nat.state() == "ESTABLISHED");
        expires_at(nat, k, 1060);
    }
    SECTION("TCP FIN upstream: 30 s, and closing stays closing") {
        const FlowKey k = tcp(40000);
        REQUIRE(nat.up(k, 1000, kSyn) == UpResult::kCreated);
        REQUIRE(nat.down(k, 1001, kSyn | kAck));
        CHECK(nat.up(k, 1010, kFin | kAck) == UpResult::kExisting);
        CHECK(nat.state() == "CLOSING");
        CHECK(nat.down(k, 1011, kSyn | kAck));  // a stray SYN/ACK does not reopen
        CHECK(nat.state() == "CLOSING");
        expires_at(nat, k, 1041);
    }
    SECTION("TCP RST downstream: 30 s") {
        const FlowKey k = tcp(40000);
        REQUIRE(nat.up(k, 1000, kSyn) == UpResult::kCreated);
        REQUIRE(nat.down(k, 1002, kRst | kAck));
        CHECK(nat.state() == "CLOSING");
        expires_at(nat, k, 1032);
    }
    SECTION("UDP: 30 s after the last packet either way") {
        const FlowKey k = udp(5353);
        REQUIRE(nat.up(k, 1000) == UpResult::kCreated);
        CHECK(nat.state() == "");
        CHECK(nat.up(k, 1020) == UpResult::kExisting);
        CHECK(nat.expire_all(1049) == 0);  // 30 s after creation: refreshed
        CHECK(nat.down(k, 1025));
        expires_at(nat, k, 1055);
    }
    SECTION("ICMP: 5 s after creation whatever the replies and requests") {
        const FlowKey k = icmp(0x0101);
        REQUIRE(nat.up(k, 1000, 0, kPortal, 0) == UpResult::kCreated);
        CHECK(nat.rev(k, kPortal, 0) != nullptr);
        CHECK(nat.rev(k, kPortal, 1234) != nullptr);  // no port in ICMP keys
        for (uint32_t now = 1001; now <= 1004; now++) {
            CHECK(nat.up(k, now, 0, kPortal, 0) == UpResult::kExisting);
            Translation* t = nat.rev(k, kPortal, 0);
            REQUIRE(t != nullptr);
            nat.t.downstream(t, 0, now);
        }
        CHECK(nat.expire_all(1004) == 0);
        CHECK(nat.expire_all(1005) == 1);
        CHECK(nat.rev(k, kPortal, 0) == nullptr);
        // The next echo request creates a new translation.
        CHECK(nat.up(k, 1006, 0, kPortal, 0) == UpResult::kCreated);
    }
    SECTION("another protocol (GRE) times out like UDP") {
        const FlowKey k = flow_key(47, kHome, kDst, 0, 0);
        REQUIRE(nat.up(k, 1000, 0, kPortal, 0) == UpResult::kCreated);
        CHECK(nat.t.views(1000, 0, 1).at(0).timeout_s == 30);
        CHECK(nat.expire_all(1029) == 0);
        CHECK(nat.expire_all(1030) == 1);
    }
}

TEST_CASE("timeouts are reloadable (set_timeouts) and apply to existing translations",
          "[hotline][nat]") {
    Nat nat;
    haslb::config::NatConfig c;
    c.tcp_syn_s = 7;
    c.tcp_nosynack_s = 3;
    c.tcp_s = 11;
    c.tcp_fin_s = 4;
    c.udp_s = 9;
    c.icmp_s = 2;
    nat.t.set_timeouts(c);
    SECTION("SYN") {
        REQUIRE(nat.up(tcp(1), 500, kSyn) == UpResult::kCreated);
        expires_at(nat, tcp(1), 507);
    }
    SECTION("no SYN/ACK") {
        REQUIRE(nat.up(tcp(1), 500, kPsh) == UpResult::kCreated);
        expires_at(nat, tcp(1), 503);
    }
    SECTION("established") {
        REQUIRE(nat.up(tcp(1), 500, kSyn) == UpResult::kCreated);
        REQUIRE(nat.down(tcp(1), 502, kSyn | kAck));
        expires_at(nat, tcp(1), 513);
    }
    SECTION("FIN/RST") {
        REQUIRE(nat.up(tcp(1), 500, kAck) == UpResult::kCreated);
        REQUIRE(nat.up(tcp(1), 501, kRst) == UpResult::kExisting);
        expires_at(nat, tcp(1), 505);
    }
    SECTION("UDP") {
        REQUIRE(nat.up(udp(1), 500) == UpResult::kCreated);
        REQUIRE(nat.down(udp(1), 504));
        expires_at(nat, udp(1), 513);
    }
    SECTION("ICMP") {
        REQUIRE(nat.up(icmp(1), 500, 0, kPortal, 8080) == UpResult::kCreated);
        REQUIRE(nat.down(icmp(1), 501));
        expires_at(nat, icmp(1), 502);
    }
    SECTION("a reload applies to what already exists") {
        REQUIRE(nat.up(udp(1), 500) == UpResult::kCreated);
        c.udp_s = 60;
        nat.t.set_timeouts(c);
        CHECK(nat.t.views(500, 0, 1).at(0).timeout_s == 60);
        expires_at(nat, udp(1), 560);
    }
}

TEST_CASE("a full table refuses new flows, keeps the existing ones and takes new ones after expiry",
          "[hotline][nat]") {
    // 1500 translations: 3000 keys in a 4096-slot hash, so only the free
    // ring limits.
    Nat nat(1500);
    std::set<Translation*> first;
    for (uint32_t i = 0; i < 1500; i++) {
        Translation* t = nullptr;
        REQUIRE(nat.up(nth_flow(i), 0, 0, kPortal, 53, &t) == UpResult::kCreated);
        first.insert(t);
    }
    CHECK(first.size() == 1500);
    Translation* t = nullptr;
    CHECK(nat.up(nth_flow(1500), 10, 0, kPortal, 53, &t) == UpResult::kFull);
    CHECK(t == nullptr);
    CHECK(nat.up(nth_flow(1501), 10, 0, kPortal, 53) == UpResult::kFull);
    Summary s = nat.t.summary();
    CHECK(s.total == 1500);
    CHECK(s.refused == 2);
    CHECK(s.created == 1500);
    // Existing translations are untouched and keep working both ways.
    for (uint32_t i = 0; i < 1500; i += 7) {
        REQUIRE(nat.up(nth_flow(i), 20, 0, kPortal, 53) == UpResult::kExisting);
        REQUIRE(nat.rev(nth_flow(i), kPortal, 53) != nullptr);
    }
    // After expiry (those refreshed at 20 live on), new flows fit again in
    // the freed slots.
    const unsigned refreshed = (1500 + 6) / 7;
    CHECK(nat.expire_all(30) == 1500 - refreshed);
    for (uint32_t i = 0; i < 1500 - refreshed; i++) {
        Translation* n = nullptr;
        REQUIRE(nat.up(nth_flow(2000 + i), 31, 0, kPortal, 53, &n) == UpResult::kCreated);
        CHECK(first.count(n) == 1);  // slot reuse
    }
    CHECK(nat.up(nth_flow(5000), 31, 0, kPortal, 53) == UpResult::kFull);
    s = nat.t.summary();
    CHECK(s.total == 1500);
    CHECK(s.expired == 1500 - refreshed);
    CHECK(s.refused == 3);
}

TEST_CASE("a full power-of-two table: the hash may refuse slightly before the ring is empty",
          "[hotline][nat]") {
    // 1024 translations = 2048 keys in exactly 2048 hash slots: cuckoo
    // insertion can fail before 100 %. Whatever refuses, it is kFull and
    // nothing existing is disturbed.
    Nat nat(1024);
    uint32_t created = 0, i = 0;
    while (nat.up(nth_flow(i), 0, 0, kPortal, 53) == UpResult::kCreated) created = ++i;
    CHECK(created >= 1024 * 9 / 10);
    CHECK(created <= 1024);
    CHECK(nat.t.summary().total == created);
    for (uint32_t j = 0; j < created; j++) REQUIRE(nat.rev(nth_flow(j), kPortal, 53) != nullptr);
    CHECK(nat.expire_all(30) == created);
    CHECK(nat.up(nth_flow(i), 31, 0, kPortal, 53) == UpResult::kCreated);
}

TEST_CASE("without RCU a removed translation's slot is reused at once", "[hotline][nat]") {
    Nat nat(1500);
    for (uint32_t i = 0; i < 1500; i++) REQUIRE(nat.up(nth_flow(i), 0) == UpResult::kCreated);
    Translation* gone = nat.rev(nth_flow(5));
    REQUIRE(gone != nullptr);
    REQUIRE(nat.t.remove_if([&](const Translation& t) { return &t == gone; }) == 1);
    Translation* a = nullptr;
    REQUIRE(nat.up(udp(1), 1, 0, kPortal, 8080, &a) == UpResult::kCreated);
    CHECK(a == gone);
    CHECK(a->fwd.sport == 1);
    CHECK(nat.up(udp(2), 1) == UpResult::kFull);
}

TEST_CASE("with RCU a removed translation's slot is reused only after the readers' quiescent state",
          "[hotline][nat]") {
    REQUIRE(haslb::test::eal_up());
    const size_t sz = rte_rcu_qsbr_get_memsize(1);
    auto* q = static_cast<rte_rcu_qsbr*>(rte_zmalloc("nat_ut_qsbr", sz, RTE_CACHE_LINE_SIZE));
    REQUIRE(q != nullptr);
    REQUIRE(rte_rcu_qsbr_init(q, 1) == 0);
    REQUIRE(rte_rcu_qsbr_thread_register(q, 0) == 0);
    rte_rcu_qsbr_thread_online(q, 0);  // one reader (a worker), thread id 0
    {
        Nat nat(1500, q);
        std::set<Translation*> used;
        for (uint32_t i = 0; i < 1500; i++) {
            Translation* t = nullptr;
            REQUIRE(nat.up(nth_flow(i), 0, 0, kPortal, 53, &t) == UpResult::kCreated);
            used.insert(t);
        }
        REQUIRE(nat.up(nth_flow(1500), 0, 0, kPortal, 53) == UpResult::kFull);
        // All expire; the reader has not reported a quiescent state since:
        // it may still hold any of them, so no slot is handed out.
        REQUIRE(nat.expire_all(30) == 1500);
        CHECK(nat.t.summary().total == 0);
        CHECK(nat.rev(nth_flow(0), kPortal, 53) == nullptr);
        CHECK(nat.up(nth_flow(1500), 30, 0, kPortal, 53) == UpResult::kFull);
        CHECK(nat.t.expire(31, 0) == 0);
        CHECK(nat.up(nth_flow(1500), 31, 0, kPortal, 53) == UpResult::kFull);
        // The reader passes a quiescent state; the next expiry pass (even
        // with nothing to expire) hands the slots back.
        rte_rcu_qsbr_quiescent(q, 0);
        CHECK(nat.up(nth_flow(1500), 32, 0, kPortal, 53) == UpResult::kFull);
        CHECK(nat.t.expire(32, 0) == 0);
        for (uint32_t i = 0; i < 1500; i++) {
            Translation* t = nullptr;
            REQUIRE(nat.up(nth_flow(3000 + i), 33, 0, kPortal, 53, &t) == UpResult::kCreated);
            CHECK(used.count(t) == 1);
        }
        CHECK(nat.up(nth_flow(6000), 33, 0, kPortal, 53) == UpResult::kFull);
        // A removed translation is not resurrected: the same flow again is a
        // new translation in another slot.
        Translation* before = nullptr;
        Translation* after = nullptr;
        REQUIRE(nat.up(nth_flow(3000), 34, 0, kPortal, 53, &before) == UpResult::kExisting);
        REQUIRE(nat.t.remove_if([&](const Translation& t) { return &t == before; }) == 1);
        rte_rcu_qsbr_quiescent(q, 0);
        CHECK(nat.t.expire(34, 0) == 0);
        REQUIRE(nat.up(nth_flow(3000), 35, 0, kPortal, 53, &after) == UpResult::kCreated);
        CHECK(after == before);  // the only free slot, back after the grace period
        CHECK(after->created_s == 35);
        CHECK(after->packets.load() == 1);
        CHECK(nat.t.clear() == 1500);
        rte_rcu_qsbr_thread_offline(q, 0);  // so destroy() reclaims everything
    }
    rte_rcu_qsbr_thread_unregister(q, 0);
    rte_free(q);
}

TEST_CASE("clear, remove_if and the summary by protocol", "[hotline][nat]") {
    Nat nat;
    REQUIRE(nat.up(tcp(1), 0, kSyn) == UpResult::kCreated);
    REQUIRE(nat.up(tcp(2), 0, kSyn) == UpResult::kCreated);
    REQUIRE(nat.up(tcp(3), 0, kAck) == UpResult::kCreated);
    REQUIRE(nat.up(udp(1), 0) == UpResult::kCreated);
    REQUIRE(nat.up(udp(2), 0) == UpResult::kCreated);
    REQUIRE(nat.up(icmp(1), 0, 0, kPortal, 0) == UpResult::kCreated);
    REQUIRE(nat.up(flow_key(47, kHome, kDst, 0, 0), 0, 0, kPortal, 0) == UpResult::kCreated);
    Summary s = nat.t.summary();
    CHECK(s.total == 7);
    CHECK(s.tcp == 3);
    CHECK(s.udp == 2);
    CHECK(s.icmp == 1);
    CHECK(s.other == 1);
    CHECK(s.capacity == 1024);
    CHECK(s.bytes_per_translation > sizeof(Translation));
    CHECK(s.created == 7);

    CHECK(nat.t.remove_if([](const Translation& t) { return t.fwd.proto == IPPROTO_UDP; }) == 2);
    CHECK(nat.rev(udp(1)) == nullptr);
    CHECK(nat.rev(tcp(1)) != nullptr);
    s = nat.t.summary();
    CHECK(s.total == 5);
    CHECK(s.udp == 0);
    CHECK(s.cleared == 2);

    CHECK(nat.t.clear() == 5);
    CHECK(nat.rev(tcp(1)) == nullptr);
    CHECK(nat.rev(icmp(1), kPortal, 0) == nullptr);
    s = nat.t.summary();
    CHECK(s.total == 0);
    CHECK(s.tcp == 0);
    CHECK(s.cleared == 7);
    CHECK(s.expired == 0);
    CHECK(nat.t.clear() == 0);
    CHECK(nat.up(tcp(1), 1, kSyn) == UpResult::kCreated);
}

TEST_CASE("views page through the valid translations in slot order", "[hotline][nat]") {
    Nat nat;
    for (uint16_t p = 1; p <= 5; p++)
        REQUIRE(nat.up(tcp(40000 + p), 100, kSyn, kPortal, 8080, nullptr, 4) == UpResult::kCreated);
    REQUIRE(nat.t.remove_if([](const Translation& t) { return t.fwd.sport == 40002; }) == 1);
    REQUIRE(nat.up(tcp(40001), 110, kAck) == UpResult::kExisting);

    const auto page1 = nat.t.views(112, 0, 2);
    REQUIRE(page1.size() == 2);
    CHECK(page1[0].proto == "tcp");
    CHECK(page1[0].inside == "10.0.0.1:40001");
    CHECK(page1[0].outside_original == "93.184.216.34:443");
    CHECK(page1[0].outside_redirect == "203.0.113.80:8080");
    CHECK(page1[0].age_s == 12);
    CHECK(page1[0].idle_s == 2);
    CHECK(page1[0].timeout_s == 30);
    CHECK(page1[0].state == "SYN");
    CHECK(page1[0].packets == 2);
    CHECK(page1[0].profile == 4);
    CHECK(page1[1].inside == "10.0.0.1:40003");
    const auto page2 = nat.t.views(112, 2, 2);
    REQUIRE(page2.size() == 2);
    CHECK(page2[0].inside == "10.0.0.1:40004");
    CHECK(page2[1].inside == "10.0.0.1:40005");
    CHECK(nat.t.views(112, 4, 2).empty());
    CHECK(nat.t.views(112, 0, 100).size() == 4);

    nat.t.clear();
    REQUIRE(nat.up(icmp(0x2a), 200, 0, kPortal, 0) == UpResult::kCreated);
    REQUIRE(nat.up(udp(5353, kDst, 53), 200, 0, kPortal2, 53) == UpResult::kCreated);
    const auto v = nat.t.views(203, 0, 10);
    REQUIRE(v.size() == 2);
    // ICMP: the identifier stands for the port.
    CHECK(v[0].proto == "icmp");
    CHECK(v[0].inside == "10.0.0.1:42");
    CHECK(v[0].outside_original == "93.184.216.34:42");
    CHECK(v[0].outside_redirect == "203.0.113.80:42");
    CHECK(v[0].timeout_s == 5);
    CHECK(v[0].state == "");
    CHECK(v[1].proto == "udp");
    CHECK(v[1].outside_redirect == "203.0.113.81:53");
    CHECK(v[1].age_s == 3);
}

TEST_CASE("a reverse key shared by two translations belongs to the newest", "[hotline][nat]") {
    // The same subscriber socket to two original destinations, both
    // redirected to the same server and port: their answers look alike.
    Nat nat;
    const FlowKey k1 = tcp(40000, kDst, 80), k2 = tcp(40000, kDst2, 80);
    REQUIRE(reverse_key(k1, kPortal, 8080).src == reverse_key(k2, kPortal, 8080).src);
    Translation* e1 = nullptr;
    Translation* e2 = nullptr;
    REQUIRE(nat.up(k1, 0, kSyn, kPortal, 8080, &e1) == UpResult::kCreated);
    CHECK(nat.rev(k1) == e1);
    REQUIRE(nat.up(k2, 1, kSyn, kPortal, 8080, &e2) == UpResult::kCreated);
    CHECK(e1 != e2);
    CHECK(nat.rev(k1) == e2);  // newest wins
    SECTION("removing the older one leaves the newer one's key") {
        REQUIRE(nat.t.remove_if([&](const Translation& t) { return &t == e1; }) == 1);
        CHECK(nat.rev(k2) == e2);
        REQUIRE(nat.t.remove_if([&](const Translation& t) { return &t == e2; }) == 1);
        CHECK(nat.rev(k2) == nullptr);
    }
    SECTION("moving the older one leaves the newer one's key") {
        REQUIRE(nat.up(k1, 2, kAck, kPortal2, 8080) == UpResult::kReplaced);
        CHECK(nat.rev(k2) == e2);
        CHECK(nat.rev(k1, kPortal2, 8080) == e1);
    }
    SECTION("expiry of the older one leaves the newer one's key") {
        REQUIRE(nat.up(k2, 20, kAck) == UpResult::kExisting);
        CHECK(nat.expire_all(30) == 1);
        CHECK(nat.rev(k2) == e2);
        CHECK(e2->valid.load() == 1);
        CHECK(e1->valid.load() == 0);
    }
}

TEST_CASE("expire looks at `budget` slots from where it stopped, wrapping", "[hotline][nat]") {
    Nat nat(1024);
    // Slots 0..9, in order (fresh table, one thread).
    for (uint16_t p = 0; p < 10; p++) REQUIRE(nat.up(udp(p), 0) == UpResult::kCreated);
    CHECK(nat.t.expire(10, 1000) == 0);  // nothing due; cursor at 1000
    CHECK(nat.t.expire(40, 30) == 6);    // 1000..1023, then 0..5
    CHECK(nat.t.summary().total == 4);
    CHECK(nat.rev(udp(5)) == nullptr);
    CHECK(nat.rev(udp(6)) != nullptr);
    CHECK(nat.t.expire(40, 2) == 2);  // 6, 7
    CHECK(nat.rev(udp(7)) == nullptr);
    CHECK(nat.rev(udp(8)) != nullptr);
    CHECK(nat.t.expire(40, 0) == 0);
    CHECK(nat.t.expire(40, 100000) == 2);  // at most every slot once
    CHECK(nat.t.summary().expired == 10);
}

TEST_CASE("two workers creating distinct flows at once: all found, count exact", "[hotline][nat]") {
    Nat nat(16384);
    constexpr uint32_t kFlows = 10000;
    std::atomic<int> ready{0};
    std::vector<uint32_t> created(2, 0), failed(2, 0);
    auto worker = [&](int w) {
        if (rte_thread_register() != 0) {  // rte_hash's per-lcore caches need an lcore id
            failed[w] = kFlows;
            return;
        }
        ready.fetch_add(1);
        while (ready.load() < 2) {
        }
        for (uint32_t i = w; i < kFlows; i += 2) {
            UpResult r;
            int tries = 0;
            // kFull here only if the creation lock stayed taken (a thread
            // descheduled while holding it): the next packet retries.
            while ((r = nat.up(nth_flow(i), 0, 0, kPortal, 53)) == UpResult::kFull && tries < 1000)
                tries++;
            if (r == UpResult::kCreated)
                created[w]++;
            else
                failed[w]++;
        }
        rte_thread_unregister();
    };
    std::thread a(worker, 0), b(worker, 1);
    a.join();
    b.join();
    CHECK(failed[0] == 0);
    CHECK(failed[1] == 0);
    CHECK(created[0] + created[1] == kFlows);
    const Summary s = nat.t.summary();
    CHECK(s.total == kFlows);
    CHECK(s.created == kFlows);
    for (uint32_t i = 0; i < kFlows; i++) {
        const FlowKey k = nth_flow(i);
        Translation* t = nat.rev(k, kPortal, 53);
        REQUIRE(t != nullptr);
        REQUIRE(memcmp(&t->fwd, &k, sizeof(FlowKey)) == 0);
        REQUIRE(nat.up(nth_flow(i), 1, 0, kPortal, 53) == UpResult::kExisting);
    }
}

TEST_CASE("two workers creating the same flows at once: exactly one translation each",
          "[hotline][nat]") {
    Nat nat(4096);
    constexpr uint32_t kFlows = 3000;
    std::atomic<int> ready{0};
    std::vector<std::vector<Translation*>> got(2, std::vector<Translation*>(kFlows, nullptr));
    std::vector<uint32_t> created(2, 0), failed(2, 0);
    auto worker = [&](int w) {
        if (rte_thread_register() != 0) {
            failed[w] = kFlows;
            return;
        }
        ready.fetch_add(1);
        while (ready.load() < 2) {
        }
        for (uint32_t i = 0; i < kFlows; i++) {
            UpResult r;
            int tries = 0;
            while ((r = nat.up(nth_flow(i), 0, 0, kPortal, 53, &got[w][i])) == UpResult::kFull &&
                   tries < 1000)
                tries++;
            if (r == UpResult::kCreated)
                created[w]++;
            else if (r != UpResult::kExisting)
                failed[w]++;
        }
        rte_thread_unregister();
    };
    std::thread a(worker, 0), b(worker, 1);
    a.join();
    b.join();
    CHECK(failed[0] + failed[1] == 0);
    CHECK(created[0] + created[1] == kFlows);
    for (uint32_t i = 0; i < kFlows; i++) {
        REQUIRE(got[0][i] != nullptr);
        REQUIRE(got[0][i] == got[1][i]);
        REQUIRE(nat.rev(nth_flow(i), kPortal, 53) == got[0][i]);
    }
    const Summary s = nat.t.summary();
    CHECK(s.total == kFlows);
    CHECK(s.created == kFlows);
    CHECK(got[0][0]->packets.load() == 2);
}

TEST_CASE(
    "a worker using flows while the control lcore removes them: no resurrection, no slot lost",
    "[hotline][nat]") {
    REQUIRE(haslb::test::eal_up());
    const size_t sz = rte_rcu_qsbr_get_memsize(1);
    auto* q = static_cast<rte_rcu_qsbr*>(rte_zmalloc("nat_ut_qsbr2", sz, RTE_CACHE_LINE_SIZE));
    REQUIRE(q != nullptr);
    REQUIRE(rte_rcu_qsbr_init(q, 1) == 0);
    REQUIRE(rte_rcu_qsbr_thread_register(q, 0) == 0);
    {
        Nat nat(1500, q);
        std::atomic<bool> stop{false};
        std::atomic<int> ready{0};
        std::atomic<uint64_t> created{0}, existing{0}, refused{0}, wrong{0};
        std::thread worker([&] {
            if (rte_thread_register() != 0) {
                wrong = 1;
                ready = 1;
                return;
            }
            rte_rcu_qsbr_thread_online(q, 0);
            ready = 1;
            while (!stop.load()) {
                for (uint32_t i = 0; i < 8; i++) {
                    const FlowKey k = nth_flow(i);
                    Translation* t = nullptr;
                    switch (nat.up(k, 0, 0, kPortal, 53, &t)) {
                        case UpResult::kCreated:
                            created++;
                            break;
                        case UpResult::kExisting:
                            existing++;
                            break;
                        default:
                            refused++;
                            continue;
                    }
                    // The entry handed out is this flow's, whatever the
                    // control lcore is doing to it.
                    if (memcmp(&t->fwd, &k, sizeof(k)) != 0) wrong++;
                    Translation* r = nat.rev(k, kPortal, 53);
                    if (r && memcmp(&r->fwd, &k, sizeof(k)) != 0) wrong++;
                }
                rte_rcu_qsbr_quiescent(q, 0);
            }
            rte_rcu_qsbr_thread_offline(q, 0);
            rte_thread_unregister();
        });
        while (!ready.load()) {
        }
        // Remove them under the worker until it has had to create them again
        // a few thousand times (or 5 s went by on a busy machine).
        unsigned removed = 0;
        const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        while (created.load() < 4000 && std::chrono::steady_clock::now() < until) {
            removed += nat.t.clear();
            nat.t.expire(0, 0);  // hands back what the grace period freed
        }
        stop = true;
        worker.join();
        removed += nat.t.clear();
        INFO("created " << created << " existing " << existing << " refused " << refused);
        CHECK(wrong == 0);
        CHECK(created > 100);  // flows were removed under the worker and created again
        CHECK(removed == created);
        const Summary s = nat.t.summary();
        CHECK(s.created == created);
        CHECK(s.total == 0);
        // Every slot came back exactly once: the whole capacity fits again,
        // each translation in its own slot.
        nat.t.expire(0, 0);
        std::set<Translation*> slots;
        for (uint32_t i = 0; i < 1500; i++) {
            Translation* t = nullptr;
            REQUIRE(nat.up(nth_flow(100 + i), 1, 0, kPortal, 53, &t) == UpResult::kCreated);
            slots.insert(t);
        }
        CHECK(slots.size() == 1500);
        CHECK(nat.up(nth_flow(5000), 1, 0, kPortal, 53) == UpResult::kFull);
    }
    rte_rcu_qsbr_thread_unregister(q, 0);
    rte_free(q);
}
