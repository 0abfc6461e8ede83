// SPDX-License-Identifier: BSD-3-Clause
// HTTP redirect responder: a TCP conversation with a stateless 302 server, as
// the client on the wire sees it (every header field, both checksums
// verified here independently of DPDK's helpers), and the named drops.
#include <catch2/catch.hpp>

#include <rte_ip.h>
#include <rte_tcp.h>

#include <cstring>
#include <string>

#include "core/counters.hpp"
#include "core/dataplane.hpp"
#include "core/pipeline.hpp"
#include "frames.hpp"
#include "hotline/datapath/http_redirect.hpp"
#include "net/checksum.hpp"
#include "world.hpp"

using namespace haslb;
using core::Drop;
using core::Stat;
using hotline::HttpResult;

namespace {

constexpr uint8_t kFin = 0x01, kSyn = 0x02, kRst = 0x04, kPsh = 0x08, kAck = 0x10;

const std::string kClient = "192.0.2.10";   // the access port's host: routable back
const std::string kServer = "198.18.0.80";  // any address the subscriber tried
constexpr uint16_t kCport = 40000;
constexpr uint16_t kSport = 80;
const std::string kUrl = "http://portal.example.net/topup?from=hotline";
const std::string kRedirect = "HTTP/1.1 302 Found\r\nLocation: " + kUrl +
                              "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
constexpr hotline::CookieSecret kSecret{{0x01234567, 0x89abcdef, 0xdeadbeef, 0x0badf00d}};
constexpr uint32_t kNow = 64 * 1000;  // the start of a cookie slot

void put16(test::Bytes& b, uint16_t v) {
    b.push_back(uint8_t(v >> 8));
    b.push_back(uint8_t(v));
}
void put32(test::Bytes& b, uint32_t v) {
    put16(b, uint16_t(v >> 16));
    put16(b, uint16_t(v));
}
uint16_t get16(const test::Bytes& b, size_t o) {
    return uint16_t(b[o] << 8 | b[o + 1]);
}
uint32_t get32(const test::Bytes& b, size_t o) {
    return uint32_t(get16(b, o)) << 16 | get16(b, o + 2);
}

// Pseudo-header + segment, folded: 0xffff when the checksum field is right.
uint16_t tcp_sum(uint32_t src, uint32_t dst, const uint8_t* seg, size_t len) {
    test::Bytes pseudo;
    put32(pseudo, src);
    put32(pseudo, dst);
    put16(pseudo, 6);
    put16(pseudo, uint16_t(len));
    return net::csum_fold(
        net::csum_partial(seg, len, net::csum_partial(pseudo.data(), pseudo.size())));
}

struct Seg {
    std::string src = kClient;
    std::string dst = kServer;
    uint16_t sport = kCport;
    uint16_t dport = kSport;
    uint32_t seq = 1000;
    uint32_t ack = 0;
    uint8_t flags = kSyn;
    test::Bytes options;  // padded to 4 bytes by the caller
    std::string payload;
    uint16_t vlan = 0;
};

test::Bytes tcp(const Seg& s) {
    test::Bytes t;
    put16(t, s.sport);
    put16(t, s.dport);
    put32(t, s.seq);
    put32(t, s.ack);
    t.push_back(uint8_t(((20 + s.options.size()) / 4) << 4));
    t.push_back(s.flags);
    put16(t, 29200);
    put16(t, 0);
    put16(t, 0);
    t.insert(t.end(), s.options.begin(), s.options.end());
    t.insert(t.end(), s.payload.begin(), s.payload.end());
    const uint16_t c = uint16_t(~tcp_sum(test::ip4(s.src), test::ip4(s.dst), t.data(), t.size()));
    t[16] = uint8_t(c >> 8);
    t[17] = uint8_t(c);
    return t;
}

test::Bytes frame(const Seg& s) {
    test::Ipv4Spec ip;
    ip.src = s.src;
    ip.dst = s.dst;
    ip.proto = 6;
    ip.vlan = s.vlan;
    ip.l4 = tcp(s);
    return test::ipv4(ip);
}

test::Bytes mss_option(uint16_t mss) {
    return {2, 4, uint8_t(mss >> 8), uint8_t(mss)};
}

// The answer as the client decodes it.
struct Reply {
    test::Bytes l2;
    uint8_t version_ihl, tos, ttl, proto;
    uint16_t total_len, id, frag;
    uint32_t src, dst;
    bool ip_sum_ok;
    uint16_t sport, dport, win, urp;
    uint32_t seq, ack;
    uint8_t doff, flags;
    test::Bytes options;
    std::string payload;
    bool tcp_sum_ok;
};

Reply decode(const test::Bytes& f, size_t l2) {
    Reply r;
    REQUIRE(f.size() >= l2 + 40);
    r.l2.assign(f.begin(), f.begin() + long(l2));
    const size_t ip = l2;
    r.version_ihl = f[ip];
    r.tos = f[ip + 1];
    r.total_len = get16(f, ip + 2);
    r.id = get16(f, ip + 4);
    r.frag = get16(f, ip + 6);
    r.ttl = f[ip + 8];
    r.proto = f[ip + 9];
    r.src = get32(f, ip + 12);
    r.dst = get32(f, ip + 16);
    r.ip_sum_ok = net::csum_fold(net::csum_partial(&f[ip], 20)) == 0xffff;
    REQUIRE(r.version_ihl == 0x45);
    REQUIRE(f.size() == l2 + r.total_len);
    const size_t t = ip + 20;
    r.sport = get16(f, t);
    r.dport = get16(f, t + 2);
    r.seq = get32(f, t + 4);
    r.ack = get32(f, t + 8);
    r.doff = f[t + 12] >> 4;
    r.flags = f[t + 13];
    r.win = get16(f, t + 14);
    r.urp = get16(f, t + 18);
    REQUIRE(t + r.doff * 4u <= f.size());
    r.options.assign(f.begin() + long(t + 20), f.begin() + long(t + r.doff * 4));
    r.payload.assign(f.begin() + long(t + r.doff * 4), f.end());
    r.tcp_sum_ok = tcp_sum(r.src, r.dst, &f[t], f.size() - t) == 0xffff;
    return r;
}

core::StageFn stage(const char* name) {
    unsigned n = 0;
    const core::Stage* s = core::stages(&n);
    for (unsigned i = 0; i < n; i++)
        if (!strcmp(s[i].name, name)) return s[i].fn;
    return nullptr;
}

struct Result {
    hotline::HttpOutcome out;
    test::Bytes bytes;  // the frame after the call (the answer when kReply)
    core::PacketMeta meta;
    uint16_t nb_segs;
};

// Parses `m` with the real parse stage, then hands it to the responder.
Result answer_mbuf(rte_mbuf* m, const std::string& url = kUrl, uint32_t now = kNow,
                   const hotline::CookieSecret& secret = kSecret) {
    REQUIRE(m);
    core::Burst b;
    core::burst_init(b, 0, 1);
    b.pkts[0] = m;
    core::StageCtx ctx;
    stage("parse")(b, ctx);
    REQUIRE(b.verdict[0] == core::Verdict::kContinue);
    Result r;
    r.out = hotline::http_redirect(m, *core::meta(m), url, secret, now);
    r.bytes = test::World::bytes(m);
    r.meta = *core::meta(m);
    r.nb_segs = m->nb_segs;
    rte_pktmbuf_free(m);
    return r;
}

Result answer(test::World& w, const test::Bytes& f, const std::string& url = kUrl,
              uint32_t now = kNow, const hotline::CookieSecret& secret = kSecret) {
    return answer_mbuf(w.mbuf(f), url, now, secret);
}

Reply reply_of(const Result& r, size_t l2 = 14) {
    REQUIRE(r.out.result == HttpResult::kReply);
    return decode(r.bytes, l2);
}

// The client's side of a handshake: its ISN and our cookie.
struct Conn {
    uint32_t isn = 1000;
    uint32_t cookie = 0;
};

Conn handshake(test::World& w, uint32_t isn = 1000, uint32_t now = kNow) {
    Seg s;
    s.seq = isn;
    s.options = mss_option(1460);
    Reply r = reply_of(answer(w, frame(s), kUrl, now));
    REQUIRE(r.flags == (kSyn | kAck));
    return Conn{isn, r.seq};
}

Seg request(const Conn& c, const std::string& body = "GET / HTTP/1.1\r\nHost: x\r\n\r\n") {
    Seg s;
    s.seq = c.isn + 1;
    s.ack = c.cookie + 1;
    s.flags = kAck | kPsh;
    s.payload = body;
    return s;
}

}  // namespace

