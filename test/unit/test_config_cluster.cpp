// SPDX-License-Identifier: BSD-3-Clause
// The `cluster` group: defaults, ranges, IPv6 members, the refusal of an
// IPv6 VIP, and the checks against ports and vservers, with file:line.
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

std::string cfg(const std::string& cluster) {
    return std::string(kPorts) + "cluster = {\n" + cluster + "\n};\n";
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
    auto errors = [](const std::string& body) {
        config::Config c;
        std::vector<config::Error> errs;
        config::load_string(cfg(body), "c.conf", ".", c, errs);
        std::string all;
        for (const auto& e : errs) all += e.str() + "\n";
        return all;
    };
    const std::string m = "members = ({ address = \"198.51.100.21\"; });";
    std::string e = errors("virtual = \"2001:db8::100\"; " + m);
    CHECK(e.find("c.conf:") != std::string::npos);
    CHECK(e.find("is an IPv6 address; haslb's data plane forwards IPv4 only") != std::string::npos);
    e = errors("virtual = \"192.0.2.100\"; " + m);
    CHECK(e.find("is on the subnet of port \"access\"") != std::string::npos);
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
    CHECK(e.find("is not the address of any port") != std::string::npos);
    e = errors("virtual = \"203.0.113.100\"; holdtme = 5; " + m);
    CHECK(e.find("holdtme") != std::string::npos);
    e = errors("virtual = \"203.0.113.100\";");
    CHECK(e.find("at least one member") != std::string::npos);
    e = errors(m);
    CHECK(e.find("virtual address (VIP)") != std::string::npos);
    e = errors("virtual = \"203.0.113.100\"; members = ({ address = \"ff02::1\"; });");
    CHECK(e.find("not an IPv6 unicast address") != std::string::npos);
}
