// SPDX-License-Identifier: BSD-3-Clause
#include "core/control.hpp"

#include <fmt/format.h>
#include <rte_cycles.h>
#include <rte_debug.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <unistd.h>

#include <array>
#include <string>

namespace haslb::core {

rte_mempool* g_pool = nullptr;
rte_ring* g_to_control = nullptr;

namespace {

constexpr unsigned kRingSize = 4096;
constexpr unsigned kMaxPollers = 32;

// One handler per ControlKind, indexed by the kind a worker wrote into the
// packet's metadata.
std::array<ControlHandler, kControlKinds> g_handlers{};
struct PollerEntry {
    const char* name;
    Poller fn;
};
std::array<PollerEntry, kMaxPollers> g_pollers{};
unsigned g_nb_pollers = 0;

void drop_unhandled(rte_mbuf* m) {
    count_drop(Drop::no_exception_path);
    rte_pktmbuf_free(m);
}

}  // namespace

int control_init(uint32_t nb_mbufs, uint32_t cache, std::string& err) {
    g_pool = rte_pktmbuf_pool_create("haslb_pkts", nb_mbufs, cache, meta_priv_size(),
                                     RTE_MBUF_DEFAULT_BUF_SIZE, int(rte_socket_id()));
    if (!g_pool) {
        err = fmt::format("cannot create a pool of {} mbufs: {}", nb_mbufs, rte_strerror(rte_errno));
        return -ENOMEM;
    }
    g_to_control = rte_ring_create("haslb_to_ctl", kRingSize, int(rte_socket_id()), RING_F_SC_DEQ);
    if (!g_to_control) {
        err = fmt::format("cannot create the control ring: {}", rte_strerror(rte_errno));
        control_fini();
        return -ENOMEM;
    }
    return 0;
}

void control_fini() {
    if (g_to_control) {
        rte_mbuf* m;
        while (rte_ring_dequeue(g_to_control, reinterpret_cast<void**>(&m)) == 0) rte_pktmbuf_free(m);
        rte_ring_free(g_to_control);
    }
    g_to_control = nullptr;
    if (g_pool) rte_mempool_free(g_pool);
    g_pool = nullptr;
}

void set_control_handler(ControlKind kind, ControlHandler fn) {
    RTE_VERIFY(size_t(kind) < g_handlers.size());
    g_handlers[size_t(kind)] = fn;
}

void register_poller(const char* name, Poller fn) {
    if (g_nb_pollers < kMaxPollers) g_pollers[g_nb_pollers++] = PollerEntry{name, fn};
}

int control_tx(uint16_t port_index, rte_mbuf* m) {
    const DpPort& p = g_dp.ports[port_index];
    if (rte_eth_tx_burst(p.port_id, p.ctl_txq, &m, 1) == 1) return 0;
    count_drop(Drop::tx_full);
    lcore_counters().port_tx_dropped[port_index].add(1);
    rte_pktmbuf_free(m);
    return -ENOBUFS;
}

unsigned control_drain(uint64_t) {
    rte_mbuf* pkts[kBurst];
    unsigned n = rte_ring_sc_dequeue_burst(g_to_control, reinterpret_cast<void**>(pkts), kBurst, nullptr);
    for (unsigned i = 0; i < n; i++) {
        const size_t kind = size_t(meta(pkts[i])->ctl);
        ControlHandler h = kind < g_handlers.size() ? g_handlers[kind] : nullptr;
        (h ? h : drop_unhandled)(pkts[i]);
    }
    return n;
}

void control_run(bool (*should_stop)()) {
    while (!should_stop()) {
        const uint64_t now = rte_get_tsc_cycles();
        unsigned work = control_drain(now);
        for (unsigned i = 0; i < g_nb_pollers; i++) work += g_pollers[i].fn(now);
        // The slow path shares its core with nothing latency-critical, but a
        // busy loop would steal a hyperthread from a worker.
        if (!work) usleep(100);
    }
}

}  // namespace haslb::core
