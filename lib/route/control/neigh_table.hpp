// SPDX-License-Identifier: BSD-3-Clause
// The neighbour machinery shared by ARP (IPv4) and NDP (IPv6): one template
// over the key (uint32_t host order, or 16 bytes network order) and a family
// traits type that names the solicit function, the ethertype of held packets,
// the key a held packet waits for and the counters. neighbor.cpp instantiates
// it for IPv4, neighbor6.cpp for IPv6; the public API stays in neighbor.hpp.
//
// Update rule (both families): the control lcore is the only writer; workers
// read the NeighView lock-free (rte_hash RW_CONCURRENCY_LF, {state, mac}
// through atomics); deleted key slots are recycled after an RCU grace period
// (the hash's QSBR integration). Control lcore only.
#pragma once

#include <rte_cycles.h>
#include <rte_malloc.h>

#include <algorithm>
#include <cerrno>
#include <string>
#include <vector>

#include "core/control.hpp"
#include "core/counters.hpp"
#include "core/dataplane.hpp"
#include "core/lf_hash.hpp"
#include "net/l2.hpp"
#include "route/neighbor.hpp"

namespace haslb::route {

// Family traits F provide:
//   static constexpr const char* kHashName, *kWhat;
//   static constexpr uint16_t kEtherType;               (of held packets)
//   static constexpr core::Stat kSolicitSent... are not needed: solicit() counts
//   static int solicit(uint16_t port, const Key& k, const rte_ether_addr* dst);
//   static Key hold_key(const core::PacketMeta* pm);
//   static constexpr core::Stat kLearned, kUpdated, kExpired, kRefused, kFailed;
//   static constexpr core::Drop kHoldDropped;
template <typename Key, typename F>
class NeighTable {
public:
    struct Row {
        Key key;
        rte_ether_addr mac;
        NeighState state;
        uint16_t port;
        uint64_t age_s;
        uint32_t held;
    };

    explicit NeighTable(NeighView& view) : v_(view) {}

    int init(const config::NeighborConfig& cfg, rte_rcu_qsbr* qsbr, std::string& err) {
        cfg_ = cfg;
        core::LfHash t;
        if (int rc = core::lf_hash_create(t, F::kHashName, F::kWhat,
                                          std::max<uint32_t>(cfg.max_entries, 64), sizeof(Key),
                                          sizeof(NeighEntry), 0, qsbr, err))
            return rc;
        v_.h = t.hash;
        v_.e = static_cast<NeighEntry*>(t.entries);
        ctl_.assign(t.slots, Ctl{});
        return 0;
    }

    void fini() {
        for (auto& c : ctl_) drop_held(c);
        ctl_.clear();
        if (v_.h) rte_hash_free(v_.h);
        rte_free(v_.e);
        v_ = NeighView{};
    }

    void set_params(const config::NeighborConfig& cfg) {
        const uint32_t max_entries = cfg_.max_entries;  // init-only
        cfg_ = cfg;
        cfg_.max_entries = max_entries;
    }

    bool ready() const { return v_.h != nullptr; }

    // Learning: records key -> mac on `port`. create=false only refreshes an
    // existing entry. Returns 0, -ENOENT (no entry and !create), -ENOSPC.
    int update(uint16_t port, const Key& key, const rte_ether_addr& mac, bool create_new) {
        const uint64_t now = rte_get_tsc_cycles();
        int32_t pos = lookup(key);
        if (pos < 0) {
            if (!create_new) return -ENOENT;
            pos = create(port, key, NeighState::kReachable, now);
            if (pos < 0) {
                core::count_stat(F::kRefused);
                return -ENOSPC;
            }
            v_.e[pos].mac.store(mac_pack(mac), std::memory_order_relaxed);
            set_state(pos, NeighState::kReachable);
            core::count_stat(F::kLearned);
            return 0;
        }
        Ctl& c = ctl_[pos];
        const uint64_t packed = mac_pack(mac);
        const NeighState st = get_state(pos);
        if ((st == NeighState::kReachable || st == NeighState::kStale) &&
            v_.e[pos].mac.load(std::memory_order_relaxed) != packed)
            core::count_stat(F::kUpdated);
        v_.e[pos].mac.store(packed, std::memory_order_relaxed);
        c.port = port;
        c.confirmed_tsc = now;
        c.probes = 0;
        if (st == NeighState::kIncomplete || st == NeighState::kFailed)
            core::count_stat(F::kLearned);
        set_state(pos, NeighState::kReachable);
        if (!c.held.empty()) send_held(pos);
        return 0;
    }

