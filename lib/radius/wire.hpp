// SPDX-License-Identifier: BSD-3-Clause
// RADIUS wire codec (RFC 2865/2866/5176; shared/reference/protocols.md §3):
// packets, attributes, vendor-specific attributes in the standard 1/1 format
// (3GPP2) and WiMAX's `1,1,c` format, Request/Response Authenticators and
// Message-Authenticator (HMAC-MD5).
//
// Pure functions: no DPDK, no sockets, any thread, no exceptions. The parser
// never reads past the octets it is given and refuses every inconsistent
// length with a named error (the fuzz target test/fuzz/fuzz_radius.cpp
// holds it to that).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace haslb::radius {

constexpr size_t kHeaderLen = 20;
constexpr size_t kMaxPacket = 4096;  // RFC 2865 §3
constexpr size_t kAuthLen = 16;
using Authenticator = std::array<uint8_t, kAuthLen>;

enum Code : uint8_t {
    kAccessRequest = 1,
    kAccessAccept = 2,
    kAccessReject = 3,
    kAccountingRequest = 4,
    kAccountingResponse = 5,
    kDisconnectRequest = 40,
    kDisconnectAck = 41,
    kDisconnectNak = 42,
    kCoaRequest = 43,
    kCoaAck = 44,
    kCoaNak = 45,
};

enum AttrType : uint8_t {
    kUserName = 1,
    kNasIpAddress = 4,
    kNasPort = 5,
    kServiceType = 6,
    kFramedIpAddress = 8,
    kFilterId = 11,
    kReplyMessage = 18,
    kState = 24,
    kClass = 25,
    kVendorSpecific = 26,
    kSessionTimeout = 27,
    kIdleTimeout = 28,
    kCalledStationId = 30,
    kCallingStationId = 31,
    kNasIdentifier = 32,
    kProxyState = 33,
    kAcctStatusType = 40,
    kAcctDelayTime = 41,
    kAcctSessionId = 44,
    kAcctSessionTime = 46,
    kAcctTerminateCause = 49,
    kAcctMultiSessionId = 50,
    kEventTimestamp = 55,
    kMessageAuthenticator = 80,
    kNasIpv6Address = 95,
    kErrorCause = 101,
};

// Service-Type value a CoA may carry (RFC 5176 §3.2).
constexpr uint32_t kServiceAuthorizeOnly = 17;

enum AcctStatus : uint32_t { kAcctStart = 1, kAcctStop = 2 };
enum TerminateCause : uint32_t {
    kTermUserRequest = 1,
    kTermSessionTimeout = 5,
    kTermAdminReset = 6,
    kTermNasRequest = 10,
};

// Error-Cause values (RFC 5176 §3.5): 2xx in ACKs only, 4xx/5xx in NAKs only.
enum ErrorCause : uint32_t {
    kUnsupportedAttribute = 401,
    kMissingAttribute = 402,
    kNasIdentificationMismatch = 403,
    kInvalidRequest = 404,
    kUnsupportedService = 405,
    kInvalidAttributeValue = 407,
    kAdministrativelyProhibited = 501,
    kSessionContextNotFound = 503,
    kSessionContextNotRemovable = 504,
    kResourcesUnavailable = 506,
};
const char* error_cause_name(uint32_t cause);  // "Administratively-Prohibited", ... "" unknown

// Vendors and their hotlining attributes (protocols.md §3.8).
constexpr uint32_t kVendor3gpp2 = 5535;
constexpr uint32_t kVendorWimax = 24757;
enum Vsa3gpp2 : uint8_t {
    k3gpp2ReleaseIndicator = 24,
    k3gpp2HotlineAcctInfo = 122,
    k3gpp2FilterRule = 124,
    k3gpp2HttpRedirectRule = 125,
    k3gpp2IpRedirectRule = 126,
    k3gpp2HotlineCapability = 127,
};
enum VsaWimax : uint8_t {
    kWimaxCapability = 1,
    kWimaxHotlineIndicator = 24,
    kWimaxHotlineProfileId = 53,
    kWimaxHttpRedirectRule = 54,
    kWimaxIpRedirectRule = 55,
    kWimaxHotlineSessionTimer = 56,
};

// One attribute: its value is raw[offset, offset + len).
struct Attribute {
    uint8_t type;
    uint16_t offset;
    uint8_t len;
};

