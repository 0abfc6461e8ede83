// SPDX-License-Identifier: BSD-3-Clause
// libFuzzer target: arbitrary octets as a RADIUS datagram (the dynamic
// authorization server's input). Beyond "no crash, no over-read" (ASan):
// a parsed packet's attributes tile its Length exactly and stay in bounds,
// every vendor-specific attribute decodes within its value, the checks of
// the authenticators never accept what a re-signing disagrees with, and a
// packet rebuilt from its own attributes parses back the same.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "radius/wire.hpp"

namespace {

using namespace haslb::radius;

const std::string kSecret = "fuzz-secret";

[[noreturn]] void fail(const char* what) {
    fprintf(stderr, "fuzz_radius invariant violated: %s\n", what);
    abort();
}

void check(bool ok, const char* what) {
    if (!ok) fail(what);
}

void check_packet(const uint8_t* data, size_t size, const Packet& p) {
    const size_t length = size_t(data[2]) << 8 | data[3];
    check(p.raw.size() == length && length >= kHeaderLen && length <= kMaxPacket && length <= size,
          "raw is Length octets");
    check(memcmp(p.raw.data(), data, length) == 0, "raw is the input");
    size_t off = kHeaderLen;
    for (const Attribute& a : p.attrs) {
        check(a.offset == off + 2, "attributes are contiguous");
        check(size_t(a.offset) + a.len <= length, "attribute within Length");
        check(data[off] == a.type && data[off + 1] == a.len + 2, "attribute header");
        off += size_t(a.len) + 2;
        if (a.type == kVendorSpecific) {
            Vsa v;
            if (parse_vsa(p.value(a), v)) {
                const auto val = p.value(a);
                check(v.value.data() >= val.data() &&
                          v.value.data() + v.value.size() == val.data() + val.size(),
                      "VSA value inside the attribute, to its end");
            }
        }
        if (a.type == kMessageAuthenticator) check(a.len == kAuthLen, "Message-Authenticator size");
    }
    check(off == length, "attributes tile the packet");
}

// Re-signing the packet's attributes as a request must give a packet the
// checks accept; the original is accepted only if it is that packet.
void check_signing(const Packet& p) {
    std::vector<uint8_t> attrs(p.raw.begin() + kHeaderLen, p.raw.end());
    size_t ma = SIZE_MAX;
    if (const Attribute* a = p.find(kMessageAuthenticator)) {
        ma = a->offset - 2 - kHeaderLen;
        memset(&attrs[ma + 2], 0, kAuthLen);
    }
    const std::vector<uint8_t> again = build_request(p.code, p.id, attrs, kSecret, ma);
    Packet q;
    check(parse(again.data(), again.size(), q) == Error::kOk, "rebuilt request parses");
    check(q.attrs.size() == p.attrs.size(), "rebuilt request has the same attributes");
    check(request_auth_ok(q, kSecret), "rebuilt request authenticator");
    if (ma != SIZE_MAX) check(message_auth_ok(q, kSecret), "rebuilt Message-Authenticator");
    if (request_auth_ok(p, kSecret) && (ma == SIZE_MAX || message_auth_ok(p, kSecret)))
        check(again == p.raw, "accepted request equals its re-signing");
    const std::vector<uint8_t> resp = build_response(kCoaNak, p.id, p.auth, attrs, kSecret, ma);
    Packet r;
    check(parse(resp.data(), resp.size(), r) == Error::kOk, "response parses");
    check(response_auth_ok(r, p.auth, kSecret), "response authenticator");
    if (ma != SIZE_MAX)
        check(message_auth_ok(r, kSecret, &p.auth), "response Message-Authenticator");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    Packet p;
    const Error e = parse(data, size, p);
    check(error_name(e)[0] != 0, "error name");
    if (e != Error::kOk) {
        check(p.raw.empty() && p.attrs.empty(), "refusal clears");
        return 0;
    }
    check_packet(data, size, p);
    check_signing(p);
    // The raw input as a VSA value too: the decoder's own bounds.
    Vsa v;
    if (parse_vsa(std::span(data, size), v))
        check(v.value.data() + v.value.size() == data + size, "VSA value to the end");
    return 0;
}
