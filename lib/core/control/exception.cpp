// SPDX-License-Identifier: BSD-3-Clause
#include "core/exception.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <net/route.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>
#include <rte_bus.h>
#include <rte_dev.h>
#include <rte_ethdev.h>

#include <cstring>
#include <vector>

#include "core/control.hpp"
#include "core/netns.hpp"
#include "core/ports.hpp"
#include "core/reload.hpp"
#include "net/l2.hpp"

namespace haslb::core {
namespace {

std::string g_netns;
bool g_netns_created = false;
std::vector<std::string> g_tap_devs;  // vdev names to remove on exit

sockaddr_in sin_of(uint32_t host_order) {
    sockaddr_in s{};
    s.sin_family = AF_INET;
    s.sin_addr.s_addr = htonl(host_order);
    return s;
}

int ifreq_ioctl(int fd, unsigned long req, ifreq& ifr, const char* what, std::string& err) {
    if (ioctl(fd, req, &ifr) == 0) return 0;
    int e = errno;
    err = fmt::format("{} on {}: {}", what, ifr.ifr_name, strerror(e));
    return -e;
}

int link_up(int fd, const char* ifname, std::string& err) {
    ifreq ifr{};
    snprintf(ifr.ifr_name, IFNAMSIZ, "%s", ifname);
    if (int rc = ifreq_ioctl(fd, SIOCGIFFLAGS, ifr, "SIOCGIFFLAGS", err)) return rc;
    ifr.ifr_flags |= IFF_UP;
    return ifreq_ioctl(fd, SIOCSIFFLAGS, ifr, "SIOCSIFFLAGS", err);
}

int set_address(int fd, const std::string& ifname, const config::Ipv4Prefix& a, std::string& err) {
    ifreq ifr{};
    snprintf(ifr.ifr_name, IFNAMSIZ, "%s", ifname.c_str());
    sockaddr_in s = sin_of(a.addr);
    memcpy(&ifr.ifr_addr, &s, sizeof(s));
    if (int rc = ifreq_ioctl(fd, SIOCSIFADDR, ifr, "SIOCSIFADDR", err)) return rc;
    s = sin_of(a.len ? ~0u << (32 - a.len) : 0);
    memcpy(&ifr.ifr_netmask, &s, sizeof(s));
    return ifreq_ioctl(fd, SIOCSIFNETMASK, ifr, "SIOCSIFNETMASK", err);
}

// struct in6_ifreq of <linux/ipv6.h> (glibc's headers do not carry it).
struct In6Ifreq {
    in6_addr addr;
    uint32_t prefixlen;
    int ifindex;
};

in6_addr in6_of(const config::Ipv6Addr& a) {
    in6_addr x{};
    memcpy(x.s6_addr, a.data(), 16);
    return x;
}

void write_sysctl(const char* path, const char* value);

// A port's address6 on its tap: IPv6 on for that tap only, no duplicate
// address detection (the data plane owns the segment and answers for the
// address itself), no router solicitations or autoconfiguration from RAs.
int set_address6(const std::string& ifname, const config::Ipv6Prefix& a, std::string& err) {
    for (const char* key : {"accept_dad", "router_solicitations", "accept_ra", "autoconf"})
        write_sysctl(fmt::format("/proc/sys/net/ipv6/conf/{}/{}", ifname, key).c_str(), "0");
    write_sysctl(fmt::format("/proc/sys/net/ipv6/conf/{}/disable_ipv6", ifname).c_str(), "0");
    int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        err = fmt::format("IPv6 socket for {}: {}", ifname, strerror(errno));
        return -errno;
    }
    In6Ifreq r{in6_of(a.addr), a.len, int(if_nametoindex(ifname.c_str()))};
    int rc = 0;
    if (r.ifindex == 0 || ioctl(fd, SIOCSIFADDR, &r) != 0) {
        rc = -errno;
        err = fmt::format("cannot give {} address {}: {}", ifname, config::format_prefix6(a),
                          strerror(errno));
    }
    close(fd);
    return rc;
}

// IPv6 static routes in the kernel: through the port whose subnet holds the
// next hop (the loader checked there is one).
int route6_ioctl(unsigned long req, const config::Config& cfg, const config::Route6Config& r,
                 std::string& err) {
    in6_rtmsg rt{};
    rt.rtmsg_dst = in6_of(r.prefix.addr);
    rt.rtmsg_dst_len = r.prefix.len;
    rt.rtmsg_gateway = in6_of(r.via);
    rt.rtmsg_flags = RTF_UP | RTF_GATEWAY;
    rt.rtmsg_metric = 1;
    for (const auto& pc : cfg.ports) {
        if (!pc.address6) continue;
        config::Ipv6Prefix net = *pc.address6;
        bool on = true;
        for (unsigned bit = 0; bit < net.len && on; bit++)
            on = ((net.addr[bit / 8] ^ r.via[bit / 8]) & (0x80 >> (bit % 8))) == 0;
        if (on) rt.rtmsg_ifindex = int(if_nametoindex(pc.name.c_str()));
    }
    int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    int rc = fd < 0 ? -errno : (ioctl(fd, req, &rt) == 0 ? 0 : -errno);
    if (fd >= 0) close(fd);
    if (rc)
        err = fmt::format("cannot {} route {} via {} in the exception namespace: {}",
                          req == SIOCADDRT ? "add" : "delete", config::format_prefix6(r.prefix),
                          config::format_ipv6(r.via), strerror(-rc));
    return rc;
}

bool has_route6(const std::vector<config::Route6Config>& v, const config::Route6Config& r) {
    for (const auto& x : v)
        if (x.prefix.addr == r.prefix.addr && x.prefix.len == r.prefix.len && x.via == r.via)
            return true;
    return false;
}

int route_ioctl(int fd, unsigned long req, const config::RouteConfig& r, std::string& err) {
    rtentry rt{};
    sockaddr_in dst = sin_of(r.prefix.addr), gw = sin_of(r.via),
                mask = sin_of(r.prefix.len ? ~0u << (32 - r.prefix.len) : 0);
    memcpy(&rt.rt_dst, &dst, sizeof(dst));
    memcpy(&rt.rt_gateway, &gw, sizeof(gw));
    memcpy(&rt.rt_genmask, &mask, sizeof(mask));
    rt.rt_flags = RTF_UP | RTF_GATEWAY;
    if (ioctl(fd, req, &rt) == 0) return 0;
    int e = errno;
    err = fmt::format("cannot {} route {} via {} in the exception namespace: {}",
                      req == SIOCADDRT ? "add" : "delete", config::format_prefix(r.prefix),
                      config::format_ipv4(r.via), strerror(e));
    return -e;
}

int add_route(int fd, const config::RouteConfig& r, std::string& err) {
    return route_ioctl(fd, SIOCADDRT, r, err);
}

bool has_route(const std::vector<config::RouteConfig>& v, const config::RouteConfig& r) {
    for (const auto& x : v)
        if (x.prefix.addr == r.prefix.addr && x.prefix.len == r.prefix.len && x.via == r.via) return true;
    return false;
}

// The kernel behind the taps follows the static routes too, so that control
// protocols reach servers behind a gateway.
int kernel_routes_reload(const config::Config& cur, const config::Config& next, bool apply,
                         std::string& msg) {
    if (!apply) return 0;
    NetnsScope scope(g_netns);
    if (scope.status()) {
        msg = fmt::format("cannot enter {}: {}\n", g_netns, strerror(-scope.status()));
        return scope.status();
    }
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -errno;
    int result = 0;
    std::string err;
    for (const auto& r : cur.routes)
        if (!has_route(next.routes, r) && route_ioctl(fd, SIOCDELRT, r, err)) msg += err + "\n";
    for (const auto& r : next.routes)
        if (!has_route(cur.routes, r) && (result = add_route(fd, r, err))) msg += err + "\n";
    close(fd);
    for (const auto& r : cur.routes6)
        if (!has_route6(next.routes6, r) && route6_ioctl(SIOCDELRT, cur, r, err)) msg += err + "\n";
    for (const auto& r : next.routes6)
        if (!has_route6(cur.routes6, r) && (result = route6_ioctl(SIOCADDRT, next, r, err)))
            msg += err + "\n";
    return result;
}

// Best effort: a kernel without IPv6 has no such file.
void write_sysctl(const char* path, const char* value) {
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return;
    [[maybe_unused]] ssize_t n = write(fd, value, strlen(value));
    close(fd);
}

// The kernel answers ARP only for the address of the tap the request came in
// on (no ARP flux between segments), never forwards, and speaks IPv6 only on
// the taps of ports with an address6 (set_address6 turns it on there).
void tune_namespace() {
    write_sysctl("/proc/sys/net/ipv6/conf/all/disable_ipv6", "1");
    write_sysctl("/proc/sys/net/ipv6/conf/default/disable_ipv6", "1");
    write_sysctl("/proc/sys/net/ipv4/conf/all/arp_ignore", "1");
    write_sysctl("/proc/sys/net/ipv4/conf/all/arp_announce", "2");
    write_sysctl("/proc/sys/net/ipv4/conf/all/rp_filter", "0");
    write_sysctl("/proc/sys/net/ipv4/conf/default/rp_filter", "0");
    write_sysctl("/proc/sys/net/ipv4/ip_forward", "0");
}

int start_tap(uint16_t tap, std::string& err) {
    rte_eth_conf conf{};
    int rc = rte_eth_dev_configure(tap, 1, 1, &conf);
    if (rc == 0) rc = rte_eth_rx_queue_setup(tap, 0, 512, rte_eth_dev_socket_id(tap), nullptr, g_pool);
    if (rc == 0) rc = rte_eth_tx_queue_setup(tap, 0, 512, rte_eth_dev_socket_id(tap), nullptr);
    if (rc == 0) rc = rte_eth_dev_start(tap);
    if (rc != 0) err = fmt::format("cannot start exception tap: {}", rte_strerror(-rc));
    return rc;
}

// Kernel -> port: what the kernel sent on a tap leaves on its port.
unsigned pump_taps(uint64_t) {
    unsigned work = 0;
    rte_mbuf* pkts[kBurst];
    for (uint16_t p = 0; p < g_dp.nb_ports; p++) {
        const DpPort& port = g_dp.ports[p];
        if (port.tap_port_id == kNoPort) continue;
        uint16_t n = rte_eth_rx_burst(port.tap_port_id, 0, pkts, kBurst);
        work += n;
        for (uint16_t i = 0; i < n; i++) {
            rte_mbuf* m = pkts[i];
            uint8_t l2;
            uint16_t type;
            if (!net::l2_peek(m, l2, type)) {
                count_drop(Drop::runt_frame);
                rte_pktmbuf_free(m);
                continue;
            }
            auto* eth = rte_pktmbuf_mtod(m, rte_ether_hdr*);
            const rte_ether_addr dst = eth->dst_addr, src = eth->src_addr;
            if (net::l2_write(m, l2, dst, src, port.vlan, type) < 0) {
                count_drop(Drop::tx_full);
                rte_pktmbuf_free(m);
                continue;
            }
            count_stat(Stat::from_kernel);
            control_tx(p, m);
        }
    }
    return work;
}

}  // namespace

