// SPDX-License-Identifier: BSD-3-Clause
// Console: show slb dfp [weights] (the seed's `show ip slb dfp weights`).
#include <fmt/chrono.h>
#include <fmt/format.h>

#include "console/console.hpp"
#include "dfp/manager.hpp"

namespace haslb::dfp {
namespace {

void show_dfp(cmdline* cl, const std::vector<std::string>&) {
    std::string out = fmt::format("DFP Manager: password {}\n", password_set() ? "set" : "none");
    out += fmt::format("{:<17}{:<7}{:<9}{:<13}{:<10}{:<16}{:<10}{:<6}{}\n", "Agent IP", "Port", "Timeout",
                       "Retry Count", "Interval", "State", "Messages", "Lost", "Last message");
    out += std::string(96, '-') + "\n";
    for (const auto& a : agent_views())
        out += fmt::format("{:<17}{:<7}{:<9}{:<13}{:<10}{:<16}{:<10}{:<6}{}\n", a.address, a.port, a.timeout_s,
                           a.retry_count, a.retry_interval_s, a.state, a.messages, a.lost,
                           a.last_message_age_s < 0 ? "never" : fmt::format("{}s ago", a.last_message_age_s));
    console::print(cl, out);
}

void show_weights(cmdline* cl, const std::vector<std::string>&) {
    std::string out;
    for (const auto& w : weight_views()) {
        const char* proto = w.protocol == 17 ? "UDP" : w.protocol == 6 ? "TCP" : w.protocol == 0 ? "any" : "?";
        out += fmt::format("Real IP Address: {} Protocol: {} Port: {} Bind_ID: {} Weight: {}\n", w.real, proto,
                           w.port, w.bind_id, w.weight);
        out += fmt::format("Set by Agent {} at {:%H:%M:%S UTC %m/%d/%y}\n", w.agent, fmt::gmtime(w.set_at));
    }
    console::print(cl, out);
}

__attribute__((constructor)) void register_dfp_cli() {
    console::register_fixed({"show", "slb", "dfp"},
                            "show slb dfp: DFP agents (address, port, timers, state, messages, lost)", show_dfp);
    console::register_fixed({"show", "slb", "dfp", "weights"},
                            "show slb dfp weights: weights set by DFP agents, per real, and when", show_weights);
}

}  // namespace
}  // namespace haslb::dfp
