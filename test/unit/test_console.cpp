// SPDX-License-Identifier: BSD-3-Clause
// Console commands as an operator types them (through the real cmdline parser).
#include <catch2/catch.hpp>

#include "console/console.hpp"
#include "frames.hpp"
#include "world.hpp"

using namespace haslb;

TEST_CASE("help lists every registered command with its help text", "[console]") {
    test::World w;
    INFO(w.error());
    REQUIRE(w.ok());
    const std::string out = console::run_line("help");
    for (const char* c : {"show version", "show ports", "show stats", "show stats drops", "show routes",
                          "show neighbors", "help", "quit"})
        CHECK(out.find(std::string("  ") + c + ":") != std::string::npos);
}

TEST_CASE("unknown commands and bad arguments answer with a message", "[console]") {
    test::World w;
    INFO(w.error());
    REQUIRE(w.ok());
    CHECK(console::run_line("frobnicate") == "Command not found: frobnicate (type 'help')\n");
    CHECK(console::run_line("show bogus") == "Bad arguments: show bogus (type 'help')\n");
    CHECK(console::run_line("   ").empty());
    CHECK(console::run_line("# a comment").empty());
}

TEST_CASE("show routes and show neighbors print the tables", "[console]") {
    test::World w;
    INFO(w.error());
    REQUIRE(w.ok());
    const std::string r = console::run_line("show routes");
    CHECK(r.find("C    192.0.2.0/24 is directly connected, ") != std::string::npos);
    CHECK(r.find("S    203.0.113.128/25 [1/0] via 203.0.113.10, ") != std::string::npos);
    const std::string n = console::run_line("show neighbors");
    CHECK(n.find("198.51.100.11") != std::string::npos);
    CHECK(n.find("02:00:00:00:0b:0b") != std::string::npos);
    CHECK(n.find("REACHABLE") != std::string::npos);
}

TEST_CASE("show stats drops names every reason", "[console]") {
    test::World w;
    INFO(w.error());
    REQUIRE(w.ok());
    const std::string d = console::run_line("show stats drops");
    for (size_t i = 0; i < core::kDropCount; i++)
        CHECK(d.find(std::string(core::drop_name(core::Drop(i))) + ": 0") != std::string::npos);
}
