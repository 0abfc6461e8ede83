// SPDX-License-Identifier: BSD-3-Clause
// haslb-cluster-agent's inputs: strongSwan's `swanctl --list-sas` text,
// `key value` load files and the command line.
#include <catch2/catch.hpp>

#include "haslb-cluster-agent/options.hpp"
#include "haslb-cluster-agent/sources.hpp"

using namespace haslb;
using namespace haslb::cluster_agent;

TEST_CASE("swanctl --list-sas: established, in negotiation and installed CHILD SAs",
          "[ikev2][agent]") {
    const std::string text = R"(rw: #1, ESTABLISHED, IKEv2, 8a5e0f7d5a4e0c77_i 4a8d6e6b3ec3d9c4_r*
  local  'gw1' @ 198.51.100.21[4500]
  remote '192.0.2.10' @ 192.0.2.10[4500]
  AES_CBC-128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048
  established 2s ago, rekeying in 13917s
  rw: #1, reqid 1, INSTALLED, TUNNEL-in-UDP, ESP:AES_GCM_16-128
    installed 2s ago, rekeying in 3344s, expires in 3958s
    in  c5b39ecd,      0 bytes,     0 packets
    out c3d2e9bd,      0 bytes,     0 packets
    local  10.3.0.1/32
    remote 10.1.0.0/16
  rw: #2, reqid 2, INSTALLED, TUNNEL-in-UDP, ESP:AES_GCM_16-128
rw: #2, CONNECTING, IKEv2, 1111111111111111_i 0000000000000000_r
  local  'gw1' @ 198.51.100.21[500]
rw: #3, REKEYING, IKEv2, 2222222222222222_i 3333333333333333_r*
rw: #4, DELETING, IKEv2, 4444444444444444_i 5555555555555555_r*
rw: #5, CREATED, IKEv2, 6666666666666666_i 0000000000000000_r
)";
    const ikev2::LoadReport r = parse_swanctl(text);
    CHECK(r.ike_sas == 2);
    CHECK(r.ike_in_neg == 2);
    CHECK(r.ipsec_sas == 2);
    CHECK(parse_swanctl("").ike_sas == 0);
}

TEST_CASE("load files: keys, percent with decimals, errors with line numbers", "[ikev2][agent]") {
    TextLoad t;
    std::string err;
    REQUIRE(parse_load_text(
        "ike_sas 12\nike_in_neg=3\n# comment\nipsec_sas: 20\ncpu 43.5\nmem 20\n", t, err));
    CHECK(t.r.ike_sas == 12);
    CHECK(t.r.ike_in_neg == 3);
    CHECK(t.r.ipsec_sas == 20);
    CHECK(t.r.cpu_pm == 435);
    CHECK(t.r.mem_pm == 200);
    CHECK(t.has_cpu);
    REQUIRE(parse_load_text("ike_sas 1\n", t, err));
    CHECK_FALSE(t.has_cpu);
    CHECK_FALSE(parse_load_text("ike_sas 1\ncpu 101\n", t, err));
    CHECK(err.find("line 2") != std::string::npos);
    CHECK_FALSE(parse_load_text("sessions 4\n", t, err));
    CHECK(err.find("unknown key \"sessions\"") != std::string::npos);
    CHECK_FALSE(parse_load_text("ike_sas many\n", t, err));
    CHECK_FALSE(parse_load_text("ike_sas\n", t, err));
}

TEST_CASE("agent command line", "[ikev2][agent]") {
    auto parse = [](std::vector<std::string> args, Options& o, std::string& err) {
        std::vector<char*> argv{const_cast<char*>("haslb-cluster-agent")};
        for (auto& a : args) argv.push_back(a.data());
        return parse_args(int(argv.size()), argv.data(), o, err);
    };
    Options o;
    std::string err;
    REQUIRE(parse({"--primary", "198.51.100.1", "--gateway=2001:db8::21", "--port", "2001",
                   "--update", "500", "--load-file", "/tmp/x"},
                  o, err) == 0);
    CHECK(config::format_ip(o.primary) == "198.51.100.1");
    CHECK(config::format_ip(o.gateway) == "2001:db8::21");
    CHECK(o.port == 2001);
    CHECK(o.update_ms == 500);
    CHECK(o.hello_ms == 5000);
    CHECK(o.source == Source::kFile);
    Options d;
    REQUIRE(parse({"--primary", "198.51.100.1", "--gateway", "198.51.100.21"}, d, err) == 0);
    CHECK(d.source == Source::kSwanctl);
    CHECK(d.swanctl == "swanctl --list-sas");
    CHECK(parse({"--gateway", "198.51.100.21"}, d, err) == -EINVAL);
    CHECK(parse({"--primary", "198.51.100.1", "--gateway", "gw1"}, d, err) == -EINVAL);
    CHECK(err.find("not an IPv4 or IPv6 address") != std::string::npos);
    CHECK(parse({"--primary", "198.51.100.1", "--gateway", "198.51.100.21", "--port", "0"}, d,
                err) == -EINVAL);
    CHECK(parse({"--primary", "198.51.100.1", "--gateway", "198.51.100.21", "--bogus", "1"}, d,
                err) == -EINVAL);
    // An IPv6 primary (an IPv6-only gateway reports over IPv6); --bind of its family.
    Options v6;
    REQUIRE(parse({"--primary", "2001:db8:f::1", "--gateway", "2001:db8:f::21", "--bind",
                   "2001:db8:f::21"},
                  v6, err) == 0);
    CHECK(v6.primary.family == 6);
    CHECK(config::format_ip(v6.bind) == "2001:db8:f::21");
    CHECK(parse({"--primary", "2001:db8:f::1", "--gateway", "2001:db8:f::21", "--bind",
                 "198.51.100.21"},
                d, err) == -EINVAL);
    CHECK(err.find("are not of the same family") != std::string::npos);
}