TEST_CASE("a SYN gets a SYN/ACK with a cookie, ack = ISN+1 and one MSS option", "[hotline][http]") {
    test::World w;
    INFO(w.error());
    REQUIRE(w.ok());
    Seg s;
    s.seq = 0x11223344;
    // What a Linux client sends: MSS, SACK permitted, timestamps, NOP, wscale.
    s.options = {2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7};
    const test::Bytes in = frame(s);
    Result res = answer(w, in);
    Reply r = reply_of(res);

    CHECK(r.l2 == test::Bytes(in.begin(), in.begin() + 14));  // the route stage rewrites it
    CHECK(r.tos == 0);
    CHECK(r.total_len == 20 + 24);
    CHECK(r.id == 0);
    CHECK(r.frag == 0x4000);  // DF
    CHECK(r.ttl == 64);
    CHECK(r.proto == 6);
    CHECK(r.src == test::ip4(kServer));
    CHECK(r.dst == test::ip4(kClient));
    CHECK(r.ip_sum_ok);
    CHECK(r.sport == kSport);
    CHECK(r.dport == kCport);
    CHECK(r.ack == 0x11223345);
    CHECK(r.doff == 6);
    CHECK(r.flags == (kSyn | kAck));
    CHECK(r.win == 65535);
    CHECK(r.urp == 0);
    CHECK(r.options == mss_option(1460));
    CHECK(r.payload.empty());
    CHECK(r.tcp_sum_ok);

    CHECK(res.meta.src_ip == test::ip4(kServer));
    CHECK(res.meta.dst_ip == test::ip4(kClient));
    CHECK(res.meta.l4_off == 34);
    CHECK(res.meta.l4_proto == 6);
    CHECK((res.meta.flags & core::kFlagLocalOrigin));
    CHECK(core::total_stat(Stat::http_syn_answered) == 1);

    SECTION("a retransmitted SYN gets the same cookie, another port another one") {
        CHECK(reply_of(answer(w, in)).seq == r.seq);
        Seg other = s;
        other.sport = kCport + 1;
        CHECK(reply_of(answer(w, frame(other))).seq != r.seq);
        CHECK(core::total_stat(Stat::http_syn_answered) == 3);
    }
    SECTION("the cookie depends on the secret") {
        hotline::CookieSecret other = kSecret;
        other.key[2] ^= 1;
        CHECK(reply_of(answer(w, in, kUrl, kNow, other)).seq != r.seq);
    }
}

