// SPDX-License-Identifier: BSD-3-Clause
// The `cluster` group: defaults, ranges, IPv6 members and VIPs, and the
// checks against ports and vservers, with file:line.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "config_helpers.hpp"

using namespace haslb;

namespace {

const char* kPorts = R"(
ports = (
  { name = "access"; device = "net_tap0"; address = "192.0.2.1/24"; },
  { name = "farm"; device = "net_tap1"; address = "198.51.100.1/24"; }
);
)";

// The same ports with IPv6 on access and farm.
const char* kPorts6 = R"(
ports = (
  { name = "access"; device = "net_tap0"; address = "192.0.2.1/24"; address6 = "2001:db8:a::1/64"; },
  { name = "farm"; device = "net_tap1"; address = "198.51.100.1/24"; address6 = "2001:db8:f::1/64"; }
);
)";

std::string cfg(const std::string& cluster, const char* ports = kPorts) {
    return std::string(ports) + "cluster = {\n" + cluster + "\n};\n";
}

// Every error of loading `body` (with `ports`), one per line.
std::string errors(const std::string& body, const char* ports = kPorts) {
    config::Config c;
    std::vector<config::Error> errs;
    config::load_string(cfg(body, ports), "c.conf", ".", c, errs);
    std::string all;
    for (const auto& e : errs) all += e.str() + "\n";
    return all;
}

}  // namespace

TEST_CASE("cluster: a full group and its defaults", "[ikev2][config]") {
    config::Config c;
    std::vector<config::Error> errs;
    const int rc = config::load_string(cfg(R"(
  virtual = "203.0.113.100";
  listen = "198.51.100.1";
  members = (
    { address = "198.51.100.21"; },
    { address = "198.51.100.22"; priority = 200; max_session = 500; },
    { address = "2001:db8::23"; }
  );)"),
                                       "c.conf", ".", c, errs);
    INFO((errs.empty() ? "" : errs[0].str()));
    REQUIRE(rc == 0);
    CHECK(c.cluster.enabled);
    REQUIRE(c.cluster.vips.size() == 1);
    CHECK(config::format_ipv4(c.cluster.vips[0]) == "203.0.113.100");
    CHECK(c.cluster.port == 2000);
    CHECK(c.cluster.holdtime_ms == 15000);
    CHECK(c.cluster.overload_limit == 80);
    CHECK(c.cluster.weight_crypto == 100);
    CHECK(c.cluster.weight_system == 100);
    REQUIRE(c.cluster.members.size() == 3);
    CHECK(c.cluster.members[1].priority == 200);
    CHECK(c.cluster.members[1].max_session == 500);
    CHECK(c.cluster.members[2].address.family == 6);
    CHECK(config::format_ip(c.cluster.members[2].address) == "2001:db8::23");
}

TEST_CASE("cluster: 64 members and more are accepted", "[ikev2][config]") {
    // 100 distinct addresses: .101 .. .200
    std::string members;
    for (int i = 101; i <= 200; i++)
        members += fmt::format("{}{{ address = \"198.51.100.{}\"; }}", i > 101 ? "," : "", i);
    config::Config c;
    std::vector<config::Error> errs;
    REQUIRE(config::load_string(cfg("virtual = \"203.0.113.100\"; members = (" + members + ");"),
                                "c.conf", ".", c, errs) == 0);
    CHECK(c.cluster.members.size() == 100);
}

TEST_CASE("cluster: errors name file:line and what is wrong", "[ikev2][config]") {
    const std::string m = "members = ({ address = \"198.51.100.21\"; });";
    std::string e = errors("virtual = \"2001:db8::100\"; " + m);
    CHECK(e.find("c.conf:") != std::string::npos);
    CHECK(e.find("IPv6 VIP 2001:db8::100 needs IPv6 on a port") != std::string::npos);
    e = errors("virtual = \"192.0.2.0\"; " + m);
    CHECK(e.find("VIP 192.0.2.0 is the network address of port \"access\"'s subnet") !=
          std::string::npos);
    e = errors("virtual = \"198.51.100.1\"; " + m);
    CHECK(e.find("is the address of port \"farm\"") != std::string::npos);
    e = errors(
        "virtual = \"203.0.113.100\"; members = ({ address = \"198.51.100.21\"; }, "
        "{ address = \"198.51.100.21\"; });");
    CHECK(e.find("member 198.51.100.21 is already cluster.members.[0]") != std::string::npos);
    e = errors(
        "virtual = \"203.0.113.100\"; members = ({ address = \"198.51.100.21\"; priority = 0; });");
    CHECK(e.find("priority") != std::string::npos);
    e = errors("virtual = \"203.0.113.100\"; overload_limit = 101; " + m);
    CHECK(e.find("overload_limit") != std::string::npos);
    e = errors("virtual = \"203.0.113.100\"; weight_crypto = 101; " + m);
    CHECK(e.find("weight_crypto") != std::string::npos);
    e = errors("virtual = \"203.0.113.100\"; listen = \"198.51.100.7\"; " + m);
    CHECK(e.find("198.51.100.7 is not the address (or address6) of any port") != std::string::npos);
    e = errors("virtual = \"203.0.113.100\"; listen = \"2001:db8:f::1\"; " + m);
    CHECK(e.find("2001:db8:f::1 is not the address (or address6) of any port") !=
          std::string::npos);
    e = errors("virtual = \"203.0.113.100\"; listen = \"farm\"; " + m);
    CHECK(e.find("\"farm\" is not an IPv4 (A.B.C.D) or IPv6 address") != std::string::npos);
    e = errors("virtual = \"203.0.113.100\"; holdtme = 5; " + m);
    CHECK(e.find("holdtme") != std::string::npos);
    e = errors("virtual = \"203.0.113.100\";");
    CHECK(e.find("at least one member") != std::string::npos);
    e = errors(m);
    CHECK(e.find("virtual address (VIP)") != std::string::npos);
    e = errors("virtual = \"203.0.113.100\"; members = ({ address = \"ff02::1\"; });");
    CHECK(e.find("not an IPv6 unicast address") != std::string::npos);
}

