// SPDX-License-Identifier: BSD-3-Clause
// libFuzzer target: arbitrary octets as an IKE message (the cluster stage's
// parser) and as a stream of the cluster agents' protocol. Beyond "no
// crash, no over-read" (ASan):
// - a parse that succeeds agrees with a naive re-walk of the payload chain
//   (header fields, REDIRECT_SUPPORTED / REDIRECTED_FROM, the nonce inside
//   the message and 16..256 octets for an IKE_SA_INIT request);
// - the REDIRECT response built from such a request (IPv4 and IPv6
//   gateways) parses back, is a response, and ends with the request's nonce;
// - the agent protocol framer never yields after an error, and what decodes
//   re-encodes to the same octets.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "ikev2/ike.hpp"
#include "ikev2/wire.hpp"

namespace {

using namespace haslb::ikev2;
using Bytes = std::vector<uint8_t>;

[[noreturn]] void fail(const char* what) {
    fprintf(stderr, "fuzz_ike invariant violated: %s\n", what);
    abort();
}

void check(bool ok, const char* what) {
    if (!ok) fail(what);
}

uint64_t be(const uint8_t* p, size_t n) {
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i) v = v * 256 + p[i];
    return v;
}

void check_ike(const uint8_t* p, size_t n) {
    Message m;
    const Result r = parse(p, n, m);
    if (r != Result::kOk) return;
    check(n >= kHeaderLen && be(p + 24, 4) == n, "accepted a message whose Length differs");
    check(m.spi_i == be(p, 8) && m.spi_r == be(p + 8, 8), "SPIs");
    // Naive re-walk (stops at SK like the parser).
    bool rs = false, rf = false;
    size_t off = kHeaderLen;
    unsigned next = p[16], count = 0;
    while (next != 0 && count < kMaxPayloads) {
        check(off + 4 <= n, "accepted a payload header past the end");
        const size_t len = be(p + off + 2, 2);
        check(len >= 4 && off + len <= n, "accepted a payload past the end");
        if (next == kPayloadNotify) {
            const unsigned t = unsigned(be(p + off + 6, 2));
            rs |= t == kNotifyRedirectSupported;
            rf |= t == kNotifyRedirectedFrom;
        }
        const unsigned type = next;
        next = p[off];
        off += len;
        count++;
        if (type == 46) break;
    }
    check(rs == m.redirect_supported && rf == m.redirected_from, "notify flags");
    if (!m.sa_init_request) return;
    check(m.nonce_len >= kMinNonce && m.nonce_len <= kMaxNonce, "nonce length");
    check(size_t(m.nonce_off) + m.nonce_len <= n, "nonce outside the message");
    for (uint8_t type : {kGwIpv4, kGwIpv6}) {
        GwIdent gw;
        gw.type = type;
        gw.len = type == kGwIpv4 ? 4 : 16;
        memcpy(gw.addr, p, gw.len <= n ? gw.len : 0);
        Bytes out(redirect_response_len(gw, m.nonce_len));
        check(
            redirect_response(m.spi_i, gw, p + m.nonce_off, m.nonce_len, out.data()) == out.size(),
            "response length");
        Message back;
        check(parse(out.data(), out.size(), back) == Result::kOk, "response does not parse");
        check(!back.sa_init_request && back.spi_i == m.spi_i && (back.flags & kFlagResponse),
              "response header");
        check(memcmp(out.data() + out.size() - m.nonce_len, p + m.nonce_off, m.nonce_len) == 0,
              "nonce not echoed");
    }
}

void check_wire(const uint8_t* p, size_t n) {
    wire::Framer f;
    f.feed(p, n);
    Bytes body;
    bool errored = false;
    for (int i = 0; i < 1000 && f.next(body); i++) {
        check(!errored, "framer yields after an error");
        check(body.size() >= 4 && body.size() <= wire::kMaxBody, "body size");
        wire::Msg m;
        if (wire::decode(body.data(), body.size(), m) != wire::Error::kOk) continue;
        Bytes re;
        if (m.type == wire::kHello) re = wire::encode_hello(m.hello);
        if (m.type == wire::kUpdate) re = wire::encode_update(m.update);
        if (m.type == wire::kAck) re = wire::encode_ack(m.holdtime_ms);
        check(re.size() == body.size() + 4, "re-encoded size");
        // Reserved octets are not kept: compare the fields that are.
        wire::Msg again;
        check(wire::decode(re.data() + 4, re.size() - 4, again) == wire::Error::kOk, "re-decode");
        check(again.type == m.type && again.update.ike_sas == m.update.ike_sas &&
                  again.update.cpu_pm == m.update.cpu_pm &&
                  again.hello.gateway == m.hello.gateway && again.holdtime_ms == m.holdtime_ms,
              "round trip");
        errored = f.error() != wire::Error::kOk;
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    check_ike(data, size);
    // As charon sends it on 4500: after the non-ESP marker.
    if (size >= 4 && !(data[0] | data[1] | data[2] | data[3])) check_ike(data + 4, size - 4);
    check_wire(data, size);
    return 0;
}
