// SPDX-License-Identifier: BSD-3-Clause
// Hotlining in-process: the subscriber model (console/RADIUS front-ends call
// these functions), the hotline stage through the real pipeline with the
// world of test/support/hotline_world.hpp, translations across profile
// changes, Session-Timeout with a fake clock, bindings from the SLB module,
// and reload rules.
#include <catch2/catch.hpp>

#include <netinet/in.h>
#include <rte_ip.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include <algorithm>

#include "core/counters.hpp"
#include "frames.hpp"
#include "hotline/dp.hpp"
#include "hotline/hotline.hpp"
#include "hotline_world.hpp"
#include "net/headers.hpp"
#include "world.hpp"

using namespace haslb;
using core::Drop;
using core::Stat;
using core::Verdict;

namespace {

const std::string kAlice = "alice@example.com", kDave = "dave@example.com";
const std::string kAliceIp = "198.51.100.77", kDaveIp = "198.51.100.80";
const std::string kSrv = "203.0.113.10", kPortal = "203.0.113.20";

struct Hot {
    test::World w;
    explicit Hot(uint32_t max_translations = 1024) {
        REQUIRE(w.ok());
        std::string err;
        INFO(err);
        REQUIRE(test::setup_hotline(err, max_translations) == 0);
        core::reset_counters();
    }
    ~Hot() { hotline::hotline_fini(); }

    // One TCP segment from a subscriber (farm side) to dst:dport.
    core::Burst up_tcp(const std::string& src, const std::string& dst, uint16_t sport,
                       uint16_t dport, uint8_t flags = RTE_TCP_SYN_FLAG) {
        test::Ipv4Spec s;
        s.src_mac = "02:00:00:00:0d:4d";
        s.dst_mac = "02:00:00:00:02:01";
        s.src = src;
        s.dst = dst;
        s.proto = IPPROTO_TCP;
        test::Bytes tcp(20, 0);
        tcp[0] = uint8_t(sport >> 8), tcp[1] = uint8_t(sport);
        tcp[2] = uint8_t(dport >> 8), tcp[3] = uint8_t(dport);
        tcp[12] = 5 << 4;
        tcp[13] = flags;
        tcp[14] = 0x20;
        s.l4 = tcp;
        return w.run(1, {test::ipv4(s)});
    }
    // The destination address and port of a transmitted TCP frame.
    static std::pair<std::string, uint16_t> dst_of(core::Burst& b) {
        const test::Bytes f = test::World::bytes(b.pkts[0]);
        char buf[16];
        snprintf(buf, sizeof buf, "%u.%u.%u.%u", f[30], f[31], f[32], f[33]);
        return {buf, uint16_t(f[36] << 8 | f[37])};
    }
    uint64_t translations() { return hotline::nat_summary().total; }
};

hotline::UserView user(const std::string& nai) {
    const auto v = hotline::user_views(nai);
    REQUIRE(v.size() == 1);
    return v[0];
}

}  // namespace

TEST_CASE("configured subscribers get their profiles", "[hotline][model]") {
    Hot h;
    CHECK(user(kAlice).state == "hotlined");
    CHECK(user(kAlice).profile == "REDIR");
    CHECK(user(kDave).state == "normal");
    CHECK(user(kDave).profile.empty());
    CHECK(user("carol@visitor.example").profile == "@visitor.example");
    const hotline::Summary s = hotline::summary();
    CHECK(s.subscribers == 6);
    CHECK(s.addresses == 6);
    CHECK(s.hotlined == 4);
    CHECK(s.profile_based == 4);
    CHECK(s.rule_based == 0);
}

