// SPDX-License-Identifier: BSD-3-Clause
// The configuration loader as a whole: every value of a full config, the
// defaults, how errors are reported, and the structural rules (unknown groups
// and keys, value types, required keys, integer ranges).
#include <catch2/catch.hpp>

#include <cerrno>
#include <filesystem>
#include <string>
#include <vector>

#include "config_helpers.hpp"

using namespace haslb::config;
using namespace haslb::config::test;
namespace fs = std::filesystem;

// ---------------------------------------------------------------- values

TEST_CASE("the test data is found (else set HASLB_SOURCE_ROOT)", "[config]") {
    INFO("looked in " << data_dir().string());
    REQUIRE(fs::is_directory(data_dir()));
}

TEST_CASE("a full config yields every value it sets", "[config]") {
    const fs::path file = data_dir() / "good/full.conf";
    Result r = load_file(file);
    expect_ok(r);
    const Config& c = r.cfg;
    const std::string driver_file = shown(data_dir() / "good/drivers/full-driver.conf");

    CHECK(c.file == file.string());
    CHECK(c.eal.lcores == "0,2-3");
    CHECK(c.eal.file_prefix == "haslb-full");
    CHECK(c.eal.args == std::vector<std::string>{"--log-level=lib.eal:debug", "-n", "4"});

    CHECK(c.driver.name == "test-full");
    CHECK(c.driver.eal_args == std::vector<std::string>{"--no-huge", "-m", "256"});
    CHECK(c.driver.rx_queue_size == 2048);
    CHECK(c.driver.tx_queue_size == 4096);
    CHECK(c.driver.rss == false);
    CHECK(c.driver.rx_offloads == std::vector<std::string>{"ipv4_cksum", "rss_hash"});
    CHECK(c.driver.tx_offloads == std::vector<std::string>{"mbuf_fast_free"});
    CHECK(c.driver.mtu == 9000);
    CHECK(c.driver.origin.file == driver_file);
    CHECK(c.driver.origin.line == 3);

    CHECK(c.mempool.mbufs == 32767);
    CHECK(c.mempool.cache == 128);

    REQUIRE(c.ports.size() == 3);
    const PortConfig& a = c.ports[0];
    CHECK(a.name == "access");
    CHECK(a.device == "net_tap0,iface=t-access");
    CHECK(format_prefix(a.address) == "192.0.2.1/24");
    REQUIRE(a.mac.has_value());
    CHECK(format_mac(*a.mac) == "02:00:00:00:01:01");
    CHECK(a.vlan == 101);
    CHECK(a.mtu == 1400);
    CHECK(a.rx_queue_size == 512);
    CHECK(a.tx_queue_size == 256);
    CHECK(a.origin.file == file.string());
    CHECK(a.origin.line == 11);
    const PortConfig& f = c.ports[1];
    CHECK(f.name == "farm");
    CHECK(f.device == "0000:03:00.1");
    CHECK(format_prefix(f.address) == "198.51.100.254/24");
    CHECK_FALSE(f.mac.has_value());
    CHECK(f.vlan == 0);
    CHECK(f.mtu == 9000);  // absent: the driver's
    CHECK(f.rx_queue_size == 0);
    CHECK(f.tx_queue_size == 0);
    CHECK(f.origin.line == 13);
    CHECK(c.ports[2].name == "core");
    CHECK(c.ports[2].device == "04:00.0,mprq_en=1");
    CHECK(format_prefix(c.ports[2].address) == "203.0.113.1/31");

    REQUIRE(c.routes.size() == 2);
    CHECK(format_prefix(c.routes[0].prefix) == "0.0.0.0/0");
    CHECK(format_ipv4(c.routes[0].via) == "192.0.2.254");
    CHECK(c.routes[0].origin.line == 17);
    CHECK(format_prefix(c.routes[1].prefix) == "203.0.113.128/25");
    CHECK(format_ipv4(c.routes[1].via) == "198.51.100.10");
    CHECK(c.routes[1].origin.file == file.string());
    CHECK(c.routes[1].origin.line == 18);

    CHECK(c.neighbors.max_entries == 8192);
    CHECK(c.neighbors.reachable_time_s == 60);
    CHECK(c.neighbors.retries == 5);
    CHECK(c.neighbors.retry_interval_ms == 250);
    CHECK(c.neighbors.hold_packets == 8);
    CHECK(c.console.socket_dir == "/tmp/haslb-test");  // trailing slash dropped
    CHECK(c.exception.netns == "-");
}