TEST_CASE("cluster: IPv6 VIPs, on-link VIPs and an IPv6 listen address", "[ikev2][config]") {
    config::Config c;
    std::vector<config::Error> errs;
    const int rc = config::load_string(cfg(R"(
  virtual = ["203.0.113.100", "2001:db8:ff::100", "192.0.2.100", "2001:db8:a::100"];
  listen = "2001:db8:f::1";
  members = (
    { address = "198.51.100.21"; },
    { address = "2001:db8:f::22"; }
  );)",
                                           kPorts6),
                                       "c.conf", ".", c, errs);
    INFO((errs.empty() ? "" : errs[0].str()));
    REQUIRE(rc == 0);
    // IPv4 and IPv6 VIPs, on a port subnet (ARP / ND answered) or routed.
    REQUIRE(c.cluster.vips.size() == 2);
    CHECK(config::format_ipv4(c.cluster.vips[1]) == "192.0.2.100");
    REQUIRE(c.cluster.vips6.size() == 2);
    CHECK(config::format_ipv6(c.cluster.vips6[0]) == "2001:db8:ff::100");
    CHECK(config::format_ipv6(c.cluster.vips6[1]) == "2001:db8:a::100");
    CHECK(c.cluster.listen.family == 6);
    CHECK(config::format_ip(c.cluster.listen) == "2001:db8:f::1");
}

TEST_CASE("cluster: IPv6 VIP errors name file:line and what is wrong", "[ikev2][config]") {
    const std::string m = "members = ({ address = \"2001:db8:f::21\"; });";
    std::string e = errors("virtual = \"fe80::1\"; " + m, kPorts6);
    CHECK(e.find("c.conf:") != std::string::npos);
    CHECK(e.find("fe80::1 is a link-local address") != std::string::npos);
    e = errors("virtual = \"ff05::1\"; " + m, kPorts6);
    CHECK(e.find("ff05::1 is a multicast address") != std::string::npos);
    e = errors("virtual = \"::ffff:203.0.113.5\"; " + m, kPorts6);
    CHECK(e.find("IPv4-mapped") != std::string::npos);
    e = errors("virtual = [\"2001:db8:ff::1\", \"2001:db8:ff:0::1\"]; " + m, kPorts6);
    CHECK(e.find("VIP 2001:db8:ff::1 is listed twice") != std::string::npos);
    e = errors("virtual = \"2001:db8:a::1\"; " + m, kPorts6);
    CHECK(e.find("VIP 2001:db8:a::1 is the IPv6 address of port \"access\"") != std::string::npos);
    e = errors("virtual = \"2001:db8:f::\"; " + m, kPorts6);
    CHECK(e.find("subnet-router anycast address of port \"farm\"") != std::string::npos);
    e = errors("virtual = \"2001:db8:f::21\"; " + m, kPorts6);
    CHECK(e.find("VIP 2001:db8:f::21 is also a member") != std::string::npos);
    e = errors("virtual = \"2001:db8:ff::zz\"; " + m, kPorts6);
    CHECK(e.find("is not an IPv4 (A.B.C.D) or IPv6 address") != std::string::npos);
    // Nine VIPs of both families: 1 to 8 in all.
    std::string nine = "virtual = [";
    for (int i = 1; i <= 9; i++) nine += fmt::format("{}\"2001:db8:ff::{}\"", i > 1 ? ", " : "", i);
    e = errors(nine + "]; " + m, kPorts6);
    CHECK(e.find("9 VIPs; 1 to 8 are supported") != std::string::npos);
}
