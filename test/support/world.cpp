// SPDX-License-Identifier: BSD-3-Clause
#include "world.hpp"

#include <rte_eal.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_timer.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cstring>

#include "config/config.hpp"
#include "core/control.hpp"
#include "core/pipeline.hpp"
#include "core/rcu.hpp"
#include "route/fib.hpp"
#include "route/fib6.hpp"
#include "core/ports.hpp"
#include "route/neighbor.hpp"

namespace haslb::test {
namespace {

struct HostDef {
    const char* name;
    const char* addr;
    const char* prefix;
    const char* mac;
    const char* host_ip;
    const char* host_mac;
    const char* addr6;    // the port's address6
    const char* host_ip6;  // the host's IPv6 address
};
constexpr HostDef kPorts[] = {
    {"access", "192.0.2.1", "192.0.2.0/24", "02:00:00:00:01:01", "192.0.2.10", "02:00:00:00:0a:0a",
     "2001:db8:a::1/64", "2001:db8:a::10"},
    {"farm", "198.51.100.1", "198.51.100.0/24", "02:00:00:00:02:01", "198.51.100.11",
     "02:00:00:00:0b:0b", "2001:db8:f::1/64", "2001:db8:f::11"},
    {"core", "203.0.113.1", "203.0.113.0/25", "02:00:00:00:03:01", "203.0.113.10", "02:00:00:00:0c:0c",
     "2001:db8:c::1/64", "2001:db8:c::10"},
};

uint32_t ip(const char* s) {
    uint32_t v = 0;
    config::parse_ipv4(s, v);
    return v;
}

rte_ether_addr mac(const char* s) {
    config::MacAddr m{};
    config::parse_mac(s, m);
    rte_ether_addr a;
    memcpy(a.addr_bytes, m.data(), 6);
    return a;
}

int g_world_seq = 0;

}  // namespace

bool eal_up(unsigned mem_mb) {
    static int state = 0;  // 0 not tried, 1 up, -1 failed
    if (state) return state > 0;
    std::string prefix = "haslb-unit";  // one runtime dir, reused (no shared files)
    std::vector<std::string> args{"haslb-test", "--no-huge", "-m", std::to_string(mem_mb),
                                  "--no-pci", "--no-shconf",
                                  "-l", "0", "--log-level", "*:error",
                                  "--file-prefix", prefix, "--no-telemetry"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    state = rte_eal_init(int(argv.size()), argv.data()) >= 0 ? 1 : -1;
    if (state > 0) rte_timer_subsystem_init();
    return state > 0;
}

World::World() {
    if (!eal_up()) {
        err_ = "EAL init failed";
        return;
    }
    core::reset_counters();
    if (core::rcu_init(err_) || core::control_init(4095, 0, err_)) return;
    const int seq = g_world_seq++;
    core::g_dp.nb_ports = 3;
    for (uint16_t p = 0; p < 3; p++) {
        // One RX ring, two TX rings (worker queue 0, control queue 1).
        rte_ring* r[3];
        for (int i = 0; i < 3; i++) {
            r[i] = rte_ring_create(fmt::format("w{}p{}r{}", seq, p, i).c_str(), 1024, SOCKET_ID_ANY,
                                   RING_F_SP_ENQ | RING_F_SC_DEQ);
            if (!r[i]) {
                err_ = "ring create failed";
                return;
            }
            rings_.push_back(r[i]);
        }
        rte_ring* tx[2] = {r[1], r[2]};
        int pid = rte_eth_from_rings(fmt::format("net_ring_w{}p{}", seq, p).c_str(), &r[0], 1, tx, 2,
                                     SOCKET_ID_ANY);
        if (pid < 0) {
            err_ = "rte_eth_from_rings failed";
            return;
        }
        rte_eth_conf conf{};
        if (rte_eth_dev_configure(uint16_t(pid), 1, 2, &conf) ||
            rte_eth_rx_queue_setup(uint16_t(pid), 0, 1024, SOCKET_ID_ANY, nullptr, core::g_pool) ||
            rte_eth_tx_queue_setup(uint16_t(pid), 0, 1024, SOCKET_ID_ANY, nullptr) ||
            rte_eth_tx_queue_setup(uint16_t(pid), 1, 1024, SOCKET_ID_ANY, nullptr) ||
            rte_eth_dev_start(uint16_t(pid))) {
            err_ = "net_ring port setup failed";
            return;
        }
        core::DpPort& d = core::g_dp.ports[p];
        config::Ipv4Prefix pfx;
        config::parse_prefix(kPorts[p].prefix, pfx);
        d.addr = ip(kPorts[p].addr);
        d.mask = pfx.len ? ~0u << (32 - pfx.len) : 0;
        d.bcast = d.addr | ~d.mask;
        d.mac = mac(kPorts[p].mac);
        config::Ipv6Prefix a6;
        config::parse_prefix6(kPorts[p].addr6, a6);
        core::port_set_ipv6(d, a6);
        d.port_id = uint16_t(pid);
        d.tap_port_id = core::kNoPort;
        d.vlan = 0;
        d.mtu = 1500;
        d.ctl_txq = 1;
        d.nb_rxq = 1;
    }
    config::NeighborConfig ncfg;
    if (route::fib_init(1024, core::g_qsbr, err_) || route::neigh_init(ncfg, core::g_qsbr, err_)) return;
    for (uint16_t p = 0; p < 3; p++) {
        config::Ipv4Prefix pfx;
        config::parse_prefix(kPorts[p].prefix, pfx);
        if (route::route_add_connected(p, pfx.addr, pfx.len, err_)) return;
        route::neigh_update(p, ip(kPorts[p].host_ip), mac(kPorts[p].host_mac), true);
    }
    if (route::route_add_static(ip("203.0.113.128"), 25, ip("203.0.113.10"), err_)) return;
    // IPv6: the same shape (connected routes, the hosts as neighbours, one static route).
    if (route::fib6_init(1024, core::g_qsbr, err_) || route::neigh6_init(ncfg, core::g_qsbr, err_)) return;
    for (uint16_t p = 0; p < 3; p++) {
        const core::DpPort& d = core::g_dp.ports[p];
        if (route::route6_add_connected(p, d.addr6, d.plen6, err_)) return;
        config::Ipv6Addr h6;
        config::parse_ipv6(kPorts[p].host_ip6, h6);
        route::neigh6_update(p, h6.data(), mac(kPorts[p].host_mac), true);
    }
    config::Ipv6Addr cc, srv6;
    config::parse_ipv6("2001:db8:cc::", cc);
    config::parse_ipv6("2001:db8:c::10", srv6);
    if (route::route6_add_static(cc.data(), 48, srv6.data(), err_)) return;
    core::reset_counters();
    ok_ = true;
}

World::~World() {
    route::neigh6_fini();
    route::fib6_fini();
    route::neigh_fini();
    route::fib_fini();
    for (uint16_t p = 0; p < core::g_dp.nb_ports; p++) {
        control_sent(p);
        rte_eth_dev_stop(core::g_dp.ports[p].port_id);
        rte_eth_dev_close(core::g_dp.ports[p].port_id);
    }
    core::g_dp.nb_ports = 0;
    for (auto* r : rings_) {
        void* m;
        while (rte_ring_dequeue(r, &m) == 0) rte_pktmbuf_free(static_cast<rte_mbuf*>(m));
        rte_ring_free(r);
    }
    core::control_fini();
    core::rcu_fini();
    core::reset_counters();
}

rte_mbuf* World::mbuf(const std::vector<uint8_t>& frame) {
    rte_mbuf* m = rte_pktmbuf_alloc(core::g_pool);
    if (!m) return nullptr;
    char* d = rte_pktmbuf_append(m, uint16_t(frame.size()));
    if (!d) {
        rte_pktmbuf_free(m);
        return nullptr;
    }
    if (!frame.empty()) memcpy(d, frame.data(), frame.size());  // an empty vector's data() may be null
    return m;
}

core::Burst World::run(uint16_t in_port, const std::vector<std::vector<uint8_t>>& frames) {
    core::Burst b;
    core::burst_init(b, in_port, uint16_t(frames.size()));
    for (size_t i = 0; i < frames.size(); i++) b.pkts[i] = mbuf(frames[i]);
    core::StageCtx ctx;
    ctx.now_tsc = rte_rdtsc();
    core::run_pipeline(b, ctx);
    return b;
}

void World::release(core::Burst& b) {
    for (uint16_t i = 0; i < b.n; i++) rte_pktmbuf_free(b.pkts[i]);
    b.n = 0;
}

std::vector<std::vector<uint8_t>> World::control_sent(uint16_t p) {
    std::vector<std::vector<uint8_t>> out;
    rte_ring* r = rings_.at(size_t(p) * 3 + 2);
    void* m;
    while (rte_ring_dequeue(r, &m) == 0) {
        out.push_back(bytes(static_cast<rte_mbuf*>(m)));
        rte_pktmbuf_free(static_cast<rte_mbuf*>(m));
    }
    return out;
}

std::vector<uint8_t> World::bytes(const rte_mbuf* m) {
    std::vector<uint8_t> v(rte_pktmbuf_pkt_len(m));
    const void* p = rte_pktmbuf_read(m, 0, uint32_t(v.size()), v.data());
    if (p != v.data()) memcpy(v.data(), p, v.size());
    return v;
}

}  // namespace haslb::test
