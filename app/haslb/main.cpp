// SPDX-License-Identifier: BSD-3-Clause
// haslb: arguments, configuration, EAL, ports, lcore launch, signals.
//
//   haslb -c FILE [--check] [--console|--no-console] [-- EAL args]
//
// Exit status: 0 clean stop, 1 runtime failure, 2 invalid configuration or usage.
#include <rte_eal.h>
#include <rte_lcore.h>
#include <rte_timer.h>
#include <unistd.h>

#include <fmt/format.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "console/console.hpp"
#include "core/control.hpp"
#include "core/eal.hpp"
#include "core/exception.hpp"
#include "core/ports.hpp"
#include "core/rcu.hpp"
#include "core/reload.hpp"
#include "core/version.hpp"
#include "core/worker.hpp"
#include "dfp/manager.hpp"
#include "ikev2/cluster.hpp"
#include "route/route.hpp"
#include "hotline/hotline.hpp"
#include "radius/radius.hpp"
#include "slb/slb.hpp"

namespace {

using namespace haslb;

std::atomic<bool> g_stop{false};

void on_signal(int) { g_stop = true; }

void usage(FILE* f) {
    fmt::print(f,
               "usage: haslb -c FILE [--check] [--console|--no-console] [-- EAL-ARGS...]\n"
               "  -c, --config FILE  configuration (libconfig); see app/haslb/conf/\n"
               "  --check            validate the configuration and exit (0 ok, 2 invalid)\n"
               "  --console          operator console on this terminal\n"
               "  --no-console       no terminal console (default); the unix socket is always there\n"
               "  -h, --help         this text\n"
               "  -V, --version      print the version\n");
}

struct Args {
    std::string config;
    bool check = false;
    bool console = false;
    std::vector<std::string> eal_extra;
};

int parse_args(int argc, char** argv, Args& a) {
    for (int i = 1; i < argc; i++) {
        std::string s = argv[i];
        if (s == "--") {
            for (int j = i + 1; j < argc; j++) a.eal_extra.emplace_back(argv[j]);
            break;
        }
        if ((s == "-c" || s == "--config") && i + 1 < argc) {
            a.config = argv[++i];
        } else if (s == "--check") {
            a.check = true;
        } else if (s == "--console") {
            a.console = true;
        } else if (s == "--no-console") {
            a.console = false;
        } else if (s == "-h" || s == "--help") {
            usage(stdout);
            exit(0);
        } else if (s == "-V" || s == "--version") {
            fmt::print("haslb {}\n", core::version());
            exit(0);
        } else {
            fmt::print(stderr, "haslb: unknown argument \"{}\"\n", s);
            return -EINVAL;
        }
    }
    if (a.config.empty()) {
        fmt::print(stderr, "haslb: -c FILE is required\n");
        return -EINVAL;
    }
    return 0;
}

// Undo stack: whatever started is stopped in reverse order, on every path.
class Teardown {
public:
    void push(std::function<void()> f) { steps_.push_back(std::move(f)); }
    ~Teardown() {
        for (auto it = steps_.rbegin(); it != steps_.rend(); ++it) (*it)();
    }

private:
    std::vector<std::function<void()>> steps_;
};

unsigned timers_poll(uint64_t) {
    rte_timer_manage();
    return 0;
}

int run(const config::Config& cfg, const Args& args) {
    std::string err;
    if (console::probe_running(cfg, err)) {
        fmt::print(stderr, "haslb: {}\n", err);
        return 2;
    }
    std::vector<std::string> eal = core::eal_arguments(cfg, args.eal_extra);
    std::vector<char*> eal_argv;
    for (auto& s : eal) eal_argv.push_back(s.data());
    eal_argv.push_back(nullptr);
    if (rte_eal_init(int(eal.size()), eal_argv.data()) < 0) {
        fmt::print(stderr, "haslb: EAL initialisation failed: {}\n", rte_strerror(rte_errno));
        return 1;
    }
    Teardown td;
    td.push([] { rte_eal_cleanup(); });

    auto fail = [&](int rc) {
        fmt::print(stderr, "haslb: {}\n", err);
        return rc == -EADDRINUSE || rc == -EINVAL ? 2 : 1;
    };
    const unsigned nb_workers = rte_lcore_count() - 1;
    if (nb_workers == 0) {
        err = "eal.lcores must name at least two lcores (control + one worker)";
        return fail(-EINVAL);
    }
    // The console socket before the ports: a second start with this file
    // prefix finds it (probe_running) while this one is still starting.
    if (int rc = console::console_init(cfg, args.console, err)) return fail(rc);
    td.push([] { console::console_fini(); });
    if (int rc = core::rcu_init(err)) return fail(rc);
    td.push([] { core::rcu_fini(); });
    if (int rc = core::control_init(cfg.mempool.mbufs, cfg.mempool.cache, err)) return fail(rc);
    td.push([] { core::control_fini(); });
    rte_timer_subsystem_init();
    td.push([] { rte_timer_subsystem_finalize(); });
    core::register_poller("timers", timers_poll);
    if (int rc = core::ports_init(cfg, nb_workers, err)) return fail(rc);
    td.push([] { core::ports_fini(); });
    if (int rc = core::exception_init(cfg, err)) {
        core::exception_fini();
        return fail(rc);
    }
    td.push([] { core::exception_fini(); });
    if (int rc = route::route_init(cfg, err)) {
        route::route_fini();
        return fail(rc);
    }
    td.push([] { route::route_fini(); });
    if (int rc = slb::slb_init(cfg, err)) {
        slb::slb_fini();
        return fail(rc);
    }
    td.push([] { slb::slb_fini(); });
    if (int rc = hotline::hotline_init(cfg, err)) {
        hotline::hotline_fini();
        return fail(rc);
    }
    td.push([] { hotline::hotline_fini(); });
    if (int rc = dfp::manager_init(cfg, err)) return fail(rc);
    td.push([] { dfp::manager_fini(); });
    if (int rc = ikev2::cluster_init(cfg, err)) {
        ikev2::cluster_fini();
        return fail(rc);
    }
    td.push([] { ikev2::cluster_fini(); });
    if (int rc = radius::radius_init(cfg, err)) {
        radius::radius_fini();
        return fail(rc);
    }
    td.push([] { radius::radius_fini(); });

    std::vector<core::WorkerConf> wconf(nb_workers);
    unsigned w = 0, lcore;
    RTE_LCORE_FOREACH_WORKER(lcore) {
        wconf[w].queue = uint16_t(w);
        wconf[w].nb_workers = uint16_t(nb_workers);
        rte_eal_remote_launch(core::worker_main, &wconf[w], lcore);
        w++;
    }
    td.push([] {
        core::g_workers_quit = true;
        rte_eal_mp_wait_lcore();
    });

    core::set_running_config(cfg);
    core::mark_start();
    fmt::print(stderr, "haslb: {} ports, {} worker lcore(s), console socket {}{}\n", cfg.ports.size(),
               nb_workers, console::socket_path(),
               core::exception_netns().empty() ? "" : ", exception namespace " + core::exception_netns());
    fmt::print("haslb: ready\n");
    fflush(stdout);

    // The control lcore loop ends on a signal or the terminal's `quit`.
    core::control_run([] { return g_stop.load() || console::quit_requested(); });
    fmt::print(stderr, "haslb: stopping\n");
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    Args args;
    if (parse_args(argc, argv, args) != 0) {
        usage(stderr);
        return 2;
    }
    config::Config cfg;
    std::vector<config::Error> errors;
    int rc = config::load(args.config, cfg, errors);
    if (rc != 0) {
        for (const auto& e : errors) fmt::print(stderr, "haslb: {}\n", e.str());
        if (errors.empty()) fmt::print(stderr, "haslb: {}: {}\n", args.config, strerror(-rc));
        return 2;
    }
    if (args.check) {
        fmt::print("{}: ok\n", args.config);
        return 0;
    }
    struct sigaction sa{};
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
    signal(SIGPIPE, SIG_IGN);  // a console client that goes away must not kill us
    return run(cfg, args);
}
