// SPDX-License-Identifier: BSD-3-Clause
// Internet checksum helpers. Pure functions; any lcore.
#pragma once

#include <cstddef>
#include <cstdint>

namespace haslb::net {

// One's-complement sum of `len` bytes starting at `data`, folded to 16 bits,
// NOT inverted. Byte order: the result is in network order when read as the
// two bytes it would occupy in the packet.
inline uint32_t csum_partial(const void* data, size_t len, uint32_t sum = 0) {
    const auto* p = static_cast<const uint8_t*>(data);
    while (len > 1) {
        sum += (uint32_t(p[0]) << 8) | p[1];
        p += 2;
        len -= 2;
    }
    if (len) sum += uint32_t(p[0]) << 8;
    return sum;
}

inline uint16_t csum_fold(uint32_t sum) {
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return uint16_t(sum);
}

// Full checksum over a buffer, returned in host order ready for htons().
inline uint16_t checksum(const void* data, size_t len) {
    return uint16_t(~csum_fold(csum_partial(data, len)));
}

// RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), all in host order 16-bit words.
inline uint16_t csum_update16(uint16_t old_csum, uint16_t old_word, uint16_t new_word) {
    uint32_t sum = uint16_t(~old_csum) + uint16_t(~old_word) + uint32_t(new_word);
    return uint16_t(~csum_fold(sum));
}

// Same for a 32-bit field (an IPv4 address), host order.
inline uint16_t csum_update32(uint16_t old_csum, uint32_t old_val, uint32_t new_val) {
    uint32_t sum = uint16_t(~old_csum);
    sum += uint16_t(~(old_val >> 16)) + uint16_t(~(old_val & 0xffff));
    sum += (new_val >> 16) + (new_val & 0xffff);
    return uint16_t(~csum_fold(sum));
}

// Same for a 16-octet field (an IPv6 address), both in network order.
inline uint16_t csum_update128(uint16_t old_csum, const uint8_t* old_val, const uint8_t* new_val) {
    uint32_t sum = uint16_t(~old_csum);
    for (unsigned i = 0; i < 16; i += 2) {
        sum += uint16_t(~(uint16_t(old_val[i]) << 8 | old_val[i + 1]));
        sum += uint16_t(uint16_t(new_val[i]) << 8 | new_val[i + 1]);
    }
    return uint16_t(~csum_fold(sum));
}

}  // namespace haslb::net
