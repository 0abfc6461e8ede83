// SPDX-License-Identifier: BSD-3-Clause
// haslb-cluster-agent: runs on each IKEv2 gateway of a haslb cluster and
// reports its load (seed 003's CLB secondary). See --help.
#include <signal.h>

#include <atomic>
#include <cstdio>

#include "agent.hpp"
#include "options.hpp"

namespace {
std::atomic<bool> g_stop{false};
void on_signal(int) {
    g_stop = true;
}
}  // namespace

int main(int argc, char** argv) {
    using namespace haslb::cluster_agent;
    Options o;
    std::string err;
    const int rc = parse_args(argc, argv, o, err);
    if (rc == 1) return 0;
    if (rc < 0) {
        std::fprintf(stderr, "haslb-cluster-agent: %s\n%s", err.c_str(), usage().c_str());
        return 2;
    }
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
    signal(SIGPIPE, SIG_IGN);
    return run(o, g_stop);
}
