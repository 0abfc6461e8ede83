// SPDX-License-Identifier: BSD-3-Clause
#include "route/neighbor.hpp"

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>

#include <algorithm>
#include <cerrno>

#include "core/control.hpp"
#include "core/dataplane.hpp"
#include "core/lf_hash.hpp"
#include "net/l2.hpp"

namespace haslb::route {

NeighView g_neigh;

namespace {

// Control-only state per hash position; workers never touch it.
struct NeighCtl {
    uint32_t ip = 0;
    uint16_t port = 0;
    bool in_use = false;
    uint8_t probes = 0;
    uint64_t confirmed_tsc = 0;
    uint64_t next_tsc = 0;
    std::vector<rte_mbuf*> held;
};

std::vector<NeighCtl> g_ctl;
config::NeighborConfig g_cfg;

uint64_t ms_to_tsc(uint64_t ms) { return rte_get_tsc_hz() / 1000 * ms; }

void set_state(int32_t pos, NeighState s) {
    g_neigh.e[pos].state.store(uint8_t(s), std::memory_order_release);
}
NeighState get_state(int32_t pos) {
    return NeighState(g_neigh.e[pos].state.load(std::memory_order_relaxed));
}

void drop_held(NeighCtl& c) {
    for (rte_mbuf* m : c.held) {
        core::count_drop(core::Drop::arp_hold_dropped);
        rte_pktmbuf_free(m);
    }
    c.held.clear();
}

void send_held(int32_t pos) {
    NeighCtl& c = g_ctl[pos];
    const rte_ether_addr mac = mac_unpack(g_neigh.e[pos].mac.load(std::memory_order_relaxed));
    for (rte_mbuf* m : c.held) {
        core::PacketMeta* pm = core::meta(m);
        const core::DpPort& out = core::g_dp.ports[pm->out_port];
        if (net::l2_write(m, pm->l2_len, mac, out.mac, out.vlan, RTE_ETHER_TYPE_IPV4) < 0) {
            core::count_drop(core::Drop::tx_full);
            rte_pktmbuf_free(m);
            continue;
        }
        if (core::control_tx(pm->out_port, m) == 0) core::count_stat(core::Stat::held_packets_sent);
    }
    c.held.clear();
}

int32_t lookup(uint32_t ip) { return rte_hash_lookup(g_neigh.h, &ip); }

void remove(int32_t pos) {
    NeighCtl& c = g_ctl[pos];
    drop_held(c);
    uint32_t ip = c.ip;
    c.in_use = false;
    rte_hash_del_key(g_neigh.h, &ip);
}

int32_t create(uint16_t port, uint32_t ip, NeighState st, uint64_t now) {
    int32_t pos = rte_hash_add_key(g_neigh.h, &ip);
    if (pos < 0) return pos;
    NeighCtl& c = g_ctl[pos];
    c.ip = ip;
    c.port = port;
    c.in_use = true;
    c.probes = 0;
    c.confirmed_tsc = now;
    c.next_tsc = now;
    c.held.clear();
    g_neigh.e[pos].mac.store(0, std::memory_order_relaxed);
    set_state(pos, st);
    return pos;
}

}  // namespace

const char* neigh_state_name(NeighState s) {
    switch (s) {
        case NeighState::kIncomplete: return "INCOMPLETE";
        case NeighState::kReachable: return "REACHABLE";
        case NeighState::kStale: return "STALE";
        case NeighState::kFailed: return "FAILED";
    }
    return "?";
}

int neigh_init(const config::NeighborConfig& cfg, rte_rcu_qsbr* qsbr, std::string& err) {
    g_cfg = cfg;
    core::LfHash t;
    if (int rc = core::lf_hash_create(t, "haslb_neigh", "neighbour table",
                                      std::max<uint32_t>(cfg.max_entries, 64), sizeof(uint32_t),
                                      sizeof(NeighEntry), 0, qsbr, err))
        return rc;
    g_neigh.h = t.hash;
    g_neigh.e = static_cast<NeighEntry*>(t.entries);
    const uint32_t slots = t.slots;
    g_ctl.assign(slots, NeighCtl{});
    return 0;
}

void neigh_fini() {
    for (auto& c : g_ctl) drop_held(c);
    g_ctl.clear();
    if (g_neigh.h) rte_hash_free(g_neigh.h);
    rte_free(g_neigh.e);
    g_neigh = NeighView{};
}

void neigh_set_params(const config::NeighborConfig& cfg) {
    const uint32_t max_entries = g_cfg.max_entries;  // init-only
    g_cfg = cfg;
    g_cfg.max_entries = max_entries;
}

int neigh_update(uint16_t port, uint32_t ip, const rte_ether_addr& mac, bool create_new) {
    const uint64_t now = rte_get_tsc_cycles();
    int32_t pos = lookup(ip);
    if (pos < 0) {
        if (!create_new) return -ENOENT;
        pos = create(port, ip, NeighState::kReachable, now);
        if (pos < 0) {
            core::count_stat(core::Stat::neighbors_refused);
            return -ENOSPC;
        }
        g_neigh.e[pos].mac.store(mac_pack(mac), std::memory_order_relaxed);
        set_state(pos, NeighState::kReachable);
        core::count_stat(core::Stat::neighbors_learned);
        return 0;
    }
    NeighCtl& c = g_ctl[pos];
    const uint64_t packed = mac_pack(mac);
    const NeighState st = get_state(pos);
    if ((st == NeighState::kReachable || st == NeighState::kStale) &&
        g_neigh.e[pos].mac.load(std::memory_order_relaxed) != packed)
        core::count_stat(core::Stat::neighbors_updated);
    g_neigh.e[pos].mac.store(packed, std::memory_order_relaxed);
    c.port = port;
    c.confirmed_tsc = now;
    c.probes = 0;
    if (st == NeighState::kIncomplete || st == NeighState::kFailed)
        core::count_stat(core::Stat::neighbors_learned);
    set_state(pos, NeighState::kReachable);
    if (!c.held.empty()) send_held(pos);
    return 0;
}

void neigh_hold(rte_mbuf* m) {
    core::PacketMeta* pm = core::meta(m);
    const uint32_t ip = pm->next_hop;
    const uint64_t now = rte_get_tsc_cycles();
    int32_t pos = lookup(ip);
    if (pos < 0) {
        pos = create(pm->out_port, ip, NeighState::kIncomplete, now);
        if (pos < 0) {
            core::count_drop(core::Drop::neighbor_table_full);
            rte_pktmbuf_free(m);
            return;
        }
        arp_send_request(pm->out_port, ip, nullptr);
        g_ctl[pos].probes = 1;
        g_ctl[pos].next_tsc = now + ms_to_tsc(g_cfg.retry_interval_ms);
    }
    NeighCtl& c = g_ctl[pos];
    const NeighState st = get_state(pos);
    if (st == NeighState::kReachable || st == NeighState::kStale) {
        // Resolved while the packet was on the ring.
        c.held.push_back(m);
        send_held(pos);
        return;
    }
    if (st == NeighState::kFailed) {
        core::count_drop(core::Drop::neighbor_failed);
        rte_pktmbuf_free(m);
        return;
    }
    if (c.held.size() >= g_cfg.hold_packets) {
        core::count_drop(core::Drop::hold_queue_full);
        rte_pktmbuf_free(m);
        return;
    }
    c.held.push_back(m);
}

void neigh_tick(uint64_t now) {
    const uint64_t interval = ms_to_tsc(g_cfg.retry_interval_ms);
    const uint64_t reachable = rte_get_tsc_hz() * g_cfg.reachable_time_s;
    for (int32_t pos = 0; pos < int32_t(g_ctl.size()); pos++) {
        NeighCtl& c = g_ctl[pos];
        if (!c.in_use) continue;
        switch (get_state(pos)) {
            case NeighState::kReachable:
                if (now - c.confirmed_tsc >= reachable) {
                    // Re-confirm with a unicast probe; keep forwarding meanwhile.
                    set_state(pos, NeighState::kStale);
                    const rte_ether_addr mac = mac_unpack(g_neigh.e[pos].mac.load());
                    arp_send_request(c.port, c.ip, &mac);
                    c.probes = 1;
                    c.next_tsc = now + interval;
                }
                break;
            case NeighState::kStale:
                if (now < c.next_tsc) break;
                if (c.probes >= g_cfg.retries) {
                    core::count_stat(core::Stat::neighbors_expired);
                    remove(pos);
                    break;
                }
                {
                    const rte_ether_addr mac = mac_unpack(g_neigh.e[pos].mac.load());
                    arp_send_request(c.port, c.ip, &mac);
                }
                c.probes++;
                c.next_tsc = now + interval;
                break;
            case NeighState::kIncomplete:
                if (now < c.next_tsc) break;
                if (c.probes >= g_cfg.retries) {
                    core::count_stat(core::Stat::arp_resolve_failed);
                    drop_held(c);
                    set_state(pos, NeighState::kFailed);
                    // Hold-down: packets to it are dropped without new ARP storms.
                    c.next_tsc = now + interval * g_cfg.retries;
                    break;
                }
                arp_send_request(c.port, c.ip, nullptr);
                c.probes++;
                c.next_tsc = now + interval;
                break;
            case NeighState::kFailed:
                if (now >= c.next_tsc) remove(pos);
                break;
        }
    }
}

int neigh_del(uint32_t ip) {
    int32_t pos = lookup(ip);
    if (pos < 0) return -ENOENT;
    remove(pos);
    return 0;
}

std::vector<NeighInfo> neigh_list() {
    std::vector<NeighInfo> out;
    const uint64_t now = rte_get_tsc_cycles();
    for (int32_t pos = 0; pos < int32_t(g_ctl.size()); pos++) {
        const NeighCtl& c = g_ctl[pos];
        if (!c.in_use) continue;
        out.push_back(NeighInfo{c.ip, mac_unpack(g_neigh.e[pos].mac.load()), get_state(pos), c.port,
                                (now - c.confirmed_tsc) / rte_get_tsc_hz(), uint32_t(c.held.size())});
    }
    std::sort(out.begin(), out.end(), [](const NeighInfo& a, const NeighInfo& b) { return a.ip < b.ip; });
    return out;
}

}  // namespace haslb::route
