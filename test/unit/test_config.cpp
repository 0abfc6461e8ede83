// SPDX-License-Identifier: BSD-3-Clause
// The configuration loader: every value of a full config, the defaults, one
// test per validation rule (each checking file, line and key of the error),
// @include resolution, and every shipped example config and driver profile.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <unistd.h>
#include <vector>

#include "config/config.hpp"

using namespace haslb::config;
namespace fs = std::filesystem;

namespace {

// The environment's HASLB_SOURCE_ROOT, else the build's (a compile
// definition), else derived from this file's path, which meson gives relative
// to the build directory the tests run in.
fs::path source_root() {
    if (const char* e = std::getenv("HASLB_SOURCE_ROOT"); e && *e) return e;
#ifdef HASLB_SOURCE_ROOT
    return HASLB_SOURCE_ROOT;
#else
    fs::path p = fs::path(__FILE__).parent_path().parent_path().parent_path();
    return p.empty() ? fs::path(".") : p;
#endif
}

fs::path data_dir() {
    return source_root() / "test/unit/data/config";
}

// How the loader names an included file in messages.
std::string shown(const fs::path& p) {
    return p.lexically_normal().string();
}

struct Result {
    int rc = 0;
    Config cfg;
    std::vector<Error> errors;
};

// Loads `text` as "inline.conf"; a leading newline is dropped so that line 1
// is the first line after R"(.
Result load_text(std::string_view text, const std::string& include_dir = data_dir().string()) {
    Result r;
    std::string t(text);
    if (!t.empty() && t[0] == '\n') t.erase(0, 1);
    r.rc = load_string(t, "inline.conf", include_dir, r.cfg, r.errors);
    return r;
}

Result load_file(const fs::path& p) {
    Result r;
    r.rc = load(p.string(), r.cfg, r.errors);
    return r;
}

std::string all(const std::vector<Error>& errors) {
    std::string s;
    for (const auto& e : errors) s += e.str() + "\n";
    return s;
}

void check_error(const Error& e, const std::string& file, int line, const std::string& key,
                 const std::string& part) {
    INFO("error: " << e.str());
    CHECK(e.origin.file == file);
    CHECK(e.origin.line == line);
    CHECK(e.key == key);
    CHECK_THAT(e.message, Catch::Contains(part));
}

// Exactly one error, in inline.conf.
void expect_one(const Result& r, int line, const std::string& key, const std::string& part) {
    INFO(all(r.errors));
    CHECK(r.rc == -EINVAL);
    REQUIRE(r.errors.size() == 1);
    check_error(r.errors[0], "inline.conf", line, key, part);
}

void expect_ok(const Result& r) {
    INFO(all(r.errors));
    CHECK(r.rc == 0);
    CHECK(r.errors.empty());
}

// A scratch directory under /tmp, removed at the end of the test.
struct TempDir {
    fs::path path;
    TempDir() {
        std::string tmpl = (fs::temp_directory_path() / "haslb-cfgtest-XXXXXX").string();
        REQUIRE(mkdtemp(tmpl.data()) != nullptr);
        path = tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    fs::path write(const std::string& name, const std::string& text) const {
        fs::path p = path / name;
        fs::create_directories(p.parent_path());
        std::ofstream(p) << text;
        return p;
    }
};

constexpr std::string_view kPort =
    R"(ports = ( { name = "p0"; device = "net_tap0"; address = "192.0.2.1/24"; } );)";

}  // namespace

TEST_CASE("the test data is found (else set HASLB_SOURCE_ROOT)", "[config]") {
    INFO("looked in " << data_dir().string());
    REQUIRE(fs::is_directory(data_dir()));
}

// ---------------------------------------------------------------- values

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
slb = { };)");
    INFO(all(r.errors));
    REQUIRE(r.errors.size() == 2);
    check_error(r.errors[0], "inline.conf", 2, "rotues", "did you mean \"routes\"?");
    check_error(r.errors[1], "inline.conf", 3, "slb", "expected one of: eal, driver, mempool");
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

// ---------------------------------------------------------------- routes

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

// ---------------------------------------------------------------- eal, driver, misc

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

// ---------------------------------------------------------------- files and @include

TEST_CASE("a missing or unreadable file is -ENOENT with 'cannot read file'", "[config][files]") {
    const fs::path missing = data_dir() / "does-not-exist.conf";
    Result r = load_file(missing);
    CHECK(r.rc == -ENOENT);
    REQUIRE(r.errors.size() == 1);
    check_error(r.errors[0], missing.string(), 0, "", "cannot read file");
    CHECK(r.errors[0].str() == missing.string() + ": cannot read file");
}

