// SPDX-License-Identifier: BSD-3-Clause
// The slb.dfp group (DFP manager and its agents): every value of a full
// config, the defaults, the lab example, and one test per validation rule,
// each asserting the file, line, key and message of the error.
#include <catch2/catch.hpp>

#include <string>

#include "config_helpers.hpp"

using namespace haslb::config;
using namespace haslb::config::test;
namespace fs = std::filesystem;

namespace {

// Two ports, then `slb = { dfp = {` on line 5; the first line of `body`
// (after its leading newline) is line 6.
Result dfp(std::string_view body) {
    return load_text(std::string(R"(
ports = (
  { name = "access"; device = "net_tap0"; address = "192.0.2.1/24"; },
  { name = "farm"; device = "net_tap1"; address = "198.51.100.1/24"; }
);
slb = { dfp = {)") + std::string(body) +
                     "\n}; };");
}

// `agents = (` on line 6, `entries` from line 7.
Result agents(const std::string& entries) {
    return dfp("\nagents = (\n" + entries + "\n);");
}

// One agent on line 7: a valid address and port, then `kv`.
Result agent(const std::string& kv) {
    return agents("{ address = \"198.51.100.11\"; port = 500; " + kv + " }");
}

constexpr const char* kAgent0 = "slb.dfp.agents.[0]";

std::string agent_key(const char* name, int i = 0) {
    return "slb.dfp.agents.[" + std::to_string(i) + "]." + name;
}

}  // namespace

// ---------------------------------------------------------------- values and defaults

TEST_CASE("every slb.dfp value of a full config is parsed", "[config][dfp]") {
    const fs::path file = data_dir() / "good/dfp.conf";
    Result r = load_file(file);
    expect_ok(r);
    const DfpConfig& d = r.cfg.slb.dfp;
    CHECK(d.password == "Secr3t@#$");
    REQUIRE(d.agents.size() == 3);
    const DfpAgentConfig& a = d.agents[0];
    CHECK(format_ipv4(a.address) == "198.51.100.11");
    CHECK(a.port == 500);
    CHECK(a.timeout_s == 6);
    CHECK(a.retry_count == 3);
    CHECK(a.retry_interval_s == 2);
    CHECK(a.password == "agent11");
    CHECK(a.origin.file == file.string());
    CHECK(a.origin.line == 11);
    const DfpAgentConfig& b = d.agents[1];
    CHECK(format_ipv4(b.address) == "198.51.100.12");
    CHECK(b.port == 65535);
    CHECK(b.timeout_s == 65535);
    CHECK(b.retry_count == 65535);
    CHECK(b.retry_interval_s == 65535);
    CHECK(b.password.empty());
    CHECK(b.origin.line == 13);
    const DfpAgentConfig& c = d.agents[2];
    CHECK(format_ipv4(c.address) == "10.1.1.99");  // not a real, not on a port subnet
    CHECK(c.port == 1);
    CHECK(c.timeout_s == 0);
    CHECK(c.retry_count == 0);
    CHECK(c.retry_interval_s == 1);
    CHECK(c.password.empty());
    CHECK(c.origin.line == 15);
}

TEST_CASE("slb.dfp defaults", "[config][dfp]") {
    SECTION("no slb group: no DFP") {
        Result r = load_text(kPort);
        expect_ok(r);
        CHECK(r.cfg.slb.dfp.password.empty());
        CHECK(r.cfg.slb.dfp.agents.empty());
    }
    SECTION("an slb group without dfp") {
        Result r = load_text(std::string(kPort) + "\nslb = { max_sessions = 2048; };");
        expect_ok(r);
        CHECK(r.cfg.slb.dfp.password.empty());
        CHECK(r.cfg.slb.dfp.agents.empty());
    }
    SECTION("an empty dfp group") {
        Result r = dfp("");
        expect_ok(r);
        CHECK(r.cfg.slb.dfp.password.empty());
        CHECK(r.cfg.slb.dfp.agents.empty());
    }
    SECTION("an empty agent list") {
        Result r = agents("");
        expect_ok(r);
        CHECK(r.cfg.slb.dfp.agents.empty());
    }
    SECTION("only the required keys") {
        Result r = agent("");
        expect_ok(r);
        CHECK(r.cfg.slb.dfp.password.empty());
        REQUIRE(r.cfg.slb.dfp.agents.size() == 1);
        const DfpAgentConfig& a = r.cfg.slb.dfp.agents[0];
        CHECK(format_ipv4(a.address) == "198.51.100.11");
        CHECK(a.port == 500);
        CHECK(a.timeout_s == 0);
        CHECK(a.retry_count == 0);
        CHECK(a.retry_interval_s == 180);
        CHECK(a.password.empty());
        CHECK(a.origin.file == "inline.conf");
        CHECK(a.origin.line == 7);
    }
    SECTION("the seed's two agents next to its serverfarm") {
        Result r = load_text(R"(
ports = ( { name = "farm"; device = "net_tap0"; address = "198.51.100.1/24"; } );
slb = {
  serverfarms = ( { name = "HAFARM"; reals = ( { address = "198.51.100.11"; },
                                               { address = "198.51.100.12"; } ); } );
  vservers = ( { name = "MIPSLB"; virtual = "10.1.1.10"; serverfarm = "HAFARM"; } );
  dfp = { agents = ( { address = "198.51.100.11"; port = 500; },
                     { address = "198.51.100.12"; port = 500; } ); };
};)");
        expect_ok(r);
        REQUIRE(r.cfg.slb.dfp.agents.size() == 2);
        CHECK(r.cfg.slb.dfp.agents[1].origin.line == 7);
        CHECK(r.cfg.slb.serverfarms.size() == 1);
    }
}

TEST_CASE("ha-slb.conf has the lab's DFP agents", "[config][dfp][examples]") {
    Result r = load_file(source_root() / "app/haslb/conf/ha-slb.conf");
    expect_ok(r);
    const DfpConfig& d = r.cfg.slb.dfp;
    CHECK(d.password.empty());
    REQUIRE(d.agents.size() == 2);
    const char* addrs[] = {"198.51.100.11", "198.51.100.12"};
    for (size_t i = 0; i < 2; ++i) {
        INFO(i);
        CHECK(format_ipv4(d.agents[i].address) == addrs[i]);
        CHECK(d.agents[i].port == 500);
        CHECK(d.agents[i].timeout_s == 30);
        CHECK(d.agents[i].retry_count == 0);
        CHECK(d.agents[i].retry_interval_s == 10);
        CHECK(d.agents[i].password.empty());
    }
}

// ---------------------------------------------------------------- keys and types

TEST_CASE("slb.dfp: unknown keys are errors with a hint", "[config][dfp]") {
    expect_one(dfp("\npasword = \"abc\";"), 6, "slb.dfp.pasword",
               "unknown key \"pasword\" (did you mean \"password\"?)");
    expect_one(dfp("\nagent = ( );"), 6, "slb.dfp.agent",
               "unknown key \"agent\" (did you mean \"agents\"?)");
    expect_one(dfp("\nmanager = 1;"), 6, "slb.dfp.manager",
               "unknown key \"manager\"; expected one of: password, agents");
    expect_one(agent("retry_cnt = 3;"), 7, agent_key("retry_cnt"),
               "unknown key \"retry_cnt\" (did you mean \"retry_count\"?)");
    expect_one(agent("timout = 3;"), 7, agent_key("timout"),
               "unknown key \"timout\" (did you mean \"timeout\"?)");
    expect_one(agent("weight = 25;"), 7, agent_key("weight"),
               "unknown key \"weight\"; expected one of: address, port, timeout, retry_count, "
               "retry_interval, password");
    expect_one(load_text(std::string(kPort) + "\nslb = { dfps = { }; };"), 2, "slb.dfps",
               "unknown key \"dfps\" (did you mean \"dfp\"?)");
}

TEST_CASE("slb.dfp: wrong types", "[config][dfp]") {
    expect_one(load_text(std::string(kPort) + "\nslb = { dfp = ( ); };"), 2, "slb.dfp",
               "expected a group { ... }, got a list ( )");
    expect_one(dfp("\nagents = { };"), 6, "slb.dfp.agents",
               "expected a list ( ... ), got a group { }");
    expect_one(dfp("\nagents = ( \"198.51.100.11\" );"), 6, "slb.dfp.agents.[0]",
               "expected a group { ... }, got a string");
    expect_one(agents("{ address = \"198.51.100.11\"; port = \"500\"; }"), 7, agent_key("port"),
               "expected an integer, got a string");
    expect_one(agents("{ address = 500; port = 500; }"), 7, agent_key("address"),
               "expected a string, got an integer");
    expect_one(agent("timeout = 6.0;"), 7, agent_key("timeout"),
               "expected an integer, got a float");
    expect_one(agent("retry_count = true;"), 7, agent_key("retry_count"),
               "expected an integer, got a boolean");
    expect_one(agent("password = 1234;"), 7, agent_key("password"),
               "expected a string, got an integer");
    expect_one(dfp("\npassword = [ \"a\" ];"), 6, "slb.dfp.password",
               "expected a string, got an array [ ]");
}

TEST_CASE("slb.dfp: address and port are required", "[config][dfp]") {
    expect_one(agents("{ port = 500; }"), 7, agent_key("address"), "required key is missing");
    expect_one(agents("{ address = \"198.51.100.11\"; }"), 7, agent_key("port"),
               "required key is missing");
    Result r = agents("{ timeout = 6; }");
    INFO(all(r.errors));
    REQUIRE(r.errors.size() == 2);
    check_error(r.errors[0], "inline.conf", 7, agent_key("address"), "required key is missing");
    check_error(r.errors[1], "inline.conf", 7, agent_key("port"), "required key is missing");
}

// ---------------------------------------------------------------- ranges

TEST_CASE("slb.dfp: agent port is 1..65535", "[config][dfp]") {
    auto port = [](const char* v) {
        return agents(std::string("{ address = \"198.51.100.11\"; port = ") + v + "; }");
    };
    expect_one(port("0"), 7, agent_key("port"), "0 is out of range 1..65535");
    expect_one(port("65536"), 7, agent_key("port"), "65536 is out of range 1..65535");
    expect_one(port("-500"), 7, agent_key("port"), "-500 is out of range 1..65535");
    expect_ok(port("1"));
    expect_ok(port("65535"));
}

TEST_CASE("slb.dfp: timeout is 0..65535 seconds", "[config][dfp]") {
    expect_one(agent("timeout = -1;"), 7, agent_key("timeout"), "-1 is out of range 0..65535");
    expect_one(agent("timeout = 65536;"), 7, agent_key("timeout"),
               "65536 is out of range 0..65535");
    expect_ok(agent("timeout = 0;"));
    expect_ok(agent("timeout = 65535;"));
}

TEST_CASE("slb.dfp: retry_count is 0..65535", "[config][dfp]") {
    expect_one(agent("retry_count = -1;"), 7, agent_key("retry_count"),
               "-1 is out of range 0..65535");
    expect_one(agent("retry_count = 65536;"), 7, agent_key("retry_count"),
               "65536 is out of range 0..65535");
    expect_ok(agent("retry_count = 0;"));
    expect_ok(agent("retry_count = 65535;"));
}

TEST_CASE("slb.dfp: retry_interval is 1..65535 seconds", "[config][dfp]") {
    expect_one(agent("retry_interval = 0;"), 7, agent_key("retry_interval"),
               "0 is out of range 1..65535");
    expect_one(agent("retry_interval = 65536;"), 7, agent_key("retry_interval"),
               "65536 is out of range 1..65535");
    expect_ok(agent("retry_interval = 1;"));
    expect_ok(agent("retry_interval = 65535;"));
}

TEST_CASE("slb.dfp: every bad value of an agent is reported, on its own line", "[config][dfp]") {
    Result r = agents(R"({ address = "198.51.100.11";
  port = 0;
  timeout = -1;
  retry_interval = 0; })");
    INFO(all(r.errors));
    CHECK(r.rc == -EINVAL);
    REQUIRE(r.errors.size() == 3);
    check_error(r.errors[0], "inline.conf", 8, agent_key("port"), "0 is out of range 1..65535");
    check_error(r.errors[1], "inline.conf", 9, agent_key("timeout"), "-1 is out of range");
    check_error(r.errors[2], "inline.conf", 10, agent_key("retry_interval"),
                "0 is out of range 1..65535");
    CHECK(r.errors[0].str() ==
          "inline.conf:8: slb.dfp.agents.[0].port: 0 is out of range 1..65535");
}

// ---------------------------------------------------------------- addresses

TEST_CASE("slb.dfp: an agent's address is a unicast host address", "[config][dfp]") {
    const std::pair<const char*, const char*> bad[] = {
        {"10.1.1", "\"10.1.1\" is not an IPv4 address (A.B.C.D)"},
        {"198.51.100.11:500", "\"198.51.100.11:500\" is not an IPv4 address (A.B.C.D)"},
        {"", "\"\" is not an IPv4 address (A.B.C.D)"},
        {"0.0.0.0", "0.0.0.0 is in 0.0.0.0/8"},
        {"255.255.255.255", "255.255.255.255 is the limited broadcast address"},
        {"224.0.0.5", "224.0.0.5 is a multicast address"},
        {"127.0.0.1", "127.0.0.1 is a loopback address"},
        {"240.0.0.1", "240.0.0.1 is in the reserved range 240.0.0.0/4"},
    };
    for (auto [addr, message] : bad) {
        INFO(addr);
        expect_one(agents(std::string("{ port = 500;\n  address = \"") + addr + "\"; }"), 8,
                   agent_key("address"), message);
    }
}

TEST_CASE("slb.dfp: an agent is not one of haslb's port addresses", "[config][dfp]") {
    auto at = [](const char* addr) {
        return agents(std::string("{ address = \"198.51.100.11\"; port = 500; },\n"
                                  "{ port = 500; address = \"") +
                      addr + "\"; }");
    };
    expect_one(at("198.51.100.1"), 8, agent_key("address", 1),
               "DFP agent 198.51.100.1 is the address of port \"farm\"; haslb cannot be its "
               "own agent");
    expect_one(at("192.0.2.1"), 8, agent_key("address", 1),
               "DFP agent 192.0.2.1 is the address of port \"access\"");
    expect_one(at("198.51.100.255"), 8, agent_key("address", 1),
               "DFP agent 198.51.100.255 is the broadcast address of port \"farm\"'s subnet "
               "198.51.100.0/24");
    expect_one(at("192.0.2.0"), 8, agent_key("address", 1),
               "DFP agent 192.0.2.0 is the network address of port \"access\"'s subnet "
               "192.0.2.0/24");
}

TEST_CASE("slb.dfp: an agent need not be a real nor on a port subnet", "[config][dfp]") {
    // No serverfarm at all: an agent may speak for reals of any farm, or none yet.
    expect_ok(agents(R"({ address = "198.51.100.99"; port = 500; },
{ address = "10.1.1.51"; port = 500; })"));
}

TEST_CASE("slb.dfp: a port that did not parse causes no agent error", "[config][dfp]") {
    Result r = load_text(R"(
ports = ( { name = "farm"; device = "net_tap0"; address = "198.51.100.1/33"; } );
slb = { dfp = { agents = ( { address = "198.51.100.11"; port = 500; } ); }; };)");
    expect_one(r, 1, "ports.[0].address", "is not an IPv4 prefix");
}

// ---------------------------------------------------------------- passwords

TEST_CASE("slb.dfp: passwords are 1..64 of [A-Za-z0-9@#$] or empty", "[config][dfp]") {
    const std::string rule =
        "a DFP password is 1 to 64 characters of [A-Za-z0-9@#$] (\"\" for none)";
    const std::string longest =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@#";  // 64
    REQUIRE(longest.size() == 64);
    SECTION("the manager's") {
        expect_one(dfp("\npassword = \"" + longest + "$\";"), 6, "slb.dfp.password",
                   "65 characters; " + rule);
        expect_one(dfp("\npassword = \"pass word\";"), 6, "slb.dfp.password",
                   "character 5 is not allowed; " + rule);
        expect_one(dfp("\npassword = \"pass-word\";"), 6, "slb.dfp.password",
                   "character 5 is not allowed");
        expect_one(dfp("\npassword = \"pässword\";"), 6, "slb.dfp.password",
                   "character 2 is not allowed");
        Result r = dfp("\npassword = \"" + longest + "\";");
        expect_ok(r);
        CHECK(r.cfg.slb.dfp.password == longest);
        Result one = dfp("\npassword = \"$\";");
        expect_ok(one);
        CHECK(one.cfg.slb.dfp.password == "$");
        Result none = dfp("\npassword = \"\";");
        expect_ok(none);
        CHECK(none.cfg.slb.dfp.password.empty());
    }
    SECTION("an agent's") {
        expect_one(agent("password = \"" + longest + "9\";"), 7, agent_key("password"),
                   "65 characters; " + rule);
        expect_one(agent("password = \"se!cret\";"), 7, agent_key("password"),
                   "character 3 is not allowed; " + rule);
        Result r =
            dfp("\npassword = \"manager\";\nagents = (\n"
                "{ address = \"198.51.100.11\"; port = 500; password = \"own#1\"; },\n"
                "{ address = \"198.51.100.12\"; port = 500; } );");
        expect_ok(r);
        CHECK(r.cfg.slb.dfp.password == "manager");
        REQUIRE(r.cfg.slb.dfp.agents.size() == 2);
        CHECK(r.cfg.slb.dfp.agents[0].password == "own#1");
        CHECK(r.cfg.slb.dfp.agents[1].password.empty());  // uses the manager's
    }
    SECTION("messages do not show the password") {
        Result r = dfp("\npassword = \"s3cret pw\";");
        REQUIRE(r.errors.size() == 1);
        CHECK_THAT(r.errors[0].str(), !Catch::Contains("s3cret"));
    }
}

// ---------------------------------------------------------------- uniqueness and limits

TEST_CASE("slb.dfp: (address, port) is unique among agents", "[config][dfp]") {
    expect_one(agents(R"({ address = "198.51.100.11"; port = 500; },
{ address = "198.51.100.12"; port = 500; },
{ port = 500;
  address = "198.51.100.11"; })"),
               10, agent_key("address", 2),
               "DFP agent 198.51.100.11 port 500 is already configured as slb.dfp.agents.[0] "
               "(inline.conf:7)");
    // The same address on another port, or another address on the same port.
    expect_ok(agents(R"({ address = "198.51.100.11"; port = 500; },
{ address = "198.51.100.11"; port = 501; },
{ address = "198.51.100.12"; port = 500; })"));
    // An agent whose port is bad is not also reported as a duplicate.
    expect_one(agents(R"({ address = "198.51.100.11"; port = 500; },
{ address = "198.51.100.11"; port = 0; })"),
               8, agent_key("port", 1), "0 is out of range 1..65535");
}

TEST_CASE("slb.dfp: at most 64 agents", "[config][dfp]") {
    auto n_agents = [](int n) {
        std::string s;
        for (int i = 0; i < n; ++i)
            s += (i ? ",\n" : "") + std::string("{ address = \"198.51.100.11\"; port = ") +
                 std::to_string(i + 1) + "; }";
        return agents(s);
    };
    Result ok = n_agents(64);
    expect_ok(ok);
    CHECK(ok.cfg.slb.dfp.agents.size() == 64);
    CHECK(ok.cfg.slb.dfp.agents[63].port == 64);
    CHECK(ok.cfg.slb.dfp.agents[63].origin.line == 70);
    expect_one(n_agents(65), 6, "slb.dfp.agents", "65 agents; at most 64 are supported");
}

// ---------------------------------------------------------------- files

TEST_CASE("slb.dfp: errors in an included file name that file and line", "[config][dfp]") {
    Result r = load_file(data_dir() / "bad/dfp-error-in-include.conf");
    INFO(all(r.errors));
    CHECK(r.rc == -EINVAL);
    REQUIRE(r.errors.size() == 1);
    check_error(r.errors[0], shown(data_dir() / "bad/inc/dfp-agents.conf"), 5,
                agent_key("address", 1), "DFP agent 198.51.100.1 is the address of port \"farm\"");
}

TEST_CASE("slb.dfp: an error in dfp holds back the slb cross-checks", "[config][dfp]") {
    // The vserver's missing serverfarm is a cross-check: not reported on top.
    Result r = load_text(R"(
ports = ( { name = "farm"; device = "net_tap0"; address = "198.51.100.1/24"; } );
slb = {
  vservers = ( { name = "V"; virtual = "192.0.2.100"; serverfarm = "G"; } );
  dfp = { agents = ( { address = "198.51.100.11"; port = 0; } ); };
};)");
    expect_one(r, 4, agent_key("port"), "0 is out of range 1..65535");
}
