// SPDX-License-Identifier: BSD-3-Clause
// libFuzzer target: arbitrary octets as a DFP TCP stream. The stream goes
// through three framers (all at once, octet by octet, and in chunks whose
// sizes come from the input), which must agree; every message they yield is
// decoded with and without a password. Beyond "no crash, no over-read"
// (ASan): yielded messages are whole and within bounds, a framer never
// yields after an error, and what decodes re-encodes to the same thing.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "dfp/wire.hpp"

namespace {

using namespace haslb::dfp;
using Bytes = std::vector<uint8_t>;

const std::string kPassword = "fuzz-pw";

[[noreturn]] void fail(const char* what) {
    fprintf(stderr, "fuzz_dfp invariant violated: %s\n", what);
    abort();
}

void check(bool ok, const char* what) {
    if (!ok) fail(what);
}

// Deliberately naive big-endian read, unrelated to the codec's helpers.
uint64_t slow_be(const uint8_t* p, size_t n) {
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i) v = v * 256 + p[i];
    return v;
}

bool same_loads(const std::vector<Load>& a, const std::vector<Load>& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
        const Load& x = a[i];
        const Load& y = b[i];
        if (x.port != y.port || x.protocol != y.protocol || x.flags != y.flags) return false;
        if (x.hosts.size() != y.hosts.size()) return false;
        for (size_t j = 0; j < x.hosts.size(); ++j) {
            if (x.hosts[j].addr != y.hosts[j].addr || x.hosts[j].bind_id != y.hosts[j].bind_id ||
                x.hosts[j].weight != y.hosts[j].weight) {
                return false;
            }
        }
    }
    return true;
}

size_t encoded_size(const std::vector<Load>& loads, bool secured) {
    size_t n = kHeaderLen + (secured ? 28 : 0);
    for (const Load& l : loads) n += 12 + 8 * l.hosts.size();
    return n;
}

// A Preference Information or DFP Parameters message that decoded must come
// back equal from its encoder, plain and secured (when it still fits).
void check_round_trip(const Message& m) {
    Message again;
    if (m.type == kPreferenceInfo) {
        const Bytes plain = encode_preference(m.loads);
        check(decode(plain.data(), plain.size(), again) == Error::kOk, "re-encoded preference");
        check(same_loads(m.loads, again.loads), "preference round trip");
        if (encoded_size(m.loads, true) <= kMaxMessage) {
            const Bytes sec = encode_preference(m.loads, kPassword, m.key_id);
            check(decode(sec.data(), sec.size(), again, kPassword) == Error::kOk,
                  "re-encoded secured preference");
            check(same_loads(m.loads, again.loads) && again.key_id == m.key_id,
                  "secured preference round trip");
        }
    } else if (m.type == kDfpParameters && m.has_keepalive) {
        const Bytes plain = encode_parameters(m.keepalive_s);
        check(decode(plain.data(), plain.size(), again) == Error::kOk, "re-encoded parameters");
        check(again.has_keepalive && again.keepalive_s == m.keepalive_s, "parameters round trip");
        const Bytes sec = encode_parameters(m.keepalive_s, kPassword, m.key_id);
        check(decode(sec.data(), sec.size(), again, kPassword) == Error::kOk,
              "re-encoded secured parameters");
        check(again.keepalive_s == m.keepalive_s && again.key_id == m.key_id,
              "secured parameters round trip");
    }
}

// Decodes one buffer (a framed message or the raw input) both ways.
void check_decode(const uint8_t* p, size_t len) {
    Message plain;
    const Error e = decode(p, len, plain);
    Message sec;
    const Error es = decode(p, len, sec, kPassword);
    check(error_name(e)[0] != 0 && error_name(es)[0] != 0, "error name");
    if (e != Error::kOk) {
        check(plain.type == 0 && plain.loads.empty() && !plain.has_security, "refusal clears");
        // A password only adds conditions.
        check(es != Error::kOk, "password accepts what no password refuses");
        return;
    }
    check(len >= kHeaderLen && len <= kMaxMessage && slow_be(p + 4, 4) == len, "decoded length");
    check(p[0] == kVersion, "decoded version");
    check(plain.type == slow_be(p + 2, 2), "decoded type");
    size_t hosts = 0;
    for (const Load& l : plain.loads) hosts += l.hosts.size();
    check(12 * plain.loads.size() + 8 * hosts <= len - kHeaderLen, "loads fit the message");
    if (plain.has_security) {
        // The Security TLV is first: its fields sit at fixed offsets.
        check(slow_be(p + 8, 2) == kTlvSecurity && slow_be(p + 10, 2) == 28, "security first");
        check(plain.key_id == slow_be(p + 16, 4), "key id");
        check(memcmp(plain.digest, p + 20, 16) == 0, "digest");
    }
    if (es == Error::kOk) {
        check(sec.type == plain.type && same_loads(sec.loads, plain.loads), "same with password");
        if (sec.has_security) {
            uint8_t d[16];
            security_digest(p, len, 20, kPassword, d);
            check(memcmp(d, sec.digest, 16) == 0, "accepted digest is right");
        }
    }
    check_round_trip(plain);
}

