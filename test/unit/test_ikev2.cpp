// SPDX-License-Identifier: BSD-3-Clause
// IKEv2 cluster, pure parts: the IKE codec (header, payload walk, notifies,
// nonce), the REDIRECT response bytes of protocols.md 4.2, the seed's load
// arithmetic, the least-loaded gateway choice and the agent protocol.
#include <catch2/catch.hpp>

#include <array>
#include <cctype>
#include <cstring>

#include "cluster_world.hpp"
#include "frames.hpp"
#include "ikev2/ike.hpp"
#include "ikev2/load.hpp"
#include "ikev2/wire.hpp"

using namespace haslb;
using namespace haslb::ikev2;
using test::Bytes;

namespace {

Bytes from_hex(const std::string& h) {
    Bytes b;
    std::string digits;
    for (char c : h)
        if (std::isxdigit(static_cast<unsigned char>(c))) digits += c;
    for (size_t i = 0; i + 1 < digits.size(); i += 2)
        b.push_back(uint8_t(std::stoul(digits.substr(i, 2), nullptr, 16)));
    return b;
}

Result parse_bytes(const Bytes& b, Message& m) {
    return parse(b.data(), b.size(), m);
}

}  // namespace

TEST_CASE("IKE_SA_INIT request: header fields, REDIRECT_SUPPORTED and the nonce",
          "[ikev2][codec]") {
    const Bytes ni = test::nonce_bytes(32);
    const Bytes b = test::ike_sa_init(0x1111111111111111ull, ni, true);
    Message m;
    REQUIRE(parse_bytes(b, m) == Result::kOk);
    CHECK(m.spi_i == 0x1111111111111111ull);
    CHECK(m.spi_r == 0);
    CHECK(m.exchange == kExchSaInit);
    CHECK(m.sa_init_request);
    CHECK(m.redirect_supported);
    CHECK_FALSE(m.redirected_from);
    REQUIRE(m.nonce_len == 32);
    CHECK(Bytes(b.begin() + m.nonce_off, b.begin() + m.nonce_off + 32) == ni);

    const Bytes c = test::ike_sa_init(7, ni, false, true);
    REQUIRE(parse_bytes(c, m) == Result::kOk);
    CHECK_FALSE(m.redirect_supported);
    CHECK(m.redirected_from);
    REQUIRE(parse_bytes(test::ike_sa_init(7, ni, false), m) == Result::kOk);
    CHECK_FALSE(m.redirect_supported);
    CHECK_FALSE(m.redirected_from);
}

TEST_CASE("IKE messages that are not IKE_SA_INIT requests parse without a nonce",
          "[ikev2][codec]") {
    // IKE_AUTH (35) with an SK payload: nothing after it is read.
    const Bytes auth = test::ike_message(5, 6, 35, 0x08, 1, {{46, Bytes(64, 0x5a)}});
    Message m;
    REQUIRE(parse_bytes(auth, m) == Result::kOk);
    CHECK_FALSE(m.sa_init_request);
    CHECK(m.spi_i == 5);
    CHECK(m.spi_r == 6);
    // An IKE_SA_INIT response (R flag) is not a request.
    const Bytes resp = test::ike_message(5, 6, 34, 0x20, 0, {{40, test::nonce_bytes(32)}});
    REQUIRE(parse_bytes(resp, m) == Result::kOk);
    CHECK_FALSE(m.sa_init_request);
}

