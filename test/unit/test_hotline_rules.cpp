// SPDX-License-Identifier: BSD-3-Clause
// Hotline rules compiled into rte_acl: which rule of a profile decides for a
// packet (priority order, permit/deny entries, every ACE field), profiles and
// directions kept apart, the category counts, errors, and bulk
// classification. ACLs are built as structs (what the config loader produces);
// `text` is what a user would have written.
#include <catch2/catch.hpp>

#include <arpa/inet.h>

#include <random>
#include <string>
#include <vector>

#include "hotline/rules.hpp"
#include "world.hpp"

using namespace haslb;
using config::AceConfig;
using config::AclConfig;
using config::AddrMatch;
using config::Direction;
using config::HotlineRuleConfig;
using config::HotlineRuleType;
using config::PortMatch;
using hotline::Action;
using hotline::kNoRule;
using hotline::ProfileSpec;

namespace {

constexpr uint8_t kIcmp = 1, kTcp = 6, kUdp = 17, kGre = 47;

uint32_t ip(const char* s) {
    in_addr a{};
    REQUIRE(inet_pton(AF_INET, s, &a) == 1);
    return ntohl(a.s_addr);
}

AddrMatch any() {
    return {};
}
AddrMatch host(const char* a) {
    return {ip(a), 32};
}
AddrMatch net(const char* a, uint8_t len) {
    return {ip(a), len};
}

PortMatch port(PortMatch::Op op, uint16_t lo, uint16_t hi = 0) {
    PortMatch m;
    m.op = op;
    m.lo = lo;
    m.hi = hi;
    return m;
}
PortMatch eq(uint16_t p) {
    return port(PortMatch::Op::kEq, p);
}
PortMatch neq(uint16_t p) {
    return port(PortMatch::Op::kNeq, p);
}
PortMatch lt(uint16_t p) {
    return port(PortMatch::Op::kLt, p);
}
PortMatch gt(uint16_t p) {
    return port(PortMatch::Op::kGt, p);
}
PortMatch range(uint16_t lo, uint16_t hi) {
    return port(PortMatch::Op::kRange, lo, hi);
}

AceConfig ace(const std::string& text, bool permit, uint8_t proto, AddrMatch src, AddrMatch dst,
              PortMatch sport = {}, PortMatch dport = {}) {
    AceConfig e;
    e.permit = permit;
    e.proto = proto;
    e.src = src;
    e.dst = dst;
    e.sport = sport;
    e.dport = dport;
    e.text = text;
    return e;
}

AclConfig acl(const std::string& name, std::vector<AceConfig> entries) {
    AclConfig a;
    a.name = name;
    a.entries = std::move(entries);
    return a;
}

// The usual ACLs of the tests below.
AceConfig permit_all() {
    return ace("permit ip any any", true, 0, any(), any());
}
AceConfig permit_web() {
    return ace("permit tcp any any eq 80", true, kTcp, any(), any(), {}, eq(80));
}
AceConfig permit_dns() {
    return ace("permit udp any any eq 53", true, kUdp, any(), any(), {}, eq(53));
}

HotlineRuleConfig rule(HotlineRuleType type, const std::string& acl_name,
                       Direction dir = Direction::kIn) {
    HotlineRuleConfig r;
    r.type = type;
    r.acl = acl_name;
    r.direction = dir;
    return r;
}
HotlineRuleConfig filter(const std::string& acl_name, Direction dir = Direction::kIn) {
    return rule(HotlineRuleType::kFilter, acl_name, dir);
}

struct Pkt {
    uint8_t proto = kTcp;
    const char* src = "10.1.2.3";  // the subscriber's home address
    const char* dst = "203.0.113.10";
    uint16_t sport = 40000, dport = 80;
};

struct Rules {
    std::vector<AclConfig> acls;
    std::vector<ProfileSpec> profiles;
    hotline::RuleTables t;
    std::string err;

    Rules() { REQUIRE(test::eal_up()); }