TEST_CASE("syntax errors name the file and line, also inside an include", "[config][files]") {
    SECTION("top file") {
        const fs::path file = data_dir() / "bad/syntax.conf";
        Result r = load_file(file);
        CHECK(r.rc == -EINVAL);
        REQUIRE(r.errors.size() == 1);
        check_error(r.errors[0], file.string(), 5, "", "syntax error");
    }
    SECTION("included file") {
        Result r = load_file(data_dir() / "bad/syntax-in-include.conf");
        CHECK(r.rc == -EINVAL);
        REQUIRE(r.errors.size() == 1);
        check_error(r.errors[0], shown(data_dir() / "bad/inc/syntax.conf"), 3, "", "syntax error");
    }
    SECTION("duplicate setting") {
        Result r =
            load_text(std::string(kPort) + "\neal = { lcores = \"0-1\";\n  lcores = \"0-2\"; };");
        REQUIRE(r.errors.size() == 1);
        check_error(r.errors[0], "inline.conf", 3, "", "duplicate setting name");
    }
}

TEST_CASE("validation errors in an included file name that file and line", "[config][files]") {
    const fs::path top = data_dir() / "bad/error-in-include.conf";
    Result r = load_file(top);
    INFO(all(r.errors));
    CHECK(r.rc == -EINVAL);
    REQUIRE(r.errors.size() == 3);
    const std::string inc = shown(data_dir() / "bad/inc/bad-driver.conf");
    check_error(r.errors[0], inc, 5, "driver.tx_offload", "did you mean \"tx_offloads\"?");
    check_error(r.errors[1], inc, 4, "driver.rx_queue_size", "not a power of two");
    check_error(r.errors[2], top.string(), 5, "mempool.mbufs", "100 is out of range");
}

TEST_CASE("@include paths are relative to the including file's directory", "[config][files]") {
    SECTION("from load(): relative to the config file, not the working directory") {
        // full.conf includes "drivers/full-driver.conf"; run from elsewhere.
        fs::path abs = fs::absolute(data_dir() / "good/full.conf");
        fs::path cwd = fs::current_path();
        fs::current_path(fs::temp_directory_path());
        Result r = load_file(abs);
        fs::current_path(cwd);
        expect_ok(r);
        CHECK(r.cfg.driver.name == "test-full");
        CHECK(r.cfg.driver.origin.file == shown(abs.parent_path() / "drivers/full-driver.conf"));
    }
    SECTION("nested: relative to the file that holds the @include line") {
        Result r = load_file(data_dir() / "good/nested/top.conf");
        expect_ok(r);
        CHECK(r.cfg.driver.name == "nested-leaf");
        CHECK(r.cfg.driver.mtu == 1280);
        CHECK(r.cfg.driver.origin.file == shown(data_dir() / "good/nested/sub/mid.conf"));
        CHECK(r.cfg.driver.origin.line == 2);
    }
    SECTION("from load_string(): relative to include_dir") {
        Result r = load_text(std::string("@include \"good/drivers/full-driver.conf\"\n") +
                             std::string(kPort));
        expect_ok(r);
        CHECK(r.cfg.driver.name == "test-full");
        CHECK(r.cfg.ports[0].origin.line == 2);  // after the include, lines are the top file's
    }
}

TEST_CASE("absolute @include paths are used as they are", "[config][files]") {
    // libconfig 1.5 would prefix them with its include directory.
    const std::string driver = fs::absolute(data_dir() / "good/drivers/full-driver.conf").string();
    SECTION("load_string") {
        Result r = load_text("@include \"" + driver + "\"\n" + std::string(kPort));
        expect_ok(r);
        CHECK(r.cfg.driver.name == "test-full");
        CHECK(r.cfg.driver.origin.file == shown(driver));
    }
    SECTION("load() of a file elsewhere") {
        TempDir tmp;
        fs::path top = tmp.write("etc/haslb.conf",
                                 "# SPDX-License-Identifier: BSD-3-Clause\n"
                                 "@include \"" +
                                     driver + "\"  # a comment\n" + std::string(kPort) + "\n");
        Result r = load_file(top);
        expect_ok(r);
        CHECK(r.cfg.driver.name == "test-full");
        CHECK(r.cfg.ports[0].origin.file == top.string());
        CHECK(r.cfg.ports[0].origin.line == 3);
    }
}

