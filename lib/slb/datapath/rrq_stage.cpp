// SPDX-License-Identifier: BSD-3-Clause
// SLB stage: Registration Requests to a virtual server are given to a real
// Home Agent. Per burst: parse, one bulk session lookup, then per packet
// stickiness, retransmission counting, reassignment or a new WRR session,
// and the rewrite of the farm's mode (destination MAC or destination IP).
// Nothing at or after the first authentication extension is ever touched;
// only L2 (dispatched) or the IP destination and checksums (NAT) change.
#include <rte_hash.h>
#include <rte_ip.h>
#include <rte_prefetch.h>
#include <rte_udp.h>

#include <cstddef>
#include <cstring>

#include "core/datapath/crc_lookup.hpp"
#include "core/pipeline.hpp"
#include "net/headers.hpp"
#include "slb/slb.hpp"

namespace haslb::slb {
namespace {

using core::Burst;
using core::Drop;
using core::PacketMeta;
using core::Stat;
using core::Verdict;

struct Rrq {
    uint16_t i;  // index in the burst
    uint16_t vs;
    mip::Rrq msg;
    const uint8_t* payload;
};

// The vserver a packet is for, -1 if it is for no VIP, -2 if for a VIP but
// not a vserver's protocol/port.
int find_vserver(const Snapshot& s, const PacketMeta* pm, uint16_t dport) {
    int vip_hit = -1;
    for (uint16_t v = 0; v < s.nb_vs; v++) {
        if (s.vs[v].vip != pm->dst_ip) continue;
        if (pm->l4_proto == s.vs[v].proto && dport == s.vs[v].port) return v;
        vip_hit = -2;
    }
    return vip_hit;
}

void post_event(const Event& e) {
    if (rte_ring_mp_enqueue_elem(g_slb.events, const_cast<Event*>(&e), sizeof(Event)) != 0)
        core::count_stat(Stat::slb_events_lost);
}

void session_event(EventType type, const Rrq& q, uint64_t hash, uint16_t real, uint16_t old_real,
                   uint32_t client, uint8_t retries) {
    Event e;
    e.type = type;
    e.vs = q.vs;
    e.real = real;
    e.old_real = old_real;
    e.client = client;
    e.retries = retries;
    e.nai_hash = hash;
    e.nai_len = uint8_t(q.msg.nai_len);
    memcpy(e.nai, q.payload + q.msg.nai_off, q.msg.nai_len);
    post_event(e);
}

void count_assign(uint16_t real) {
    g_slb.reals[real].conns.fetch_add(1, std::memory_order_relaxed);
    g_slb.reals[real].assigned.fetch_add(1, std::memory_order_relaxed);
}

// Rewrites the packet for the chosen real; false if it cannot be reached.
bool send_to(rte_mbuf* m, PacketMeta* pm, const Snapshot& s, uint16_t farm, uint16_t real) {
    const RealSnap& r = s.reals[real];
    if (s.farms[farm].nat == uint8_t(config::FarmNat::kServer)) {
        auto* ip = net::at<rte_ipv4_hdr>(m, pm->l2_len);
        auto* udp = net::at<rte_udp_hdr>(m, pm->l4_off);
        const uint32_t old_dst = pm->dst_ip;
        ip->dst_addr = rte_cpu_to_be_32(r.addr);
        ip->hdr_checksum = rte_cpu_to_be_16(
            net::csum_update32(rte_be_to_cpu_16(ip->hdr_checksum), old_dst, r.addr));
        // The UDP checksum covers the pseudo-header's destination; 0 = none.
        if (udp->dgram_cksum) {
            uint16_t c = net::csum_update32(rte_be_to_cpu_16(udp->dgram_cksum), old_dst, r.addr);
            udp->dgram_cksum = rte_cpu_to_be_16(c ? c : 0xffff);
        }
        pm->dst_ip = r.addr;
        return true;
    }
    if (r.port == core::kNoPort) return false;
    pm->next_hop = r.addr;
    pm->out_port = r.port;
    pm->flags |= core::kFlagNextHopSet;
    return true;
}

void slb_stage(Burst& b, core::StageCtx& ctx) {
    const Snapshot* s = g_slb.snap.load(std::memory_order_acquire);
    if (!s || !s->nb_vs) return;
    Rrq q[core::kBurst];
    uint16_t nq = 0;

    // 1. Which packets are RRQs to a vserver; parse them.
    for (uint16_t i = 0; i < b.n; i++) {
        if (b.verdict[i] != Verdict::kContinue) continue;
        rte_mbuf* m = b.pkts[i];
        PacketMeta* pm = core::meta(m);
        uint16_t dport = 0;
        const bool udp = pm->l4_proto == IPPROTO_UDP &&
                         rte_pktmbuf_data_len(m) >= pm->l4_off + sizeof(rte_udp_hdr);
        if (udp) dport = rte_be_to_cpu_16(net::at<rte_udp_hdr>(m, pm->l4_off)->dst_port);
        const int v = find_vserver(*s, pm, dport);
        if (v == -1) continue;
        if (v == -2 || !udp) {
            core::drop(b, i, Drop::vip_not_service);
            continue;
        }
        core::count_stat(Stat::rrq_seen);
        if (!s->vs[v].inservice) {
            core::drop(b, i, Drop::vserver_outofservice);
            continue;
        }
        auto* ip = net::at<rte_ipv4_hdr>(m, pm->l2_len);
        const uint32_t ip_end = pm->l2_len + rte_be_to_cpu_16(ip->total_length);
        const uint32_t off = pm->l4_off + sizeof(rte_udp_hdr);
        const uint32_t end = std::min<uint32_t>(ip_end, rte_pktmbuf_data_len(m));
        const uint8_t* payload = rte_pktmbuf_mtod_offset(m, const uint8_t*, off);
        Rrq& r = q[nq];
        const mip::Result res = mip::parse_rrq(payload, end > off ? end - off : 0, r.msg);
        if (res != mip::Result::kOk) {
            core::drop(b, i,
                       res == mip::Result::kWrongType   ? Drop::rrq_not_request
                       : res == mip::Result::kEmptyNai  ? Drop::rrq_empty_nai
                       : res == mip::Result::kTruncated ? Drop::rrq_truncated
                                                        : Drop::rrq_bad_extension);
            continue;
        }
        // Dynamic HA assignment (RFC 4433) or the virtual address itself.
        if (r.msg.ha_addr != 0 && r.msg.ha_addr != 0xffffffffu && r.msg.ha_addr != s->vs[v].vip) {
            core::drop(b, i, Drop::rrq_ha_field);
            continue;
        }
        r.i = i;
        r.vs = uint16_t(v);
        r.payload = payload;
        nq++;
    }
    if (!nq) return;

    // 2. One bulk lookup for the RRQs that carry an NAI.
    SessKey keys[core::kBurst];
    const void* kp[core::kBurst];
    int32_t pos[core::kBurst];
    uint16_t nai_len[core::kBurst];
    uint16_t nk = 0;
    for (uint16_t j = 0; j < nq; j++) {
        if (!q[j].msg.nai_len) continue;
        nai_len[nk] = uint16_t(q[j].msg.nai_len);
        keys[nk] =
            SessKey{mip::nai_hash(q[j].payload + q[j].msg.nai_off, q[j].msg.nai_len), q[j].vs, 0};
        kp[nk] = &keys[nk];
        nk++;
    }
    core::crc_lookup_bulk(g_slb.sessions, kp, sizeof(SessKey), nk, pos);
    // The entries of the whole burst at once: the decisions below read each
    // one's first line (state, real, Identification and the start of the
    // NAI) and compare the NAI, so with a table larger than the cache every
    // RRQ would otherwise wait for its own miss in turn.
    for (uint16_t j = 0; j < nk; j++) {
        if (pos[j] < 0) continue;
        const char* e = reinterpret_cast<const char*>(&g_slb.entries[pos[j]]);
        rte_prefetch0(e);
        if (offsetof(Session, nai) + nai_len[j] > RTE_CACHE_LINE_SIZE)
            rte_prefetch0(e + RTE_CACHE_LINE_SIZE);
    }

    // 3. Decide per RRQ.
    uint16_t k = 0;
    for (uint16_t j = 0; j < nq; j++) {
        const Rrq& r = q[j];
        rte_mbuf* m = b.pkts[r.i];
        PacketMeta* pm = core::meta(m);
        const uint16_t farm = s->vs[r.vs].farm;
        uint16_t real = kNoReal;
        if (!r.msg.nai_len) {
            core::count_stat(Stat::rrq_without_nai);
            real = pick_real(*s, farm);
        } else {
            const SessKey& key = keys[k];
            const int32_t p = pos[k++];
            Session* e = p >= 0 ? &g_slb.entries[p] : nullptr;
            const uint8_t* nai = r.payload + r.msg.nai_off;
            if (e && e->valid.load(std::memory_order_acquire)) {
                if (e->nai_len != r.msg.nai_len || memcmp(e->nai, nai, e->nai_len) != 0) {
                    core::count_stat(Stat::nai_hash_collisions);
                    real = pick_real(*s, farm);
                } else {
                    real = e->real.load(std::memory_order_relaxed);
                    // Retransmission: the Identification of the session's last
                    // RRQ again, with no RRP seen since. A new Identification
                    // starts a new request; a repeat after the RRP is neither.
                    const bool same = r.msg.ident == e->ident.load(std::memory_order_relaxed);
                    if (same && !e->rrp_seen.load(std::memory_order_acquire)) {
                        const uint8_t tries =
                            uint8_t(e->retries.load(std::memory_order_relaxed) + 1);
                        e->retries.store(tries, std::memory_order_relaxed);
                        core::count_stat(Stat::rrq_retransmitted);
                        if (tries > s->farms[farm].reassign) {
                            const uint16_t next = pick_real(*s, farm, real);
                            if (next != kNoReal) {
                                g_slb.reals[real].failures.fetch_add(1, std::memory_order_relaxed);
                                g_slb.reals[real].conns.fetch_sub(1, std::memory_order_relaxed);
                                count_assign(next);
                                session_event(EventType::kSessionReassign, r, key.nai_hash, next,
                                              real, pm->src_ip, tries);
                                e->real.store(next, std::memory_order_relaxed);
                                real = next;
                                core::count_stat(Stat::sessions_reassigned);
                            }
                            e->retries.store(0, std::memory_order_relaxed);
                        }
                    } else if (!same) {
                        e->ident.store(r.msg.ident, std::memory_order_relaxed);
                        e->retries.store(0, std::memory_order_relaxed);
                        e->rrp_seen.store(0, std::memory_order_relaxed);
                    }
                    e->last_seen.store(ctx.now_tsc, std::memory_order_relaxed);
                }
            } else {
                real = pick_real(*s, farm);
                if (real != kNoReal) {
                    const int32_t np = rte_hash_add_key(g_slb.sessions, &key);
                    if (np < 0) {
                        core::count_stat(Stat::sessions_refused);
                    } else {
                        Session& n = g_slb.entries[np];
                        memcpy(n.nai, nai, r.msg.nai_len);
                        n.nai_len = uint8_t(r.msg.nai_len);
                        n.vs = r.vs;
                        n.client = pm->src_ip;
                        n.real.store(real, std::memory_order_relaxed);
                        n.retries.store(0, std::memory_order_relaxed);
                        n.rrp_seen.store(0, std::memory_order_relaxed);
                        n.ident.store(r.msg.ident, std::memory_order_relaxed);
                        n.last_seen.store(ctx.now_tsc, std::memory_order_relaxed);
                        n.created = ctx.now_tsc;
                        n.valid.store(1, std::memory_order_release);
                        count_assign(real);
                        core::count_stat(Stat::rrq_new_session);
                        if (g_slb.debug.load(std::memory_order_relaxed))
                            session_event(EventType::kSessionNew, r, key.nai_hash, real, kNoReal,
                                          pm->src_ip, 0);
                    }
                }
            }
        }
        if (real == kNoReal || !send_to(m, pm, *s, farm, real)) {
            core::drop(b, r.i, Drop::no_real_available);
            continue;
        }
        core::count_stat(Stat::rrq_balanced);
    }
}

__attribute__((constructor)) void register_slb_stage() {
    core::register_stage("slb", core::kRankService, slb_stage);
}

}  // namespace
}  // namespace haslb::slb
