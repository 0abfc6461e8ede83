// SPDX-License-Identifier: BSD-3-Clause
// Mobile IPv4 registration codec (RFC 5944 with RFC 2794 NAI): parse a
// Registration Request or Reply from a UDP payload without copying or
// changing it. Pure functions; any lcore; no allocation.
#pragma once

#include <cstddef>
#include <cstdint>

namespace haslb::mip {

constexpr uint16_t kPort = 434;
constexpr uint8_t kTypeRrq = 1;
constexpr uint8_t kTypeRrp = 3;
constexpr uint8_t kExtNai = 131;
constexpr size_t kRrqFixed = 24;
constexpr size_t kRrpFixed = 20;
constexpr size_t kMaxNai = 255;

enum class Result : uint8_t {
    kOk,
    kTruncated,       // shorter than the fixed part
    kWrongType,       // not the message type asked for
    kBadExtension,    // an extension (before any authentication extension) runs past the end
    kEmptyNai,        // an NAI extension of length 0
};

// Where things are, as offsets into the UDP payload given to the parser.
struct Rrq {
    uint8_t flags;
    uint16_t lifetime;
    uint32_t home_addr;  // host order
    uint32_t ha_addr;    // host order
    uint32_t coa;        // host order
    uint64_t ident;      // host order
    uint16_t nai_off;    // first byte of the NAI (the extension's data); valid when nai_len > 0
    uint16_t nai_len;    // 0 = no NAI extension before the first authentication extension
    uint16_t auth_off;   // first authentication extension (32, 33, 34 or 36), or the payload length
    uint8_t nb_ext;      // extensions walked (up to the first authentication extension)
};

struct Rrp {
    uint8_t code;
    uint16_t lifetime;
    uint32_t home_addr;  // host order
    uint32_t ha_addr;    // host order
    uint64_t ident;
    uint16_t nai_off;
    uint16_t nai_len;
    uint16_t auth_off;
    uint8_t nb_ext;
};

// Extension walking (both messages): short format Type(1) Length(1) Data,
// long format Type(1) Sub-Type/Reserved(1) Length(2) Data for types 36, 38
// and 47. The walk stops at the first authentication extension (32, 33, 34,
// 36): nothing from there on is read. The first NAI (131) wins.
Result parse_rrq(const uint8_t* payload, size_t len, Rrq& out);
Result parse_rrp(const uint8_t* payload, size_t len, Rrp& out);

// 64-bit hash of an NAI (shown by `show slb sessions`, and the session key
// together with a full comparison of the bytes). Stable across runs.
uint64_t nai_hash(const uint8_t* nai, size_t len);

const char* result_name(Result r);

}  // namespace haslb::mip
