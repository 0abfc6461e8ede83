// SPDX-License-Identifier: BSD-3-Clause
#include "route/fib6.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <rte_errno.h>
#include <rte_malloc.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/dataplane.hpp"
#include "net/ipv6.hpp"

namespace haslb::route {

std::atomic<const Fib6*> g_fib6{nullptr};

namespace {

std::vector<Route6Info> g_routes6;  // the control lcore's list, the source of every rebuild
rte_rcu_qsbr* g_qsbr6 = nullptr;
uint32_t g_max_routes = 0;
uint32_t g_seq = 0;  // rte_lpm6 names must be unique while two tables coexist

std::string pfx6(const uint8_t* p, uint8_t l) {
    return fmt::format("{}/{}", format_ip6(p), l);
}

void fib6_free(const Fib6* f) {
    if (!f) return;
    rte_lpm6_free(f->lpm);
    rte_free(const_cast<Fib6*>(f));
}

bool host_bits_set(const uint8_t* p, uint8_t len) {
    for (unsigned bit = len; bit < 128; bit++)
        if (p[bit / 8] & (0x80 >> (bit % 8))) return true;
    return false;
}

// Builds the table for `routes`; null with err on failure.
Fib6* build(const std::vector<Route6Info>& routes, std::string& err) {
    // Next hops: one per distinct {gw, port}.
    std::vector<NextHop6> nhs;
    std::vector<uint32_t> ids;
    for (const auto& r : routes) {
        NextHop6 nh{};
        std::memcpy(nh.gw, r.via.data(), 16);
        nh.port = r.port;
        auto it = std::find_if(nhs.begin(), nhs.end(), [&](const NextHop6& x) {
            return x.port == nh.port && std::memcmp(x.gw, nh.gw, 16) == 0;
        });
        ids.push_back(uint32_t(it - nhs.begin()));
        if (it == nhs.end()) nhs.push_back(nh);
    }
    auto* f = static_cast<Fib6*>(rte_zmalloc(
        "haslb_fib6", sizeof(Fib6) + sizeof(NextHop6) * (nhs.size() + 1), RTE_CACHE_LINE_SIZE));
    if (!f) {
        err = "cannot allocate the IPv6 next-hop table";
        return nullptr;
    }
    rte_lpm6_config cfg{};
    cfg.max_rules = std::max<uint32_t>(g_max_routes, 16);
    // A /128 needs at most 13 tbl8 groups beyond the 24-bit first level.
    cfg.number_tbl8s = std::max<uint32_t>(256, uint32_t(routes.size()) * 14);
    const std::string name = fmt::format("haslb_fib6_{}", g_seq++);
    f->lpm = rte_lpm6_create(name.c_str(), SOCKET_ID_ANY, &cfg);
    if (!f->lpm) {
        err = fmt::format("rte_lpm6_create: {}", rte_strerror(rte_errno));
        rte_free(f);
        return nullptr;
    }
    for (size_t i = 0; i < routes.size(); i++) {
        int rc = rte_lpm6_add(f->lpm, routes[i].prefix.data(), routes[i].len, ids[i]);
        if (rc < 0) {
            err = fmt::format("cannot add route {}: {}",
                              pfx6(routes[i].prefix.data(), routes[i].len), rte_strerror(-rc));
            fib6_free(f);
            return nullptr;
        }
    }
    std::copy(nhs.begin(), nhs.end(), f->nh);
    f->nb_nh = uint32_t(nhs.size());
    return f;
}

// Makes `routes` the published table, then reclaims the old one.
int publish(std::vector<Route6Info> routes, std::string& err) {
    if (routes.size() > g_max_routes) {
        err = fmt::format("IPv6 routing table full ({} routes)", g_max_routes);
        return -ENOSPC;
    }
    std::sort(routes.begin(), routes.end(), [](const Route6Info& a, const Route6Info& b) {
        return a.prefix != b.prefix ? a.prefix < b.prefix : a.len < b.len;
    });
    Fib6* f = build(routes, err);
    if (!f) return -ENOMEM;
    const Fib6* old = g_fib6.exchange(f, std::memory_order_acq_rel);
    // No worker can still hold `old` once each has reported a quiescent state.
    if (g_qsbr6) rte_rcu_qsbr_synchronize(g_qsbr6, RTE_QSBR_THRID_INVALID);
    fib6_free(old);
    g_routes6 = std::move(routes);
    return 0;
}

int add(const Route6Info& r, std::string& err) {
    for (const auto& x : g_routes6)
        if (x.prefix == r.prefix && x.len == r.len) {
            err = fmt::format("route {} already exists", pfx6(r.prefix.data(), r.len));
            return -EEXIST;
        }
    std::vector<Route6Info> next = g_routes6;
    next.push_back(r);
    return publish(std::move(next), err);
}

}  // namespace

std::string format_ip6(const uint8_t* a) {
    char buf[INET6_ADDRSTRLEN];
    return inet_ntop(AF_INET6, a, buf, sizeof(buf)) ? buf : "?";
}

bool parse_ip6(const std::string& s, uint8_t* out) {
    return inet_pton(AF_INET6, s.c_str(), out) == 1;
}

int fib6_init(uint32_t max_routes, rte_rcu_qsbr* qsbr, std::string& err) {
    g_qsbr6 = qsbr;
    g_max_routes = max_routes;
    g_routes6.clear();
    return publish({}, err);
}

void fib6_fini() {
    fib6_free(g_fib6.exchange(nullptr));
    g_routes6.clear();
}

int route6_add_connected(uint16_t port, const uint8_t* prefix, uint8_t len, std::string& err) {
    if (len > 128) {
        err = fmt::format("prefix length {} out of range", len);
        return -EINVAL;
    }
    Route6Info r{};
    // Keep only the network bits of the port address.
    for (unsigned i = 0; i < 16; i++) {
        const unsigned bits = len > i * 8 ? std::min(8u, len - i * 8) : 0;
        r.prefix[i] = uint8_t(prefix[i] & (bits ? 0xff << (8 - bits) : 0));
    }
    r.len = len;
    r.type = RouteType::kConnected;
    r.port = port;
    return add(r, err);
}

int route6_add_static(const uint8_t* prefix, uint8_t len, const uint8_t* via, std::string& err) {
    if (len > 128) {
        err = fmt::format("prefix length {} out of range", len);
        return -EINVAL;
    }
    if (host_bits_set(prefix, len)) {
        err = fmt::format("{} has host bits set", pfx6(prefix, len));
        return -EINVAL;
    }
    if (net::ip6_is_link_local(via) || net::ip6_is_multicast(via) || net::ip6_is_unspecified(via)) {
        err = fmt::format("next hop {} must be a global unicast address", format_ip6(via));
        return -EINVAL;
    }
    // The gateway must be on a connected subnet: that decides the port.
    const Route6Info* conn = nullptr;
    for (const auto& r : g_routes6)
        if (r.type == RouteType::kConnected && net::ip6_in_prefix(via, r.prefix.data(), r.len) &&
            (!conn || r.len > conn->len))
            conn = &r;
    if (!conn) {
        err = fmt::format("next hop {} is not on a connected IPv6 subnet", format_ip6(via));
        return -ENETUNREACH;
    }
    Route6Info r{};
    std::memcpy(r.prefix.data(), prefix, 16);
    std::memcpy(r.via.data(), via, 16);
    r.len = len;
    r.type = RouteType::kStatic;
    r.port = conn->port;
    return add(r, err);
}

int route6_del(const uint8_t* prefix, uint8_t len, std::string& err) {
    auto it = std::find_if(g_routes6.begin(), g_routes6.end(), [&](const Route6Info& r) {
        return r.len == len && std::memcmp(r.prefix.data(), prefix, 16) == 0;
    });
    if (it == g_routes6.end()) {
        err = fmt::format("no route {}", pfx6(prefix, len));
        return -ENOENT;
    }
    std::vector<Route6Info> next = g_routes6;
    next.erase(next.begin() + (it - g_routes6.begin()));
    return publish(std::move(next), err);
}

std::vector<Route6Info> route6_list() {
    return g_routes6;
}

}  // namespace haslb::route
