// SPDX-License-Identifier: BSD-3-Clause
// Console: show cluster [details|stats], in the layouts of seed 003's
// `show crypto ikev2 cluster [details|stats]` on the CLB primary.
#include <fmt/format.h>

#include "console/console.hpp"
#include "core/counters.hpp"
#include "ikev2/cluster.hpp"

namespace haslb::ikev2 {
namespace {

std::string pct(uint32_t micro) {
    return fmt::format("{:.1f}%", micro / 10000.0);
}

// "mm:ss.mmm" as the seed's Last-seen column; "--" never heard.
std::string last_seen(int64_t ms) {
    if (ms < 0) return "--";
    const int64_t m = ms / 60000;
    if (m > 99) return ">99min";
    return fmt::format("{:02}:{:02}.{:03}", m, (ms / 1000) % 60, ms % 1000);
}

std::string code(const MemberView& m) {
    if (!m.alive) return "x";
    if (m.overloaded) return "-";
    return m.least_loaded ? "*" : " ";
}

void show_cluster(cmdline* cl, const std::vector<std::string>&) {
    const ClusterView v = cluster_view();
    if (!v.enabled) {
        console::print(cl, "% no cluster is configured\n");
        return;
    }
    std::string vips;
    for (const auto& a : v.vips) vips += (vips.empty() ? "" : ", ") + a;
    std::string out;
    out += "Role           : CLB Primary\n";
    out += fmt::format("Status         : {}\n", v.alive ? "Up" : "Down (no member alive)");
    out += fmt::format("CLB Secondary  : {}\n", v.alive);
    out += fmt::format("Cluster IP     : {}\n", vips);
    out += fmt::format("Hold time      : {} msec\n", v.holdtime_ms);
    out += fmt::format("Overload limit : {}%\n", v.overload_limit);
    out += "Codes          : '*' Least loaded, '-' Overloaded, 'x' Dead\n \nLoad statistics:\n";
    out += fmt::format("  {:<40} {:<6} {:>9}  {:>4} {:>7} {:>6}  {}\n", "Gateway", "Role",
                       "Last-seen", "Prio", "Load", "IKE", "FQDN");
    out += "  " + std::string(82, '-') + "\n";
    for (const auto& m : v.members)
        out += fmt::format("{:<2}{:<40} {:<6} {:>9}  {:>4} {:>7} {:>6}\n", code(m), m.address,
                           "Second", last_seen(m.last_seen_ms), m.priority, pct(m.load.composite),
                           m.report.ike_sas);
    console::print(cl, out);
}

void show_details(cmdline* cl, const std::vector<std::string>&) {
    const ClusterView v = cluster_view();
    if (!v.enabled) {
        console::print(cl, "% no cluster is configured\n");
        return;
    }
    std::string out =
        fmt::format("{:<40} {:>8} {:>8} {:>8} {:>6} {:>6} {:>10} {:>11}\n", "Gateway", "Priority",
                    "In-neg", "Crypto", "CPU", "Mem", "Composite", "Prioritized");
    out += "  " + std::string(102, '-') + "\n";
    for (const auto& m : v.members)
        out += fmt::format("  {:<38} {:>8} {:>8} {:>8} {:>5}% {:>5}% {:>10} {:>11}\n", m.address,
                           m.priority, pct(m.load.in_neg), pct(m.load.crypto), m.load.cpu / 10000,
                           m.load.mem / 10000, pct(m.load.composite), pct(m.load.prioritized));
    console::print(cl, out);
}

void show_stats(cmdline* cl, const std::vector<std::string>&) {
    const ClusterView v = cluster_view();
    if (!v.enabled) {
        console::print(cl, "% no cluster is configured\n");
        return;
    }
    std::string out = fmt::format("{:<40} {:>8} {:>10} {:>10} {:>8} {:>8}\n", "Gateway", "State",
                                  "Redirects", "NAT", "Pending", "Reports");
    out += "  " + std::string(88, '-') + "\n";
    for (const auto& m : v.members)
        out += fmt::format("  {:<38} {:>8} {:>10} {:>10} {:>8} {:>8}\n", m.address,
                           m.alive ? (m.overloaded ? "OVERLOAD" : "UP") : "DEAD", m.redirects,
                           m.nat_sessions, m.pending, m.reports);
    using core::Stat;
    out += fmt::format(
        "IKE_SA_INIT seen {}, redirects sent {}, NAT sessions {} (entries now {}), forwarded {}, "
        "reversed {}\n",
        core::total_stat(Stat::ike_sa_init_seen), core::total_stat(Stat::ike_redirects_sent),
        core::total_stat(Stat::ike_nat_new), v.nat_entries,
        core::total_stat(Stat::ike_nat_forwarded), core::total_stat(Stat::ike_nat_reversed));
    console::print(cl, out);
}

__attribute__((constructor)) void register_cluster_cli() {
    console::register_fixed({"show", "cluster"},
                            "show cluster: IKEv2 cluster role, VIP, hold time, overload limit and "
                            "per gateway last seen, priority, load, IKE SAs",
                            show_cluster);
    console::register_fixed({"show", "cluster", "details"},
                            "show cluster details: per gateway In-neg, Crypto, CPU, Mem, Composite "
                            "and Prioritized load",
                            show_details);
    console::register_fixed({"show", "cluster", "stats"},
                            "show cluster stats: per gateway redirects, NAT sessions, reports",
                            show_stats);
}

}  // namespace
}  // namespace haslb::ikev2
