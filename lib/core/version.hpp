// SPDX-License-Identifier: BSD-3-Clause
// Version and uptime. Any thread.
#pragma once

#include <cstdint>
#include <string>

namespace haslb::core {

const char* version();        // "0.1.0"
std::string dpdk_version();   // "DPDK 22.11.11"
void mark_start();            // main, once ports are up
uint64_t uptime_s();

}  // namespace haslb::core
