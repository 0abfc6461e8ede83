// SPDX-License-Identifier: BSD-3-Clause
// Hotline rule sets compiled with rte_acl (DESIGN 4 "hotline ACLs").
//
// Every profile (hotline profiles and the realms' non-hotline profiles) has
// an id (1..65535) and up to 16 rules in priority order (HTTP pass, HTTP
// redirect, IP redirect, filter; config order inside one type). Each rule
// matches an extended ACL: the ACL's first matching entry decides (permit =
// the rule matches, deny = it does not and the next rule is tried; no entry =
// implicit deny). A packet's deciding rule is the first rule, in priority
// order, whose ACL permits it.
//
// How it maps onto rte_acl: one context per direction; rule position k of
// every profile is rte_acl category k, the profile id is a field matched
// exactly, and the entries of one ACL get decreasing priorities so the first
// written wins. One rte_acl_classify call returns, per category, the best
// entry; the first category whose entry is a permit decides.
//
// Update rule: the control lcore builds a new RuleTables from the config (or
// on reload) and publishes it by pointer swap; workers read the published one;
// the old one is freed after an RCU grace period (see hotline.hpp). A
// RuleTables is immutable once built.
#pragma once

#include <rte_acl.h>

#include <cstdint>
#include <string>
#include <vector>

#include "config/config.hpp"

namespace haslb::hotline {

constexpr uint16_t kNoProfile = 0;
constexpr uint32_t kNoRule = 0xffffffff;

enum class Action : uint8_t { kPass, kHttpRedirect, kIpRedirect, kFilter };

// One compiled hotline rule (index = position in RuleTables::rules).
struct Rule {
    Action action;
    config::Direction direction;
    uint16_t profile;   // profile id
    uint16_t position;  // 0.. in priority order inside its profile (= rte_acl category)
    uint16_t port;      // ip-redirect: new destination port, 0 = keep
    uint32_t redirect;  // ip-redirect: host order
    uint32_t url;       // http-redirect: index into RuleTables::urls
};

// The classification input built from a packet (what rte_acl reads). Fields
// in network byte order, as rte_acl expects. Ports are 0 for protocols other
// than TCP/UDP.
struct AclKey {
    uint8_t proto;
    uint8_t pad[3];
    uint32_t profile;  // big-endian profile id
    uint32_t src;
    uint32_t dst;
    uint16_t sport;
    uint16_t dport;
};
static_assert(sizeof(AclKey) == 20);

// Host-order inputs -> key. Any lcore.
AclKey make_key(uint16_t profile, uint8_t proto, uint32_t src, uint32_t dst, uint16_t sport,
                uint16_t dport);

// What a profile is made of, as given to build_rules().
struct ProfileSpec {
    uint16_t id;       // 1..65535, unique
    std::string name;  // for messages
    std::vector<config::HotlineRuleConfig> rules;  // priority order, <= kMaxHotlineRules
};

struct RuleTables {
    rte_acl_ctx* ctx[2] = {nullptr, nullptr};  // by config::Direction; nullptr = no rule that way
    uint32_t categories[2] = {0, 0};          // 1 or a multiple of 4, <= 16
    std::vector<Rule> rules;
    std::vector<std::string> urls;
    RuleTables() = default;
    RuleTables(const RuleTables&) = delete;
    RuleTables& operator=(const RuleTables&) = delete;
    ~RuleTables();  // frees the contexts
};

// Builds both contexts from the profiles and the ACLs they name. Control
// lcore. Returns 0, or negative errno with err ("profile P rule N: ...",
// -ENOENT for an unknown ACL, -E2BIG past rte_acl's limits, -ENOMEM).
int build_rules(const std::vector<ProfileSpec>& profiles, const std::vector<config::AclConfig>& acls,
                RuleTables& out, std::string& err);

// Classifies n keys (n <= 64) of one direction. out[i] = index of the deciding
// rule in t.rules, or kNoRule. Worker lcores (also control, for the NAT
// re-check on a profile change); no allocation.
void classify(const RuleTables& t, config::Direction dir, const AclKey* const* keys, uint32_t n,
              uint32_t* out);

}  // namespace haslb::hotline
