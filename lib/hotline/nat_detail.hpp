// SPDX-License-Identifier: BSD-3-Clause
// Internals shared by the NAT table's control (control/nat_table.cpp) and
// datapath (datapath/nat_path.cpp) halves. Not for other modules.
//
// Why writers take a (striped, short) lock. rte_hash_add_key_data is "add or
// update": a second worker adding a forward key that another worker has just
// added overwrites the data (the slot) instead of failing, and
// rte_hash_del_key is unconditional. So rte_hash alone cannot decide which of
// two creators of a flow wins, nor keep the control lcore's "delete the
// reverse key only if it still points at this entry" from being split by a
// worker moving that key to a newer entry. Every key a creation, replacement
// or removal touches (the forward key, its reverse key, a reverse key shared
// by translations of the same socket) has the same protocol, home address and
// home port; one lock per stripe of (protocol, home address, home port)
// serialises all the writers of those keys. It is taken once per new
// translation (and per replacement or removal) around one or two
// rte_hash_add_key_data calls, which with MULTI_WRITER_ADD take the hash's own
// global writer lock anyway; lookups and refreshes of existing flows never
// take it. A worker spins at most kSpinLimit pauses and then refuses the
// packet (kFull: dropped, the next packet retries) rather than wait behind a
// descheduled holder; the control lcore waits.
//
// The races this settles:
// (a) two workers create the same forward key: the second gets the stripe
//     after the first released it, finds the key and uses the first one's
//     entry (kExisting). It takes a free slot only after that check, so no
//     slot has to be given back.
// (b) a worker finds an entry with valid == 0 (being created, or being
//     removed: the control lcore clears valid first, then deletes the keys,
//     under the stripe): it retries once under the stripe. By then a removal
//     is complete (the key is gone, a new translation is created and the old
//     one is never resurrected) and a creation is published (its entry is
//     used). Only a stripe that stays taken gives kFull.
// (c) a reverse key already owned by another live translation of the same
//     socket: the newest translation takes it (add updates the data); a
//     removal deletes the reverse key only if it still points at the removed
//     entry. Check and delete happen under the stripe that every writer of
//     that key takes. The older translation's replies are then no longer
//     translated (it cannot be told apart from the newer one's).
//
// Key data: slot << 1 for a forward key, (slot << 1) | 1 for a reverse key.
// With RCU the hash's defer queue gives every deleted key's data back after
// its grace period; only the forward key's returns the slot to the free ring.
// Removal deletes the forward key last, so its grace period also covers
// every reader that found the entry through a reverse key.
//
// Stored reverse keys carry pad[0] = kReverseTag (wire keys have zero
// padding), so a reverse key can never equal a forward key (a redirect server
// that is also some subscriber's home address), and the control lcore's
// reclamation kick uses a key no packet can build (kKickTag).
#pragma once

#include <rte_hash.h>
#include <rte_pause.h>
#include <rte_tcp.h>

#include <atomic>
#include <cstdint>

#include "hotline/nat.hpp"

