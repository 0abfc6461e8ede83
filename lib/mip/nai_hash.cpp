// SPDX-License-Identifier: BSD-3-Clause
// NAI hash for the session table and `show slb sessions`.
//
// Construction: two 32-bit lanes, each a CRC32-C (SSE4.2 crc32 instruction)
// over the NAI taken 8 bytes at a time (little-endian loads; the tail of
// 1..7 bytes is assembled into one zero-padded word without reading past
// `len`). Both lanes start from a different seed and first absorb the
// length, so NAIs that differ only by trailing zero bytes do not collide.
// CRC is linear over GF(2): two CRCs of the same words would differ by a
// constant that depends only on the seeds and the length, i.e. give only 32
// bits of real hash. Lane B therefore absorbs each word multiplied by an odd
// 64-bit constant (not GF(2)-linear, and a bijection so no input bits are
// lost). The 64-bit lane pair goes through the murmur3 fmix64 finaliser so
// every output bit depends on every input bit (callers may use low bits as a
// bucket index). The lanes are independent, so the two crc32 (latency 3)
// overlap: a ~40-byte NAI costs a handful of nanoseconds.
//
// Stable across runs and across x86-64 machines with SSE4.2 (the appliance
// target). It is not keyed, so it is not a defence against chosen
// collisions: the session table compares the NAI bytes as well.
#include <nmmintrin.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "mip/mip.hpp"

namespace haslb::mip {
namespace {

constexpr uint32_t kSeedA = 0x9e3779b9;            // golden ratio
constexpr uint32_t kSeedB = 0x85ebca6b;            // murmur3 constant
constexpr uint64_t kMulB = 0xc2b2ae3d27d4eb4fULL;  // xxhash64 prime 2 (odd)

uint64_t load64(const uint8_t* p) {
    uint64_t v;
    memcpy(&v, p, sizeof(v));
    return v;
}

// The last len % 8 bytes in a zero-padded word, from fixed-size copies only
// (each stays inside the buffer).
uint64_t load_tail(const uint8_t* p, size_t n) {
    uint64_t v = 0;
    size_t shift = 0;
    if (n & 4) {
        uint32_t x;
        memcpy(&x, p, 4);
        v = x;
        p += 4;
        shift = 32;
    }
    if (n & 2) {
        uint16_t x;
        memcpy(&x, p, 2);
        v |= uint64_t(x) << shift;
        p += 2;
        shift += 16;
    }
    if (n & 1) v |= uint64_t(*p) << shift;
    return v;
}

uint64_t fmix64(uint64_t k) {
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    k *= 0xc4ceb9fe1a85ec53ULL;
    k ^= k >> 33;
    return k;
}

}  // namespace

// The library has no DPDK dependency, so it does not inherit DPDK's
// -march=corei7: ask for SSE4.2 here (every target CPU has it) rather than
// rely on the flags of whoever builds it.
[[gnu::target("sse4.2")]] uint64_t nai_hash(const uint8_t* nai, size_t len) {
    uint64_t a = _mm_crc32_u64(kSeedA, len);
    uint64_t b = _mm_crc32_u64(kSeedB, len);
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        const uint64_t w = load64(nai + i);
        a = _mm_crc32_u64(a, w);
        b = _mm_crc32_u64(b, w * kMulB);
    }
    if (i < len) {
        const uint64_t w = load_tail(nai + i, len - i);
        a = _mm_crc32_u64(a, w);
        b = _mm_crc32_u64(b, w * kMulB);
    }
    return fmix64(b << 32 | (a & 0xffffffffULL));
}

}  // namespace haslb::mip