struct Packet {
    uint8_t code = 0;
    uint8_t id = 0;
    Authenticator auth{};
    std::vector<uint8_t> raw;  // exactly Length octets (trailing padding dropped)
    std::vector<Attribute> attrs;

    std::span<const uint8_t> value(const Attribute& a) const {
        return {raw.data() + a.offset, a.len};
    }
    // The first attribute of `type`, or nullptr.
    const Attribute* find(uint8_t type) const;
};

enum class Error {
    kOk,
    kShort,           // fewer than 20 octets, or fewer than Length says
    kBadLength,       // Length < 20 or > 4096
    kBadAttribute,    // attribute length < 2 or past the end of the packet
    kBadMessageAuth,  // Message-Authenticator whose length is not 18, or twice
};
const char* error_name(Error e);

// Parses a UDP payload. Octets past Length are padding (RFC 2865 §3). On
// error `out` is left cleared.
Error parse(const uint8_t* data, size_t len, Packet& out);

// A vendor-specific attribute's content. WiMAX uses `format=1,1,c`: one
// continuation octet after the vendor length (protocols.md §3.8).
struct Vsa {
    uint32_t vendor = 0;
    uint8_t type = 0;
    std::span<const uint8_t> value;
    bool more = false;  // WiMAX continuation flag (0x80)
};
// Decodes the value of a type-26 attribute holding one sub-attribute.
// false: too short, or the sub-attribute length does not fill the value.
bool parse_vsa(std::span<const uint8_t> value, Vsa& out);

uint32_t be32(std::span<const uint8_t> v);  // v.size() == 4

// --- building --------------------------------------------------------------
// Appends attributes to an attribute list (without header). Values longer
// than 253 octets are cut (callers pass short ones).
class AttrWriter {
public:
    void add(uint8_t type, std::span<const uint8_t> value);
    void add(uint8_t type, std::string_view value);
    void add_u32(uint8_t type, uint32_t value);
    void add_vsa(uint32_t vendor, uint8_t type, std::span<const uint8_t> value);
    void add_vsa_u32(uint32_t vendor, uint8_t type, uint32_t value);
    // An 18-octet Message-Authenticator placeholder (zeros); returns its
    // offset in the attribute list.
    size_t add_message_authenticator();
    std::vector<uint8_t>& bytes() { return b_; }
    const std::vector<uint8_t>& bytes() const { return b_; }

private:
    std::vector<uint8_t> b_;
};

// A request (Accounting, CoA, Disconnect): header + attrs with the Request
// Authenticator MD5(Code|Id|Length|16 zero|Attributes|Secret). When attrs
// hold a Message-Authenticator (placeholder at `ma_offset` in attrs, or
// SIZE_MAX for none) it is computed first, over the packet with both fields
// zero (RFC 5176 §3.4).
std::vector<uint8_t> build_request(uint8_t code, uint8_t id, const std::vector<uint8_t>& attrs,
                                   std::string_view secret, size_t ma_offset = SIZE_MAX);
// A response: Response Authenticator MD5(Code|Id|Length|RequestAuth|
// Attributes|Secret); a Message-Authenticator placeholder is computed with
// the request's authenticator in the header (RFC 3579 §3.2).
std::vector<uint8_t> build_response(uint8_t code, uint8_t id, const Authenticator& request_auth,
                                    const std::vector<uint8_t>& attrs, std::string_view secret,
                                    size_t ma_offset = SIZE_MAX);

// --- checking (on a parsed packet) ----------------------------------------
// Request Authenticator of an Accounting/CoA/Disconnect request.
bool request_auth_ok(const Packet& p, std::string_view secret);
// Response Authenticator of a reply to a request with `request_auth`.
bool response_auth_ok(const Packet& p, const Authenticator& request_auth, std::string_view secret);
// Message-Authenticator of a request (header authenticator zeroed) or of a
// response (`request_auth` in the header). false if the packet has none.
bool message_auth_ok(const Packet& p, std::string_view secret,
                     const Authenticator* request_auth = nullptr);

// Primitives, public for tests.
void md5(std::span<const std::span<const uint8_t>> parts, uint8_t out[16]);
void hmac_md5(std::string_view key, std::span<const uint8_t> msg, uint8_t out[16]);

}  // namespace haslb::radius
