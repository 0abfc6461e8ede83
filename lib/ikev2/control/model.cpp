// SPDX-License-Identifier: BSD-3-Clause
// The cluster model: members, their reports, life and death, the snapshot
// workers choose from, and the views.
#include "ikev2/control/model.hpp"

#include <fmt/format.h>
#include <rte_malloc.h>
#include <time.h>

#include <cerrno>
#include <cstring>

#include "core/rcu.hpp"

namespace haslb::ikev2 {

Dataplane g_cluster;

namespace detail {

std::mutex g_mu;
std::vector<MemberRt> g_members;
Params g_params;
bool g_enabled = false;

Load member_load(const MemberRt& m) {
    return compute_load(m.report, m.max_session, m.priority, g_params.load);
}

int publish() {
    auto* s = static_cast<Snapshot*>(
        rte_zmalloc("haslb_cluster_snap", sizeof(Snapshot), RTE_CACHE_LINE_SIZE));
    if (!s) return -ENOMEM;
    s->nb_vips = uint16_t(g_params.vips.size());
    for (size_t v = 0; v < g_params.vips.size(); v++) s->vips[v] = g_params.vips[v];
    s->nb_vips6 = uint16_t(g_params.vips6.size());
    for (size_t v = 0; v < g_params.vips6.size(); v++)
        memcpy(s->vips6[v], g_params.vips6[v].data(), 16);
    s->nb_gw = uint16_t(g_members.size());
    s->overload = g_params.load.overload_limit * (kFull / 100);
    for (size_t i = 0; i < g_members.size(); i++) {
        const MemberRt& m = g_members[i];
        const Load l = member_load(m);
        GwLoad& gl = s->load[i];
        gl.system_w =
            uint32_t(uint64_t(std::max(l.cpu, l.mem)) * g_params.load.weight_system / 100);
        gl.crypto_w = uint32_t(uint64_t(l.crypto) * g_params.load.weight_crypto / 100);
        gl.per_session_w =
            uint32_t(uint64_t(kFull) * g_params.load.weight_crypto / 100 / m.max_session);
        gl.priority = m.priority;
        // A member is chosen once its agent has reported a load: a hello
        // alone says it is up, not how busy it is.
        gl.eligible = m.alive && m.has_report;
        gl.family = m.addr.family;
        s->nb_gw6 += m.addr.family == 6;
        GwSnap& g = s->gw[i];
        g.ident.type = m.addr.family == 4 ? kGwIpv4 : kGwIpv6;
        g.ident.len = m.addr.family == 4 ? 4 : 16;
        memcpy(g.ident.addr, m.addr.bytes.data(), g.ident.len);
        g.addr4 = m.addr.family == 4
                      ? uint32_t(m.addr.bytes[0]) << 24 | uint32_t(m.addr.bytes[1]) << 16 |
                            uint32_t(m.addr.bytes[2]) << 8 | m.addr.bytes[3]
                      : 0;
    }
    Snapshot* old = g_cluster.snap.exchange(s, std::memory_order_acq_rel);
    if (old) {
        // No worker reads the old snapshot once each passed a quiescent state.
        if (core::g_qsbr) rte_rcu_qsbr_synchronize(core::g_qsbr, RTE_QSBR_THRID_INVALID);
        rte_free(old);
    }
    return 0;
}

}  // namespace detail

using namespace detail;

namespace {

uint64_t mono_ms() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return uint64_t(ts.tv_sec) * 1000 + uint64_t(ts.tv_nsec) / 1000000;
}

void log(const std::string& line) {
    fmt::print(stderr, "haslb: CLUSTER: {}\n", line);
}

int find(const config::IpAddr& gw) {
    for (size_t i = 0; i < g_members.size(); i++)
        if (g_members[i].addr == gw) return int(i);
    return -1;
}

// A member that was dead is alive again (g_mu held).
void heard(MemberRt& m, uint64_t now_ms) {
    m.last_seen_ms = now_ms;
    if (!m.alive) log(fmt::format("member {} is up", config::format_ip(m.addr)));
    m.alive = true;
}

}  // namespace

int member_index(const config::IpAddr& gw) {
    std::lock_guard<std::mutex> lk(g_mu);
    return find(gw);
}

int member_hello(const config::IpAddr& gw, uint32_t hello_ms, uint32_t update_ms,
                 uint32_t agent_max_session, uint64_t now_ms, std::string& msg) {
    std::lock_guard<std::mutex> lk(g_mu);
    const int i = find(gw);
    if (i < 0) {
        msg = fmt::format("{} is not a cluster member", config::format_ip(gw));
        return -ENOENT;
    }
    MemberRt& m = g_members[size_t(i)];
    const bool was_alive = m.alive;
    m.hello_ms = hello_ms;
    m.update_ms = update_ms;
    m.agent_max_session = agent_max_session;
    heard(m, now_ms);
    msg = fmt::format("member {}: hello", config::format_ip(gw));
    return was_alive ? 0 : publish();
}

