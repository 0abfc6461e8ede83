// SPDX-License-Identifier: BSD-3-Clause
// The cluster NAT table: created here, filled by workers (redirect_stage),
// expired here.
#include <fmt/format.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>

#include "core/counters.hpp"
#include "core/lf_hash.hpp"
#include "core/rcu.hpp"
#include "ikev2/control/model.hpp"

namespace haslb::ikev2 {
namespace detail {

int nat_init(uint32_t entries, std::string& err) {
    // Workers add concurrently (MULTI_WRITER_ADD); everybody reads without locks.
    core::LfHash t;
    if (int rc = core::lf_hash_create(t, "haslb_cluster_nat", "cluster NAT table", entries,
                                      sizeof(NatKey), sizeof(NatEntry),
                                      RTE_HASH_EXTRA_FLAGS_MULTI_WRITER_ADD, core::g_qsbr, err))
        return rc;
    g_cluster.nat = t.hash;
    g_cluster.nat_entries = static_cast<NatEntry*>(t.entries);
    return 0;
}

void nat_fini() {
    if (g_cluster.nat) rte_hash_free(g_cluster.nat);
    rte_free(g_cluster.nat_entries);
    g_cluster.nat = nullptr;
    g_cluster.nat_entries = nullptr;
}

uint64_t nat_count() {
    return g_cluster.nat ? uint64_t(rte_hash_count(g_cluster.nat)) : 0;
}

}  // namespace detail

using namespace detail;

unsigned expire_nat(uint64_t now_tsc) {
    if (!g_cluster.nat) return 0;
    uint64_t idle_s;
    {
        std::lock_guard<std::mutex> lk(g_mu);
        idle_s = g_params.nat_idle_s;
    }
    const uint64_t idle = idle_s * rte_get_tsc_hz();
    // Collect first: deleting while iterating may skip entries.
    NatKey old[256];
    unsigned n = 0;
    const void* key;
    void* data;
    uint32_t it = 0;
    int32_t pos;
    while (n < 256 && (pos = rte_hash_iterate(g_cluster.nat, &key, &data, &it)) >= 0) {
        const NatEntry& e = g_cluster.nat_entries[pos];
        const uint64_t seen = e.last_seen.load(std::memory_order_relaxed);
        if (now_tsc > seen && now_tsc - seen > idle) old[n++] = *static_cast<const NatKey*>(key);
    }
    for (unsigned k = 0; k < n; k++) {
        const int32_t p = rte_hash_lookup(g_cluster.nat, &old[k]);
        if (p < 0) continue;
        // Invalid first: a worker that still finds the key treats it as new.
        g_cluster.nat_entries[p].valid.store(0, std::memory_order_release);
        rte_hash_del_key(g_cluster.nat, &old[k]);
    }
    core::count_stat(core::Stat::cluster_nat_expired, n);
    return n;
}

}  // namespace haslb::ikev2
