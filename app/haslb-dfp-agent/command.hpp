// SPDX-License-Identifier: BSD-3-Clause
// Runs an operator's shell command with a deadline. Blocks the caller for at
// most the timeout (plus the time to reap a killed process). Main thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace haslb::dfp_agent {

struct CommandResult {
    enum class End { kExited, kSignaled, kTimedOut, kSpawnFailed };
    End end = End::kSpawnFailed;
    int code = 0;        // exit status, signal number, or errno of the failed spawn
    std::string output;  // stdout when captured, at most max_output bytes
};

// /bin/sh -c CMD with stdin from /dev/null, stderr inherited (it lands in the
// agent's log) and stdout captured or sent to /dev/null. The command runs in
// its own process group with default signal handling and an empty signal
// mask; on timeout the whole group gets SIGKILL, so a hung script cannot
// stall the keep-alives for longer than the timeout.
CommandResult run_command(const std::string& cmd, uint32_t timeout_ms, bool capture,
                          size_t max_output = 65536);

// "exit status 3", "killed by signal 9 (Killed)", "timed out after 2000 ms", ...
std::string describe(const CommandResult& r, uint32_t timeout_ms);

}  // namespace haslb::dfp_agent