TEST_CASE("malformed IKE messages are refused with a reason each", "[ikev2][codec]") {
    const Bytes good = test::ike_sa_init(1, test::nonce_bytes(32), true);
    Message m;
    CHECK(parse(good.data(), 27, m) == Result::kTruncated);
    CHECK(parse(good.data(), 0, m) == Result::kTruncated);
    Bytes v1 = good;
    v1[17] = 0x10;
    CHECK(parse_bytes(v1, m) == Result::kBadVersion);
    Bytes longer = good;
    longer.push_back(0);
    CHECK(parse_bytes(longer, m) == Result::kBadLength);
    CHECK(parse(good.data(), good.size() - 1, m) == Result::kBadLength);
    // First payload claims more than the message holds.
    Bytes over = good;
    over[28 + 2] = 0xff;
    CHECK(parse_bytes(over, m) == Result::kBadPayload);
    // A payload of length 3.
    Bytes tiny = good;
    tiny[28 + 2] = 0;
    tiny[28 + 3] = 3;
    CHECK(parse_bytes(tiny, m) == Result::kBadPayload);
    // A notify of 6 octets, and one whose SPI runs past it.
    const Bytes short_notify = test::ike_message(1, 0, 34, 8, 0, {{41, Bytes{0, 0}}});
    CHECK(parse_bytes(short_notify, m) == Result::kBadNotify);
    const Bytes spi_notify = test::ike_message(1, 0, 34, 8, 0, {{41, Bytes{3, 8, 0x40, 0x16}}});
    CHECK(parse_bytes(spi_notify, m) == Result::kBadNotify);
    // Requests without a nonce, with a 15-octet and a 257-octet nonce.
    const Bytes no_nonce = test::ike_message(1, 0, 34, 8, 0, {{41, test::ike_notify(16406)}});
    CHECK(parse_bytes(no_nonce, m) == Result::kNoNonce);
    CHECK(parse_bytes(test::ike_sa_init(1, test::nonce_bytes(15), true), m) == Result::kBadNonce);
    CHECK(parse_bytes(test::ike_sa_init(1, Bytes(257, 1), true), m) == Result::kBadNonce);
    CHECK(parse_bytes(test::ike_sa_init(1, Bytes(16, 1), true), m) == Result::kOk);
    CHECK(parse_bytes(test::ike_sa_init(1, Bytes(256, 1), true), m) == Result::kOk);
    // 65 empty payloads: more than any client sends.
    std::vector<std::pair<uint8_t, Bytes>> many(65, {43, Bytes{}});
    CHECK(parse_bytes(test::ike_message(1, 0, 34, 8, 0, many), m) == Result::kBadPayload);
}

TEST_CASE("REDIRECT response: the reference bytes of protocols.md 4.2", "[ikev2][codec]") {
    Bytes ni(32);
    for (size_t i = 0; i < 32; i++) ni[i] = uint8_t(0x30 + i);
    GwIdent gw;
    gw.type = kGwIpv4;
    gw.len = 4;
    const uint8_t a[4] = {192, 0, 2, 10};
    memcpy(gw.addr, a, 4);
    std::array<uint8_t, 512> out{};
    const size_t n = redirect_response(0x1111111111111111ull, gw, ni.data(), ni.size(), out.data());
    Bytes expect = from_hex(
        "1111111111111111 0000000000000000 29 20 22 20 00000000 0000004a"
        "00 00 002e 00 00 4017 01 04 c000020a");
    expect.insert(expect.end(), ni.begin(), ni.end());
    REQUIRE(n == 0x4a);
    CHECK(Bytes(out.begin(), out.begin() + long(n)) == expect);
    // Our own parser reads it back as a well-formed response.
    Message m;
    REQUIRE(parse(out.data(), n, m) == Result::kOk);
    CHECK_FALSE(m.sa_init_request);
    CHECK(m.flags == kFlagResponse);
}

TEST_CASE("REDIRECT to an IPv6 gateway: GW Ident Type 2, 16 octets, nonce echoed",
          "[ikev2][codec]") {
    config::IpAddr a;
    REQUIRE(config::parse_ip("2001:db8::21", a) == 0);
    GwIdent gw;
    gw.type = kGwIpv6;
    gw.len = 16;
    memcpy(gw.addr, a.bytes.data(), 16);
    const Bytes ni = test::nonce_bytes(48, 0x01);
    std::array<uint8_t, 512> out{};
    const size_t n = redirect_response(42, gw, ni.data(), ni.size(), out.data());
    REQUIRE(n == 28 + 8 + 2 + 16 + 48);
    CHECK(out[28 + 8] == 2);
    CHECK(out[28 + 9] == 16);
    CHECK(Bytes(out.begin() + 38, out.begin() + 54) == Bytes(a.bytes.begin(), a.bytes.end()));
    CHECK(Bytes(out.begin() + 54, out.begin() + long(n)) == ni);
    CHECK(out[24] == 0);
    CHECK(out[27] == n);
}

