// SPDX-License-Identifier: BSD-3-Clause
#include "core/worker.hpp"

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_ring.h>

#include "core/control.hpp"
#include "core/pipeline.hpp"
#include "core/rcu.hpp"

namespace haslb::core {

std::atomic<bool> g_workers_quit{false};

void flush_tx(TxBuffers& tx, uint16_t queue) {
    for (uint16_t p = 0; p < g_dp.nb_ports; p++) {
        uint16_t n = tx.n[p];
        if (!n) continue;
        uint16_t sent = rte_eth_tx_burst(g_dp.ports[p].port_id, queue, tx.pkts[p], n);
        count_stat(Stat::tx_packets, sent);
        if (sent < n) {
            count_drop(Drop::tx_full, n - sent);
            lcore_counters().port_tx_dropped[p].add(n - sent);
            rte_pktmbuf_free_bulk(&tx.pkts[p][sent], n - sent);
        }
        tx.n[p] = 0;
    }
}

void dispatch(Burst& b, TxBuffers& tx, uint16_t queue) {
    rte_mbuf* ctl[kBurst];
    rte_mbuf* dropped[kBurst];
    uint16_t nctl = 0, ndrop = 0;
    for (uint16_t i = 0; i < b.n; i++) {
        rte_mbuf* m = b.pkts[i];
        switch (b.verdict[i]) {
            case Verdict::kTx: {
                const uint16_t p = meta(m)->out_port;
                tx.pkts[p][tx.n[p]++] = m;
                if (tx.n[p] == 2 * kBurst) flush_tx(tx, queue);
                break;
            }
            case Verdict::kControl:
                ctl[nctl++] = m;
                break;
            case Verdict::kContinue:  // a stage forgot it: never leak
                count_drop(Drop::no_route);
                dropped[ndrop++] = m;
                break;
            case Verdict::kDrop:
                dropped[ndrop++] = m;
                break;
        }
    }
    if (nctl) {
        unsigned q = rte_ring_mp_enqueue_burst(g_to_control, reinterpret_cast<void**>(ctl), nctl, nullptr);
        count_stat(Stat::to_control, q);
        if (q < nctl) {
            count_drop(Drop::control_ring_full, nctl - q);
            rte_pktmbuf_free_bulk(&ctl[q], nctl - q);
        }
    }
    if (ndrop) rte_pktmbuf_free_bulk(dropped, ndrop);
}

int worker_main(void* arg) {
    const auto* conf = static_cast<WorkerConf*>(arg);
    const uint16_t queue = conf->queue, step = conf->nb_workers;
    const unsigned lcore = rte_lcore_id();
    rte_rcu_qsbr_thread_register(g_qsbr, lcore);
    rte_rcu_qsbr_thread_online(g_qsbr, lcore);
    static thread_local TxBuffers tx;
    Burst b;
    StageCtx ctx;
    while (!g_workers_quit.load(std::memory_order_relaxed)) {
        ctx.now_tsc = rte_rdtsc();
        for (uint16_t p = 0; p < g_dp.nb_ports; p++) {
            for (uint16_t q = queue; q < g_dp.ports[p].nb_rxq; q += step) {
                uint16_t n = rte_eth_rx_burst(g_dp.ports[p].port_id, q, b.pkts, kBurst);
                if (!n) continue;
                count_stat(Stat::rx_packets, n);
                burst_init(b, p, n);
                run_pipeline(b, ctx);
                dispatch(b, tx, queue);
            }
        }
        flush_tx(tx, queue);
        rte_rcu_qsbr_quiescent(g_qsbr, lcore);
    }
    rte_rcu_qsbr_thread_offline(g_qsbr, lcore);
    rte_rcu_qsbr_thread_unregister(g_qsbr, lcore);
    return 0;
}

}  // namespace haslb::core
