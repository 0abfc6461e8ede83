// SPDX-License-Identifier: BSD-3-Clause
// The worker lcore loop: rx_burst -> pipeline -> tx_burst, run to completion.
#pragma once

#include <atomic>
#include <cstdint>

#include "core/dataplane.hpp"

namespace haslb::core {

extern std::atomic<bool> g_workers_quit;

struct WorkerConf {
    uint16_t queue;       // this worker's index = its TX queue on every port
    uint16_t nb_workers;  // RX queues queue, queue + nb_workers, ... are its own
};

// rte_eal_remote_launch entry; `arg` is a WorkerConf*. Returns 0.
int worker_main(void* arg);

// Sends the decided packets of a burst: kTx to their port's TX buffer,
// kControl to the control ring, kDrop freed. Used by worker_main; exposed
// for tests. `tx` collects per-port packets; the caller flushes.
struct TxBuffers {
    uint16_t n[kMaxPorts] = {};
    rte_mbuf* pkts[kMaxPorts][2 * kBurst];
};
void dispatch(Burst& b, TxBuffers& tx, uint16_t queue);
void flush_tx(TxBuffers& tx, uint16_t queue);

}  // namespace haslb::core
