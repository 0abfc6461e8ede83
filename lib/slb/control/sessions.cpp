// SPDX-License-Identifier: BSD-3-Clause
// The session table: created here, filled by workers (datapath/rrq_stage),
// expired and cleared here.
#include <fmt/format.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>

#include <algorithm>
#include <cstring>

#include "core/counters.hpp"
#include "core/lf_hash.hpp"
#include "core/rcu.hpp"
#include "slb/control/model.hpp"

namespace haslb::slb {
namespace detail {

int sessions_init(uint32_t max_sessions, std::string& err) {
    // Workers add concurrently (MULTI_WRITER_ADD); everybody reads without locks.
    core::LfHash t;
    if (int rc = core::lf_hash_create(t, "haslb_slb_sessions", "session table", max_sessions,
                                      sizeof(SessKey), sizeof(Session),
                                      RTE_HASH_EXTRA_FLAGS_MULTI_WRITER_ADD, core::g_qsbr, err))
        return rc;
    g_slb.sessions = t.hash;
    g_slb.entries = static_cast<Session*>(t.entries);
    return 0;
}

void sessions_fini() {
    if (g_slb.sessions) rte_hash_free(g_slb.sessions);
    rte_free(g_slb.entries);
    g_slb.sessions = nullptr;
    g_slb.entries = nullptr;
}

namespace {

// Removes one session (control lcore): invalid first, so a worker that
// finds the key meanwhile treats it as new; the slot is reused after RCU.
void remove(int32_t pos, const SessKey& key) {
    Session& s = g_slb.entries[pos];
    if (!s.valid.exchange(0)) return;
    const uint16_t real = s.real.load();
    if (real < kMaxReals) g_slb.reals[real].conns.fetch_sub(1, std::memory_order_relaxed);
    rte_hash_del_key(g_slb.sessions, &key);
}

// Calls fn(position, key, session) for every key in the table (a lock-free
// reader's walk: entries may change meanwhile, which display tolerates).
template <typename Fn>
void for_each_session(Fn fn) {
    const void* key;
    void* data;
    uint32_t it = 0;
    int32_t pos;
    while ((pos = rte_hash_iterate(g_slb.sessions, &key, &data, &it)) >= 0)
        fn(pos, *static_cast<const SessKey*>(key), g_slb.entries[pos]);
}

std::string nai_text(const Session& s) {
    return printable_nai(s.nai, s.nai_len);
}

}  // namespace

void session_mark_rrp(uint64_t nai_hash, const uint8_t* nai, uint8_t nai_len) {
    if (!g_slb.sessions) return;
    for (uint16_t v = 0; v < g_vs.size(); v++) {
        SessKey key{nai_hash, v, 0};
        int32_t pos = rte_hash_lookup(g_slb.sessions, &key);
        if (pos < 0) continue;
        Session& s = g_slb.entries[pos];
        if (s.valid.load() && s.nai_len == nai_len && memcmp(s.nai, nai, nai_len) == 0)
            s.rrp_seen.store(1, std::memory_order_release);
    }
}

unsigned sessions_remove_nai(const std::string& nai) {
    if (!g_slb.sessions || nai.empty() || nai.size() > mip::kMaxNai) return 0;
    const auto* p = reinterpret_cast<const uint8_t*>(nai.data());
    const uint64_t h = mip::nai_hash(p, nai.size());
    unsigned n = 0;
    for (uint16_t v = 0; v < g_vs.size(); v++) {
        const SessKey key{h, v, 0};
        const int32_t pos = rte_hash_lookup(g_slb.sessions, &key);
        if (pos < 0) continue;
        const Session& s = g_slb.entries[pos];
        if (s.nai_len != nai.size() || memcmp(s.nai, p, nai.size()) != 0) continue;
        remove(pos, key);
        n++;
    }
    return n;
}

uint64_t vserver_conns(uint16_t vs) {
    if (!g_slb.sessions) return 0;
    uint64_t n = 0;
    for_each_session(
        [&](int32_t, const SessKey&, const Session& s) { n += s.valid.load() && s.vs == vs; });
    return n;
}

}  // namespace detail

using namespace detail;

unsigned expire_sessions(uint64_t now) {
    if (!g_slb.sessions) return 0;
    std::vector<std::pair<int32_t, SessKey>> old;
    const uint64_t hz = rte_get_tsc_hz();
    {
        std::lock_guard<std::mutex> lk(g_mu);
        for_each_session([&](int32_t pos, const SessKey& key, const Session& s) {
            if (!s.valid.load() || s.vs >= g_vs.size()) return;
            const uint64_t seen = s.last_seen.load(std::memory_order_relaxed);
            if (now > seen && now - seen >= uint64_t(g_vs[s.vs].idle_s) * hz)
                old.emplace_back(pos, key);
        });
    }
    // Deleting while iterating would skip entries: collect, then delete.
    for (const auto& [pos, key] : old) {
        if (g_slb.debug.load()) {
            const Session& s = g_slb.entries[pos];
            debug_log(fmt::format("SLB_SESSION_IPMOBILE: client = {}, NAI: {}, length: {}",
                                  config::format_ipv4(s.client), nai_text(s), s.nai_len));
            debug_log("SLB_SESSION_IPMOBILE: event= IPMOBILE_TIMEOUT, state= IPMOBILE_ESTAB -> IPMOBILE_INIT");
        }
        remove(pos, key);
        core::count_stat(core::Stat::sessions_expired);
    }
    return unsigned(old.size());
}

int remove_nai(const std::string& nai, std::string& msg) {
    const unsigned sessions = sessions_remove_nai(nai);
    const bool binding = binding_remove(nai);
    if (!sessions && !binding) {
        msg = fmt::format("no session or binding for {}", nai);
        return -ENOENT;
    }
    msg = fmt::format("{}: {} session(s){} removed", nai, sessions, binding ? " and its binding" : "");
    return 0;
}

int clear_sessions(std::string& msg) {
    if (!g_slb.sessions) {
        msg = "no virtual servers";
        return 0;
    }
    std::vector<std::pair<int32_t, SessKey>> all;
    for_each_session(
        [&](int32_t pos, const SessKey& key, const Session&) { all.emplace_back(pos, key); });
    for (const auto& [p, k] : all) remove(p, k);
    msg = fmt::format("{} session{} cleared", all.size(), all.size() == 1 ? "" : "s");
    return 0;
}

std::vector<SessionView> session_views() {
    std::vector<SessionView> out;
    if (!g_slb.sessions) return out;
    std::lock_guard<std::mutex> lk(g_mu);
    const uint64_t now = rte_get_tsc_cycles(), hz = rte_get_tsc_hz();
    for_each_session([&](int32_t, const SessKey& key, const Session& s) {
        if (!s.valid.load() || s.vs >= g_vs.size()) return;
        const uint16_t real = s.real.load();
        out.push_back(
            SessionView{g_vs[s.vs].name, nai_text(s), config::format_ipv4(s.client),
                        real < g_reals.size() ? config::format_ipv4(g_reals[real].addr) : "-",
                        "IPMOBILE_ESTAB", key.nai_hash, s.retries.load(), (now - s.created) / hz});
    });
    std::sort(out.begin(), out.end(), [](const SessionView& a, const SessionView& b) {
        return a.vserver != b.vserver ? a.vserver < b.vserver : a.nai < b.nai;
    });
    return out;
}

}  // namespace haslb::slb