TEST_CASE("the SYN/ACK's MSS: the client's capped at 1460, 536 without the option",
          "[hotline][http]") {
    test::World w;
    INFO(w.error());
    REQUIRE(w.ok());
    auto mss_for = [&](const test::Bytes& options) {
        Seg s;
        s.options = options;
        Reply r = reply_of(answer(w, frame(s)));
        CHECK(r.doff == 6);
        CHECK(r.tcp_sum_ok);
        REQUIRE(r.options.size() == 4);
        CHECK(r.options[0] == 2);
        CHECK(r.options[1] == 4);
        return get16(r.options, 2);
    };
    CHECK(mss_for(mss_option(1200)) == 1200);
    CHECK(mss_for(mss_option(8960)) == 1460);
    CHECK(mss_for({}) == 536);
    CHECK(mss_for({1, 1, 4, 2}) == 536);                  // NOP, NOP, SACK permitted
    CHECK(mss_for({1, 1, 1, 2, 4, 0x04, 0, 0}) == 1024);  // after NOPs
    CHECK(mss_for({8, 0, 2, 4}) == 536);                  // length 0: walk stops
}

TEST_CASE(
    "a whole conversation: SYN, request, 302 with FIN, client FIN acknowledged, last ACK "
    "absorbed",
    "[hotline][http]") {
    test::World w;
    INFO(w.error());
    REQUIRE(w.ok());
    // The client's ISN wraps during the conversation.
    const Conn c = handshake(w, 0xfffffff0);
    const uint32_t rlen = uint32_t(kRedirect.size());

    // The handshake's last ACK: nothing to say.
    Seg ack;
    ack.seq = c.isn + 1;
    ack.ack = c.cookie + 1;
    ack.flags = kAck;
    Result res = answer(w, frame(ack));
    CHECK(res.out.result == HttpResult::kDrop);
    CHECK(res.out.reason == Drop::http_redirect_absorbed);
    CHECK(core::total_drop(Drop::http_redirect_absorbed) == 1);

    const std::string get = "GET /news HTTP/1.1\r\nHost: www.example.com\r\nUser-Agent: t\r\n\r\n";
    Seg req = request(c, get);
    res = answer(w, frame(req));
    Reply r = reply_of(res);
    CHECK(r.flags == (kFin | kPsh | kAck));
    CHECK(r.seq == c.cookie + 1);
    CHECK(r.ack == c.isn + 1 + uint32_t(get.size()));
    CHECK(r.payload == kRedirect);
    CHECK(r.total_len == 40 + rlen);
    CHECK(r.doff == 5);
    CHECK(r.win == 65535);
    CHECK(r.src == test::ip4(kServer));
    CHECK(r.dst == test::ip4(kClient));
    CHECK(r.sport == kSport);
    CHECK(r.dport == kCport);
    CHECK(r.frag == 0x4000);
    CHECK(r.ttl == 64);
    CHECK(r.ip_sum_ok);
    CHECK(r.tcp_sum_ok);
    CHECK((res.meta.flags & core::kFlagLocalOrigin));
    CHECK(core::total_stat(Stat::http_redirects_sent) == 1);

    // The client acknowledges our FIN and closes its side.
    const uint32_t after_fin = c.cookie + 1 + rlen + 1;
    Seg fin;
    fin.seq = req.seq + uint32_t(get.size());
    fin.ack = after_fin;
    fin.flags = kFin | kAck;
    r = reply_of(answer(w, frame(fin)));
    CHECK(r.flags == kAck);
    CHECK(r.seq == after_fin);
    CHECK(r.ack == fin.seq + 1);
    CHECK(r.payload.empty());
    CHECK(r.total_len == 40);
    CHECK(r.ip_sum_ok);
    CHECK(r.tcp_sum_ok);
    CHECK(core::total_stat(Stat::http_fin_acked) == 1);

    // An ACK of our FIN alone (what a client sends before its own FIN).
    Seg last = fin;
    last.flags = kAck;
    res = answer(w, frame(last));
    CHECK(res.out.result == HttpResult::kDrop);
    CHECK(res.out.reason == Drop::http_redirect_absorbed);

    // Data after our FIN is acknowledged too (with its FIN, +1).
    Seg late = fin;
    late.flags = kAck | kPsh | kFin;
    late.payload = "more";
    r = reply_of(answer(w, frame(late)));
    CHECK(r.flags == kAck);
    CHECK(r.seq == after_fin);
    CHECK(r.ack == late.seq + 4 + 1);
    late.flags = kAck | kPsh;
    r = reply_of(answer(w, frame(late)));
    CHECK(r.ack == late.seq + 4);

    CHECK(core::total_stat(Stat::http_syn_answered) == 1);
    CHECK(core::total_stat(Stat::http_redirects_sent) == 1);
    CHECK(core::total_stat(Stat::http_fin_acked) == 2);
    CHECK(core::total_stat(Stat::http_rst_sent) == 0);
    CHECK(core::total_drop(Drop::http_redirect_absorbed) == 2);
}

