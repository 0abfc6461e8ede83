// SPDX-License-Identifier: BSD-3-Clause
// The `radius` group: the dynamic authorization server (`dynauth`: the AAA
// clients allowed to send CoA / Disconnect, each with its secret) and the
// accounting client (`accounting`: servers in failover order, the spool
// directory, retransmission and the Release-Indicator of a hotline status
// change). check_radius_ports: no client or server is one of haslb's own
// addresses. Secrets never appear in messages.
#include <map>
#include <utility>

#include <fmt/format.h>

#include "config/groups.hpp"

namespace haslb::config::detail {

namespace {

constexpr int kMaxClients = 64;
constexpr int kMaxServers = 8;
constexpr size_t kMaxSecret = 128;

void get_secret(Ctx& ctx, const lc::Setting& g, std::string& out) {
    std::string s;
    if (!ctx.get_string(g, "secret", s, true)) return;
    if (s.empty() || s.size() > kMaxSecret)
        ctx.error(g["secret"],
                  fmt::format("a RADIUS shared secret is 1 to {} characters ({} given)", kMaxSecret,
                              s.size()));
    else
        out = s;
}

bool get_address(Ctx& ctx, const lc::Setting& g, const char* name, bool required, uint32_t& out) {
    std::string s;
    if (!ctx.get_string(g, name, s, required)) return false;
    uint32_t a = 0;
    if (parse_ipv4(s, a) < 0) {
        ctx.error(g[name], fmt::format("\"{}\" is not an IPv4 address (A.B.C.D)", s));
        return false;
    }
    if (auto why = not_unicast_reason(a); !why.empty()) {
        ctx.error(g[name], fmt::format("{} is {}", s, why));
        return false;
    }
    out = a;
    return true;
}

void parse_client(Ctx& ctx, const lc::Setting& g, RadiusClientConfig& c) {
    c.origin = ctx.origin(g);
    if (!ctx.expect_group(g)) return;
    ctx.check_keys(g, {"address", "secret", "require_message_authenticator"});
    get_address(ctx, g, "address", true, c.address);
    get_secret(ctx, g, c.secret);
    ctx.get_bool(g, "require_message_authenticator", c.require_message_authenticator);
}

void parse_server(Ctx& ctx, const lc::Setting& g, RadiusServerConfig& s) {
    s.origin = ctx.origin(g);
    if (!ctx.expect_group(g)) return;
    ctx.check_keys(g, {"address", "port", "secret"});
    get_address(ctx, g, "address", true, s.address);
    ctx.get_uint(g, "port", 1, 65535, s.port);
    get_secret(ctx, g, s.secret);
}

// A list of groups under `name`, at most `max`, each parsed by `fn`.
template <typename T, typename Fn>
const lc::Setting* parse_list(Ctx& ctx, const lc::Setting& g, const char* name, int max,
                              std::vector<T>& out, Fn fn) {
    const lc::Setting* list = ctx.child(g, name, false);
    if (!list || !ctx.expect_list(*list)) return nullptr;
    const int n = list->getLength();
    if (n > max) {
        ctx.error(*list, fmt::format("{} entries; at most {} are supported", n, max));
        return nullptr;
    }
    out.resize(size_t(n));
    for (int i = 0; i < n; ++i) fn(ctx, (*list)[i], out[size_t(i)]);
    return list;
}

void parse_dynauth(Ctx& ctx, const lc::Setting& g, DynauthConfig& d) {
    if (!ctx.expect_group(g)) return;
    ctx.check_keys(g,
                   {"port", "event_timestamp_window", "max_pending", "pending_timeout", "clients"});
    ctx.get_uint(g, "port", 1, 65535, d.port);
    ctx.get_uint(g, "event_timestamp_window", 0, 86400, d.event_timestamp_window_s);
    ctx.get_uint(g, "max_pending", 0, 1048576, d.max_pending);
    ctx.get_uint(g, "pending_timeout", 1, 86400, d.pending_timeout_s);
    const lc::Setting* list = parse_list(ctx, g, "clients", kMaxClients, d.clients, parse_client);
    if (!list) return;
    std::map<uint32_t, size_t> seen;
    for (size_t i = 0; i < d.clients.size(); ++i) {
        const RadiusClientConfig& c = d.clients[i];
        if (c.address == 0) continue;
        auto [it, fresh] = seen.try_emplace(c.address, i);
        if (!fresh)
            ctx.error_at(ctx.key((*list)[int(i)], "address"), c.origin,
                         fmt::format("client {} is already radius.dynauth.clients.[{}]",
                                     format_ipv4(c.address), it->second));
    }
}

void parse_accounting(Ctx& ctx, const lc::Setting& g, AccountingConfig& a) {
    if (!ctx.expect_group(g)) return;
    ctx.check_keys(g, {"servers", "spool", "release_indicator", "retransmit", "max_retransmit",
                       "retries", "nas_ip_address"});
    if (ctx.get_string(g, "spool", a.spool) && !a.spool.empty() && a.spool[0] != '/') {
        ctx.error(g["spool"],
                  fmt::format("\"{}\": the spool directory must be an absolute path", a.spool));
        a.spool.clear();
    }
    ctx.get_uint(g, "release_indicator", 0, 65535, a.release_indicator);
    ctx.get_uint(g, "retransmit", 100, 60000, a.retransmit_ms);
    ctx.get_uint(g, "max_retransmit", 100, 600000, a.max_retransmit_ms);
    ctx.get_uint(g, "retries", 1, 100, a.retries);
    get_address(ctx, g, "nas_ip_address", false, a.nas_ip_address);
    if (a.max_retransmit_ms < a.retransmit_ms && g.exists("max_retransmit"))
        ctx.error(g["max_retransmit"],
                  fmt::format("max_retransmit ({} ms) is below retransmit ({} ms)",
                              a.max_retransmit_ms, a.retransmit_ms));
    const lc::Setting* list = parse_list(ctx, g, "servers", kMaxServers, a.servers, parse_server);
    if (!list) return;
    std::map<std::pair<uint32_t, uint16_t>, size_t> seen;
    for (size_t i = 0; i < a.servers.size(); ++i) {
        const RadiusServerConfig& s = a.servers[i];
        if (s.address == 0) continue;
        auto [it, fresh] = seen.try_emplace({s.address, s.port}, i);
        if (!fresh)
            ctx.error_at(ctx.key((*list)[int(i)], "address"), s.origin,
                         fmt::format("server {} port {} is already radius.accounting.servers.[{}]",
                                     format_ipv4(s.address), s.port, it->second));
    }
}

}  // namespace

void parse_radius(Ctx& ctx, const lc::Setting& g, Config& out) {
    if (!ctx.expect_group(g)) return;
    ctx.check_keys(g, {"dynauth", "accounting"});
    if (const lc::Setting* d = ctx.child(g, "dynauth", false))
        parse_dynauth(ctx, *d, out.radius.dynauth);
    if (const lc::Setting* a = ctx.child(g, "accounting", false))
        parse_accounting(ctx, *a, out.radius.accounting);
}

void check_radius_ports(Ctx& ctx, const Config& cfg) {
    const RadiusConfig& r = cfg.radius;
    for (size_t i = 0; i < r.dynauth.clients.size(); ++i) {
        const RadiusClientConfig& c = r.dynauth.clients[i];
        if (std::string why = port_conflict(cfg, c.address); !why.empty())
            ctx.error_at(fmt::format("radius.dynauth.clients.[{}].address", i), c.origin,
                         fmt::format("RADIUS client {} is {}", format_ipv4(c.address), why));
    }
    for (size_t i = 0; i < r.accounting.servers.size(); ++i) {
        const RadiusServerConfig& s = r.accounting.servers[i];
        if (std::string why = port_conflict(cfg, s.address); !why.empty())
            ctx.error_at(
                fmt::format("radius.accounting.servers.[{}].address", i), s.origin,
                fmt::format("RADIUS accounting server {} is {}", format_ipv4(s.address), why));
    }
}

}  // namespace haslb::config::detail
