// SPDX-License-Identifier: BSD-3-Clause
#include "ikev2/load.hpp"

#include <algorithm>

namespace haslb::ikev2 {

namespace {

uint32_t ratio(uint64_t num, uint64_t den) {
    if (den == 0) return kFull;
    return uint32_t(std::min<uint64_t>(kFull, num * kFull / den));
}

uint32_t weighted(uint32_t load, uint32_t weight) {
    return uint32_t(uint64_t(load) * weight / 100);
}

}  // namespace

Load compute_load(const LoadReport& r, uint32_t max_session, uint16_t priority,
                  const LoadParams& p) {
    Load l;
    l.in_neg = ratio(r.ike_in_neg, max_session);
    l.crypto = ratio(uint64_t(r.ike_sas) + r.ike_in_neg, max_session);
    l.cpu = uint32_t(std::min<uint32_t>(r.cpu_pm, 1000)) * 1000;
    l.mem = uint32_t(std::min<uint32_t>(r.mem_pm, 1000)) * 1000;
    l.composite = std::max({weighted(l.crypto, p.weight_crypto), weighted(l.cpu, p.weight_system),
                            weighted(l.mem, p.weight_system)});
    l.prioritized = uint32_t(uint64_t(l.composite) * 100 / (priority ? priority : 1));
    l.overloaded = l.composite > p.overload_limit * (kFull / 100);
    return l;
}

int choose(const GwLoad* gw, const std::atomic<uint32_t>* pending, uint16_t n, uint32_t overload,
           uint64_t ticket, uint8_t family) {
    if (!n) return -1;
    int best = -1;
    uint64_t best_load = ~uint64_t(0);
    const uint16_t start = uint16_t(ticket % n);
    for (uint16_t k = 0; k < n; k++) {
        const uint16_t i = uint16_t((start + k) % n);
        const GwLoad& g = gw[i];
        if (!g.eligible || (family && g.family != family)) continue;
        const uint32_t c =
            projected_composite(g, pending ? pending[i].load(std::memory_order_relaxed) : 0);
        if (c > overload) continue;
        const uint64_t pl = uint64_t(c) * 100 / (g.priority ? g.priority : 1);
        if (pl < best_load) {
            best_load = pl;
            best = i;
        }
    }
    return best;
}

}  // namespace haslb::ikev2
