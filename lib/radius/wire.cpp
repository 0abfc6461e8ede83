// SPDX-License-Identifier: BSD-3-Clause
#include "radius/wire.hpp"

#include <md5.h>

#include <algorithm>
#include <cstring>

namespace haslb::radius {
namespace {

constexpr uint8_t kZeros[kAuthLen] = {};
constexpr size_t kMaAttrLen = 2 + kAuthLen;

void put16(uint8_t* p, uint16_t v) {
    p[0] = uint8_t(v >> 8);
    p[1] = uint8_t(v);
}

std::span<const uint8_t> bytes_of(std::string_view s) {
    return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// Header + attributes, authenticator field zero.
std::vector<uint8_t> frame(uint8_t code, uint8_t id, const std::vector<uint8_t>& attrs) {
    std::vector<uint8_t> p(kHeaderLen + attrs.size(), 0);
    p[0] = code;
    p[1] = id;
    put16(&p[2], uint16_t(p.size()));
    std::copy(attrs.begin(), attrs.end(), p.begin() + kHeaderLen);
    return p;
}

// Offset in raw of the Message-Authenticator value, or 0.
size_t ma_value_offset(const Packet& p) {
    const Attribute* a = p.find(kMessageAuthenticator);
    return a ? a->offset : 0;
}

// HMAC over the packet with the authenticator field set to `auth` and the
// Message-Authenticator value zeroed.
void packet_hmac(const Packet& p, size_t ma_off, const uint8_t* auth, std::string_view secret,
                 uint8_t out[16]) {
    std::vector<uint8_t> copy = p.raw;
    memcpy(&copy[4], auth, kAuthLen);
    memset(&copy[ma_off], 0, kAuthLen);
    hmac_md5(secret, copy, out);
}

}  // namespace

const char* error_cause_name(uint32_t c) {
    switch (c) {
        case kUnsupportedAttribute:
            return "Unsupported-Attribute";
        case kMissingAttribute:
            return "Missing-Attribute";
        case kNasIdentificationMismatch:
            return "NAS-Identification-Mismatch";
        case kInvalidRequest:
            return "Invalid-Request";
        case kUnsupportedService:
            return "Unsupported-Service";
        case kInvalidAttributeValue:
            return "Invalid-Attribute-Value";
        case kAdministrativelyProhibited:
            return "Administratively-Prohibited";
        case kSessionContextNotFound:
            return "Session-Context-Not-Found";
        case kSessionContextNotRemovable:
            return "Session-Context-Not-Removable";
        case kResourcesUnavailable:
            return "Resources-Unavailable";
    }
    return "";
}

const char* error_name(Error e) {
    switch (e) {
        case Error::kOk:
            return "ok";
        case Error::kShort:
            return "shorter than its Length";
        case Error::kBadLength:
            return "Length outside 20..4096";
        case Error::kBadAttribute:
            return "attribute length wrong or past the end";
        case Error::kBadMessageAuth:
            return "Message-Authenticator not 18 octets, or twice";
    }
    return "?";
}

const Attribute* Packet::find(uint8_t type) const {
    for (const Attribute& a : attrs)
        if (a.type == type) return &a;
    return nullptr;
}

Error parse(const uint8_t* data, size_t len, Packet& out) {
    out = Packet{};
    if (len < kHeaderLen) return Error::kShort;
    const size_t length = size_t(data[2]) << 8 | data[3];
    if (length < kHeaderLen || length > kMaxPacket) return Error::kBadLength;
    if (len < length) return Error::kShort;
    Packet p;
    p.code = data[0];
    p.id = data[1];
    memcpy(p.auth.data(), data + 4, kAuthLen);
    p.raw.assign(data, data + length);
    bool ma = false;
    for (size_t off = kHeaderLen; off < length;) {
        if (length - off < 2) return Error::kBadAttribute;
        const uint8_t type = data[off], alen = data[off + 1];
        if (alen < 2 || alen > length - off) return Error::kBadAttribute;
        if (type == kMessageAuthenticator) {
            if (ma || alen != kMaAttrLen) return Error::kBadMessageAuth;
            ma = true;
        }
        p.attrs.push_back(Attribute{type, uint16_t(off + 2), uint8_t(alen - 2)});
        off += alen;
    }
    out = std::move(p);
    return Error::kOk;
}

bool parse_vsa(std::span<const uint8_t> v, Vsa& out) {
    out = Vsa{};
    if (v.size() < 6) return false;
    out.vendor = be32(v.first(4));
    out.type = v[4];
    const size_t sublen = v[5];
    if (out.vendor == kVendorWimax) {
        // type, length, continuation; the length counts all three.
        if (v.size() < 7 || sublen < 3 || sublen != v.size() - 4) return false;
        out.more = (v[6] & 0x80) != 0;
        out.value = v.subspan(7);
        return true;
    }
    if (sublen < 2 || sublen != v.size() - 4) return false;
    out.value = v.subspan(6);
    return true;
}

uint32_t be32(std::span<const uint8_t> v) {
    return uint32_t(v[0]) << 24 | uint32_t(v[1]) << 16 | uint32_t(v[2]) << 8 | v[3];
}

void AttrWriter::add(uint8_t type, std::span<const uint8_t> value) {
    const size_t n = std::min<size_t>(value.size(), 253);
    b_.push_back(type);
    b_.push_back(uint8_t(n + 2));
    b_.insert(b_.end(), value.begin(), value.begin() + n);
}

void AttrWriter::add(uint8_t type, std::string_view value) {
    add(type, bytes_of(value));
}

void AttrWriter::add_u32(uint8_t type, uint32_t v) {
    const uint8_t b[4] = {uint8_t(v >> 24), uint8_t(v >> 16), uint8_t(v >> 8), uint8_t(v)};
    add(type, b);
}

void AttrWriter::add_vsa(uint32_t vendor, uint8_t type, std::span<const uint8_t> value) {
    const bool wimax = vendor == kVendorWimax;
    const size_t head = wimax ? 3 : 2;
    const size_t n = std::min<size_t>(value.size(), 253 - 4 - head);
    std::vector<uint8_t> v = {
        uint8_t(vendor >> 24), uint8_t(vendor >> 16), uint8_t(vendor >> 8), uint8_t(vendor), type,
        uint8_t(n + head)};
    if (wimax) v.push_back(0);  // no continuation
    v.insert(v.end(), value.begin(), value.begin() + n);
    add(kVendorSpecific, v);
}

void AttrWriter::add_vsa_u32(uint32_t vendor, uint8_t type, uint32_t v) {
    const uint8_t b[4] = {uint8_t(v >> 24), uint8_t(v >> 16), uint8_t(v >> 8), uint8_t(v)};
    add_vsa(vendor, type, b);
}

size_t AttrWriter::add_message_authenticator() {
    const size_t off = b_.size();
    add(kMessageAuthenticator, std::span<const uint8_t>(kZeros, kAuthLen));
    return off;
}

void md5(std::span<const std::span<const uint8_t>> parts, uint8_t out[16]) {
    MD5_CTX ctx;
    MD5Init(&ctx);
    for (auto s : parts) MD5Update(&ctx, s.data(), s.size());
    MD5Final(out, &ctx);
}

void hmac_md5(std::string_view key, std::span<const uint8_t> msg, uint8_t out[16]) {
    uint8_t k[64] = {};
    if (key.size() > 64) {
        const std::span<const uint8_t> parts[] = {bytes_of(key)};
        md5(parts, k);
    } else {
        memcpy(k, key.data(), key.size());
    }
    uint8_t ipad[64], opad[64], inner[16];
    for (int i = 0; i < 64; i++) {
        ipad[i] = k[i] ^ 0x36;
        opad[i] = k[i] ^ 0x5c;
    }
    const std::span<const uint8_t> in[] = {ipad, msg};
    md5(in, inner);
    const std::span<const uint8_t> outer[] = {opad, inner};
    md5(outer, out);
}

std::vector<uint8_t> build_request(uint8_t code, uint8_t id, const std::vector<uint8_t>& attrs,
                                   std::string_view secret, size_t ma_offset) {
    std::vector<uint8_t> p = frame(code, id, attrs);
    if (ma_offset != SIZE_MAX) {
        uint8_t mac[16];
        hmac_md5(secret, p, mac);
        memcpy(&p[kHeaderLen + ma_offset + 2], mac, kAuthLen);
    }
    const std::span<const uint8_t> parts[] = {p, bytes_of(secret)};
    md5(parts, &p[4]);
    return p;
}

std::vector<uint8_t> build_response(uint8_t code, uint8_t id, const Authenticator& request_auth,
                                    const std::vector<uint8_t>& attrs, std::string_view secret,
                                    size_t ma_offset) {
    std::vector<uint8_t> p = frame(code, id, attrs);
    memcpy(&p[4], request_auth.data(), kAuthLen);
    if (ma_offset != SIZE_MAX) {
        uint8_t mac[16];
        hmac_md5(secret, p, mac);
        memcpy(&p[kHeaderLen + ma_offset + 2], mac, kAuthLen);
    }
    const std::span<const uint8_t> parts[] = {p, bytes_of(secret)};
    uint8_t sum[16];
    md5(parts, sum);
    memcpy(&p[4], sum, kAuthLen);
    return p;
}

bool request_auth_ok(const Packet& p, std::string_view secret) {
    if (p.raw.size() < kHeaderLen) return false;
    const std::span<const uint8_t> parts[] = {
        std::span(p.raw).first(4), kZeros, std::span(p.raw).subspan(kHeaderLen), bytes_of(secret)};
    uint8_t sum[16];
    md5(parts, sum);
    return memcmp(sum, p.auth.data(), kAuthLen) == 0;
}

bool response_auth_ok(const Packet& p, const Authenticator& request_auth, std::string_view secret) {
    if (p.raw.size() < kHeaderLen) return false;
    const std::span<const uint8_t> parts[] = {std::span(p.raw).first(4), request_auth,
                                              std::span(p.raw).subspan(kHeaderLen),
                                              bytes_of(secret)};
    uint8_t sum[16];
    md5(parts, sum);
    return memcmp(sum, p.auth.data(), kAuthLen) == 0;
}

bool message_auth_ok(const Packet& p, std::string_view secret, const Authenticator* request_auth) {
    const size_t off = ma_value_offset(p);
    if (off == 0) return false;
    const Attribute* a = p.find(kMessageAuthenticator);
    if (a->len != kAuthLen) return false;
    uint8_t mac[16];
    packet_hmac(p, off, request_auth ? request_auth->data() : kZeros, secret, mac);
    return memcmp(mac, &p.raw[off], kAuthLen) == 0;
}

}  // namespace haslb::radius