    ProfileSpec& profile(uint16_t id, const std::string& name,
                         std::vector<HotlineRuleConfig> rules) {
        profiles.push_back(ProfileSpec{id, name, std::move(rules)});
        return profiles.back();
    }
    int try_build() { return hotline::build_rules(profiles, acls, t, err); }
    void build() {
        const int rc = try_build();
        INFO(err);
        REQUIRE(rc == 0);
    }

    static hotline::AclKey key(uint16_t profile, const Pkt& p) {
        return hotline::make_key(profile, p.proto, ip(p.src), ip(p.dst), p.sport, p.dport);
    }
    // Index of the deciding rule (kNoRule if none) for one packet.
    uint32_t decide(uint16_t profile, const Pkt& p, Direction dir = Direction::kIn) const {
        const hotline::AclKey k = key(profile, p);
        const hotline::AclKey* keys[1] = {&k};
        uint32_t out = 0;
        hotline::classify(t, dir, keys, 1, &out);
        return out;
    }
    // Position of the deciding rule inside the profile, -1 if none.
    int pos(uint16_t profile, const Pkt& p, Direction dir = Direction::kIn) const {
        const uint32_t r = decide(profile, p, dir);
        if (r == kNoRule) return -1;
        REQUIRE(r < t.rules.size());
        CHECK(t.rules[r].profile == profile);
        CHECK(t.rules[r].direction == dir);
        return t.rules[r].position;
    }
};

}  // namespace

TEST_CASE("hotline rules: the first rule in priority order whose ACL permits decides",
          "[hotline][rules]") {
    Rules r;
    r.acls = {acl("pass", {ace("permit tcp any host 203.0.113.10 eq 80", true, kTcp, any(),
                               host("203.0.113.10"), {}, eq(80))}),
              acl("web", {permit_web()}), acl("dns", {permit_dns()}), acl("all", {permit_all()})};
    HotlineRuleConfig http = rule(HotlineRuleType::kHttpRedirect, "web");
    http.url = "http://portal.example/topup";
    HotlineRuleConfig nat = rule(HotlineRuleType::kIpRedirect, "dns");
    nat.redirect = ip("198.51.100.53");
    nat.port = 5353;
    r.profile(7, "HOTLINE", {rule(HotlineRuleType::kHttpPass, "pass"), http, nat, filter("all")});
    r.build();

    REQUIRE(r.t.rules.size() == 4);
    CHECK(r.t.ctx[0] != nullptr);
    CHECK(r.t.ctx[1] == nullptr);  // nothing goes out
    CHECK(r.t.categories[0] == 4);
    REQUIRE(r.t.urls.size() == 1);
    CHECK(r.t.urls[0] == "http://portal.example/topup");

    // Web traffic to the pass server is let through before the redirect sees it.
    REQUIRE(r.pos(7, {}) == 0);
    CHECK(r.t.rules[r.decide(7, {})].action == Action::kPass);

    Pkt other_web;
    other_web.dst = "198.51.100.80";
    REQUIRE(r.pos(7, other_web) == 1);
    const hotline::Rule& h = r.t.rules[r.decide(7, other_web)];
    CHECK(h.action == Action::kHttpRedirect);
    CHECK(r.t.urls.at(h.url) == "http://portal.example/topup");

    Pkt dns;
    dns.proto = kUdp;
    dns.dport = 53;
    REQUIRE(r.pos(7, dns) == 2);
    const hotline::Rule& n = r.t.rules[r.decide(7, dns)];
    CHECK(n.action == Action::kIpRedirect);
    CHECK(n.redirect == ip("198.51.100.53"));
    CHECK(n.port == 5353);

    Pkt ssh;
    ssh.dport = 22;
    REQUIRE(r.pos(7, ssh) == 3);
    CHECK(r.t.rules[r.decide(7, ssh)].action == Action::kFilter);
}

