// SPDX-License-Identifier: BSD-3-Clause
// Cluster load arithmetic (seed 003 `show crypto ikev2 cluster details`:
// In-neg, Crypto, CPU, Mem, Composite, Prioritized) and the least-loaded
// gateway (LLG) choice. Pure: no DPDK; any thread.
//
// Units: loads are in micro-units of 100 % (1000000 = 100 %), so one
// session of a 1000000-session gateway still counts.
//   in_neg     = IKE SAs in negotiation / max_session
//   crypto     = (IKE SAs established + in negotiation) / max_session, capped at 100 %
//   composite  = max(crypto x weight_crypto, CPU x weight_system, Mem x weight_system) / 100
//   prioritized= composite x 100 / priority (priority 100 = composite; higher = preferred)
//   overloaded = composite > overload_limit
// (The seed's sample rows: Crypto 17.4 %, CPU 43 %, Mem 20 %, weights 100,
// priority 100 -> Composite 43.0 %, Prioritized 43.0 %.)
#pragma once

#include <atomic>
#include <cstdint>

namespace haslb::ikev2 {

constexpr uint32_t kFull = 1000000;  // 100 %

// What a gateway's agent reports (one update message).
struct LoadReport {
    uint32_t ike_sas = 0;     // IKE SAs established
    uint32_t ike_in_neg = 0;  // IKE SAs in negotiation (half-open)
    uint32_t ipsec_sas = 0;   // CHILD (IPsec) SAs, shown only
    uint16_t cpu_pm = 0;      // CPU 0..1000 per mille
    uint16_t mem_pm = 0;      // memory 0..1000 per mille
};

struct LoadParams {
    uint32_t weight_crypto = 100;  // 0..100
    uint32_t weight_system = 100;  // 0..100
    uint32_t overload_limit = 80;  // percent
};

struct Load {
    uint32_t in_neg = 0, crypto = 0, cpu = 0, mem = 0, composite = 0, prioritized = 0;
    bool overloaded = false;
};

Load compute_load(const LoadReport& r, uint32_t max_session, uint16_t priority,
                  const LoadParams& p);

// What a worker needs per gateway to choose (precomputed by the control
// lcore from the last report). `pending` sessions were sent to it since.
struct GwLoad {
    uint32_t system_w = 0;       // max(CPU, Mem) x weight_system / 100
    uint32_t crypto_w = 0;       // crypto x weight_crypto / 100
    uint32_t per_session_w = 0;  // what one more session adds to crypto_w
    uint16_t priority = 100;
    uint8_t eligible = 0;  // alive and reporting
    uint8_t family = 4;    // of the identity: 4 or 6 (a NAT target has the VIP's)
};

// Projected composite with `pending` more sessions.
inline uint32_t projected_composite(const GwLoad& g, uint32_t pending) {
    uint64_t c = uint64_t(g.crypto_w) + uint64_t(pending) * g.per_session_w;
    if (c > kFull) c = kFull;
    return c > g.system_w ? uint32_t(c) : g.system_w;
}

// The least-loaded gateway among `n`: eligible, projected composite not
// above `overload` (micro-units), least projected prioritized load. Exact
// ties are broken by starting the scan at `ticket % n`, so equally loaded
// gateways share a burst of new clients. `family` 4 or 6: only gateways of
// that family (NAT); 0: any (REDIRECT). Returns the index or -1.
int choose(const GwLoad* gw, const std::atomic<uint32_t>* pending, uint16_t n, uint32_t overload,
           uint64_t ticket, uint8_t family = 0);

}  // namespace haslb::ikev2