// The weight formula against long double arithmetic (64-bit mantissa: at
// most one off at a floor boundary), when the input has the 44 octets.
void check_formula(const uint8_t* p, size_t len) {
    if (len < 44) return;
    const uint64_t max_b = slow_be(p, 8) >> (p[40] % 64);
    const uint64_t b = slow_be(p + 8, 8) >> (p[41] % 64);
    const uint32_t cpu = uint32_t(slow_be(p + 16, 4)) >> (p[42] % 32);
    const uint32_t mem = uint32_t(slow_be(p + 20, 4)) >> (p[43] % 32);
    const uint64_t avail = slow_be(p + 24, 8) >> (p[40] / 4 % 64);
    const uint64_t used = slow_be(p + 32, 8) >> (p[41] / 4 % 64);
    const uint32_t mw = uint32_t(slow_be(p + 36, 4)) >> (p[42] / 8 % 32);
    const uint16_t w = formula_weight(max_b, b, cpu, mem, avail, used, mw);
    long double want = 0;
    long double full = 0;  // the weight with everything free
    if (max_b != 0 && avail != 0 && b < max_b && used < avail) {
        const long double levels = (cpu > 4 ? 4 : cpu) + (mem > 4 ? 4 : mem);
        full = levels * mw / 32;
        want = (static_cast<long double>(max_b - b) / max_b) *
               (static_cast<long double>(avail - used) / avail) * full;
        if (want > 65535) want = 65535;
    }
    // Inputs above 2^32 are narrowed by halving: each free ratio may move by
    // 2^-30 of its range, so the result by that much of `full`.
    const long double slack = (max_b > (uint64_t(1) << 32) || avail > (uint64_t(1) << 32))
                                  ? 1 + full / (uint64_t(1) << 29)
                                  : 1;
    check(w <= want + slack && w + slack >= want, "formula");
}

struct Run {
    std::vector<Bytes> msgs;
    Error error = Error::kOk;
};

// Every next() after a feed, as the connection code does; checks what the
// framer yields.
void drain(Framer& f, Run& run) {
    Bytes m;
    while (f.next(m)) {
        check(run.error == Error::kOk, "yield after an error");
        check(m.size() >= kHeaderLen && m.size() <= kMaxMessage, "yielded size");
        check(slow_be(m.data() + 4, 4) == m.size(), "yielded length equals the header's");
        check(m[0] == kVersion, "yielded version");
        run.msgs.push_back(m);
    }
    if (run.error != Error::kOk) check(f.error() == run.error, "error changed");
    run.error = f.error();
    // Drained: what is left is less than one announced message.
    check(f.buffered() < kMaxMessage, "buffer cap");
    if (run.error != Error::kOk) check(f.buffered() == 0, "buffer kept after an error");
}

Run frame(const uint8_t* data, size_t size, size_t (*chunk)(size_t, void*), void* ctx) {
    Framer f;
    Run run;
    for (size_t off = 0; off < size;) {
        size_t n = chunk(off, ctx);
        if (n > size - off) n = size - off;
        f.feed(data + off, n);
        off += n;
        drain(f, run);
    }
    // More octets after an error change nothing.
    if (run.error != Error::kOk) {
        f.feed(data, size);
        drain(f, run);
    }
    return run;
}

struct Chunker {
    uint32_t state;
};

// Chunk sizes from the input's last two octets (also part of the stream):
// a small generator so that one input explores many splits.
size_t next_chunk(size_t, void* ctx) {
    auto* c = static_cast<Chunker*>(ctx);
    c->state = c->state * 1103515245u + 12345u;
    const uint32_t r = c->state >> 16;
    return (r & 0x8000) ? 1 + (r % 4096) : 1 + (r % 13);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    check_decode(data, size);
    check_formula(data, size);

    const Run whole = frame(
        data, size, [](size_t, void*) -> size_t { return SIZE_MAX; }, nullptr);
    const Run octets = frame(
        data, size, [](size_t, void*) -> size_t { return 1; }, nullptr);
    Chunker c{size >= 2 ? uint32_t(data[size - 2] << 8 | data[size - 1]) : 0u};
    const Run chunks = frame(data, size, next_chunk, &c);
    check(whole.msgs == octets.msgs && whole.error == octets.error, "octet framing differs");
    check(whole.msgs == chunks.msgs && whole.error == chunks.error, "chunked framing differs");

    // The messages are the stream's octets, in order, with nothing skipped.
    size_t off = 0;
    for (const Bytes& m : whole.msgs) {
        check(m.size() <= size - off && memcmp(m.data(), data + off, m.size()) == 0,
              "yielded octets are not the stream's");
        off += m.size();
        check_decode(m.data(), m.size());
    }
    return 0;
}