TEST_CASE("a retransmitted request gets the identical 302; a request with FIN is acknowledged +1",
          "[hotline][http]") {
    test::World w;
    INFO(w.error());
    REQUIRE(w.ok());
    const Conn c = handshake(w);
    const test::Bytes req = frame(request(c));
    Result first = answer(w, req);
    Result again = answer(w, req);
    REQUIRE(first.out.result == HttpResult::kReply);
    CHECK(again.bytes == first.bytes);
    CHECK(core::total_stat(Stat::http_redirects_sent) == 2);

    Seg with_fin = request(c);
    with_fin.flags = kAck | kPsh | kFin;
    Reply r = reply_of(answer(w, frame(with_fin)));
    CHECK(r.flags == (kFin | kPsh | kAck));
    CHECK(r.seq == c.cookie + 1);
    CHECK(r.ack == with_fin.seq + uint32_t(with_fin.payload.size()) + 1);
    CHECK(r.payload == kRedirect);

    // A client that closes without asking still gets the 302, so its last
    // ACK lands on the position after our FIN.
    Seg bare_fin = request(c, "");
    bare_fin.flags = kAck | kFin;
    r = reply_of(answer(w, frame(bare_fin)));
    CHECK(r.flags == (kFin | kPsh | kAck));
    CHECK(r.ack == bare_fin.seq + 1);
    CHECK(r.payload == kRedirect);
    CHECK(core::total_stat(Stat::http_redirects_sent) == 4);
}

