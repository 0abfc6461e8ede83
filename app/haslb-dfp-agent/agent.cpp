// SPDX-License-Identifier: BSD-3-Clause
// DFP agent connection handling (see agent.hpp).
#include "agent.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace haslb::dfp_agent {

namespace {

int64_t now_ms() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return int64_t{ts.tv_sec} * 1000 + ts.tv_nsec / 1000000;
}

// VEITHEN's choice: a report every 3/4 of the interval reaches the manager
// before it gives up even when one is late.
int64_t period_ms(uint32_t interval_s) {
    return int64_t{interval_s} * 750;
}

std::string endpoint(const sockaddr_in& a) {
    return fmt::format("{}:{}", addr_str(ntohl(a.sin_addr.s_addr)), ntohs(a.sin_port));
}

}  // namespace

int Agent::open(std::string& err) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        int e = errno;
        err = fmt::format("socket: {}", strerror(e));
        return -e;
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);  // restart while TIME_WAIT lingers
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(opt_.port);
    a.sin_addr.s_addr = htonl(opt_.bind_addr);
    if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(fd, 1) != 0) {
        int e = errno;
        err = fmt::format("cannot listen on {}: {}", endpoint(a), strerror(e));
        close(fd);
        return -e;
    }
    listen_fd_ = fd;
    return 0;
}

uint16_t Agent::port() const {
    sockaddr_in a{};
    socklen_t len = sizeof a;
    if (listen_fd_ < 0 || getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0)
        return 0;
    return ntohs(a.sin_port);
}

void Agent::step(int max_ms, const sigset_t* mask) {
    int64_t now = now_ms();
    int64_t wait = max_ms;
    if (conn_.fd >= 0)
        wait = std::min(wait, std::min(conn_.next_send_ms, conn_.next_check_ms) - now);
    bool accepting = listen_fd_ >= 0 && now >= accept_paused_until_;
    if (!accepting && listen_fd_ >= 0) wait = std::min(wait, accept_paused_until_ - now);
    wait = std::max<int64_t>(wait, 0);

    pollfd p[2] = {{accepting ? listen_fd_ : -1, POLLIN, 0}, {-1, 0, 0}};
    if (conn_.fd >= 0) {
        p[1].fd = conn_.fd;
        p[1].events = static_cast<short>(POLLIN | (conn_.unsent.empty() ? 0 : POLLOUT));
    }
    timespec ts{static_cast<time_t>(wait / 1000), static_cast<long>(wait % 1000) * 1000000};
    int n = ppoll(p, 2, &ts, mask);
    if (n < 0) {
        if (errno != EINTR) logf("poll: {}", strerror(errno));
        return;  // a signal: let the caller look at its stop flag
    }
    // The old connection first: a manager that reconnects may have sent
    // something on the old one that is still worth reading before it goes.
    if (p[1].fd >= 0 && p[1].revents) on_events(p[1].revents);
    if (p[0].fd >= 0 && (p[0].revents & POLLIN)) accept_all(now_ms());
    run_timers();
}

void Agent::accept_all(int64_t now) {
    for (;;) {
        sockaddr_in peer{};
        socklen_t len = sizeof peer;
        int fd = accept4(listen_fd_, reinterpret_cast<sockaddr*>(&peer), &len,
                         SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK) {
                logf("accept: {}; not accepting for {} ms", strerror(errno), kAcceptPauseMs);
                accept_paused_until_ = now + kAcceptPauseMs;
            }
            return;
        }
        std::string who = endpoint(peer);
        if (conn_.fd >= 0) drop(fmt::format("replaced by a new connection from {}", who));
        // Each message must leave in one segment, at once (a CSS refuses split messages).
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        sockaddr_in local{};
        len = sizeof local;
        getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len);

        conn_ = Conn{};
        conn_.fd = fd;
        conn_.peer = who;
        conn_.local_addr = ntohl(local.sin_addr.s_addr);
        conn_.interval_s = opt_.interval_s;
        conn_.next_send_ms = now;  // the first report goes at once
        conn_.next_check_ms = now;
        uint32_t host = opt_.has_host ? opt_.host_addr : conn_.local_addr;
        logf("manager {} connected; reporting {} {}/{} bind-id {}, keep-alive {} s", who,
             addr_str(host), protocol_str(opt_.protocol), opt_.service_port, opt_.bind_id,
             conn_.interval_s);
    }
}

void Agent::on_events(short revents) {
    if (revents & (POLLIN | POLLHUP | POLLERR)) {
        if (!read_all()) return;
    }
    if (conn_.fd >= 0 && (revents & POLLOUT)) flush();
}

// False when the connection was closed.
bool Agent::read_all() {
    uint8_t buf[4096];
    // Bounded: a manager flooding us cannot keep the loop from its timers.
    for (int i = 0; i < 16; i++) {
        ssize_t n = recv(conn_.fd, buf, sizeof buf, 0);
        if (n == 0) {
            drop("closed by the manager");
            return false;
        }
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) return true;
            drop(fmt::format("read: {}", strerror(errno)));
            return false;
        }
        conn_.framer.feed(buf, static_cast<size_t>(n));
        std::vector<uint8_t> msg;
        while (conn_.framer.next(msg))
            if (!handle(msg)) return false;
        if (conn_.framer.error() != dfp::Error::kOk) {
            // No resync is possible in a stream without markers.
            drop(fmt::format("framing error: {}", dfp::error_name(conn_.framer.error())));
            return false;
        }
        if (static_cast<size_t>(n) < sizeof buf) return true;
    }
    return true;
}

