// SPDX-License-Identifier: BSD-3-Clause
// haslb-cluster-agent's command line (see --help and README).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "config/config.hpp"

namespace haslb::cluster_agent {

enum class Source { kSwanctl, kFile, kCommand };

struct Options {
    uint32_t primary = 0;       // haslb's address for load reports (IPv4, host order)
    uint16_t port = 2000;       // cluster.port
    config::IpAddr gateway;     // this gateway's identity (a configured member)
    uint32_t bind = 0;          // local address to connect from; 0 = any
    uint32_t hello_ms = 5000;   // seed 003 `secondary hello`
    uint32_t update_ms = 6000;  // seed 003 `secondary update`
    uint32_t max_session = 0;   // informational (haslb's member config decides)
    Source source = Source::kSwanctl;
    std::string swanctl = "swanctl --list-sas";  // VICI through swanctl
    std::string file;                            // --load-file
    std::string command;                         // --command
    uint32_t command_timeout_ms = 2000;
    bool once = false;  // one HELLO + UPDATE, wait for the ACK, exit
};

// Parses argv. Returns 0, 1 when --help/--version printed something (exit
// 0), or -EINVAL with `err`.
int parse_args(int argc, char** argv, Options& o, std::string& err);
std::string usage();

}  // namespace haslb::cluster_agent