int member_update(const config::IpAddr& gw, const LoadReport& r, uint64_t now_ms,
                  std::string& msg) {
    if (r.cpu_pm > 1000 || r.mem_pm > 1000) {
        msg = "CPU and memory are 0..1000 per mille";
        return -EINVAL;
    }
    std::lock_guard<std::mutex> lk(g_mu);
    const int i = find(gw);
    if (i < 0) {
        msg = fmt::format("{} is not a cluster member", config::format_ip(gw));
        return -ENOENT;
    }
    MemberRt& m = g_members[size_t(i)];
    m.report = r;
    m.has_report = true;
    m.reports++;
    heard(m, now_ms);
    // The report counts every session sent there so far (near enough).
    if (g_cluster.pending) g_cluster.pending[i].store(0, std::memory_order_relaxed);
    msg = fmt::format("member {}: load {:.1f}%", config::format_ip(gw),
                      member_load(m).composite / 10000.0);
    return publish();
}

unsigned tick(uint64_t now_ms) {
    std::lock_guard<std::mutex> lk(g_mu);
    unsigned changed = 0;
    for (MemberRt& m : g_members) {
        if (!m.alive || now_ms - m.last_seen_ms <= g_params.holdtime_ms) continue;
        m.alive = false;
        changed++;
        log(fmt::format("member {} is dead: nothing heard for {} ms (hold time)",
                        config::format_ip(m.addr), now_ms - m.last_seen_ms));
    }
    if (changed) publish();
    return changed;
}

int reload(const config::ClusterConfig& cur, const config::ClusterConfig& next, bool apply,
           std::string& msg) {
    bool same = cur.enabled == next.enabled && cur.vips == next.vips && cur.vips6 == next.vips6 &&
                cur.listen == next.listen &&
                cur.port == next.port && cur.max_nat_sessions == next.max_nat_sessions &&
                cur.members.size() == next.members.size();
    for (size_t i = 0; same && i < next.members.size(); i++)
        same = cur.members[i].address == next.members[i].address;
    if (!same) {
        msg =
            "cluster: virtual, listen, port, max_nat_sessions or the set of members changed: "
            "that needs a restart (holdtime, overload_limit, weights, max_session, priority "
            "and nat_idle are reloadable)";
        return -EINVAL;
    }
    if (!apply || !next.enabled) return 0;
    std::lock_guard<std::mutex> lk(g_mu);
    g_params.holdtime_ms = next.holdtime_ms;
    g_params.nat_idle_s = next.nat_idle_s;
    g_params.load = LoadParams{next.weight_crypto, next.weight_system, next.overload_limit};
    for (size_t i = 0; i < next.members.size(); i++) {
        g_members[i].priority = next.members[i].priority;
        g_members[i].max_session =
            next.members[i].max_session ? next.members[i].max_session : next.max_session;
    }
    msg += "cluster: parameters applied\n";
    return publish();
}

ClusterView cluster_view() {
    ClusterView v;
    std::lock_guard<std::mutex> lk(g_mu);
    if (!g_enabled) return v;
    const uint64_t now = mono_ms();
    v.enabled = true;
    for (uint32_t a : g_params.vips) v.vips.push_back(config::format_ipv4(a));
    for (const auto& a : g_params.vips6) v.vips.push_back(config::format_ipv6(a));
    v.listen = g_params.listen.family ? config::format_ip(g_params.listen) : "*";
    v.port = g_params.port;
    v.holdtime_ms = g_params.holdtime_ms;
    v.overload_limit = g_params.load.overload_limit;
    v.weight_crypto = g_params.load.weight_crypto;
    v.weight_system = g_params.load.weight_system;
    v.nat_entries = nat_count();
    // The member a new client would get now, without taking a ticket.
    const Snapshot* s = g_cluster.snap.load(std::memory_order_acquire);
    const int llg = s ? choose(s->load, g_cluster.pending, s->nb_gw, s->overload, 0) : -1;
    for (size_t i = 0; i < g_members.size(); i++) {
        const MemberRt& m = g_members[i];
        MemberView mv;
        mv.address = config::format_ip(m.addr);
        mv.priority = m.priority;
        mv.max_session = m.max_session;
        mv.alive = m.alive;
        mv.load = member_load(m);
        mv.overloaded = m.has_report && mv.load.overloaded;
        mv.least_loaded = int(i) == llg;
        mv.last_seen_ms = m.last_seen_ms ? int64_t(now - m.last_seen_ms) : -1;
        mv.report = m.report;
        mv.pending = g_cluster.pending ? g_cluster.pending[i].load() : 0;
        mv.redirects = g_cluster.redirects ? g_cluster.redirects[i].load() : 0;
        mv.nat_sessions = g_cluster.nat_new ? g_cluster.nat_new[i].load() : 0;
        mv.reports = m.reports;
        v.alive += m.alive;
        v.members.push_back(mv);
    }
    return v;
}

}  // namespace haslb::ikev2
