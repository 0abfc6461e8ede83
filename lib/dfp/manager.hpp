// SPDX-License-Identifier: BSD-3-Clause
// The DFP manager (IOS `ip slb dfp`): one TCP connection to each configured
// agent, made with kernel sockets in the exception namespace (so it leaves
// through the data ports), Preference Information applied as weights of the
// reals with the reported addresses (slb::set_real_dfp_weight).
//
// Everything runs on the control lcore (a poller); the views are read by
// the console (control lcore) and telemetry (its thread) under a mutex.
#pragma once

#include <cstdint>
#include <ctime>
#include <string>
#include <vector>

#include "config/config.hpp"

namespace haslb::dfp {

enum class AgentState : uint8_t { kNotOpen, kTrying, kConnecting, kOpen, kFailed, kSecurityError };
const char* agent_state_name(AgentState s);  // NOT_OPEN, TRYING, CONNECTING, OPEN, FAILED, SECURITY_ERROR

// Control lcore. Without agents nothing is started. Returns 0 or negative errno.
int manager_init(const config::Config& cfg, std::string& err);
void manager_fini();

// One pass over every agent (connect, read, time out). `now_ms`: CLOCK_MONOTONIC
// milliseconds. Public for tests.
unsigned manager_poll_at(uint64_t now_ms);

struct AgentView {
    std::string address;
    uint16_t port;
    uint32_t timeout_s, retry_count, retry_interval_s;
    std::string state;
    uint64_t messages, lost, connects, bad_messages;
    int64_t last_message_age_s;  // -1 = never
};
struct WeightView {
    std::string real;
    uint16_t weight;
    uint16_t port;
    uint8_t protocol;
    uint16_t bind_id;
    std::string agent;  // "A.B.C.D:port"
    std::time_t set_at;
};
std::vector<AgentView> agent_views();
std::vector<WeightView> weight_views();
bool password_set();

}  // namespace haslb::dfp
