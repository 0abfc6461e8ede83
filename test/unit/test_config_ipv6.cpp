// SPDX-License-Identifier: BSD-3-Clause
// IPv6 in the configuration: ports' address6 and IPv6 entries of `routes`,
// each error with its line and key.
#include <catch2/catch.hpp>

#include <string>

#include "config_helpers.hpp"

using namespace haslb::config;
using namespace haslb::config::test;

namespace {

Result port6(const std::string& address6) {
    return load_text(R"(
ports = ( { name = "access"; device = "net_tap0"; address = "192.0.2.1/24";
            address6 = ")" + address6 + "\"; } );");
}

// Two IPv6 ports and one route: line 5 holds the route.
Result route6(const std::string& prefix, const std::string& via) {
    return load_text(R"(
ports = ( { name = "access"; device = "net_tap0"; address = "192.0.2.1/24"; address6 = "2001:db8:a::1/64"; },
          { name = "core"; device = "net_tap1"; address = "203.0.113.1/25"; address6 = "2001:db8:c::1/64"; } );
routes = ( { prefix = "203.0.113.128/25"; via = "203.0.113.10"; },
           { prefix = ")" + prefix + "\"; via = \"" + via + "\"; } );");
}

}  // namespace

TEST_CASE("address6 gives a port a global IPv6 address", "[config][ipv6]") {
    Result r = port6("2001:DB8:a:0::1/64");
    expect_ok(r);
    REQUIRE(r.cfg.ports[0].address6.has_value());
    CHECK(format_prefix6(*r.cfg.ports[0].address6) == "2001:db8:a::1/64");

    Result none = load_text(R"(
ports = ( { name = "access"; device = "net_tap0"; address = "192.0.2.1/24"; } );)");
    expect_ok(none);
    CHECK_FALSE(none.cfg.ports[0].address6.has_value());
}

TEST_CASE("address6 errors", "[config][ipv6]") {
    const std::string key = "ports.[0].address6";
    expect_one(port6("2001:db8:a::1"), 2, key, "is not an IPv6 prefix (2001:db8::1/64)");
    expect_one(port6("192.0.2.5/24"), 2, key, "is not an IPv6 prefix");
    expect_one(port6("2001:db8:a::1/129"), 2, key, "is not an IPv6 prefix");
    expect_one(port6("2001:db8:a::1/064"), 2, key, "is not an IPv6 prefix");
    expect_one(port6("2001:db8:a::1/0"), 2, key, "a port's IPv6 subnet must be /1 to /127");
    expect_one(port6("2001:db8:a::1/128"), 2, key, "must be /1 to /127");
    expect_one(port6("fe80::1/64"), 2, key, "fe80::1 is a link-local address (fe80::/10)");
    expect_one(port6("ff02::1/64"), 2, key, "ff02::1 is a multicast address (ff00::/8)");
    expect_one(port6("::1/64"), 2, key, "::1 is the loopback address ::1");
    expect_one(port6("::/64"), 2, key, ":: is the unspecified address ::");
    expect_one(port6("::ffff:192.0.2.1/120"), 2, key, "is an IPv4-mapped address");
    expect_one(port6("2001:db8:a::/64"), 2, key,
               "2001:db8:a:: is the subnet-router anycast address of 2001:db8:a::/64");
    expect_one(port6("fe80::1%eth0/64"), 2, key, "is not an IPv6 prefix");
}

TEST_CASE("ports' IPv6 subnets are unique and disjoint", "[config][ipv6]") {
    expect_one(load_text(R"(
ports = ( { name = "a"; device = "net_tap0"; address = "192.0.2.1/24"; address6 = "2001:db8:a::1/64"; },
          { name = "b"; device = "net_tap1"; address = "198.51.100.1/24";
            address6 = "2001:db8:a::1/64"; } );)"),
               3, "ports.[1].address6",
               "address 2001:db8:a::1 is already used by port \"a\" (inline.conf:1)");
    expect_one(load_text(R"(
ports = ( { name = "a"; device = "net_tap0"; address = "192.0.2.1/24"; address6 = "2001:db8:a::1/64"; },
          { name = "b"; device = "net_tap1"; address = "198.51.100.1/24";
            address6 = "2001:db8:a:0:8000::1/65"; } );)"),
               3, "ports.[1].address6",
               "subnet 2001:db8:a:0:8000::/65 overlaps subnet 2001:db8:a::/64 of port \"a\"");
}

TEST_CASE("IPv6 routes go to routes6 and keep their list position", "[config][ipv6][routes]") {
    Result r = route6("2001:db8:cc::/48", "2001:db8:c::10");
    expect_ok(r);
    REQUIRE(r.cfg.routes.size() == 1);
    REQUIRE(r.cfg.routes6.size() == 1);
    CHECK(r.cfg.routes[0].index == 0);
    CHECK(r.cfg.routes6[0].index == 1);
    CHECK(format_prefix6(r.cfg.routes6[0].prefix) == "2001:db8:cc::/48");
    CHECK(format_ipv6(r.cfg.routes6[0].via) == "2001:db8:c::10");
    CHECK(r.cfg.routes6[0].origin.line == 4);

    Result def = route6("::/0", "2001:db8:a::fe");
    expect_ok(def);
    CHECK(def.cfg.routes6[0].prefix.len == 0);
}

TEST_CASE("IPv6 route errors", "[config][ipv6][routes]") {
    const std::string pk = "routes.[1].prefix", vk = "routes.[1].via";
    expect_one(route6("2001:db8:cc::1/48", "2001:db8:c::10"), 4, pk,
               "\"2001:db8:cc::1/48\" has host bits set; did you mean 2001:db8:cc::/48?");
    expect_one(route6("2001:db8:cc::/129", "2001:db8:c::10"), 4, pk, "is not an IPv6 prefix");
    expect_one(route6("2001:db8:c::/64", "2001:db8:c::10"), 4, pk,
               "2001:db8:c::/64 is the connected subnet of port \"core\"");
    expect_one(route6("2001:db8:cc::/48", "203.0.113.10"), 4, vk,
               "is not an IPv6 address; an IPv6 route needs an IPv6 next hop");
    expect_one(route6("198.18.0.0/15", "2001:db8:c::10"), 4, vk,
               "is not an IPv4 address (A.B.C.D); an IPv4 route needs an IPv4 next hop");
    expect_one(route6("2001:db8:cc::/48", "2001:db8:d::10"), 4, vk,
               "next hop 2001:db8:d::10 is not on any port IPv6 subnet (access 2001:db8:a::/64, "
               "core 2001:db8:c::/64)");
    expect_one(route6("2001:db8:cc::/48", "2001:db8:c::1"), 4, vk,
               "next hop 2001:db8:c::1 is the IPv6 address of port \"core\"");
    expect_one(route6("2001:db8:cc::/48", "2001:db8:c::"), 4, vk,
               "is the subnet-router anycast address of port \"core\"'s subnet 2001:db8:c::/64");
    expect_one(route6("2001:db8:cc::/48", "fe80::1"), 4, vk, "is a link-local address");
    expect_one(load_text(R"(
ports = ( { name = "core"; device = "net_tap1"; address = "203.0.113.1/25"; address6 = "2001:db8:c::1/64"; } );
routes = ( { prefix = "2001:db8:cc::/48"; via = "2001:db8:c::10"; },
           { prefix = "203.0.113.128/25"; via = "203.0.113.10"; },
           { prefix = "2001:db8:cc::/48"; via = "2001:db8:c::11"; } );)"),
               4, "routes.[2].prefix",
               "2001:db8:cc::/48 is already routed by routes.[0] (inline.conf:2)");
    expect_one(load_text(R"(
ports = ( { name = "core"; device = "net_tap1"; address = "203.0.113.1/25"; } );
routes = ( { prefix = "2001:db8:cc::/48"; via = "2001:db8:c::10"; } );)"),
               2, "routes.[0].via", "is not on any port IPv6 subnet (no port has an address6)");
}