namespace haslb::hotline::nat::detail {

constexpr uint8_t kReverseTag = 1;
constexpr uint8_t kKickTag = 2;
constexpr uint32_t kStripeBits = 12;
constexpr uint32_t kStripes = 1u << kStripeBits;
constexpr uint32_t kSpinLimit = 4096;

inline void* forward_data(uint32_t slot) {
    return reinterpret_cast<void*>(uintptr_t(slot) << 1);
}
inline void* reverse_data(uint32_t slot) {
    return reinterpret_cast<void*>((uintptr_t(slot) << 1) | 1);
}
inline bool is_reverse(const void* data) {
    return reinterpret_cast<uintptr_t>(data) & 1;
}
inline uint32_t slot_of(const void* data) {
    return uint32_t(reinterpret_cast<uintptr_t>(data) >> 1);
}

// The reverse key as stored in the hash.
inline FlowKey stored_reverse(const FlowKey& fwd, uint32_t redirect, uint16_t redirect_port) {
    FlowKey k = reverse_key(fwd, redirect, redirect_port);
    k.pad[0] = kReverseTag;
    return k;
}

// Several, in case the hash is too full for one of them.
inline FlowKey kick_key(uint8_t variant) {
    FlowKey k{};
    k.pad[0] = kKickTag;
    k.pad[1] = variant;
    return k;
}

// The stripe of a translation: protocol, home address and home port (the
// ICMP identifier), all of which its reverse key shares.
inline uint32_t stripe_of(const FlowKey& fwd) {
    const uint64_t v = (uint64_t(fwd.src) << 24) | (uint64_t(fwd.sport) << 8) | fwd.proto;
    return uint32_t((v * 0x9e3779b97f4a7c15ull) >> (64 - kStripeBits));
}

// bounded: workers give up after kSpinLimit pauses (returns false).
inline bool lock_stripe(uint8_t* stripes, uint32_t s, bool bounded) {
    std::atomic_ref<uint8_t> a(stripes[s]);
    for (uint32_t i = 0;; i++) {
        uint8_t free = 0;
        if (a.load(std::memory_order_relaxed) == 0 &&
            a.compare_exchange_weak(free, 1, std::memory_order_acquire, std::memory_order_relaxed))
            return true;
        if (bounded && i >= kSpinLimit) return false;
        rte_pause();
    }
}
inline void unlock_stripe(uint8_t* stripes, uint32_t s) {
    std::atomic_ref<uint8_t>(stripes[s]).store(0, std::memory_order_release);
}

// Fields a replacement rewrites while other workers read them: accessed
// through atomic_ref (a reader may see the new address with the old port for
// the packet in flight during a rule change; both are valid targets).
template <typename T>
inline T load_field(const T& f) {
    return std::atomic_ref<T>(const_cast<T&>(f)).load(std::memory_order_relaxed);
}
template <typename T>
inline void store_field(T& f, T v) {
    std::atomic_ref<T>(f).store(v, std::memory_order_relaxed);
}

// The ICMP reverse key has no port: only the address tells targets apart.
inline bool same_target(const Translation& t, uint32_t redirect, uint16_t redirect_port) {
    return load_field(t.redirect) == redirect &&
           (t.fwd.proto == IPPROTO_ICMP || load_field(t.redirect_port) == redirect_port);
}

inline uint8_t initial_tcp_state(uint8_t flags) {
    if (flags & (RTE_TCP_FIN_FLAG | RTE_TCP_RST_FLAG)) return uint8_t(TcpState::kClosing);
    if (flags & RTE_TCP_ACK_FLAG) return uint8_t(TcpState::kEstablished);
    if (flags & RTE_TCP_SYN_FLAG) return uint8_t(TcpState::kSyn);
    return uint8_t(TcpState::kNoSynAck);
}

// FIN or RST either way closes for good; a SYN/ACK from the server
// establishes (unless closing). Upstream and downstream run on different
// lcores: the compare-exchange keeps a concurrent close from being undone.
inline void track_tcp(Translation& t, uint8_t flags, bool downstream) {
    constexpr uint8_t kClosing = uint8_t(TcpState::kClosing);
    constexpr uint8_t kEstablished = uint8_t(TcpState::kEstablished);
    if (flags & (RTE_TCP_FIN_FLAG | RTE_TCP_RST_FLAG)) {
        if (t.tcp_state.load(std::memory_order_relaxed) != kClosing)
            t.tcp_state.store(kClosing, std::memory_order_relaxed);
        return;
    }
    constexpr uint8_t kSynAck = RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG;
    if (!downstream || (flags & kSynAck) != kSynAck) return;
    uint8_t cur = t.tcp_state.load(std::memory_order_relaxed);
    while (cur != kClosing && cur != kEstablished &&
           !t.tcp_state.compare_exchange_weak(cur, kEstablished, std::memory_order_relaxed)) {
    }
}

// A packet of the translation either way. last_s is stored only when the
// second moves forward: no shared-line write per packet for it, and an lcore
// whose clock was sampled earlier in its burst does not move it back.
inline void touch(Translation& t, uint8_t tcp_flags, uint32_t now_s, bool downstream) {
    if (t.last_s.load(std::memory_order_relaxed) < now_s)
        t.last_s.store(now_s, std::memory_order_relaxed);
    t.packets.fetch_add(1, std::memory_order_relaxed);
    if (t.fwd.proto == IPPROTO_TCP) track_tcp(t, tcp_flags, downstream);
}

}  // namespace haslb::hotline::nat::detail
