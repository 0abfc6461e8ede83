// SPDX-License-Identifier: BSD-3-Clause
// Config files: unreadable files, syntax errors, @include resolution, and
// every shipped example config and driver profile.
#include <catch2/catch.hpp>

#include <cerrno>
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "config_helpers.hpp"

using namespace haslb::config;
using namespace haslb::config::test;
namespace fs = std::filesystem;

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
