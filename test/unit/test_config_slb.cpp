// SPDX-License-Identifier: BSD-3-Clause
// The slb group (HA-SLB serverfarms and vservers): every value of a full
// config, the defaults, and one test per validation rule.
#include <catch2/catch.hpp>

#include <string>

#include "config_helpers.hpp"

using namespace haslb::config;
using namespace haslb::config::test;
namespace fs = std::filesystem;

namespace {

// Two ports, then `slb = {` on line 5; the first line of `body` (after its
// leading newline) is line 6.
Result slb(std::string_view body) {
    return load_text(std::string(R"(
ports = (
  { name = "access"; device = "net_tap0"; address = "192.0.2.1/24"; },
  { name = "farm"; device = "net_tap1"; address = "198.51.100.1/24"; }
);
slb = {)") + std::string(body) +
                     "\n};");
}

// A valid farm "F" on one line.
constexpr std::string_view kFarm =
    R"(serverfarms = ( { name = "F"; reals = ( { address = "198.51.100.11"; } ); } );)";

// kFarm on line 6, then `vservers = (` on line 7 and `entry` on line 8.
Result vserver(const std::string& entry) {
    return slb("\n" + std::string(kFarm) + "\nvservers = (\n" + entry + "\n);");
}

// A farm on lines 6.. with `reals` holding `reals` (line 7).
Result farm_reals(const std::string& reals, const char* nat = "none") {
    return slb(std::string("\nserverfarms = ( { name = \"F\"; nat = \"") + nat +
               "\";\n  reals = ( " + reals + " ); } );");
}

}  // namespace

// ---------------------------------------------------------------- values and defaults

TEST_CASE("every slb value of a full config is parsed", "[config][slb]") {
    const fs::path file = data_dir() / "good/slb.conf";
    Result r = load_file(file);
    expect_ok(r);
    const SlbConfig& s = r.cfg.slb;
    CHECK(s.max_sessions == 1024);
    CHECK(s.max_bindings == 4194304);
    REQUIRE(s.serverfarms.size() == 2);
    const ServerFarmConfig& ha = s.serverfarms[0];
    CHECK(ha.name == "HA_FARM-1");
    CHECK(ha.nat == FarmNat::kNone);
    CHECK(ha.retry_s == 3600);
    CHECK(ha.reassign == 4);
    CHECK(ha.faildetect == 255);
    CHECK(ha.origin.file == file.string());
    CHECK(ha.origin.line == 11);
    REQUIRE(ha.reals.size() == 2);
    CHECK(format_ipv4(ha.reals[0].address) == "198.51.100.11");
    CHECK(ha.reals[0].weight == 0);
    CHECK_FALSE(ha.reals[0].inservice);
    CHECK(ha.reals[0].origin.line == 13);
    CHECK(format_ipv4(ha.reals[1].address) == "198.51.100.12");
    CHECK(ha.reals[1].weight == 65535);
    CHECK(ha.reals[1].inservice);
    CHECK(ha.reals[1].origin.file == file.string());
    CHECK(ha.reals[1].origin.line == 14);
    const ServerFarmConfig& nat = s.serverfarms[1];
    CHECK(nat.name == "NATFARM");
    CHECK(nat.nat == FarmNat::kServer);
    CHECK(nat.retry_s == 1);
    CHECK(nat.reassign == 1);
    CHECK(nat.faildetect == 1);
    CHECK(nat.origin.line == 17);
    REQUIRE(nat.reals.size() == 2);
    CHECK(format_ipv4(nat.reals[0].address) == "10.99.11.11");  // routed: nat = "server"
    CHECK(nat.reals[0].weight == 3);
    CHECK(format_ipv4(nat.reals[1].address) == "198.51.100.11");  // also in HA_FARM-1
    CHECK(nat.reals[1].weight == 8);
    CHECK(nat.reals[1].inservice);
    REQUIRE(s.vservers.size() == 2);
    const VserverConfig& v = s.vservers[0];
    CHECK(v.name == "MIPSLB");
    CHECK(format_ipv4(v.virtual_addr) == "192.0.2.100");
    CHECK(v.protocol == 17);
    CHECK(v.port == 1434);
    CHECK(v.service == "ipmobile");
    CHECK(v.serverfarm == "HA_FARM-1");
    CHECK(v.idle_s == 65535);
    CHECK_FALSE(v.inservice);
    CHECK(v.origin.file == file.string());
    CHECK(v.origin.line == 22);
    const VserverConfig& w = s.vservers[1];
    CHECK(w.name == "MIPNAT");
    CHECK(format_ipv4(w.virtual_addr) == "192.0.2.100");  // same VIP, another port
    CHECK(w.protocol == 17);
    CHECK(w.port == 434);
    CHECK(w.serverfarm == "NATFARM");
    CHECK(w.idle_s == 1);
    CHECK(w.inservice);
    CHECK(w.origin.line == 24);
}

TEST_CASE("slb defaults", "[config][slb]") {
    SECTION("no slb group: nothing to balance") {
        Result r = load_text(kPort);
        expect_ok(r);
        CHECK(r.cfg.slb.serverfarms.empty());
        CHECK(r.cfg.slb.vservers.empty());
        CHECK(r.cfg.slb.max_sessions == 65536);
        CHECK(r.cfg.slb.max_bindings == 65536);
    }
    SECTION("an empty slb group") {
        Result r = slb("");
        expect_ok(r);
        CHECK(r.cfg.slb.serverfarms.empty());
        CHECK(r.cfg.slb.max_sessions == 65536);
        CHECK(r.cfg.slb.max_bindings == 65536);
    }
    SECTION("only the required keys") {
        Result r = vserver(R"({ name = "V"; virtual = "192.0.2.100"; serverfarm = "F"; })");
        expect_ok(r);
        const SlbConfig& s = r.cfg.slb;
        REQUIRE(s.serverfarms.size() == 1);
        const ServerFarmConfig& f = s.serverfarms[0];
        CHECK(f.name == "F");
        CHECK(f.nat == FarmNat::kNone);
        CHECK(f.retry_s == 60);
        CHECK(f.reassign == 3);
        CHECK(f.faildetect == 8);
        REQUIRE(f.reals.size() == 1);
        CHECK(f.reals[0].weight == 8);
        CHECK(f.reals[0].inservice);
        REQUIRE(s.vservers.size() == 1);
        const VserverConfig& v = s.vservers[0];
        CHECK(v.protocol == 17);
        CHECK(v.port == 434);
        CHECK(v.service == "ipmobile");
        CHECK(v.idle_s == 10);
        CHECK(v.inservice);
        CHECK(v.origin.line == 8);
    }
}

TEST_CASE("ha-slb.conf is the lab's HA-SLB example", "[config][slb][examples]") {
    Result r = load_file(source_root() / "app/haslb/conf/ha-slb.conf");
    expect_ok(r);
    const Config& c = r.cfg;
    CHECK(c.driver.name == "lab-af_packet");
    CHECK(c.eal.lcores == "0-1");
    CHECK(c.eal.file_prefix == "haslb-slb");
    REQUIRE(c.ports.size() == 3);
    CHECK(c.ports[0].device == "net_af_packet0,iface=lab-access,qpairs=2");
    CHECK(format_prefix(c.ports[1].address) == "198.51.100.1/24");
    CHECK(format_prefix(c.ports[2].address) == "203.0.113.1/25");
    REQUIRE(c.routes.size() == 1);
    CHECK(format_ipv4(c.routes[0].via) == "203.0.113.10");
    const SlbConfig& s = c.slb;
    REQUIRE(s.serverfarms.size() == 2);
    CHECK(s.serverfarms[0].name == "HAFARM");
    CHECK(s.serverfarms[0].nat == FarmNat::kNone);
    REQUIRE(s.serverfarms[0].reals.size() == 2);
    CHECK(s.serverfarms[0].reals[1].weight == 1);
    CHECK(s.serverfarms[1].name == "NATFARM");
    CHECK(s.serverfarms[1].nat == FarmNat::kServer);
    REQUIRE(s.serverfarms[1].reals.size() == 3);
    CHECK(s.serverfarms[1].reals[0].weight == 3);
    CHECK(s.serverfarms[1].reals[1].weight == 1);
    CHECK(s.serverfarms[1].reals[2].weight == 2);
    CHECK(format_ipv4(s.serverfarms[1].reals[2].address) == "198.51.100.13");
    REQUIRE(s.vservers.size() == 2);
    CHECK(s.vservers[0].name == "MIPSLB");
    CHECK(format_ipv4(s.vservers[0].virtual_addr) == "192.0.2.100");
    CHECK(s.vservers[0].serverfarm == "HAFARM");
    CHECK(s.vservers[0].idle_s == 10);
    CHECK(s.vservers[1].name == "MIPNAT");
    CHECK(format_ipv4(s.vservers[1].virtual_addr) == "192.0.2.101");
    CHECK(s.vservers[1].serverfarm == "NATFARM");
}

// ---------------------------------------------------------------- keys and types

TEST_CASE("slb: unknown keys are errors with a hint", "[config][slb]") {
    expect_one(slb("\nmax_session = 2048;"), 6, "slb.max_session",
               "unknown key \"max_session\" (did you mean \"max_sessions\"?)");
    expect_one(slb("\nserverfarms = ( { name = \"F\"; reals = ( { address = \"198.51.100.11\"; } );"
                   "\n  reasign = 2; } );"),
               7, "slb.serverfarms.[0].reasign", "(did you mean \"reassign\"?)");
    expect_one(farm_reals("{ address = \"198.51.100.11\"; wieght = 2; }"), 7,
               "slb.serverfarms.[0].reals.[0].wieght", "(did you mean \"weight\"?)");
    expect_one(vserver(R"({ name = "V"; virtual = "192.0.2.100"; serverfarm = "F"; vip = 1; })"), 8,
               "slb.vservers.[0].vip",
               "unknown key \"vip\"; expected one of: name, virtual, protocol, port, service, "
               "serverfarm, idle, inservice");
    expect_one(load_text(std::string(kPort) + "\nslbs = { };"), 2, "slbs",
               "unknown group \"slbs\" (did you mean \"slb\"?)");
}

TEST_CASE("slb: wrong types", "[config][slb]") {
    expect_one(load_text(std::string(kPort) + "\nslb = ( );"), 2, "slb",
               "expected a group { ... }, got a list ( )");
    expect_one(slb("\nserverfarms = { };"), 6, "slb.serverfarms", "expected a list ( ... )");
    expect_one(slb("\nvservers = ( \"V\" );"), 6, "slb.vservers.[0]",
               "expected a group { ... }, got a string");
    expect_one(farm_reals("\"198.51.100.11\""), 7, "slb.serverfarms.[0].reals.[0]",
               "expected a group { ... }, got a string");
    expect_one(farm_reals("{ address = \"198.51.100.11\"; inservice = 1; }"), 7,
               "slb.serverfarms.[0].reals.[0].inservice", "expected true or false, got an integer");
    expect_one(
        vserver(R"({ name = "V"; virtual = "192.0.2.100"; serverfarm = "F"; port = "434"; })"), 8,
        "slb.vservers.[0].port", "expected an integer, got a string");
}

// ---------------------------------------------------------------- ranges

TEST_CASE("slb: table sizes are 1024..4194304", "[config][slb]") {
    expect_one(slb("\nmax_sessions = 1023;"), 6, "slb.max_sessions",
               "1023 is out of range 1024..4194304");
    expect_one(slb("\nmax_bindings = 4194305;"), 6, "slb.max_bindings",
               "4194305 is out of range 1024..4194304");
}

TEST_CASE("slb: serverfarm retry, reassign and faildetect ranges", "[config][slb]") {
    auto farm = [](const std::string& kv) {
        return slb(
            "\nserverfarms = ( { name = \"F\"; reals = ( { address = \"198.51.100.11\"; } );\n  " +
            kv + " } );");
    };
    expect_one(farm("retry = 0;"), 7, "slb.serverfarms.[0].retry", "0 is out of range 1..3600");
    expect_one(farm("retry = 3601;"), 7, "slb.serverfarms.[0].retry",
               "3601 is out of range 1..3600");
    expect_one(farm("reassign = 0;"), 7, "slb.serverfarms.[0].reassign", "0 is out of range 1..4");
    expect_one(farm("reassign = 5;"), 7, "slb.serverfarms.[0].reassign", "5 is out of range 1..4");
    expect_one(farm("faildetect = 0;"), 7, "slb.serverfarms.[0].faildetect",
               "0 is out of range 1..255");
    expect_one(farm("faildetect = 256;"), 7, "slb.serverfarms.[0].faildetect",
               "256 is out of range 1..255");
    expect_ok(farm("retry = 1; reassign = 1; faildetect = 1;"));
    expect_ok(farm("retry = 3600; reassign = 4; faildetect = 255;"));
}

TEST_CASE("slb: real weight is 0..65535", "[config][slb]") {
    expect_one(farm_reals("{ address = \"198.51.100.11\"; weight = -1; }"), 7,
               "slb.serverfarms.[0].reals.[0].weight", "-1 is out of range 0..65535");
    expect_one(farm_reals("{ address = \"198.51.100.11\"; weight = 65536; }"), 7,
               "slb.serverfarms.[0].reals.[0].weight", "65536 is out of range 0..65535");
}

TEST_CASE("slb: vserver port and idle ranges", "[config][slb]") {
    auto v = [](const std::string& kv) {
        return vserver("{ name = \"V\"; virtual = \"192.0.2.100\"; serverfarm = \"F\"; " + kv +
                       " }");
    };
    expect_one(v("port = 0;"), 8, "slb.vservers.[0].port", "0 is out of range 1..65535");
    expect_one(v("port = 65536;"), 8, "slb.vservers.[0].port", "65536 is out of range 1..65535");
    expect_one(v("idle = 0;"), 8, "slb.vservers.[0].idle", "0 is out of range 1..65535");
    expect_one(v("idle = 65536;"), 8, "slb.vservers.[0].idle", "65536 is out of range 1..65535");
}

TEST_CASE("slb: nat, protocol and service name their allowed values", "[config][slb]") {
    expect_one(slb("\nserverfarms = ( { name = \"F\"; reals = ( { address = \"198.51.100.11\"; } );"
                   "\n  nat = \"dispatched\"; } );"),
               7, "slb.serverfarms.[0].nat",
               "\"dispatched\" is not a serverfarm NAT mode (\"none\": dispatched, \"server\": NAT "
               "server); expected \"none\" or \"server\"");
    auto v = [](const std::string& kv) {
        return vserver("{ name = \"V\"; virtual = \"192.0.2.100\"; serverfarm = \"F\"; " + kv +
                       " }");
    };
    expect_one(v("protocol = \"tcp\";"), 8, "slb.vservers.[0].protocol",
               "\"tcp\" is not a protocol of service \"ipmobile\" (Mobile IP registrations are "
               "UDP); expected \"udp\"");
    expect_one(v("protocol = \"UDP\";"), 8, "slb.vservers.[0].protocol", "expected \"udp\"");
    expect_one(v("service = \"ikev2\";"), 8, "slb.vservers.[0].service",
               "\"ikev2\" is not a supported service; expected \"ipmobile\"");
}

// ---------------------------------------------------------------- names and limits

TEST_CASE("slb: serverfarm and vserver names are [A-Za-z0-9_-]{1,32}", "[config][slb]") {
    for (const char* bad : {"", "HA FARM", "HA.FARM", "123456789012345678901234567890123"}) {
        INFO(bad);
        expect_one(
            slb(std::string("\nserverfarms = ( { reals = ( { address = \"198.51.100.11\"; } );\n"
                            "  name = \"") +
                bad + "\"; } );"),
            7, "slb.serverfarms.[0].name",
            "is not a serverfarm name ([A-Za-z0-9_-], 1 to 32 characters)");
        expect_one(
            vserver(std::string("{ virtual = \"192.0.2.100\"; serverfarm = \"F\"; name = \"") +
                    bad + "\"; }"),
            8, "slb.vservers.[0].name",
            "is not a vserver name ([A-Za-z0-9_-], 1 to 32 characters)");
    }
    expect_one(vserver(R"({ name = "V"; virtual = "192.0.2.100"; serverfarm = "F F"; })"), 8,
               "slb.vservers.[0].serverfarm", "\"F F\" is not a serverfarm name");
    expect_one(slb("\nserverfarms = ( { reals = ( { address = \"198.51.100.11\"; } ); } );"), 6,
               "slb.serverfarms.[0].name", "required key is missing");
    expect_one(vserver(R"({ name = "V"; virtual = "192.0.2.100"; })"), 8,
               "slb.vservers.[0].serverfarm", "required key is missing");
    expect_one(vserver(R"({ name = "V"; serverfarm = "F"; })"), 8, "slb.vservers.[0].virtual",
               "required key is missing");
    expect_ok(vserver(R"({ name = "abcdefghijklmnopqrstuvwxyz_-0123"; virtual = "192.0.2.100";
  serverfarm = "F"; })"));
}

TEST_CASE("slb: serverfarm names are unique", "[config][slb]") {
    expect_one(slb(R"(
serverfarms = (
  { name = "F"; reals = ( { address = "198.51.100.11"; } ); },
  { reals = ( { address = "198.51.100.12"; } );
    name = "F"; }
);)"),
               9, "slb.serverfarms.[1].name",
               "serverfarm name \"F\" is already used by slb.serverfarms.[0] (inline.conf:7)");
}

TEST_CASE("slb: vserver names are unique", "[config][slb]") {
    expect_one(vserver(R"({ name = "V"; virtual = "192.0.2.100"; serverfarm = "F"; },
{ virtual = "192.0.2.101"; serverfarm = "F";
  name = "V"; })"),
               10, "slb.vservers.[1].name",
               "vserver name \"V\" is already used by slb.vservers.[0] (inline.conf:8)");
}

TEST_CASE("slb: at most 64 serverfarms, 64 vservers and 256 reals per farm", "[config][slb]") {
    auto farms = [](int n) {
        std::string s = "\nserverfarms = (";
        for (int i = 0; i < n; ++i)
            s += (i ? ",\n" : "\n") + std::string("{ name = \"F") + std::to_string(i) +
                 "\"; reals = ( { address = \"198.51.100.11\"; } ); }";
        return slb(s + "\n);");
    };
    expect_ok(farms(64));
    expect_one(farms(65), 6, "slb.serverfarms", "65 serverfarms; at most 64 are supported");
    auto vservers = [](int n) {
        std::string s = "\n" + std::string(kFarm) + "\nvservers = (";
        for (int i = 0; i < n; ++i)
            s += (i ? ",\n" : "\n") + std::string("{ name = \"V") + std::to_string(i) +
                 "\"; virtual = \"192.0.2.100\"; port = " + std::to_string(i + 1) +
                 "; serverfarm = \"F\"; }";
        return slb(s + "\n);");
    };
    expect_ok(vservers(64));
    expect_one(vservers(65), 7, "slb.vservers", "65 vservers; at most 64 are supported");
    auto reals = [](int n) {
        std::string s;
        for (int i = 0; i < n; ++i)
            s += (i ? ", " : "") + std::string("{ address = \"10.0.") + std::to_string(i / 200) +
                 "." + std::to_string(i % 200 + 1) + "\"; }";
        return farm_reals(s, "server");
    };
    Result ok = reals(256);
    expect_ok(ok);
    CHECK(ok.cfg.slb.serverfarms[0].reals.size() == 256);
    expect_one(reals(257), 7, "slb.serverfarms.[0].reals",
               "257 reals; at most 256 per serverfarm are supported");
}

TEST_CASE("slb: a serverfarm needs at least one real", "[config][slb]") {
    expect_one(farm_reals(""), 7, "slb.serverfarms.[0].reals",
               "a serverfarm needs at least one real");
    expect_one(slb("\nserverfarms = (\n  { name = \"F\"; } );"), 7, "slb.serverfarms.[0].reals",
               "required key is missing; a serverfarm needs at least one real");
}

// ---------------------------------------------------------------- addresses

TEST_CASE("slb: real and virtual addresses are unicast host addresses", "[config][slb]") {
    const std::pair<const char*, const char*> bad[] = {
        {"10.1.1", "\"10.1.1\" is not an IPv4 address (A.B.C.D)"},
        {"0.0.0.0", "0.0.0.0 is in 0.0.0.0/8"},
        {"255.255.255.255", "255.255.255.255 is the limited broadcast address"},
        {"224.0.0.5", "224.0.0.5 is a multicast address"},
        {"127.0.0.1", "127.0.0.1 is a loopback address"},
    };
    for (auto [addr, message] : bad) {
        INFO(addr);
        expect_one(farm_reals(std::string("{ address = \"") + addr + "\"; }", "server"), 7,
                   "slb.serverfarms.[0].reals.[0].address", message);
        expect_one(vserver(std::string("{ name = \"V\"; serverfarm = \"F\"; virtual = \"") + addr +
                           "\"; }"),
                   8, "slb.vservers.[0].virtual", message);
    }
}

TEST_CASE("slb: a real or VIP is not a port's address", "[config][slb]") {
    expect_one(farm_reals("{ address = \"198.51.100.11\"; },\n  { address = \"198.51.100.1\"; }"),
               8, "slb.serverfarms.[0].reals.[1].address",
               "real 198.51.100.1 is the address of port \"farm\"");
    expect_one(farm_reals("{ address = \"192.0.2.1\"; }", "server"), 7,
               "slb.serverfarms.[0].reals.[0].address",
               "real 192.0.2.1 is the address of port \"access\"");
    expect_one(farm_reals("{ address = \"198.51.100.255\"; }"), 7,
               "slb.serverfarms.[0].reals.[0].address",
               "real 198.51.100.255 is the broadcast address of port \"farm\"'s subnet "
               "198.51.100.0/24");
    expect_one(vserver(R"({ name = "V"; serverfarm = "F"; virtual = "192.0.2.1"; })"), 8,
               "slb.vservers.[0].virtual", "virtual 192.0.2.1 is the address of port \"access\"");
    expect_one(vserver(R"({ name = "V"; serverfarm = "F"; virtual = "192.0.2.0"; })"), 8,
               "slb.vservers.[0].virtual",
               "virtual 192.0.2.0 is the network address of port \"access\"'s subnet 192.0.2.0/24");
    // A VIP need not be on a port subnet (it may be routed to haslb).
    expect_ok(vserver(R"({ name = "V"; serverfarm = "F"; virtual = "10.1.1.10"; })"));
}

TEST_CASE("slb: a VIP is not a real's address", "[config][slb]") {
    expect_one(vserver(R"({ name = "V"; serverfarm = "F";
  virtual = "198.51.100.11"; })"),
               9, "slb.vservers.[0].virtual",
               "virtual 198.51.100.11 is the address of a real in serverfarm \"F\" "
               "(inline.conf:6); a VIP cannot be a real");
}

