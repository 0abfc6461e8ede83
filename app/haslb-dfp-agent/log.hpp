// SPDX-License-Identifier: BSD-3-Clause
// Logging to stderr, one line per event, with a UTC timestamp (the agent runs
// in the foreground, under systemd or by hand). Main thread.
#pragma once

#include <fmt/format.h>

#include <cstdio>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace haslb::dfp_agent {

void log_line(std::string_view msg);

// Where log lines go: stderr unless changed; nullptr discards them (tests).
void set_log_file(std::FILE* f);

template <typename... T>
void logf(fmt::format_string<T...> f, T&&... args) {
    log_line(fmt::format(f, std::forward<T>(args)...));
}

// Logs each input problem when it appears and once more when it clears, so a
// missing stats file checked every second makes one line, not one a second.
class ProblemLog {
public:
    void update(const std::vector<std::string>& now);

private:
    std::vector<std::string> active_;
};

}  // namespace haslb::dfp_agent
