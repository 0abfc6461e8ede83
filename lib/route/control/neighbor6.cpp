// SPDX-License-Identifier: BSD-3-Clause
// The IPv6 (NDP) instance of the neighbour machinery (neigh_table.hpp).
#include "route/control/neigh_table.hpp"
#include "route/neighbor.hpp"

namespace haslb::route {

NeighView g_neigh6;

namespace {

struct Nd {
    static constexpr const char* kHashName = "haslb_neigh6";
    static constexpr const char* kWhat = "IPv6 neighbour table";
    static constexpr uint16_t kEtherType = RTE_ETHER_TYPE_IPV6;
    static constexpr core::Stat kLearned = core::Stat::neighbors6_learned;
    static constexpr core::Stat kUpdated = core::Stat::neighbors6_updated;
    static constexpr core::Stat kExpired = core::Stat::neighbors6_expired;
    static constexpr core::Stat kRefused = core::Stat::neighbors6_refused;
    static constexpr core::Stat kFailed = core::Stat::nd_resolve_failed;
    static constexpr core::Drop kHoldDropped = core::Drop::nd_hold_dropped;
    static int solicit(uint16_t port, const Addr6& ip, const rte_ether_addr* dst) {
        return nd_send_solicit(port, ip.data(), dst);
    }
    static Addr6 hold_key(const core::PacketMeta* pm) {
        Addr6 a;
        std::memcpy(a.data(), pm->next_hop6, 16);
        return a;
    }
};

NeighTable<Addr6, Nd> g_table6(g_neigh6);

Addr6 key_of(const uint8_t* p) {
    Addr6 a;
    std::memcpy(a.data(), p, 16);
    return a;
}

}  // namespace

int neigh6_init(const config::NeighborConfig& cfg, rte_rcu_qsbr* qsbr, std::string& err) {
    return g_table6.init(cfg, qsbr, err);
}
void neigh6_fini() {
    g_table6.fini();
}
void neigh6_set_params(const config::NeighborConfig& cfg) {
    g_table6.set_params(cfg);
}
int neigh6_update(uint16_t port, const uint8_t* ip, const rte_ether_addr& mac, bool create) {
    if (!g_table6.ready()) return -ENODEV;
    return g_table6.update(port, key_of(ip), mac, create);
}
bool neigh6_get(const uint8_t* ip, NeighState& st, rte_ether_addr& mac) {
    return g_table6.ready() && g_table6.get(key_of(ip), st, mac);
}
void neigh6_hold(rte_mbuf* m) {
    g_table6.hold(m);
}
void neigh6_tick(uint64_t now_tsc) {
    g_table6.tick(now_tsc);
}
int neigh6_del(const uint8_t* ip) {
    return g_table6.del(key_of(ip));
}
unsigned neigh6_clear() {
    return g_table6.clear();
}

std::vector<Neigh6Info> neigh6_list() {
    std::vector<Neigh6Info> out;
    for (const auto& r : g_table6.list())
        out.push_back(Neigh6Info{r.key, r.mac, r.state, r.port, r.age_s, r.held});
    return out;
}

}  // namespace haslb::route
