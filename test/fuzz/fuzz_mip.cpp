// SPDX-License-Identifier: BSD-3-Clause
// libFuzzer target: arbitrary UDP payloads through the Mobile IP codec, as a
// Registration Request and as a Reply. Beyond "no crash, no over-read"
// (ASan), an accepted message must describe itself consistently: offsets
// inside the payload, the NAI before the authentication extension, and fixed
// fields equal to a slow independent re-read. The NAI hash must be a pure
// function of the bytes.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "mip/mip.hpp"

namespace {

using namespace haslb::mip;

// Deliberately naive big-endian read, unrelated to the codec's helpers.
uint64_t slow_be(const uint8_t* p, size_t n) {
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i) v = v * 256 + p[i];
    return v;
}

[[noreturn]] void fail(const char* what) {
    fprintf(stderr, "fuzz_mip invariant violated: %s\n", what);
    abort();
}

void check(bool ok, const char* what) {
    if (!ok) fail(what);
}

bool accepted(Result r) {
    return r == Result::kOk || r == Result::kEmptyNai;
}

// Common to both messages: where the NAI and the authentication extension
// are, and that the NAI hash is repeatable.
template <typename M>
void check_layout(const uint8_t* data, size_t size, size_t fixed, Result r, const M& m) {
    check(m.auth_off <= size, "auth_off beyond the payload");
    check(m.auth_off >= fixed, "auth_off inside the fixed part");
    if (m.auth_off < size) {
        const uint8_t t = data[m.auth_off];
        check(t == 32 || t == 33 || t == 34 || t == 36, "auth_off not on an auth extension");
    }
    if (m.nai_len) {
        check(m.nai_off >= fixed + 2, "NAI inside the fixed part");
        check(size_t(m.nai_off) + m.nai_len <= m.auth_off, "NAI runs past auth_off");
        check(data[m.nai_off - 2] == kExtNai, "NAI offset not after an NAI header");
        check(data[m.nai_off - 1] == m.nai_len, "NAI length differs from its header");
        const uint64_t h1 = nai_hash(data + m.nai_off, m.nai_len);
        const uint64_t h2 = nai_hash(data + m.nai_off, m.nai_len);
        check(h1 == h2, "nai_hash not deterministic");
        check(r == Result::kOk, "non-empty first NAI reported as empty");
    } else {
        check(m.nai_off == 0, "nai_off set without an NAI");
    }
    if (m.nb_ext == 0) check(m.auth_off == fixed, "extensions walked but nb_ext is 0");
    // Each walked extension takes at least two octets.
    check(size_t(m.nb_ext) * 2 <= size_t(m.auth_off - fixed), "nb_ext larger than possible");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    Rrq q;
    const Result rq = parse_rrq(data, size, q);
    check(result_name(rq) != nullptr, "result_name null");
    if (size < kRrqFixed) check(rq == Result::kTruncated, "short RRQ not truncated");
    if (accepted(rq)) {
        check(data[0] == kTypeRrq, "RRQ accepted with another type");
        check(q.flags == data[1], "RRQ flags");
        check(q.lifetime == slow_be(data + 2, 2), "RRQ lifetime");
        check(q.home_addr == slow_be(data + 4, 4), "RRQ home address");
        check(q.ha_addr == slow_be(data + 8, 4), "RRQ home agent");
        check(q.coa == slow_be(data + 12, 4), "RRQ care-of address");
        check(q.ident == slow_be(data + 16, 8), "RRQ identification");
        check_layout(data, size, kRrqFixed, rq, q);
    }

    Rrp p;
    const Result rp = parse_rrp(data, size, p);
    if (size < kRrpFixed) check(rp == Result::kTruncated, "short RRP not truncated");
    if (accepted(rp)) {
        check(data[0] == kTypeRrp, "RRP accepted with another type");
        check(p.code == data[1], "RRP code");
        check(p.lifetime == slow_be(data + 2, 2), "RRP lifetime");
        check(p.home_addr == slow_be(data + 4, 4), "RRP home address");
        check(p.ha_addr == slow_be(data + 8, 4), "RRP home agent");
        check(p.ident == slow_be(data + 12, 8), "RRP identification");
        check_layout(data, size, kRrpFixed, rp, p);
    }
    if (size >= kRrqFixed && data[0] == kTypeRrq) check(rq != Result::kWrongType, "RRQ type");
    if (size >= kRrpFixed && data[0] != kTypeRrp) check(rp == Result::kWrongType, "RRP type");

    // Arbitrary prefixes through the hash: tail handling at every length,
    // and a prefix differing in length must not hash like the whole input
    // (a collision here would be a 2^-64 accident, so treat it as a bug).
    const size_t n = size < 300 ? size : 300;
    uint64_t prev = 0;
    for (size_t k = 0; k <= n; ++k) {
        const uint64_t h = nai_hash(data, k);
        check(h == nai_hash(data, k), "nai_hash of a prefix not deterministic");
        check(k == 0 || h != prev, "adjacent prefixes collide");
        prev = h;
    }
    return 0;
}
