// SPDX-License-Identifier: BSD-3-Clause
// IKEv2 cluster load balancer (seed 003): haslb owns the cluster VIP(s) and
// plays the CLB primary for every member gateway. Members' agents report
// load over TCP (wire.hpp); IKE_SA_INIT requests to a VIP that carry
// REDIRECT_SUPPORTED (or REDIRECTED_FROM) are answered by haslb with an
// RFC 5685 REDIRECT naming the least-loaded gateway; other IKE traffic is
// NATed to a gateway and kept there (sticky on initiator SPI and address).
//
// Tables and their update rules:
// - members and their load: control lcore (model functions below, under a
//   mutex for views); workers read an immutable Snapshot published by
//   pointer swap, the old one freed after an RCU (QSBR) grace period. A new
//   snapshot is built on every report, hello, death and reload;
// - pending[i]: sessions sent to member i since its last report; workers
//   add (relaxed atomic), the control lcore zeroes it when a report arrives;
// - ticket: one atomic fetch-add per new client (tie-breaking rotation);
// - NAT table: rte_hash (lock-free readers, multi-writer add) keyed by
//   {family, client, client port, kind, initiator SPI}; workers create and
//   refresh, the control lcore expires idle entries (hash RCU reclaim).
// IPv4 VIPs are served by the stage at kRankService, IPv6 VIPs by the one at
// kRankService6; both run the same burst engine (datapath/engine.hpp).
#pragma once

#include <rte_hash.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "ikev2/ike.hpp"
#include "ikev2/load.hpp"

namespace haslb::ikev2 {

constexpr uint16_t kMaxMembers = 256;
constexpr uint16_t kMaxVips = 8;
constexpr uint16_t kNoMember = 0xffff;

struct GwSnap {
    GwIdent ident;   // for REDIRECT; also the member's address (NAT target, reverse match)
    uint32_t addr4;  // host order, 0 for an IPv6 member
};

struct Snapshot {
    uint16_t nb_vips = 0;   // IPv4 VIPs
    uint16_t nb_vips6 = 0;  // IPv6 VIPs
    uint16_t nb_gw = 0;
    uint16_t nb_gw6 = 0;    // how many members are IPv6
    uint32_t overload = 0;  // composite limit, micro-units
    uint32_t vips[kMaxVips];       // host order
    uint8_t vips6[kMaxVips][16];   // network order
    GwLoad load[kMaxMembers];
    GwSnap gw[kMaxMembers];
};

// NAT keys of both families in one table; compared as bytes, so every
// unused octet is zero.
enum class NatKind : uint8_t { kSa = 1, kFlow = 2 };
struct NatKey {
    uint8_t client[16];  // network order; an IPv4 client in the first 4 octets
    uint16_t cport;      // host order; 0 for kSa
    uint8_t kind;        // NatKind
    uint8_t family;      // 4 or 6
    uint32_t zero;       // always 0
    uint64_t spi_i;      // 0 for kFlow
};
static_assert(sizeof(NatKey) == 32, "NatKey is hashed as 32 octets");

struct alignas(32) NatEntry {
    std::atomic<uint8_t> valid;
    uint16_t gw;   // member index
    uint16_t vip;  // index into the snapshot's vips (IPv4 key) or vips6 (IPv6 key)
    std::atomic<uint64_t> last_seen;  // TSC
};

struct Dataplane {
    std::atomic<Snapshot*> snap{nullptr};
    std::atomic<uint32_t>* pending = nullptr;    // kMaxMembers
    std::atomic<uint64_t>* redirects = nullptr;  // kMaxMembers: REDIRECTs naming it
    std::atomic<uint64_t>* nat_new = nullptr;    // kMaxMembers: NAT sessions given to it
    std::atomic<uint64_t>* ticket = nullptr;     // one cache line
    rte_hash* nat = nullptr;
    NatEntry* nat_entries = nullptr;
};
extern Dataplane g_cluster;

// --- control lcore --------------------------------------------------------
// Builds the members, the NAT table and the first snapshot (every member
// dead until its agent says hello), starts the report listener and the
// timers. Nothing without a `cluster` group. 0 or negative errno with err.
int cluster_init(const config::Config& cfg, std::string& err);
void cluster_fini();

// Model functions: every front-end (agent connections, console, telemetry,
// tests) goes through these. 0 or negative errno with msg. `now_ms` is
// CLOCK_MONOTONIC milliseconds.
// A HELLO from the agent of member `gw`: alive, intervals recorded.
int member_hello(const config::IpAddr& gw, uint32_t hello_ms, uint32_t update_ms,
                 uint32_t agent_max_session, uint64_t now_ms, std::string& msg);
// An UPDATE: the member's load; republishes, zeroes its pending count.
int member_update(const config::IpAddr& gw, const LoadReport& r, uint64_t now_ms, std::string& msg);
// Members not heard within the hold time become dead. Returns how many changed.
unsigned tick(uint64_t now_ms);
// NAT entries idle longer than nat_idle are removed. Returns how many.
unsigned expire_nat(uint64_t now_tsc);
// Reloadable keys (hold time, overload limit, weights, max_session,
// priorities, nat_idle); refuses structural changes (apply=false checks).
int reload(const config::ClusterConfig& cur, const config::ClusterConfig& next, bool apply,
           std::string& msg);
// Member index for an identity, or -1 (control lcore / tests).
int member_index(const config::IpAddr& gw);

// --- views (any thread) -----------------------------------------------------
struct MemberView {
    std::string address;
    uint16_t priority;
    uint32_t max_session;
    bool alive, overloaded, least_loaded;
    int64_t last_seen_ms;  // -1 = never
    Load load;
    LoadReport report;
    uint32_t pending;
    uint64_t redirects, nat_sessions, reports;
};
struct ClusterView {
    bool enabled = false;
    std::vector<std::string> vips;  // IPv4 first, then IPv6
    std::string listen;             // "*" = every address
    uint16_t port = 0;
    uint32_t holdtime_ms = 0, overload_limit = 0, weight_crypto = 0, weight_system = 0;
    uint32_t alive = 0;
    uint64_t nat_entries = 0;
    std::vector<MemberView> members;
};
ClusterView cluster_view();

}  // namespace haslb::ikev2