TEST_CASE("hotline rules: a deny entry makes its rule not match, so the next rule decides",
          "[hotline][rules]") {
    Rules r;
    r.acls = {acl("web-but-not-portal", {ace("deny tcp any host 203.0.113.10 eq 80", false, kTcp,
                                             any(), host("203.0.113.10"), {}, eq(80)),
                                         permit_web()}),
              acl("all", {permit_all()})};
    r.profile(1, "P", {rule(HotlineRuleType::kHttpRedirect, "web-but-not-portal"), filter("all")});
    r.build();

    Pkt portal;  // denied in rule 0's ACL: the filter decides
    CHECK(r.pos(1, portal) == 1);
    Pkt other = portal;
    other.dst = "203.0.113.11";
    CHECK(r.pos(1, other) == 0);
}

TEST_CASE("hotline rules: a packet no ACL permits matches no rule (implicit deny)",
          "[hotline][rules]") {
    Rules r;
    r.acls = {acl("dns", {permit_dns()})};
    r.profile(1, "P", {filter("dns")});
    r.build();
    CHECK(r.t.categories[0] == 1);  // one rule: no padding to 4

    Pkt dns;
    dns.proto = kUdp;
    dns.dport = 53;
    CHECK(r.pos(1, dns) == 0);
    CHECK(r.pos(1, {}) == -1);  // TCP 80
    dns.dport = 54;
    CHECK(r.pos(1, dns) == -1);
}

