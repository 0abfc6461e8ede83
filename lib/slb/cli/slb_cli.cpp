// SPDX-License-Identifier: BSD-3-Clause
// Console: show slb reals | vservers | sessions [ipmobile]; set real A
// weight N | inservice | outofservice; clear slb sessions; debug slb
// sessions on|off. Layouts follow the seed's `show ip slb` outputs.
#include <cmdline_parse_num.h>
#include <cmdline_parse_string.h>
#include <fmt/format.h>

#include "console/console.hpp"
#include "slb/slb.hpp"

namespace haslb::slb {
namespace {

void show_reals(cmdline* cl, const std::vector<std::string>&) {
    std::string out =
        fmt::format("{:<17}{:<17}{:<8}{:<15}{}\n", "real", "farm name", "weight", "state", "conns");
    out += std::string(62, '-') + "\n";
    for (const auto& r : real_views())
        out += fmt::format("{:<17}{:<17}{:<8}{:<15}{}\n", r.address, r.farm, r.weight, r.state,
                           r.conns);
    console::print(cl, out);
}

void show_vservers(cmdline* cl, const std::vector<std::string>&) {
    std::string out = fmt::format("{:<17}{:<6}{:<22}{:<15}{}\n", "slb vserver", "prot", "virtual",
                                  "state", "conns");
    out += std::string(65, '-') + "\n";
    for (const auto& v : vserver_views())
        out += fmt::format("{:<17}{:<6}{:<22}{:<15}{}\n", v.name, v.protocol,
                           fmt::format("{}:{}", v.virtual_addr, v.port), v.state, v.conns);
    console::print(cl, out);
}

void show_sessions(cmdline* cl, const std::vector<std::string>&) {
    std::string out = fmt::format("{:<17}{:<18}{:<17}{:<17}{}\n", "vserver", "NAI hash", "client",
                                  "real", "state");
    out += std::string(84, '-') + "\n";
    for (const auto& s : session_views())
        out += fmt::format("{:<17}{:016X}  {:<17}{:<17}{}\n", s.vserver, s.nai_hash, s.client,
                           s.real, s.state);
    console::print(cl, out);
}

void clear_cmd(cmdline* cl, const std::vector<std::string>&) {
    std::string msg;
    clear_sessions(msg);
    console::print(cl, msg + "\n");
}

void debug_cmd(cmdline* cl, const std::vector<std::string>& w) {
    const bool on = w.back() == "on";
    set_debug(on);
    console::print(cl, fmt::format("SLB session debugging is {}\n", on ? "on" : "off"));
}

// set real A.B.C.D weight N | set real A.B.C.D inservice|outofservice
struct SetRealWeight {
    cmdline_fixed_string_t set, real;
    cmdline_fixed_string_t addr;
    cmdline_fixed_string_t weight;
    uint32_t value;
};

void print_result(cmdline* cl, int rc, const std::string& msg) {
    console::print(cl, rc == 0 ? msg + "\n" : fmt::format("% {}\n", msg));
}

void set_weight_cb(void* parsed, cmdline* cl, void*) {
    auto* r = static_cast<SetRealWeight*>(parsed);
    uint32_t addr;
    std::string msg;
    if (config::parse_ipv4(r->addr, addr) != 0) {
        console::print(cl, fmt::format("% \"{}\" is not an IPv4 address\n", r->addr));
        return;
    }
    print_result(cl, set_real_weight(addr, r->value, msg), msg);
}

cmdline_parse_token_string_t t_set = TOKEN_STRING_INITIALIZER(SetRealWeight, set, "set");
cmdline_parse_token_string_t t_real = TOKEN_STRING_INITIALIZER(SetRealWeight, real, "real");
cmdline_parse_token_string_t t_addr = TOKEN_STRING_INITIALIZER(SetRealWeight, addr, nullptr);
cmdline_parse_token_string_t t_weight = TOKEN_STRING_INITIALIZER(SetRealWeight, weight, "weight");
cmdline_parse_token_num_t t_value = TOKEN_NUM_INITIALIZER(SetRealWeight, value, RTE_UINT32);

struct SetRealState {
    cmdline_fixed_string_t set, real;
    cmdline_fixed_string_t addr;
    cmdline_fixed_string_t state;
};

void set_state_cb(void* parsed, cmdline* cl, void*) {
    auto* r = static_cast<SetRealState*>(parsed);
    uint32_t addr;
    std::string msg;
    if (config::parse_ipv4(r->addr, addr) != 0) {
        console::print(cl, fmt::format("% \"{}\" is not an IPv4 address\n", r->addr));
        return;
    }
    print_result(cl, set_real_inservice(addr, std::string(r->state) == "inservice", msg), msg);
}

cmdline_parse_token_string_t t_set2 = TOKEN_STRING_INITIALIZER(SetRealState, set, "set");
cmdline_parse_token_string_t t_real2 = TOKEN_STRING_INITIALIZER(SetRealState, real, "real");
cmdline_parse_token_string_t t_addr2 = TOKEN_STRING_INITIALIZER(SetRealState, addr, nullptr);
cmdline_parse_token_string_t t_state2 =
    TOKEN_STRING_INITIALIZER(SetRealState, state, "inservice#outofservice");

__attribute__((constructor)) void register_slb_cli() {
    console::register_fixed({"show", "slb", "reals"},
                            "show slb reals: real, farm, weight in force, state, conns",
                            show_reals);
    console::register_fixed({"show", "slb", "vservers"},
                            "show slb vservers: virtual servers, their address, state and sessions",
                            show_vservers);
    console::register_fixed(
        {"show", "slb", "sessions"},
        "show slb sessions [ipmobile]: session objects (vserver, NAI hash, client, real, state)",
        show_sessions);
    console::register_fixed({"show", "slb", "sessions", "ipmobile"},
                            "show slb sessions ipmobile: the same, IOS spelling", show_sessions);
    console::register_tokens(set_weight_cb,
                             "set real A.B.C.D weight N: static weight 0..65535 of the real in "
                             "every farm (new sessions)",
                             {&t_set, &t_real, &t_addr, &t_weight, &t_value});
    console::register_tokens(
        set_state_cb,
        "set real A.B.C.D inservice|outofservice: take the real in or out of service (its sessions "
        "stay)",
        {&t_set2, &t_real2, &t_addr2, &t_state2});
    console::register_fixed({"clear", "slb", "sessions"},
                            "clear slb sessions: remove every session object", clear_cmd);
    console::register_fixed(
        {"debug", "slb", "sessions", "on#off"},
        "debug slb sessions on|off: log session events (SLB_SESSION_IPMOBILE ...)", debug_cmd);
}

}  // namespace
}  // namespace haslb::slb
