// SPDX-License-Identifier: BSD-3-Clause
// The radius group (dynauth clients, accounting servers and spool): every
// value, the defaults, and one test per validation rule, each asserting the
// file, line, key and message of the error.
#include <catch2/catch.hpp>

#include <string>

#include "config_helpers.hpp"

using namespace haslb::config;
using namespace haslb::config::test;

namespace {

// Two ports on lines 1-4; `radius = {` on line 5; `body` from line 6.
Result radius(std::string_view body) {
    return load_text(std::string(R"(
ports = (
  { name = "access"; device = "net_tap0"; address = "192.0.2.1/24"; },
  { name = "core"; device = "net_tap1"; address = "203.0.113.1/25"; }
);
radius = {)") + std::string(body) +
                     "\n};");
}

}  // namespace

TEST_CASE("every radius value is parsed", "[config][radius]") {
    Result r = radius(R"(
dynauth = { port = 1700; event_timestamp_window = 60; max_pending = 10; pending_timeout = 30;
  clients = (
    { address = "203.0.113.30"; secret = "s3cret"; require_message_authenticator = true; },
    { address = "203.0.113.31"; secret = "other"; } ); };
accounting = { spool = "/var/spool/test"; release_indicator = 15; retransmit = 500;
  max_retransmit = 8000; retries = 5; nas_ip_address = "203.0.113.1";
  servers = ( { address = "203.0.113.40"; secret = "acct"; },
              { address = "203.0.113.41"; port = 1646; secret = "acct2"; } ); };)");
    expect_ok(r);
    const RadiusConfig& c = r.cfg.radius;
    CHECK(c.dynauth.port == 1700);
    CHECK(c.dynauth.event_timestamp_window_s == 60);
    CHECK(c.dynauth.max_pending == 10);
    CHECK(c.dynauth.pending_timeout_s == 30);
    REQUIRE(c.dynauth.clients.size() == 2);
    CHECK(format_ipv4(c.dynauth.clients[0].address) == "203.0.113.30");
    CHECK(c.dynauth.clients[0].secret == "s3cret");
    CHECK(c.dynauth.clients[0].require_message_authenticator);
    CHECK_FALSE(c.dynauth.clients[1].require_message_authenticator);
    CHECK(c.dynauth.clients[1].origin.line == 9);
    CHECK(c.accounting.spool == "/var/spool/test");
    CHECK(c.accounting.release_indicator == 15);
    CHECK(c.accounting.retransmit_ms == 500);
    CHECK(c.accounting.max_retransmit_ms == 8000);
    CHECK(c.accounting.retries == 5);
    CHECK(format_ipv4(c.accounting.nas_ip_address) == "203.0.113.1");
    REQUIRE(c.accounting.servers.size() == 2);
    CHECK(c.accounting.servers[0].port == 1813);
    CHECK(c.accounting.servers[1].port == 1646);
    CHECK(c.accounting.servers[1].secret == "acct2");
}

TEST_CASE("radius defaults", "[config][radius]") {
    Result r = load_text(kPort);
    expect_ok(r);
    const RadiusConfig& c = r.cfg.radius;
    CHECK(c.dynauth.port == 3799);
    CHECK(c.dynauth.event_timestamp_window_s == 300);
    CHECK(c.dynauth.clients.empty());
    CHECK(c.accounting.servers.empty());
    CHECK(c.accounting.spool.empty());
    CHECK(c.accounting.release_indicator == 14);
    CHECK(c.accounting.retransmit_ms == 1000);
    CHECK(c.accounting.max_retransmit_ms == 16000);
    CHECK(c.accounting.retries == 3);
}

TEST_CASE("radius errors name file, line and key", "[config][radius]") {
    SECTION("unknown key") {
        expect_one(radius("\ndynauth = { prot = 3799; };"), 6, "radius.dynauth.prot", "prot");
    }
    SECTION("client without a secret") {
        expect_one(radius("\ndynauth = { clients = ( { address = \"203.0.113.30\"; } ); };"), 6,
                   "radius.dynauth.clients.[0].secret", "required key is missing");
    }
    SECTION("empty secret, and the message does not show it") {
        Result r = radius(
            "\ndynauth = { clients = ( { address = \"203.0.113.30\"; secret = \"\"; } ); };");
        expect_one(r, 6, "radius.dynauth.clients.[0].secret", "1 to 128 characters");
    }
    SECTION("client address twice") {
        expect_one(radius(R"(
dynauth = { clients = (
  { address = "203.0.113.30"; secret = "a"; },
  { address = "203.0.113.30"; secret = "b"; } ); };)"),
                   8, "radius.dynauth.clients.[1].address", "already radius.dynauth.clients.[0]");
    }
    SECTION("a client that is haslb's own address") {
        expect_one(
            radius(
                "\ndynauth = { clients = ( { address = \"203.0.113.1\"; secret = \"a\"; } ); };"),
            6, "radius.dynauth.clients.[0].address", "the address of port \"core\"");
    }
    SECTION("not an address") {
        expect_one(
            radius("\naccounting = { servers = ( { address = \"aaa\"; secret = \"a\"; } ); };"), 6,
            "radius.accounting.servers.[0].address", "not an IPv4 address");
    }
    SECTION("relative spool directory") {
        expect_one(radius("\naccounting = { spool = \"spool\"; };"), 6, "radius.accounting.spool",
                   "absolute path");
    }
    SECTION("max_retransmit below retransmit") {
        expect_one(radius("\naccounting = { retransmit = 2000; max_retransmit = 1000; };"), 6,
                   "radius.accounting.max_retransmit", "below retransmit");
    }
    SECTION("port out of range") {
        expect_one(radius("\ndynauth = { port = 0; };"), 6, "radius.dynauth.port", "");
    }
}
