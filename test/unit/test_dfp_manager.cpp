// SPDX-License-Identifier: BSD-3-Clause
// The DFP manager against an agent played by the test on 127.0.0.1 (the test
// world has no exception namespace, so the manager's sockets are the test's
// own), and DFP weights in the SLB model.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <ctime>

#include "dfp/manager.hpp"
#include "dfp/wire.hpp"
#include "frames.hpp"
#include "slb/slb.hpp"
#include "slb_world.hpp"
#include "world.hpp"

using namespace haslb;

namespace {

struct Slb {
    test::World w;
    Slb() {
        REQUIRE(w.ok());
        std::string err;
        REQUIRE(test::setup_slb(err) == 0);
    }
    ~Slb() {
        dfp::manager_fini();
        slb::slb_fini();
    }
    const slb::RealView view(const std::string& addr, const std::string& farm = "HAFARM") {
        for (const auto& r : slb::real_views())
            if (r.address == addr && r.farm == farm) return r;
        FAIL("no real " << addr);
        return {};
    }
};

// A listening socket on 127.0.0.1 (an ephemeral port) for the manager to reach.
struct FakeAgent {
    int lfd = -1, cfd = -1;
    uint16_t port = 0;
    FakeAgent() {
        lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in sa{};
        sa.sin_family = AF_INET;
        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(bind(lfd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) == 0);
        REQUIRE(listen(lfd, 1) == 0);
        socklen_t len = sizeof(sa);
        getsockname(lfd, reinterpret_cast<sockaddr*>(&sa), &len);
        port = ntohs(sa.sin_port);
    }
    ~FakeAgent() {
        if (cfd >= 0) close(cfd);
        close(lfd);
    }
    bool accept_within(int ms) {
        pollfd p{lfd, POLLIN, 0};
        if (poll(&p, 1, ms) <= 0) return false;
        cfd = accept(lfd, nullptr, nullptr);
        return cfd >= 0;
    }
    void send_weight(const std::string& real, uint16_t weight, const std::string& password = "") {
        dfp::Load l{434, 17, 0, {{test::ip4(real), 65535, weight}}};
        const auto m = dfp::encode_preference({l}, password);
        REQUIRE(write(cfd, m.data(), m.size()) == ssize_t(m.size()));
    }
    std::vector<uint8_t> read_some(int ms) {
        pollfd p{cfd, POLLIN, 0};
        std::vector<uint8_t> out(256);
        if (poll(&p, 1, ms) <= 0) return {};
        ssize_t n = read(cfd, out.data(), out.size());
        out.resize(n > 0 ? size_t(n) : 0);
        return out;
    }
};

config::Config agent_config(uint16_t port, uint32_t timeout_s, const std::string& password = "") {
    config::Config cfg;
    config::DfpAgentConfig a;
    a.address = test::ip4("127.0.0.1");
    a.port = port;
    a.timeout_s = timeout_s;
    a.retry_interval_s = 1;
    cfg.slb.dfp.agents = {a};
    cfg.slb.dfp.password = password;
    return cfg;
}

std::string agent_state() { return dfp::agent_views().at(0).state; }

}  // namespace

TEST_CASE("DFP weights: in force, throttle keeps sessions, revert, FAILED comes back", "[dfp][slb]") {
    Slb t;
    std::string msg;
    const uint32_t ha1 = test::ip4("198.51.100.11");
    REQUIRE(slb::set_real_dfp_weight(ha1, 25, msg) == 0);
    CHECK(t.view("198.51.100.11").weight == 25);
    CHECK(t.view("198.51.100.11", "NATFARM").weight == 25);
    REQUIRE(slb::set_real_dfp_weight(ha1, 0, msg) == 0);
    CHECK(t.view("198.51.100.11").state == "DFP_THROTTLED");
    REQUIRE(slb::set_real_dfp_weight(ha1, -1, msg) == 0);
    CHECK(t.view("198.51.100.11").state == "OPERATIONAL");
    CHECK(t.view("198.51.100.11").weight == 1);
    CHECK(slb::set_real_dfp_weight(test::ip4("198.51.100.99"), 5, msg) == -ENOENT);
}

TEST_CASE("the manager connects, sends DFP Parameters, applies Preference Information and reverts a lost "
          "agent", "[dfp][manager]") {
    Slb t;
    FakeAgent agent;
    std::string err;
    REQUIRE(dfp::manager_init(agent_config(agent.port, 2), err) == 0);
    uint64_t now = 1000000;
    dfp::manager_poll_at(now);
    REQUIRE(agent.accept_within(2000));
    for (int i = 0; i < 20 && agent_state() != "OPEN"; i++) {
        usleep(10000);
        dfp::manager_poll_at(now += 10);
    }
    REQUIRE(agent_state() == "OPEN");
    // DFP Parameters with keep-alive = timeout (2 s).
    const auto params = agent.read_some(1000);
    CHECK(params == dfp::encode_parameters(2));

    agent.send_weight("198.51.100.11", 25);
    for (int i = 0; i < 50 && t.view("198.51.100.11").weight != 25; i++) {
        usleep(10000);
        dfp::manager_poll_at(now += 10);
    }
    CHECK(t.view("198.51.100.11").weight == 25);
    auto w = dfp::weight_views();
    REQUIRE(w.size() == 1);
    CHECK(w[0].real == "198.51.100.11");
    CHECK(w[0].agent == "127.0.0.1:" + std::to_string(agent.port));
    CHECK(dfp::agent_views()[0].messages == 1);

    // Silence beyond the timeout: lost, weights back to static.
    dfp::manager_poll_at(now += 2500);
    CHECK(agent_state() != "OPEN");
    CHECK(dfp::agent_views()[0].lost == 1);
    CHECK(t.view("198.51.100.11").weight == 1);
    CHECK(dfp::weight_views().empty());
}

TEST_CASE("a wrong password is a SECURITY_ERROR and applies nothing", "[dfp][manager]") {
    Slb t;
    FakeAgent agent;
    std::string err;
    REQUIRE(dfp::manager_init(agent_config(agent.port, 0, "right"), err) == 0);
    uint64_t now = 1000000;
    dfp::manager_poll_at(now);
    REQUIRE(agent.accept_within(2000));
    for (int i = 0; i < 20 && agent_state() != "OPEN"; i++) {
        usleep(10000);
        dfp::manager_poll_at(now += 10);
    }
    REQUIRE(agent_state() == "OPEN");
    agent.send_weight("198.51.100.11", 25, "wrong");
    for (int i = 0; i < 50 && agent_state() == "OPEN"; i++) {
        usleep(10000);
        dfp::manager_poll_at(now += 10);
    }
    CHECK(agent_state() == "SECURITY_ERROR");
    CHECK(t.view("198.51.100.11").weight == 1);
}
