// SPDX-License-Identifier: BSD-3-Clause
// The smaller groups: mempool sizing, eal (lcores, file prefix, EAL
// arguments), driver offloads, console and exception.
#include <catch2/catch.hpp>

#include <string>

#include "config_helpers.hpp"

using namespace haslb::config;
using namespace haslb::config::test;
namespace fs = std::filesystem;

TEST_CASE("the mbuf pool must cover the RX rings and lcore caches", "[config][mempool]") {
    // 2 ports x 3 workers x 2048 + 4 lcores x 256 = 13312 > 8191.
    Result r = load_text(R"(
eal = { lcores = "0-3"; };
driver = { rx_queue_size = 2048; };
mempool = {
  mbufs = 8191;
};
ports = (
  { name = "p0"; device = "net_tap0"; address = "192.0.2.1/24"; },
  { name = "p1"; device = "net_tap1"; address = "198.51.100.1/24"; }
);)");
    expect_one(r, 4, "mempool.mbufs",
               "8191 mbufs cannot fill the RX rings and lcore caches: they hold 13312");
    SECTION("without a mempool group the error names the file") {
        Result d = load_text(R"(
eal = { lcores = "0-3"; };
driver = { rx_queue_size = 8192; };
ports = ( { name = "p0"; device = "net_tap0"; address = "192.0.2.1/24"; } );)");
        expect_one(d, 0, "mempool.mbufs", "16383 mbufs cannot fill");
    }
}

TEST_CASE("eal.lcores is an EAL lcore list of at least 2 lcores", "[config][eal]") {
    auto eal = [](const char* lcores) {
        return load_text(std::string(kPort) + "\neal = {\n  lcores = \"" + lcores + "\";\n};");
    };
    for (const char* bad : {"", "0-", "-1", "a", "0,,1", "0-1-2", "0;1", " 0-1", "0-1 ", "1,"}) {
        INFO(bad);
        expect_one(eal(bad), 3, "eal.lcores", "is not an lcore list (e.g. \"0-1\" or \"0,2-3\")");
    }
    expect_one(eal("0-128"), 3, "eal.lcores", "lcore 128 is out of range 0..127");
    expect_one(eal("3-1"), 3, "eal.lcores", "range \"3-1\" is backwards");
    expect_one(eal("0-2,2"), 3, "eal.lcores", "lcore 2 is listed twice");
    expect_one(eal("5"), 3, "eal.lcores",
               "\"5\" names 1 lcore; haslb needs at least 2 (the control lcore and one worker)");
    expect_one(eal("4-4"), 3, "eal.lcores", "needs at least 2");
    for (const char* good : {"0-1", "0,2-3", "1,0", "126-127", "0,64"}) {
        INFO(good);
        Result r = eal(good);
        expect_ok(r);
        CHECK(r.cfg.eal.lcores == good);
    }
}

TEST_CASE("eal.file_prefix and EAL argument lists", "[config][eal]") {
    auto eal = [](const std::string& body) {
        return load_text(std::string(kPort) + "\neal = {\n  " + body + "\n};");
    };
    for (const char* bad : {"", "a/b", "has space", "012345678901234567890123456789012", "x.y"}) {
        INFO(bad);
        expect_one(eal(std::string("file_prefix = \"") + bad + "\";"), 3, "eal.file_prefix",
                   "is not a file prefix ([A-Za-z0-9_-], 1 to 32 characters)");
    }
    expect_ok(eal("file_prefix = \"haslb-A_1\";"));
    expect_one(eal("args = [ \"--log-level=8\", \"-l\", \"0-3\" ];"), 3, "eal.args.[1]",
               "\"-l\" is set by haslb from eal.lcores; remove it");
    expect_one(eal("args = [ \"-l0-3\" ];"), 3, "eal.args.[0]", "set by haslb from eal.lcores");
    expect_one(eal("args = [ \"--file-prefix=x\" ];"), 3, "eal.args.[0]", "eal.file_prefix");
    expect_one(eal("args = [ \"--lcores\", \"0-3\" ];"), 3, "eal.args.[0]", "eal.lcores");
    expect_one(eal("args = [ \"\" ];"), 3, "eal.args.[0]", "empty EAL argument");
    expect_one(
        load_text(std::string(kPort) + "\ndriver = {\n  eal_args = [ \"-c\", \"0x3\" ];\n};"), 3,
        "driver.eal_args.[0]", "\"-c\" is set by haslb from eal.lcores");
    expect_ok(eal("args = [ \"--log-level=lib.eal:debug\", \"--no-telemetry\" ];"));
}

TEST_CASE("driver offloads are known DPDK offload names, each once", "[config][driver]") {
    auto driver = [](const std::string& body) {
        return load_text(std::string(kPort) + "\ndriver = {\n  " + body + "\n};");
    };
    expect_one(driver("rx_offloads = [ \"ipv4_cksm\" ];"), 3, "driver.rx_offloads.[0]",
               "unknown offload \"ipv4_cksm\" (did you mean \"ipv4_cksum\"?)");
    expect_one(driver("rx_offloads = [ \"vlan_insert\" ];"), 3, "driver.rx_offloads.[0]",
               "unknown offload \"vlan_insert\"");
    expect_one(driver("tx_offloads = [ \"udp_cksum\", \"vlan_strip\" ];"), 3,
               "driver.tx_offloads.[1]", "unknown offload \"vlan_strip\"");
    expect_one(driver("tx_offloads = [ \"udp_cksum\", \"udp_cksum\" ];"), 3,
               "driver.tx_offloads.[1]", "offload \"udp_cksum\" is listed twice");
    expect_one(driver("name = \"has space\";"), 3, "driver.name", "is not a profile name");
    Result ok = driver(
        "rx_offloads = [ \"ipv4_cksum\", \"udp_cksum\", \"tcp_cksum\", \"vlan_strip\", "
        "\"rss_hash\" ];\n  tx_offloads = [ \"ipv4_cksum\", \"udp_cksum\", \"tcp_cksum\", "
        "\"vlan_insert\", \"mbuf_fast_free\", \"multi_segs\" ];");
    expect_ok(ok);
    CHECK(ok.cfg.driver.rx_offloads.size() == 5);
    CHECK(ok.cfg.driver.tx_offloads.size() == 6);
}

TEST_CASE("console and exception settings", "[config][misc]") {
    auto with = [](const std::string& group) {
        return load_text(std::string(kPort) + "\n" + group);
    };
    expect_one(with("console = {\n  socket_dir = \"run/haslb\";\n};"), 3, "console.socket_dir",
               "\"run/haslb\" is not an absolute directory");
    expect_one(with("console = {\n  socket_dir = \"/" + std::string(100, 'd') + "\";\n};"), 3,
               "console.socket_dir", "is longer than 107 characters");
    for (const char* bad : {".", "..", "a/b", "with space", "012345678901234567890123456789012"}) {
        INFO(bad);
        expect_one(with(std::string("exception = {\n  netns = \"") + bad + "\";\n};"), 3,
                   "exception.netns", "is not a network namespace name");
    }
    for (const char* good : {"", "-", "haslb-lab", "ns.1_a"}) {
        INFO(good);
        Result r = with(std::string("exception = { netns = \"") + good + "\"; };");
        expect_ok(r);
        CHECK(r.cfg.exception.netns == good);
    }
}
