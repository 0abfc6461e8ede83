// SPDX-License-Identifier: BSD-3-Clause
// The tables workers read without locks (DESIGN 4): an rte_hash with
// lock-free readers, optionally several writers, deleted slots reused only
// after an RCU grace period, and an array of entries indexed by key position.
//
// Control lcore, before workers launch.
#pragma once

#include <rte_hash.h>
#include <rte_rcu_qsbr.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace haslb::core {

struct LfHash {
    rte_hash* hash = nullptr;
    void* entries = nullptr;  // rte_hash_max_key_id + 1 entries, zeroed, cache aligned
    uint32_t slots = 0;
};

// Creates `name` for `entries` keys of `key_len` bytes (rte_hash_crc),
// RW_CONCURRENCY_LF plus `extra_flags` (e.g. MULTI_WRITER_ADD), attached to
// `qsbr` in deferred-queue mode when it is not null, and `entry_size`-byte
// entries (none when 0). `what` names the table in messages. Returns 0, or
// -ENOMEM / -EINVAL with err; on failure nothing is left allocated.
int lf_hash_create(LfHash& out, const char* name, const char* what, uint32_t entries,
                   uint32_t key_len, size_t entry_size, uint32_t extra_flags, rte_rcu_qsbr* qsbr,
                   std::string& err);
void lf_hash_free(LfHash& t);

}  // namespace haslb::core