const std::string& exception_netns() { return g_netns; }

void deliver_to_kernel(rte_mbuf* m) {
    PacketMeta* pm = meta(m);
    const DpPort& port = g_dp.ports[pm->in_port];
    if (port.tap_port_id == kNoPort) {
        count_drop(Drop::no_exception_path);
        rte_pktmbuf_free(m);
        return;
    }
    uint8_t l2;
    uint16_t type;
    if (net::l2_peek(m, l2, type) && l2 != sizeof(rte_ether_hdr)) {
        auto* eth = rte_pktmbuf_mtod(m, rte_ether_hdr*);
        const rte_ether_addr dst = eth->dst_addr, src = eth->src_addr;
        net::l2_write(m, l2, dst, src, 0, type);  // the tap is untagged
    }
    if (rte_eth_tx_burst(port.tap_port_id, 0, &m, 1) == 1) {
        count_stat(Stat::to_kernel);
        return;
    }
    count_drop(Drop::tx_full);
    rte_pktmbuf_free(m);
}

int exception_init(const config::Config& cfg, std::string& err) {
    if (cfg.exception.netns == "-") {
        g_netns.clear();
    } else {
        g_netns = cfg.exception.netns.empty() ? "haslb-" + cfg.eal.file_prefix : cfg.exception.netns;
        if (int rc = netns_create(g_netns, err)) return rc;
        g_netns_created = true;
    }
    NetnsScope scope(g_netns);
    if (scope.status()) {
        err = fmt::format("cannot enter network namespace {}: {}", g_netns, strerror(-scope.status()));
        return scope.status();
    }
    tune_namespace();
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        err = fmt::format("socket: {}", strerror(errno));
        return -errno;
    }
    int rc = link_up(fd, "lo", err);
    for (uint16_t p = 0; rc == 0 && p < g_dp.nb_ports; p++) {
        const config::PortConfig& pc = cfg.ports[p];
        const std::string vdev = fmt::format("net_tap_exc{}", p);
        const std::string args = fmt::format("iface={},mac={}", pc.name,
                                             config::format_mac(port_mac(p)));
        rc = rte_eal_hotplug_add("vdev", vdev.c_str(), args.c_str());
        if (rc != 0) {
            err = fmt::format("port {}: cannot create exception tap {}: {}", pc.name, pc.name,
                              rte_strerror(-rc));
            break;
        }
        g_tap_devs.push_back(vdev);
        uint16_t tap;
        if ((rc = rte_eth_dev_get_port_by_name(vdev.c_str(), &tap)) != 0) {
            err = fmt::format("port {}: exception tap has no ethdev", pc.name);
            break;
        }
        if ((rc = start_tap(tap, err)) != 0) break;
        g_dp.ports[p].tap_port_id = tap;
        if ((rc = set_address(fd, pc.name, pc.address, err)) != 0) break;
        if (pc.address6 && (rc = set_address6(pc.name, *pc.address6, err)) != 0) break;
        rc = link_up(fd, pc.name.c_str(), err);
    }
    for (size_t r = 0; rc == 0 && r < cfg.routes.size(); r++) rc = add_route(fd, cfg.routes[r], err);
    for (size_t r = 0; rc == 0 && r < cfg.routes6.size(); r++)
        rc = route6_ioctl(SIOCADDRT, cfg, cfg.routes6[r], err);
    close(fd);
    if (rc != 0) return rc;
    set_control_handler(ControlKind::kLocal, deliver_to_kernel);
    register_poller("exception-taps", pump_taps);
    register_reloader("exception-routes", kernel_routes_reload);
    return 0;
}

void exception_fini() {
    {
        NetnsScope scope(g_netns);
        for (uint16_t p = 0; p < g_dp.nb_ports; p++) port_stop_close(g_dp.ports[p].tap_port_id);
        for (const auto& d : g_tap_devs) rte_eal_hotplug_remove("vdev", d.c_str());
        g_tap_devs.clear();
    }
    if (g_netns_created) netns_delete(g_netns);
    g_netns_created = false;
}

}  // namespace haslb::core
