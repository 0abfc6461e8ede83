// SPDX-License-Identifier: BSD-3-Clause
// Mobile IP registration codec: frames built byte by byte, checked field by
// field, plus the NAI hash.
#include <catch2/catch.hpp>

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "mip/mip.hpp"

using namespace haslb;
using mip::Result;

namespace {

using Bytes = std::vector<uint8_t>;

// Minimal frame builder: append big-endian fields and extensions.
struct Frame {
    Bytes b;
    Frame& u8(uint8_t v) {
        b.push_back(v);
        return *this;
    }
    Frame& u16(uint16_t v) { return u8(uint8_t(v >> 8)).u8(uint8_t(v)); }
    Frame& u32(uint32_t v) { return u16(uint16_t(v >> 16)).u16(uint16_t(v)); }
    Frame& u64(uint64_t v) { return u32(uint32_t(v >> 32)).u32(uint32_t(v)); }
    Frame& raw(const std::string& s) {
        b.insert(b.end(), s.begin(), s.end());
        return *this;
    }
    Frame& fill(size_t n, uint8_t v) {
        b.insert(b.end(), n, v);
        return *this;
    }
    // Type, Length(1), Data
    Frame& ext(uint8_t type, const std::string& data) {
        return u8(type).u8(uint8_t(data.size())).raw(data);
    }
    // Type, Sub-Type, Length(2), Data
    Frame& long_ext(uint8_t type, uint8_t sub, const std::string& data) {
        return u8(type).u8(sub).u16(uint16_t(data.size())).raw(data);
    }
    // MN-HA authentication: SPI(4) + 16-octet HMAC-MD5 authenticator, length 20.
    Frame& mhae(uint8_t type = 32) { return u8(type).u8(20).u32(0x100).fill(16, 0xaa); }
    size_t size() const { return b.size(); }
};

Frame rrq(uint8_t flags = 0x02, uint16_t life = 1800, uint32_t hoa = 0, uint32_t ha = 0xffffffff,
          uint32_t coa = 0x0a000001, uint64_t id = 0x0102030405060708ULL) {
    Frame f;
    f.u8(1).u8(flags).u16(life).u32(hoa).u32(ha).u32(coa).u64(id);
    return f;
}

Frame rrp(uint8_t code, uint16_t life = 1800, uint32_t hoa = 0x0a010203, uint32_t ha = 0xc0a80001,
          uint64_t id = 0x1122334455667788ULL) {
    Frame f;
    f.u8(3).u8(code).u16(life).u32(hoa).u32(ha).u64(id);
    return f;
}

Result parse_q(const Bytes& b, mip::Rrq& q) {
    return mip::parse_rrq(b.data(), b.size(), q);
}
Result parse_p(const Bytes& b, mip::Rrp& p) {
    return mip::parse_rrp(b.data(), b.size(), p);
}

std::string nai_of(const Bytes& b, uint16_t off, uint16_t len) {
    return std::string(b.begin() + off, b.begin() + off + len);
}

uint64_t hash(const std::string& s) {
    return mip::nai_hash(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

}  // namespace

TEST_CASE("scapy-verified RRQ with an NAI parses into every field", "[mip]") {
    // protocols.md 2.9: MobileIP()/MobileIPRRQ(flags=0x02, lifetime=1800,
    // homeaddr 0.0.0.0, haaddr 255.255.255.255, coaddr 10.0.0.1,
    // id=0x0102030405060708)/Raw(b'\x83\x0f' + b'joe@carrier.com').
    const Bytes wire = {0x01, 0x02, 0x07, 0x08, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff,
                        0xff, 0x0a, 0x00, 0x00, 0x01, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06,
                        0x07, 0x08, 0x83, 0x0f, 'j',  'o',  'e',  '@',  'c',  'a',  'r',
                        'r',  'i',  'e',  'r',  '.',  'c',  'o',  'm'};
    REQUIRE(wire.size() == 41);
    CHECK(rrq().ext(131, "joe@carrier.com").b == wire);  // the builder agrees with scapy

    mip::Rrq q;
    REQUIRE(parse_q(wire, q) == Result::kOk);
    CHECK(q.flags == 0x02);
    CHECK(q.lifetime == 1800);
    CHECK(q.home_addr == 0);
    CHECK(q.ha_addr == 0xffffffffu);
    CHECK(q.coa == 0x0a000001u);
    CHECK(q.ident == 0x0102030405060708ULL);
    CHECK(q.nai_off == 26);
    CHECK(q.nai_len == 15);
    CHECK(nai_of(wire, q.nai_off, q.nai_len) == "joe@carrier.com");
    CHECK(q.auth_off == 41);
    CHECK(q.nb_ext == 1);
}

TEST_CASE("RRQ fixed fields are read big-endian into host order", "[mip]") {
    const Bytes b = rrq(0xc4, 0xfffe, 0x0a010203, 0xc0a80001, 0x0a0b0c0d, 0xfedcba9876543210ULL).b;
    mip::Rrq q;
    REQUIRE(parse_q(b, q) == Result::kOk);
    CHECK(q.flags == 0xc4);
    CHECK(q.lifetime == 0xfffe);
    CHECK(q.home_addr == 0x0a010203u);
    CHECK(q.ha_addr == 0xc0a80001u);
    CHECK(q.coa == 0x0a0b0c0du);
    CHECK(q.ident == 0xfedcba9876543210ULL);
    CHECK(q.nai_len == 0);
    CHECK(q.nai_off == 0);
    CHECK(q.auth_off == 24);
    CHECK(q.nb_ext == 0);
}

TEST_CASE("RRP with code 0 or 1 and an NAI", "[mip]") {
    for (uint8_t code : {uint8_t(0), uint8_t(1)}) {
        const Bytes b = rrp(code, 600).ext(131, "alice@example.org").mhae().b;
        mip::Rrp p;
        REQUIRE(parse_p(b, p) == Result::kOk);
        CHECK(p.code == code);
        CHECK(p.lifetime == 600);
        CHECK(p.home_addr == 0x0a010203u);
        CHECK(p.ha_addr == 0xc0a80001u);
        CHECK(p.ident == 0x1122334455667788ULL);
        CHECK(p.nai_off == 22);
        CHECK(nai_of(b, p.nai_off, p.nai_len) == "alice@example.org");
        CHECK(p.auth_off == 20 + 2 + 17);
        CHECK(p.nb_ext == 1);
    }
}

TEST_CASE("RRP without extensions", "[mip]") {
    const Bytes b = rrp(136).b;
    mip::Rrp p;
    REQUIRE(parse_p(b, p) == Result::kOk);
    CHECK(p.code == 136);
    CHECK(p.nai_len == 0);
    CHECK(p.auth_off == 20);
    CHECK(p.nb_ext == 0);
}

TEST_CASE("an NAI after an authentication extension is not seen", "[mip]") {
    for (uint8_t auth : {uint8_t(32), uint8_t(33), uint8_t(34)}) {
        const Bytes b = rrq().mhae(auth).ext(131, "joe@carrier.com").b;
        mip::Rrq q;
        REQUIRE(parse_q(b, q) == Result::kOk);
        CHECK(q.nai_len == 0);
        CHECK(q.nai_off == 0);
        CHECK(q.auth_off == 24);
        CHECK(b[q.auth_off] == auth);
        CHECK(q.nb_ext == 0);
    }
    const Bytes b = rrp(0).mhae().ext(131, "joe@carrier.com").b;
    mip::Rrp p;
    REQUIRE(parse_p(b, p) == Result::kOk);
    CHECK(p.nai_len == 0);
    CHECK(p.auth_off == 20);
}

TEST_CASE("nothing after the authentication extension is examined", "[mip]") {
    // A long extension claiming 0xffff octets and a cut header after the
    // MN-HA extension: neither is looked at.
    Frame f = rrq().ext(131, "joe@carrier.com").mhae();
    const size_t auth = 24 + 17;
    f.u8(38).u8(0).u16(0xffff).u8(47);
    mip::Rrq q;
    REQUIRE(parse_q(f.b, q) == Result::kOk);
    CHECK(q.auth_off == auth);
    CHECK(q.nai_len == 15);
    CHECK(q.nb_ext == 1);
    // Even an auth extension whose own length overruns is fine: it is the stop.
    Frame g = rrq().ext(131, "joe@carrier.com").u8(32).u8(200);
    REQUIRE(parse_q(g.b, q) == Result::kOk);
    CHECK(q.auth_off == auth);
}

TEST_CASE("unknown short extensions are skipped", "[mip]") {
    const std::string nvse("\x00\x00\x00\x00\x15\x9f\x00\x02xy", 10);  // RFC 3115 NVSE
    const std::string dyn_ha("\x01\x00\xc0\xa8\x00\x09", 6);           // 139 subtype 1
    const Bytes b = rrq()
                        .ext(134, nvse)
                        .ext(139, dyn_ha)
                        .ext(0, "")  // type 0 is short format too
                        .ext(200, std::string(255, 'z'))
                        .ext(131, "joe@carrier.com")
                        .ext(145, "hello")
                        .mhae()
                        .b;
    mip::Rrq q;
    REQUIRE(parse_q(b, q) == Result::kOk);
    const size_t nai_hdr = 24 + 12 + 8 + 2 + 257;
    CHECK(q.nai_off == nai_hdr + 2);
    CHECK(q.nai_len == 15);
    CHECK(q.auth_off == nai_hdr + 17 + 7);
    CHECK(q.nb_ext == 6);
}

TEST_CASE("long-format extensions 38 and 47 use a 16-bit length", "[mip]") {
    for (uint8_t type : {uint8_t(38), uint8_t(47)}) {
        // 300 octets do not fit a short length: only the long format gets
        // from there to the NAI.
        const std::string data(300, '\x83');
        const Bytes b = rrq().long_ext(type, 0, data).ext(131, "joe@carrier.com").mhae().b;
        mip::Rrq q;
        REQUIRE(parse_q(b, q) == Result::kOk);
        CHECK(q.nai_off == 24 + 4 + 300 + 2);
        CHECK(q.nai_len == 15);
        CHECK(q.auth_off == 24 + 304 + 17);
        CHECK(q.nb_ext == 2);

        // Length exactly to the end, then one more than there is.
        const Bytes end = rrq().long_ext(type, 1, "abcd").b;
        REQUIRE(parse_q(end, q) == Result::kOk);
        CHECK(q.auth_off == end.size());
        Bytes over = end;
        over[24 + 3] = 5;
        CHECK(parse_q(over, q) == Result::kBadExtension);
        over[24 + 2] = 0x01;  // 0x0105: the high length byte counts
        over[24 + 3] = 0x00;
        CHECK(parse_q(over, q) == Result::kBadExtension);
    }
}

TEST_CASE("type 36 (generalized authentication) stops the walk", "[mip]") {
    const Bytes b = rrq()
                        .ext(131, "joe@carrier.com")
                        .long_ext(36, 1, std::string(20, '\x01'))
                        .ext(131, "not@seen")
                        .b;
    mip::Rrq q;
    REQUIRE(parse_q(b, q) == Result::kOk);
    CHECK(q.auth_off == 24 + 17);
    CHECK(b[q.auth_off] == 36);
    CHECK(nai_of(b, q.nai_off, q.nai_len) == "joe@carrier.com");
    CHECK(q.nb_ext == 1);
    // Its length is never read, so an overrunning one is still a stop.
    const Bytes over = rrq().ext(131, "joe").u8(36).u8(1).u16(0xffff).b;
    REQUIRE(parse_q(over, q) == Result::kOk);
    CHECK(q.auth_off == 24 + 5);
    // Nor is a type 36 cut in its header.
    const Bytes cut = rrq().u8(36).b;
    REQUIRE(parse_q(cut, q) == Result::kOk);
    CHECK(q.auth_off == 24);
}

TEST_CASE("short extension running past the end is a bad extension", "[mip]") {
    Bytes b = rrq().ext(131, "joe@carrier.com").b;
    b[25] = 16;
    mip::Rrq q;
    CHECK(parse_q(b, q) == Result::kBadExtension);
    b = rrq().ext(134, "abc").b;
    b[25] = 4;
    CHECK(parse_q(b, q) == Result::kBadExtension);
    Bytes p = rrp(0).ext(131, "joe").b;
    p[21] = 200;
    mip::Rrp r;
    CHECK(parse_p(p, r) == Result::kBadExtension);
}

TEST_CASE("RRQ shorter than 24 octets is truncated", "[mip]") {
    const Bytes full = rrq().b;
    for (size_t len = 0; len < mip::kRrqFixed; ++len) {
        const Bytes b(full.begin(), full.begin() + len);  // exactly len: ASan sees over-reads
        mip::Rrq q;
        INFO("len " << len);
        CHECK(mip::parse_rrq(b.data(), b.size(), q) == Result::kTruncated);
    }
}

TEST_CASE("RRP shorter than 20 octets is truncated", "[mip]") {
    const Bytes full = rrp(0).b;
    for (size_t len = 0; len < mip::kRrpFixed; ++len) {
        const Bytes b(full.begin(), full.begin() + len);
        mip::Rrp p;
        INFO("len " << len);
        CHECK(mip::parse_rrp(b.data(), b.size(), p) == Result::kTruncated);
    }
}

TEST_CASE("an extension cut at every byte is a bad extension", "[mip]") {
    // Short NAI, long CVSE and long PMIP extension; the cut leaves at least
    // one octet of the extension and less than all of it.
    const std::vector<Bytes> exts = {
        Frame().ext(131, "joe@carrier.com").b,
        Frame().long_ext(38, 0, std::string("\x00\x00\x15\x9f\x00\x01zz", 8)).b,
        Frame().long_ext(47, 2, "pmip").b,
        Frame().ext(139, std::string("\x02\x00\x0a\x00\x00\x07", 6)).b,
    };
    for (const Bytes& ext : exts) {
        for (size_t cut = 1; cut < ext.size(); ++cut) {
            INFO("type " << int(ext[0]) << " cut " << cut);
            Bytes q = rrq().b;
            q.insert(q.end(), ext.begin(), ext.begin() + cut);
            mip::Rrq rq;
            CHECK(parse_q(q, rq) == Result::kBadExtension);
            Bytes p = rrp(0).b;
            p.insert(p.end(), ext.begin(), ext.begin() + cut);
            mip::Rrp rp;
            CHECK(parse_p(p, rp) == Result::kBadExtension);
        }
        Bytes whole = rrq().b;
        whole.insert(whole.end(), ext.begin(), ext.end());
        mip::Rrq rq;
        CHECK(parse_q(whole, rq) == Result::kOk);
    }
}

TEST_CASE("an empty NAI is reported, the rest still filled", "[mip]") {
    const Bytes b = rrq(0x02, 300).ext(134, "ab").ext(131, "").ext(131, "joe").mhae().b;
    mip::Rrq q;
    CHECK(parse_q(b, q) == Result::kEmptyNai);
    CHECK(q.lifetime == 300);
    CHECK(q.nai_len == 0);  // the first NAI wins, even when empty
    CHECK(q.auth_off == 24 + 4 + 2 + 5);
    CHECK(q.nb_ext == 3);
    const Bytes p = rrp(0).ext(131, "").b;
    mip::Rrp r;
    CHECK(parse_p(p, r) == Result::kEmptyNai);
    CHECK(r.auth_off == 22);
}

TEST_CASE("an empty NAI after the authentication extension does not matter", "[mip]") {
    const Bytes b = rrq().ext(131, "joe").mhae().ext(131, "").b;
    mip::Rrq q;
    CHECK(parse_q(b, q) == Result::kOk);
    CHECK(q.nai_len == 3);
}

TEST_CASE("two NAIs: the first wins", "[mip]") {
    const Bytes b = rrq().ext(131, "first@a.net").ext(131, "second@b.net").mhae().b;
    mip::Rrq q;
    REQUIRE(parse_q(b, q) == Result::kOk);
    CHECK(nai_of(b, q.nai_off, q.nai_len) == "first@a.net");
    CHECK(q.nb_ext == 2);
}

TEST_CASE("wrong message type", "[mip]") {
    mip::Rrq q;
    mip::Rrp p;
    const Bytes reply = rrp(0).fill(8, 0).b;  // 28 octets: long enough for both
    CHECK(parse_q(reply, q) == Result::kWrongType);
    const Bytes request = rrq().b;
    CHECK(parse_p(request, p) == Result::kWrongType);
    Bytes other = request;
    for (uint8_t t : {uint8_t(0), uint8_t(2), uint8_t(4), uint8_t(7), uint8_t(255)}) {
        other[0] = t;
        CHECK(parse_q(other, q) == Result::kWrongType);
        CHECK(parse_p(other, p) == Result::kWrongType);
    }
    // The length check comes first.
    const Bytes short_reply = rrp(0).b;
    CHECK(parse_q(short_reply, q) == Result::kTruncated);
}

TEST_CASE("extension count saturates at 255", "[mip]") {
    Frame f = rrq();
    for (int i = 0; i < 300; ++i) f.ext(134, "");
    f.ext(131, "joe").mhae();
    mip::Rrq q;
    REQUIRE(parse_q(f.b, q) == Result::kOk);
    CHECK(q.nb_ext == 255);
    CHECK(q.nai_off == 24 + 600 + 2);
    CHECK(q.auth_off == 24 + 600 + 5);
}

TEST_CASE("payloads beyond 16-bit offsets are not accepted without an auth stop", "[mip]") {
    Frame f = rrq();
    while (f.size() < 70000) f.ext(134, std::string(255, 'x'));
    mip::Rrq q;
    CHECK(parse_q(f.b, q) == Result::kBadExtension);
    Frame g = rrq().ext(131, "joe").mhae();
    g.fill(70000, 0xee);
    REQUIRE(parse_q(g.b, q) == Result::kOk);
    CHECK(q.auth_off == 29);
}

TEST_CASE("result names", "[mip]") {
    CHECK(std::string(mip::result_name(Result::kOk)) == "ok");
    CHECK(std::string(mip::result_name(Result::kTruncated)) == "truncated");
    CHECK(std::string(mip::result_name(Result::kWrongType)) == "wrong_type");
    CHECK(std::string(mip::result_name(Result::kBadExtension)) == "bad_extension");
    CHECK(std::string(mip::result_name(Result::kEmptyNai)) == "empty_nai");
}

TEST_CASE("nai_hash: equal input, equal hash; known value is stable", "[mip]") {
    const std::string a = "joe@carrier.com";
    const std::string b = a;  // different storage
    CHECK(hash(a) == hash(b));
    // Pinned: the hash is shown to operators and must not change between
    // builds or machines.
    CHECK(hash(a) == 0xd87dd4a722e32991ULL);
    CHECK(hash("") == 0x113692795fd98967ULL);
}

TEST_CASE("nai_hash: 10000 distinct NAIs give 10000 distinct hashes", "[mip]") {
    std::set<uint64_t> seen;
    for (int i = 0; i < 10000; ++i) seen.insert(hash("user" + std::to_string(i) + "@carrier.com"));
    CHECK(seen.size() == 10000);
    // Same again with only the low 32 bits: both halves must carry entropy.
    std::set<uint32_t> low;
    std::set<uint32_t> high;
    for (int i = 0; i < 10000; ++i) {
        const uint64_t h = hash(std::to_string(i) + "@x");
        low.insert(uint32_t(h));
        high.insert(uint32_t(h >> 32));
    }
    CHECK(low.size() == 10000);
    CHECK(high.size() == 10000);
}

TEST_CASE("nai_hash: a one-byte change changes the hash", "[mip]") {
    const std::string base = "subscriber-000123456789@mobile.example.com";  // 42 octets
    const uint64_t h = hash(base);
    for (size_t i = 0; i < base.size(); ++i) {
        for (int delta : {1, 0x80}) {
            std::string s = base;
            s[i] = char(uint8_t(s[i]) ^ delta);
            INFO("byte " << i << " xor " << delta);
            CHECK(hash(s) != h);
        }
    }
    // Trailing zero bytes change the length, hence the hash.
    CHECK(hash(std::string("ab")) != hash(std::string("ab\0", 3)));
    CHECK(hash(std::string("abcdefgh")) != hash(std::string("abcdefgh\0", 9)));
}

TEST_CASE("nai_hash: lengths 0..100 read only their own bytes", "[mip]") {
    std::set<uint64_t> seen;
    for (size_t len = 0; len <= 100; ++len) {
        // Exactly len octets on the heap: an over-read is an ASan error.
        std::vector<uint8_t> nai(len);
        for (size_t i = 0; i < len; ++i) nai[i] = uint8_t('a' + i % 26);
        const uint64_t h = mip::nai_hash(nai.data(), nai.size());
        CHECK(h == mip::nai_hash(nai.data(), nai.size()));
        seen.insert(h);
    }
    CHECK(seen.size() == 101);  // each prefix is a different NAI
    CHECK(mip::nai_hash(nullptr, 0) == mip::nai_hash(reinterpret_cast<const uint8_t*>(""), 0));
}
