// SPDX-License-Identifier: BSD-3-Clause
#include "core/version.hpp"

#include <rte_version.h>

#include <atomic>
#include <ctime>

namespace haslb::core {
namespace {
std::atomic<int64_t> g_start{0};

int64_t now_s() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec;
}
}  // namespace

const char* version() { return HASLB_VERSION; }
std::string dpdk_version() { return rte_version(); }
void mark_start() { g_start = now_s(); }
uint64_t uptime_s() { return g_start ? uint64_t(now_s() - g_start) : 0; }

}  // namespace haslb::core
