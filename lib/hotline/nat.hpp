// SPDX-License-Identifier: BSD-3-Clause
// NAT translations of IP-redirected flows (seed 004 "NAT for hotline and
// non-hotline redirection"): per subscriber flow, original destination
// address/port <-> redirect address/port.
//
// Table and update rule (DESIGN 4): entries live in one array; an rte_hash
// (lock-free readers, multi-writer add, RCU QSBR integration) maps both the
// forward key (the subscriber's packet as sent: home address -> original
// destination) and the reverse key (the redirect server's answer: redirect
// address -> home address) to the entry. Workers create entries (a free-slot
// ring hands out indices) and refresh their timestamps and TCP state; the
// control lcore expires, clears and removes them; a slot is reused only after
// RCU says no worker can still see it. A full table refuses new flows
// (counted by the caller) and never touches existing ones. Adding, moving
// and deleting the keys of one subscriber socket (protocol, home address,
// home port) is serialised by a small striped lock taken only to create,
// replace or remove a translation; packets of existing flows never take it
// (why: lib/hotline/nat_detail.hpp).
#pragma once

#include <netinet/in.h>
#include <rte_hash.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "config/config.hpp"

namespace haslb::hotline::nat {

// A flow as seen on the wire, host byte order. For ICMP echo, sport is the
// identifier and dport 0. 16 bytes, zero padding (hashed as bytes).
struct FlowKey {
    uint32_t src;
    uint32_t dst;
    uint16_t sport;
    uint16_t dport;
    uint8_t proto;
    uint8_t pad[3];
};
static_assert(sizeof(FlowKey) == 16);

inline FlowKey flow_key(uint8_t proto, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport) {
    FlowKey k{};
    k.src = src;
    k.dst = dst;
    k.sport = sport;
    k.dport = dport;
    k.proto = proto;
    return k;
}

// The reverse key of a translation: the redirect server's answer as
// received (src = redirect address, dst = home address). TCP/UDP (and other
// protocols): ports swapped, the redirect port as source port; ICMP echo: the
// identifier stays in sport and dport is 0, as for every ICMP key. Any thread.
inline FlowKey reverse_key(const FlowKey& fwd, uint32_t redirect, uint16_t redirect_port) {
    if (fwd.proto == IPPROTO_ICMP) return flow_key(fwd.proto, redirect, fwd.src, fwd.sport, 0);
    return flow_key(fwd.proto, redirect, fwd.src, redirect_port, fwd.sport);
}

enum class TcpState : uint8_t {
    kSyn,          // created by a SYN, no SYN/ACK seen back: tcp_syn_s
    kNoSynAck,     // created by a segment with neither SYN nor ACK: tcp_nosynack_s
    kEstablished,  // SYN/ACK seen, or created by an ACK: tcp_s
    kClosing,      // FIN or RST seen either way: tcp_fin_s
};

// One translation; index = slot in the entry array.
struct alignas(64) Translation {
    FlowKey fwd;                     // the subscriber's flow as sent (src = home address)
    uint32_t redirect;               // new destination address
    uint16_t redirect_port;          // new destination port (= fwd.dport when the rule keeps it)
    uint16_t profile;                // profile id whose rule created it
    uint32_t rule;                   // rule index (RuleTables) at creation, for display
    uint32_t created_s;              // clock seconds
    std::atomic<uint32_t> last_s;    // last packet either way, clock seconds
    std::atomic<uint8_t> tcp_state;  // TcpState (TCP only)
    std::atomic<uint8_t> valid;      // set last by the creator, cleared first by removal
    std::atomic<uint64_t> packets;   // both ways (relaxed; approximate under contention)
};

// Result of Table::upstream().
enum class UpResult : uint8_t {
    kExisting,  // the flow's translation, refreshed
    kCreated,   // a new translation
    kReplaced,  // the flow had a translation to another target: it now points to the new one
    kFull,      // no free slot or no room in the hash: nothing created (caller counts and drops)
};

struct Summary {
    uint64_t total = 0, tcp = 0, udp = 0, icmp = 0, other = 0;
    uint64_t capacity = 0;
    // Entry, two hash keys, rings and RCU queue: measured by create().
    uint64_t bytes_per_translation = 0;
    uint64_t created = 0, expired = 0, refused = 0, cleared = 0;
};

struct View {
    std::string proto, inside, outside_original, outside_redirect;  // "addr:port"
    uint32_t age_s, idle_s, timeout_s;
    std::string state;  // TCP: SYN, NOSYNACK, ESTABLISHED, CLOSING; else ""
    uint64_t packets;
    uint16_t profile;
};

class Table {
public:
    Table() = default;
    ~Table();
    Table(const Table&) = delete;
    Table& operator=(const Table&) = delete;

