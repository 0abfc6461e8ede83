// SPDX-License-Identifier: BSD-3-Clause
// Mobile IPv4 Registration Request/Reply parser: fixed part plus a walk of
// the extensions up to the first authentication extension.
#include <cstddef>
#include <cstdint>

#include "mip/mip.hpp"

namespace haslb::mip {
namespace {

// Byte-wise reads: no alignment assumption, and g++ folds them into a
// load + bswap.
uint16_t be16(const uint8_t* p) {
    return uint16_t(p[0] << 8 | p[1]);
}

uint32_t be32(const uint8_t* p) {
    return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | uint32_t(p[3]);
}

uint64_t be64(const uint8_t* p) {
    return uint64_t(be32(p)) << 32 | be32(p + 4);
}

// Authentication extensions end the part we may look at: whatever follows is
// not covered by the authenticator, so the SLB must not act on it.
bool is_auth(uint8_t type) {
    return type == 32 || type == 33 || type == 34 || type == 36;
}

// Long format (Type, Sub-Type/Reserved, Length(2)). 36 is also long but is
// an authentication extension, so the walk never needs its length.
bool is_long(uint8_t type) {
    return type == 36 || type == 38 || type == 47;
}

// Offsets are 16-bit (a UDP payload is below 64 KiB). A longer buffer is
// walked only up to 65535 and is a bad extension unless an authentication
// extension starts before that point: auth_off must stay representable.
constexpr size_t kMaxLen = 0xffff;

struct Walk {
    uint16_t nai_off = 0;
    uint16_t nai_len = 0;
    uint16_t auth_off = 0;
    uint8_t nb_ext = 0;
};

Result walk_extensions(const uint8_t* p, size_t full_len, size_t off, Walk& w) {
    const size_t len = full_len > kMaxLen ? kMaxLen : full_len;
    bool seen_nai = false;
    bool empty_nai = false;
    while (off < len) {
        const uint8_t type = p[off];
        if (is_auth(type)) break;
        size_t data_off;
        size_t data_len;
        if (is_long(type)) {
            if (len - off < 4) break;  // header cut: reported below
            data_off = off + 4;
            data_len = be16(p + off + 2);
        } else {
            if (len - off < 2) break;
            data_off = off + 2;
            data_len = p[off + 1];
        }
        if (data_len > len - data_off) break;
        if (type == kExtNai && !seen_nai) {
            seen_nai = true;
            w.nai_off = uint16_t(data_off);
            w.nai_len = uint16_t(data_len);
            if (data_len == 0) {
                empty_nai = true;
                w.nai_off = 0;
            }
        }
        if (w.nb_ext != 0xff) ++w.nb_ext;
        off = data_off + data_len;
    }
    w.auth_off = uint16_t(off);
    // The loop leaves early only on an auth extension (p[off] is one) or on
    // an extension that does not fit.
    if (off < len && !is_auth(p[off])) return Result::kBadExtension;
    if (off == len && len < full_len) return Result::kBadExtension;
    return empty_nai ? Result::kEmptyNai : Result::kOk;
}

// Both messages carry the walk's results under the same names.
template <typename Msg>
Result walk_into(const uint8_t* p, size_t len, size_t fixed, Msg& out) {
    Walk w;
    const Result r = walk_extensions(p, len, fixed, w);
    out.nai_off = w.nai_off;
    out.nai_len = w.nai_len;
    out.auth_off = w.auth_off;
    out.nb_ext = w.nb_ext;
    return r;
}

}  // namespace

Result parse_rrq(const uint8_t* p, size_t len, Rrq& out) {
    out = Rrq{};
    if (len < kRrqFixed) return Result::kTruncated;
    if (p[0] != kTypeRrq) return Result::kWrongType;
    out.flags = p[1];
    out.lifetime = be16(p + 2);
    out.home_addr = be32(p + 4);
    out.ha_addr = be32(p + 8);
    out.coa = be32(p + 12);
    out.ident = be64(p + 16);
    return walk_into(p, len, kRrqFixed, out);
}

Result parse_rrp(const uint8_t* p, size_t len, Rrp& out) {
    out = Rrp{};
    if (len < kRrpFixed) return Result::kTruncated;
    if (p[0] != kTypeRrp) return Result::kWrongType;
    out.code = p[1];
    out.lifetime = be16(p + 2);
    out.home_addr = be32(p + 4);
    out.ha_addr = be32(p + 8);
    out.ident = be64(p + 12);
    return walk_into(p, len, kRrpFixed, out);
}

const char* result_name(Result r) {
    switch (r) {
        case Result::kOk:
            return "ok";
        case Result::kTruncated:
            return "truncated";
        case Result::kWrongType:
            return "wrong_type";
        case Result::kBadExtension:
            return "bad_extension";
        case Result::kEmptyNai:
            return "empty_nai";
    }
    return "unknown";
}

}  // namespace haslb::mip
