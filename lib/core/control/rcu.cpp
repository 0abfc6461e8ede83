// SPDX-License-Identifier: BSD-3-Clause
#include "core/rcu.hpp"

#include <rte_malloc.h>

#include <cerrno>

namespace haslb::core {

rte_rcu_qsbr* g_qsbr = nullptr;

int rcu_init(std::string& err) {
    const size_t sz = rte_rcu_qsbr_get_memsize(RTE_MAX_LCORE);
    g_qsbr = static_cast<rte_rcu_qsbr*>(rte_zmalloc("haslb_qsbr", sz, RTE_CACHE_LINE_SIZE));
    if (!g_qsbr || rte_rcu_qsbr_init(g_qsbr, RTE_MAX_LCORE) != 0) {
        err = "cannot allocate the RCU (QSBR) variable";
        rcu_fini();
        return -ENOMEM;
    }
    return 0;
}

void rcu_fini() {
    rte_free(g_qsbr);
    g_qsbr = nullptr;
}

}  // namespace haslb::core
