// SPDX-License-Identifier: BSD-3-Clause
// The hotline group (seed 004): every value of a full config, the defaults,
// the priority order of rules, and one test per validation rule and
// cross-check, each asserting the file, line, key and message of the error.
#include <catch2/catch.hpp>

#include <string>
#include <tuple>

#include "config_helpers.hpp"

using namespace haslb::config;
using namespace haslb::config::test;
namespace fs = std::filesystem;

namespace {

using Type = HotlineRuleType;

// Two ports, ACLs "web" and "all", then `hotline = {` on line 7; the first
// line of `body` (after its leading newline) is line 8.
Result hotline(std::string_view body) {
    return load_text(std::string(R"(
ports = (
  { name = "access"; device = "net_tap0"; address = "192.0.2.1/24"; },
  { name = "core"; device = "net_tap1"; address = "203.0.113.1/24"; }
);
acls = ( { name = "web"; entries = ( "permit tcp any any eq www" ); },
         { name = "all"; entries = ( "permit ip any any" ); } );
hotline = {)") + std::string(body) +
                     "\n};");
}

// One profile "P" on line 8 whose rules are `rules` from line 10.
Result rules(const std::string& rules) {
    return hotline("\nprofiles = ( { name = \"P\";\n  rules = (\n" + rules + "\n  ); } );");
}

// One rule on line 10.
Result rule(const std::string& r) {
    return rules(r);
}

std::string rule_key(const char* name, int i = 0) {
    return "hotline.profiles.[0].rules.[" + std::to_string(i) + "]." + name;
}

// `non_hotline = (` on line 8, one entry with `realm` and `rules = (` on
// line 9, `rules` from line 10.
Result non_hotline(const std::string& rules, const std::string& realm = "@example.com") {
    return hotline("\nnon_hotline = (\n  { realm = \"" + realm + "\"; rules = (\n" + rules +
                   "\n  ); } );");
}

// `realms = (` on line 8, `entries` from line 9.
Result realms(const std::string& entries) {
    return hotline("\nrealms = (\n" + entries + "\n);");
}

// `subscribers = (` on line 8, `entries` from line 9.
Result subscribers(const std::string& entries) {
    return hotline("\nsubscribers = (\n" + entries + "\n);");
}

// `nat = {` on line 8, `kv` on line 9.
Result nat(const std::string& kv) {
    return hotline("\nnat = {\n" + kv + "\n};");
}

}  // namespace

// ---------------------------------------------------------------- values and defaults

TEST_CASE("every hotline value of a full config is parsed", "[config][hotline]") {
    const fs::path file = data_dir() / "good/hotline.conf";
    Result r = load_file(file);
    expect_ok(r);
    const HotlineConfig& h = r.cfg.hotline;
    CHECK(h.max_subscribers == 1024);
    CHECK(h.nat.max_translations == 16777216);
    CHECK(h.nat.tcp_s == 86400);
    CHECK(h.nat.tcp_fin_s == 1);
    CHECK(h.nat.tcp_syn_s == 2);
    CHECK(h.nat.tcp_nosynack_s == 3);
    CHECK(h.nat.udp_s == 4);
    CHECK(h.nat.icmp_s == 5000);

    REQUIRE(h.profiles.size() == 2);
    const HotlineProfileConfig& p = h.profiles[0];
    CHECK(p.name == "ht-prof1");
    CHECK(p.origin.file == file.string());
    CHECK(p.origin.line == 22);
    // Written filter, ip-redirect, http-redirect, filter, http-pass; kept in
    // the seed's priority order, config order within a type.
    REQUIRE(p.rules.size() == 5);
    const HotlineRuleConfig& pass = p.rules[0];
    CHECK(pass.type == Type::kHttpPass);
    CHECK(pass.acl == "portal");
    CHECK(pass.direction == Direction::kIn);
    CHECK(pass.index == 4);
    CHECK(pass.origin.line == 29);
    const HotlineRuleConfig& http = p.rules[1];
    CHECK(http.type == Type::kHttpRedirect);
    CHECK(http.acl == "web");
    CHECK(http.url == "https://portal.example/hotline?id=1");
    CHECK(http.index == 2);
    CHECK(http.origin.line == 27);
    const HotlineRuleConfig& ip = p.rules[2];
    CHECK(ip.type == Type::kIpRedirect);
    CHECK(ip.acl == "dns");
    CHECK(format_ipv4(ip.redirect) == "203.0.113.53");
    CHECK(ip.port == 5353);
    CHECK(ip.direction == Direction::kIn);
    CHECK(ip.index == 1);
    CHECK(ip.origin.line == 25);
    const HotlineRuleConfig& out = p.rules[3];
    CHECK(out.type == Type::kFilter);
    CHECK(out.acl == "all");
    CHECK(out.direction == Direction::kOut);
    CHECK(out.index == 0);
    CHECK(out.origin.file == file.string());
    CHECK(out.origin.line == 24);
    const HotlineRuleConfig& in = p.rules[4];
    CHECK(in.type == Type::kFilter);
    CHECK(in.acl == "101");
    CHECK(in.direction == Direction::kIn);
    CHECK(in.index == 3);
    const HotlineProfileConfig& q = h.profiles[1];
    CHECK(q.name == "cisco.v2_x-1");
    CHECK(q.origin.line == 31);
    REQUIRE(q.rules.size() == 1);
    CHECK(format_ipv4(q.rules[0].redirect) == "198.51.100.80");
    CHECK(q.rules[0].port == 0);

    REQUIRE(h.non_hotline.size() == 2);
    CHECK(h.non_hotline[0].realm == "@example.com");
    CHECK(h.non_hotline[0].origin.line == 35);
    REQUIRE(h.non_hotline[0].rules.size() == 1);
    CHECK(h.non_hotline[0].rules[0].type == Type::kIpRedirect);
    CHECK(h.non_hotline[0].rules[0].acl == "web");
    CHECK(format_ipv4(h.non_hotline[0].rules[0].redirect) == "203.0.113.80");
    CHECK(h.non_hotline[0].rules[0].port == 8080);
    CHECK(h.non_hotline[1].realm == "bob@example.net");
    REQUIRE(h.non_hotline[1].rules.size() == 2);
    CHECK(h.non_hotline[1].rules[0].acl == "dns");
    CHECK(h.non_hotline[1].rules[0].port == 0);
    CHECK(h.non_hotline[1].rules[1].acl == "all");
    CHECK(h.non_hotline[1].rules[1].port == 65535);
    CHECK(h.non_hotline[1].rules[1].index == 1);
    CHECK(h.non_hotline[1].rules[1].origin.line == 39);

    REQUIRE(h.realms.size() == 3);
    CHECK(h.realms[0].realm == "@example.com");
    CHECK(h.realms[0].capability == kCapAll);
    CHECK(h.realms[0].origin.line == 42);
    CHECK(h.realms[1].realm == "mip1@cisco.com");
    CHECK(h.realms[1].capability == (kCapProfile | kCapIpRedirect));
    CHECK(h.realms[2].realm == "@example.net");
    CHECK(h.realms[2].capability == (kCapIpFilter | kCapHttpRedirect));

    REQUIRE(h.subscribers.size() == 3);
    const SubscriberConfig& a = h.subscribers[0];
    CHECK(a.nai == "alice@example.com");
    REQUIRE(a.addresses.size() == 2);
    CHECK(format_ipv4(a.addresses[0]) == "10.10.0.1");
    CHECK(format_ipv4(a.addresses[1]) == "10.10.0.2");
    CHECK(a.profile == "ht-prof1");
    CHECK(a.session_timeout_s == 4294967295u);
    CHECK(a.origin.file == file.string());
    CHECK(a.origin.line == 47);
    const SubscriberConfig& b = h.subscribers[1];
    CHECK(b.nai == "bob@example.net");
    REQUIRE(b.addresses.size() == 1);
    CHECK(format_ipv4(b.addresses[0]) == "192.0.2.77");  // on a port subnet: fine
    CHECK(b.profile.empty());
    CHECK(b.session_timeout_s == 300);
    const SubscriberConfig& c = h.subscribers[2];
    CHECK(c.nai == "carol");
    CHECK(c.addresses.empty());
    CHECK(c.session_timeout_s == 0);
    CHECK(c.origin.line == 50);
}

TEST_CASE("hotline defaults", "[config][hotline]") {
    auto check_defaults = [](const HotlineConfig& h) {
        CHECK(h.profiles.empty());
        CHECK(h.non_hotline.empty());
        CHECK(h.realms.empty());
        CHECK(h.subscribers.empty());
        CHECK(h.max_subscribers == 1048576);
        CHECK(h.nat.max_translations == 1048576);
        // Seed 004's NAT translation timeouts.
        CHECK(h.nat.tcp_s == 60);
        CHECK(h.nat.tcp_fin_s == 30);
        CHECK(h.nat.tcp_syn_s == 30);
        CHECK(h.nat.tcp_nosynack_s == 20);
        CHECK(h.nat.udp_s == 30);
        CHECK(h.nat.icmp_s == 5);
    };
    SECTION("no hotline group") {
        Result r = load_text(kPort);
        expect_ok(r);
        check_defaults(r.cfg.hotline);
    }
    SECTION("an empty hotline group and an empty nat group") {
        Result r = hotline("\nnat = { };");
        expect_ok(r);
        check_defaults(r.cfg.hotline);
    }
    SECTION("only the required keys of each rule type") {
        Result r = rules(R"({ type = "http-pass"; acl = "web"; },
{ type = "http-redirect"; acl = "web"; url = "http://p/"; },
{ type = "ip-redirect"; acl = "web"; redirect = "198.51.100.80"; },
{ type = "filter"; acl = "all"; })");
        expect_ok(r);
        REQUIRE(r.cfg.hotline.profiles.size() == 1);
        const auto& rs = r.cfg.hotline.profiles[0].rules;
        REQUIRE(rs.size() == 4);
        for (size_t i = 0; i < rs.size(); ++i) {
            INFO(i);
            CHECK(rs[i].type == static_cast<Type>(i));
            CHECK(rs[i].direction == Direction::kIn);
            CHECK(rs[i].index == i);
            CHECK(rs[i].origin.line == static_cast<int>(10 + i));
        }
        CHECK(rs[0].url.empty());
        CHECK(rs[1].url == "http://p/");
        CHECK(rs[2].port == 0);  // keep the destination port
        CHECK(rs[3].redirect == 0);
    }
    SECTION("a subscriber with only an NAI") {
        Result r = subscribers(R"({ nai = "x"; })");
        expect_ok(r);
        REQUIRE(r.cfg.hotline.subscribers.size() == 1);
        const SubscriberConfig& s = r.cfg.hotline.subscribers[0];
        CHECK(s.addresses.empty());
        CHECK(s.profile.empty());
        CHECK(s.session_timeout_s == 0);
    }
}

// ---------------------------------------------------------------- priority order

TEST_CASE("hotline: rules are kept in the seed's priority order, stable within a type",
          "[config][hotline]") {
    Result r = rules(R"({ type = "filter"; acl = "all"; direction = "out"; },
{ type = "ip-redirect"; acl = "all"; redirect = "198.51.100.1"; },
{ type = "filter"; acl = "web"; },
{ type = "http-redirect"; acl = "all"; url = "http://a/"; },
{ type = "http-pass"; acl = "all"; },
{ type = "ip-redirect"; acl = "web"; redirect = "198.51.100.2"; },
{ type = "http-redirect"; acl = "web"; url = "http://b/"; },
{ type = "http-pass"; acl = "web"; })");
    expect_ok(r);
    const auto& rs = r.cfg.hotline.profiles[0].rules;
    REQUIRE(rs.size() == 8);
    const std::tuple<Type, const char*, int> want[] = {
        {Type::kHttpPass, "all", 4},     {Type::kHttpPass, "web", 7},
        {Type::kHttpRedirect, "all", 3}, {Type::kHttpRedirect, "web", 6},
        {Type::kIpRedirect, "all", 1},   {Type::kIpRedirect, "web", 5},
        {Type::kFilter, "all", 0},       {Type::kFilter, "web", 2},
    };
    for (size_t i = 0; i < rs.size(); ++i) {
        INFO(i);
        auto [type, acl, index] = want[i];
        CHECK(rs[i].type == type);
        CHECK(rs[i].acl == acl);
        CHECK(rs[i].index == index);
        CHECK(rs[i].origin.line == 10 + index);
    }
    CHECK(rs[0].direction == Direction::kIn);
    CHECK(rs[6].direction == Direction::kOut);
    CHECK(rs[3].url == "http://b/");
    CHECK(format_ipv4(rs[5].redirect) == "198.51.100.2");
}

// ---------------------------------------------------------------- keys and types

TEST_CASE("hotline: unknown keys are errors with a hint", "[config][hotline]") {
    expect_one(hotline("\nprofile = ( );"), 8, "hotline.profile",
               "unknown key \"profile\" (did you mean \"profiles\"?)");
    expect_one(hotline("\nnon-hotline = ( );"), 8, "hotline.non-hotline",
               "(did you mean \"non_hotline\"?)");
    expect_one(nat("tcp_fn = 3;"), 9, "hotline.nat.tcp_fn", "(did you mean \"tcp_fin\"?)");
    expect_one(rule(R"({ type = "filter"; acl = "all"; dir = "in"; })"), 10, rule_key("dir"),
               "unknown key \"dir\"; expected one of: type, acl, direction, redirect, port, url");
    expect_one(rule(R"({ type = "ip-redirect"; acl = "all"; redirect = "198.51.100.1";
  redirect_port = 80; })"),
               11, rule_key("redirect_port"), "unknown key \"redirect_port\"");
    expect_one(
        hotline("\nprofiles = ( { name = \"P\"; rules = ( { type = \"filter\"; acl = \"all\"; "
                "} );\n  rule = 1; } );"),
        9, "hotline.profiles.[0].rule", "(did you mean \"rules\"?)");
    expect_one(realms(R"({ realm = "@x"; capabilities = "all"; capability = "all"; })"), 9,
               "hotline.realms.[0].capabilities", "(did you mean \"capability\"?)");
    expect_one(subscribers(R"({ nai = "x"; address = [ "10.0.0.1" ]; })"), 9,
               "hotline.subscribers.[0].address", "(did you mean \"addresses\"?)");
    expect_one(non_hotline(R"({ type = "ip-redirect"; acl = "all"; redirect = "198.51.100.1"; },
  { type = "ip-redirect"; acl = "all"; redirect = "198.51.100.1"; porte = 80; })"),
               11, "hotline.non_hotline.[0].rules.[1].porte", "(did you mean \"port\"?)");
    expect_one(load_text(std::string(kPort) + "\nhotlines = { };"), 2, "hotlines",
               "unknown group \"hotlines\" (did you mean \"hotline\"?)");
}

