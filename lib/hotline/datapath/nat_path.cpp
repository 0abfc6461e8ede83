// SPDX-License-Identifier: BSD-3-Clause
// NAT translations, the workers' half: find or create the translation of a
// subscriber's redirected packet, bulk lookups of the redirect servers'
// answers, refresh both ways. Also the key moves shared with the control
// lcore's removal. Races and the creation lock: hotline/nat_detail.hpp.
#include <rte_hash.h>
#include <rte_ring_elem.h>

#include <algorithm>
#include <cstring>

#include "core/datapath/crc_lookup.hpp"
#include "hotline/nat.hpp"
#include "hotline/nat_detail.hpp"

namespace haslb::hotline::nat {

using namespace detail;

namespace {

// The workers' refresh of a translation: detail::touch without its locked
// add. `packets` is approximate by contract (nat.hpp); a lock-prefixed
// fetch_add is a full barrier on x86, so the next packet's hash lookups could
// not start before this packet's entry line had arrived, and every packet
// paid the locked RMW on a line the other direction's lcore also writes.
// With a plain load + store, increments of one flow on two lcores at the same
// instant may lose a count; they never corrupt it.
inline void refresh(Translation& t, uint8_t tcp_flags, uint32_t now_s, bool downstream) {
    if (t.last_s.load(std::memory_order_relaxed) < now_s)
        t.last_s.store(now_s, std::memory_order_relaxed);
    t.packets.store(t.packets.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    if (t.fwd.proto == IPPROTO_TCP) track_tcp(t, tcp_flags, downstream);
}

}  // namespace

UpResult Table::upstream(const FlowKey& key, uint32_t redirect, uint16_t redirect_port,
                         uint16_t profile, uint32_t rule, uint8_t tcp_flags, uint32_t now_s,
                         Translation** out) {
    const hash_sig_t sig = rte_hash_hash(hash_, &key);
    void* data = nullptr;
    if (rte_hash_lookup_with_hash_data(hash_, &key, sig, &data) >= 0) {
        Translation& t = entries_[slot_of(data)];
        if (t.valid.load(std::memory_order_acquire) && same_target(t, redirect, redirect_port)) {
            refresh(t, tcp_flags, now_s, false);
            *out = &t;
            return UpResult::kExisting;
        }
    }
    // Absent, not published or being removed (race b), or to another target.
    return upstream_locked(key, sig, redirect, redirect_port, profile, rule, tcp_flags, now_s, out);
}

UpResult Table::upstream_locked(const FlowKey& key, hash_sig_t sig, uint32_t redirect,
                                uint16_t redirect_port, uint16_t profile, uint32_t rule,
                                uint8_t tcp_flags, uint32_t now_s, Translation** out) {
    const uint32_t stripe = stripe_of(key);
    if (!lock_stripe(stripes_, stripe, true)) {
        refused_.fetch_add(1, std::memory_order_relaxed);
        return UpResult::kFull;
    }
    UpResult res = UpResult::kFull;
    void* data = nullptr;
    if (rte_hash_lookup_with_hash_data(hash_, &key, sig, &data) >= 0) {
        // Under the stripe a key found is published: a creation sets valid
        // before unlocking, a removal deletes the key before unlocking.
        const uint32_t slot = slot_of(data);
        Translation& t = entries_[slot];
        res = t.valid.load(std::memory_order_acquire) ? UpResult::kExisting : UpResult::kFull;
        if (res == UpResult::kExisting && !same_target(t, redirect, redirect_port)) {
            res = UpResult::kFull;
            if (move_reverse(slot, redirect, redirect_port)) {
                store_field(t.profile, profile);
                store_field(t.rule, rule);
                res = UpResult::kReplaced;
            }
        }
        if (res != UpResult::kFull) {
            refresh(t, tcp_flags, now_s, false);
            *out = &t;
        }
    } else {
        // The slot is taken only now: a second creator of the same flow
        // (race a) found the key above and never holds one.
        uint32_t slot;
        if (rte_ring_mc_dequeue_elem(free_, &slot, sizeof(slot)) == 0) {
            // No worker holds this slot: it came from the free ring, so RCU (or,
            // without it, the caller) guarantees no worker still holds it.
            Translation& t = entries_[slot];
            t.fwd = key;
            store_field(t.redirect, redirect);
            store_field(t.redirect_port, redirect_port);
            store_field(t.profile, profile);
            store_field(t.rule, rule);
            t.created_s = now_s;
            t.last_s.store(now_s, std::memory_order_relaxed);
            t.tcp_state.store(key.proto == IPPROTO_TCP ? initial_tcp_state(tcp_flags) : 0,
                              std::memory_order_relaxed);
            t.packets.store(1, std::memory_order_relaxed);
            if (rte_hash_add_key_with_hash_data(hash_, &key, sig, forward_data(slot)) < 0) {
                rte_ring_mp_enqueue_elem(free_, &slot, sizeof(slot));
            } else {
                const FlowKey rk = stored_reverse(key, redirect, redirect_port);
                if (rte_hash_add_key_data(hash_, &rk, reverse_data(slot)) < 0) {
                    release_forward(slot);
                } else {
                    t.valid.store(1, std::memory_order_release);
                    created_.fetch_add(1, std::memory_order_relaxed);
                    *out = &t;
                    res = UpResult::kCreated;
                }
            }
        }
    }
    unlock_stripe(stripes_, stripe);
    if (res == UpResult::kFull) refused_.fetch_add(1, std::memory_order_relaxed);
    return res;
}

// Under the stripe. The new reverse key first: if the hash has no room the
// translation keeps its old target whole (kFull leaves existing entries
// untouched). Readers that still find the old key meanwhile translate with
// the entry's original destination, which a replacement does not change.
bool Table::move_reverse(uint32_t slot, uint32_t redirect, uint16_t redirect_port) {
    Translation& t = entries_[slot];
    const uint32_t old_redirect = load_field(t.redirect);
    const uint16_t old_port = load_field(t.redirect_port);
    const FlowKey rk = stored_reverse(t.fwd, redirect, redirect_port);
    if (rte_hash_add_key_data(hash_, &rk, reverse_data(slot)) < 0) return false;
    store_field(t.redirect, redirect);
    store_field(t.redirect_port, redirect_port);
    const FlowKey old = stored_reverse(t.fwd, old_redirect, old_port);
    if (memcmp(&old, &rk, sizeof(rk)) != 0) drop_reverse_if_owned(slot, old_redirect, old_port);
    return true;
}

// Under the stripe (race c): another translation of the same socket may have
// taken the key since; then it is theirs and stays.
void Table::drop_reverse_if_owned(uint32_t slot, uint32_t redirect, uint16_t redirect_port) {
    const FlowKey rk = stored_reverse(entries_[slot].fwd, redirect, redirect_port);
    void* data = nullptr;
    if (rte_hash_lookup_data(hash_, &rk, &data) < 0 || data != reverse_data(slot)) return;
    const int32_t pos = rte_hash_del_key(hash_, &rk);
    // Lock-free mode never frees a key's position on delete; with RCU the
    // defer queue does after the grace period, without it we do at once.
    if (!qsbr_ && pos >= 0) rte_hash_free_key_with_position(hash_, pos);
}

// Under the stripe, the reverse key already dealt with: deletes the forward
// key; the slot goes back to the free ring after the grace period (the
// defer queue hands back the forward key's data), or at once without RCU.
void Table::release_forward(uint32_t slot) {
    const int32_t pos = rte_hash_del_key(hash_, &entries_[slot].fwd);
    if (qsbr_ && pos >= 0) return;
    if (pos >= 0) rte_hash_free_key_with_position(hash_, pos);
    rte_ring_mp_enqueue_elem(free_, &slot, sizeof(slot));
}

void Table::lookup_reverse(const FlowKey* const* keys, uint32_t n, Translation** out) const {
    FlowKey stored[RTE_HASH_LOOKUP_BULK_MAX];
    const void* kp[RTE_HASH_LOOKUP_BULK_MAX];
    void* data[RTE_HASH_LOOKUP_BULK_MAX];
    n = std::min<uint32_t>(n, RTE_HASH_LOOKUP_BULK_MAX);
    if (!n) return;
    for (uint32_t i = 0; i < n; i++) {
        stored[i] = *keys[i];
        stored[i].pad[0] = kReverseTag;
        kp[i] = &stored[i];
    }
    uint64_t hits = 0;
    if (core::crc_lookup_bulk_data(hash_, kp, sizeof(FlowKey), n, &hits, data) < 0) hits = 0;
    for (uint32_t i = 0; i < n; i++) {
        out[i] = nullptr;
        if (!(hits & (1ull << i))) continue;
        Translation* t = &entries_[slot_of(data[i])];
        // valid == 0: being removed (or not yet published); never translate
        // with it.
        if (t->valid.load(std::memory_order_acquire)) out[i] = t;
    }
}

void Table::downstream(Translation* t, uint8_t tcp_flags, uint32_t now_s) {
    refresh(*t, tcp_flags, now_s, true);
}

}  // namespace haslb::hotline::nat
