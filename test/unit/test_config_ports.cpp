// SPDX-License-Identifier: BSD-3-Clause
// The ports group: one test per validation rule of a port (name, device,
// address, MAC, VLAN, MTU, queues), each checking line and key of the error.
#include <catch2/catch.hpp>

#include <string>

#include "config_helpers.hpp"

using namespace haslb::config;
using namespace haslb::config::test;
namespace fs = std::filesystem;

TEST_CASE("ports is required and holds 1 to 16 ports", "[config][ports]") {
    SECTION("missing") {
        Result r = load_text("eal = { lcores = \"0-1\"; };\n");
        INFO(all(r.errors));
        REQUIRE(r.errors.size() == 1);
        check_error(r.errors[0], "inline.conf", 0, "ports", "required group is missing");
    }
    SECTION("empty") {
        expect_one(load_text("#\n#\nports = ( );\n"), 3, "ports", "at least one port");
    }
    SECTION("17 ports") {
        std::string text = "ports = (\n";
        for (int i = 0; i < 17; ++i) {
            std::string n = std::to_string(i);
            text += (i ? ",\n" : "") + std::string("{ name = \"p") + n + "\"; device = \"net_tap" +
                    n + "\"; address = \"10." + n + ".0.1/24\"; }";
        }
        text += "\n);\n";
        expect_one(load_text(text), 1, "ports", "17 ports; at most 16");
    }
    SECTION("not a list") {
        expect_one(load_text("ports = { name = \"p0\"; };\n"), 1, "ports",
                   "expected a list ( ... ), got a group");
    }
}

