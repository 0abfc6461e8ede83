// SPDX-License-Identifier: BSD-3-Clause
// What build_rules() stores in an rte_acl rule's userdata and classify()
// reads back from the results. Internal to the hotline module.
#pragma once

#include <cstdint>

namespace haslb::hotline::detail {

// rte_acl reports "no rule matched" as 0, so the encoding is never 0: bit 0 is
// the ACE's permit flag, the rest is the rule index + 1.
constexpr uint32_t acl_userdata(uint32_t rule, bool permit) {
    return (rule + 1) << 1 | uint32_t(permit);
}
constexpr bool acl_permits(uint32_t userdata) {
    return userdata & 1;
}
constexpr uint32_t acl_rule(uint32_t userdata) {
    return (userdata >> 1) - 1;
}

// userdata must fit in 32 bits: rule indices stay below this.
constexpr uint32_t kMaxAclRuleIndex = (UINT32_MAX >> 1) - 1;

}  // namespace haslb::hotline::detail
