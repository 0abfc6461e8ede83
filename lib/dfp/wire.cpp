// SPDX-License-Identifier: BSD-3-Clause
// DFP message encoders and decoder, and the Security TLV digest
// (../shared/reference/protocols.md §1.3-1.6).
#include <md5.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "dfp/wire.hpp"

namespace haslb::dfp {
namespace {

constexpr size_t kTlvHeaderLen = 4;
constexpr uint32_t kAlgorithmMd5 = 1;
constexpr size_t kSecurityTlvLen = 28;  // header + algorithm + key id + 16-octet digest
constexpr size_t kDigestInTlv = 12;     // header + algorithm + key id
constexpr size_t kDigestLen = 16;
constexpr size_t kLoadFixedLen = 12;  // header + port, protocol, flags, num_hosts, reserved
constexpr size_t kHostLen = 8;        // IPv4, BindID, weight
constexpr size_t kKeepAliveTlvLen = 8;
// The TLV length field is 16 bits: more hosts than this cannot be described
// by one Load TLV.
constexpr size_t kMaxHostsPerTlv = (0xffff - kLoadFixedLen) / kHostLen;

// Byte-wise reads and writes: no alignment assumption, and the compiler
// folds them into a load or store + bswap.
uint16_t be16(const uint8_t* p) {
    return uint16_t(p[0] << 8 | p[1]);
}

uint32_t be32(const uint8_t* p) {
    return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | uint32_t(p[3]);
}

void put16(std::vector<uint8_t>& m, uint16_t v) {
    m.push_back(uint8_t(v >> 8));
    m.push_back(uint8_t(v));
}

void put32(std::vector<uint8_t>& m, uint32_t v) {
    put16(m, uint16_t(v >> 16));
    put16(m, uint16_t(v));
}

bool known_type(uint16_t type) {
    switch (type) {
        case kPreferenceInfo:
        case kServerState:
        case kDfpParameters:
        case kBindIdRequest:
        case kBindIdReport:
        case kBindIdChangeNotify:
            return true;
        default:
            return false;
    }
}

// Header (length filled in by finish()) and, with a password, the Security
// TLV, which must come first; its digest stays zero until finish().
std::vector<uint8_t> start(uint16_t type, const std::string& password, uint32_t key_id) {
    std::vector<uint8_t> m;
    m.reserve(64);
    m.push_back(kVersion);
    m.push_back(0);
    put16(m, type);
    put32(m, 0);
    if (!password.empty()) {
        put16(m, kTlvSecurity);
        put16(m, uint16_t(kSecurityTlvLen));
        put32(m, kAlgorithmMd5);
        put32(m, key_id);
        m.insert(m.end(), kDigestLen, 0);
    }
    return m;
}

// The digest covers the length field, so the length is written first.
void finish(std::vector<uint8_t>& m, const std::string& password) {
    const uint32_t len = uint32_t(m.size());
    m[4] = uint8_t(len >> 24);
    m[5] = uint8_t(len >> 16);
    m[6] = uint8_t(len >> 8);
    m[7] = uint8_t(len);
    if (password.empty()) return;
    const size_t off = kHeaderLen + kDigestInTlv;
    security_digest(m.data(), m.size(), off, password, m.data() + off);
}

// A timing difference would let a peer find the digest octet by octet.
bool equal_const_time(const uint8_t* a, const uint8_t* b, size_t n) {
    volatile uint8_t diff = 0;
    for (size_t i = 0; i < n; ++i) diff = uint8_t(diff | (a[i] ^ b[i]));
    return diff == 0;
}

Error parse_load(const uint8_t* tlv, size_t tlv_len, Load& load) {
    if (tlv_len < kLoadFixedLen) return Error::kBadTlv;
    const uint8_t* p = tlv + kTlvHeaderLen;
    load.port = be16(p);
    load.protocol = p[2];
    load.flags = p[3];
    const size_t num_hosts = be16(p + 4);
    // Exact, not "at least": trailing octets would mean the peer and we
    // disagree on the layout, and then none of the weights can be trusted.
    if (tlv_len != kLoadFixedLen + kHostLen * num_hosts) return Error::kBadTlv;
    load.hosts.resize(num_hosts);
    const uint8_t* h = tlv + kLoadFixedLen;
    for (HostWeight& hw : load.hosts) {
        hw.addr = be32(h);
        hw.bind_id = be16(h + 4);
        hw.weight = be16(h + 6);
        h += kHostLen;
    }
    return Error::kOk;
}

// Walks the TLVs of a message whose header is already vetted. `digest_off`
// is where the Security TLV's digest lies (0 when there is none).
Error parse_tlvs(const uint8_t* msg, size_t len, Message& out, size_t& digest_off) {
    digest_off = 0;
    for (size_t off = kHeaderLen; off < len;) {
        if (len - off < kTlvHeaderLen) return Error::kBadTlv;
        const uint8_t* tlv = msg + off;
        const uint16_t type = be16(tlv);
        const size_t tlv_len = be16(tlv + 2);
        if (tlv_len < kTlvHeaderLen || tlv_len > len - off) return Error::kBadTlv;
        switch (type) {
            case kTlvSecurity:
                if (off != kHeaderLen) return Error::kSecurityNotFirst;
                // Only MD5 is defined; another algorithm's layout is unknown.
                if (tlv_len != kSecurityTlvLen || be32(tlv + 4) != kAlgorithmMd5) {
                    return Error::kBadTlv;
                }
                out.has_security = true;
                out.key_id = be32(tlv + 8);
                for (size_t i = 0; i < kDigestLen; ++i) out.digest[i] = tlv[kDigestInTlv + i];
                digest_off = off + kDigestInTlv;
                break;
            case kTlvLoad: {
                Load load{};
                if (Error e = parse_load(tlv, tlv_len, load); e != Error::kOk) return e;
                out.loads.push_back(std::move(load));
                break;
            }
            case kTlvKeepAlive:
                if (tlv_len != kKeepAliveTlvLen) return Error::kBadTlv;
                out.has_keepalive = true;
                out.keepalive_s = be32(tlv + 4);
                break;
            default:
                // BindID tables and TLVs of later drafts: nothing here acts
                // on them, and their length lets the walk step over them.
                break;
        }
        off += tlv_len;
    }
    return Error::kOk;
}

Error decode_message(const uint8_t* msg, size_t len, Message& out, const std::string& password) {
    if (len < kHeaderLen) return Error::kShort;
    if (msg[0] != kVersion) return Error::kBadVersion;
    const uint32_t hdr_len = be32(msg + 4);
    if (hdr_len < kHeaderLen || hdr_len > kMaxMessage) return Error::kBadLength;
    if (len < hdr_len) return Error::kShort;
    if (len > hdr_len) return Error::kBadLength;
    out.type = be16(msg + 2);
    // Customer-private and future types need not even be TLVs; the manager
    // ignores them, so there is nothing to authenticate either.
    if (!known_type(out.type)) return Error::kOk;
    size_t digest_off = 0;
    if (Error e = parse_tlvs(msg, len, out, digest_off); e != Error::kOk) return e;
    if (password.empty()) return Error::kOk;
    if (!out.has_security) return Error::kNoSecurity;
    uint8_t want[kDigestLen];
    security_digest(msg, len, digest_off, password, want);
    if (!equal_const_time(want, out.digest, kDigestLen)) return Error::kBadDigest;
    return Error::kOk;
}

}  // namespace

const char* error_name(Error e) {
    switch (e) {
        case Error::kOk:
            return "ok";
        case Error::kShort:
            return "short message";
        case Error::kBadVersion:
            return "bad version";
        case Error::kBadLength:
            return "bad length";
        case Error::kBadTlv:
            return "bad TLV";
        case Error::kSecurityNotFirst:
            return "security TLV not first";
        case Error::kBadDigest:
            return "bad digest";
        case Error::kNoSecurity:
            return "no security TLV";
    }
    return "unknown error";
}

std::vector<uint8_t> encode_preference(const std::vector<Load>& loads, const std::string& password,
                                       uint32_t key_id) {
    std::vector<uint8_t> m = start(kPreferenceInfo, password, key_id);
    for (const Load& load : loads) {
        // The format cannot carry more (16-bit TLV length, kMaxMessage): the
        // surplus hosts are dropped rather than sending a message every
        // peer would refuse. An HA reports a handful of hosts at most.
        if (m.size() + kLoadFixedLen > kMaxMessage) break;
        const size_t room = (kMaxMessage - m.size() - kLoadFixedLen) / kHostLen;
        const size_t num_hosts = std::min({load.hosts.size(), kMaxHostsPerTlv, room});
        const size_t tlv_len = kLoadFixedLen + kHostLen * num_hosts;
        put16(m, kTlvLoad);
        put16(m, uint16_t(tlv_len));
        put16(m, load.port);
        m.push_back(load.protocol);
        m.push_back(load.flags);
        put16(m, uint16_t(num_hosts));
        put16(m, 0);
        for (size_t i = 0; i < num_hosts; ++i) {
            put32(m, load.hosts[i].addr);
            put16(m, load.hosts[i].bind_id);
            put16(m, load.hosts[i].weight);
        }
    }
    finish(m, password);
    return m;
}

std::vector<uint8_t> encode_parameters(uint32_t keepalive_s, const std::string& password,
                                       uint32_t key_id) {
    std::vector<uint8_t> m = start(kDfpParameters, password, key_id);
    put16(m, kTlvKeepAlive);
    put16(m, uint16_t(kKeepAliveTlvLen));
    put32(m, keepalive_s);
    finish(m, password);
    return m;
}

Error decode(const uint8_t* msg, size_t len, Message& out, const std::string& password) {
    out = Message{};
    const Error e = decode_message(msg, len, out, password);
    // Half-filled output from a refused message must not be acted on.
    if (e != Error::kOk) out = Message{};
    return e;
}

void security_digest(const uint8_t* msg, size_t len, size_t digest_off, const std::string& password,
                     uint8_t out[16]) {
    static const uint8_t kZeros[kDigestLen] = {};
    const auto* pw = reinterpret_cast<const uint8_t*>(password.data());
    // Clamped so that a digest_off near the end cannot read past `len`.
    const size_t zero_from = std::min(digest_off, len);
    const size_t zero_to = std::min(zero_from + kDigestLen, len);
    MD5_CTX ctx;
    MD5Init(&ctx);
    MD5Update(&ctx, pw, password.size());
    MD5Update(&ctx, msg, zero_from);
    MD5Update(&ctx, kZeros, zero_to - zero_from);
    MD5Update(&ctx, msg + zero_to, len - zero_to);
    MD5Update(&ctx, pw, password.size());
    MD5Final(out, &ctx);
}

}  // namespace haslb::dfp