    // Control lcore, before workers run. qsbr may be null (tests without RCU:
    // slots are then reused at once). name: 1..16 characters, unique among
    // live tables (DPDK names the hash's rings and defer queue after it).
    // Returns 0 or negative errno with err.
    int create(const std::string& name, uint32_t max_translations, rte_rcu_qsbr* qsbr,
               std::string& err);
    // Control lcore, once no worker can hold an entry (workers stopped, or
    // offline / quiescent on the QSBR variable): the hash's defer queue is
    // freed only when every deletion in it has passed its grace period.
    void destroy();

    // Reloadable timeouts. Control lcore.
    void set_timeouts(const config::NatConfig& t);

    // Worker: the subscriber's packet (key = as sent) matched an ip-redirect
    // rule to (redirect, redirect_port). Finds or creates the translation and
    // updates its TCP state from tcp_flags (RTE_TCP_*_FLAG bits; 0 for
    // UDP/ICMP). *out = the entry unless kFull. kFull is also returned when
    // the flow's creation lock stays taken for a few microseconds (see
    // nat_detail.hpp): the caller drops the packet, the next one retries.
    UpResult upstream(const FlowKey& key, uint32_t redirect, uint16_t redirect_port,
                      uint16_t profile, uint32_t rule, uint8_t tcp_flags, uint32_t now_s,
                      Translation** out);

    // Worker: bulk lookup of reverse keys (the redirect server's packets as
    // received: src = redirect address). out[i] = entry or nullptr. n <= 64.
    void lookup_reverse(const FlowKey* const* keys, uint32_t n, Translation** out) const;
    // Worker: refresh on a downstream packet (TCP flags update the state).
    void downstream(Translation* t, uint8_t tcp_flags, uint32_t now_s);

    // Control lcore: removes translations whose timeout passed; looks at most
    // at `budget` slots from where the last call stopped (wrapping). With
    // RCU, first hands the slots whose grace period is over back to the free
    // ring (also with budget 0). Returns removed.
    unsigned expire(uint32_t now_s, uint32_t budget);
    // Control lcore: removes every translation / those for which pred is true.
    unsigned clear();
    unsigned remove_if(const std::function<bool(const Translation&)>& pred);

    // Any thread (display; entries may change meanwhile). views: the valid
    // translations in slot order, skipping the first `start` of them, at
    // most `max`.
    Summary summary() const;
    std::vector<View> views(uint32_t now_s, uint32_t start, uint32_t max) const;
    uint32_t timeout_of(const Translation& t) const;  // seconds for its protocol and state
    uint32_t capacity() const { return capacity_; }

private:
    void remove_slot(uint32_t slot);
    // Creation and replacement under the flow's stripe lock (nat_path.cpp).
    UpResult upstream_locked(const FlowKey& key, hash_sig_t sig, uint32_t redirect,
                             uint16_t redirect_port, uint16_t profile, uint32_t rule,
                             uint8_t tcp_flags, uint32_t now_s, Translation** out);
    bool move_reverse(uint32_t slot, uint32_t redirect, uint16_t redirect_port);
    void drop_reverse_if_owned(uint32_t slot, uint32_t redirect, uint16_t redirect_port);
    void release_forward(uint32_t slot);
    // Control lcore, with RCU: runs the hash's defer-queue reclamation.
    void reclaim();
    // The hash's free_key_data_func (p = this): a deleted key's grace period
    // is over.
    static void key_reclaimed(void* p, void* data);

    rte_hash* hash_ = nullptr;
    Translation* entries_ = nullptr;
    rte_ring* free_ = nullptr;
    rte_rcu_qsbr* qsbr_ = nullptr;
    uint8_t* stripes_ = nullptr;  // creation locks, nat_detail.hpp
    uint32_t capacity_ = 0;
    uint32_t cursor_ = 0;
    uint64_t bytes_per_ = 0;
    config::NatConfig timeouts_{};
    std::atomic<uint64_t> created_{0}, expired_{0}, refused_{0}, cleared_{0};
    std::atomic<uint64_t> reclaimed_{0};  // keys handed back by the defer queue
};

}  // namespace haslb::hotline::nat
