// SPDX-License-Identifier: BSD-3-Clause
// Weighted round robin in the IOS order. A farm's eligible reals own
// consecutive ranges of a cycle as long as their weights (A=3,B=1,C=2:
// tickets 0-2 A, 3 B, 4-5 C); each new session takes the next ticket with one
// atomic fetch-add, so concurrent workers still produce exactly that order.
#include <algorithm>

#include "slb/slb.hpp"

namespace haslb::slb {

uint16_t pick_real(const Snapshot& s, uint16_t farm, uint16_t exclude) {
    const FarmSnap& f = s.farms[farm];
    if (!f.total_weight) return kNoReal;
    // Each eligible real gets at most one look per call.
    for (uint16_t tries = 0; tries <= f.nb_elig; tries++) {
        const uint64_t t =
            g_slb.cursors[farm].ticket.fetch_add(1, std::memory_order_relaxed) % f.total_weight;
        const uint16_t i =
            uint16_t(std::upper_bound(f.cum, f.cum + f.nb_elig, uint32_t(t)) - f.cum);
        const uint16_t r = f.elig[i];
        if (r == exclude) continue;
        if (RealState(s.reals[r].state) == RealState::kTesting) {
            // A TESTING real gets one trial session until it answers.
            uint8_t free = 1;
            if (!g_slb.reals[r].test_slot.compare_exchange_strong(free, 0)) continue;
        }
        return r;
    }
    return kNoReal;
}

}  // namespace haslb::slb