TEST_CASE("load: the seed's details rows (composite = max of weighted loads)", "[ikev2][load]") {
    LoadParams p;  // weights 100/100, overload 80
    // 1:1:1::6: In-neg 2.5 %, Crypto 17.4 %, CPU 43 %, Mem 20 % -> 43.0 / 43.0
    LoadReport r{149, 25, 0, 430, 200};
    Load l = compute_load(r, 1000, 100, p);
    CHECK(l.in_neg == 25000);
    CHECK(l.crypto == 174000);
    CHECK(l.composite == 430000);
    CHECK(l.prioritized == 430000);
    CHECK_FALSE(l.overloaded);
    // Crypto weight 10 (the seed's `master weight crypto-load 10`): a full
    // gateway weighs 10 %; the system load decides.
    p.weight_crypto = 10;
    l = compute_load(LoadReport{1000, 0, 0, 300, 100}, 1000, 100, p);
    CHECK(l.crypto == kFull);
    CHECK(l.composite == 300000);
    // System weight 0: only SAs count.
    p = LoadParams{};
    p.weight_system = 0;
    l = compute_load(LoadReport{250, 0, 0, 990, 990}, 1000, 100, p);
    CHECK(l.composite == 250000);
    // Priority 200 halves the prioritized load; 50 doubles it.
    p = LoadParams{};
    CHECK(compute_load(LoadReport{400, 0, 0, 0, 0}, 1000, 200, p).prioritized == 200000);
    CHECK(compute_load(LoadReport{400, 0, 0, 0, 0}, 1000, 50, p).prioritized == 800000);
    // Overloaded above the limit only.
    CHECK_FALSE(compute_load(LoadReport{0, 0, 0, 800, 0}, 1000, 100, p).overloaded);
    CHECK(compute_load(LoadReport{0, 0, 0, 801, 0}, 1000, 100, p).overloaded);
    // More sessions than max-session: capped at 100 %.
    CHECK(compute_load(LoadReport{5000, 0, 0, 0, 0}, 1000, 100, p).crypto == kFull);
}

namespace {

GwLoad gw_at(uint32_t composite_pct, uint16_t prio = 100, bool alive = true) {
    GwLoad g;
    g.system_w = composite_pct * 10000;
    g.crypto_w = 0;
    g.per_session_w = 1000;  // max_session 1000
    g.priority = prio;
    g.eligible = alive;
    g.family = 4;
    return g;
}

}  // namespace

TEST_CASE("LLG: least loaded, priority, overload and dead members", "[ikev2][load]") {
    const uint32_t limit = 80 * 10000;
    GwLoad g[3] = {gw_at(40), gw_at(30), gw_at(50)};
    CHECK(choose(g, nullptr, 3, limit, 0) == 1);
    CHECK(choose(g, nullptr, 3, limit, 7) == 1);
    // Priority 200 makes 50 % count as 25 %.
    g[2].priority = 200;
    CHECK(choose(g, nullptr, 3, limit, 0) == 2);
    g[2].priority = 100;
    // The least loaded is dead: the next one.
    g[1].eligible = 0;
    CHECK(choose(g, nullptr, 3, limit, 0) == 0);
    // Overloaded (85 %) and dead: none left but the third.
    g[0] = gw_at(85);
    CHECK(choose(g, nullptr, 3, limit, 0) == 2);
    g[2] = gw_at(81);
    CHECK(choose(g, nullptr, 3, limit, 0) == -1);
    CHECK(choose(g, nullptr, 0, limit, 0) == -1);
    // A family filter (NAT to the VIP's family) skips the other family;
    // family 0 (REDIRECT) takes either.
    GwLoad h[3] = {gw_at(10), gw_at(20), gw_at(30)};
    h[0].family = 6;
    h[2].family = 6;
    CHECK(choose(h, nullptr, 3, limit, 0, 0) == 0);
    CHECK(choose(h, nullptr, 3, limit, 0, 4) == 1);
    CHECK(choose(h, nullptr, 3, limit, 0, 6) == 0);
    h[0].eligible = 0;
    CHECK(choose(h, nullptr, 3, limit, 0, 6) == 2);
    CHECK(choose(h, nullptr, 3, limit, 0, 0) == 1);
    h[2].eligible = 0;
    CHECK(choose(h, nullptr, 3, limit, 0, 6) == -1);
}

