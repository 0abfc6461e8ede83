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
        char host[INET6_ADDRSTRLEN] = "?";
        uint16_t port = 0;
        if (ss.ss_family == AF_INET) {
            const auto* sa = reinterpret_cast<const sockaddr_in*>(&ss);
            inet_ntop(AF_INET, &sa->sin_addr, host, sizeof(host));
            port = ntohs(sa->sin_port);
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        Conn c;
        c.fd = fd;
        c.peer = fmt::format("{}:{}", host, port);
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
    sockaddr_in sa{};
    socklen_t sl = sizeof(sa);
    if (g_lfd < 0 || getsockname(g_lfd, reinterpret_cast<sockaddr*>(&sa), &sl) != 0) return 0;
    return ntohs(sa.sin_port);
}

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
    g_lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (g_lfd < 0) {
        err = fmt::format("cluster: socket(): {}", strerror(errno));
        return -errno;
    }
    int one = 1;
    setsockopt(g_lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    // The port address may not be configured on the tap yet when this runs.
    setsockopt(g_lfd, IPPROTO_IP, IP_FREEBIND, &one, sizeof(one));
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(g_params.port);
    sa.sin_addr.s_addr = htonl(g_params.listen);
    if (bind(g_lfd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) != 0 || listen(g_lfd, 64) != 0) {
        const int e = errno;
        err = fmt::format("cluster: cannot listen on {}:{}: {}",
                          config::format_ipv4(g_params.listen), g_params.port, strerror(e));
        close(g_lfd);
        g_lfd = -1;
        return -e;
    }
    return 0;
}

void listener_fini() {
    for (Conn& c : g_conns) close(c.fd);
    g_conns.clear();
    if (g_lfd >= 0) close(g_lfd);
    g_lfd = -1;
}

}  // namespace haslb::ikev2::detail
