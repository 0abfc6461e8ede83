// SPDX-License-Identifier: BSD-3-Clause
#include "core/counters.hpp"

#include <array>

namespace haslb::core {
namespace {

struct Names {
    std::string_view name;
    std::string_view desc;
};

constexpr Names kDropNames[] = {
#define X(id, desc) {#id, desc},
    HASLB_DROP_REASONS(X)
#undef X
};

constexpr Names kStatNames[] = {
#define X(id, desc) {#id, desc},
    HASLB_STATS(X)
#undef X
};

// RTE_MAX_LCORE slots plus one for non-EAL threads (LCORE_ID_ANY), which
// unit tests use.
std::array<LcoreCounters, RTE_MAX_LCORE + 1> g_counters;

}  // namespace

std::string_view drop_name(Drop d) { return kDropNames[size_t(d)].name; }
std::string_view drop_description(Drop d) { return kDropNames[size_t(d)].desc; }
std::string_view stat_name(Stat s) { return kStatNames[size_t(s)].name; }
std::string_view stat_description(Stat s) { return kStatNames[size_t(s)].desc; }

LcoreCounters& lcore_counters(unsigned lcore_id) {
    return g_counters[lcore_id < RTE_MAX_LCORE ? lcore_id : RTE_MAX_LCORE];
}

uint64_t total_drop(Drop d) {
    uint64_t n = 0;
    for (auto& c : g_counters) n += c.drops[size_t(d)].get();
    return n;
}

uint64_t total_stat(Stat s) {
    uint64_t n = 0;
    for (auto& c : g_counters) n += c.stats[size_t(s)].get();
    return n;
}

uint64_t total_port_tx_dropped(uint16_t port_index) {
    uint64_t n = 0;
    if (port_index >= kMaxPorts) return 0;
    for (auto& c : g_counters) n += c.port_tx_dropped[port_index].get();
    return n;
}

void reset_counters() {
    for (auto& c : g_counters) {
        for (auto& x : c.drops) x.v.store(0, std::memory_order_relaxed);
        for (auto& x : c.stats) x.v.store(0, std::memory_order_relaxed);
        for (auto& x : c.port_tx_dropped) x.v.store(0, std::memory_order_relaxed);
    }
}

}  // namespace haslb::core
