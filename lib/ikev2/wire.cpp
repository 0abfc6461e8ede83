// SPDX-License-Identifier: BSD-3-Clause
#include "ikev2/wire.hpp"

namespace haslb::ikev2::wire {

namespace {

uint32_t rd32(const uint8_t* p) {
    return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3];
}
uint16_t rd16(const uint8_t* p) {
    return uint16_t(p[0] << 8 | p[1]);
}
void put32(std::vector<uint8_t>& v, size_t off, uint32_t x) {
    v[off] = uint8_t(x >> 24);
    v[off + 1] = uint8_t(x >> 16);
    v[off + 2] = uint8_t(x >> 8);
    v[off + 3] = uint8_t(x);
}
void put16(std::vector<uint8_t>& v, size_t off, uint16_t x) {
    v[off] = uint8_t(x >> 8);
    v[off + 1] = uint8_t(x);
}

// Length prefix + the common part of the body.
std::vector<uint8_t> start(uint8_t type, size_t body_len) {
    std::vector<uint8_t> v(4 + body_len, 0);
    put32(v, 0, uint32_t(body_len));
    v[4] = kVersion;
    v[5] = type;
    return v;
}

}  // namespace

const char* error_name(Error e) {
    switch (e) {
        case Error::kOk:
            return "ok";
        case Error::kBadLength:
            return "bad length";
        case Error::kBadVersion:
            return "bad version";
        case Error::kBadType:
            return "unknown message type";
        case Error::kBadFamily:
            return "bad address family";
        case Error::kBadValue:
            return "value out of range";
    }
    return "?";
}

Error decode(const uint8_t* b, size_t len, Msg& out) {
    out = Msg{};
    if (len < 4) return Error::kBadLength;
    if (b[0] != kVersion) return Error::kBadVersion;
    out.type = b[1];
    switch (out.type) {
        case kHello: {
            if (len != kHelloLen) return Error::kBadLength;
            const uint8_t fam = b[4];
            if (fam != 4 && fam != 6) return Error::kBadFamily;
            out.hello.gateway.family = fam;
            for (size_t i = 0; i < (fam == 4 ? 4u : 16u); i++)
                out.hello.gateway.bytes[i] = b[8 + i];
            out.hello.hello_ms = rd32(b + 24);
            out.hello.update_ms = rd32(b + 28);
            out.hello.max_session = rd32(b + 32);
            return Error::kOk;
        }
        case kUpdate: {
            if (len != kUpdateLen) return Error::kBadLength;
            out.update.ike_sas = rd32(b + 4);
            out.update.ike_in_neg = rd32(b + 8);
            out.update.ipsec_sas = rd32(b + 12);
            out.update.cpu_pm = rd16(b + 16);
            out.update.mem_pm = rd16(b + 18);
            if (out.update.cpu_pm > 1000 || out.update.mem_pm > 1000) return Error::kBadValue;
            return Error::kOk;
        }
        case kAck:
            if (len != kAckLen) return Error::kBadLength;
            out.holdtime_ms = rd32(b + 4);
            return Error::kOk;
        default:
            return Error::kBadType;
    }
}

std::vector<uint8_t> encode_hello(const Hello& h) {
    std::vector<uint8_t> v = start(kHello, kHelloLen);
    v[4 + 4] = h.gateway.family;
    for (size_t i = 0; i < (h.gateway.family == 4 ? 4u : 16u); i++)
        v[4 + 8 + i] = h.gateway.bytes[i];
    put32(v, 4 + 24, h.hello_ms);
    put32(v, 4 + 28, h.update_ms);
    put32(v, 4 + 32, h.max_session);
    return v;
}

std::vector<uint8_t> encode_update(const LoadReport& r) {
    std::vector<uint8_t> v = start(kUpdate, kUpdateLen);
    put32(v, 4 + 4, r.ike_sas);
    put32(v, 4 + 8, r.ike_in_neg);
    put32(v, 4 + 12, r.ipsec_sas);
    put16(v, 4 + 16, r.cpu_pm);
    put16(v, 4 + 18, r.mem_pm);
    return v;
}

std::vector<uint8_t> encode_ack(uint32_t holdtime_ms) {
    std::vector<uint8_t> v = start(kAck, kAckLen);
    put32(v, 4 + 4, holdtime_ms);
    return v;
}

bool Framer::next(std::vector<uint8_t>& out) {
    if (err_ != Error::kOk) return false;
    const size_t avail = buf_.size() - off_;
    if (avail < 4) return false;
    const uint32_t n = rd32(buf_.data() + off_);
    if (n < 4 || n > kMaxBody) {
        err_ = Error::kBadLength;
        return false;
    }
    if (avail < 4 + n) return false;
    out.assign(buf_.begin() + long(off_ + 4), buf_.begin() + long(off_ + 4 + n));
    off_ += 4 + n;
    if (off_ == buf_.size()) {
        buf_.clear();
        off_ = 0;
    } else if (off_ > 4096) {
        buf_.erase(buf_.begin(), buf_.begin() + long(off_));
        off_ = 0;
    }
    return true;
}

}  // namespace haslb::ikev2::wire
