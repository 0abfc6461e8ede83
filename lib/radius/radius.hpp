// SPDX-License-Identifier: BSD-3-Clause
// RADIUS for hotlining (seed 004; protocols.md §3): the dynamic
// authorization server (RFC 5176 CoA and Disconnect on UDP 3799 from the
// configured AAA clients, driving the hotline model) and the accounting
// client (RFC 2866 Stop/Start on every hotline state change, spooled to disk
// before the first send so neither a restart nor an AAA outage loses one).
//
// Sockets are kernel UDP sockets in the exception namespace, polled on the
// control lcore (a registered poller); no threads. Every function here runs
// on the control lcore unless said otherwise.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "config/config.hpp"

namespace haslb::radius {

// Opens the sockets, loads the spool, registers the poller, the hotline
// state observer and the reloader. Nothing is started for an empty
// `radius` group. 0 or negative errno with err.
int radius_init(const config::Config& cfg, std::string& err);
void radius_fini();

// --- views (any thread) ----------------------------------------------------
struct ClientView {
    std::string address;
    bool require_message_authenticator;
};
struct ServerView {
    std::string address;
    uint16_t port;
    bool active;  // the one records go to now
};
struct Status {
    bool dynauth = false;  // the server is listening
    uint16_t port = 0;
    uint32_t event_timestamp_window_s = 0;
    std::vector<ClientView> clients;
    size_t pending = 0;
    uint32_t max_pending = 0;
    bool accounting = false;
    std::vector<ServerView> servers;
    std::string spool;
    size_t spool_depth = 0;  // records waiting for an Accounting-Response
    uint32_t release_indicator = 0;
};
Status status();

// The `show mobile traffic` lines of CoA and Disconnect (seed 004 layout).
std::string traffic_text();

}  // namespace haslb::radius