TEST_CASE("port keys: vlan, mtu and queue sizes", "[config][ports]") {
    const char* cases[][3] = {
        {"vlan = 4095;", "ports.[0].vlan", "4095 is out of range 0..4094"},
        {"vlan = -1;", "ports.[0].vlan", "out of range 0..4094"},
        {"mtu = 67;", "ports.[0].mtu", "67 is out of range 68..9600"},
        {"mtu = 9601;", "ports.[0].mtu", "out of range 68..9600"},
        {"rx_queue_size = 100;", "ports.[0].rx_queue_size", "not a power of two in 64..16384"},
        {"tx_queue_size = 32;", "ports.[0].tx_queue_size", "not a power of two in 64..16384"},
        {"tx_queue_size = 32768;", "ports.[0].tx_queue_size", "out of range 0..16384"},
    };
    for (const auto& c : cases) {
        INFO(c[0]);
        expect_one(load_text(std::string(R"(
ports = ( { name = "p0"; device = "net_tap0"; address = "192.0.2.1/24";
  )") + c[0] + " } );"),
                   2, c[1], c[2]);
    }
    Result ok = load_text(R"(
ports = ( { name = "p0"; device = "net_tap0"; address = "192.0.2.1/24";
            vlan = 4094; mtu = 68; rx_queue_size = 64; tx_queue_size = 16384; } );)");
    expect_ok(ok);
    CHECK(ok.cfg.ports[0].vlan == 4094);
    CHECK(ok.cfg.ports[0].tx_queue_size == 16384);
}

TEST_CASE("port names are [a-z][a-z0-9_-]{0,14}", "[config][ports]") {
    for (const char* bad : {"Access", "1port", "", "a-very-long-name", "p 0", "p.0", "_p"}) {
        INFO(bad);
        expect_one(load_text(std::string("ports = ( {\n  name = \"") + bad +
                             "\"; device = \"net_tap0\"; address = \"192.0.2.1/24\"; } );"),
                   2, "ports.[0].name", "is not a port name");
    }
    for (const char* good : {"a", "access", "farm_2", "core-1", "abcdefghijklmno"}) {
        INFO(good);
        expect_ok(load_text(std::string("ports = ( { name = \"") + good +
                            "\"; device = \"net_tap0\"; address = \"192.0.2.1/24\"; } );"));
    }
}

TEST_CASE("devices are net_* vdev devargs or PCI addresses", "[config][ports]") {
    for (const char* good : {"net_tap0", "net_af_packet0,iface=veth0,qpairs=2", "0000:03:00.0",
                             "03:00.1", "0000:AF:1f.7", "0000:03:00.0,mprq_en=1", "net_null0"}) {
        INFO(good);
        expect_ok(load_text(std::string("ports = ( { name = \"p0\"; device = \"") + good +
                            "\"; address = \"192.0.2.1/24\"; } );"));
    }
    for (const char* bad : {"eth0", "net_", "net_,iface=x", "tap0", "0000:03:00", "03:00.8",
                            "03:20.0", "0000:03:00.0.1", "", "00000:03:00.0", "net_ tap"}) {
        INFO(bad);
        expect_one(load_text(std::string("ports = ( { name = \"p0\";\n  device = \"") + bad +
                             "\"; address = \"192.0.2.1/24\"; } );"),
                   2, "ports.[0].device", "is neither a vdev");
    }
    expect_one(load_text(R"(
ports = ( { name = "p0"; address = "192.0.2.1/24";
            device = "net_tap_exc0"; } );)"),
               2, "ports.[0].device", "reserved for haslb's exception path");
}

TEST_CASE("port addresses: a host address with its prefix length", "[config][ports]") {
    auto port = [](const char* address) {
        return load_text(std::string("ports = (\n  { name = \"p0\"; device = \"net_tap0\";\n"
                                     "    address = \"") +
                         address + "\"; }\n);");
    };
    expect_one(port("192.0.2.300/24"), 3, "ports.[0].address",
               "\"192.0.2.300/24\" is not an IPv4 prefix (A.B.C.D/len)");
    expect_one(port("192.0.2.1"), 3, "ports.[0].address", "is not an IPv4 prefix");
    expect_one(port("192.0.2.0/24"), 3, "ports.[0].address",
               "192.0.2.0 is the network address of 192.0.2.0/24");
    expect_one(port("192.0.2.255/24"), 3, "ports.[0].address",
               "192.0.2.255 is the broadcast address of 192.0.2.0/24");
    expect_one(port("192.0.2.1/0"), 3, "ports.[0].address", "cannot be /0");
    expect_one(port("127.0.0.1/8"), 3, "ports.[0].address", "loopback");
    expect_one(port("224.0.0.5/24"), 3, "ports.[0].address", "multicast");
    expect_one(port("0.0.0.1/24"), 3, "ports.[0].address", "0.0.0.0/8");
    // /31 (RFC 3021) and /32 have no network or broadcast address.
    expect_ok(port("192.0.2.0/31"));
    expect_ok(port("192.0.2.1/31"));
    expect_ok(port("192.0.2.7/32"));
}

TEST_CASE("port MAC overrides are unicast xx:xx:xx:xx:xx:xx", "[config][ports]") {
    auto port = [](const char* mac) {
        return load_text(std::string(R"(
ports = ( { name = "p0"; device = "net_tap0"; address = "192.0.2.1/24";
            mac = ")") + mac +
                         "\"; } );");
    };
    expect_one(port("02:00:00:00:01"), 2, "ports.[0].mac", "is not a MAC address");
    expect_one(port("03:00:00:00:00:01"), 2, "ports.[0].mac", "multicast");
    expect_one(port("00:00:00:00:00:00"), 2, "ports.[0].mac", "not a usable MAC");
    Result ok = port("02:AB:00:00:00:01");
    expect_ok(ok);
    CHECK(format_mac(*ok.cfg.ports[0].mac) == "02:ab:00:00:00:01");
}

TEST_CASE("port names, devices and addresses are unique; subnets do not overlap",
          "[config][ports]") {
    SECTION("name") {
        expect_one(load_text(R"(
ports = (
  { name = "p0"; device = "net_tap0"; address = "192.0.2.1/24"; },
  { device = "net_tap1"; address = "198.51.100.1/24";
    name = "p0"; }
);)"),
                   4, "ports.[1].name",
                   "port name \"p0\" is already used by ports.[0] (inline.conf:2)");
    }
    SECTION("vdev name, whatever the devargs") {
        expect_one(load_text(R"(
ports = (
  { name = "p0"; device = "net_tap0,iface=a"; address = "192.0.2.1/24"; },
  { name = "p1"; address = "198.51.100.1/24";
    device = "net_tap0,iface=b"; }
);)"),
                   4, "ports.[1].device", "device net_tap0 is already used by port \"p0\"");
    }
    SECTION("PCI address, short and long forms") {
        expect_one(load_text(R"(
ports = (
  { name = "p0"; device = "0000:03:00.0"; address = "192.0.2.1/24"; },
  { name = "p1"; address = "198.51.100.1/24";
    device = "03:00.0"; }
);)"),
                   4, "ports.[1].device", "device 0000:03:00.0 is already used");
    }
    SECTION("address") {
        expect_one(load_text(R"(
ports = (
  { name = "p0"; device = "net_tap0"; address = "192.0.2.1/24"; },
  { name = "p1"; device = "net_tap1";
    address = "192.0.2.1/25"; }
);)"),
                   4, "ports.[1].address", "address 192.0.2.1 is already used by port \"p0\"");
    }
    SECTION("overlapping subnets") {
        expect_one(
            load_text(R"(
ports = (
  { name = "p0"; device = "net_tap0"; address = "192.0.2.1/24"; },
  { name = "p1"; device = "net_tap1";
    address = "192.0.2.129/25"; }
);)"),
            4, "ports.[1].address",
            "subnet 192.0.2.128/25 overlaps subnet 192.0.2.0/24 of port \"p0\" (inline.conf:2)");
    }
    SECTION("adjacent subnets are fine") {
        expect_ok(load_text(R"(
ports = (
  { name = "p0"; device = "net_tap0"; address = "203.0.113.1/25"; },
  { name = "p1"; device = "net_tap1"; address = "203.0.113.129/25"; }
);)"));
    }
}

TEST_CASE("af_packet and pcap devices have the queues haslb needs", "[config][ports]") {
    SECTION("af_packet without qpairs, one worker") {
        expect_one(load_text(R"(
ports = (
  { name = "p0"; address = "192.0.2.1/24";
    device = "net_af_packet0,iface=veth0"; }
);)"),
                   3, "ports.[0].device", "needs qpairs >= 2 (1 worker + the control");
    }
    SECTION("af_packet qpairs=2 with three workers") {
        expect_one(load_text(R"(
eal = { lcores = "0-3"; };
ports = (
  { name = "p0"; address = "192.0.2.1/24";
    device = "net_af_packet0,iface=veth0,qpairs=2"; }
);)"),
                   4, "ports.[0].device", "needs qpairs >= 4 (3 workers");
    }
    SECTION("pcap iface= has a single TX queue") {
        expect_one(load_text(R"(
ports = ( { name = "p0"; address = "192.0.2.1/24";
            device = "net_pcap0,iface=veth0"; } );)"),
                   2, "ports.[0].device", "use rx_iface_in=IF and tx_iface=IF 2 times");
    }
    SECTION("pcap with one TX queue") {
        expect_one(load_text(R"(
ports = ( { name = "p0"; address = "192.0.2.1/24";
            device = "net_pcap0,rx_iface_in=veth0,tx_iface=veth0"; } );)"),
                   2, "ports.[0].device", "net_pcap has 1 RX and 1 TX queues");
    }
    SECTION("enough queues") {
        expect_ok(load_text(R"(
ports = (
  { name = "p0"; address = "192.0.2.1/24"; device = "net_af_packet0,iface=a,qpairs=2"; },
  { name = "p1"; address = "198.51.100.1/24";
    device = "net_pcap0,rx_iface_in=b,tx_iface=b,tx_iface=b"; },
  { name = "p2"; address = "203.0.113.1/24";
    device = "net_pcap1,rx_pcap=in.pcap,tx_pcap=o1.pcap,tx_pcap=o2.pcap"; }
);)"));
    }
}

TEST_CASE("PCI ports cannot be used with --no-pci", "[config][ports]") {
    expect_one(load_text(R"(
driver = { eal_args = [ "--no-huge", "--no-pci" ]; };
ports = (
  { name = "p0"; device = "net_tap0"; address = "192.0.2.1/24"; },
  { name = "p1"; address = "198.51.100.1/24";
    device = "0000:03:00.0"; }
);)"),
               5, "ports.[1].device",
               "PCI device 0000:03:00.0 cannot be probed: driver.eal_args has --no-pci");
}