TEST_CASE("hotline: wrong types", "[config][hotline]") {
    expect_one(load_text(std::string(kPort) + "\nhotline = ( );"), 2, "hotline",
               "expected a group { ... }, got a list ( )");
    expect_one(hotline("\nprofiles = { };"), 8, "hotline.profiles", "expected a list ( ... )");
    expect_one(hotline("\nnat = ( );"), 8, "hotline.nat", "expected a group { ... }");
    expect_one(hotline("\nprofiles = ( \"P\" );"), 8, "hotline.profiles.[0]",
               "expected a group { ... }, got a string");
    expect_one(hotline("\nprofiles = ( { name = \"P\";\n  rules = { }; } );"), 9,
               "hotline.profiles.[0].rules", "expected a list ( ... ), got a group { }");
    expect_one(rule("\"filter all\""), 10, "hotline.profiles.[0].rules.[0]",
               "expected a group { ... }, got a string");
    expect_one(rule(R"({ type = "ip-redirect"; acl = "all"; redirect = "198.51.100.1";
  port = "80"; })"),
               11, rule_key("port"), "expected an integer, got a string");
    expect_one(nat("udp = 30.0;"), 9, "hotline.nat.udp", "expected an integer, got a float");
    expect_one(subscribers(R"({ nai = "x"; addresses = "10.0.0.1"; })"), 9,
               "hotline.subscribers.[0].addresses",
               "expected a list of addresses [ \"A.B.C.D\", ... ], got a string");
    expect_one(subscribers(R"({ nai = "x"; addresses = [ 1 ]; })"), 9,
               "hotline.subscribers.[0].addresses.[0]", "expected a string, got an integer");
    expect_one(subscribers(R"({ nai = 1; })"), 9, "hotline.subscribers.[0].nai",
               "expected a string, got an integer");
    expect_one(hotline("\nsubscribers = { };"), 8, "hotline.subscribers", "expected a list");
}

