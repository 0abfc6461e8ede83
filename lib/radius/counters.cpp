// SPDX-License-Identifier: BSD-3-Clause
#include "radius/counters.hpp"

namespace haslb::radius {
namespace {

std::atomic<uint64_t> g_ctr[kCtrCount];

constexpr std::string_view kNames[] = {
#define X(id, desc) #id,
    HASLB_RADIUS_COUNTERS(X)
#undef X
};
constexpr std::string_view kDescs[] = {
#define X(id, desc) desc,
    HASLB_RADIUS_COUNTERS(X)
#undef X
};

}  // namespace

std::string_view ctr_name(Ctr c) {
    return kNames[size_t(c)];
}
std::string_view ctr_description(Ctr c) {
    return kDescs[size_t(c)];
}

void count(Ctr c, uint64_t n) {
    // One writer (the control lcore): load + store, no read-modify-write.
    auto& v = g_ctr[size_t(c)];
    v.store(v.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
}

uint64_t counter(Ctr c) {
    return g_ctr[size_t(c)].load(std::memory_order_relaxed);
}

void reset_counters() {
    for (auto& v : g_ctr) v.store(0, std::memory_order_relaxed);
}

}  // namespace haslb::radius
