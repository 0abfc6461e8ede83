// SPDX-License-Identifier: BSD-3-Clause
// Hotlining (seed 004): per-subscriber policy on the data path.
//
// A subscriber is an NAI with its home addresses (learned from the RRPs
// haslb routes, or named in the configuration / on the console) and a
// hotline state: normal, hotlined with a profile (optionally for at most a
// Session-Timeout), or ended (the Session-Timeout passed: its traffic is
// dropped until its bindings go away). A normal subscriber whose realm has a
// non-hotline profile gets that profile's IP redirect rules.
//
// Tables and update rules (DESIGN 4):
// - subscribers: control lcore only (the model below), mutex for readers on
//   the telemetry thread;
// - home address -> subscriber policy: rte_hash (lock-free readers, one
//   writer: the control lcore) + an array indexed by key position holding
//   the profile id the workers apply; RCU (QSBR) reclaims positions;
// - rule sets: RuleTables built by the control lcore, pointer swap, freed
//   after an RCU grace period;
// - NAT translations: nat::Table (workers create, control expires).
//
// Every function here runs on the control lcore unless said otherwise, and
// returns 0 or a negative errno with a message for the operator.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "hotline/nat.hpp"

namespace haslb::hotline {

// Builds the rule sets, tables and model from cfg (acls, hotline); registers
// the stage's tables, timers, the binding observer and the reloader.
int hotline_init(const config::Config& cfg, std::string& err);
void hotline_fini();

// --- state changes, for RADIUS accounting ----------------------------------
// Why a subscriber's hotline state changed.
enum class ChangeReason : uint8_t {
    kConsole,         // `hotline subscriber ...`
    kCoa,             // RADIUS CoA-Request
    kSessionTimeout,  // the hotline Session-Timeout passed
    kDisconnect,      // RADIUS Disconnect-Request
    kConfig,          // hotline.subscribers at reload
    kBinding,         // its first binding appeared or its last one went away
};
const char* change_reason_name(ChangeReason r);  // console, coa, session-timeout, ...

// What a front-end passes along with a change: who asked, and the AAA's
// hot-line accounting indication (3GPP2 VSA 122 or WiMAX-Hotline-Indicator,
// raw value bytes; empty = none) to be echoed in accounting (seed 004
// active-session steps 7 and 14, requirement 7).
struct ChangeContext {
    ChangeReason reason = ChangeReason::kConsole;
    uint32_t indication_vendor = 0;  // radius vendor id of `indication`
    std::string indication;
};

struct StateChange {
    std::string nai;
    ChangeReason reason;
    std::string old_acct_id, new_acct_id;  // new "" when the subscriber was removed
    std::string old_state, new_state;      // normal, hotlined, ended; new "removed"
    std::string old_profile, new_profile;  // hotline profile ("" when normal)
    bool old_active, new_active;           // had / has a home address (a session)
    uint32_t home_addr;                    // first home address before or after, 0 none
    uint32_t session_timeout_s;            // of the new state
    uint32_t old_indication_vendor, new_indication_vendor;
    std::string old_indication, new_indication;
};
// Called on the control lcore after every change of a subscriber's state,
// Accounting-Session-Id or activity, outside the model's lock (the observer
// may call the model's views). nullptr = nobody. One observer (RADIUS).
using StateObserver = void (*)(const StateChange& change);
void set_state_observer(StateObserver fn);

// --- the model: one function per mutation, shared by every front-end -----
// Hotlines `nai` with `profile` (a hotline profile name). session_timeout_s
// > 0 ends the session that many seconds from now. A subscriber without a
// binding yet is created and the profile applies when its binding appears
// (new-session hotlining). -ENOENT: no such profile.
int apply_profile(const std::string& nai, const std::string& profile, uint32_t session_timeout_s,
                  std::string& msg, const ChangeContext& ctx = {});
// Back to normal (the realm's non-hotline profile, if any). -ENOENT: unknown NAI.
int set_normal(const std::string& nai, std::string& msg, const ChangeContext& ctx = {});
// Home addresses named by hand (besides those from bindings). -EEXIST: the
// address belongs to another subscriber; -ENOSPC: table full.
int add_address(const std::string& nai, uint32_t addr, std::string& msg);
int remove_address(const std::string& nai, uint32_t addr, std::string& msg);
// Removes the subscriber: hotline state, addresses, translations. -ENOENT.
int remove_subscriber(const std::string& nai, std::string& msg, const ChangeContext& ctx = {});
// Every NAT translation.
int clear_translations(std::string& msg);

// A binding appeared (up) or went away for nai -> home address. Called by
// the SLB module's binding table.
void binding_changed(const std::string& nai, uint32_t home_addr, bool up);

// Timers' work, public for tests with a fake clock (seconds of the clock
// the data path uses, see now_s()).
void tick(uint32_t now_s);
uint32_t now_s();

// Reloadable: acls, profiles, non_hotline, realms, nat timeouts, configured
// subscribers. Refuses to remove a profile a subscriber uses.
int reload(const config::Config& cur, const config::Config& next, bool apply, std::string& msg);

// --- views (any thread) ----------------------------------------------------
struct RuleView {
    std::string type;  // HTTPPass, HTTPRedir, IPRedir, IPFilter (the seed's words)
    std::string acl, direction, target;  // target: url or address[:port]
};
struct ProfileView {
    std::string name;
    bool non_hotline;  // a realm's non-hotline profile ("@realm")
    uint32_t users;    // subscribers it applies to now
    std::vector<RuleView> rules;
    uint64_t passed, filtered, ip_redirected, http_redirected;  // packets
};
struct UserView {
    std::string nai, state;  // state: normal, hotlined, ended
    std::string profile;     // hotline profile or the realm's non-hotline profile, "" none
    std::vector<std::string> addresses;
    uint32_t bindings;  // addresses learned from bindings
    uint32_t session_timeout_s, remaining_s;
    std::string acct_session_id;
    bool new_session;  // hotlined before its binding appeared
};
struct Summary {
    uint64_t subscribers = 0, addresses = 0;
    uint64_t hotlined = 0, profile_based = 0, rule_based = 0, ended = 0;
    // seed 004 `show ip mobile traffic` hotline counters
    uint64_t hotline_sessions = 0, active_hotlined = 0, new_hotlined = 0;
    uint64_t active_reconciled = 0, new_reconciled = 0, timed_out = 0;
};
std::vector<ProfileView> profile_views(const std::string& name = "");
std::vector<UserView> user_views(const std::string& nai = "");
Summary summary();
nat::Summary nat_summary();
// The realm capability flags (config::RealmCapability) for an NAI: its own
// entry, else its "@realm", else 0.
uint32_t realm_capability(const std::string& nai);
// The NAI owning home address `addr` (host order), "" none. Any thread.
std::string nai_of_address(uint32_t addr);
// The NAI whose current Accounting-Session-Id is `id`, "" none. Any thread.
std::string nai_of_acct_session(const std::string& id);
// Whether hotlining was configured at start.
bool running();
std::vector<nat::View> nat_views(uint32_t start, uint32_t max);

}  // namespace haslb::hotline