TEST_CASE("hotline rules: every ACE field matches as in IOS", "[hotline][rules]") {
    struct Probe {
        Pkt pkt;
        bool match;
    };
    auto pkt = [](uint8_t proto, const char* src, const char* dst, uint16_t sport, uint16_t dport) {
        Pkt p;
        p.proto = proto;
        p.src = src;
        p.dst = dst;
        p.sport = sport;
        p.dport = dport;
        return p;
    };
    const char* s = "10.1.2.3";
    const char* d = "203.0.113.10";
    struct Case {
        AceConfig ace;
        std::vector<Probe> probes;
    };
    using O = PortMatch::Op;
    const std::vector<Case> cases = {
        {permit_all(),
         {{pkt(kTcp, s, d, 1, 2), true},
          {pkt(kUdp, s, d, 1, 2), true},
          {pkt(kIcmp, s, d, 0, 0), true},
          {pkt(kGre, s, d, 0, 0), true}}},
        {ace("permit tcp any any", true, kTcp, any(), any()),
         {{pkt(kTcp, s, d, 1, 2), true},
          {pkt(kUdp, s, d, 1, 2), false},
          {pkt(kIcmp, s, d, 0, 0), false}}},
        {ace("permit udp any any", true, kUdp, any(), any()),
         {{pkt(kUdp, s, d, 1, 2), true}, {pkt(kTcp, s, d, 1, 2), false}}},
        {ace("permit icmp any any", true, kIcmp, any(), any()),
         {{pkt(kIcmp, s, d, 0, 0), true}, {pkt(kTcp, s, d, 0, 0), false}}},
        {ace("permit 47 any any", true, kGre, any(), any()),
         {{pkt(kGre, s, d, 0, 0), true},
          {pkt(kIcmp, s, d, 0, 0), false},
          {pkt(kTcp, s, d, 0, 0), false}}},
        {ace("permit ip host 10.1.2.3 any", true, 0, host("10.1.2.3"), any()),
         {{pkt(kTcp, "10.1.2.3", d, 1, 2), true},
          {pkt(kTcp, "10.1.2.4", d, 1, 2), false},
          {pkt(kTcp, "3.2.1.10", d, 1, 2), false}}},  // byte order
        {ace("permit ip any host 203.0.113.10", true, 0, any(), host("203.0.113.10")),
         {{pkt(kUdp, s, "203.0.113.10", 1, 2), true},
          {pkt(kUdp, s, "203.0.113.11", 1, 2), false},
          {pkt(kUdp, "203.0.113.10", "10.1.2.3", 1, 2), false}}},  // src/dst not swapped
        {ace("permit ip 10.1.0.0 0.0.255.255 any", true, 0, net("10.1.0.0", 16), any()),
         {{pkt(kTcp, "10.1.0.0", d, 1, 2), true},
          {pkt(kTcp, "10.1.255.255", d, 1, 2), true},
          {pkt(kTcp, "10.0.255.255", d, 1, 2), false},
          {pkt(kTcp, "10.2.0.0", d, 1, 2), false}}},
        {ace("permit ip any 203.0.113.0 0.0.0.127", true, 0, any(), net("203.0.113.0", 25)),
         {{pkt(kTcp, s, "203.0.113.0", 1, 2), true},
          {pkt(kTcp, s, "203.0.113.127", 1, 2), true},
          {pkt(kTcp, s, "203.0.113.128", 1, 2), false}}},
        {ace("permit tcp any any eq 80", true, kTcp, any(), any(), {}, eq(80)),
         {{pkt(kTcp, s, d, 40000, 80), true},
          {pkt(kTcp, s, d, 40000, 79), false},
          {pkt(kTcp, s, d, 40000, 81), false},
          {pkt(kTcp, s, d, 80, 40000), false},        // the source port is not the destination's
          {pkt(kTcp, s, d, 40000, 0x5000), false}}},  // 80 byte-swapped
        {ace("permit tcp any any neq 80", true, kTcp, any(), any(), {}, neq(80)),
         {{pkt(kTcp, s, d, 1, 80), false},
          {pkt(kTcp, s, d, 1, 0), true},
          {pkt(kTcp, s, d, 1, 79), true},
          {pkt(kTcp, s, d, 1, 81), true},
          {pkt(kTcp, s, d, 1, 65535), true}}},
        {ace("permit tcp any any neq 0", true, kTcp, any(), any(), {}, neq(0)),
         {{pkt(kTcp, s, d, 1, 0), false}, {pkt(kTcp, s, d, 1, 1), true}}},
        {ace("permit tcp any any lt 1024", true, kTcp, any(), any(), {}, lt(1024)),
         {{pkt(kTcp, s, d, 1, 0), true},
          {pkt(kTcp, s, d, 1, 1023), true},
          {pkt(kTcp, s, d, 1, 1024), false}}},
        {ace("permit tcp any any gt 1023", true, kTcp, any(), any(), {}, gt(1023)),
         {{pkt(kTcp, s, d, 1, 1023), false},
          {pkt(kTcp, s, d, 1, 1024), true},
          {pkt(kTcp, s, d, 1, 65535), true}}},
        {ace("permit udp any any range 5000 5010", true, kUdp, any(), any(), {}, range(5000, 5010)),
         {{pkt(kUdp, s, d, 1, 4999), false},
          {pkt(kUdp, s, d, 1, 5000), true},
          {pkt(kUdp, s, d, 1, 5010), true},
          {pkt(kUdp, s, d, 1, 5011), false}}},
        {ace("permit udp any eq 53 any", true, kUdp, any(), any(), eq(53), {}),
         {{pkt(kUdp, s, d, 53, 1000), true},
          {pkt(kUdp, s, d, 54, 1000), false},
          {pkt(kUdp, s, d, 1000, 53), false}}},
        {ace("permit tcp any neq 80 any neq 443", true, kTcp, any(), any(), neq(80), neq(443)),
         {{pkt(kTcp, s, d, 80, 1000), false},
          {pkt(kTcp, s, d, 1000, 443), false},
          {pkt(kTcp, s, d, 80, 443), false},
          {pkt(kTcp, s, d, 81, 444), true},
          {pkt(kTcp, s, d, 0, 0), true},
          {pkt(kTcp, s, d, 65535, 65535), true}}},
        {ace("permit tcp any lt 1024 any gt 1023", true, kTcp, any(), any(), lt(1024), gt(1023)),
         {{pkt(kTcp, s, d, 1023, 1024), true},
          {pkt(kTcp, s, d, 1024, 1024), false},
          {pkt(kTcp, s, d, 1023, 1023), false}}},
        {ace("permit tcp host 10.1.2.3 range 1000 2000 10.0.0.0 0.255.255.255 eq 8080", true, kTcp,
             host("10.1.2.3"), net("10.0.0.0", 8), range(1000, 2000), eq(8080)),
         {{pkt(kTcp, "10.1.2.3", "10.200.0.1", 1500, 8080), true},
          {pkt(kUdp, "10.1.2.3", "10.200.0.1", 1500, 8080), false},
          {pkt(kTcp, "10.1.2.4", "10.200.0.1", 1500, 8080), false},
          {pkt(kTcp, "10.1.2.3", "11.200.0.1", 1500, 8080), false},
          {pkt(kTcp, "10.1.2.3", "10.200.0.1", 999, 8080), false},
          {pkt(kTcp, "10.1.2.3", "10.200.0.1", 1500, 8081), false}}},
        // Ports written on a non-TCP/UDP entry mean nothing: such keys carry none.
        {ace("permit ip any any (ports set)", true, 0, any(), any(), port(O::kEq, 1), eq(80)),
         {{pkt(kTcp, s, d, 2, 81), true}, {pkt(kUdp, s, d, 2, 81), true}}},
        {ace("permit icmp any any (ports set)", true, kIcmp, any(), any(), {}, eq(80)),
         {{pkt(kIcmp, s, d, 0, 0), true}}},
        {ace("deny ip any any", false, 0, any(), any()), {{pkt(kTcp, s, d, 1, 80), false}}},
    };

    // One profile per case, all in one build: the profile field keeps them apart.
    Rules r;
    for (size_t i = 0; i < cases.size(); i++) {
        const std::string name = "acl" + std::to_string(i);
        r.acls.push_back(acl(name, {cases[i].ace}));
        r.profile(uint16_t(i + 1), "P" + std::to_string(i), {filter(name)});
    }
    r.build();
    for (size_t i = 0; i < cases.size(); i++) {
        for (const Probe& p : cases[i].probes) {
            INFO(cases[i].ace.text << " <- proto " << int(p.pkt.proto) << " " << p.pkt.src << ":"
                                   << p.pkt.sport << " -> " << p.pkt.dst << ":" << p.pkt.dport);
            CHECK(r.pos(uint16_t(i + 1), p.pkt) == (p.match ? 0 : -1));
        }
    }
}