TEST_CASE("cookies: the previous 64 s slot is accepted, two slots old gets an RST",
          "[hotline][http]") {
    test::World w;
    INFO(w.error());
    REQUIRE(w.ok());
    const Conn c = handshake(w, 1000, kNow);
    const test::Bytes req = frame(request(c));
    CHECK(reply_of(answer(w, req, kUrl, kNow + 63)).flags == (kFin | kPsh | kAck));
    CHECK(reply_of(answer(w, req, kUrl, kNow + 64)).flags == (kFin | kPsh | kAck));
    CHECK(reply_of(answer(w, req, kUrl, kNow + 127)).flags == (kFin | kPsh | kAck));
    CHECK(core::total_stat(Stat::http_redirects_sent) == 3);

    Reply r = reply_of(answer(w, req, kUrl, kNow + 128));
    CHECK(r.flags == kRst);
    CHECK(r.seq == c.cookie + 1);
    CHECK(core::total_stat(Stat::http_rst_sent) == 1);
    // A cookie from the future (clock went back a slot) is no cookie.
    CHECK(reply_of(answer(w, req, kUrl, kNow - 64)).flags == kRst);
    CHECK(core::total_stat(Stat::http_rst_sent) == 2);
}

TEST_CASE("an ACK that matches no cookie gets an RST with seq = its ack and no ACK flag",
          "[hotline][http]") {
    test::World w;
    INFO(w.error());
    REQUIRE(w.ok());
    const Conn c = handshake(w);
    Seg s = request(c);
    s.ack = 0x5eed1234;
    Result res = answer(w, frame(s));
    Reply r = reply_of(res);
    CHECK(r.flags == kRst);
    CHECK(r.seq == 0x5eed1234);
    CHECK(r.ack == 0);
    CHECK(r.doff == 5);
    CHECK(r.payload.empty());
    CHECK(r.total_len == 40);
    CHECK(r.src == test::ip4(kServer));
    CHECK(r.dst == test::ip4(kClient));
    CHECK(r.sport == kSport);
    CHECK(r.dport == kCport);
    CHECK(r.ttl == 64);
    CHECK(r.ip_sum_ok);
    CHECK(r.tcp_sum_ok);
    CHECK((res.meta.flags & core::kFlagLocalOrigin));

    SECTION("the cookie of another connection does not open this one") {
        Seg other = request(c);
        other.sport = kCport + 1;
        r = reply_of(answer(w, frame(other)));
        CHECK(r.flags == kRst);
        CHECK(r.seq == c.cookie + 1);
    }
    SECTION("an ack one past the cookie position is no cookie either") {
        Seg off = request(c);
        off.ack = c.cookie + 2;
        CHECK(reply_of(answer(w, frame(off))).flags == kRst);
    }
    SECTION("a SYN/ACK to our listener") {
        Seg synack = request(c, "");
        synack.flags = kSyn | kAck;
        r = reply_of(answer(w, frame(synack)));
        CHECK(r.flags == kRst);
        CHECK(r.seq == synack.ack);
    }
    CHECK(core::total_stat(Stat::http_rst_sent) == 2);
    CHECK(core::total_stat(Stat::http_redirects_sent) == 0);
}