TEST_CASE("absent groups and keys keep their defaults", "[config]") {
    Result r = load_text(kPort);
    expect_ok(r);
    const Config& c = r.cfg;
    const Config d;
    CHECK(c.eal.lcores == "0-1");
    CHECK(c.eal.file_prefix == "haslb");
    CHECK(c.eal.args.empty());
    CHECK(c.driver.name == "default");
    CHECK(c.driver.rx_queue_size == d.driver.rx_queue_size);
    CHECK(c.driver.tx_queue_size == d.driver.tx_queue_size);
    CHECK(c.driver.rss == true);
    CHECK(c.driver.mtu == 1500);
    CHECK(c.mempool.mbufs == 16383);
    CHECK(c.mempool.cache == 256);
    REQUIRE(c.ports.size() == 1);
    CHECK(c.ports[0].mtu == 1500);
    CHECK(c.ports[0].vlan == 0);
    CHECK(c.ports[0].origin.file == "inline.conf");
    CHECK(c.ports[0].origin.line == 1);
    CHECK(c.routes.empty());
    CHECK(c.neighbors.max_entries == 4096);
    CHECK(c.neighbors.reachable_time_s == 300);
    CHECK(c.neighbors.retries == 3);
    CHECK(c.neighbors.retry_interval_ms == 1000);
    CHECK(c.neighbors.hold_packets == 4);
    CHECK(c.console.socket_dir == "/run/haslb");
    CHECK(c.exception.netns == "");
    CHECK(c.file == "inline.conf");
}

TEST_CASE("Error::str is file:line: key: message", "[config]") {
    CHECK(Error{{"lab.conf", 12}, "ports.[1].address", "bad"}.str() ==
          "lab.conf:12: ports.[1].address: bad");
    CHECK(Error{{"lab.conf", 0}, "ports", "required group is missing"}.str() ==
          "lab.conf: ports: required group is missing");
    CHECK(Error{{"lab.conf", 3}, "", "syntax error"}.str() == "lab.conf:3: syntax error");
    Result r = load_text(R"(
ports = (
  { name = "access"; device = "net_tap0"; address = "192.0.2.300/24"; }
);)");
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].str() ==
          "inline.conf:2: ports.[0].address: \"192.0.2.300/24\" is not an IPv4 prefix "
          "(A.B.C.D/len)");
}

TEST_CASE("every problem is reported, not just the first", "[config]") {
    const fs::path file = data_dir() / "bad/many.conf";
    Result r = load_file(file);
    INFO(all(r.errors));
    CHECK(r.rc == -EINVAL);
    REQUIRE(r.errors.size() == 6);
    const std::string f = file.string();
    check_error(r.errors[0], f, 8, "neighbours", "did you mean \"neighbors\"?");
    check_error(r.errors[1], f, 3, "eal.lcores", "needs at least 2");
    check_error(r.errors[2], f, 5, "ports.[0].address", "is not an IPv4 prefix");
    check_error(r.errors[3], f, 6, "ports.[1].name", "\"Farm\" is not a port name");
    check_error(r.errors[4], f, 6, "ports.[1].device", "\"eth0\" is neither a vdev");
    check_error(r.errors[5], f, 6, "ports.[1].vlan", "4095 is out of range 0..4094");
}

TEST_CASE("a failed load leaves the caller's config untouched", "[config]") {
    Config c;
    c.eal.file_prefix = "before";
    std::vector<Error> errors;
    CHECK(load_string("ports = 1;", "x.conf", "", c, errors) == -EINVAL);
    CHECK(c.eal.file_prefix == "before");
}

// ---------------------------------------------------------------- structure

TEST_CASE("unknown top-level groups are errors", "[config][keys]") {
    Result r = load_text(R"(
ports = ( { name = "p0"; device = "net_tap0"; address = "192.0.2.1/24"; } );
rotues = ( );
widgets = { };)");
    INFO(all(r.errors));
    REQUIRE(r.errors.size() == 2);
    check_error(r.errors[0], "inline.conf", 2, "rotues", "did you mean \"routes\"?");
    check_error(r.errors[1], "inline.conf", 3, "widgets", "expected one of: eal, driver, mempool");
}

TEST_CASE("unknown keys in groups and list elements are errors", "[config][keys]") {
    SECTION("in a group") {
        expect_one(load_text(R"(
ports = ( { name = "p0"; device = "net_tap0"; address = "192.0.2.1/24"; } );
eal = {
  lcores = "0-1";
  file_prefx = "x";
};)"),
                   4, "eal.file_prefx",
                   "unknown key \"file_prefx\" (did you mean \"file_prefix\"?)");
    }
    SECTION("in a list element") {
        Result r = load_text(R"(
ports = (
  { name = "p0"; device = "net_tap0"; address = "192.0.2.1/24"; },
  { name = "p1"; device = "net_tap1";
    adress = "198.51.100.1/24"; }
);)");
        INFO(all(r.errors));
        REQUIRE(r.errors.size() == 2);
        check_error(r.errors[0], "inline.conf", 4, "ports.[1].adress",
                    "unknown key \"adress\" (did you mean \"address\"?)");
        check_error(r.errors[1], "inline.conf", 3, "ports.[1].address", "required key is missing");
    }
}

