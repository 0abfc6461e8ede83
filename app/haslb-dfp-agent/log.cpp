// SPDX-License-Identifier: BSD-3-Clause
#include "log.hpp"

#include <time.h>

#include <algorithm>
#include <cstdio>

namespace haslb::dfp_agent {

namespace {
std::FILE* g_log = stderr;
}  // namespace

void set_log_file(std::FILE* f) {
    g_log = f;
}

void log_line(std::string_view msg) {
    if (g_log == nullptr) return;
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    tm t{};
    gmtime_r(&ts.tv_sec, &t);
    char when[32];
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &t);
    // One fwrite per line so lines from a --command's stderr do not interleave mid-line.
    std::string line = fmt::format("{} haslb-dfp-agent: {}\n", when, msg);
    fwrite(line.data(), 1, line.size(), g_log);
    fflush(g_log);
}

void ProblemLog::update(const std::vector<std::string>& now) {
    for (const std::string& p : now)
        if (std::find(active_.begin(), active_.end(), p) == active_.end()) log_line(p);
    for (const std::string& p : active_)
        if (std::find(now.begin(), now.end(), p) == now.end()) logf("resolved: {}", p);
    active_ = now;
}

}  // namespace haslb::dfp_agent