TEST_CASE("a profile change keeps only the translations the new profile still redirects",
          "[hotline][model][nat]") {
    Hot h;
    core::Burst b = h.up_tcp(kAliceIp, kSrv, 40000, 80);
    REQUIRE(b.verdict[0] == Verdict::kTx);
    CHECK(Hot::dst_of(b) == std::pair<std::string, uint16_t>{kPortal, 8081});
    h.w.release(b);
    REQUIRE(h.translations() == 1);
    std::string msg;
    // Same profile again: same rules, the translation stays.
    REQUIRE(hotline::apply_profile(kAlice, "REDIR", 0, msg) == 0);
    CHECK(h.translations() == 1);
    // FILTER redirects nothing: the translation goes.
    REQUIRE(hotline::apply_profile(kAlice, "FILTER", 0, msg) == 0);
    CHECK(h.translations() == 0);
    b = h.up_tcp(kAliceIp, kSrv, 40000, 80);
    CHECK(b.verdict[0] == Verdict::kDrop);
    CHECK(core::total_drop(Drop::hotline_filtered) == 1);
    h.w.release(b);
    // Back to normal: routed untouched.
    REQUIRE(hotline::set_normal(kAlice, msg) == 0);
    b = h.up_tcp(kAliceIp, kSrv, 40000, 80);
    REQUIRE(b.verdict[0] == Verdict::kTx);
    CHECK(Hot::dst_of(b) == std::pair<std::string, uint16_t>{kSrv, 80});
    h.w.release(b);
    const hotline::Summary s = hotline::summary();
    CHECK(s.active_reconciled == 1);
}

TEST_CASE("profiles and subscribers: errors the operator sees", "[hotline][model]") {
    Hot h;
    std::string msg;
    CHECK(hotline::apply_profile(kAlice, "NOPE", 0, msg) == -ENOENT);
    CHECK(msg == "no hotline profile named NOPE");
    CHECK(hotline::set_normal("nobody@x", msg) == -ENOENT);
    CHECK(hotline::add_address(kDave, test::ip4(kAliceIp), msg) == -EEXIST);
    CHECK(msg == "198.51.100.77 is a home address of alice@example.com");
    CHECK(hotline::remove_address(kDave, test::ip4("198.51.100.99"), msg) == -ENOENT);
    CHECK(hotline::apply_profile(std::string(73, 'x'), "REDIR", 0, msg) == -EINVAL);
}

TEST_CASE("new-session hotlining applies when the binding appears", "[hotline][model]") {
    Hot h;
    std::string msg;
    REQUIRE(hotline::apply_profile("zoe@example.com", "FILTER", 0, msg) == 0);
    CHECK(msg.find("applies when its binding appears") != std::string::npos);
    CHECK(user("zoe@example.com").addresses.empty());
    hotline::binding_changed("zoe@example.com", test::ip4("198.51.100.90"), true);
    CHECK(user("zoe@example.com").bindings == 1);
    CHECK(hotline::summary().new_hotlined == 1);
    core::Burst b = h.up_tcp("198.51.100.90", kSrv, 1000, 80);
    CHECK(b.verdict[0] == Verdict::kDrop);
    h.w.release(b);
    // The binding goes: the hotline state stays for the next session.
    hotline::binding_changed("zoe@example.com", test::ip4("198.51.100.90"), false);
    CHECK(user("zoe@example.com").state == "hotlined");
    b = h.up_tcp("198.51.100.90", kSrv, 1000, 80);
    CHECK(b.verdict[0] == Verdict::kTx);  // no longer a subscriber's address
    h.w.release(b);
}

TEST_CASE("a normal subscriber without state is forgotten with its last binding",
          "[hotline][model]") {
    Hot h;
    hotline::binding_changed("yan@example.com", test::ip4("198.51.100.91"), true);
    CHECK(hotline::user_views("yan@example.com").size() == 1);
    hotline::binding_changed("yan@example.com", test::ip4("198.51.100.91"), false);
    CHECK(hotline::user_views("yan@example.com").empty());
}

TEST_CASE("an address that moves to another NAI leaves the first subscriber", "[hotline][model]") {
    Hot h;
    hotline::binding_changed("old@example.com", test::ip4("198.51.100.92"), true);
    hotline::binding_changed("new@example.com", test::ip4("198.51.100.92"), true);
    CHECK(hotline::user_views("old@example.com").empty());
    CHECK(user("new@example.com").addresses == std::vector<std::string>{"198.51.100.92"});
}

TEST_CASE("Session-Timeout ends the session: traffic dropped until normal", "[hotline][model]") {
    Hot h;
    std::string msg;
    REQUIRE(hotline::apply_profile(kDave, "REDIR", 30, msg) == 0);
    const uint32_t now = hotline::now_s();
    CHECK(user(kDave).session_timeout_s == 30);
    hotline::tick(now + 29);
    CHECK(user(kDave).state == "hotlined");
    hotline::tick(now + 31);
    CHECK(user(kDave).state == "ended");
    CHECK(hotline::summary().timed_out == 1);
    core::Burst b = h.up_tcp(kDaveIp, kSrv, 1000, 80);
    CHECK(b.verdict[0] == Verdict::kDrop);
    CHECK(core::total_drop(Drop::hotline_session_ended) == 1);
    h.w.release(b);
    REQUIRE(hotline::set_normal(kDave, msg) == 0);
    b = h.up_tcp(kDaveIp, kSrv, 1000, 80);
    CHECK(b.verdict[0] == Verdict::kTx);
    h.w.release(b);
}

