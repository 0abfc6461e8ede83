// SPDX-License-Identifier: BSD-3-Clause
// IKEv2 message codec for the cluster load balancer (RFC 7296 header and
// generic payloads, RFC 5685 REDIRECT notifies; protocols.md section 4).
// Pure functions over byte buffers: no DPDK, no allocation, any thread
// (worker lcores, tests, the fuzzer).
#pragma once

#include <cstddef>
#include <cstdint>

namespace haslb::ikev2 {

constexpr size_t kHeaderLen = 28;
constexpr uint16_t kPortIke = 500;
constexpr uint16_t kPortNatT = 4500;
constexpr uint8_t kVersion = 0x20;  // MjVer 2, MnVer 0
constexpr uint8_t kExchSaInit = 34;
constexpr uint8_t kFlagInitiator = 0x08;
constexpr uint8_t kFlagResponse = 0x20;
constexpr uint8_t kPayloadNone = 0;
constexpr uint8_t kPayloadNonce = 40;
constexpr uint8_t kPayloadNotify = 41;
constexpr uint16_t kNotifyRedirectSupported = 16406;
constexpr uint16_t kNotifyRedirect = 16407;
constexpr uint16_t kNotifyRedirectedFrom = 16408;
constexpr uint8_t kGwIpv4 = 1;
constexpr uint8_t kGwIpv6 = 2;
constexpr size_t kMinNonce = 16;  // RFC 7296 2.10
constexpr size_t kMaxNonce = 256;
constexpr unsigned kMaxPayloads = 64;  // more in one IKE_SA_INIT is an attack, not a client

// Why a message was not accepted. Every value but kOk maps to one drop reason.
enum class Result : uint8_t {
    kOk,
    kTruncated,   // shorter than the 28-octet header
    kBadVersion,  // major version is not 2
    kBadLength,   // header Length disagrees with the UDP payload
    kBadPayload,  // a payload header runs past the message, is < 4 octets, or too many
    kBadNotify,   // a notify shorter than its fixed part or its SPI
    kNotSaInit,   // a valid IKEv2 message, but not an IKE_SA_INIT request
    kNoNonce,     // IKE_SA_INIT request without a Nonce payload
    kBadNonce,    // Nonce data outside 16..256 octets
};
const char* result_name(Result r);

// What the balancer needs from a message. Offsets are from the start of the
// IKE header (after any non-ESP marker).
struct Message {
    uint64_t spi_i = 0;  // initiator SPI, host order
    uint64_t spi_r = 0;
    uint8_t exchange = 0;
    uint8_t flags = 0;
    uint32_t msg_id = 0;
    uint32_t length = 0;
    bool sa_init_request = false;  // exchange 34, I set, R clear, SPIr 0, ID 0
    bool redirect_supported = false;
    bool redirected_from = false;
    uint16_t nonce_off = 0;  // Ni data
    uint16_t nonce_len = 0;
};

// Parses the IKE header and walks the unencrypted payload chain. Returns
// kOk for any well-formed IKEv2 message (m.sa_init_request says whether it
// is an IKE_SA_INIT request, whose nonce is then present and valid).
Result parse(const uint8_t* p, size_t len, Message& m);

// Only the header (for messages after IKE_SA_INIT: the SPIs). kTruncated,
// kBadVersion, kBadLength or kOk.
Result parse_header(const uint8_t* p, size_t len, Message& m);

// A gateway identity for REDIRECT: type 1 (4 octets) or 2 (16 octets).
struct GwIdent {
    uint8_t type = kGwIpv4;
    uint8_t len = 4;
    uint8_t addr[16] = {};
};

// Size of the IKE_SA_INIT response redirect_response() writes.
inline size_t redirect_response_len(const GwIdent& gw, size_t nonce_len) {
    return kHeaderLen + 8 + 2 + gw.len + nonce_len;
}

// Writes the IKE_SA_INIT response that carries only a REDIRECT notify:
// SPIi copied, SPIr 0, Message ID 0, flags R; notify data = GW Ident Type,
// Len, identity, then the initiator's nonce. `out` must hold
// redirect_response_len() octets and must not overlap `nonce`. Returns the
// length written.
size_t redirect_response(uint64_t spi_i, const GwIdent& gw, const uint8_t* nonce, size_t nonce_len,
                         uint8_t* out);

}  // namespace haslb::ikev2
