// SPDX-License-Identifier: BSD-3-Clause
// The one QSBR variable every worker reports quiescent states to. Tables
// with deferred reclamation (LPM, rte_hash) attach to it. Thread ids are
// lcore ids.
#pragma once

#include <rte_rcu_qsbr.h>

#include <string>

namespace haslb::core {

extern rte_rcu_qsbr* g_qsbr;

// Control lcore, after EAL init. Returns 0 or -ENOMEM.
int rcu_init(std::string& err);
void rcu_fini();

}  // namespace haslb::core