TEST_CASE("RSTs, pure ACKs and segments without SYN or ACK are absorbed", "[hotline][http]") {
    test::World w;
    INFO(w.error());
    REQUIRE(w.ok());
    const Conn c = handshake(w);
    auto absorbed = [&](const Seg& s) {
        const test::Bytes in = frame(s);
        Result res = answer(w, in);
        CHECK(res.out.result == HttpResult::kDrop);
        CHECK(res.out.reason == Drop::http_redirect_absorbed);
        CHECK(res.bytes == in);  // untouched
    };
    Seg rst = request(c, "");
    rst.flags = kRst;
    absorbed(rst);
    rst.flags = kRst | kAck;
    rst.ack = 12345;  // even with a bad ack: never answer an RST
    absorbed(rst);
    Seg pure = request(c, "");
    pure.flags = kAck;
    absorbed(pure);
    Seg fin_only = request(c, "");
    fin_only.flags = kFin;
    absorbed(fin_only);
    Seg nothing = request(c);
    nothing.flags = kPsh;
    absorbed(nothing);
    Seg syn_fin;
    syn_fin.flags = kSyn | kFin;
    absorbed(syn_fin);
    CHECK(core::total_drop(Drop::http_redirect_absorbed) == 6);
    CHECK(core::total_stat(Stat::http_rst_sent) == 0);
    CHECK(core::total_stat(Stat::http_syn_answered) == 1);
}

TEST_CASE("a truncated TCP header or a bad data offset is malformed", "[hotline][http]") {
    test::World w;
    INFO(w.error());
    REQUIRE(w.ok());
    auto malformed = [&](const test::Bytes& f) {
        Result res = answer(w, f);
        CHECK(res.out.result == HttpResult::kDrop);
        CHECK(res.out.reason == Drop::http_redirect_malformed);
    };
    Seg s;
    s.options = mss_option(1460);
    const test::Bytes good = frame(s);

    SECTION("IPv4 payload shorter than a TCP header") {
        test::Ipv4Spec ip;
        ip.src = kClient;
        ip.dst = kServer;
        ip.proto = 6;
        const test::Bytes t = tcp(s);
        ip.l4 = test::Bytes(t.begin(), t.begin() + 12);
        malformed(test::ipv4(ip));
    }
    SECTION("data offset below 5") {
        test::Bytes f = good;
        f[14 + 20 + 12] = 4 << 4;
        malformed(f);
    }
    SECTION("data offset past the IPv4 total length") {
        test::Bytes f = good;
        f[14 + 20 + 12] = 15 << 4;
        malformed(f);
    }
    SECTION("a fragment") {
        test::Ipv4Spec ip;
        ip.src = kClient;
        ip.dst = kServer;
        ip.proto = 6;
        ip.frag = 0x2000;  // MF
        ip.l4 = tcp(s);
        malformed(test::ipv4(ip));
    }
    CHECK(core::total_drop(Drop::http_redirect_malformed) == 1);
    CHECK(core::total_stat(Stat::http_syn_answered) == 0);
}