// False when the message closed the connection.
bool Agent::handle(const std::vector<uint8_t>& msg) {
    dfp::Message m;
    dfp::Error e = dfp::decode(msg.data(), msg.size(), m, opt_.password);
    uint16_t type = msg.size() >= 4 ? static_cast<uint16_t>(msg[2] << 8 | msg[3]) : 0;
    if (e != dfp::Error::kOk) {
        bool security = e == dfp::Error::kBadDigest || e == dfp::Error::kNoSecurity ||
                        e == dfp::Error::kSecurityNotFirst;
        if (e == dfp::Error::kBadVersion || e == dfp::Error::kBadLength ||
            (security && !opt_.password.empty())) {
            drop(fmt::format("message type 0x{:04x}: {}", type, dfp::error_name(e)));
            return false;
        }
        // The stream is still in step: skip the one message.
        logf("manager {}: ignoring message type 0x{:04x}: {}", conn_.peer, type,
             dfp::error_name(e));
        return true;
    }
    if (m.has_security && opt_.password.empty() && !conn_.warned_security) {
        conn_.warned_security = true;
        logf("manager {} signs its messages but no --password is set; it will refuse ours",
             conn_.peer);
    }
    if (m.type == dfp::kDfpParameters && m.has_keepalive) set_interval(m.keepalive_s);
    return true;  // Server State is informational; the agent keeps its own view
}

void Agent::set_interval(uint32_t keepalive_s) {
    if (keepalive_s == 0) {
        logf("manager {} sets keep-alive 0 (it will not time out); keeping {} s", conn_.peer,
             conn_.interval_s);
        return;
    }
    uint32_t s = std::min(keepalive_s, kMaxIntervalS);
    logf("manager {} sets keep-alive {} s{}; reporting every {} ms", conn_.peer, keepalive_s,
         s != keepalive_s ? fmt::format(" (capped at {} s)", s) : "", period_ms(s));
    conn_.interval_s = s;
    // Counted from the last report, so a shorter interval takes effect now.
    conn_.next_send_ms = conn_.last_send_ms + period_ms(s);
}

void Agent::run_timers() {
    if (conn_.fd < 0) return;
    int64_t now = now_ms();
    bool send_due = now >= conn_.next_send_ms;
    bool check_due = now >= conn_.next_check_ms;
    if (!send_due && !check_due) return;
    Report r = weigher_.compute();
    problems_.update(r.problems);
    now = now_ms();  // a command may have taken a while
    if (check_due) conn_.next_check_ms = now + kCheckMs;
    if (send_due || r.weight != conn_.last_weight) send_report(r, now);
}

void Agent::send_report(const Report& r, int64_t now) {
    if (r.weight != conn_.last_weight) logf("weight {} ({})", r.weight, r.detail);
    uint32_t host = opt_.has_host ? opt_.host_addr : conn_.local_addr;
    dfp::Load load;
    load.port = opt_.service_port;
    load.protocol = opt_.protocol;
    load.flags = 0;
    load.hosts.push_back(dfp::HostWeight{host, opt_.bind_id, r.weight});
    conn_.last_weight = r.weight;
    conn_.last_send_ms = now;
    conn_.next_send_ms = now + period_ms(conn_.interval_s);
    write_message(dfp::encode_preference({load}, opt_.password, opt_.key_id));
}

// One send() per message; what the kernel did not take waits for POLLOUT.
void Agent::write_message(const std::vector<uint8_t>& bytes) {
    if (!conn_.unsent.empty()) {
        if (conn_.unsent.size() + bytes.size() > kMaxUnsent) {
            drop(fmt::format("not reading ({} bytes unsent)", conn_.unsent.size()));
            return;
        }
        conn_.unsent.insert(conn_.unsent.end(), bytes.begin(), bytes.end());
        return;
    }
    ssize_t n;
    do {
        n = send(conn_.fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
        drop(fmt::format("write: {}", strerror(errno)));
        return;
    }
    size_t sent = n < 0 ? 0 : static_cast<size_t>(n);
    conn_.unsent.assign(bytes.begin() + static_cast<ptrdiff_t>(sent), bytes.end());
}

void Agent::flush() {
    while (!conn_.unsent.empty()) {
        ssize_t n = send(conn_.fd, conn_.unsent.data(), conn_.unsent.size(), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
        if (n < 0) {
            drop(fmt::format("write: {}", strerror(errno)));
            return;
        }
        conn_.unsent.erase(conn_.unsent.begin(), conn_.unsent.begin() + n);
    }
}

void Agent::drop(const std::string& why) {
    logf("manager {}: {}; connection closed", conn_.peer, why);
    close(conn_.fd);
    conn_ = Conn{};
}

void Agent::shutdown() {
    if (conn_.fd >= 0) drop("agent stopping");
    if (listen_fd_ >= 0) close(listen_fd_);
    listen_fd_ = -1;
}

}  // namespace haslb::dfp_agent