// ---------------------------------------------------------------- ranges

TEST_CASE("hotline: max_subscribers is 1024..16777216", "[config][hotline]") {
    expect_one(hotline("\nmax_subscribers = 1023;"), 8, "hotline.max_subscribers",
               "1023 is out of range 1024..16777216");
    expect_one(hotline("\nmax_subscribers = 16777217;"), 8, "hotline.max_subscribers",
               "16777217 is out of range 1024..16777216");
    Result r = hotline("\nmax_subscribers = 16777216;");
    expect_ok(r);
    CHECK(r.cfg.hotline.max_subscribers == 16777216);
}

TEST_CASE("hotline: NAT translations 1024..16777216, timeouts 1..86400 s", "[config][hotline]") {
    expect_one(nat("max_translations = 1023;"), 9, "hotline.nat.max_translations",
               "1023 is out of range 1024..16777216");
    expect_one(nat("max_translations = 16777217;"), 9, "hotline.nat.max_translations",
               "16777217 is out of range 1024..16777216");
    for (const char* key : {"tcp", "tcp_fin", "tcp_syn", "tcp_nosynack", "udp", "icmp"}) {
        INFO(key);
        expect_one(nat(std::string(key) + " = 0;"), 9, std::string("hotline.nat.") + key,
                   "0 is out of range 1..86400");
        expect_one(nat(std::string(key) + " = 86401;"), 9, std::string("hotline.nat.") + key,
                   "86401 is out of range 1..86400");
    }
    Result r =
        nat("max_translations = 1024; tcp = 1; tcp_fin = 86400; tcp_syn = 1;\n"
            "tcp_nosynack = 86400; udp = 1; icmp = 1;");
    expect_ok(r);
    const NatConfig& n = r.cfg.hotline.nat;
    CHECK(n.max_translations == 1024);
    CHECK(n.tcp_s == 1);
    CHECK(n.tcp_fin_s == 86400);
    CHECK(n.tcp_syn_s == 1);
    CHECK(n.tcp_nosynack_s == 86400);
    CHECK(n.udp_s == 1);
    CHECK(n.icmp_s == 1);
}

TEST_CASE("hotline: an ip-redirect port is 0..65535", "[config][hotline]") {
    auto ip = [](const std::string& port) {
        return rule(
            "{ type = \"ip-redirect\"; acl = \"all\"; redirect = \"198.51.100.1\"; port = " + port +
            "; }");
    };
    expect_one(ip("-1"), 10, rule_key("port"), "-1 is out of range 0..65535");
    expect_one(ip("65536"), 10, rule_key("port"), "65536 is out of range 0..65535");
    expect_ok(ip("0"));
    Result r = ip("65535");
    expect_ok(r);
    CHECK(r.cfg.hotline.profiles[0].rules[0].port == 65535);
}

TEST_CASE("hotline: a subscriber's session_timeout is 0..4294967295", "[config][hotline]") {
    expect_one(subscribers(R"({ nai = "x"; session_timeout = -1; })"), 9,
               "hotline.subscribers.[0].session_timeout", "-1 is out of range 0..4294967295");
    expect_one(subscribers(R"({ nai = "x"; session_timeout = 4294967296L; })"), 9,
               "hotline.subscribers.[0].session_timeout",
               "4294967296 is out of range 0..4294967295");
    Result r = subscribers(R"({ nai = "x"; session_timeout = 4294967295L; })");
    expect_ok(r);
    CHECK(r.cfg.hotline.subscribers[0].session_timeout_s == 4294967295u);
}