TEST_CASE("a packet that is not TCP is refused by name", "[hotline][http]") {
    test::World w;
    INFO(w.error());
    REQUIRE(w.ok());
    test::Ipv4Spec ip;
    ip.src = kClient;
    ip.dst = kServer;
    ip.l4 = test::udp(kClient, kServer, 4000, 80, test::Bytes(8, 0));
    Result res = answer(w, test::ipv4(ip));
    CHECK(res.out.result == HttpResult::kDrop);
    CHECK(res.out.reason == Drop::http_redirect_not_tcp);
    CHECK(core::total_drop(Drop::http_redirect_not_tcp) == 1);
}

TEST_CASE("IP options in the client's packets: the answer has a plain 20-byte header",
          "[hotline][http]") {
    test::World w;
    INFO(w.error());
    REQUIRE(w.ok());
    // Insert 8 bytes of options (a router alert and a timestamp-less filler)
    // into the IPv4 header: IHL 7, total length and checksum fixed.
    auto with_options = [](test::Bytes f) {
        const test::Bytes opts{148, 4, 0, 0, 1, 1, 1, 0};
        f.insert(f.begin() + 34, opts.begin(), opts.end());
        f[14] = 0x47;
        const uint16_t total = uint16_t(get16(f, 16) + 8);
        f[16] = uint8_t(total >> 8);
        f[17] = uint8_t(total);
        f[24] = f[25] = 0;
        const uint16_t c = net::checksum(&f[14], 28);
        f[24] = uint8_t(c >> 8);
        f[25] = uint8_t(c);
        return f;
    };
    Seg syn;
    syn.options = mss_option(1400);
    Result res = answer(w, with_options(frame(syn)));
    Reply r = reply_of(res);
    CHECK(r.flags == (kSyn | kAck));
    CHECK(r.options == mss_option(1400));
    CHECK(r.total_len == 44);
    CHECK(r.ip_sum_ok);
    CHECK(r.tcp_sum_ok);
    CHECK(res.meta.l4_off == 34);

    const Conn c{syn.seq, r.seq};
    Seg req = request(c);
    res = answer(w, with_options(frame(req)));
    r = reply_of(res);
    CHECK(r.flags == (kFin | kPsh | kAck));
    CHECK(r.ack == req.seq + uint32_t(req.payload.size()));
    CHECK(r.payload == kRedirect);
    CHECK(r.ip_sum_ok);
    CHECK(r.tcp_sum_ok);
    CHECK(res.meta.l4_off == 34);
}

TEST_CASE("a VLAN-tagged request: the tag stays, the answer follows it", "[hotline][http]") {
    test::World w;
    INFO(w.error());
    REQUIRE(w.ok());
    core::g_dp.ports[0].vlan = 100;
    Seg syn;
    syn.vlan = 100;
    const test::Bytes in = frame(syn);
    Result res = answer(w, in);
    REQUIRE(res.meta.l2_len == 18);
    Reply r = reply_of(res, 18);
    CHECK(r.l2 == test::Bytes(in.begin(), in.begin() + 18));
    CHECK(r.flags == (kSyn | kAck));
    CHECK(r.ip_sum_ok);
    CHECK(r.tcp_sum_ok);
    CHECK(res.meta.l4_off == 38);

    Seg req = request(Conn{syn.seq, r.seq});
    req.vlan = 100;
    res = answer(w, frame(req));
    r = reply_of(res, 18);
    CHECK(r.payload == kRedirect);
    CHECK(r.tcp_sum_ok);
    CHECK(res.bytes.size() == 18 + 40 + kRedirect.size());
}

