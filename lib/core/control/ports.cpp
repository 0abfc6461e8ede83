// SPDX-License-Identifier: BSD-3-Clause
#include "core/ports.hpp"

#include <fmt/format.h>

#include <atomic>
#include <cstring>

#include "core/control.hpp"

namespace haslb::core {
namespace {


struct PortStatic {
    std::string name;
    std::string device;
    config::Ipv4Prefix address;
};
std::vector<PortStatic> g_static;
std::atomic<bool> g_ready{false};

std::string dev_name(const std::string& device) { return device.substr(0, device.find(',')); }

struct OffloadName {
    const char* name;
    uint64_t flag;
};
constexpr OffloadName kRxOffloads[] = {
    {"ipv4_cksum", RTE_ETH_RX_OFFLOAD_IPV4_CKSUM}, {"udp_cksum", RTE_ETH_RX_OFFLOAD_UDP_CKSUM},
    {"tcp_cksum", RTE_ETH_RX_OFFLOAD_TCP_CKSUM},   {"vlan_strip", RTE_ETH_RX_OFFLOAD_VLAN_STRIP},
    {"rss_hash", RTE_ETH_RX_OFFLOAD_RSS_HASH},
};
constexpr OffloadName kTxOffloads[] = {
    {"ipv4_cksum", RTE_ETH_TX_OFFLOAD_IPV4_CKSUM},
    {"udp_cksum", RTE_ETH_TX_OFFLOAD_UDP_CKSUM},
    {"tcp_cksum", RTE_ETH_TX_OFFLOAD_TCP_CKSUM},
    {"vlan_insert", RTE_ETH_TX_OFFLOAD_VLAN_INSERT},
    {"mbuf_fast_free", RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE},
    {"multi_segs", RTE_ETH_TX_OFFLOAD_MULTI_SEGS},
};

template <size_t N>
int offload_flags(const std::vector<std::string>& names, const OffloadName (&table)[N],
                  uint64_t capa, const std::string& port, const char* dir, uint64_t& out,
                  std::string& err) {
    out = 0;
    for (const auto& n : names) {
        uint64_t flag = 0;
        for (const auto& o : table)
            if (n == o.name) flag = o.flag;
        if (!flag || !(capa & flag)) {
            err = fmt::format("port {}: the device does not support {} offload \"{}\"", port, dir, n);
            return -ENOTSUP;
        }
        out |= flag;
    }
    return 0;
}

int setup_port(const config::Config& cfg, uint16_t idx, unsigned nb_workers, std::string& err) {
    const config::PortConfig& pc = cfg.ports[idx];
    const std::string dname = dev_name(pc.device);
    uint16_t pid;
    if (rte_eth_dev_get_port_by_name(dname.c_str(), &pid) != 0) {
        err = fmt::format("{}:{}: port {}: device {} was not probed (check the devargs and the "
                          "driver's EAL arguments)",
                          pc.origin.file, pc.origin.line, pc.name, dname);
        return -ENODEV;
    }
    rte_eth_dev_info info;
    if (int rc = rte_eth_dev_info_get(pid, &info)) {
        err = fmt::format("port {}: cannot read device info: {}", pc.name, rte_strerror(-rc));
        return rc;
    }
    // Kernel-backed PMDs spread flows over queues haslb did not ask for:
    // net_af_packet opens all `qpairs` sockets at probe time in one
    // PACKET_FANOUT group, and net_tap needs as many RX as TX queues (each a
    // queue of the multi-queue tap, which the kernel hashes flows onto).
    // Workers poll every RX queue (worker w: w, w + workers, ...).
    const uint16_t nb_txq = uint16_t(nb_workers + 1);
    uint16_t nb_rxq = uint16_t(nb_workers);
    if (strcmp(info.driver_name, "net_af_packet") == 0) nb_rxq = info.max_rx_queues;
    if (strcmp(info.driver_name, "net_tap") == 0) nb_rxq = nb_txq;
    if (info.max_rx_queues < nb_workers || info.max_tx_queues < nb_txq) {
        err = fmt::format(
            "{}:{}: port {}: device has {} RX / {} TX queues; haslb needs {} RX (one per worker) "
            "and {} TX (workers + control){}",
            pc.origin.file, pc.origin.line, pc.name, info.max_rx_queues, info.max_tx_queues, nb_workers,
            nb_txq, dname.rfind("net_af_packet", 0) == 0 ? fmt::format("; add qpairs={} to the devargs", nb_txq) : "");
        return -EINVAL;
    }
    rte_eth_conf conf{};
    const uint64_t rss_hf = (RTE_ETH_RSS_IP | RTE_ETH_RSS_UDP | RTE_ETH_RSS_TCP) & info.flow_type_rss_offloads;
    if (cfg.driver.rss && nb_rxq > 1 && rss_hf) {
        conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
        conf.rx_adv_conf.rss_conf.rss_hf = rss_hf;
    }
    if (int rc = offload_flags(cfg.driver.rx_offloads, kRxOffloads, info.rx_offload_capa, pc.name, "rx",
                               conf.rxmode.offloads, err))
        return rc;
    if (int rc = offload_flags(cfg.driver.tx_offloads, kTxOffloads, info.tx_offload_capa, pc.name, "tx",
                               conf.txmode.offloads, err))
        return rc;
    int rc = rte_eth_dev_configure(pid, nb_rxq, nb_txq, &conf);
    if (rc != 0) {
        err = fmt::format("port {}: configure: {}", pc.name, rte_strerror(-rc));
        return rc;
    }
    uint16_t nb_rxd = pc.rx_queue_size ? pc.rx_queue_size : cfg.driver.rx_queue_size;
    uint16_t nb_txd = pc.tx_queue_size ? pc.tx_queue_size : cfg.driver.tx_queue_size;
    rte_eth_dev_adjust_nb_rx_tx_desc(pid, &nb_rxd, &nb_txd);
    const int socket = rte_eth_dev_socket_id(pid);
    for (uint16_t q = 0; rc == 0 && q < nb_rxq; q++)
        rc = rte_eth_rx_queue_setup(pid, q, nb_rxd, socket, nullptr, g_pool);
    for (uint16_t q = 0; rc == 0 && q < nb_txq; q++)
        rc = rte_eth_tx_queue_setup(pid, q, nb_txd, socket, nullptr);
    if (rc != 0) {
        err = fmt::format("port {}: queue setup: {}", pc.name, rte_strerror(-rc));
        return rc;
    }
    if (pc.mac) {
        rte_ether_addr a;
        memcpy(a.addr_bytes, pc.mac->data(), 6);
        if ((rc = rte_eth_dev_default_mac_addr_set(pid, &a)) != 0) {
            err = fmt::format("{}:{}: port {}: the device cannot take MAC {}: {}{}", pc.origin.file,
                              pc.origin.line, pc.name, config::format_mac(*pc.mac), rte_strerror(-rc),
                              rc == -ENOTSUP ? " (remove the mac key)" : "");
            return rc;
        }
    }
    const uint16_t mtu = pc.mtu ? pc.mtu : cfg.driver.mtu;
    rc = rte_eth_dev_set_mtu(pid, mtu);
    if (rc != 0 && rc != -ENOTSUP) {
        err = fmt::format("port {}: cannot set MTU {}: {}", pc.name, mtu, rte_strerror(-rc));
        return rc;
    }
    if ((rc = rte_eth_dev_start(pid)) != 0) {
        err = fmt::format("port {}: start: {}", pc.name, rte_strerror(-rc));
        return rc;
    }
    rte_eth_allmulticast_enable(pid);  // VRRP and other control multicast

    DpPort& dp = g_dp.ports[idx];
    dp.addr = pc.address.addr;
    dp.mask = pc.address.len ? ~0u << (32 - pc.address.len) : 0;
    dp.bcast = dp.addr | ~dp.mask;
    rte_eth_macaddr_get(pid, &dp.mac);
    port_set_ipv6(dp, pc.address6);
    dp.port_id = pid;
    dp.tap_port_id = kNoPort;
    dp.vlan = pc.vlan;
    dp.mtu = mtu;
    dp.ctl_txq = uint16_t(nb_workers);
    dp.nb_rxq = nb_rxq;
    return 0;
}

}  // namespace

int ports_init(const config::Config& cfg, unsigned nb_workers, std::string& err) {
    if (cfg.ports.size() > kMaxPorts) {
        err = fmt::format("at most {} ports", kMaxPorts);
        return -EINVAL;
    }
    g_static.clear();
    for (uint16_t i = 0; i < cfg.ports.size(); i++) {
        g_dp.ports[i].port_id = kNoPort;
        g_dp.ports[i].tap_port_id = kNoPort;
    }
    for (uint16_t i = 0; i < cfg.ports.size(); i++) {
        if (int rc = setup_port(cfg, i, nb_workers, err)) {
            g_dp.nb_ports = i;
            ports_fini();
            return rc;
        }
        g_static.push_back({cfg.ports[i].name, cfg.ports[i].device, cfg.ports[i].address});
    }
    g_dp.nb_ports = uint16_t(cfg.ports.size());
    g_ready.store(true, std::memory_order_release);
    return 0;
}

void port_set_ipv6(DpPort& dp, const std::optional<config::Ipv6Prefix>& address6) {
    memset(dp.addr6, 0, sizeof(dp.addr6));
    memset(dp.ll6, 0, sizeof(dp.ll6));
    dp.plen6 = 0;
    if (!address6) return;
    memcpy(dp.addr6, address6->addr.data(), 16);
    dp.plen6 = address6->len;
    const uint8_t* m = dp.mac.addr_bytes;
    const uint8_t ll[16] = {0xfe, 0x80, 0, 0, 0, 0, 0, 0, uint8_t(m[0] ^ 0x02), m[1], m[2], 0xff,
                            0xfe, m[3], m[4], m[5]};
    memcpy(dp.ll6, ll, 16);
}

void port_stop_close(uint16_t& port_id) {
    if (port_id == kNoPort) return;
    rte_eth_dev_stop(port_id);
    rte_eth_dev_close(port_id);
    port_id = kNoPort;
}

void ports_fini() {
    g_ready.store(false, std::memory_order_release);
    for (uint16_t i = 0; i < g_dp.nb_ports; i++) port_stop_close(g_dp.ports[i].port_id);
    g_dp.nb_ports = 0;
}

std::vector<PortView> port_views() {
    std::vector<PortView> out;
    if (!g_ready.load(std::memory_order_acquire)) return out;
    for (uint16_t i = 0; i < g_dp.nb_ports && i < g_static.size(); i++) {
        const DpPort& dp = g_dp.ports[i];
        PortView v{};
        v.index = i;
        v.name = g_static[i].name;
        v.device = dev_name(g_static[i].device);
        v.address = config::format_prefix(g_static[i].address);
        v.mac = config::format_mac(port_mac(i));
        if (dp.plen6) {
            config::Ipv6Prefix a6;
            memcpy(a6.addr.data(), dp.addr6, 16);
            a6.len = dp.plen6;
            v.address6 = config::format_prefix6(a6);
            memcpy(a6.addr.data(), dp.ll6, 16);
            v.ll6 = config::format_ipv6(a6.addr);
        }
        rte_eth_link link{};
        rte_eth_link_get_nowait(dp.port_id, &link);
        v.link_up = link.link_status == RTE_ETH_LINK_UP;
        v.speed_mbps = link.link_speed;
        rte_eth_stats_get(dp.port_id, &v.stats);
        v.rx_dropped = v.stats.imissed + v.stats.ierrors + v.stats.rx_nombuf;
        v.tx_dropped = v.stats.oerrors + total_port_tx_dropped(i);
        out.push_back(std::move(v));
    }
    return out;
}

config::MacAddr port_mac(uint16_t index) {
    config::MacAddr m;
    memcpy(m.data(), g_dp.ports[index].mac.addr_bytes, 6);
    return m;
}

std::string port_name(uint16_t index) {
    return index < g_static.size() ? g_static[index].name : fmt::format("port{}", index);
}

int port_index(const std::string& name) {
    for (size_t i = 0; i < g_static.size(); i++)
        if (g_static[i].name == name) return int(i);
    return -ENOENT;
}

}  // namespace haslb::core
