// SPDX-License-Identifier: BSD-3-Clause
// Compiles the profiles' hotline rules into one rte_acl context per direction
// (the mapping is described in hotline/rules.hpp). Control lcore.
#include "hotline/rules.hpp"

#include <fmt/format.h>
#include <netinet/in.h>
#include <rte_byteorder.h>
#include <rte_errno.h>
#include <rte_memory.h>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <string_view>
#include <unordered_map>

#include "hotline/rules_detail.hpp"

namespace haslb::hotline {
namespace {

enum Field : uint8_t { kFProto, kFProfile, kFSrc, kFDst, kFSport, kFDport, kNumFields };

RTE_ACL_RULE_DEF(AclRule, kNumFields);

// Names of contexts must be unique in the process: rte_acl_create() hands back
// an existing context of the same name instead of a new one, and the old
// tables stay alive until their RCU grace period ends.
std::atomic<uint32_t> g_generation{0};

rte_acl_field_def field_def(uint8_t type, uint8_t size, Field field, uint8_t input, size_t offset) {
    rte_acl_field_def d{};
    d.type = type;
    d.size = size;
    d.field_index = field;
    d.input_index = input;
    d.offset = uint32_t(offset);
    return d;
}

// rte_acl reads the first field as one byte and every further input_index as
// one 4-byte word, hence both ports share input_index 4 (as in DPDK's l3fwd).
rte_acl_config acl_config(uint32_t categories) {
    rte_acl_config c{};
    c.num_categories = categories;
    c.num_fields = kNumFields;
    c.defs[kFProto] = field_def(RTE_ACL_FIELD_TYPE_BITMASK, 1, kFProto, 0, offsetof(AclKey, proto));
    c.defs[kFProfile] =
        field_def(RTE_ACL_FIELD_TYPE_MASK, 4, kFProfile, 1, offsetof(AclKey, profile));
    c.defs[kFSrc] = field_def(RTE_ACL_FIELD_TYPE_MASK, 4, kFSrc, 2, offsetof(AclKey, src));
    c.defs[kFDst] = field_def(RTE_ACL_FIELD_TYPE_MASK, 4, kFDst, 3, offsetof(AclKey, dst));
    c.defs[kFSport] = field_def(RTE_ACL_FIELD_TYPE_RANGE, 2, kFSport, 4, offsetof(AclKey, sport));
    c.defs[kFDport] = field_def(RTE_ACL_FIELD_TYPE_RANGE, 2, kFDport, 4, offsetof(AclKey, dport));
    c.max_size = 0;  // no limit: a config that fits in memory must load
    return c;
}

struct PortRange {
    uint16_t lo, hi;
};

// The port ranges one PortMatch covers; returns how many (0: no port at all,
// e.g. "lt 0", so the entry can never match).
int port_ranges(const config::PortMatch& m, PortRange (&r)[2]) {
    using Op = config::PortMatch::Op;
    switch (m.op) {
        case Op::kAny:
            r[0] = {0, 65535};
            return 1;
        case Op::kEq:
            r[0] = {m.lo, m.lo};
            return 1;
        case Op::kNeq: {
            int n = 0;
            if (m.lo > 0) r[n++] = {0, uint16_t(m.lo - 1)};
            if (m.lo < 65535) r[n++] = {uint16_t(m.lo + 1), 65535};
            return n;
        }
        case Op::kLt:
            if (m.lo == 0) return 0;
            r[0] = {0, uint16_t(m.lo - 1)};
            return 1;
        case Op::kGt:
            if (m.lo == 65535) return 0;
            r[0] = {uint16_t(m.lo + 1), 65535};
            return 1;
        case Op::kRange:
            if (m.lo > m.hi) return 0;
            r[0] = {m.lo, m.hi};
            return 1;
    }
    return 0;
}

uint32_t prefix_mask(uint8_t len) {
    return len ? ~0u << (32 - len) : 0;
}

// Appends the rte_acl rules of one ACE (up to 4: "neq" on both ports).
// rte_acl wants rule values in host order; it compares them with the
// big-endian key.
void add_ace(std::vector<AclRule>& v, const config::AceConfig& ace, uint16_t profile,
             uint32_t category, int32_t priority, uint32_t rule) {
    PortRange sp[2] = {{0, 65535}, {0, 65535}}, dp[2] = {{0, 65535}, {0, 65535}};
    int ns = 1, nd = 1;
    // Keys carry ports only for TCP and UDP; any other ACE matches every port.
    if (ace.proto == IPPROTO_TCP || ace.proto == IPPROTO_UDP) {
        ns = port_ranges(ace.sport, sp);
        nd = port_ranges(ace.dport, dp);
    }
    for (int s = 0; s < ns; s++) {
        for (int d = 0; d < nd; d++) {
            AclRule r{};
            r.data.category_mask = 1u << category;
            r.data.priority = priority;
            r.data.userdata = detail::acl_userdata(rule, ace.permit);
            r.field[kFProto].value.u8 = ace.proto;
            r.field[kFProto].mask_range.u8 = ace.proto ? 0xff : 0;
            r.field[kFProfile].value.u32 = profile;
            r.field[kFProfile].mask_range.u32 = 32;
            r.field[kFSrc].value.u32 = ace.src.addr & prefix_mask(ace.src.len);
            r.field[kFSrc].mask_range.u32 = ace.src.len;
            r.field[kFDst].value.u32 = ace.dst.addr & prefix_mask(ace.dst.len);
            r.field[kFDst].mask_range.u32 = ace.dst.len;
            r.field[kFSport].value.u16 = sp[s].lo;
            r.field[kFSport].mask_range.u16 = sp[s].hi;
            r.field[kFDport].value.u16 = dp[d].lo;
            r.field[kFDport].mask_range.u16 = dp[d].hi;
            v.push_back(r);
        }
    }
}

Action action_of(config::HotlineRuleType t) {
    switch (t) {
        case config::HotlineRuleType::kHttpPass:
            return Action::kPass;
        case config::HotlineRuleType::kHttpRedirect:
            return Action::kHttpRedirect;
        case config::HotlineRuleType::kIpRedirect:
            return Action::kIpRedirect;
        case config::HotlineRuleType::kFilter:
            break;
    }
    return Action::kFilter;
}

const char* dir_name(size_t d) {
    return d == size_t(config::Direction::kIn) ? "in" : "out";
}

// Creates and builds one direction's context; 0 or negative errno.
int make_context(size_t dir, const std::vector<AclRule>& rules, uint32_t categories,
                 rte_acl_ctx*& ctx, std::string& err) {
    const std::string name =
        fmt::format("haslb_hl_{}_{}", g_generation.fetch_add(1), dir_name(dir));
    rte_acl_param p{};
    p.name = name.c_str();
    p.socket_id = SOCKET_ID_ANY;
    p.rule_size = RTE_ACL_RULE_SZ(kNumFields);
    p.max_rule_num = uint32_t(rules.size());
    ctx = rte_acl_create(&p);
    if (!ctx) {
        const int e = rte_errno ? rte_errno : ENOMEM;
        err = fmt::format("hotline rules ({}): rte_acl_create: {}", dir_name(dir), rte_strerror(e));
        return -e;
    }
    int rc = rte_acl_add_rules(ctx, reinterpret_cast<const rte_acl_rule*>(rules.data()),
                               uint32_t(rules.size()));
    if (rc == 0) {
        const rte_acl_config cfg = acl_config(categories);
        rc = rte_acl_build(ctx, &cfg);
        if (rc != 0)
            err = fmt::format("hotline rules ({}): rte_acl_build of {} entries: {}", dir_name(dir),
                              rules.size(), rte_strerror(-rc));
    } else {
        err = fmt::format("hotline rules ({}): rte_acl_add_rules: {}", dir_name(dir),
                          rte_strerror(-rc));
    }
    if (rc != 0) {
        rte_acl_free(ctx);
        ctx = nullptr;
        return rc < 0 ? rc : -EINVAL;
    }
    return 0;
}

}  // namespace

AclKey make_key(uint16_t profile, uint8_t proto, uint32_t src, uint32_t dst, uint16_t sport,
                uint16_t dport) {
    AclKey k{};
    k.proto = proto;
    k.profile = rte_cpu_to_be_32(profile);
    k.src = rte_cpu_to_be_32(src);
    k.dst = rte_cpu_to_be_32(dst);
    k.sport = rte_cpu_to_be_16(sport);
    k.dport = rte_cpu_to_be_16(dport);
    return k;
}

RuleTables::~RuleTables() {
    for (rte_acl_ctx* c : ctx) rte_acl_free(c);  // accepts nullptr
}

int build_rules(const std::vector<ProfileSpec>& profiles,
                const std::vector<config::AclConfig>& acls, RuleTables& out, std::string& err) {
    std::unordered_map<std::string_view, const config::AclConfig*> by_name;
    for (const config::AclConfig& a : acls) by_name.emplace(a.name, &a);
    std::unordered_map<uint16_t, const ProfileSpec*> by_id;
    std::unordered_map<std::string, uint32_t> url_index;

    // Everything is built aside and handed to `out` only on success, so a
    // failed build leaves `out` as it was.
    std::vector<Rule> rules;
    std::vector<std::string> urls;
    std::vector<AclRule> acl[2];
    uint32_t used[2] = {0, 0};  // categories (rule positions) used per direction

    for (const ProfileSpec& p : profiles) {
        if (p.id == kNoProfile) {
            err = fmt::format("profile {}: id 0 is reserved", p.name);
            return -EINVAL;
        }
        if (auto [it, fresh] = by_id.emplace(p.id, &p); !fresh) {
            err = fmt::format("profile {}: id {} is already profile {}'s", p.name, p.id,
                              it->second->name);
            return -EINVAL;
        }
        if (p.rules.size() > config::kMaxHotlineRules) {
            err = fmt::format("profile {}: {} rules, at most {} (one rte_acl category each)",
                              p.name, p.rules.size(), config::kMaxHotlineRules);
            return -E2BIG;
        }
        for (size_t k = 0; k < p.rules.size(); k++) {
            const config::HotlineRuleConfig& rc = p.rules[k];
            const auto found = by_name.find(rc.acl);
            if (found == by_name.end()) {
                err = fmt::format("profile {} rule {}: no ACL named {}", p.name, k + 1, rc.acl);
                return -ENOENT;
            }
            const size_t dir = size_t(rc.direction);
            if (dir > 1) {
                err = fmt::format("profile {} rule {}: bad direction {}", p.name, k + 1, dir);
                return -EINVAL;
            }
            const config::AclConfig& a = *found->second;
            if (a.entries.size() > size_t(RTE_ACL_MAX_PRIORITY)) {
                err = fmt::format("profile {} rule {}: ACL {} has {} entries, too many for rte_acl",
                                  p.name, k + 1, a.name, a.entries.size());
                return -E2BIG;
            }
            if (rules.size() > detail::kMaxAclRuleIndex) {
                err = fmt::format("profile {} rule {}: too many rules in all", p.name, k + 1);
                return -E2BIG;
            }

            Rule r{};
            r.action = action_of(rc.type);
            r.direction = rc.direction;
            r.profile = p.id;
            r.position = uint16_t(k);
            if (r.action == Action::kIpRedirect) {
                r.redirect = rc.redirect;
                r.port = rc.port;
            }
            if (r.action == Action::kHttpRedirect) {
                auto [it, fresh] = url_index.emplace(rc.url, uint32_t(urls.size()));
                if (fresh) urls.push_back(rc.url);
                r.url = it->second;
            }
            const uint32_t index = uint32_t(rules.size());
            rules.push_back(r);
            used[dir] = std::max(used[dir], uint32_t(k + 1));

            // Entry i of n gets priority n - i: rte_acl picks the highest, so
            // the first written entry that matches decides, as in IOS.
            const size_t n = a.entries.size();
            for (size_t i = 0; i < n; i++) {
                const config::AceConfig& ace = a.entries[i];
                if (ace.src.len > 32 || ace.dst.len > 32) {
                    err = fmt::format("profile {} rule {}: ACL {} entry \"{}\": prefix length > 32",
                                      p.name, k + 1, a.name, ace.text);
                    return -EINVAL;
                }
                add_ace(acl[dir], ace, p.id, uint32_t(k), int32_t(n - i), index);
            }
        }
    }

    rte_acl_ctx* ctx[2] = {nullptr, nullptr};
    uint32_t categories[2] = {0, 0};
    for (size_t d = 0; d < 2; d++) {
        // A direction whose ACLs produce no entry denies everything: no
        // context (rte_acl cannot build an empty one).
        if (used[d] == 0 || acl[d].empty()) continue;
        // rte_acl_classify() takes 1 or a multiple of RTE_ACL_RESULTS_MULTIPLIER.
        categories[d] =
            used[d] == 1 ? 1 : RTE_ALIGN_CEIL(used[d], uint32_t(RTE_ACL_RESULTS_MULTIPLIER));
        if (int rc = make_context(d, acl[d], categories[d], ctx[d], err); rc != 0) {
            for (rte_acl_ctx* c : ctx) rte_acl_free(c);
            return rc;
        }
    }

    // `out` is a fresh table (a published one is replaced by pointer swap,
    // never rebuilt in place); contexts it held are its own to free.
    for (size_t d = 0; d < 2; d++) {
        rte_acl_free(out.ctx[d]);
        out.ctx[d] = ctx[d];
        out.categories[d] = categories[d];
    }
    out.rules = std::move(rules);
    out.urls = std::move(urls);
    return 0;
}

}  // namespace haslb::hotline
