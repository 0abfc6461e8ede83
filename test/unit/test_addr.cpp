// SPDX-License-Identifier: BSD-3-Clause
// Address helpers of lib/config: strict parsing and canonical formatting.
#include <catch2/catch.hpp>

#include <cerrno>

#include "config/config.hpp"

using namespace haslb::config;

TEST_CASE("parse_ipv4 accepts dotted quads in host byte order", "[config][addr]") {
    uint32_t a = 0;
    REQUIRE(parse_ipv4("192.0.2.1", a) == 0);
    CHECK(a == 0xc0000201u);
    REQUIRE(parse_ipv4("0.0.0.0", a) == 0);
    CHECK(a == 0);
    REQUIRE(parse_ipv4("255.255.255.255", a) == 0);
    CHECK(a == 0xffffffffu);
    REQUIRE(parse_ipv4("10.0.0.10", a) == 0);
    CHECK(a == 0x0a00000au);
}

TEST_CASE("parse_ipv4 rejects everything else and leaves the output alone", "[config][addr]") {
    for (const char* s :
         {"",           "1.2.3",     "1.2.3.4.5",  "256.1.1.1", "1.2.3.256", "1.2.3.4 ", " 1.2.3.4",
          "1.2 .3.4",   "1..2.3",    "1.2.3.",     ".1.2.3",    "a.b.c.d",   "-1.2.3.4", "+1.2.3.4",
          "1.2.3.4/24", "0x1.2.3.4", "1234.1.1.1", "01.2.3.4",  "1.2.3.04",  "1.2.3.4\n"}) {
        uint32_t a = 42;
        INFO("input: \"" << s << "\"");
        CHECK(parse_ipv4(s, a) == -EINVAL);
        CHECK(a == 42);
    }
}

TEST_CASE("parse_prefix keeps host bits and the length", "[config][addr]") {
    Ipv4Prefix p;
    REQUIRE(parse_prefix("192.0.2.1/24", p) == 0);
    CHECK(p.addr == 0xc0000201u);
    CHECK(p.len == 24);
    REQUIRE(parse_prefix("0.0.0.0/0", p) == 0);
    CHECK(p.addr == 0);
    CHECK(p.len == 0);
    REQUIRE(parse_prefix("203.0.113.7/32", p) == 0);
    CHECK(p.len == 32);
}

TEST_CASE("parse_prefix rejects malformed prefixes", "[config][addr]") {
    for (const char* s :
         {"", "192.0.2.1", "192.0.2.1/", "192.0.2.1/33", "192.0.2.1/-1", "192.0.2.1/ 24",
          "192.0.2.1 /24", "192.0.2.1/24 ", "192.0.2/24", "1.2.3.4.5/8", "256.0.0.0/8",
          "192.0.2.1/24/1", "192.0.2.1/024", "192.0.2.1/2a", "/24", "192.0.2.1\\24"}) {
        Ipv4Prefix p{7, 7};
        INFO("input: \"" << s << "\"");
        CHECK(parse_prefix(s, p) == -EINVAL);
        CHECK(p.addr == 7);
        CHECK(p.len == 7);
    }
}

TEST_CASE("parse_mac accepts xx:xx:xx:xx:xx:xx in either case", "[config][addr]") {
    MacAddr m{};
    REQUIRE(parse_mac("02:00:00:00:01:0a", m) == 0);
    CHECK(m == MacAddr{0x02, 0x00, 0x00, 0x00, 0x01, 0x0a});
    REQUIRE(parse_mac("AA:bb:Cc:dD:ee:FF", m) == 0);
    CHECK(m == MacAddr{0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff});
}

TEST_CASE("parse_mac rejects other spellings", "[config][addr]") {
    for (const char* s :
         {"", "02:00:00:00:01", "02:00:00:00:01:0a:0b", "02-00-00-00-01-0a", "0200.0000.010a",
          "2:0:0:0:1:a", "02:00:00:00:01:0g", "02:00:00:00:01:0a ", " 02:00:00:00:01:0a",
          "02:00:00:00:01::a", "020000000010a0"}) {
        MacAddr m{1, 2, 3, 4, 5, 6};
        INFO("input: \"" << s << "\"");
        CHECK(parse_mac(s, m) == -EINVAL);
        CHECK(m == MacAddr{1, 2, 3, 4, 5, 6});
    }
}

TEST_CASE("format_* print the canonical forms parse_* read back", "[config][addr]") {
    CHECK(format_ipv4(0xc0000201u) == "192.0.2.1");
    CHECK(format_ipv4(0) == "0.0.0.0");
    CHECK(format_ipv4(0xffffffffu) == "255.255.255.255");
    CHECK(format_prefix(Ipv4Prefix{0xcb007180u, 25}) == "203.0.113.128/25");
    CHECK(format_prefix(Ipv4Prefix{0, 0}) == "0.0.0.0/0");
    CHECK(format_mac(MacAddr{0x02, 0, 0, 0, 0x01, 0xab}) == "02:00:00:00:01:ab");

    for (const char* s : {"198.51.100.7/24", "10.255.0.1/8", "0.0.0.0/0", "1.2.3.4/32"}) {
        Ipv4Prefix p;
        REQUIRE(parse_prefix(s, p) == 0);
        CHECK(format_prefix(p) == s);
    }
    MacAddr m;
    REQUIRE(parse_mac("DE:AD:BE:EF:00:01", m) == 0);
    CHECK(format_mac(m) == "de:ad:be:ef:00:01");
}
