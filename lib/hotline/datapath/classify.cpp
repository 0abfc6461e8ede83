// SPDX-License-Identifier: BSD-3-Clause
// Classification of a burst of keys against the published rule tables
// (hotline/rules.hpp). Worker lcores: no allocation, no lock.
#include <rte_acl.h>

#include <algorithm>

#include "hotline/rules.hpp"
#include "hotline/rules_detail.hpp"

namespace haslb::hotline {
namespace {

constexpr uint32_t kChunk = 64;  // the documented burst; results stay on the stack (4 KiB)

}  // namespace

void classify(const RuleTables& t, config::Direction dir, const AclKey* const* keys, uint32_t n,
              uint32_t* out) {
    const size_t d = size_t(dir);
    const rte_acl_ctx* ctx = d < 2 ? t.ctx[d] : nullptr;
    if (!ctx) {
        std::fill(out, out + n, kNoRule);
        return;
    }
    const uint32_t cats = t.categories[d];
    const uint8_t* data[kChunk];
    uint32_t results[kChunk * RTE_ACL_MAX_CATEGORIES];
    // Chunks only so a caller passing more than 64 keys cannot overrun the stack.
    for (uint32_t base = 0; base < n; base += kChunk) {
        const uint32_t m = std::min(kChunk, n - base);
        for (uint32_t i = 0; i < m; i++) data[i] = reinterpret_cast<const uint8_t*>(keys[base + i]);
        if (rte_acl_classify(ctx, data, results, m, cats) != 0) {
            // Only on bad arguments, which build_rules() never produces.
            std::fill(out + base, out + base + m, kNoRule);
            continue;
        }
        for (uint32_t i = 0; i < m; i++) {
            // Categories are rule positions: the first whose best entry is a
            // permit decides; a deny (or nothing) there means "next rule".
            const uint32_t* r = &results[i * cats];
            uint32_t v = kNoRule;
            for (uint32_t c = 0; c < cats; c++) {
                if (detail::acl_permits(r[c])) {
                    v = detail::acl_rule(r[c]);
                    break;
                }
            }
            out[base + i] = v;
        }
    }
}

}  // namespace haslb::hotline
