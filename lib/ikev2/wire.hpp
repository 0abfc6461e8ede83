// SPDX-License-Identifier: BSD-3-Clause
// The cluster load-report protocol between haslb (the primary) and
// haslb-cluster-agent on each gateway (seed 003's "CLB load management":
// a TCP protocol; the Cisco one is proprietary, this one is haslb's own).
//
// TCP to haslb's cluster.port. Every message is a 4-octet big-endian
// length N (of what follows, 4..256) and N octets of body:
//   0  1 version (1)
//   1  1 type: 1 HELLO (agent), 2 UPDATE (agent), 3 ACK (haslb)
//   2  2 reserved, 0
// HELLO, first on a connection and every hello interval (N = 40):
//   4  1 family of the gateway identity: 4 or 6
//   5  3 reserved
//   8 16 gateway identity (IPv4 in the first 4 octets): the address haslb
//        sends clients to; must be a configured cluster member
//  24  4 hello interval, ms
//  28  4 update interval, ms
//  32  4 max-session the gateway is configured with (informational)
//  36  4 reserved
// UPDATE, every update interval (N = 28):
//   4  4 IKE SAs established
//   8  4 IKE SAs in negotiation
//  12  4 IPsec (CHILD) SAs
//  16  2 CPU, per mille (0..1000)
//  18  2 memory, per mille (0..1000)
//  20  8 reserved
// ACK, haslb's answer to every HELLO and UPDATE it applied (N = 8):
//   4  4 hold time, ms
// Anything else (bad version, unknown type, wrong N, UPDATE before HELLO,
// an identity that is not a member) makes haslb close the connection.
// Pure codec: no DPDK, no sockets; any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "config/config.hpp"
#include "ikev2/load.hpp"

namespace haslb::ikev2::wire {

constexpr uint8_t kVersion = 1;
constexpr uint8_t kHello = 1, kUpdate = 2, kAck = 3;
constexpr size_t kMaxBody = 256;
constexpr size_t kHelloLen = 40, kUpdateLen = 28, kAckLen = 8;

enum class Error : uint8_t { kOk, kBadLength, kBadVersion, kBadType, kBadFamily, kBadValue };
const char* error_name(Error e);

struct Hello {
    config::IpAddr gateway;
    uint32_t hello_ms = 0, update_ms = 0, max_session = 0;
};

struct Msg {
    uint8_t type = 0;
    Hello hello;
    LoadReport update;
    uint32_t holdtime_ms = 0;  // ACK
};

// Body (after the length) -> message.
Error decode(const uint8_t* body, size_t len, Msg& out);

// Whole messages, length prefix included.
std::vector<uint8_t> encode_hello(const Hello& h);
std::vector<uint8_t> encode_update(const LoadReport& r);
std::vector<uint8_t> encode_ack(uint32_t holdtime_ms);

// Splits a TCP byte stream into message bodies.
class Framer {
public:
    void feed(const uint8_t* p, size_t n) { buf_.insert(buf_.end(), p, p + n); }
    // Next complete body into `out`; false when none (or after an error).
    bool next(std::vector<uint8_t>& out);
    Error error() const { return err_; }

private:
    std::vector<uint8_t> buf_;
    size_t off_ = 0;
    Error err_ = Error::kOk;
};

}  // namespace haslb::ikev2::wire
