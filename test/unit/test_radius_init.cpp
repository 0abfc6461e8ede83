// SPDX-License-Identifier: BSD-3-Clause
// RADIUS start and stop as main() does them: what `show radius` and
// `show mobile traffic` show, and the errors that keep haslb from starting
// half configured (the UDP port taken, a spool that cannot be a directory).
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "config_helpers.hpp"
#include "console/console.hpp"
#include "radius/radius.hpp"

using namespace haslb;

namespace {

constexpr uint16_t kPort = 38799;

config::Config radius_config(const std::string& spool, uint16_t port = kPort) {
    config::Config c;
    config::PortConfig p;
    p.name = "core";
    p.address = {0xcb007101, 25};  // 203.0.113.1/25
    c.ports = {p};
    c.radius.dynauth.port = port;
    c.radius.dynauth.clients = {{0xcb00711e, "s3cret", true, {}}};
    c.radius.accounting.servers = {{0xcb00711f, 1813, "acct", {}}};
    c.radius.accounting.spool = spool;
    return c;
}

}  // namespace

TEST_CASE("radius starts, shows itself and stops", "[radius][init]") {
    config::test::TempDir dir;
    const std::string spool = (dir.path / "spool").string();
    std::string err;
    REQUIRE(radius::radius_init(radius_config(spool), err) == 0);
    const radius::Status s = radius::status();
    CHECK(s.dynauth);
    CHECK(s.port == kPort);
    REQUIRE(s.clients.size() == 1);
    CHECK(s.clients[0].address == "203.0.113.30");
    CHECK(s.clients[0].require_message_authenticator);
    CHECK(s.accounting);
    REQUIRE(s.servers.size() == 1);
    CHECK(s.servers[0].address == "203.0.113.31");
    CHECK(s.spool == spool);
    CHECK(s.release_indicator == 14);
    const std::string show = console::run_line("show radius");
    CHECK_THAT(show, Catch::Contains("Dynamic authorization server: UDP 38799, Event-Timestamp "
                                     "window 300 s"));
    CHECK_THAT(show, Catch::Contains("203.0.113.30     required"));
    CHECK_THAT(show,
               Catch::Contains("Accounting: spool " + spool + ", depth 0, Release-Indicator 14"));
    CHECK_THAT(show, Catch::Contains("discard_bad_authenticator"));
    CHECK_THAT(radius::traffic_text(),
               Catch::Contains("Change of Authorization (RADIUS CoA):\n    Request rcvd"));
    radius::radius_fini();
    CHECK_FALSE(radius::status().dynauth);
    CHECK_THAT(console::run_line("show radius"),
               Catch::Contains("Dynamic authorization server: off"));
}

TEST_CASE("radius refuses to start half configured", "[radius][init]") {
    config::test::TempDir dir;
    std::string err;
    SECTION("the UDP port is taken") {
        const int fd = socket(AF_INET, SOCK_DGRAM, 0);
        sockaddr_in sa{};
        sa.sin_family = AF_INET;
        sa.sin_port = htons(kPort - 1);
        REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) == 0);
        CHECK(radius::radius_init(radius_config((dir.path / "s").string(), kPort - 1), err) ==
              -EADDRINUSE);
        CHECK_THAT(err, Catch::Contains("cannot bind UDP port 38798"));
        close(fd);
    }
    SECTION("the spool is a file") {
        const auto file = dir.write("not-a-dir", "x");
        CHECK(radius::radius_init(radius_config(file.string()), err) < 0);
        CHECK_THAT(err, Catch::Contains("radius accounting spool " + file.string()));
    }
    radius::radius_fini();
}

TEST_CASE("without a radius group nothing starts", "[radius][init]") {
    std::string err;
    REQUIRE(radius::radius_init(config::Config{}, err) == 0);
    CHECK_FALSE(radius::status().dynauth);
    CHECK_FALSE(radius::status().accounting);
    radius::radius_fini();
}
