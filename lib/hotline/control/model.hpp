// SPDX-License-Identifier: BSD-3-Clause
// Internal to lib/hotline: the control lcore's model. g_mu guards it
// against the telemetry thread; the control lcore is its only writer.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "hotline/dp.hpp"
#include "hotline/hotline.hpp"

namespace haslb::hotline::detail {

enum class SubState : uint8_t { kNormal, kHotlined, kEnded };

struct Sub {
    SubState state = SubState::kNormal;
    std::string profile;             // hotline profile while kHotlined
    uint32_t session_timeout_s = 0;  // 0 = none
    uint32_t deadline_s = 0;         // clock seconds when the session ends (timeout set)
    std::string acct_id;             // Accounting-Session-Id, new on every state change
    std::set<uint32_t> bound;        // home addresses from bindings
    std::set<uint32_t> manual;       // from the config or the console
    bool from_config = false;
    bool new_session = false;        // hotlined while it had no binding
    uint16_t applied = 0;            // profile id last written to the worker table
    uint32_t indication_vendor = 0;  // hot-line accounting indication (ChangeContext)
    std::string indication;
};

struct Counters {
    uint64_t active_hotlined = 0, new_hotlined = 0;
    uint64_t active_reconciled = 0, new_reconciled = 0, timed_out = 0;
};

extern std::mutex g_mu;
extern std::map<std::string, Sub> g_subs;
extern std::unordered_map<uint32_t, std::string> g_owner;  // home address -> NAI
extern Counters g_counters;

// Profiles: name -> id for hotline profiles, realm -> id for non-hotline
// ones; ids stay the same across reloads while the name exists.
struct ProfileRt {
    uint16_t id;
    bool non_hotline;
    std::string name;  // profile name, or the realm
    std::vector<config::HotlineRuleConfig> rules;
};
extern std::map<std::string, ProfileRt> g_profiles;   // hotline profiles by name
extern std::map<std::string, ProfileRt> g_nonhot;     // by realm
extern std::map<std::string, uint32_t> g_realm_caps;  // realm -> RealmCapability flags

// Builds a RuleTables from g_profiles/g_nonhot and the ACLs and publishes it
// (old one freed after RCU). Caller holds g_mu. 0 or negative errno.
int publish_rules(const std::vector<config::AclConfig>& acls, std::string& err);

// The profile id the workers apply to a subscriber now. Caller holds g_mu.
uint16_t effective_profile(const std::string& nai, const Sub& s);
// Whether profile `id` still sends the translation's flow to the same
// redirect address and port (any lcore; classifies once).
bool still_redirected(const RuleTables& rt, uint16_t id, const nat::Translation& t);
// Writes the subscriber's addresses and profile into the worker tables and
// drops the translations its new profile no longer redirects. Caller holds g_mu.
void sync(const std::string& nai, Sub& s);
// Removes one address from the worker table. Caller holds g_mu.
void drop_address(uint32_t addr);
// A new Accounting-Session-Id.
std::string new_acct_id();

// State-change events (StateChange): a snapshot before a mutation, compared
// after it; changes are queued under g_mu and handed to the observer once
// the lock is released (ModelLock's destructor, or emit_changes()).
struct Before {
    bool exists = false;
    SubState state = SubState::kNormal;
    std::string profile, acct_id, indication;
    uint32_t indication_vendor = 0;
    bool active = false;
    uint32_t home = 0;
};
Before before(const std::string& nai);  // caller holds g_mu
// Queues a StateChange when nai's state, Accounting-Session-Id, activity
// or existence differs from `b`. Caller holds g_mu.
void note_change(const std::string& nai, const Before& b, ChangeReason reason);
void emit_changes();  // caller does NOT hold g_mu

// g_mu for a model function: queued changes are emitted after unlocking.
struct ModelLock {
    std::unique_lock<std::mutex> lk{g_mu};
    ~ModelLock() {
        lk.unlock();
        emit_changes();
    }
};

// Subscriber entries from the config (init and reload). Caller holds g_mu.
int apply_configured(const std::vector<config::SubscriberConfig>& prev,
                     const std::vector<config::SubscriberConfig>& next, std::string& msg);

}  // namespace haslb::hotline::detail
