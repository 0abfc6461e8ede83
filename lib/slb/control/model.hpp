// SPDX-License-Identifier: BSD-3-Clause
// Internal to lib/slb: the control lcore's model of farms, reals and
// vservers. g_mu guards it against the telemetry thread; the control lcore
// is its only writer.
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "slb/slb.hpp"

namespace haslb::slb::detail {

struct RealRt {
    uint32_t addr;
    uint16_t farm;
    uint16_t port;  // port index holding the real's subnet, or kNoPort
    uint32_t weight;      // configured (static) weight
    int32_t dfp_weight;   // weight from a DFP agent, -1 = none (the static one is in force)
    bool inservice;
    RealState state;
    uint64_t failed_tsc;
};

struct FarmRt {
    std::string name;
    config::FarmNat nat;
    uint32_t retry_s, reassign, faildetect;
    std::vector<uint16_t> reals;
};

struct VsRt {
    std::string name;
    uint32_t vip;
    uint16_t port;
    uint8_t proto;
    std::string service;
    uint16_t farm;
    uint32_t idle_s;
    bool inservice;
};

extern std::mutex g_mu;

// The weight the scheduler uses: DFP's when an agent set one.
inline uint32_t weight_in_force(const RealRt& r) { return r.dfp_weight >= 0 ? uint32_t(r.dfp_weight) : r.weight; }
extern std::vector<FarmRt> g_farms;
extern std::vector<RealRt> g_reals;
extern std::vector<VsRt> g_vs;

// Builds a snapshot from the model and publishes it (RCU-deferred free of
// the old one). Caller holds g_mu. Returns 0 or -ENOMEM.
int publish();

// Logs a debug line (`debug slb sessions on`).
void debug_log(const std::string& line);

// An NAI for display: printable ASCII kept, anything else as '.'.
std::string printable_nai(const uint8_t* nai, size_t len);

// sessions.cpp
int sessions_init(uint32_t max_sessions, std::string& err);
void sessions_fini();
void session_mark_rrp(uint64_t nai_hash, const uint8_t* nai, uint8_t nai_len);
uint64_t vserver_conns(uint16_t vs);

// bindings.cpp
void bindings_init(uint32_t max_bindings);
void bindings_fini();
void binding_update(const Event& e);
// Removes nai's binding (observer told); false if it had none.
bool binding_remove(const std::string& nai);
// sessions.cpp: removes nai's sessions; how many.
unsigned sessions_remove_nai(const std::string& nai);

}  // namespace haslb::slb::detail

namespace haslb::slb {
// An RRP came from `addr`: its failures reset; TESTING/FAILED -> OPERATIONAL.
void real_answered(uint32_t addr);
}  // namespace haslb::slb
