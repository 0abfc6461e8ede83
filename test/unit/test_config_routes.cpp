// SPDX-License-Identifier: BSD-3-Clause
// The routes group: prefixes, next hops, duplicates and the route limit.
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>

#include "config_helpers.hpp"

using namespace haslb::config;
using namespace haslb::config::test;
namespace fs = std::filesystem;

TEST_CASE("route prefixes have no host bits; duplicates are errors", "[config][routes]") {
    SECTION("host bits") {
        expect_one(load_text(R"(
ports = ( { name = "p0"; device = "net_tap0"; address = "203.0.113.1/25"; } );
routes = (
  { prefix = "203.0.113.129/25";
    via = "203.0.113.10"; }
);)"),
                   3, "routes.[0].prefix",
                   "\"203.0.113.129/25\" has host bits set; did you mean 203.0.113.128/25?");
    }
    SECTION("not a prefix") {
        expect_one(load_text(R"(
ports = ( { name = "p0"; device = "net_tap0"; address = "203.0.113.1/25"; } );
routes = ( { prefix = "203.0.113.128"; via = "203.0.113.10"; } );)"),
                   2, "routes.[0].prefix", "is not an IPv4 prefix (A.B.C.D/len)");
    }
    SECTION("duplicate") {
        expect_one(load_text(R"(
ports = ( { name = "p0"; device = "net_tap0"; address = "203.0.113.1/25"; } );
routes = (
  { prefix = "10.0.0.0/8"; via = "203.0.113.10"; },
  { prefix = "10.0.0.0/16"; via = "203.0.113.10"; },
  { via = "203.0.113.11";
    prefix = "10.0.0.0/8"; }
);)"),
                   6, "routes.[2].prefix",
                   "10.0.0.0/8 is already routed by routes.[0] (inline.conf:3)");
    }
    SECTION("a port's connected subnet") {
        expect_one(load_text(R"(
ports = ( { name = "p0"; device = "net_tap0"; address = "203.0.113.1/25"; } );
routes = ( { prefix = "203.0.113.0/25"; via = "203.0.113.10"; } );)"),
                   2, "routes.[0].prefix", "is the connected subnet of port \"p0\"");
    }
    SECTION("default route") {
        Result r = load_text(R"(
ports = ( { name = "p0"; device = "net_tap0"; address = "203.0.113.1/25"; } );
routes = ( { prefix = "0.0.0.0/0"; via = "203.0.113.126"; } );)");
        expect_ok(r);
        REQUIRE(r.cfg.routes.size() == 1);
        CHECK(r.cfg.routes[0].prefix.len == 0);
        CHECK(format_ipv4(r.cfg.routes[0].via) == "203.0.113.126");
    }
}

TEST_CASE("route next hops are hosts on a port subnet", "[config][routes]") {
    auto route = [](const char* via) {
        return load_text(std::string(R"(
ports = (
  { name = "access"; device = "net_tap0"; address = "192.0.2.1/24"; },
  { name = "core"; device = "net_tap1"; address = "203.0.113.1/25"; }
);
routes = ( { prefix = "10.0.0.0/8";
             via = ")") + via +
                         "\"; } );");
    };
    expect_one(route("198.51.100.1"), 6, "routes.[0].via",
               "next hop 198.51.100.1 is not on any port subnet (access 192.0.2.0/24, core "
               "203.0.113.0/25)");
    expect_one(route("203.0.113.200"), 6, "routes.[0].via", "is not on any port subnet");
    expect_one(route("203.0.113.1"), 6, "routes.[0].via",
               "next hop 203.0.113.1 is the address of port \"core\" itself");
    expect_one(route("192.0.2.255"), 6, "routes.[0].via", "is the broadcast address of port");
    expect_one(route("203.0.113.0"), 6, "routes.[0].via", "is the network address of port");
    expect_one(route("192.0.2"), 6, "routes.[0].via", "is not an IPv4 address (A.B.C.D)");
    expect_one(route("224.0.0.1"), 6, "routes.[0].via", "multicast");
    expect_ok(route("192.0.2.254"));
}

TEST_CASE("up to 65536 routes are accepted quickly", "[config][routes]") {
    std::string text(kPort);
    text += "\nroutes = (\n";
    for (uint32_t i = 0; i < 65536; ++i) {
        text += i ? ",\n" : "";
        text += "{ prefix = \"" + format_prefix(Ipv4Prefix{0x0a000000u + (i << 8), 24}) +
                "\"; via = \"192.0.2.2\"; }";
    }
    Result r = load_text(text + "\n);");
    expect_ok(r);
    CHECK(r.cfg.routes.size() == 65536);
    Result over = load_text(text + ",\n{ prefix = \"11.0.0.0/8\"; via = \"192.0.2.2\"; }\n);");
    expect_one(over, 2, "routes", "65537 routes; at most 65536");
}