TEST_CASE("hotline rules: inside an ACL the first written matching entry wins",
          "[hotline][rules]") {
    Rules r;
    r.acls = {
        acl("deny-first",
            {ace("deny tcp any host 203.0.113.10", false, kTcp, any(), host("203.0.113.10")),
             ace("permit tcp any any", true, kTcp, any(), any())}),
        acl("permit-first",
            {ace("permit tcp any any", true, kTcp, any(), any()),
             ace("deny tcp any host 203.0.113.10", false, kTcp, any(), host("203.0.113.10"))}),
        acl("all", {permit_all()}),
    };
    // Entry i covers ports [1000, 1000 + i] and is a permit when i % 3 == 0:
    // every port p is decided by entry p - 1000 although later ones overlap.
    AclConfig ladder;
    ladder.name = "ladder";
    for (uint16_t i = 0; i < 200; i++) {
        const bool permit = i % 3 == 0;
        const std::string text = std::string(permit ? "permit" : "deny") +
                                 " udp any any range 1000 " + std::to_string(1000 + i);
        ladder.entries.push_back(
            ace(text, permit, kUdp, any(), any(), {}, range(1000, uint16_t(1000 + i))));
    }
    r.acls.push_back(ladder);
    r.profile(1, "DENY_FIRST", {filter("deny-first"), filter("all")});
    r.profile(2, "PERMIT_FIRST", {filter("permit-first"), filter("all")});
    r.profile(3, "LADDER", {filter("ladder"), filter("all")});
    r.build();

    Pkt to10, to11;
    to11.dst = "203.0.113.11";
    CHECK(r.pos(1, to10) == 1);  // denied by entry 1 -> next rule
    CHECK(r.pos(1, to11) == 0);
    CHECK(r.pos(2, to10) == 0);  // entry 1 permits before entry 2 could deny
    CHECK(r.pos(2, to11) == 0);

    for (uint16_t p = 1000; p < 1200; p++) {
        Pkt u;
        u.proto = kUdp;
        u.dport = p;
        INFO("udp port " << p);
        CHECK(r.pos(3, u) == ((p - 1000) % 3 == 0 ? 0 : 1));
    }
}

