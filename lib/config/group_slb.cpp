// SPDX-License-Identifier: BSD-3-Clause
// The `slb` group: HA-SLB serverfarms and virtual servers (seed 001; IOS
// `ip slb serverfarm` / `ip slb vserver`). Each entry is checked on its own
// here; names, references and addresses across entries and against the
// ports are checked in check_slb.cpp.
#include <fmt/format.h>

#include "config/groups.hpp"

namespace haslb::config::detail {

namespace {

constexpr int kMaxServerFarms = 64;
constexpr int kMaxVservers = 64;
constexpr int kMaxReals = 256;

// A name of a serverfarm or vserver; `what` is the noun for messages.
void get_name(Ctx& ctx, const lc::Setting& g, const char* what, std::string& out) {
    std::string s;
    if (!ctx.get_string(g, "name", s, true)) return;
    if (!is_word(s, "_-", 32)) {
        ctx.error(
            g["name"],
            fmt::format("\"{}\" is not a {} name ([A-Za-z0-9_-], 1 to 32 characters)", s, what));
        return;
    }
    out = s;
}

// A required host address (real or VIP).
void get_host(Ctx& ctx, const lc::Setting& g, const char* name, uint32_t& out) {
    std::string s;
    if (!ctx.get_string(g, name, s, true)) return;
    uint32_t a = 0;
    if (parse_ipv4(s, a) < 0)
        ctx.error(g[name], fmt::format("\"{}\" is not an IPv4 address (A.B.C.D)", s));
    else if (auto why = not_unicast_reason(a); !why.empty())
        ctx.error(g[name], fmt::format("{} is {}", s, why));
    else
        out = a;
}

// A string that must be one of `allowed`; returns the index, or -1.
int get_choice(Ctx& ctx, const lc::Setting& g, const char* name,
               std::initializer_list<std::string_view> allowed, std::string_view what) {
    std::string s;
    if (!ctx.get_string(g, name, s)) return -1;
    int i = 0;
    for (auto a : allowed) {
        if (s == a) return i;
        ++i;
    }
    std::string list;
    for (auto a : allowed) list += fmt::format("{}\"{}\"", list.empty() ? "" : " or ", a);
    ctx.error(g[name], fmt::format("\"{}\" is not {}; expected {}", s, what, list));
    return -1;
}

void parse_real(Ctx& ctx, const lc::Setting& g, RealConfig& r) {
    r.origin = ctx.origin(g);
    if (!ctx.expect_group(g)) return;
    ctx.check_keys(g, {"address", "weight", "inservice"});
    get_host(ctx, g, "address", r.address);
    ctx.get_uint(g, "weight", 0, 65535, r.weight);
    ctx.get_bool(g, "inservice", r.inservice);
}

void parse_reals(Ctx& ctx, const lc::Setting& farm, ServerFarmConfig& f) {
    const lc::Setting* list = ctx.child(farm, "reals", false);
    if (!list) {
        ctx.error(ctx.origin(farm), ctx.key(farm, "reals"),
                  "required key is missing; a serverfarm needs at least one real");
        return;
    }
    if (!ctx.expect_list(*list)) return;
    int n = list->getLength();
    if (n == 0) {
        ctx.error(*list, "a serverfarm needs at least one real");
        return;
    }
    if (n > kMaxReals) {
        ctx.error(*list,
                  fmt::format("{} reals; at most {} per serverfarm are supported", n, kMaxReals));
        return;
    }
    f.reals.resize(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) parse_real(ctx, (*list)[i], f.reals[static_cast<size_t>(i)]);
}

void parse_farm(Ctx& ctx, const lc::Setting& g, ServerFarmConfig& f) {
    f.origin = ctx.origin(g);
    if (!ctx.expect_group(g)) return;
    ctx.check_keys(g, {"name", "nat", "retry", "reassign", "faildetect", "reals"});
    get_name(ctx, g, "serverfarm", f.name);
    int nat = get_choice(ctx, g, "nat", {"none", "server"},
                         "a serverfarm NAT mode (\"none\": dispatched, \"server\": NAT server)");
    if (nat >= 0) f.nat = nat == 0 ? FarmNat::kNone : FarmNat::kServer;
    ctx.get_uint(g, "retry", 1, 3600, f.retry_s);
    ctx.get_uint(g, "reassign", 1, 4, f.reassign);
    ctx.get_uint(g, "faildetect", 1, 255, f.faildetect);
    parse_reals(ctx, g, f);
}

void parse_vserver(Ctx& ctx, const lc::Setting& g, VserverConfig& v) {
    v.origin = ctx.origin(g);
    if (!ctx.expect_group(g)) return;
    ctx.check_keys(
        g, {"name", "virtual", "protocol", "port", "service", "serverfarm", "idle", "inservice"});
    get_name(ctx, g, "vserver", v.name);
    get_host(ctx, g, "virtual", v.virtual_addr);
    // Service first: it decides which protocols are allowed.
    if (get_choice(ctx, g, "service", {"ipmobile"}, "a supported service") == 0)
        v.service = "ipmobile";
    if (get_choice(ctx, g, "protocol", {"udp"},
                   "a protocol of service \"ipmobile\" (Mobile IP registrations are UDP)") == 0)
        v.protocol = 17;
    ctx.get_uint(g, "port", 1, 65535, v.port);
    std::string farm;
    if (ctx.get_string(g, "serverfarm", farm, true)) {
        if (is_word(farm, "_-", 32))
            v.serverfarm = farm;
        else
            ctx.error(g["serverfarm"],
                      fmt::format("\"{}\" is not a serverfarm name ([A-Za-z0-9_-], 1 to 32 "
                                  "characters)",
                                  farm));
    }
    ctx.get_uint(g, "idle", 1, 65535, v.idle_s);
    ctx.get_bool(g, "inservice", v.inservice);
}

// A list of at most `max` groups, each parsed by `parse` into `out`.
template <typename T, typename F>
void parse_list(Ctx& ctx, const lc::Setting& slb, const char* name, int max, std::vector<T>& out,
                F parse) {
    const lc::Setting* list = ctx.child(slb, name, false);
    if (!list || !ctx.expect_list(*list)) return;
    int n = list->getLength();
    if (n > max) {
        ctx.error(*list, fmt::format("{} {}; at most {} are supported", n, name, max));
        return;
    }
    out.resize(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) parse(ctx, (*list)[i], out[static_cast<size_t>(i)]);
}

}  // namespace

void parse_slb(Ctx& ctx, const lc::Setting& g, Config& out) {
    if (!ctx.expect_group(g)) return;
    ctx.check_keys(g, {"max_sessions", "max_bindings", "serverfarms", "vservers", "dfp"});
    SlbConfig& slb = out.slb;
    ctx.get_uint(g, "max_sessions", 1024, 4194304, slb.max_sessions);
    ctx.get_uint(g, "max_bindings", 1024, 4194304, slb.max_bindings);
    parse_list(ctx, g, "serverfarms", kMaxServerFarms, slb.serverfarms, parse_farm);
    parse_list(ctx, g, "vservers", kMaxVservers, slb.vservers, parse_vserver);
    if (const lc::Setting* dfp = ctx.child(g, "dfp", false)) parse_dfp(ctx, *dfp, out);
}

}  // namespace haslb::config::detail