TEST_CASE("slb: real addresses are unique within a farm, not across farms", "[config][slb]") {
    expect_one(farm_reals("{ address = \"198.51.100.11\"; },\n  { address = \"198.51.100.12\"; },"
                          "\n  { address = \"198.51.100.11\"; }"),
               9, "slb.serverfarms.[0].reals.[2].address",
               "real 198.51.100.11 is already in serverfarm \"F\" as reals.[0] (inline.conf:7)");
    expect_ok(slb(R"(
serverfarms = (
  { name = "A"; reals = ( { address = "198.51.100.11"; } ); },
  { name = "B"; nat = "server"; reals = ( { address = "198.51.100.11"; } ); }
);)"));
}

TEST_CASE("slb: dispatched reals are on a port subnet; NAT server reals anywhere",
          "[config][slb]") {
    expect_one(farm_reals("{ address = \"198.51.100.11\"; },\n  { address = \"10.1.1.52\"; }"), 8,
               "slb.serverfarms.[0].reals.[1].address",
               "real 10.1.1.52 of dispatched serverfarm \"F\" is not on any port subnet (access "
               "192.0.2.0/24, farm 198.51.100.0/24); dispatched mode (nat = \"none\") rewrites "
               "only the MAC, so the real must be on a port subnet, or set nat = \"server\"");
    expect_ok(
        farm_reals("{ address = \"198.51.100.11\"; },\n  { address = \"10.1.1.52\"; }", "server"));
    // Any port subnet will do, not only one called "farm".
    expect_ok(farm_reals("{ address = \"192.0.2.51\"; }"));
}

TEST_CASE("slb: errors in an included file name that file and line", "[config][slb]") {
    Result r = load_file(data_dir() / "bad/slb-error-in-include.conf");
    INFO(all(r.errors));
    CHECK(r.rc == -EINVAL);
    REQUIRE(r.errors.size() == 1);
    check_error(r.errors[0], shown(data_dir() / "bad/inc/slb-farm.conf"), 5,
                "slb.serverfarms.[0].reals.[1].address",
                "real 10.1.1.52 of dispatched serverfarm \"HAFARM\" is not on any port subnet "
                "(farm 198.51.100.0/24)");
}

// ---------------------------------------------------------------- vserver references

TEST_CASE("slb: a vserver's serverfarm must exist", "[config][slb]") {
    expect_one(slb(R"(
serverfarms = (
  { name = "HAFARM"; reals = ( { address = "198.51.100.11"; } ); },
  { name = "NATFARM"; nat = "server"; reals = ( { address = "10.99.11.11"; } ); }
);
vservers = ( { name = "V"; virtual = "192.0.2.100";
  serverfarm = "HAFRAM"; } );)"),
               11, "slb.vservers.[0].serverfarm",
               "serverfarm \"HAFRAM\" is not defined in slb.serverfarms (defined: HAFARM, "
               "NATFARM)");
    expect_one(slb(R"(
vservers = ( { name = "V"; virtual = "192.0.2.100"; serverfarm = "F"; } );)"),
               6, "slb.vservers.[0].serverfarm",
               "serverfarm \"F\" is not defined in slb.serverfarms (none are defined)");
}

TEST_CASE("slb: (virtual, protocol, port) is unique among vservers", "[config][slb]") {
    expect_one(vserver(R"({ name = "A"; virtual = "192.0.2.100"; serverfarm = "F"; },
{ name = "B"; serverfarm = "F"; port = 434;
  virtual = "192.0.2.100"; })"),
               10, "slb.vservers.[1].virtual",
               "virtual 192.0.2.100 udp 434 is already served by vserver \"A\" (inline.conf:8)");
    expect_ok(vserver(R"({ name = "A"; virtual = "192.0.2.100"; serverfarm = "F"; },
{ name = "B"; virtual = "192.0.2.100"; port = 435; serverfarm = "F"; },
{ name = "C"; virtual = "192.0.2.101"; serverfarm = "F"; })"));
}

TEST_CASE("slb: cross-checks wait for a clean slb group; port errors hide only port checks",
          "[config][slb]") {
    // A bad weight: the missing serverfarm is not reported on top of it.
    Result r = slb(R"(
serverfarms = ( { name = "F"; reals = ( { address = "198.51.100.11"; weight = -1; } ); } );
vservers = ( { name = "V"; virtual = "192.0.2.100"; serverfarm = "G"; } );)");
    expect_one(r, 6, "slb.serverfarms.[0].reals.[0].weight", "out of range");
    // A bad port: the slb checks that need no ports still run.
    Result p = load_text(R"(
ports = ( { name = "p0"; device = "net_tap0"; address = "192.0.2.1/33"; } );
slb = { vservers = ( { name = "V"; virtual = "192.0.2.100"; serverfarm = "G"; } ); };)");
    INFO(all(p.errors));
    REQUIRE(p.errors.size() == 2);
    check_error(p.errors[0], "inline.conf", 1, "ports.[0].address", "is not an IPv4 prefix");
    check_error(p.errors[1], "inline.conf", 2, "slb.vservers.[0].serverfarm",
                "serverfarm \"G\" is not defined");
}