    // Current state and MAC of `key`; false when there is no entry.
    bool get(const Key& key, NeighState& st, rte_ether_addr& mac) const {
        const int32_t pos = rte_hash_lookup(v_.h, &key);
        if (pos < 0) return false;
        st = get_state(pos);
        mac = mac_unpack(v_.e[pos].mac.load(std::memory_order_relaxed));
        return true;
    }

    // Takes ownership of a packet whose next hop is unknown: starts
    // resolution and holds it (or drops it, counted).
    void hold(rte_mbuf* m) {
        core::PacketMeta* pm = core::meta(m);
        const Key key = F::hold_key(pm);
        const uint64_t now = rte_get_tsc_cycles();
        int32_t pos = lookup(key);
        if (pos < 0) {
            pos = create(pm->out_port, key, NeighState::kIncomplete, now);
            if (pos < 0) {
                core::count_drop(core::Drop::neighbor_table_full);
                rte_pktmbuf_free(m);
                return;
            }
            F::solicit(pm->out_port, key, nullptr);
            ctl_[pos].probes = 1;
            ctl_[pos].next_tsc = now + ms_to_tsc(cfg_.retry_interval_ms);
        }
        Ctl& c = ctl_[pos];
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
        if (c.held.size() >= cfg_.hold_packets) {
            core::count_drop(core::Drop::hold_queue_full);
            rte_pktmbuf_free(m);
            return;
        }
        c.held.push_back(m);
    }

    // Retries, failures and aging; call at least every retry interval.
    void tick(uint64_t now) {
        const uint64_t interval = ms_to_tsc(cfg_.retry_interval_ms);
        const uint64_t reachable = rte_get_tsc_hz() * cfg_.reachable_time_s;
        for (int32_t pos = 0; pos < int32_t(ctl_.size()); pos++) {
            Ctl& c = ctl_[pos];
            if (!c.in_use) continue;
            switch (get_state(pos)) {
                case NeighState::kReachable:
                    if (now - c.confirmed_tsc >= reachable) {
                        // Re-confirm with a unicast probe; keep forwarding meanwhile.
                        set_state(pos, NeighState::kStale);
                        const rte_ether_addr mac = mac_unpack(v_.e[pos].mac.load());
                        F::solicit(c.port, c.key, &mac);
                        c.probes = 1;
                        c.next_tsc = now + interval;
                    }
                    break;
                case NeighState::kStale:
                    if (now < c.next_tsc) break;
                    if (c.probes >= cfg_.retries) {
                        core::count_stat(F::kExpired);
                        remove(pos);
                        break;
                    }
                    {
                        const rte_ether_addr mac = mac_unpack(v_.e[pos].mac.load());
                        F::solicit(c.port, c.key, &mac);
                    }
                    c.probes++;
                    c.next_tsc = now + interval;
                    break;
                case NeighState::kIncomplete:
                    if (now < c.next_tsc) break;
                    if (c.probes >= cfg_.retries) {
                        core::count_stat(F::kFailed);
                        drop_held(c);
                        set_state(pos, NeighState::kFailed);
                        // Hold-down: packets to it are dropped without new solicitation storms.
                        c.next_tsc = now + interval * cfg_.retries;
                        break;
                    }
                    F::solicit(c.port, c.key, nullptr);
                    c.probes++;
                    c.next_tsc = now + interval;
                    break;
                case NeighState::kFailed:
                    if (now >= c.next_tsc) remove(pos);
                    break;
            }
        }
    }