TEST_CASE("hotline rules: profiles with different rules stay apart", "[hotline][rules]") {
    Rules r;
    r.acls = {acl("web", {permit_web()}), acl("dns", {permit_dns()}), acl("all", {permit_all()})};
    // Ids whose bytes are each other's swapped: a byte-order slip would mix them.
    HotlineRuleConfig http = rule(HotlineRuleType::kHttpRedirect, "web");
    http.url = "http://a.example/";
    r.profile(0x0102, "A", {http});
    r.profile(0x0201, "B", {filter("all")});
    HotlineRuleConfig http_c = http;
    http_c.url = "http://c.example/";
    r.profile(3, "C", {filter("dns"), http_c});
    http.acl = "all";  // same URL as A: stored once
    r.profile(4, "D", {http});
    r.build();
    CHECK(r.t.urls.size() == 2);

    Pkt web, dns;
    dns.proto = kUdp;
    dns.dport = 53;
    CHECK(r.pos(0x0102, web) == 0);
    CHECK(r.pos(0x0102, dns) == -1);
    CHECK(r.pos(0x0201, web) == 0);
    CHECK(r.t.rules[r.decide(0x0201, web)].action == Action::kFilter);
    CHECK(r.pos(0x0201, dns) == 0);
    // C's web rule is its second: category 1, where A has nothing.
    CHECK(r.pos(3, web) == 1);
    CHECK(r.t.urls.at(r.t.rules[r.decide(3, web)].url) == "http://c.example/");
    CHECK(r.pos(3, dns) == 0);
    CHECK(r.t.urls.at(r.t.rules[r.decide(4, dns)].url) == "http://a.example/");
    // No profile, or one that is not in the tables: nothing matches.
    CHECK(r.pos(hotline::kNoProfile, web) == -1);
    CHECK(r.pos(5, web) == -1);
    CHECK(r.pos(0x0103, web) == -1);
}

TEST_CASE("hotline rules: 9 rules take 12 categories, 16 rules take 16", "[hotline][rules]") {
    // Rule k permits UDP ports below 1001 + k, so every later rule also
    // permits port 1000 + k and only the category order picks rule k.
    auto profile_of = [](Rules& r, uint16_t id, size_t n) {
        std::vector<HotlineRuleConfig> rules;
        for (size_t k = 0; k < n; k++) {
            const std::string name = "lt" + std::to_string(1001 + k);
            bool have = false;  // profiles share the ACLs
            for (const AclConfig& a : r.acls) have |= a.name == name;
            if (!have)
                r.acls.push_back(acl(name, {ace("permit udp any any lt " + name.substr(2), true,
                                                kUdp, any(), any(), {}, lt(uint16_t(1001 + k)))}));
            rules.push_back(filter(name));
        }
        r.profile(id, "P" + std::to_string(id), rules);
    };
    auto udp = [](uint16_t dport) {
        Pkt p;
        p.proto = kUdp;
        p.dport = dport;
        return p;
    };

    SECTION("9") {
        Rules r;
        profile_of(r, 1, 9);
        r.build();
        CHECK(r.t.categories[0] == 12);
        CHECK(r.pos(1, udp(999)) == 0);
        for (uint16_t k = 0; k < 9; k++) CHECK(r.pos(1, udp(uint16_t(1000 + k))) == k);
        CHECK(r.pos(1, udp(1009)) == -1);
    }
    SECTION("9 and 16") {
        Rules r;
        profile_of(r, 1, 9);
        profile_of(r, 2, 16);
        r.build();
        CHECK(r.t.categories[0] == 16);
        CHECK(r.t.rules.size() == 25);
        for (uint16_t k = 0; k < 16; k++) {
            INFO("port " << 1000 + k);
            CHECK(r.pos(2, udp(uint16_t(1000 + k))) == k);
            CHECK(r.pos(1, udp(uint16_t(1000 + k))) == (k < 9 ? k : -1));
        }
        CHECK(r.pos(2, udp(1016)) == -1);
    }
}

