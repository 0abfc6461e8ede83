// SPDX-License-Identifier: BSD-3-Clause
// The `slb.dfp` subgroup: the DFP manager (IOS `ip slb dfp [password P]` and
// `agent ADDR PORT [timeout [retry-count [retry-interval]]]`). haslb connects
// to each agent, which reports weights for the reals it speaks for.
//
// Called from parse_slb (group_slb.cpp). Everything about the agents is
// checked here, including the uniqueness of (address, port) and that an
// agent is not one of haslb's own port addresses: the ports are parsed
// before `slb` (groups.cpp), and a port whose address did not parse holds
// 0.0.0.0/0, which no agent address can be, so no false error results.
#include <map>
#include <utility>

#include <fmt/format.h>

#include "config/groups.hpp"

namespace haslb::config::detail {

namespace {

constexpr int kMaxAgents = 64;
constexpr size_t kMaxPassword = 64;

std::string where(const Origin& o) {
    return fmt::format("{}:{}", o.file, o.line);
}

// A DFP password: empty (none), or 1..64 of [A-Za-z0-9@#$] (the IOS/CSM
// rule). Messages never echo the password.
void get_password(Ctx& ctx, const lc::Setting& g, std::string& out) {
    std::string s;
    if (!ctx.get_string(g, "password", s)) return;
    constexpr std::string_view rule =
        "a DFP password is 1 to 64 characters of [A-Za-z0-9@#$] (\"\" for none)";
    if (s.size() > kMaxPassword) {
        ctx.error(g["password"], fmt::format("{} characters; {}", s.size(), rule));
        return;
    }
    for (size_t i = 0; i < s.size(); ++i)
        if (!is_word(s.substr(i, 1), "@#$", 1)) {
            ctx.error(g["password"], fmt::format("character {} is not allowed; {}", i + 1, rule));
            return;
        }
    out = s;
}

// The agent's address: a unicast host, not one of haslb's port addresses.
// It need not be a real's: an agent may speak for several reals.
void get_address(Ctx& ctx, const lc::Setting& g, const Config& cfg, uint32_t& out) {
    std::string s;
    if (!ctx.get_string(g, "address", s, true)) return;
    uint32_t a = 0;
    if (parse_ipv4(s, a) < 0)
        ctx.error(g["address"], fmt::format("\"{}\" is not an IPv4 address (A.B.C.D)", s));
    else if (auto why = not_unicast_reason(a); !why.empty())
        ctx.error(g["address"], fmt::format("{} is {}", s, why));
    else if (std::string conflict = port_conflict(cfg, a); !conflict.empty())
        ctx.error(g["address"],
                  fmt::format("DFP agent {} is {}; haslb cannot be its own agent", s, conflict));
    else
        out = a;
}

void parse_agent(Ctx& ctx, const lc::Setting& g, const Config& cfg, DfpAgentConfig& a) {
    a.origin = ctx.origin(g);
    if (!ctx.expect_group(g)) return;
    ctx.check_keys(g, {"address", "port", "timeout", "retry_count", "retry_interval", "password"});
    get_address(ctx, g, cfg, a.address);
    ctx.get_uint(g, "port", 1, 65535, a.port, true);
    ctx.get_uint(g, "timeout", 0, 65535, a.timeout_s);
    ctx.get_uint(g, "retry_count", 0, 65535, a.retry_count);
    ctx.get_uint(g, "retry_interval", 1, 65535, a.retry_interval_s);
    get_password(ctx, g, a.password);
}

// (address, port) is unique; agents whose address or port did not parse
// (still 0) are left out, their own error is enough.
void check_unique(Ctx& ctx, const lc::Setting& list, const std::vector<DfpAgentConfig>& agents) {
    std::map<std::pair<uint32_t, uint16_t>, size_t> seen;
    for (size_t i = 0; i < agents.size(); ++i) {
        const DfpAgentConfig& a = agents[i];
        if (a.address == 0 || a.port == 0) continue;
        auto [it, fresh] = seen.try_emplace({a.address, a.port}, i);
        if (fresh) continue;
        ctx.error_at(
            ctx.key(list[static_cast<int>(i)], "address"), a.origin,
            fmt::format("DFP agent {} port {} is already configured as slb.dfp.agents.[{}] ({})",
                        format_ipv4(a.address), a.port, it->second,
                        where(agents[it->second].origin)));
    }
}

}  // namespace

void parse_dfp(Ctx& ctx, const lc::Setting& g, Config& out) {
    if (!ctx.expect_group(g)) return;
    ctx.check_keys(g, {"password", "agents"});
    DfpConfig& dfp = out.slb.dfp;
    get_password(ctx, g, dfp.password);
    const lc::Setting* list = ctx.child(g, "agents", false);
    if (!list || !ctx.expect_list(*list)) return;
    int n = list->getLength();
    if (n > kMaxAgents) {
        ctx.error(*list, fmt::format("{} agents; at most {} are supported", n, kMaxAgents));
        return;
    }
    dfp.agents.resize(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i)
        parse_agent(ctx, (*list)[i], out, dfp.agents[static_cast<size_t>(i)]);
    check_unique(ctx, *list, dfp.agents);
}

}  // namespace haslb::config::detail
