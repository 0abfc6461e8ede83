// SPDX-License-Identifier: BSD-3-Clause
// Console: show nat translations [summary]; clear nat translations. The
// columns are IOS's `show ip nat translations`: the subscriber is inside,
// the address it sent to is "outside local", the redirect server that
// really answers is "outside global".
#include <fmt/format.h>

#include "console/console.hpp"
#include "hotline/hotline.hpp"

namespace haslb::hotline {
namespace {

constexpr uint32_t kShowMax = 1000;  // lines on the console; telemetry pages through all

bool check_running(cmdline* cl) {
    if (running()) return true;
    console::print(cl, "% hotlining is not configured: there is no NAT table\n");
    return false;
}

void show_translations(cmdline* cl, const std::vector<std::string>&) {
    if (!check_running(cl)) return;
    const auto v = nat_views(0, kShowMax);
    std::string out =
        fmt::format("{:<5}{:<22}{:<22}{:<22}{:<12}{:>6}{:>8}\n", "Pro", "Inside local",
                    "Outside local", "Outside global", "State", "Idle", "Timeout");
    for (const auto& t : v)
        out += fmt::format("{:<5}{:<22}{:<22}{:<22}{:<12}{:>6}{:>8}\n", t.proto, t.inside,
                           t.outside_original, t.outside_redirect, t.state.empty() ? "-" : t.state,
                           t.idle_s, t.timeout_s);
    const nat::Summary s = nat_summary();
    if (s.total > v.size())
        out += fmt::format("... {} more (telemetry /haslb/nat/translations pages through all)\n",
                           s.total - v.size());
    console::print(cl, out);
}

void show_summary(cmdline* cl, const std::vector<std::string>&) {
    if (!check_running(cl)) return;
    const nat::Summary s = nat_summary();
    console::print(
        cl, fmt::format("Total active translations: {} (tcp {}, udp {}, icmp {}, other {})\n"
                        "Capacity: {} translations, {} bytes each\n"
                        "Created {}, expired {}, cleared {}, refused (table full) {}\n",
                        s.total, s.tcp, s.udp, s.icmp, s.other, s.capacity, s.bytes_per_translation,
                        s.created, s.expired, s.cleared, s.refused));
}

void clear_cmd(cmdline* cl, const std::vector<std::string>&) {
    if (!check_running(cl)) return;
    std::string msg;
    clear_translations(msg);
    console::print(cl, msg + "\n");
}

__attribute__((constructor)) void register_nat_cli() {
    console::register_fixed({"show", "nat", "translations"},
                            "show nat translations: redirected flows (inside, original and "
                            "redirect destination, TCP state, idle and timeout seconds)",
                            show_translations);
    console::register_fixed({"show", "nat", "translations", "summary"},
                            "show nat translations summary: counts by protocol, capacity, bytes "
                            "per translation, created/expired/refused",
                            show_summary);
    console::register_fixed({"clear", "nat", "translations"},
                            "clear nat translations: remove every translation", clear_cmd);
}

}  // namespace
}  // namespace haslb::hotline