TEST_CASE("hotline rules: the out direction is classified apart from the in direction",
          "[hotline][rules]") {
    Rules r;
    r.acls = {acl("web", {permit_web()}), acl("dns", {permit_dns()})};
    r.profile(1, "P",
              {filter("web"), filter("dns", Direction::kOut), filter("web", Direction::kOut)});
    r.profile(2, "IN_ONLY", {filter("dns")});
    r.build();
    REQUIRE(r.t.ctx[0] != nullptr);
    REQUIRE(r.t.ctx[1] != nullptr);
    CHECK(r.t.categories[0] == 1);
    CHECK(r.t.categories[1] == 4);  // positions 1 and 2 of the profile

    Pkt web, dns;
    dns.proto = kUdp;
    dns.dport = 53;
    CHECK(r.pos(1, web) == 0);
    CHECK(r.pos(1, dns) == -1);
    CHECK(r.pos(1, dns, Direction::kOut) == 1);
    CHECK(r.pos(1, web, Direction::kOut) == 2);
    CHECK(r.pos(2, dns) == 0);
    CHECK(r.pos(2, dns, Direction::kOut) == -1);
}

TEST_CASE("hotline rules: directions without rules match nothing", "[hotline][rules]") {
    Pkt web;
    const hotline::AclKey k = Rules::key(1, web);
    const hotline::AclKey* keys[3] = {&k, &k, &k};
    uint32_t out[3] = {0, 0, 0};

    SECTION("no profile at all") {
        Rules r;
        r.build();
        CHECK(r.t.ctx[0] == nullptr);
        CHECK(r.t.ctx[1] == nullptr);
        hotline::classify(r.t, Direction::kIn, keys, 3, out);
        for (uint32_t v : out) CHECK(v == kNoRule);
    }
    SECTION("only inbound rules") {
        Rules r;
        r.acls = {acl("web", {permit_web()})};
        r.profile(1, "P", {filter("web")});
        r.build();
        CHECK(r.t.ctx[1] == nullptr);
        hotline::classify(r.t, Direction::kOut, keys, 3, out);
        for (uint32_t v : out) CHECK(v == kNoRule);
        hotline::classify(r.t, Direction::kIn, keys, 3, out);
        for (uint32_t v : out) CHECK(v == 0);
    }
    SECTION("an ACL without entries") {
        Rules r;
        r.acls = {acl("empty", {})};
        r.profile(1, "P", {filter("empty")});
        r.build();
        CHECK(r.t.rules.size() == 1);
        hotline::classify(r.t, Direction::kIn, keys, 3, out);
        for (uint32_t v : out) CHECK(v == kNoRule);
    }
}