// ---------------------------------------------------------------- rules

TEST_CASE("hotline: a rule's type and acl are required and checked", "[config][hotline]") {
    expect_one(rule(R"({ acl = "all"; })"), 10, rule_key("type"), "required key is missing");
    expect_one(rule(R"({ type = "filter"; })"), 10, rule_key("acl"), "required key is missing");
    expect_one(rule(R"({ type = "redirect"; acl = "all"; })"), 10, rule_key("type"),
               "\"redirect\" is not a hotline rule type; expected one of: http-pass, "
               "http-redirect, ip-redirect, filter");
    expect_one(rule(R"({ type = "ip_redirect"; acl = "all"; })"), 10, rule_key("type"),
               "\"ip_redirect\" is not a hotline rule type (did you mean \"ip-redirect\"?)");
    expect_one(rule(R"({ type = "Filter"; acl = "all"; })"), 10, rule_key("type"),
               "(did you mean \"filter\"?)");
    expect_one(rule(R"({ type = "filter"; acl = "all acl"; })"), 10, rule_key("acl"),
               "\"all acl\" is not an ACL name ([A-Za-z0-9_-], 1 to 32 characters)");
    expect_one(rule(R"({ type = "filter"; acl = ""; })"), 10, rule_key("acl"),
               "\"\" is not an ACL name");
}

TEST_CASE("hotline: direction is in or out, and out only for filter rules", "[config][hotline]") {
    Result r = rule(R"({ type = "filter"; acl = "all"; direction = "out"; })");
    expect_ok(r);
    CHECK(r.cfg.hotline.profiles[0].rules[0].direction == Direction::kOut);
    r = rule(R"({ type = "http-pass"; acl = "all"; direction = "in"; })");
    expect_ok(r);
    CHECK(r.cfg.hotline.profiles[0].rules[0].direction == Direction::kIn);
    expect_one(rule(R"({ type = "filter"; acl = "all"; direction = "both"; })"), 10,
               rule_key("direction"),
               "\"both\" is not a direction; expected \"in\" (upstream, from the subscriber) or "
               "\"out\" (downstream, to the subscriber)");
    expect_one(rule(R"({ type = "filter"; acl = "all"; direction = "IN"; })"), 10,
               rule_key("direction"), "\"IN\" is not a direction");
    expect_one(rule(R"({ type = "http-pass"; acl = "all"; direction = "out"; })"), 10,
               rule_key("direction"),
               "an http-pass rule applies to upstream traffic only (direction \"in\"); only "
               "filter rules may be \"out\"");
    expect_one(rule(R"({ type = "http-redirect"; acl = "all"; url = "http://p/";
  direction = "out"; })"),
               11, rule_key("direction"),
               "an http-redirect rule applies to upstream traffic only (direction \"in\")");
    expect_one(rule(R"({ type = "ip-redirect"; acl = "all"; redirect = "198.51.100.1";
  direction = "out"; })"),
               11, rule_key("direction"),
               "an ip-redirect rule applies to upstream traffic only (direction \"in\")");
}

TEST_CASE("hotline: keys that do not belong to the rule's type are errors", "[config][hotline]") {
    expect_one(rule(R"({ type = "filter"; acl = "all";
  redirect = "198.51.100.1"; })"),
               11, rule_key("redirect"),
               "a filter rule has no redirect; only ip-redirect rules do");
    expect_one(rule(R"({ type = "http-pass"; acl = "all";
  port = 80; })"),
               11, rule_key("port"), "an http-pass rule has no port; only ip-redirect rules do");
    expect_one(rule(R"({ type = "ip-redirect"; acl = "all"; redirect = "198.51.100.1";
  url = "http://p/"; })"),
               11, rule_key("url"), "an ip-redirect rule has no url; only http-redirect rules do");
    expect_one(rule(R"({ type = "http-redirect"; acl = "all"; url = "http://p/";
  redirect = "198.51.100.1"; })"),
               11, rule_key("redirect"), "an http-redirect rule has no redirect");
    // An unknown type: which keys belong cannot be told, so only the type is reported.
    expect_one(rule(R"({ type = "nat"; acl = "all"; url = "x"; port = 1; })"), 10, rule_key("type"),
               "\"nat\" is not a hotline rule type");
}

TEST_CASE("hotline: an ip-redirect rule needs a unicast redirect address", "[config][hotline]") {
    expect_one(rule(R"({ type = "ip-redirect"; acl = "all"; })"), 10, rule_key("redirect"),
               "required key is missing; an ip-redirect rule needs the redirect server's address");
    const std::pair<const char*, const char*> bad[] = {
        {"198.51.100", "\"198.51.100\" is not an IPv4 address (A.B.C.D)"},
        {"198.51.100.1:80", "is not an IPv4 address"},
        {"0.0.0.0", "0.0.0.0 is in 0.0.0.0/8"},
        {"224.0.0.1", "224.0.0.1 is a multicast address"},
        {"127.0.0.1", "127.0.0.1 is a loopback address"},
        {"255.255.255.255", "255.255.255.255 is the limited broadcast address"},
    };
    for (auto [addr, message] : bad) {
        INFO(addr);
        expect_one(rule(std::string("{ type = \"ip-redirect\"; acl = \"all\";\n  redirect = \"") +
                        addr + "\"; }"),
                   11, rule_key("redirect"), message);
    }
}

TEST_CASE("hotline: an http-redirect rule needs an http(s) url", "[config][hotline]") {
    auto url = [](const std::string& u) {
        return rule("{ type = \"http-redirect\"; acl = \"web\";\n  url = \"" + u + "\"; }");
    };
    expect_one(rule(R"({ type = "http-redirect"; acl = "web"; })"), 10, rule_key("url"),
               "required key is missing; an http-redirect rule needs the url of its 302");
    const std::string rule_text =
        "a url is 1 to 512 printable ASCII characters without spaces, starting with http:// or "
        "https://";
    expect_one(url(""), 11, rule_key("url"), "0 characters; " + rule_text);
    std::string long_url = "http://portal.example/" + std::string(490, 'a');
    REQUIRE(long_url.size() == 512);
    Result r = url(long_url);
    expect_ok(r);
    CHECK(r.cfg.hotline.profiles[0].rules[0].url == long_url);
    expect_one(url(long_url + "a"), 11, rule_key("url"), "513 characters; " + rule_text);
    expect_one(url("http://portal.example/a b"), 11, rule_key("url"),
               "character 24 is a space or not printable; " + rule_text);
    expect_one(url("http://portal.example/\\x7f"), 11, rule_key("url"),
               "character 23 is a space or not printable");
    expect_one(url("ftp://portal.example/"), 11, rule_key("url"),
               "\"ftp://portal.example/\" is not an http:// or https:// url");
    expect_one(url("portal.example"), 11, rule_key("url"), "is not an http:// or https:// url");
    expect_one(url("http://"), 11, rule_key("url"),
               "\"http://\" is not an http:// or https:// url");
    expect_one(url("http:/portal.example/"), 11, rule_key("url"), "is not an http:// or https://");
    r = url("HTTPS://Portal.Example/");
    expect_ok(r);
    CHECK(r.cfg.hotline.profiles[0].rules[0].url == "HTTPS://Portal.Example/");
}

