// SPDX-License-Identifier: BSD-3-Clause
// Checks across entries and groups. Each runs only when the groups it reads
// parsed cleanly (see CrossCheck), so values here are individually valid.
#include <algorithm>
#include <cstdlib>
#include <unordered_map>

#include <fmt/format.h>

#include "config/groups.hpp"

namespace haslb::config::detail {

namespace {

std::string where(const Origin& o) {
    return fmt::format("{}:{}", o.file, o.line);
}

size_t worker_count(const Config& cfg) {
    std::vector<unsigned> ids;
    std::string why;
    return parse_lcores(cfg.eal.lcores, ids, why) == 0 && !ids.empty() ? ids.size() - 1 : 0;
}

// Queue counts of the vdevs whose queues are fixed by their devargs; a port
// needs one RX queue per worker and one TX queue per worker plus the control
// lcore's (lib/core/control/ports.cpp). Other drivers are checked at start.
void check_vdev_queues(Ctx& ctx, size_t i, const PortConfig& p, const std::string& id,
                       size_t workers) {
    std::string key = fmt::format("ports.[{}].device", i);
    if (id.starts_with("net_af_packet")) {
        // af_packet has qpairs RX and TX queues (default 1).
        auto qp = devargs(p.device, "qpairs");
        size_t qpairs = qp.empty() ? 1 : std::strtoul(qp.back().c_str(), nullptr, 10);
        if (qpairs < workers + 1)
            ctx.error_at(key, p.origin,
                         fmt::format("net_af_packet needs qpairs >= {} ({} worker{} + the "
                                     "control lcore's TX queue); it has qpairs={}",
                                     workers + 1, workers, workers == 1 ? "" : "s",
                                     qp.empty() ? "1 (the default)" : qp.back()));
    } else if (id.starts_with("net_pcap")) {
        // One queue per rx_* / tx_* argument; iface= is one of each.
        if (!devargs(p.device, "iface").empty()) {
            ctx.error_at(key, p.origin,
                         fmt::format("net_pcap iface= gives one TX queue and haslb needs {}: "
                                     "use rx_iface_in=IF and tx_iface=IF {} times",
                                     workers + 1, workers + 1));
            return;
        }
        size_t rx = devargs(p.device, "rx_iface").size() + devargs(p.device, "rx_iface_in").size() +
                    devargs(p.device, "rx_pcap").size();
        size_t tx = devargs(p.device, "tx_iface").size() + devargs(p.device, "tx_pcap").size();
        // With only one side given, the PMD adds as many dummy queues on the other.
        size_t nb_rx = rx ? rx : tx, nb_tx = tx ? tx : rx;
        if (nb_rx < workers || nb_tx < workers + 1)
            ctx.error_at(key, p.origin,
                         fmt::format("net_pcap has {} RX and {} TX queues; haslb needs {} RX "
                                     "(one per worker) and {} TX (workers + control): one "
                                     "rx_* argument per RX queue, one tx_* per TX queue",
                                     nb_rx, nb_tx, workers, workers + 1));
    }
}

// address6: unique, subnets disjoint.
void check_ports6(Ctx& ctx, const Config& cfg) {
    for (size_t i = 0; i < cfg.ports.size(); ++i) {
        const PortConfig& p = cfg.ports[i];
        if (!p.address6) continue;
        for (size_t j = 0; j < i; ++j) {
            const PortConfig& q = cfg.ports[j];
            if (!q.address6) continue;
            const std::string key = fmt::format("ports.[{}].address6", i);
            if (p.address6->addr == q.address6->addr) {
                ctx.error_at(key, p.origin,
                             fmt::format("address {} is already used by port \"{}\" ({})",
                                         format_ipv6(p.address6->addr), q.name, where(q.origin)));
            } else if (contains6(*p.address6, q.address6->addr) ||
                       contains6(*q.address6, p.address6->addr)) {
                ctx.error_at(
                    key, p.origin,
                    fmt::format("subnet {} overlaps subnet {} of port \"{}\" ({})",
                                format_prefix6({network6_of(*p.address6), p.address6->len}),
                                format_prefix6({network6_of(*q.address6), q.address6->len}),
                                q.name, where(q.origin)));
            }
        }
    }
}

}  // namespace

std::string port_conflict6(const Config& cfg, const Ipv6Addr& a) {
    for (const PortConfig& p : cfg.ports) {
        if (!p.address6) continue;
        if (p.address6->addr == a) return fmt::format("the IPv6 address of port \"{}\"", p.name);
        if (network6_of(*p.address6) == a)
            return fmt::format("the subnet-router anycast address of port \"{}\"'s subnet {}",
                               p.name, format_prefix6({a, p.address6->len}));
    }
    return "";
}

namespace {

void check_routes6(Ctx& ctx, const Config& cfg) {
    std::string subnets;  // for messages
    for (const PortConfig& p : cfg.ports)
        if (p.address6)
            subnets += fmt::format("{}{} {}", subnets.empty() ? "" : ", ", p.name,
                                   format_prefix6({network6_of(*p.address6), p.address6->len}));
    if (subnets.empty()) subnets = "no port has an address6";
    for (size_t i = 0; i < cfg.routes6.size(); ++i) {
        const Route6Config& r = cfg.routes6[i];
        const std::string prefix_key = fmt::format("routes.[{}].prefix", r.index);
        const std::string via_key = fmt::format("routes.[{}].via", r.index);
        for (size_t j = 0; j < i; ++j) {
            const Route6Config& o = cfg.routes6[j];
            if (o.prefix.addr == r.prefix.addr && o.prefix.len == r.prefix.len) {
                ctx.error_at(prefix_key, r.origin,
                             fmt::format("{} is already routed by routes.[{}] ({})",
                                         format_prefix6(r.prefix), o.index, where(o.origin)));
                break;
            }
        }
        const PortConfig* on = nullptr;
        for (const PortConfig& p : cfg.ports) {
            if (!p.address6) continue;
            const Ipv6Prefix net{network6_of(*p.address6), p.address6->len};
            if (net.addr == r.prefix.addr && net.len == r.prefix.len)
                ctx.error_at(prefix_key, r.origin,
                             fmt::format("{} is the connected subnet of port \"{}\"",
                                         format_prefix6(net), p.name));
            if (contains6(*p.address6, r.via) && !on) on = &p;
        }
        const std::string via = format_ipv6(r.via);
        if (!on)
            ctx.error_at(via_key, r.origin,
                         fmt::format("next hop {} is not on any port IPv6 subnet ({})", via, subnets));
        else if (auto why = port_conflict6(cfg, r.via); !why.empty())
            ctx.error_at(via_key, r.origin, fmt::format("next hop {} is {}", via, why));
    }
}

}  // namespace

void check_ports(Ctx& ctx, const Config& cfg) {
    size_t workers = worker_count(cfg);
    for (size_t i = 0; i < cfg.ports.size(); ++i) {
        const PortConfig& p = cfg.ports[i];
        std::string id, why;
        device_id(p.device, id, why);
        for (size_t j = 0; j < i; ++j) {
            const PortConfig& q = cfg.ports[j];
            std::string qid;
            device_id(q.device, qid, why);
            if (p.name == q.name)
                ctx.error_at(fmt::format("ports.[{}].name", i), p.origin,
                             fmt::format("port name \"{}\" is already used by ports.[{}] ({})",
                                         p.name, j, where(q.origin)));
            if (id == qid)
                ctx.error_at(fmt::format("ports.[{}].device", i), p.origin,
                             fmt::format("device {} is already used by port \"{}\" ({})", id,
                                         q.name, where(q.origin)));
            if (p.address.addr == q.address.addr) {
                ctx.error_at(fmt::format("ports.[{}].address", i), p.origin,
                             fmt::format("address {} is already used by port \"{}\" ({})",
                                         format_ipv4(p.address.addr), q.name, where(q.origin)));
            } else if (contains(p.address, q.address.addr) || contains(q.address, p.address.addr)) {
                ctx.error_at(fmt::format("ports.[{}].address", i), p.origin,
                             fmt::format("subnet {} overlaps subnet {} of port \"{}\" ({})",
                                         format_prefix({network_of(p.address), p.address.len}),
                                         format_prefix({network_of(q.address), q.address.len}),
                                         q.name, where(q.origin)));
            }
        }
        check_vdev_queues(ctx, i, p, id, workers);
    }
    check_ports6(ctx, cfg);
}

void check_pci(Ctx& ctx, const Config& cfg) {
    // haslb passes a PCI port to EAL as -a; with --no-pci EAL never probes it.
    auto has_no_pci = [](const std::vector<std::string>& args) {
        return std::find(args.begin(), args.end(), "--no-pci") != args.end();
    };
    const char* where_set = has_no_pci(cfg.driver.eal_args) ? "driver.eal_args"
                            : has_no_pci(cfg.eal.args)      ? "eal.args"
                                                            : nullptr;
    if (!where_set) return;
    for (size_t i = 0; i < cfg.ports.size(); ++i) {
        const PortConfig& p = cfg.ports[i];
        if (p.device.starts_with("net_")) continue;
        ctx.error_at(fmt::format("ports.[{}].device", i), p.origin,
                     fmt::format("PCI device {} cannot be probed: {} has --no-pci (a lab "
                                 "profile with a NIC port?)",
                                 p.device, where_set));
    }
}

void check_routes(Ctx& ctx, const Config& cfg) {
    std::unordered_map<uint64_t, size_t> first;  // prefix -> first route with it
    first.reserve(cfg.routes.size());
    std::string subnets;  // for messages: "access 192.0.2.0/24, farm ..."
    for (const PortConfig& p : cfg.ports)
        subnets += fmt::format("{}{} {}", subnets.empty() ? "" : ", ", p.name,
                               format_prefix({network_of(p.address), p.address.len}));
    for (size_t i = 0; i < cfg.routes.size(); ++i) {
        const RouteConfig& r = cfg.routes[i];
        std::string prefix_key = fmt::format("routes.[{}].prefix", r.index);
        std::string via_key = fmt::format("routes.[{}].via", r.index);
        uint64_t k = uint64_t{r.prefix.addr} << 8 | r.prefix.len;
        if (auto [it, fresh] = first.try_emplace(k, i); !fresh) {
            const RouteConfig& o = cfg.routes[it->second];
            ctx.error_at(prefix_key, r.origin,
                         fmt::format("{} is already routed by routes.[{}] ({})",
                                     format_prefix(r.prefix), o.index, where(o.origin)));
        }
        const PortConfig* on = nullptr;
        for (const PortConfig& p : cfg.ports) {
            Ipv4Prefix net{network_of(p.address), p.address.len};
            if (net.addr == r.prefix.addr && net.len == r.prefix.len)
                ctx.error_at(prefix_key, r.origin,
                             fmt::format("{} is the connected subnet of port \"{}\"",
                                         format_prefix(net), p.name));
            if (contains(p.address, r.via) && !on) on = &p;
        }
        std::string via = format_ipv4(r.via);
        if (!on) {
            ctx.error_at(via_key, r.origin,
                         fmt::format("next hop {} is not on any port subnet ({})", via, subnets));
        } else if (on->address.addr == r.via) {
            ctx.error_at(
                via_key, r.origin,
                fmt::format("next hop {} is the address of port \"{}\" itself", via, on->name));
        } else if (on->address.len < 31 &&
                   (r.via == network_of(on->address) || r.via == broadcast_of(on->address))) {
            ctx.error_at(
                via_key, r.origin,
                fmt::format("next hop {} is the {} address of port \"{}\"'s subnet", via,
                            r.via == network_of(on->address) ? "network" : "broadcast", on->name));
        }
    }
}

void check_routes_all(Ctx& ctx, const Config& cfg) {
    check_routes(ctx, cfg);
    check_routes6(ctx, cfg);
}

void check_resources(Ctx& ctx, const Config& cfg) {
    // Every worker fills one RX ring per port from the pool at start, and
    // each lcore may park up to `cache` mbufs; a smaller pool cannot start.
    size_t workers = worker_count(cfg);
    uint64_t need = uint64_t{cfg.mempool.cache} * (workers + 1);
    for (const PortConfig& p : cfg.ports)
        need += uint64_t{p.rx_queue_size ? p.rx_queue_size : cfg.driver.rx_queue_size} * workers;
    if (need > cfg.mempool.mbufs)
        ctx.error_at(
            "mempool.mbufs", ctx.top(),
            fmt::format("{} mbufs cannot fill the RX rings and lcore caches: they hold "
                        "{} ({} port{} x {} worker{} x RX queue size + {} lcores x "
                        "cache {})",
                        cfg.mempool.mbufs, need, cfg.ports.size(), cfg.ports.size() == 1 ? "" : "s",
                        workers, workers == 1 ? "" : "s", workers + 1, cfg.mempool.cache));
}

void check_console(Ctx& ctx, const Config& cfg) {
    // sun_path is 108 bytes including the terminating NUL.
    std::string path = fmt::format("{}/{}.sock", cfg.console.socket_dir, cfg.eal.file_prefix);
    if (path.size() > 107)
        ctx.error_at("console.socket_dir", ctx.top(),
                     fmt::format("console socket path \"{}\" is longer than 107 characters", path));
}

}  // namespace haslb::config::detail