TEST_CASE("LLG: a burst spreads over equally loaded gateways", "[ikev2][load]") {
    const uint32_t limit = 80 * 10000;
    // Same CPU load everywhere (it dominates): ties rotate with the ticket.
    GwLoad g[3] = {gw_at(40), gw_at(40), gw_at(40)};
    std::array<std::atomic<uint32_t>, 3> pending{};
    int count[3] = {};
    for (uint64_t t = 0; t < 30; t++) {
        const int c = choose(g, pending.data(), 3, limit, t);
        REQUIRE(c >= 0);
        count[c]++;
        pending[size_t(c)]++;
    }
    CHECK(count[0] == 10);
    CHECK(count[1] == 10);
    CHECK(count[2] == 10);
    // Crypto dominates: pending sessions raise the projected load, so new
    // clients go to the least loaded until it catches up, then alternate.
    GwLoad k[2];
    for (auto& x : k) {
        x = gw_at(0);
        x.per_session_w = 1000;
    }
    k[0].crypto_w = 100000;  // 10 %
    k[1].crypto_w = 110000;  // 11 %: ten sessions more
    std::array<std::atomic<uint32_t>, 2> pk{};
    int kc[2] = {};
    for (uint64_t t = 0; t < 30; t++) {
        const int c = choose(k, pk.data(), 2, limit, t);
        REQUIRE(c >= 0);
        kc[c]++;
        pk[size_t(c)]++;
    }
    CHECK(kc[0] == 20);
    CHECK(kc[1] == 10);
    // Pending sessions count toward the overload limit too.
    GwLoad o[1] = {gw_at(0)};
    o[0].crypto_w = 795000;
    o[0].per_session_w = 1000;
    std::array<std::atomic<uint32_t>, 1> po{};
    int sent = 0;
    while (choose(o, po.data(), 1, limit, 0) == 0 && sent < 100) {
        po[0]++;
        sent++;
    }
    CHECK(sent == 6);  // 79.5 % + 5 x 0.1 % = 80.0 % is the last under the limit
}

TEST_CASE("agent protocol: HELLO, UPDATE and ACK round trips; the framer", "[ikev2][wire]") {
    wire::Hello h;
    REQUIRE(config::parse_ip("2001:db8::21", h.gateway) == 0);
    h.hello_ms = 1000;
    h.update_ms = 2000;
    h.max_session = 500;
    const Bytes eh = wire::encode_hello(h);
    REQUIRE(eh.size() == 4 + wire::kHelloLen);
    CHECK(eh[0] == 0);
    CHECK(eh[3] == 40);
    LoadReport r{10, 2, 20, 431, 999};
    const Bytes eu = wire::encode_update(r);
    const Bytes ea = wire::encode_ack(15000);
    wire::Framer f;
    Bytes all = eh;
    all.insert(all.end(), eu.begin(), eu.end());
    all.insert(all.end(), ea.begin(), ea.end());
    // Byte by byte: the framer reassembles.
    std::vector<Bytes> bodies;
    Bytes body;
    for (uint8_t c : all) {
        f.feed(&c, 1);
        while (f.next(body)) bodies.push_back(body);
    }
    REQUIRE(bodies.size() == 3);
    wire::Msg m;
    REQUIRE(wire::decode(bodies[0].data(), bodies[0].size(), m) == wire::Error::kOk);
    CHECK(m.type == wire::kHello);
    CHECK(m.hello.gateway == h.gateway);
    CHECK(m.hello.update_ms == 2000);
    CHECK(m.hello.max_session == 500);
    REQUIRE(wire::decode(bodies[1].data(), bodies[1].size(), m) == wire::Error::kOk);
    CHECK(m.type == wire::kUpdate);
    CHECK(m.update.ike_sas == 10);
    CHECK(m.update.ike_in_neg == 2);
    CHECK(m.update.ipsec_sas == 20);
    CHECK(m.update.cpu_pm == 431);
    CHECK(m.update.mem_pm == 999);
    REQUIRE(wire::decode(bodies[2].data(), bodies[2].size(), m) == wire::Error::kOk);
    CHECK(m.holdtime_ms == 15000);
    // Errors.
    Bytes bad = bodies[1];
    bad[0] = 2;
    CHECK(wire::decode(bad.data(), bad.size(), m) == wire::Error::kBadVersion);
    bad = bodies[1];
    bad[1] = 9;
    CHECK(wire::decode(bad.data(), bad.size(), m) == wire::Error::kBadType);
    CHECK(wire::decode(bodies[1].data(), bodies[1].size() - 1, m) == wire::Error::kBadLength);
    bad = bodies[1];
    bad[16] = 0x03;  // CPU 1000+ per mille
    bad[17] = 0xe9;
    CHECK(wire::decode(bad.data(), bad.size(), m) == wire::Error::kBadValue);
    bad = bodies[0];
    bad[4] = 5;
    CHECK(wire::decode(bad.data(), bad.size(), m) == wire::Error::kBadFamily);
    wire::Framer g;
    const uint8_t huge[4] = {0, 0, 1, 1};  // 257 > 256
    g.feed(huge, 4);
    CHECK_FALSE(g.next(body));
    CHECK(g.error() == wire::Error::kBadLength);
}