TEST_CASE("every state change has a new Accounting-Session-Id", "[hotline][model]") {
    Hot h;
    std::string msg;
    const std::string a = user(kDave).acct_session_id;
    REQUIRE(hotline::apply_profile(kDave, "REDIR", 0, msg) == 0);
    const std::string b = user(kDave).acct_session_id;
    REQUIRE(hotline::set_normal(kDave, msg) == 0);
    const std::string c = user(kDave).acct_session_id;
    CHECK(a.size() == 16);
    CHECK(a != b);
    CHECK(b != c);
    CHECK(a != c);
}

TEST_CASE("translations expire through the model's tick", "[hotline][nat]") {
    Hot h;
    core::Burst b = h.up_tcp(kAliceIp, kSrv, 40001, 80);  // SYN: 30 s by default
    h.w.release(b);
    REQUIRE(h.translations() == 1);
    const uint32_t now = hotline::now_s();
    hotline::tick(now + 29);
    CHECK(h.translations() == 1);
    hotline::tick(now + 31);
    CHECK(h.translations() == 0);
    std::string msg;
    b = h.up_tcp(kAliceIp, kSrv, 40002, 80);
    h.w.release(b);
    REQUIRE(hotline::clear_translations(msg) == 0);
    CHECK(msg == "1 translations cleared");
    CHECK(h.translations() == 0);
}

TEST_CASE("HTTP redirect rules answer the SYN; the portal passes; the rest is filtered",
          "[hotline][http]") {
    Hot h;
    const std::string erin = "198.51.100.81";
    core::Burst b = h.up_tcp(erin, kSrv, 40000, 80);
    REQUIRE(b.verdict[0] == Verdict::kTx);
    const test::Bytes f = test::World::bytes(b.pkts[0]);
    h.w.release(b);
    // back to erin, from srv:80, SYN+ACK
    CHECK(f[30] == 198);
    CHECK(f[33] == 81);
    CHECK(f[26] == 203);
    CHECK((f[34] << 8 | f[35]) == 80);
    CHECK(f[47] == (RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG));
    CHECK(core::total_stat(Stat::http_syn_answered) == 1);
    b = h.up_tcp(erin, kPortal, 40001, 8080);
    REQUIRE(b.verdict[0] == Verdict::kTx);
    CHECK(Hot::dst_of(b) == std::pair<std::string, uint16_t>{kPortal, 8080});
    h.w.release(b);
    b = h.up_tcp(erin, kSrv, 40002, 443);
    CHECK(b.verdict[0] == Verdict::kDrop);
    h.w.release(b);
    const auto prof = hotline::profile_views("HTTP");
    REQUIRE(prof.size() == 1);
    CHECK(prof[0].http_redirected == 1);
    CHECK(prof[0].passed == 1);
    CHECK(prof[0].filtered == 1);
}

TEST_CASE("reload refuses to remove a profile in use and keeps everything", "[hotline][reload]") {
    Hot h;
    config::Config cur, next;
    cur.hotline.max_subscribers = next.hotline.max_subscribers = 1024;
    cur.hotline.nat.max_translations = next.hotline.nat.max_translations = 1024;
    config::HotlineProfileConfig p;
    p.name = "OTHER";
    config::HotlineRuleConfig r;
    r.type = config::HotlineRuleType::kFilter;
    r.acl = "all";
    p.rules = {r};
    next.hotline.profiles = {p};
    config::AclConfig all;
    all.name = "all";
    config::AceConfig ace;
    all.entries = {ace};
    next.acls = {all};
    std::string msg;
    CHECK(hotline::reload(cur, next, false, msg) == -EBUSY);
    CHECK(msg.find("is in use by subscriber") != std::string::npos);
    CHECK(user(kAlice).profile == "REDIR");
    next.hotline.max_subscribers = 2048;
    CHECK(hotline::reload(cur, next, false, msg) == -EINVAL);
}