    int del(const Key& key) {
        const int32_t pos = lookup(key);
        if (pos < 0) return -ENOENT;
        remove(pos);
        return 0;
    }

    // Removes every entry; returns how many.
    unsigned clear() {
        unsigned n = 0;
        for (int32_t pos = 0; pos < int32_t(ctl_.size()); pos++)
            if (ctl_[pos].in_use) {
                remove(pos);
                n++;
            }
        return n;
    }

    // Sorted by key.
    std::vector<Row> list() const {
        std::vector<Row> out;
        const uint64_t now = rte_get_tsc_cycles();
        for (int32_t pos = 0; pos < int32_t(ctl_.size()); pos++) {
            const Ctl& c = ctl_[pos];
            if (!c.in_use) continue;
            out.push_back(Row{c.key, mac_unpack(v_.e[pos].mac.load()), get_state(pos), c.port,
                              (now - c.confirmed_tsc) / rte_get_tsc_hz(), uint32_t(c.held.size())});
        }
        std::sort(out.begin(), out.end(), [](const Row& a, const Row& b) { return a.key < b.key; });
        return out;
    }

private:
    // Control-only state per hash position; workers never touch it.
    struct Ctl {
        Key key{};
        uint16_t port = 0;
        bool in_use = false;
        uint8_t probes = 0;
        uint64_t confirmed_tsc = 0;
        uint64_t next_tsc = 0;
        std::vector<rte_mbuf*> held;
    };

    static uint64_t ms_to_tsc(uint64_t ms) { return rte_get_tsc_hz() / 1000 * ms; }

    void set_state(int32_t pos, NeighState s) {
        v_.e[pos].state.store(uint8_t(s), std::memory_order_release);
    }
    NeighState get_state(int32_t pos) const {
        return NeighState(v_.e[pos].state.load(std::memory_order_relaxed));
    }

    void drop_held(Ctl& c) {
        for (rte_mbuf* m : c.held) {
            core::count_drop(F::kHoldDropped);
            rte_pktmbuf_free(m);
        }
        c.held.clear();
    }

    void send_held(int32_t pos) {
        Ctl& c = ctl_[pos];
        const rte_ether_addr mac = mac_unpack(v_.e[pos].mac.load(std::memory_order_relaxed));
        for (rte_mbuf* m : c.held) {
            core::PacketMeta* pm = core::meta(m);
            const core::DpPort& out = core::g_dp.ports[pm->out_port];
            if (net::l2_write(m, pm->l2_len, mac, out.mac, out.vlan, F::kEtherType) < 0) {
                core::count_drop(core::Drop::tx_full);
                rte_pktmbuf_free(m);
                continue;
            }
            if (core::control_tx(pm->out_port, m) == 0)
                core::count_stat(core::Stat::held_packets_sent);
        }
        c.held.clear();
    }

    int32_t lookup(const Key& key) const { return rte_hash_lookup(v_.h, &key); }

    void remove(int32_t pos) {
        Ctl& c = ctl_[pos];
        drop_held(c);
        const Key key = c.key;
        c.in_use = false;
        rte_hash_del_key(v_.h, &key);
    }

    int32_t create(uint16_t port, const Key& key, NeighState st, uint64_t now) {
        const int32_t pos = rte_hash_add_key(v_.h, &key);
        if (pos < 0) return pos;
        Ctl& c = ctl_[pos];
        c.key = key;
        c.port = port;
        c.in_use = true;
        c.probes = 0;
        c.confirmed_tsc = now;
        c.next_tsc = now;
        c.held.clear();
        v_.e[pos].mac.store(0, std::memory_order_relaxed);
        set_state(pos, st);
        return pos;
    }

    NeighView& v_;
    std::vector<Ctl> ctl_;
    config::NeighborConfig cfg_;
};

}  // namespace haslb::route
