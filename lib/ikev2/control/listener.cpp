// SPDX-License-Identifier: BSD-3-Clause
// The load-report listener (seed 003 "CLB load management": TCP, agents on
// the gateways connect to the primary): a kernel TCP socket in the
// exception namespace bound to a port address (or all of them), one
// connection per agent, messages (wire.hpp) applied through the model
// functions. Control lcore: a poller, non-blocking sockets.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <list>

#include "core/control.hpp"
#include "core/exception.hpp"
#include "core/netns.hpp"
#include "ikev2/control/model.hpp"
#include "ikev2/wire.hpp"

namespace haslb::ikev2::detail {
namespace {

constexpr size_t kMaxConns = 1024;

struct Conn {
    int fd = -1;
    std::string peer;
    wire::Framer framer;
    bool hello = false;
    config::IpAddr gw;
};

int g_lfd = -1;
std::list<Conn> g_conns;
uint64_t g_last_poll_ms = 0;

uint64_t mono_ms() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return uint64_t(ts.tv_sec) * 1000 + uint64_t(ts.tv_nsec) / 1000000;
}

void log(const std::string& line) {
    fmt::print(stderr, "haslb: CLUSTER: {}\n", line);
}

void send_ack(Conn& c) {
    uint32_t hold;
    {
        std::lock_guard<std::mutex> lk(g_mu);
        hold = g_params.holdtime_ms;
    }
    const std::vector<uint8_t> m = wire::encode_ack(hold);
    // 12 octets into an empty-enough socket buffer; a peer that does not
    // read its ACKs only misses ACKs.
    (void)!send(c.fd, m.data(), m.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
}

// Applies the complete messages; false when the connection must close.
bool drain(Conn& c, uint64_t now) {
    std::vector<uint8_t> body;
    while (c.framer.next(body)) {
        wire::Msg m;
        const wire::Error e = wire::decode(body.data(), body.size(), m);
        if (e != wire::Error::kOk) {
            log(fmt::format("agent {}: {}: closing", c.peer, wire::error_name(e)));
            return false;
        }
        std::string msg;
        if (m.type == wire::kHello) {
            if (c.hello && !(m.hello.gateway == c.gw)) {
                log(fmt::format("agent {}: changed its identity: closing", c.peer));
                return false;
            }
            if (member_hello(m.hello.gateway, m.hello.hello_ms, m.hello.update_ms,
                             m.hello.max_session, now, msg) != 0) {
                log(fmt::format("agent {}: {}: closing", c.peer, msg));
                return false;
            }
            if (!c.hello)
                log(fmt::format("agent {} speaks for member {}", c.peer,
                                config::format_ip(m.hello.gateway)));
            c.hello = true;
            c.gw = m.hello.gateway;
        } else if (m.type == wire::kUpdate) {
            if (!c.hello) {
                log(fmt::format("agent {}: UPDATE before HELLO: closing", c.peer));
                return false;
            }
            if (member_update(c.gw, m.update, now, msg) != 0) {
                log(fmt::format("agent {}: {}: closing", c.peer, msg));
                return false;
            }
        } else {
            log(fmt::format("agent {}: unexpected message type {}: closing", c.peer, m.type));
            return false;
        }
        send_ack(c);
    }
    if (c.framer.error() != wire::Error::kOk) {
        log(fmt::format("agent {}: {}: closing", c.peer, wire::error_name(c.framer.error())));
        return false;
    }
    return true;
}

// False when the connection is finished.
bool read_conn(Conn& c, uint64_t now) {
    uint8_t buf[2048];
    for (int reads = 0; reads < 16; reads++) {
        const ssize_t n = recv(c.fd, buf, sizeof(buf), 0);
        if (n > 0) {
            c.framer.feed(buf, size_t(n));
            if (!drain(c, now)) return false;
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
        if (n < 0 && errno == EINTR) continue;
        log(fmt::format("agent {} closed the connection", c.peer));
        return false;
    }
    return true;
}

// "192.0.2.7:40000" or "[2001:db8::7]:40000" (an IPv4-mapped peer of the
// dual-stack socket is shown as IPv4).
std::string peer_name(const sockaddr_storage& ss) {
    char host[INET6_ADDRSTRLEN] = "?";
    if (ss.ss_family == AF_INET) {
        const auto* sa = reinterpret_cast<const sockaddr_in*>(&ss);
        inet_ntop(AF_INET, &sa->sin_addr, host, sizeof(host));
        return fmt::format("{}:{}", host, ntohs(sa->sin_port));
    }
    if (ss.ss_family != AF_INET6) return "?";
    const auto* sa = reinterpret_cast<const sockaddr_in6*>(&ss);
    if (IN6_IS_ADDR_V4MAPPED(&sa->sin6_addr)) {
        inet_ntop(AF_INET, sa->sin6_addr.s6_addr + 12, host, sizeof(host));
        return fmt::format("{}:{}", host, ntohs(sa->sin6_port));
    }
    inet_ntop(AF_INET6, &sa->sin6_addr, host, sizeof(host));
    return fmt::format("[{}]:{}", host, ntohs(sa->sin6_port));
}

void accept_all() {
    for (;;) {
        sockaddr_storage ss{};
        socklen_t sl = sizeof(ss);
        const int fd =
            accept4(g_lfd, reinterpret_cast<sockaddr*>(&ss), &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) return;
        if (g_conns.size() >= kMaxConns) {
            close(fd);
            log("too many agent connections: refused one");
            continue;
        }
        const std::string peer = peer_name(ss);
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        Conn c;
        c.fd = fd;
        c.peer = peer;
        g_conns.push_back(std::move(c));
    }
}

unsigned poll_cb(uint64_t) {
    const uint64_t now = mono_ms();
    if (now - g_last_poll_ms < 20) return 0;
    g_last_poll_ms = now;
    return listener_poll_at(now);
}

}  // namespace

unsigned listener_poll_at(uint64_t now) {
    unsigned work = tick(now);
    if (g_lfd < 0) return work;
    std::vector<pollfd> pfds;
    pfds.push_back(pollfd{g_lfd, POLLIN, 0});
    for (const Conn& c : g_conns) pfds.push_back(pollfd{c.fd, POLLIN, 0});
    if (poll(pfds.data(), pfds.size(), 0) <= 0) return work;
    size_t k = 1;
    for (auto it = g_conns.begin(); it != g_conns.end(); k++) {
        if (!pfds[k].revents || read_conn(*it, now)) {
            ++it;
            continue;
        }
        close(it->fd);
        it = g_conns.erase(it);
        work++;
    }
    if (pfds[0].revents) {
        accept_all();
        work++;
    }
    return work;
}

uint16_t listener_port() {
    sockaddr_storage ss{};
    socklen_t sl = sizeof(ss);
    if (g_lfd < 0 || getsockname(g_lfd, reinterpret_cast<sockaddr*>(&ss), &sl) != 0) return 0;
    if (ss.ss_family == AF_INET6)
        return ntohs(reinterpret_cast<const sockaddr_in6*>(&ss)->sin6_port);
    return ntohs(reinterpret_cast<const sockaddr_in*>(&ss)->sin_port);
}

namespace {

// A listening TCP socket on `a` (family 0: every address of both families,
// or of IPv4 when the kernel has no IPv6). -errno on failure.
int open_listener(const config::IpAddr& a, uint16_t port) {
    int family = a.family == 4 ? AF_INET : AF_INET6;
    int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0 && a.family == 0) {
        family = AF_INET;
        fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    }
    if (fd < 0) return -errno;
    int one = 1, zero = 0;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    sockaddr_storage ss{};
    socklen_t sl;
    if (family == AF_INET) {
        // The port address may not be configured on the tap yet when this runs.
        setsockopt(fd, IPPROTO_IP, IP_FREEBIND, &one, sizeof(one));
        auto* sa = reinterpret_cast<sockaddr_in*>(&ss);
        sa->sin_family = AF_INET;
        sa->sin_port = htons(port);
        if (a.family == 4) memcpy(&sa->sin_addr, a.bytes.data(), 4);
        sl = sizeof(*sa);
    } else {
        setsockopt(fd, IPPROTO_IPV6, IPV6_FREEBIND, &one, sizeof(one));
        if (a.family == 0) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
        auto* sa = reinterpret_cast<sockaddr_in6*>(&ss);
        sa->sin6_family = AF_INET6;
        sa->sin6_port = htons(port);
        if (a.family == 6) memcpy(&sa->sin6_addr, a.bytes.data(), 16);
        sl = sizeof(*sa);
    }
    if (bind(fd, reinterpret_cast<sockaddr*>(&ss), sl) != 0 || listen(fd, 64) != 0) {
        const int e = errno;
        close(fd);
        return -e;
    }
    return fd;
}

}  // namespace

int listener_init(std::string& err) {
    static bool registered = false;
    if (!registered) {
        core::register_poller("cluster", poll_cb);
        registered = true;
    }
    core::NetnsScope scope(core::exception_netns());
    if (scope.status() != 0) {
        err = fmt::format("cluster: cannot enter the exception namespace: {}",
                          strerror(-scope.status()));
        return scope.status();
    }
    const int fd = open_listener(g_params.listen, g_params.port);
    if (fd < 0) {
        err = fmt::format("cluster: cannot listen on {} port {}: {}",
                          g_params.listen.family ? config::format_ip(g_params.listen) : "*",
                          g_params.port, strerror(-fd));
        return fd;
    }
    g_lfd = fd;
    return 0;
}

void listener_fini() {
    for (Conn& c : g_conns) close(c.fd);
    g_conns.clear();
    if (g_lfd >= 0) close(g_lfd);
    g_lfd = -1;
}

}  // namespace haslb::ikev2::detail