TEST_CASE("hotline rules: configuration errors name the profile and the rule", "[hotline][rules]") {
    Rules r;
    r.acls = {acl("web", {permit_web()})};
    r.profile(9, "OK", {filter("web")});
    r.build();
    const rte_acl_ctx* before = r.t.ctx[0];

    SECTION("unknown ACL") {
        r.profile(1, "HOT", {filter("web"), filter("nope")});
        CHECK(r.try_build() == -ENOENT);
        CHECK(r.err == "profile HOT rule 2: no ACL named nope");
    }
    SECTION("more than 16 rules") {
        r.profile(1, "BIG", std::vector<HotlineRuleConfig>(17, filter("web")));
        CHECK(r.try_build() == -E2BIG);
        CHECK(r.err.find("profile BIG") == 0);
    }
    SECTION("profile id 0 or twice") {
        r.profile(1, "A", {filter("web")});
        r.profile(hotline::kNoProfile, "ZERO", {filter("web")});
        CHECK(r.try_build() == -EINVAL);
        CHECK(r.err.find("profile ZERO") == 0);
        r.profiles.back().id = 1;
        CHECK(r.try_build() == -EINVAL);
        CHECK(r.err.find("profile ZERO") == 0);
    }
    // A failed build leaves the tables as they were.
    CHECK(r.t.ctx[0] == before);
    CHECK(r.t.rules.size() == 1);
    CHECK(r.pos(9, Pkt{}) == 0);
}

TEST_CASE("hotline rules: a bulk of 64 mixed keys classifies as 64 single keys",
          "[hotline][rules]") {
    Rules r;
    r.acls = {acl("web-not-portal", {ace("deny tcp any host 203.0.113.10 eq 80", false, kTcp, any(),
                                         host("203.0.113.10"), {}, eq(80)),
                                     permit_web()}),
              acl("web", {permit_web()}),
              acl("dns", {permit_dns()}),
              acl("subnet", {ace("permit ip 10.1.0.0 0.0.255.255 203.0.113.0 0.0.0.127", true, 0,
                                 net("10.1.0.0", 16), net("203.0.113.0", 25))}),
              acl("icmp", {ace("permit icmp any any", true, kIcmp, any(), any())}),
              acl("all", {permit_all()})};
    HotlineRuleConfig http = rule(HotlineRuleType::kHttpRedirect, "web-not-portal");
    http.url = "http://portal.example/";
    HotlineRuleConfig nat = rule(HotlineRuleType::kIpRedirect, "dns");
    nat.redirect = ip("198.51.100.53");
    r.profile(1, "A", {rule(HotlineRuleType::kHttpPass, "subnet"), http, nat, filter("icmp")});
    r.profile(2, "B", {http, filter("all")});
    r.profile(3, "C", {nat, filter("web"), filter("subnet"), filter("all", Direction::kOut)});
    r.build();

    std::mt19937 rng(12345);
    auto pick = [&rng](auto const& v) { return v[rng() % v.size()]; };
    const std::vector<uint16_t> profiles = {1, 2, 3, 4};
    const std::vector<uint8_t> protos = {kIcmp, kTcp, kUdp, kGre};
    const std::vector<const char*> srcs = {"10.1.2.3", "10.2.0.1"};
    const std::vector<const char*> dsts = {"203.0.113.10", "203.0.113.11", "203.0.113.200"};
    const std::vector<uint16_t> ports = {53, 80, 443, 40000};
    for (Direction dir : {Direction::kIn, Direction::kOut}) {
        for (int round = 0; round < 20; round++) {
            hotline::AclKey keys[64];
            const hotline::AclKey* ptrs[64];
            for (int i = 0; i < 64; i++) {
                Pkt p;
                p.proto = pick(protos);
                p.src = pick(srcs);
                p.dst = pick(dsts);
                const bool l4 = p.proto == kTcp || p.proto == kUdp;
                p.sport = l4 ? pick(ports) : 0;
                p.dport = l4 ? pick(ports) : 0;
                keys[i] = Rules::key(pick(profiles), p);
                ptrs[i] = &keys[i];
            }
            uint32_t bulk[64];
            hotline::classify(r.t, dir, ptrs, 64, bulk);
            int matched = 0;
            for (int i = 0; i < 64; i++) {
                uint32_t one = 0;
                hotline::classify(r.t, dir, &ptrs[i], 1, &one);
                INFO("round " << round << " key " << i);
                CHECK(bulk[i] == one);
                matched += one != kNoRule;
            }
            CHECK(matched > 0);   // the mix hits rules ...
            CHECK(matched < 64);  // ... and misses them
        }
    }
}
