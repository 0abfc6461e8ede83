// SPDX-License-Identifier: BSD-3-Clause
// haslb-dfp-agent command line: the options, their defaults, and the parser.
// Pure except --password-file, which reads that file. Any thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace haslb::dfp_agent {

enum class Mode { kFormula, kStatic, kCommand };

struct Options {
    // Where the manager connects. Port 500 as in the seed's `ip dfp agent ipmobile / port 500`.
    uint16_t port = 500;
    uint32_t bind_addr = 0;  // host order; 0.0.0.0
    // The real server reported in the Load TLV; 0 = the local address of the
    // accepted connection (the address the manager knows the HA by).
    uint32_t host_addr = 0;  // host order
    bool has_host = false;
    uint8_t protocol = 17;        // IP protocol number; 0 = any. Mobile IP is UDP/434.
    uint16_t service_port = 434;  // 0 = any
    uint16_t bind_id = 65535;
    uint32_t interval_s = 10;  // keep-alive interval when the manager sets none
    std::string password;      // empty = no Security TLV
    uint32_t key_id = 0;

    Mode mode = Mode::kFormula;
    uint16_t static_weight = 0;
    std::string command;             // --command, run with /bin/sh -c
    uint32_t command_timeout_s = 2;  // --command and --stats-command are killed after this

    // Formula mode: the HA's limits, then where its live numbers come from.
    uint32_t max_weight = 100;
    uint64_t max_bindings = 1000;
    uint64_t available_cps = 100;
    std::string stats_file;
    std::string stats_command;

    bool once = false;
    bool help = false;
    bool version = false;
};

constexpr uint32_t kMaxIntervalS = 60;  // the reference agent's cap
constexpr size_t kMaxPassword = 64;     // Cisco: 1-64 characters

// Parses the arguments after the program name. Accepts "--opt VALUE" and
// "--opt=VALUE". Returns 0, or -EINVAL with a one-line message in `err` that
// names the option. -h/--help and -V/--version set their flag and stop.
int parse_args(const std::vector<std::string>& args, Options& out, std::string& err);

// The --help text.
std::string usage();

// Dotted quad of a host-order IPv4 address; the name of an IP protocol number.
std::string addr_str(uint32_t host_order);
std::string protocol_str(uint8_t protocol);
const char* mode_name(Mode m);

}  // namespace haslb::dfp_agent
