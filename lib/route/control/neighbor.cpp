// SPDX-License-Identifier: BSD-3-Clause
// The IPv4 (ARP) instance of the neighbour machinery (neigh_table.hpp).
#include "route/neighbor.hpp"

#include "route/control/neigh_table.hpp"

namespace haslb::route {

NeighView g_neigh;

namespace {

struct Arp {
    static constexpr const char* kHashName = "haslb_neigh";
    static constexpr const char* kWhat = "neighbour table";
    static constexpr uint16_t kEtherType = RTE_ETHER_TYPE_IPV4;
    static constexpr core::Stat kLearned = core::Stat::neighbors_learned;
    static constexpr core::Stat kUpdated = core::Stat::neighbors_updated;
    static constexpr core::Stat kExpired = core::Stat::neighbors_expired;
    static constexpr core::Stat kRefused = core::Stat::neighbors_refused;
    static constexpr core::Stat kFailed = core::Stat::arp_resolve_failed;
    static constexpr core::Drop kHoldDropped = core::Drop::arp_hold_dropped;
    static int solicit(uint16_t port, uint32_t ip, const rte_ether_addr* dst) {
        return arp_send_request(port, ip, dst);
    }
    static uint32_t hold_key(const core::PacketMeta* pm) { return pm->next_hop; }
};

NeighTable<uint32_t, Arp> g_table(g_neigh);

}  // namespace

const char* neigh_state_name(NeighState s) {
    switch (s) {
        case NeighState::kIncomplete: return "INCOMPLETE";
        case NeighState::kReachable: return "REACHABLE";
        case NeighState::kStale: return "STALE";
        case NeighState::kFailed: return "FAILED";
    }
    return "?";
}

int neigh_init(const config::NeighborConfig& cfg, rte_rcu_qsbr* qsbr, std::string& err) {
    return g_table.init(cfg, qsbr, err);
}
void neigh_fini() { g_table.fini(); }
void neigh_set_params(const config::NeighborConfig& cfg) { g_table.set_params(cfg); }
int neigh_update(uint16_t port, uint32_t ip, const rte_ether_addr& mac, bool create) {
    return g_table.update(port, ip, mac, create);
}
void neigh_hold(rte_mbuf* m) { g_table.hold(m); }
void neigh_tick(uint64_t now_tsc) { g_table.tick(now_tsc); }
int neigh_del(uint32_t ip) { return g_table.del(ip); }

std::vector<NeighInfo> neigh_list() {
    std::vector<NeighInfo> out;
    for (const auto& r : g_table.list())
        out.push_back(NeighInfo{r.key, r.mac, r.state, r.port, r.age_s, r.held});
    return out;
}

}  // namespace haslb::route
