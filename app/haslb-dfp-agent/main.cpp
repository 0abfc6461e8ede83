// SPDX-License-Identifier: BSD-3-Clause
// haslb-dfp-agent: runs on each real Home Agent and reports its weight to
// haslb's DFP manager (Cisco DFP). Foreground, logs to stderr.
//
// Exit status: 0 stopped by SIGTERM/SIGINT or --once done, 1 cannot listen,
// 2 bad options.
#include <signal.h>

#include <fmt/format.h>

#include <cstdio>
#include <string>
#include <vector>

#include "agent.hpp"
#include "log.hpp"
#include "options.hpp"
#include "weight.hpp"

#ifndef HASLB_VERSION
#define HASLB_VERSION "unknown"
#endif

namespace {

using namespace haslb::dfp_agent;

volatile sig_atomic_t g_stop = 0;

void on_signal(int sig) {
    g_stop = sig;
}

std::string describe_mode(const Options& o) {
    switch (o.mode) {
        case Mode::kStatic:
            return fmt::format("static {}", o.static_weight);
        case Mode::kCommand:
            return fmt::format("command '{}'", o.command);
        case Mode::kFormula: {
            std::string stats = !o.stats_file.empty() ? "stats file " + o.stats_file
                                : !o.stats_command.empty()
                                    ? "stats command '" + o.stats_command + "'"
                                    : std::string("no stats");
            return fmt::format("formula (max-weight {}, max-bindings {}, available-cps {}, {})",
                               o.max_weight, o.max_bindings, o.available_cps, stats);
        }
    }
    return "?";
}

int run_once(const Options& o) {
    Weigher w(o);
    Report r = w.compute();
    for (const std::string& p : r.problems) log_line(p);
    logf("weight {} ({})", r.weight, r.detail);
    fmt::print("weight {}\n", r.weight);
    return 0;
}

int run_daemon(const Options& o) {
    // SIGTERM/SIGINT stay blocked except inside ppoll(), so a signal cannot
    // slip in between the stop-flag test and the wait.
    sigset_t block, wait_mask;
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    sigprocmask(SIG_BLOCK, &block, &wait_mask);
    sigdelset(&wait_mask, SIGTERM);
    sigdelset(&wait_mask, SIGINT);
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGINT, &sa, nullptr);
    signal(SIGPIPE, SIG_IGN);  // a manager gone mid-write is an error code, not a death

    Weigher w(o);
    Agent agent(o, w);
    std::string err;
    if (agent.open(err) != 0) {
        log_line(err);
        return 1;
    }
    logf("haslb-dfp-agent {} listening on {}:{}; weight mode {}; keep-alive {} s{}", HASLB_VERSION,
         addr_str(o.bind_addr), agent.port(), describe_mode(o), o.interval_s,
         o.password.empty() ? "" : fmt::format("; MD5 key-id {}", o.key_id));
    while (!g_stop) agent.step(1000, &wait_mask);
    agent.shutdown();
    logf("stopped by {}", g_stop == SIGTERM ? "SIGTERM" : "SIGINT");
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    Options o;
    std::string err;
    if (parse_args(args, o, err) != 0) {
        fmt::print(stderr, "haslb-dfp-agent: {}\n", err);
        return 2;
    }
    if (o.help) {
        fmt::print("{}", usage());
        return 0;
    }
    if (o.version) {
        fmt::print("haslb-dfp-agent {}\n", HASLB_VERSION);
        return 0;
    }
    return o.once ? run_once(o) : run_daemon(o);
}
