// SPDX-License-Identifier: BSD-3-Clause
// The weight this HA reports, in the three modes: static, command, formula.
// Main thread (a Weigher keeps the previous CPU sample).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "command.hpp"
#include "inputs.hpp"
#include "options.hpp"

namespace haslb::dfp_agent {

struct Report {
    uint16_t weight = 0;
    std::string detail;  // how the weight was reached, for the log and --once
    std::vector<std::string>
        problems;  // what is wrong with the inputs now (the caller logs changes)
};

// Weight of a finished --command: its exit status 0..255. 126 and 127 (the
// shell could not execute or find the command), a signal, a timeout or a
// failed spawn give 0 and a problem: a typo must not attract traffic.
uint16_t command_weight(const CommandResult& r, uint32_t timeout_ms, std::string& problem);

// The formula's live inputs; percentages are free capacity 0..100.
struct FormulaInputs {
    uint64_t bindings = 0;
    uint64_t cps = 0;
    double cpu_free_pct = 0;
    double mem_free_pct = 0;
};

// dfp::free_level on both percentages, then dfp::formula_weight with the
// limits from `o`. `detail` gets every input and level.
uint16_t formula(const Options& o, const FormulaInputs& in, std::string& detail);

// Where the formula reads the kernel's numbers (tests point these at files).
struct Sources {
    std::string proc_stat = "/proc/stat";
    std::string proc_meminfo = "/proc/meminfo";
};

class Weigher {
public:
    explicit Weigher(const Options& o, Sources s = {}) : opt_(o), src_(std::move(s)) {}

    // Computes the weight now: runs the command, reads the files. Blocks for
    // at most --command-timeout. The CPU figure covers the time since the
    // previous call (the first call: since boot).
    Report compute();

private:
    Report compute_formula();
    double sample_cpu(std::vector<std::string>& problems);
    double sample_mem(std::vector<std::string>& problems);
    void read_stats(FormulaInputs& in, std::vector<std::string>& problems);

    Options opt_;
    Sources src_;
    CpuTimes prev_cpu_{};
    double cpu_pct_ = -1;  // the last good figure; reused when no tick passed
};

}  // namespace haslb::dfp_agent
