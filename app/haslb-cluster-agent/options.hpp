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
    config::IpAddr primary;     // haslb's address for load reports (IPv4 or IPv6)
    uint16_t port = 2000;       // cluster.port
    config::IpAddr gateway;     // this gateway's identity (a configured member)
    config::IpAddr bind;        // local address to connect from (primary's family); unset = any
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
