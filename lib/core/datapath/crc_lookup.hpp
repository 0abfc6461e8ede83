// SPDX-License-Identifier: BSD-3-Clause
// Bulk rte_hash lookups with the signatures computed here, inline.
//
// Every haslb table is created with hash_func = rte_hash_crc and init value
// 0; rte_hash_lookup_bulk() calls that function through a pointer once per
// key, which for 4- and 16-byte keys costs more than the CRC itself (it was
// 7 % of the routed path's profile). These helpers compute the same
// signatures with the inlined rte_hash_crc (SSE4.2 crc32) and use the
// *_with_hash_bulk variants. The first key's signature is checked against the
// table's own rte_hash_hash() on every call, so a table created with another
// function or seed still gets correct answers (the plain bulk lookup).
//
// Worker lcores; n <= RTE_HASH_LOOKUP_BULK_MAX; no allocation.
#pragma once

#include <rte_hash.h>
#include <rte_hash_crc.h>

#include <cstdint>

namespace haslb::core {

// positions[i] as rte_hash_lookup_bulk().
inline void crc_lookup_bulk(const rte_hash* h, const void** keys, uint32_t key_len, uint32_t n,
                            int32_t* positions) {
    if (!n) return;
    hash_sig_t sig[RTE_HASH_LOOKUP_BULK_MAX];
    for (uint32_t i = 0; i < n; i++) sig[i] = rte_hash_crc(keys[i], key_len, 0);
    if (rte_hash_hash(h, keys[0]) != sig[0]) {
        rte_hash_lookup_bulk(h, keys, n, positions);
        return;
    }
    rte_hash_lookup_with_hash_bulk(h, keys, sig, n, positions);
}

// hits / data as rte_hash_lookup_bulk_data(); returns the number of hits or
// a negative errno.
inline int crc_lookup_bulk_data(const rte_hash* h, const void** keys, uint32_t key_len, uint32_t n,
                                uint64_t* hits, void** data) {
    *hits = 0;
    if (!n) return 0;
    hash_sig_t sig[RTE_HASH_LOOKUP_BULK_MAX];
    for (uint32_t i = 0; i < n; i++) sig[i] = rte_hash_crc(keys[i], key_len, 0);
    if (rte_hash_hash(h, keys[0]) != sig[0])
        return rte_hash_lookup_bulk_data(h, keys, n, hits, data);
    return rte_hash_lookup_with_hash_bulk_data(h, keys, sig, n, hits, data);
}

}  // namespace haslb::core