TEST_CASE("hotline: 1 to 16 rules per profile", "[config][hotline]") {
    auto many = [](int n) {
        std::string s;
        for (int i = 0; i < n; ++i)
            s += (i ? ",\n" : "") + std::string("{ type = \"filter\"; acl = \"all\"; }");
        return rules(s);
    };
    Result r = many(16);
    expect_ok(r);
    CHECK(r.cfg.hotline.profiles[0].rules.size() == kMaxHotlineRules);
    expect_one(many(17), 9, "hotline.profiles.[0].rules",
               "17 rules; at most 16 per profile are supported");
    expect_one(rules(""), 9, "hotline.profiles.[0].rules",
               "a hotline profile needs at least one rule");
    expect_one(hotline("\nprofiles = ( { name = \"P\"; } );"), 8, "hotline.profiles.[0].rules",
               "required key is missing; a hotline profile needs at least one rule");
}

TEST_CASE("hotline: every problem of a profile is reported, not just the first",
          "[config][hotline]") {
    Result r = rules(R"({ type = "filter"; acl = "all"; direction = "sideways"; },
{ type = "ip-redirect"; acl = "all"; redirect = "10.1.1"; port = 70000; },
{ type = "http-redirect"; acl = "web"; url = "gopher://x"; })");
    INFO(all(r.errors));
    CHECK(r.rc == -EINVAL);
    REQUIRE(r.errors.size() == 4);
    check_error(r.errors[0], "inline.conf", 10, rule_key("direction", 0), "is not a direction");
    check_error(r.errors[1], "inline.conf", 11, rule_key("redirect", 1), "is not an IPv4 address");
    check_error(r.errors[2], "inline.conf", 11, rule_key("port", 1), "out of range 0..65535");
    check_error(r.errors[3], "inline.conf", 12, rule_key("url", 2), "is not an http://");
}

// ---------------------------------------------------------------- profiles

TEST_CASE("hotline: profile names are [A-Za-z0-9_.-]{1,64} and unique", "[config][hotline]") {
    auto profile = [](const std::string& name) {
        return hotline(
            "\nprofiles = ( { rules = ( { type = \"filter\"; acl = \"all\"; } );\n"
            "  name = \"" +
            name + "\"; } );");
    };
    for (const std::string& bad : {std::string(""), std::string("ht prof"), std::string("ht/prof"),
                                   std::string("ht@prof"), std::string(65, 'p')}) {
        INFO(bad);
        expect_one(profile(bad), 9, "hotline.profiles.[0].name",
                   "is not a hotline profile name ([A-Za-z0-9_.-], 1 to 64 characters)");
    }
    expect_ok(profile(std::string(64, 'p')));
    expect_ok(profile("Hot-Line.Normal_2"));
    expect_one(hotline("\nprofiles = ( { rules = ( { type = \"filter\"; acl = \"all\"; } ); } );"),
               8, "hotline.profiles.[0].name", "required key is missing");
    expect_one(hotline(R"(
profiles = (
  { name = "P"; rules = ( { type = "filter"; acl = "all"; } ); },
  { rules = ( { type = "filter"; acl = "all"; } );
    name = "P"; }
);)"),
               11, "hotline.profiles.[1].name",
               "profile name \"P\" is already used by hotline.profiles.[0] (inline.conf:9)");
}

TEST_CASE("hotline: at most 1024 profiles and 1024 non-hotline realms", "[config][hotline]") {
    auto profiles = [](int n) {
        std::string s = "\nprofiles = (";
        for (int i = 0; i < n; ++i)
            s += (i ? ",\n" : "\n") + std::string("{ name = \"p") + std::to_string(i) +
                 "\"; rules = ( { type = \"filter\"; acl = \"all\"; } ); }";
        return hotline(s + "\n);");
    };
    expect_ok(profiles(1024));
    expect_one(profiles(1025), 8, "hotline.profiles", "1025 profiles; at most 1024 are supported");
    auto nh = [](int n) {
        std::string s = "\nnon_hotline = (";
        for (int i = 0; i < n; ++i)
            s += (i ? ",\n" : "\n") + std::string("{ realm = \"@r") + std::to_string(i) +
                 "\"; rules = ( { type = \"ip-redirect\"; acl = \"all\"; redirect = \"10.1.1.1\"; "
                 "} ); }";
        return hotline(s + "\n);");
    };
    expect_ok(nh(1024));
    expect_one(nh(1025), 8, "hotline.non_hotline", "1025 non_hotline; at most 1024 are supported");
}

// ---------------------------------------------------------------- non-hotline

TEST_CASE("hotline: non-hotline profiles hold ip-redirect rules only", "[config][hotline]") {
    Result r = non_hotline(R"({ type = "ip-redirect"; acl = "web"; redirect = "198.51.100.80";
  port = 8080; direction = "in"; })");
    expect_ok(r);
    REQUIRE(r.cfg.hotline.non_hotline.size() == 1);
    CHECK(r.cfg.hotline.non_hotline[0].rules[0].port == 8080);
    for (const char* type : {"http-pass", "http-redirect", "filter"}) {
        INFO(type);
        expect_one(non_hotline(std::string("{ type = \"") + type + "\"; acl = \"all\"; }"), 10,
                   "hotline.non_hotline.[0].rules.[0].type",
                   std::string("a non-hotline profile has ip-redirect rules only (seed 004); \"") +
                       type + "\" is not allowed here");
    }
    expect_one(non_hotline(R"({ type = "ip-redirect"; acl = "all"; redirect = "198.51.100.80";
  direction = "out"; })"),
               11, "hotline.non_hotline.[0].rules.[0].direction",
               "an ip-redirect rule applies to upstream traffic only (direction \"in\")");
    expect_one(non_hotline(""), 9, "hotline.non_hotline.[0].rules",
               "a non-hotline profile needs at least one rule");
    expect_one(hotline("\nnon_hotline = ( { realm = \"@x\"; } );"), 8,
               "hotline.non_hotline.[0].rules",
               "required key is missing; a non-hotline profile needs at least one rule");
    expect_one(hotline("\nnon_hotline = ( { rules = ( { type = \"ip-redirect\"; acl = \"all\"; "
                       "redirect = \"10.1.1.1\"; } ); } );"),
               8, "hotline.non_hotline.[0].realm", "required key is missing");
}

