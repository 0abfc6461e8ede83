// SPDX-License-Identifier: BSD-3-Clause
// Cisco Dynamic Feedback Protocol (draft-eck-dfp) wire codec, as read from
// three independent implementations (../shared/reference/protocols.md §1).
// Pure functions; no DPDK; any thread; no exceptions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace haslb::dfp {

constexpr uint8_t kVersion = 1;
constexpr size_t kHeaderLen = 8;
constexpr uint32_t kMaxMessage = 65536;  // larger lengths are refused (a broken or hostile peer)

enum MsgType : uint16_t {
    kPreferenceInfo = 0x0101,  // agent -> manager: [Security] + Load TLV(s)
    kServerState = 0x0201,
    kDfpParameters = 0x0301,   // manager -> agent: Keep-Alive TLV
    kBindIdRequest = 0x0401,
    kBindIdReport = 0x0402,
    kBindIdChangeNotify = 0x0403,
};

enum TlvType : uint16_t {
    kTlvSecurity = 0x0001,
    kTlvLoad = 0x0002,
    kTlvKeepAlive = 0x0101,
    kTlvBindIdTable = 0x0301,
};

struct HostWeight {
    uint32_t addr;    // host order
    uint16_t bind_id; // 65535 in every known deployment
    uint16_t weight;  // 0 = no new connections
};

struct Load {
    uint16_t port;     // 0 = any
    uint8_t protocol;  // IP protocol number, 0 = any
    uint8_t flags;
    std::vector<HostWeight> hosts;
};

struct Message {
    uint16_t type = 0;
    std::vector<Load> loads;      // Preference Information / Server State
    bool has_keepalive = false;
    uint32_t keepalive_s = 0;     // DFP Parameters
    bool has_security = false;
    uint32_t key_id = 0;
    uint8_t digest[16] = {};
};

enum class Error {
    kOk,
    kShort,        // fewer bytes than the header says
    kBadVersion,   // version is not 1: the connection must be closed (no resync possible)
    kBadLength,    // header length < 8 or > kMaxMessage
    kBadTlv,       // a TLV length < 4 or past the end of the message, or a Load TLV inconsistent with NumHosts
    kSecurityNotFirst,
    kBadDigest,    // Security TLV present but the MD5 does not match the password
    kNoSecurity,   // a password is configured and the message has no Security TLV
};
const char* error_name(Error e);

// Encoders: complete messages (header with the right length) ready for one
// write(). With a non-empty password a Security TLV (MD5) is put first.
std::vector<uint8_t> encode_preference(const std::vector<Load>& loads, const std::string& password = "",
                                       uint32_t key_id = 0);
std::vector<uint8_t> encode_parameters(uint32_t keepalive_s, const std::string& password = "",
                                       uint32_t key_id = 0);

// Decodes one complete message (exactly its header's length). With a
// password, the Security TLV must be present, first, and its digest right.
Error decode(const uint8_t* msg, size_t len, Message& out, const std::string& password = "");

// The MD5 digest of the Security TLV: MD5 over the password, then the whole
// message with the 16 digest octets set to zero, then the password again
// (keyed MD5 in the style of RFC 1828). No open DFP implementation computes
// one; haslb and haslb-dfp-agent agree on this.
void security_digest(const uint8_t* msg, size_t len, size_t digest_off, const std::string& password,
                     uint8_t out[16]);

// Splits a TCP byte stream into messages. Feed what recv() returned, then
// call next() until it returns false. The length is checked before anything
// else is read; a bad version or length poisons the stream (close it).
class Framer {
public:
    void feed(const uint8_t* data, size_t len);
    // One whole message (header included) into `msg`; false when none is
    // complete yet or the stream is broken (then error() says why).
    bool next(std::vector<uint8_t>& msg);
    Error error() const { return error_; }
    size_t buffered() const { return buf_.size(); }

private:
    std::vector<uint8_t> buf_;
    Error error_ = Error::kOk;
};

// The seed's weight formula for an agent:
//   (max_bindings - bindings) * (cpu + mem) * (available_cps - usage_cps) * max_weight
//     / (max_bindings * 32 * available_cps)
// `cpu` and `mem` are free-capacity levels 0..4 (4 = idle; level = ceil(free% * 4 / 100)):
// the seed does not define their scale, and this one makes an idle HA with
// dfp_max_weight 100 report (4 + 4) * 100 / 32 = 25, the seed's initial weight.
// Inputs out of range are clamped (bindings above max and usage above
// available give 0, levels above 4 count as 4); max_bindings or
// available_cps of 0 give 0. The result is clamped to 0..65535.
uint16_t formula_weight(uint64_t max_bindings, uint64_t bindings, uint32_t cpu_level, uint32_t mem_level,
                        uint64_t available_cps, uint64_t usage_cps, uint32_t max_weight);

// Free-capacity level 0..4 from a percentage of free capacity (0..100),
// rounded up: 0 -> 0, (0,25] -> 1, (25,50] -> 2, (50,75] -> 3, above 75 -> 4.
uint32_t free_level(double free_pct);

}  // namespace haslb::dfp