TEST_CASE("the answer is routed back to the subscriber like any local packet", "[hotline][http]") {
    test::World w;
    INFO(w.error());
    REQUIRE(w.ok());
    core::Burst b;
    core::burst_init(b, 0, 1);
    Seg syn;
    b.pkts[0] = w.mbuf(frame(syn));
    REQUIRE(b.pkts[0]);
    core::StageCtx ctx;
    stage("parse")(b, ctx);
    REQUIRE(b.verdict[0] == core::Verdict::kContinue);
    auto out = hotline::http_redirect(b.pkts[0], *core::meta(b.pkts[0]), kUrl, kSecret, kNow);
    REQUIRE(out.result == HttpResult::kReply);
    stage("route")(b, ctx);
    REQUIRE(b.verdict[0] == core::Verdict::kTx);
    CHECK(core::meta(b.pkts[0])->out_port == 0);
    const test::Bytes f = test::World::bytes(b.pkts[0]);
    CHECK(test::Bytes(f.begin(), f.begin() + 6) == test::mac("02:00:00:00:0a:0a"));
    CHECK(test::Bytes(f.begin() + 6, f.begin() + 12) == test::mac("02:00:00:00:01:01"));
    Reply r = decode(f, 14);
    CHECK(r.ttl == 64);  // originated here: not decremented
    CHECK(r.ip_sum_ok);
    CHECK(r.tcp_sum_ok);
    w.release(b);
}

TEST_CASE("a URL too long for the buffer is dropped as http_reply_too_big", "[hotline][http]") {
    test::World w;
    INFO(w.error());
    REQUIRE(w.ok());
    const Conn c = handshake(w);
    const test::Bytes in = frame(request(c));
    const std::string url = "http://portal.example.net/" + std::string(2100, 'a');
    Result res = answer(w, in, url);
    CHECK(res.out.result == HttpResult::kDrop);
    CHECK(res.out.reason == Drop::http_reply_too_big);
    CHECK(res.bytes == in);  // left as received
    CHECK(core::total_drop(Drop::http_reply_too_big) == 1);
    CHECK(core::total_stat(Stat::http_redirects_sent) == 0);
    // The cookie positions use this URL's length, and SYN/ACKs carry no URL.
    Seg syn;
    CHECK(reply_of(answer(w, frame(syn), url)).flags == (kSyn | kAck));
}

TEST_CASE("a request in a chain of mbufs is answered from a single segment", "[hotline][http]") {
    test::World w;
    INFO(w.error());
    REQUIRE(w.ok());
    const Conn c = handshake(w);
    const std::string body =
        "GET / HTTP/1.1\r\nHost: x\r\nCookie: " + std::string(300, 'c') + "\r\n\r\n";
    Seg req = request(c, body);
    const test::Bytes f = frame(req);
    const size_t split = 14 + 20 + 20 + 10;  // headers and a bit of the request in the first
    rte_mbuf* head = w.mbuf(test::Bytes(f.begin(), f.begin() + long(split)));
    rte_mbuf* tail = w.mbuf(test::Bytes(f.begin() + long(split), f.end()));
    REQUIRE(head);
    REQUIRE(tail);
    REQUIRE(rte_pktmbuf_chain(head, tail) == 0);
    Result res = answer_mbuf(head);
    CHECK(res.nb_segs == 1);
    Reply r = reply_of(res);
    CHECK(r.ack == req.seq + uint32_t(body.size()));
    CHECK(r.payload == kRedirect);
    CHECK(r.tcp_sum_ok);

    SECTION("a TCP header split across segments is refused") {
        head = w.mbuf(test::Bytes(f.begin(), f.begin() + 14 + 20 + 10));
        tail = w.mbuf(test::Bytes(f.begin() + 14 + 20 + 10, f.end()));
        REQUIRE(rte_pktmbuf_chain(head, tail) == 0);
        res = answer_mbuf(head);
        CHECK(res.out.result == HttpResult::kDrop);
        CHECK(res.out.reason == Drop::http_redirect_malformed);
    }
}
