// SPDX-License-Identifier: BSD-3-Clause
// The agent's loop: connect to haslb, HELLO, UPDATE every update interval
// and HELLO every hello interval, read ACKs; reconnect every second when
// the connection fails. Main thread; returns on SIGINT/SIGTERM.
#pragma once

#include <atomic>

#include "options.hpp"
#include "sources.hpp"

namespace haslb::cluster_agent {

// The load to report now, from the configured source. False with `err`
// when the source failed (nothing is sent then; haslb's hold time decides).
bool read_load(const Options& o, HostLoad& host, ikev2::LoadReport& out, std::string& err);

// 0 on a clean stop (or --once acknowledged), 1 on --once failure.
int run(const Options& o, const std::atomic<bool>& stop);

void logf_line(const std::string& line);

}  // namespace haslb::cluster_agent
