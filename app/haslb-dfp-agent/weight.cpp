// SPDX-License-Identifier: BSD-3-Clause
// Weight computation for the three modes.
#include "weight.hpp"

#include <fmt/format.h>

#include <cstring>

#include "dfp/wire.hpp"

namespace haslb::dfp_agent {

uint16_t command_weight(const CommandResult& r, uint32_t timeout_ms, std::string& problem) {
    problem.clear();
    if (r.end == CommandResult::End::kExited && r.code != 126 && r.code != 127)
        return static_cast<uint16_t>(r.code);
    problem = fmt::format("weight command {}; reporting weight 0", describe(r, timeout_ms));
    return 0;
}

uint16_t formula(const Options& o, const FormulaInputs& in, std::string& detail) {
    uint32_t cpu = dfp::free_level(in.cpu_free_pct);
    uint32_t mem = dfp::free_level(in.mem_free_pct);
    uint16_t w = dfp::formula_weight(o.max_bindings, in.bindings, cpu, mem, o.available_cps, in.cps,
                                     o.max_weight);
    detail = fmt::format(
        "bindings {}/{}, cps {}/{}, cpu free {:.1f}% (level {}), mem free {:.1f}% (level {}), "
        "max-weight {}",
        in.bindings, o.max_bindings, in.cps, o.available_cps, in.cpu_free_pct, cpu, in.mem_free_pct,
        mem, o.max_weight);
    return w;
}

Report Weigher::compute() {
    Report r;
    switch (opt_.mode) {
        case Mode::kStatic:
            r.weight = opt_.static_weight;
            r.detail = "static";
            return r;
        case Mode::kCommand: {
            uint32_t ms = opt_.command_timeout_s * 1000;
            CommandResult c = run_command(opt_.command, ms, false);
            std::string problem;
            r.weight = command_weight(c, ms, problem);
            r.detail = fmt::format("command {}", describe(c, ms));
            if (!problem.empty()) r.problems.push_back(problem);
            return r;
        }
        case Mode::kFormula:
            return compute_formula();
    }
    return r;
}

Report Weigher::compute_formula() {
    Report r;
    FormulaInputs in;
    in.cpu_free_pct = sample_cpu(r.problems);
    in.mem_free_pct = sample_mem(r.problems);
    read_stats(in, r.problems);
    r.weight = formula(opt_, in, r.detail);
    return r;
}

// An unreadable /proc counts as no free capacity: the numbers are unknown,
// and an HA that cannot read its own /proc is not one to send calls to.
double Weigher::sample_cpu(std::vector<std::string>& problems) {
    std::string text;
    CpuTimes now;
    int rc = read_small_file(src_.proc_stat, text);
    if (rc == 0) rc = parse_proc_stat(text, now);
    if (rc != 0) {
        problems.push_back(fmt::format("{}: {}; counting the CPU as busy", src_.proc_stat,
                                       rc == -EINVAL ? "no cpu line" : strerror(-rc)));
        return 0;
    }
    double pct = cpu_free_pct(prev_cpu_, now);
    prev_cpu_ = now;
    if (pct >= 0) cpu_pct_ = pct;
    return cpu_pct_ < 0 ? 0 : cpu_pct_;
}

double Weigher::sample_mem(std::vector<std::string>& problems) {
    std::string text;
    MemInfo m;
    int rc = read_small_file(src_.proc_meminfo, text);
    if (rc == 0) rc = parse_meminfo(text, m);
    if (rc != 0) {
        problems.push_back(fmt::format("{}: {}; counting the memory as full", src_.proc_meminfo,
                                       rc == -EINVAL ? "no MemTotal" : strerror(-rc)));
        return 0;
    }
    return mem_free_pct(m);
}

// Missing statistics count as 0 bindings / 0 cps (an HA without a stats
// feed still reports its CPU and memory); each problem is logged once.
void Weigher::read_stats(FormulaInputs& in, std::vector<std::string>& problems) {
    std::string text, source;
    if (!opt_.stats_file.empty()) {
        source = "stats file " + opt_.stats_file;
        int rc = read_small_file(opt_.stats_file, text, 64 * 1024);
        if (rc != 0) {
            problems.push_back(
                fmt::format("{}: {}; counting 0 bindings and 0 cps", source, strerror(-rc)));
            return;
        }
    } else if (!opt_.stats_command.empty()) {
        source = "stats command";
        uint32_t ms = opt_.command_timeout_s * 1000;
        CommandResult c = run_command(opt_.stats_command, ms, true, 64 * 1024);
        if (c.end != CommandResult::End::kExited) {
            problems.push_back(
                fmt::format("{} {}; counting 0 bindings and 0 cps", source, describe(c, ms)));
            return;
        }
        // Its output still counts: a script may print the lines and then fail on something else.
        if (c.code != 0) problems.push_back(fmt::format("{} {}", source, describe(c, ms)));
        text = std::move(c.output);
    } else {
        return;  // no statistics configured: the formula runs on CPU and memory alone
    }
    Stats s = parse_stats(text);
    for (const std::string& p : s.problems) problems.push_back(fmt::format("{}: {}", source, p));
    if (!s.has_bindings)
        problems.push_back(fmt::format("{}: no 'bindings' line; counting 0", source));
    if (!s.has_cps) problems.push_back(fmt::format("{}: no 'cps' line; counting 0", source));
    in.bindings = s.bindings;
    in.cps = s.cps;
}

}  // namespace haslb::dfp_agent
