// SPDX-License-Identifier: BSD-3-Clause
// DFP stream framing: the 8-octet header carries the total length, so a TCP
// stream splits into messages without looking at the body.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "dfp/wire.hpp"

namespace haslb::dfp {
namespace {

uint32_t header_length(const std::vector<uint8_t>& buf) {
    return uint32_t(buf[4]) << 24 | uint32_t(buf[5]) << 16 | uint32_t(buf[6]) << 8 | buf[7];
}

// The header of the message at the front of `buf`, judged from the octets
// that have arrived so far. The version is refused from its first octet so
// that a peer speaking something else is dropped at once rather than after
// 7 more octets; the length is refused before any of the body is buffered,
// so a hostile length never makes the buffer grow.
Error check_header(const std::vector<uint8_t>& buf) {
    if (buf.empty()) return Error::kOk;
    if (buf[0] != kVersion) return Error::kBadVersion;
    if (buf.size() < kHeaderLen) return Error::kOk;
    const uint32_t len = header_length(buf);
    if (len < kHeaderLen || len > kMaxMessage) return Error::kBadLength;
    return Error::kOk;
}

}  // namespace

void Framer::feed(const uint8_t* data, size_t len) {
    // A broken stream cannot be resynchronised (no marker in the format):
    // whatever follows is dropped instead of piling up until the close.
    if (error_ != Error::kOk || len == 0) return;
    buf_.insert(buf_.end(), data, data + len);
    error_ = check_header(buf_);
    if (error_ != Error::kOk) std::vector<uint8_t>().swap(buf_);
}

bool Framer::next(std::vector<uint8_t>& msg) {
    // feed() and the previous next() have vetted the header at the front.
    if (error_ != Error::kOk || buf_.size() < kHeaderLen) return false;
    const uint32_t len = header_length(buf_);
    if (buf_.size() < len) {
        // The length is vetted (<= kMaxMessage): reserving it now saves the
        // reallocations of a body that arrives in many small segments.
        buf_.reserve(len);
        return false;
    }
    msg.assign(buf_.begin(), buf_.begin() + len);
    // Moves what follows to the front: the cost of one next() is the size of
    // the buffer, so draining one feed of many small messages grows with the
    // square of the feed; a bounded recv() size keeps it small.
    buf_.erase(buf_.begin(), buf_.begin() + len);
    // Check the next header now, so error() reports a bad one as soon as
    // its octets are here even if the caller stops calling next().
    error_ = check_header(buf_);
    if (error_ != Error::kOk) std::vector<uint8_t>().swap(buf_);
    return true;
}

}  // namespace haslb::dfp
