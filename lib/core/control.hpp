// SPDX-License-Identifier: BSD-3-Clause
// The control lcore ("slow path"): the ring from workers, pollers registered
// by modules (exception path, console, timers), and transmission on each
// port's control TX queue.
//
// Everything here runs on the control (main) lcore unless said otherwise.
#pragma once

#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#include <atomic>
#include <cstdint>

#include "core/dataplane.hpp"

namespace haslb::core {

extern rte_mempool* g_pool;        // the packet pool (priv area = PacketMeta)
extern rte_ring* g_to_control;     // workers (MP) -> control lcore (SC)

// Creates the pool and the ring. Returns 0 or negative errno.
int control_init(uint32_t nb_mbufs, uint32_t cache, std::string& err);
void control_fini();

using ControlHandler = void (*)(rte_mbuf*);
// Handler for packets a worker sent with this kind; takes ownership.
void set_control_handler(ControlKind kind, ControlHandler fn);

// A poller does a bounded amount of work and returns how much it did
// (0 = idle); the loop sleeps briefly when every poller is idle.
using Poller = unsigned (*)(uint64_t now_tsc);
void register_poller(const char* name, Poller fn);

// Sends one packet on the port's control TX queue. Takes ownership; a packet
// that cannot be sent is freed and counted (tx_full). Returns 0 or -ENOBUFS.
int control_tx(uint16_t port_index, rte_mbuf* m);

// Drains up to one burst from the worker ring into the handlers.
unsigned control_drain(uint64_t now_tsc);

// Runs drain + pollers until should_stop() says so.
void control_run(bool (*should_stop)());

}  // namespace haslb::core
