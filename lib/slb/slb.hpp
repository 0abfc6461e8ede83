// SPDX-License-Identifier: BSD-3-Clause
// HA-SLB (seeds 000/001): server farms of real Home Agents behind virtual
// servers; Registration Requests balanced per NAI in IOS weighted round robin
// order, sticky sessions, retransmission counting, reassignment, failure
// detection; dispatched (MAC) and NAT-server (IP) modes; bindings from RRPs.
//
// Tables and their update rules:
// - configuration and real/vserver state: control lcore; workers read an
//   immutable Snapshot published by pointer swap, old one freed after an
//   RCU (QSBR) grace period;
// - WRR cursor: one ticket counter per farm, one atomic fetch-add per new
//   session (workers), so the IOS order holds across workers;
// - per-real counters (conns, failures): atomics, workers and control;
// - sessions: rte_hash (lock-free readers, multi-writer add) keyed by
//   {64-bit NAI hash, vserver}; the entry keeps the full NAI, compared on
//   every hit; workers create, the control lcore expires (RCU reclaim);
// - bindings: control lcore only (from RRP events), mutex for telemetry.
#pragma once

#include <rte_mbuf.h>
#include <rte_hash.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "mip/mip.hpp"

namespace haslb::slb {

constexpr uint16_t kMaxFarms = 64;
constexpr uint16_t kMaxVservers = 64;
constexpr uint16_t kMaxRealsPerFarm = 256;
constexpr uint16_t kMaxReals = 1024;
constexpr uint16_t kNoReal = 0xffff;

enum class RealState : uint8_t { kOperational, kOutOfService, kFailed, kTesting, kDfpThrottled };
const char* real_state_name(RealState s);  // IOS words: OPERATIONAL, OUTOFSERVICE, ...

// --- what workers read (immutable once published) ----------------------
struct FarmSnap {
    uint8_t nat;  // config::FarmNat
    uint8_t reassign;
    uint16_t nb_elig;  // reals that may take new sessions, config order
    uint32_t total_weight;
    uint16_t elig[kMaxRealsPerFarm];
    uint32_t cum[kMaxRealsPerFarm];  // cumulative weights: elig[i] owns [cum[i-1], cum[i])
};

struct VsSnap {
    uint32_t vip;  // host order
    uint16_t port;
    uint8_t proto;
    uint8_t inservice;
    uint16_t farm;
};

struct RealSnap {
    uint32_t addr;  // host order
    uint16_t farm;
    uint16_t port;  // port index whose subnet holds the real (dispatched), else kNoPort
    uint8_t state;  // RealState
};

struct Snapshot {
    uint16_t nb_vs = 0;
    uint16_t nb_farms = 0;
    uint16_t nb_reals = 0;
    VsSnap vs[kMaxVservers];
    FarmSnap farms[kMaxFarms];
    RealSnap reals[kMaxReals];
};

// Per-real counters shared by workers and the control lcore.
struct alignas(64) RealShared {
    std::atomic<int64_t> conns{0};      // sessions on this real now
    std::atomic<uint32_t> failures{0};  // consecutive connection failures
    std::atomic<uint64_t> assigned{0};  // sessions ever given to it
    std::atomic<uint8_t> test_slot{0};  // TESTING: 1 while its one trial session is free
};

struct alignas(64) FarmCursor {
    std::atomic<uint64_t> ticket{0};
};

// Session table entry (index = rte_hash position).
struct SessKey {
    uint64_t nai_hash;
    uint32_t vs;
    uint32_t pad;
};

struct alignas(64) Session {
    std::atomic<uint8_t> valid;  // set last by the creator, cleared first by expiry
    std::atomic<uint8_t> retries;
    std::atomic<uint8_t> rrp_seen;
    uint8_t nai_len;
    std::atomic<uint16_t> real;
    uint16_t vs;
    uint32_t client;                  // PDSN/FA address, host order
    std::atomic<uint64_t> last_seen;  // TSC of the last RRQ
    std::atomic<uint64_t> ident;      // Identification of the last RRQ
    uint64_t created;                 // TSC
    uint8_t nai[mip::kMaxNai];
};

// Worker -> control events (one ring, fixed-size elements).
enum class EventType : uint8_t { kSessionNew, kSessionReassign, kRrp, kRequest };
struct Event {
    EventType type;
    uint8_t nai_len;
    uint8_t code;  // RRP code
    uint8_t retries;
    uint16_t vs;
    uint16_t real;       // new real (session events), or kNoReal
    uint16_t old_real;   // reassign
    uint16_t lifetime;   // RRP
    uint32_t client;     // RRQ source / RRP destination
    uint32_t src;        // RRP source (the real HA)
    uint32_t home_addr;  // RRP
    uint32_t ha_addr;    // RRP
    uint64_t nai_hash;
    uint8_t nai[mip::kMaxNai];
};

// Everything the data-plane stages need, set once by slb_init.
struct Dataplane {
    std::atomic<Snapshot*> snap{nullptr};
    RealShared* reals = nullptr;    // kMaxReals
    FarmCursor* cursors = nullptr;  // kMaxFarms
    rte_hash* sessions = nullptr;
    Session* entries = nullptr;
    rte_ring* events = nullptr;
    std::atomic<bool> debug{false};
};
extern Dataplane g_slb;

// Weighted round robin in the IOS order (A=3,B=1,C=2 -> A,A,A,B,C,C): one
// ticket per call. Skips `exclude` and TESTING reals whose trial is taken.
// Returns a real id or kNoReal. Worker lcores (and tests).
uint16_t pick_real(const Snapshot& s, uint16_t farm, uint16_t exclude = kNoReal);

// --- control lcore ------------------------------------------------------
// Builds the model from cfg.slb, the tables and the snapshot; registers
// timers, the event poller, the ARP owner for on-link VIPs and the reloader.
// Returns 0 or negative errno with err. Nothing to do without vservers.
int slb_init(const config::Config& cfg, std::string& err);
void slb_fini();

// Model functions (every front-end calls these). 0 or negative errno + msg.
int set_real_weight(uint32_t addr, uint32_t weight, std::string& msg);
int set_real_inservice(uint32_t addr, bool inservice, std::string& msg);
int clear_sessions(std::string& msg);
// A DFP agent's weight for the real(s) with this address; -1 returns them to
// their static weight. 0 throttles (DFP_THROTTLED: sessions kept, no new
// ones); a weight from a FAILED, TESTING or throttled real makes it OPERATIONAL.
int set_real_dfp_weight(uint32_t addr, int32_t weight, std::string& msg);
void set_debug(bool on);
// Removes the NAI's sessions (every vserver) and its binding (the binding
// observer hears that it went away): a RADIUS Disconnect-Request.
// -ENOENT when it had neither.
int remove_nai(const std::string& nai, std::string& msg);
// Applies reloadable slb settings; refuses structural changes (apply=false checks).
int reload(const config::SlbConfig& cur, const config::SlbConfig& next, bool apply,
           std::string& msg);

// Handles one worker event (control lcore; public for tests).
void handle_event(const Event& e);
// Timers' work, public for tests with a fake clock (TSC values).
void tick_reals(uint64_t now_tsc);
unsigned expire_sessions(uint64_t now_tsc);
unsigned expire_bindings(uint64_t now_s);

// Told of every binding that appears (up) or goes away (lifetime 0, expiry,
// replaced by another home address): the hotline module keeps its home
// address table from it. Called on the control lcore, outside the binding
// table's lock. nullptr = nobody.
using BindingObserver = void (*)(const std::string& nai, uint32_t home_addr, bool up);
void set_binding_observer(BindingObserver fn);

// Another module's lines for `show mobile traffic` (hotline counters).
// Constructors / control lcore.
void register_traffic_section(std::string (*fn)());

// --- views (any thread; consistent enough for display) -----------------
struct RealView {
    uint16_t id;
    std::string address, farm;
    uint32_t weight;
    std::string state;
    int64_t conns;
    uint32_t failures;
    uint64_t assigned;
};
struct VserverView {
    std::string name, virtual_addr, protocol, serverfarm, state;
    uint16_t port;
    uint32_t idle_s;
    uint64_t conns;
};
struct SessionView {
    std::string vserver, nai, client, real, state;
    uint64_t nai_hash;
    uint32_t retries;
    uint64_t age_s;
};
struct BindingView {
    std::string nai, home_addr, home_agent;
    uint32_t lifetime, remaining;
};
std::vector<RealView> real_views();
std::vector<VserverView> vserver_views();
std::vector<SessionView> session_views();
std::vector<BindingView> binding_views(const std::string& nai_filter = "");

}  // namespace haslb::slb