TEST_CASE("hotline: non-hotline realms are unique", "[config][hotline]") {
    expect_one(hotline(R"(
non_hotline = (
  { realm = "@x"; rules = ( { type = "ip-redirect"; acl = "all"; redirect = "10.1.1.1"; } ); },
  { rules = ( { type = "ip-redirect"; acl = "all"; redirect = "10.1.1.2"; } );
    realm = "@x"; }
);)"),
               11, "hotline.non_hotline.[1].realm",
               "realm \"@x\" is already used by hotline.non_hotline.[0] (inline.conf:9)");
}

// ---------------------------------------------------------------- realms

TEST_CASE("hotline: a realm is @realm or user@realm", "[config][hotline]") {
    for (const char* good : {"@example.com", "mip1@cisco.com", "@a", "user.name+tag@ex-1.org"}) {
        INFO(good);
        Result r = realms(std::string("{ realm = \"") + good + "\"; capability = \"all\"; }");
        expect_ok(r);
        CHECK(r.cfg.hotline.realms[0].realm == good);
        expect_ok(non_hotline("{ type = \"ip-redirect\"; acl = \"all\"; redirect = \"10.1.1.1\"; }",
                              good));
    }
    const std::string too_long = "@" + std::string(72, 'r');
    for (const std::string& bad :
         {std::string("example.com"), std::string("@"), std::string("user@"), std::string("a@b@c"),
          std::string("us er@example.com"), std::string("@exa mple.com"),
          std::string("@example.com/x"), std::string(""), too_long}) {
        INFO(bad);
        expect_one(realms("{ capability = \"all\";\n  realm = \"" + bad + "\"; }"), 10,
                   "hotline.realms.[0].realm",
                   "\"" + bad +
                       "\" is not a realm or NAI; expected \"@realm\" or \"user@realm\" (realm: "
                       "[A-Za-z0-9.-_], at most 72 characters)");
    }
    expect_ok(realms("{ capability = \"all\"; realm = \"@" + std::string(71, 'r') + "\"; }"));
    expect_one(realms(R"({ capability = "all"; })"), 9, "hotline.realms.[0].realm",
               "required key is missing");
}

TEST_CASE("hotline: realm capabilities", "[config][hotline]") {
    const std::pair<const char*, uint32_t> one[] = {
        {"profile", kCapProfile},    {"ipfilter", kCapIpFilter}, {"httpredir", kCapHttpRedirect},
        {"ipredir", kCapIpRedirect}, {"all", kCapAll},
    };
    for (auto [word, flag] : one) {
        INFO(word);
        Result r = realms(std::string("{ realm = \"@x\"; capability = \"") + word + "\"; }");
        expect_ok(r);
        CHECK(r.cfg.hotline.realms[0].capability == flag);
        r = realms(std::string("{ realm = \"@x\"; capability = [ \"") + word + "\" ]; }");
        expect_ok(r);
        CHECK(r.cfg.hotline.realms[0].capability == flag);
    }
    Result r = realms(R"({ realm = "@x"; capability = [ "ipredir", "profile", "ipredir" ]; })");
    expect_ok(r);
    CHECK(r.cfg.hotline.realms[0].capability == (kCapIpRedirect | kCapProfile));
    r = realms(
        R"({ realm = "@x"; capability = [ "profile", "ipfilter", "httpredir", "ipredir" ]; })");
    expect_ok(r);
    CHECK(r.cfg.hotline.realms[0].capability == kCapAll);
    expect_one(realms(R"({ realm = "@x";
  capability = [ ]; })"),
               10, "hotline.realms.[0].capability",
               "a realm needs at least one hotline capability (profile, ipfilter, httpredir, "
               "ipredir or all)");
    expect_one(realms(R"({ realm = "@x"; })"), 9, "hotline.realms.[0].capability",
               "required key is missing; a realm needs at least one hotline capability");
    expect_one(realms(R"({ realm = "@x"; capability = [ "profile",
  "ipredr"
  ]; })"),
               10, "hotline.realms.[0].capability.[1]",
               "\"ipredr\" is not a hotline capability (did you mean \"ipredir\"?)");
    expect_one(realms(R"({ realm = "@x";
  capability = "rule-based"; })"),
               10, "hotline.realms.[0].capability",
               "\"rule-based\" is not a hotline capability; expected one of: profile, ipfilter, "
               "httpredir, ipredir, all");
    expect_one(realms(R"({ realm = "@x";
  capability = 15; })"),
               10, "hotline.realms.[0].capability",
               "expected a capability or a list of them [ \"...\", ... ], got an integer");
    expect_one(realms(R"({ realm = "@x";
  capability = [ 1 ]; })"),
               10, "hotline.realms.[0].capability.[0]", "expected a string, got an integer");
}

