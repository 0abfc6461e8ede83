// SPDX-License-Identifier: BSD-3-Clause
#include "core/lf_hash.hpp"

#include <fmt/format.h>
#include <rte_errno.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>

#include <cerrno>

namespace haslb::core {

int lf_hash_create(LfHash& out, const char* name, const char* what, uint32_t entries,
                   uint32_t key_len, size_t entry_size, uint32_t extra_flags, rte_rcu_qsbr* qsbr,
                   std::string& err) {
    rte_hash_parameters p{};
    p.name = name;
    p.entries = entries;
    p.key_len = key_len;
    p.hash_func = rte_hash_crc;
    p.socket_id = SOCKET_ID_ANY;
    p.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF | extra_flags;
    out.hash = rte_hash_create(&p);
    if (!out.hash) {
        err = fmt::format("cannot create the {} ({} entries): {}", what, entries,
                          rte_strerror(rte_errno));
        return -ENOMEM;
    }
    if (qsbr) {
        rte_hash_rcu_config rc{};
        rc.v = qsbr;
        rc.mode = RTE_HASH_QSBR_MODE_DQ;
        if (rte_hash_rcu_qsbr_add(out.hash, &rc) != 0) {
            err = fmt::format("rte_hash_rcu_qsbr_add({}): {}", what, rte_strerror(rte_errno));
            lf_hash_free(out);
            return -EINVAL;
        }
    }
    // rte_hash may hand out positions up to its internal capacity.
    out.slots = rte_hash_max_key_id(out.hash) + 1;
    if (entry_size) {
        const std::string ename = std::string(name) + "_e";
        out.entries = rte_zmalloc(ename.c_str(), entry_size * out.slots, RTE_CACHE_LINE_SIZE);
        if (!out.entries) {
            err = fmt::format("cannot allocate {} entries of the {}", out.slots, what);
            lf_hash_free(out);
            return -ENOMEM;
        }
    }
    return 0;
}

void lf_hash_free(LfHash& t) {
    if (t.hash) rte_hash_free(t.hash);
    rte_free(t.entries);
    t = LfHash{};
}

}  // namespace haslb::core
