// SPDX-License-Identifier: BSD-3-Clause
// NAT translations, the control lcore's half: the table's memory, timeouts,
// expiry, clearing and what the console and telemetry show. Races and the
// creation lock: hotline/nat_detail.hpp.
#include <fmt/format.h>
#include <rte_errno.h>
#include <rte_hash_crc.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_ring_elem.h>

#include <algorithm>
#include <new>

#include "hotline/nat.hpp"
#include "hotline/nat_detail.hpp"

namespace haslb::hotline::nat {

using namespace detail;

namespace {

constexpr size_t kMaxName = 16;
constexpr uint32_t kMinTranslations = 8;  // rte_hash wants at least one bucket (8 keys)
constexpr uint32_t kMaxTranslations = 1u << 24;
constexpr uint32_t kReclaimBatch = 64;
constexpr uint32_t kMaxKicks = 1024;  // per call: up to 64 Ki keys handed back

// Bytes allocated in the DPDK heaps of every socket: rte_malloc and the
// memzones rings are made of both come from them.
uint64_t heap_allocated() {
    uint64_t total = 0;
    for (unsigned i = 0; i < rte_socket_count(); i++) {
        rte_malloc_socket_stats st{};
        if (rte_malloc_get_socket_stats(rte_socket_id_by_idx(i), &st) == 0)
            total += st.heap_allocsz_bytes;
    }
    return total;
}

bool is_expired(const Translation& t, uint32_t now_s, uint32_t timeout_s) {
    // Seed 004: an ICMP translation lasts its timeout from creation, whatever
    // the replies; the others from their last packet either way.
    const uint32_t since =
        t.fwd.proto == IPPROTO_ICMP ? t.created_s : t.last_s.load(std::memory_order_relaxed);
    return now_s >= since && now_s - since >= timeout_s;
}

std::string proto_name(uint8_t proto) {
    switch (proto) {
        case IPPROTO_TCP:
            return "tcp";
        case IPPROTO_UDP:
            return "udp";
        case IPPROTO_ICMP:
            return "icmp";
        default:
            return fmt::format("{}", proto);
    }
}

const char* state_name(uint8_t s) {
    switch (TcpState(s)) {
        case TcpState::kSyn:
            return "SYN";
        case TcpState::kNoSynAck:
            return "NOSYNACK";
        case TcpState::kEstablished:
            return "ESTABLISHED";
        case TcpState::kClosing:
            return "CLOSING";
    }
    return "";
}

std::string addr_port(uint32_t addr, uint16_t port) {
    return fmt::format("{}:{}", config::format_ipv4(addr), port);
}

}  // namespace

// The defer queue hands back each deleted key's data once its grace period
// is over; the forward key's returns the slot (nat_detail.hpp). Runs on the
// lcore whose hash call triggered the reclamation (the control lcore's
// deletions, or a worker's): the ring is MP.
void Table::key_reclaimed(void* p, void* data) {
    auto* table = static_cast<Table*>(p);
    table->reclaimed_.fetch_add(1, std::memory_order_relaxed);
    if (is_reverse(data)) return;
    uint32_t slot = slot_of(data);
    rte_ring_mp_enqueue_elem(table->free_, &slot, sizeof(slot));
}

Table::~Table() {
    destroy();
}

int Table::create(const std::string& name, uint32_t max_translations, rte_rcu_qsbr* qsbr,
                  std::string& err) {
    if (hash_) {
        err = "NAT translation table already created";
        return -EEXIST;
    }
    if (name.empty() || name.size() > kMaxName) {
        err = fmt::format("NAT table name '{}': 1 to {} characters", name, kMaxName);
        return -EINVAL;
    }
    if (max_translations < kMinTranslations || max_translations > kMaxTranslations) {
        err = fmt::format("NAT table size {}: {}..{}", max_translations, kMinTranslations,
                          kMaxTranslations);
        return -EINVAL;
    }
    // bytes_per_translation: what the DPDK heaps grew by while the entry
    // array, the free ring, the locks, the hash (buckets, key store, its
    // free-slot ring, per-lcore caches) and its RCU defer queue were
    // allocated, divided by the capacity. It counts allocator headers and
    // power-of-two rounding, i.e. what a translation really costs; it
    // assumes nothing else allocates meanwhile (create runs before workers).
    // Measured at 1 Mi translations with RCU: 232 bytes = entry 64 + key store
    // 64 (2 x 32) + buckets 16 + the hash's free-slot ring 16 + defer queue 64
    // (the last two rounded up to 4 Mi elements) + free ring 8; without RCU
    // 168. At 1 000 000: 191 and 157 (less rounding).
    const uint64_t before = heap_allocated();
    const size_t entry_bytes = sizeof(Translation) * size_t(max_translations);
    entries_ = static_cast<Translation*>(
        rte_zmalloc(("NATE_" + name).c_str(), entry_bytes, RTE_CACHE_LINE_SIZE));
    stripes_ =
        static_cast<uint8_t*>(rte_zmalloc(("NATS_" + name).c_str(), kStripes, RTE_CACHE_LINE_SIZE));
    free_ = rte_ring_create_elem(("NATF_" + name).c_str(), sizeof(uint32_t), max_translations,
                                 SOCKET_ID_ANY, RING_F_EXACT_SZ);
    if (!entries_ || !stripes_ || !free_) {
        err = fmt::format("cannot allocate {} NAT translations: {}", max_translations,
                          rte_strerror(rte_errno));
        destroy();
        return -ENOMEM;
    }
    for (uint32_t i = 0; i < max_translations; i++) new (&entries_[i]) Translation();
    for (uint32_t i = 0; i < max_translations; i++) rte_ring_sp_enqueue_elem(free_, &i, sizeof(i));

    rte_hash_parameters p{};
    p.name = name.c_str();
    // A forward and a reverse key each. Without extendable buckets a
    // power-of-two table refuses keys before it is full (the cuckoo search
    // gave up at 97.9 % of 1 Mi); with them every configured translation
    // fits, so the capacity operators set is the capacity they get.
    p.entries = 2 * max_translations;
    p.key_len = sizeof(FlowKey);
    p.hash_func = rte_hash_crc;
    p.socket_id = SOCKET_ID_ANY;
    // Workers add concurrently; everybody reads without locks.
    p.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF | RTE_HASH_EXTRA_FLAGS_MULTI_WRITER_ADD |
                   RTE_HASH_EXTRA_FLAGS_EXT_TABLE;
    hash_ = rte_hash_create(&p);
    if (!hash_) {
        err = fmt::format("cannot create the NAT hash ({} keys): {}", p.entries,
                          rte_strerror(rte_errno));
        destroy();
        return -ENOMEM;
    }
    if (qsbr) {
        rte_hash_rcu_config rc{};
        rc.v = qsbr;
        rc.mode = RTE_HASH_QSBR_MODE_DQ;
        // Every deletion reclaims what is due, a few keys at a time: the hash
        // reclaims under its global writer lock, which workers' adds wait for.
        rc.trigger_reclaim_limit = 0;
        rc.max_reclaim_size = kReclaimBatch;
        rc.free_key_data_func = key_reclaimed;
        rc.key_data_ptr = this;
        if (rte_hash_rcu_qsbr_add(hash_, &rc) != 0) {
            err = fmt::format("rte_hash_rcu_qsbr_add(NAT): {}", rte_strerror(rte_errno));
            destroy();
            return -EINVAL;
        }
    }
    qsbr_ = qsbr;
    capacity_ = max_translations;
    cursor_ = 0;
    bytes_per_ = (heap_allocated() - before) / max_translations;
    return 0;
}

void Table::destroy() {
    // The hash first: freeing it deletes its defer queue, which reclaims the
    // keys left in it through key_reclaimed (into the free ring).
    if (hash_) rte_hash_free(hash_);
    rte_ring_free(free_);
    rte_free(entries_);
    rte_free(stripes_);
    hash_ = nullptr;
    free_ = nullptr;
    entries_ = nullptr;
    stripes_ = nullptr;
    qsbr_ = nullptr;
    capacity_ = cursor_ = 0;
    bytes_per_ = 0;
    created_ = expired_ = refused_ = cleared_ = reclaimed_ = 0;
}

// The console may read timeouts (views) while a reload sets them.
void Table::set_timeouts(const config::NatConfig& t) {
    store_field(timeouts_.max_translations, t.max_translations);
    store_field(timeouts_.tcp_s, t.tcp_s);
    store_field(timeouts_.tcp_fin_s, t.tcp_fin_s);
    store_field(timeouts_.tcp_syn_s, t.tcp_syn_s);
    store_field(timeouts_.tcp_nosynack_s, t.tcp_nosynack_s);
    store_field(timeouts_.udp_s, t.udp_s);
    store_field(timeouts_.icmp_s, t.icmp_s);
}

uint32_t Table::timeout_of(const Translation& t) const {
    switch (t.fwd.proto) {
        case IPPROTO_TCP:
            switch (TcpState(t.tcp_state.load(std::memory_order_relaxed))) {
                case TcpState::kSyn:
                    return load_field(timeouts_.tcp_syn_s);
                case TcpState::kNoSynAck:
                    return load_field(timeouts_.tcp_nosynack_s);
                case TcpState::kEstablished:
                    return load_field(timeouts_.tcp_s);
                case TcpState::kClosing:
                    return load_field(timeouts_.tcp_fin_s);
            }
            return load_field(timeouts_.tcp_s);
        case IPPROTO_ICMP:
            return load_field(timeouts_.icmp_s);
        default:  // UDP, and protocols without ports
            return load_field(timeouts_.udp_s);
    }
}

// The control lcore is the only remover, so valid == 1 seen by the caller
// still holds here. Order: valid cleared first (readers stop using the
// entry), reverse key if still ours, forward key last (nat_detail.hpp).
void Table::remove_slot(uint32_t slot) {
    Translation& t = entries_[slot];
    const uint32_t stripe = stripe_of(t.fwd);
    lock_stripe(stripes_, stripe, false);
    if (t.valid.exchange(0, std::memory_order_acq_rel)) {
        drop_reverse_if_owned(slot, load_field(t.redirect), load_field(t.redirect_port));
        release_forward(slot);
    }
    unlock_stripe(stripes_, stripe);
}

// DPDK 22.11 has no call that runs the hash's defer-queue reclamation by
// itself. Deletions run it (trigger limit 0: each reclaims up to
// kReclaimBatch keys whose grace period is over, one batch per hold of the
// hash's lock), and so do adds, but only when the hash runs out of key
// slots, which the free ring of translations mostly keeps from happening.
// While translations are removed steadily, each removal reclaims older ones;
// after a mass removal (clear, a burst of expiries) nothing would. Adding and
// deleting a key no packet can build runs it without touching translations,
// so the slots come back at the next expire pass after the grace period.
// Each kick leaves its own key in the queue until the next grace period;
// kMaxKicks per call keeps those well under the hash's spare key slots
// (8001, its per-lcore caches).
void Table::reclaim() {
    if (!qsbr_) return;
    for (uint32_t i = 0; i < kMaxKicks; i++) {
        const uint64_t before = reclaimed_.load(std::memory_order_relaxed);
        bool kicked = false;
        for (uint8_t v = 0; v < 4 && !kicked; v++) {
            const FlowKey k = kick_key(v);
            if (rte_hash_add_key_data(hash_, &k, reverse_data(0)) == 0) {
                rte_hash_del_key(hash_, &k);
                kicked = true;
            }
        }
        // Nothing reclaimed: the oldest deletion is still in its grace period.
        if (!kicked || reclaimed_.load(std::memory_order_relaxed) == before) return;
    }
}

unsigned Table::expire(uint32_t now_s, uint32_t budget) {
    if (!hash_) return 0;
    reclaim();
    unsigned n = 0;
    for (uint32_t i = 0; i < std::min(budget, capacity_); i++) {
        const uint32_t slot = cursor_;
        cursor_ = cursor_ + 1 == capacity_ ? 0 : cursor_ + 1;
        const Translation& t = entries_[slot];
        if (!t.valid.load(std::memory_order_acquire) || !is_expired(t, now_s, timeout_of(t)))
            continue;
        remove_slot(slot);
        n++;
    }
    expired_.fetch_add(n, std::memory_order_relaxed);
    return n;
}

unsigned Table::clear() {
    return remove_if([](const Translation&) { return true; });
}

unsigned Table::remove_if(const std::function<bool(const Translation&)>& pred) {
    if (!hash_) return 0;
    reclaim();
    unsigned n = 0;
    for (uint32_t slot = 0; slot < capacity_; slot++) {
        const Translation& t = entries_[slot];
        if (!t.valid.load(std::memory_order_acquire) || !pred(t)) continue;
        remove_slot(slot);
        n++;
    }
    cleared_.fetch_add(n, std::memory_order_relaxed);
    return n;
}

Summary Table::summary() const {
    Summary s;
    for (uint32_t slot = 0; slot < capacity_; slot++) {
        const Translation& t = entries_[slot];
        if (!t.valid.load(std::memory_order_acquire)) continue;
        s.total++;
        switch (t.fwd.proto) {
            case IPPROTO_TCP:
                s.tcp++;
                break;
            case IPPROTO_UDP:
                s.udp++;
                break;
            case IPPROTO_ICMP:
                s.icmp++;
                break;
            default:
                s.other++;
        }
    }
    s.capacity = capacity_;
    s.bytes_per_translation = bytes_per_;
    s.created = created_.load(std::memory_order_relaxed);
    s.expired = expired_.load(std::memory_order_relaxed);
    s.refused = refused_.load(std::memory_order_relaxed);
    s.cleared = cleared_.load(std::memory_order_relaxed);
    return s;
}

std::vector<View> Table::views(uint32_t now_s, uint32_t start, uint32_t max) const {
    std::vector<View> out;
    uint32_t seen = 0;
    for (uint32_t slot = 0; slot < capacity_ && out.size() < max; slot++) {
        const Translation& t = entries_[slot];
        if (!t.valid.load(std::memory_order_acquire) || seen++ < start) continue;
        const bool icmp = t.fwd.proto == IPPROTO_ICMP;
        const uint32_t last = t.last_s.load(std::memory_order_relaxed);
        View v;
        v.proto = proto_name(t.fwd.proto);
        // ICMP: the identifier stands for the port everywhere (IOS style).
        v.inside = addr_port(t.fwd.src, t.fwd.sport);
        v.outside_original = addr_port(t.fwd.dst, icmp ? t.fwd.sport : t.fwd.dport);
        v.outside_redirect =
            addr_port(load_field(t.redirect), icmp ? t.fwd.sport : load_field(t.redirect_port));
        v.age_s = now_s >= t.created_s ? now_s - t.created_s : 0;
        v.idle_s = now_s >= last ? now_s - last : 0;
        v.timeout_s = timeout_of(t);
        v.state = t.fwd.proto == IPPROTO_TCP
                      ? state_name(t.tcp_state.load(std::memory_order_relaxed))
                      : "";
        v.packets = t.packets.load(std::memory_order_relaxed);
        v.profile = load_field(t.profile);
        out.push_back(std::move(v));
    }
    return out;
}

}  // namespace haslb::hotline::nat
