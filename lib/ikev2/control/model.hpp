// SPDX-License-Identifier: BSD-3-Clause
// Internal to the cluster module (control lcore): members' runtime state and
// the snapshot builder. g_mu guards everything here for the views.
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "ikev2/cluster.hpp"

namespace haslb::ikev2::detail {

struct MemberRt {
    config::IpAddr addr;
    uint16_t priority = 100;
    uint32_t max_session = 0;  // configured (or the cluster's)
    uint32_t agent_max_session = 0;
    uint32_t hello_ms = 0, update_ms = 0;
    bool alive = false;
    bool has_report = false;
    uint64_t last_seen_ms = 0;
    uint64_t reports = 0;
    LoadReport report;
};

struct Params {
    std::vector<uint32_t> vips;
    std::vector<config::Ipv6Addr> vips6;
    uint16_t port = 0;
    config::IpAddr listen;  // family 0: every address
    uint32_t holdtime_ms = 0, nat_idle_s = 0;
    LoadParams load;
};

extern std::mutex g_mu;
extern std::vector<MemberRt> g_members;
extern Params g_params;
extern bool g_enabled;

// Builds and publishes a snapshot from g_members (g_mu held). 0 or -ENOMEM.
int publish();
Load member_load(const MemberRt& m);  // g_mu held

int nat_init(uint32_t entries, std::string& err);
void nat_fini();
uint64_t nat_count();

int listener_init(std::string& err);
void listener_fini();
uint16_t listener_port();                    // the bound TCP port (tests bind port 0)
unsigned listener_poll_at(uint64_t now_ms);  // one pass: accept, read, tick

}  // namespace haslb::ikev2::detail
