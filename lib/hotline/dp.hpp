// SPDX-License-Identifier: BSD-3-Clause
// Internal to lib/hotline: what the hotline stage reads, set up by
// hotline_init (control lcore) before workers launch.
//
// Update rules:
// - subs (home address -> key position) and policy[position]: the control
//   lcore is the only writer (add/delete keys, store profile ids); workers
//   read lock-free; deleted positions are reused after RCU (hash DQ);
// - rules: pointer swap by the control lcore, old one freed after
//   rte_rcu_qsbr_synchronize;
// - nat: see nat.hpp;
// - counters: per lcore index and profile id, each lcore writes its own.
#pragma once

#include <rte_hash.h>

#include <atomic>
#include <cstdint>

#include "core/counters.hpp"
#include "hotline/datapath/http_redirect.hpp"
#include "hotline/nat.hpp"
#include "hotline/rules.hpp"

namespace haslb::hotline {

constexpr uint16_t kMaxProfileIds = 4096;   // ids 1..4095; 0 = none
constexpr uint16_t kEndedProfile = 0xffff;  // session ended: drop both ways

// What a worker applies to one home address.
struct alignas(8) Policy {
    std::atomic<uint16_t> profile;  // 0 = none (normal, no realm profile)
    uint16_t pad[3];
};

enum ProfileCounter : uint8_t { kPcPassed, kPcFiltered, kPcIpRedirected, kPcHttp, kPcCount };

struct Dataplane {
    rte_hash* subs = nullptr;           // key: home address (uint32_t, host order)
    Policy* policy = nullptr;           // by key position
    std::atomic<uint32_t> nb_addrs{0};  // 0: the stage does no lookup at all
    std::atomic<RuleTables*> rules{nullptr};
    nat::Table nat;
    CookieSecret secret{};
    uint64_t tsc_hz = 1;
    // [lcore index][profile id][ProfileCounter]
    core::Counter (*counters)[kMaxProfileIds][kPcCount] = nullptr;
    unsigned nb_lcores = 0;
};
extern Dataplane g_hot;

inline void count_profile(uint16_t profile, ProfileCounter c) {
    const int idx = rte_lcore_index(int(rte_lcore_id()));
    if (idx >= 0 && unsigned(idx) < g_hot.nb_lcores && profile < kMaxProfileIds)
        g_hot.counters[idx][profile][c].add(1);
}

}  // namespace haslb::hotline
