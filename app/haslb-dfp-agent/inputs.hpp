// SPDX-License-Identifier: BSD-3-Clause
// The formula's inputs as text: /proc/stat, /proc/meminfo and the HA's
// statistics ("bindings N" / "cps N"). Parsers take strings so tests need
// no real files. Pure functions; any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace haslb::dfp_agent {

// Cumulative CPU time in clock ticks from the aggregate "cpu" line.
struct CpuTimes {
    uint64_t free = 0;   // idle + iowait: a CPU waiting for I/O could run something else
    uint64_t total = 0;  // user..steal (guest time is already inside user and nice)
};

// Parses the first "cpu " line of /proc/stat (at least user nice system
// idle). Returns 0 or -EINVAL.
int parse_proc_stat(std::string_view text, CpuTimes& out);

// Free CPU percentage 0..100 between two samples (prev all zero = since
// boot). Returns -1 when no tick passed or a counter went backwards (iowait
// can, on some kernels): the caller keeps its previous value.
double cpu_free_pct(const CpuTimes& prev, const CpuTimes& cur);

struct MemInfo {
    uint64_t total_kb = 0;
    uint64_t available_kb = 0;  // MemAvailable, or MemFree + Buffers + Cached before Linux 3.14
};

// Parses /proc/meminfo. Returns 0, or -EINVAL when MemTotal is missing or 0.
int parse_meminfo(std::string_view text, MemInfo& out);

// MemAvailable / MemTotal as a percentage 0..100.
double mem_free_pct(const MemInfo& m);

// The HA software's statistics: one "key value" pair per line. Blank lines
// and lines starting with '#' are skipped; unknown keys are ignored so the HA
// may add more; the last value of a key wins. A missing key counts as 0.
struct Stats {
    uint64_t bindings = 0;
    uint64_t cps = 0;
    bool has_bindings = false;
    bool has_cps = false;
    // One line per problem: a known key with a value that is not a whole
    // number >= 0 (the key then counts as 0), or a line that is not
    // "key value". Shown to the operator; the weight is still computed.
    std::vector<std::string> problems;
};
Stats parse_stats(std::string_view text);

// Reads at most `max` bytes of a file (files under /proc report size 0, so
// this reads until EOF). Returns 0 or -errno.
int read_small_file(const std::string& path, std::string& out, size_t max = 1 << 20);

}  // namespace haslb::dfp_agent