TEST_CASE("@include problems are errors at the @include line", "[config][files]") {
    SECTION("missing file") {
        const fs::path top = data_dir() / "bad/include-missing.conf";
        Result r = load_file(top);
        CHECK(r.rc == -EINVAL);
        REQUIRE(r.errors.size() == 1);
        check_error(r.errors[0], top.string(), 4, "",
                    "cannot read included file \"" +
                        shown(data_dir() / "bad/inc/does-not-exist.conf") +
                        "\" (No such file or directory)");
    }
    SECTION("cycle") {
        const fs::path top = data_dir() / "bad/cycle-a.conf";
        Result r = load_file(top);
        CHECK(r.rc == -EINVAL);
        REQUIRE(r.errors.size() == 1);
        check_error(r.errors[0], shown(data_dir() / "bad/cycle-b.conf"), 3, "",
                    "@include cycle: \"" + shown(data_dir() / "bad/cycle-a.conf") + "\"");
    }
    SECTION("text after the file name") {
        expect_one(load_text(std::string(kPort) + "\n@include \"good/nested/sub/leaf.conf\" x"), 2,
                   "", "unexpected text after the file name");
    }
    SECTION("an @include in a comment or a string is not one") {
        expect_ok(load_text(std::string(kPort) + R"(
/*
@include "nope.conf"
*/
eal = { args = [ "a
@include \"nope.conf\"" ]; };)"));
    }
}

// ---------------------------------------------------------------- shipped files

TEST_CASE("every example config in app/haslb/conf loads without error", "[config][examples]") {
    const fs::path dir = source_root() / "app/haslb/conf";
    size_t n = 0;
    for (const auto& entry : fs::directory_iterator(dir)) {
        if (entry.path().extension() != ".conf") continue;
        ++n;
        INFO(entry.path().string());
        Result r = load_file(entry.path());
        expect_ok(r);
        CHECK_FALSE(r.cfg.ports.empty());
        CHECK(r.cfg.driver.name != "default");  // each includes a driver profile
    }
    CHECK(n >= 3);
}

TEST_CASE("lab.conf is what scripts/run-lab expects", "[config][examples]") {
    Result r = load_file(source_root() / "app/haslb/conf/lab.conf");
    expect_ok(r);
    const Config& c = r.cfg;
    CHECK(c.driver.name == "lab-af_packet");
    CHECK(c.driver.eal_args ==
          std::vector<std::string>{"--no-huge", "-m", "512", "--no-pci", "--no-shconf"});
    CHECK(c.eal.lcores == "0-1");
    CHECK(c.eal.file_prefix == "haslb-lab");
    REQUIRE(c.ports.size() == 3);
    CHECK(c.ports[0].name == "access");
    CHECK(c.ports[0].device == "net_af_packet0,iface=lab-access,qpairs=2");
    CHECK(format_prefix(c.ports[0].address) == "192.0.2.1/24");
    CHECK(c.ports[1].name == "farm");
    CHECK(c.ports[1].device == "net_af_packet1,iface=lab-farm,qpairs=2");
    CHECK(format_prefix(c.ports[1].address) == "198.51.100.1/24");
    CHECK(c.ports[2].name == "core");
    CHECK(c.ports[2].device == "net_af_packet2,iface=lab-core,qpairs=2");
    CHECK(format_prefix(c.ports[2].address) == "203.0.113.1/25");
    REQUIRE(c.routes.size() == 1);
    CHECK(format_prefix(c.routes[0].prefix) == "203.0.113.128/25");
    CHECK(format_ipv4(c.routes[0].via) == "203.0.113.10");
}

TEST_CASE("every driver profile in drivers-cfg defines only a valid driver group",
          "[config][examples]") {
    const fs::path dir = source_root() / "drivers-cfg";
    size_t n = 0;
    for (const auto& entry : fs::directory_iterator(dir)) {
        if (entry.path().extension() != ".conf") continue;
        ++n;
        const std::string name = entry.path().stem().string();
        INFO(entry.path().string());
        // A port of the kind the profile is for, with the queues one worker needs.
        std::string device = name == "lab-af_packet" ? "net_af_packet0,iface=x,qpairs=2"
                             : name == "lab-tap"     ? "net_tap0,iface=x"
                             : name == "lab-pcap" ? "net_pcap0,rx_iface_in=x,tx_iface=x,tx_iface=x"
                                                  : "0000:03:00.0";
        Result r = load_text("@include \"" + fs::absolute(entry.path()).string() +
                             "\"\nmempool = { mbufs = 65535; };\nports = ( { name = \"p0\"; "
                             "device = \"" +
                             device + "\"; address = \"192.0.2.1/24\"; } );\n");
        expect_ok(r);
        CHECK(r.cfg.driver.name == name);
        CHECK(r.cfg.driver.origin.file == shown(fs::absolute(entry.path())));
        // Nothing but `driver`: the profile alone has no ports.
        Result alone = load_file(entry.path());
        REQUIRE(alone.errors.size() == 1);
        CHECK(alone.errors[0].key == "ports");
    }
    CHECK(n == 8);
}
