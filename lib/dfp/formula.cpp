// SPDX-License-Identifier: BSD-3-Clause
// The DFP weight an agent reports, from its free bindings, CPU, memory and
// call rate (the seed's formula, see wire.hpp).
#include <cmath>
#include <cstdint>

#include "dfp/wire.hpp"

namespace haslb::dfp {
namespace {

// The numerator is a product of three factors of up to 2^32 and a level sum
// of up to 8 (2^99): 64 bits would overflow, 128 bits give the exact floor.
__extension__ typedef unsigned __int128 u128;

constexpr uint32_t kMaxLevel = 4;
constexpr uint64_t kMaxFactor = uint64_t(1) << 32;

// Halves a (total, used) pair until the total fits in 32 bits, so that the
// 128-bit product cannot overflow whatever a caller passes. Inputs up to
// 2^32 are untouched (exact result); above, the free ratio, which is all the
// formula uses, moves by at most 2^-30 of its 0..1 range.
void narrow(uint64_t& total, uint64_t& used) {
    while (total > kMaxFactor) {
        total >>= 1;
        used >>= 1;
    }
}

}  // namespace

uint16_t formula_weight(uint64_t max_bindings, uint64_t bindings, uint32_t cpu_level,
                        uint32_t mem_level, uint64_t available_cps, uint64_t usage_cps,
                        uint32_t max_weight) {
    if (max_bindings == 0 || available_cps == 0) return 0;
    if (bindings >= max_bindings || usage_cps >= available_cps) return 0;
    narrow(max_bindings, bindings);
    narrow(available_cps, usage_cps);
    const uint64_t levels = uint64_t(cpu_level > kMaxLevel ? kMaxLevel : cpu_level) +
                            (mem_level > kMaxLevel ? kMaxLevel : mem_level);
    const u128 num =
        u128(max_bindings - bindings) * levels * (available_cps - usage_cps) * max_weight;
    const u128 den = u128(max_bindings) * 32 * available_cps;
    const u128 w = num / den;
    return w > 0xffff ? uint16_t(0xffff) : uint16_t(w);
}

uint32_t free_level(double free_pct) {
    // !(x > 0) also catches NaN: no known free capacity is none.
    if (!(free_pct > 0)) return 0;
    if (free_pct >= 100) return kMaxLevel;
    // Rounded up: a mostly idle HA (more than 75 % free) is level 4, so it
    // reports the seed's initial weight of 25; only none free is level 0.
    return uint32_t(std::ceil(free_pct * kMaxLevel / 100));
}

}  // namespace haslb::dfp
