// SPDX-License-Identifier: BSD-3-Clause
#include "ikev2/ike.hpp"

#include <cstring>

namespace haslb::ikev2 {

namespace {

inline uint16_t rd16(const uint8_t* p) {
    return uint16_t(p[0] << 8 | p[1]);
}
inline uint32_t rd32(const uint8_t* p) {
    return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3];
}
inline uint64_t rd64(const uint8_t* p) {
    return uint64_t(rd32(p)) << 32 | rd32(p + 4);
}
inline void wr16(uint8_t* p, uint16_t v) {
    p[0] = uint8_t(v >> 8);
    p[1] = uint8_t(v);
}
inline void wr32(uint8_t* p, uint32_t v) {
    wr16(p, uint16_t(v >> 16));
    wr16(p + 2, uint16_t(v));
}
inline void wr64(uint8_t* p, uint64_t v) {
    wr32(p, uint32_t(v >> 32));
    wr32(p + 4, uint32_t(v));
}

}  // namespace

const char* result_name(Result r) {
    switch (r) {
        case Result::kOk:
            return "ok";
        case Result::kTruncated:
            return "truncated";
        case Result::kBadVersion:
            return "bad version";
        case Result::kBadLength:
            return "bad length";
        case Result::kBadPayload:
            return "bad payload";
        case Result::kBadNotify:
            return "bad notify";
        case Result::kNotSaInit:
            return "not IKE_SA_INIT request";
        case Result::kNoNonce:
            return "no nonce";
        case Result::kBadNonce:
            return "bad nonce";
    }
    return "?";
}

Result parse_header(const uint8_t* p, size_t len, Message& m) {
    if (len < kHeaderLen) return Result::kTruncated;
    m.spi_i = rd64(p);
    m.spi_r = rd64(p + 8);
    if ((p[17] >> 4) != 2) return Result::kBadVersion;
    m.exchange = p[18];
    m.flags = p[19];
    m.msg_id = rd32(p + 20);
    m.length = rd32(p + 24);
    // RFC 7296 3.1: Length is the whole message; UDP carries exactly one.
    if (m.length != len) return Result::kBadLength;
    return Result::kOk;
}

Result parse(const uint8_t* p, size_t len, Message& m) {
    m = Message{};
    if (Result r = parse_header(p, len, m); r != Result::kOk) return r;
    m.sa_init_request = m.exchange == kExchSaInit && (m.flags & kFlagInitiator) &&
                        !(m.flags & kFlagResponse) && m.spi_r == 0 && m.msg_id == 0;
    uint8_t next = p[16];
    size_t off = kHeaderLen;
    bool nonce = false;
    for (unsigned n = 0; next != kPayloadNone; n++) {
        if (n == kMaxPayloads || off + 4 > len) return Result::kBadPayload;
        const uint8_t type = next;
        const size_t plen = rd16(p + off + 2);
        if (plen < 4 || plen > len - off) return Result::kBadPayload;
        next = p[off];
        if (type == kPayloadNotify) {
            if (plen < 8) return Result::kBadNotify;
            const uint8_t spi_size = p[off + 5];
            if (8u + spi_size > plen) return Result::kBadNotify;
            const uint16_t nt = rd16(p + off + 6);
            if (nt == kNotifyRedirectSupported) m.redirect_supported = true;
            if (nt == kNotifyRedirectedFrom) m.redirected_from = true;
        } else if (type == kPayloadNonce && !nonce) {
            nonce = true;
            m.nonce_off = uint16_t(off + 4);
            m.nonce_len = uint16_t(plen - 4);
        }
        // SK (46) hides the rest: nothing after it is in the clear.
        if (type == 46) break;
        off += plen;
    }
    if (!m.sa_init_request) return Result::kOk;
    if (!nonce) return Result::kNoNonce;
    if (m.nonce_len < kMinNonce || m.nonce_len > kMaxNonce) return Result::kBadNonce;
    return Result::kOk;
}

size_t redirect_response(uint64_t spi_i, const GwIdent& gw, const uint8_t* nonce, size_t nonce_len,
                         uint8_t* out) {
    const size_t total = redirect_response_len(gw, nonce_len);
    wr64(out, spi_i);
    wr64(out + 8, 0);
    out[16] = kPayloadNotify;
    out[17] = kVersion;
    out[18] = kExchSaInit;
    out[19] = kFlagResponse;
    wr32(out + 20, 0);
    wr32(out + 24, uint32_t(total));
    uint8_t* n = out + kHeaderLen;
    n[0] = kPayloadNone;
    n[1] = 0;
    wr16(n + 2, uint16_t(total - kHeaderLen));
    n[4] = 0;  // protocol ID
    n[5] = 0;  // SPI size
    wr16(n + 6, kNotifyRedirect);
    n[8] = gw.type;
    n[9] = gw.len;
    memcpy(n + 10, gw.addr, gw.len);
    memcpy(n + 10 + gw.len, nonce, nonce_len);
    return total;
}

}  // namespace haslb::ikev2