TEST_CASE("wrong value types are errors at the value's line", "[config][types]") {
    SECTION("integer where a string is expected") {
        expect_one(load_text(R"(
ports = ( { name = "p0"; device = "net_tap0";
            address = 12345; } );)"),
                   2, "ports.[0].address", "expected a string, got an integer");
    }
    SECTION("string where an integer is expected") {
        expect_one(load_text(R"(
ports = ( { name = "p0"; device = "net_tap0"; address = "192.0.2.1/24"; vlan = "10"; } );)"),
                   1, "ports.[0].vlan", "expected an integer, got a string");
    }
    SECTION("float where an integer is expected") {
        expect_one(load_text(std::string(kPort) + "\nmempool = { mbufs = 2048.0; };"), 2,
                   "mempool.mbufs", "expected an integer, got a float");
    }
    SECTION("integer where a boolean is expected") {
        expect_one(load_text(std::string(kPort) + "\ndriver = {\n  rss = 1;\n};"), 3, "driver.rss",
                   "expected true or false, got an integer");
    }
    SECTION("scalar where a group is expected") {
        expect_one(load_text(std::string(kPort) + "\neal = \"0-1\";"), 2, "eal",
                   "expected a group { ... }, got a string");
    }
    SECTION("a list element that is not a group") {
        expect_one(load_text(R"(
ports = (
  "net_tap0" );)"),
                   2, "ports.[0]", "expected a group { ... }, got a string");
    }
    SECTION("non-string in a string list") {
        expect_one(load_text(std::string(kPort) + "\neal = { args = ( \"-n\", 4 ); };"), 2,
                   "eal.args.[1]", "expected a string, got an integer");
    }
}

TEST_CASE("required keys of ports and routes are reported at the element", "[config][keys]") {
    Result r = load_text(R"(
ports = (
  { name = "p0"; device = "net_tap0"; address = "192.0.2.1/24"; },
  { device = "net_tap1";
    address = "198.51.100.1/24"; },
  { name = "p2"; }
);
routes = (
  { via = "192.0.2.2"; },
  { prefix = "10.0.0.0/8"; }
);)");
    INFO(all(r.errors));
    REQUIRE(r.errors.size() == 5);
    check_error(r.errors[0], "inline.conf", 3, "ports.[1].name", "required key is missing");
    check_error(r.errors[1], "inline.conf", 5, "ports.[2].device", "required key is missing");
    check_error(r.errors[2], "inline.conf", 5, "ports.[2].address", "required key is missing");
    check_error(r.errors[3], "inline.conf", 8, "routes.[0].prefix", "required key is missing");
    check_error(r.errors[4], "inline.conf", 9, "routes.[1].via", "required key is missing");
}

TEST_CASE("integers outside their ranges are errors", "[config][ranges]") {
    struct Case {
        const char* text;
        const char* key;
        const char* message;
    };
    const Case cases[] = {
        {"mempool = { mbufs = 1023; };", "mempool.mbufs", "1023 is out of range 1024..16777215"},
        {"mempool = { mbufs = 16777216; };", "mempool.mbufs", "out of range 1024..16777215"},
        {"mempool = { cache = 513; };", "mempool.cache", "513 is out of range 0..512"},
        // (cache <= mbufs / 1.5 is implied by these two ranges: 512 * 1.5 < 1024)
        {"driver = { mtu = 67; };", "driver.mtu", "67 is out of range 68..9600"},
        {"driver = { mtu = 9601; };", "driver.mtu", "out of range 68..9600"},
        {"driver = { rx_queue_size = 32; };", "driver.rx_queue_size", "out of range 64..16384"},
        {"driver = { tx_queue_size = 32768; };", "driver.tx_queue_size", "out of range 64..16384"},
        {"driver = { rx_queue_size = 1000; };", "driver.rx_queue_size", "not a power of two"},
        {"neighbors = { max_entries = 10; };", "neighbors.max_entries", "out of range"},
        {"neighbors = { reachable_time_s = 0; };", "neighbors.reachable_time_s", "out of range"},
        {"neighbors = { retries = 0; };", "neighbors.retries", "out of range 1..100"},
        {"neighbors = { retry_interval_ms = 5; };", "neighbors.retry_interval_ms", "out of range"},
        {"neighbors = { hold_packets = 65; };", "neighbors.hold_packets", "out of range 0..64"},
        {"neighbors = { hold_packets = -1; };", "neighbors.hold_packets", "-1 is out of range"},
    };
    for (const auto& c : cases) {
        INFO(c.text);
        expect_one(load_text(std::string(kPort) + "\n\n" + c.text), 3, c.key, c.message);
    }
}

TEST_CASE("integer literals libconfig would truncate are errors", "[config][types]") {
    expect_one(load_text(std::string(kPort) + "\n\nmempool = { mbufs = 4294967296; };"), 3, "",
               "integer 4294967296 does not fit in 32 bits");
    expect_one(load_text(std::string(kPort) + "\nneighbors = { max_entries = 0x100000000; };"), 2,
               "", "integer 0x100000000 does not fit in 32 bits");
    // The L suffix makes a 64-bit value: then the range check speaks.
    expect_one(load_text(std::string(kPort) + "\nmempool = { mbufs = 4294967296L; };"), 2,
               "mempool.mbufs", "4294967296 is out of range 1024..16777215");
    // Digits in names, strings and comments are not integers.
    expect_ok(
        load_text(std::string(kPort) +
                  "\n# 99999999999\neal = { args = [ \"--x=99999999999\" ]; }; // 88888888888"));
}
