// SPDX-License-Identifier: BSD-3-Clause
// Console: show radius (dynamic authorization clients, accounting servers,
// spool depth, kept CoAs, every counter). The CoA/Disconnect lines of
// `show mobile traffic` come from radius::traffic_text.
#include <fmt/format.h>

#include "console/console.hpp"
#include "radius/counters.hpp"
#include "radius/radius.hpp"

namespace haslb::radius {
namespace {

void show_radius(cmdline* cl, const std::vector<std::string>&) {
    const Status s = status();
    std::string out;
    if (s.dynauth) {
        out +=
            fmt::format("Dynamic authorization server: UDP {}, Event-Timestamp window {}\n", s.port,
                        s.event_timestamp_window_s ? fmt::format("{} s", s.event_timestamp_window_s)
                                                   : std::string("off"));
        out += fmt::format("  {:<17}{}\n", "Client", "Message-Authenticator");
        for (const auto& c : s.clients)
            out += fmt::format("  {:<17}{}\n", c.address,
                               c.require_message_authenticator ? "required" : "optional");
        out += fmt::format("  Kept CoAs (new sessions) {} of {}\n", s.pending, s.max_pending);
    } else {
        out += "Dynamic authorization server: off (no radius.dynauth.clients)\n";
    }
    if (s.accounting) {
        out += fmt::format("Accounting: spool {}, depth {}, Release-Indicator {}\n", s.spool,
                           s.spool_depth, s.release_indicator);
        out += fmt::format("  {:<17}{:<7}{}\n", "Server", "Port", "State");
        for (const auto& v : s.servers)
            out += fmt::format("  {:<17}{:<7}{}\n", v.address, v.port,
                               v.active ? "ACTIVE" : "standby");
    } else {
        out += "Accounting: off (no radius.accounting.servers)\n";
    }
    out += "Counters:\n";
    for (size_t i = 0; i < kCtrCount; i++)
        out += fmt::format("  {:<38}{}\n", ctr_name(Ctr(i)), counter(Ctr(i)));
    console::print(cl, out);
}

__attribute__((constructor)) void register_radius_cli() {
    console::register_fixed({"show", "radius"},
                            "show radius: CoA/Disconnect clients, accounting servers, spool depth, "
                            "counters",
                            show_radius);
}

}  // namespace
}  // namespace haslb::radius