TEST_CASE("hotline: realms are unique; at most 4096", "[config][hotline]") {
    expect_one(realms(R"({ realm = "@x"; capability = "all"; },
{ capability = "profile";
  realm = "@x"; })"),
               11, "hotline.realms.[1].realm",
               "realm \"@x\" is already used by hotline.realms.[0] (inline.conf:9)");
    // The same realm in realms and non_hotline is fine: they configure different things.
    expect_ok(hotline(R"(
realms = ( { realm = "@x"; capability = "all"; } );
non_hotline = ( { realm = "@x"; rules = ( { type = "ip-redirect"; acl = "all";
  redirect = "10.1.1.1"; } ); } );)"));
    auto many = [](int n) {
        std::string s;
        for (int i = 0; i < n; ++i)
            s += (i ? ",\n" : "") + std::string("{ realm = \"@r") + std::to_string(i) +
                 "\"; capability = \"all\"; }";
        return realms(s);
    };
    expect_ok(many(4096));
    expect_one(many(4097), 8, "hotline.realms", "4097 realms; at most 4096 are supported");
}

// ---------------------------------------------------------------- subscribers

TEST_CASE("hotline: a subscriber's NAI is 1..72 printable characters and unique",
          "[config][hotline]") {
    expect_one(subscribers(R"({ addresses = [ "10.0.0.1" ]; })"), 9, "hotline.subscribers.[0].nai",
               "required key is missing");
    const std::string rule = "an NAI is 1 to 72 printable ASCII characters, no spaces";
    expect_one(subscribers(R"({ nai = ""; })"), 9, "hotline.subscribers.[0].nai",
               "0 characters; " + rule);
    expect_one(subscribers("{ nai = \"" + std::string(73, 'n') + "\"; }"), 9,
               "hotline.subscribers.[0].nai", "73 characters; " + rule);
    expect_ok(subscribers("{ nai = \"" + std::string(72, 'n') + "\"; }"));
    expect_one(subscribers(R"({ nai = "alice @example.com"; })"), 9, "hotline.subscribers.[0].nai",
               "character 6 is a space or not printable; " + rule);
    expect_one(subscribers(R"({ nai = "alice\t"; })"), 9, "hotline.subscribers.[0].nai",
               "character 6 is a space or not printable");
    expect_one(subscribers(R"({ nai = "alice@example.com"; },
{ nai = "bob@example.com"; },
{ addresses = [ ];
  nai = "alice@example.com"; })"),
               12, "hotline.subscribers.[2].nai",
               "NAI \"alice@example.com\" is already used by hotline.subscribers.[0] "
               "(inline.conf:9)");
}

TEST_CASE("hotline: 0 to 8 unicast home addresses per subscriber, unique across subscribers",
          "[config][hotline]") {
    auto addrs = [](int n) {
        std::string s;
        for (int i = 0; i < n; ++i)
            s += (i ? ", " : "") + std::string("\"10.0.0.") + std::to_string(i + 1) + "\"";
        return subscribers("{ nai = \"x\";\n  addresses = [ " + s + " ]; }");
    };
    Result r = addrs(8);
    expect_ok(r);
    REQUIRE(r.cfg.hotline.subscribers[0].addresses.size() == 8);
    CHECK(format_ipv4(r.cfg.hotline.subscribers[0].addresses[7]) == "10.0.0.8");
    expect_ok(addrs(0));
    expect_one(addrs(9), 10, "hotline.subscribers.[0].addresses",
               "9 addresses; at most 8 per subscriber are supported");
    const std::pair<const char*, const char*> bad[] = {
        {"10.0.0", "\"10.0.0\" is not an IPv4 address (A.B.C.D)"},
        {"10.0.0.0/8", "is not an IPv4 address"},
        {"0.1.2.3", "0.1.2.3 is in 0.0.0.0/8"},
        {"239.1.1.1", "239.1.1.1 is a multicast address"},
        {"127.0.0.2", "127.0.0.2 is a loopback address"},
        {"240.0.0.1", "240.0.0.1 is in the reserved range 240.0.0.0/4"},
    };
    for (auto [addr, message] : bad) {
        INFO(addr);
        expect_one(subscribers(std::string("{ nai = \"x\"; addresses = [ \"10.0.0.1\",\n  \"") +
                               addr + "\" ]; }"),
                   10, "hotline.subscribers.[0].addresses.[1]", message);
    }
    expect_one(subscribers(R"({ nai = "x"; addresses = [ "10.0.0.1", "10.0.0.2",
  "10.0.0.1"
]; })"),
               10, "hotline.subscribers.[0].addresses.[2]",
               "home address 10.0.0.1 is already in this list");
    expect_one(subscribers(R"({ nai = "x"; addresses = [ "10.0.0.1", "10.0.0.2" ]; },
{ nai = "y"; addresses = [ "10.0.0.3",
  "10.0.0.2" ]; })"),
               11, "hotline.subscribers.[1].addresses.[1]",
               "home address 10.0.0.2 is already a home address of hotline.subscribers.[0] \"x\" "
               "(inline.conf:9)");
}

TEST_CASE("hotline: a subscriber's profile is optional and a profile name", "[config][hotline]") {
    expect_one(hotline(R"(
profiles = ( { name = "P"; rules = ( { type = "filter"; acl = "all"; } ); } );
subscribers = ( { nai = "x";
  profile = "P Q"; } );)"),
               10, "hotline.subscribers.[0].profile",
               "\"P Q\" is not a hotline profile name ([A-Za-z0-9_.-], 1 to 64 characters); leave "
               "profile out for a subscriber in normal state");
    expect_one(subscribers(R"({ nai = "x"; profile = ""; })"), 9, "hotline.subscribers.[0].profile",
               "\"\" is not a hotline profile name");
}

TEST_CASE("hotline: at most 65536 subscribers", "[config][hotline]") {
    auto many = [](int n) {
        std::string s;
        s.reserve(static_cast<size_t>(n) * 24);
        for (int i = 0; i < n; ++i)
            s += (i ? ",\n" : "") + std::string("{ nai = \"u") + std::to_string(i) + "\"; }";
        return subscribers(s);
    };
    Result r = many(65536);
    expect_ok(r);
    CHECK(r.cfg.hotline.subscribers.size() == 65536);
    expect_one(many(65537), 8, "hotline.subscribers",
               "65537 subscribers; at most 65536 are supported");
}

// ---------------------------------------------------------------- cross-checks

TEST_CASE("hotline: every rule names an ACL; the key is the rule as written", "[config][hotline]") {
    // After the priority sort the http-pass rule comes first; the error still
    // names rules.[1], where it was written.
    expect_one(rules(R"({ type = "filter"; acl = "all"; },
{ type = "http-pass";
  acl = "webb"; })"),
               12, rule_key("acl", 1),
               "ACL \"webb\" is not defined in acls (did you mean \"web\"?)");
    expect_one(rule(R"({ type = "filter"; acl = "portal"; })"), 10, rule_key("acl"),
               "ACL \"portal\" is not defined in acls (defined: web, all)");
    expect_one(non_hotline(R"({ type = "ip-redirect"; redirect = "198.51.100.1";
  acl = "dns"; })"),
               11, "hotline.non_hotline.[0].rules.[0].acl",
               "ACL \"dns\" is not defined in acls (defined: web, all)");
    expect_one(load_text(std::string(kPort) + R"(
hotline = { profiles = ( { name = "P";
  rules = ( { type = "filter"; acl = "all"; } ); } ); };)"),
               3, rule_key("acl"), "ACL \"all\" is not defined in acls (none are defined)");
    // Several, in the order written, with a long list of names cut.
    std::string acls = "acls = (";
    for (int i = 0; i < 10; ++i)
        acls += (i ? ", " : " ") + std::string("{ name = \"acl") + std::to_string(i) +
                "\"; entries = ( \"permit ip any any\" ); }";
    Result r = load_text(std::string(kPort) + "\n" + acls + R"( );
hotline = { profiles = ( { name = "P"; rules = (
  { type = "filter"; acl = "zzzzzzzz"; },
  { type = "http-pass"; acl = "yyyyyyyy"; } ); } ); };)");
    INFO(all(r.errors));
    REQUIRE(r.errors.size() == 2);
    check_error(r.errors[0], "inline.conf", 4, rule_key("acl", 0),
                "ACL \"zzzzzzzz\" is not defined in acls (defined: acl0, acl1, acl2, acl3, acl4, "
                "acl5, acl6, acl7, ... (10 in all))");
    check_error(r.errors[1], "inline.conf", 5, rule_key("acl", 1), "ACL \"yyyyyyyy\"");
}

TEST_CASE("hotline: a subscriber's profile must be defined", "[config][hotline]") {
    expect_one(hotline(R"(
profiles = ( { name = "ht-prof1"; rules = ( { type = "filter"; acl = "all"; } ); },
             { name = "quarantine"; rules = ( { type = "filter"; acl = "all"; } ); } );
subscribers = ( { nai = "x";
  profile = "ht-prof2"; } );)"),
               11, "hotline.subscribers.[0].profile",
               "hotline profile \"ht-prof2\" is not defined in hotline.profiles (did you mean "
               "\"ht-prof1\"?)");
    expect_one(
        hotline(R"(
profiles = ( { name = "ht-prof1"; rules = ( { type = "filter"; acl = "all"; } ); } );
subscribers = ( { nai = "x";
  profile = "blocked"; } );)"),
        10, "hotline.subscribers.[0].profile",
        "hotline profile \"blocked\" is not defined in hotline.profiles (defined: ht-prof1)");
    expect_one(subscribers(R"({ nai = "x"; profile = "P"; })"), 9,
               "hotline.subscribers.[0].profile",
               "hotline profile \"P\" is not defined in hotline.profiles (none are defined)");
}

TEST_CASE("hotline: a home address is not one of haslb's own addresses", "[config][hotline]") {
    expect_one(subscribers(R"({ nai = "x"; addresses = [ "10.0.0.1",
  "192.0.2.1"
  ]; })"),
               10, "hotline.subscribers.[0].addresses.[1]",
               "home address 192.0.2.1 of \"x\" is the address of port \"access\"");
    expect_one(subscribers(R"({ nai = "x"; addresses = [ "203.0.113.255" ]; })"), 9,
               "hotline.subscribers.[0].addresses.[0]",
               "home address 203.0.113.255 of \"x\" is the broadcast address of port \"core\"'s "
               "subnet 203.0.113.0/24");
    expect_one(subscribers(R"({ nai = "x"; addresses = [ "192.0.2.0" ]; })"), 9,
               "hotline.subscribers.[0].addresses.[0]",
               "is the network address of port \"access\"'s subnet 192.0.2.0/24");
    // On a port subnet is fine: a subscriber may be reached directly.
    expect_ok(subscribers(R"({ nai = "x"; addresses = [ "192.0.2.2", "203.0.113.254" ]; })"));
}

TEST_CASE("hotline: a redirect server is not one of haslb's own addresses", "[config][hotline]") {
    expect_one(rules(R"({ type = "filter"; acl = "all"; },
{ type = "ip-redirect"; acl = "web";
  redirect = "203.0.113.1"; })"),
               12, rule_key("redirect", 1),
               "redirect server 203.0.113.1 is the address of port \"core\"; haslb cannot "
               "redirect to itself");
    expect_one(non_hotline(R"({ type = "ip-redirect"; acl = "web";
  redirect = "192.0.2.255"; })"),
               11, "hotline.non_hotline.[0].rules.[0].redirect",
               "redirect server 192.0.2.255 is the broadcast address of port \"access\"'s subnet "
               "192.0.2.0/24");
    expect_ok(rule(R"({ type = "ip-redirect"; acl = "web"; redirect = "203.0.113.80"; })"));
}

TEST_CASE("hotline: cross-checks wait for clean groups; port errors hide only port checks",
          "[config][hotline]") {
    // A bad ACL entry: the hotline rule naming another ACL is not reported on top of it.
    Result r = load_text(std::string(kPort) + R"(
acls = ( { name = "a"; entries = ( "permit ip any any log" ); } );
hotline = { profiles = ( { name = "P"; rules = ( { type = "filter"; acl = "b"; } ); } );
  subscribers = ( { nai = "x"; addresses = [ "192.0.2.1" ]; } ); };)");
    INFO(all(r.errors));
    REQUIRE(r.errors.size() == 2);
    check_error(r.errors[0], "inline.conf", 2, "acls.[0].entries.[0]", "unexpected \"log\"");
    check_error(r.errors[1], "inline.conf", 4, "hotline.subscribers.[0].addresses.[0]",
                "home address 192.0.2.1 of \"x\" is the address of port \"p0\"");
    // A bad port: the reference checks still run, the port checks do not.
    Result p = load_text(R"(
ports = ( { name = "p0"; device = "net_tap0"; address = "192.0.2.1/33"; } );
acls = ( { name = "a"; entries = ( "permit ip any any" ); } );
hotline = { profiles = ( { name = "P"; rules = ( { type = "filter"; acl = "b"; } ); } );
  subscribers = ( { nai = "x"; addresses = [ "192.0.2.1" ]; } ); };)");
    INFO(all(p.errors));
    REQUIRE(p.errors.size() == 2);
    check_error(p.errors[0], "inline.conf", 1, "ports.[0].address", "is not an IPv4 prefix");
    check_error(p.errors[1], "inline.conf", 3, "hotline.profiles.[0].rules.[0].acl",
                "ACL \"b\" is not defined in acls");
    // A bad hotline value: no cross-check of hotline runs.
    expect_one(load_text(std::string(kPort) + R"(
hotline = { max_subscribers = 1;
  profiles = ( { name = "P"; rules = ( { type = "filter"; acl = "b"; } ); } ); };)"),
               2, "hotline.max_subscribers", "1 is out of range");
}

TEST_CASE("hotline.conf is the lab's hotlining example", "[config][hotline][examples]") {
    Result r = load_file(source_root() / "app/haslb/conf/hotline.conf");
    expect_ok(r);
    const Config& c = r.cfg;
    CHECK(c.eal.file_prefix == "haslb-hot");
    REQUIRE(c.acls.size() == 4);
    CHECK(c.acls[0].name == "web");
    CHECK(c.acls[0].entries[0].dport.op == PortMatch::Op::kEq);
    CHECK(c.acls[0].entries[0].dport.lo == 80);
    const HotlineConfig& h = c.hotline;
    CHECK(h.max_subscribers == 65536);
    REQUIRE(h.profiles.size() == 3);
    CHECK(h.profiles[0].name == "ht-redirect");
    REQUIRE(h.profiles[0].rules.size() == 2);
    CHECK(format_ipv4(h.profiles[0].rules[0].redirect) == "203.0.113.20");
    CHECK(h.profiles[0].rules[0].port == 8081);
    REQUIRE(h.profiles[1].rules.size() == 3);
    CHECK(h.profiles[1].rules[0].type == Type::kHttpPass);
    CHECK(h.profiles[1].rules[1].url == "http://203.0.113.20:8080/portal.html");
    CHECK(h.profiles[1].rules[2].type == Type::kFilter);
    REQUIRE(h.non_hotline.size() == 1);
    CHECK(h.non_hotline[0].realm == "@visitor.example");
    REQUIRE(h.realms.size() == 1);
    CHECK(h.realms[0].capability == kCapAll);
    REQUIRE(h.subscribers.size() == 1);
    CHECK(h.nat.max_translations == 1048576);
    CHECK(h.nat.icmp_s == 5);
}
