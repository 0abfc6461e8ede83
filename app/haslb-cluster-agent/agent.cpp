// SPDX-License-Identifier: BSD-3-Clause
#include "agent.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "command.hpp"
#include "ikev2/wire.hpp"

namespace haslb::cluster_agent {

namespace {

uint64_t now_ms() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return uint64_t(ts.tv_sec) * 1000 + uint64_t(ts.tv_nsec) / 1000000;
}

// A socket address of `a` (either family) and `port`; returns its length.
socklen_t sockaddr_of(const config::IpAddr& a, uint16_t port, sockaddr_storage& ss) {
    ss = {};
    if (a.family == 6) {
        auto* sa = reinterpret_cast<sockaddr_in6*>(&ss);
        sa->sin6_family = AF_INET6;
        sa->sin6_port = htons(port);
        memcpy(&sa->sin6_addr, a.bytes.data(), 16);
        return sizeof(*sa);
    }
    auto* sa = reinterpret_cast<sockaddr_in*>(&ss);
    sa->sin_family = AF_INET;
    sa->sin_port = htons(port);
    memcpy(&sa->sin_addr, a.bytes.data(), 4);
    return sizeof(*sa);
}

int connect_to(const Options& o, std::string& err) {
    const int fd =
        socket(o.primary.family == 6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        err = strerror(errno);
        return -1;
    }
    sockaddr_storage ss;
    if (o.bind.family) {
        const socklen_t sl = sockaddr_of(o.bind, 0, ss);
        if (bind(fd, reinterpret_cast<sockaddr*>(&ss), sl) != 0) {
            err = fmt::format("bind {}: {}", config::format_ip(o.bind), strerror(errno));
            close(fd);
            return -1;
        }
    }
    // A bounded connect: 3 s.
    timeval tv{3, 0};
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    const socklen_t sl = sockaddr_of(o.primary, o.port, ss);
    if (connect(fd, reinterpret_cast<sockaddr*>(&ss), sl) != 0) {
        err = strerror(errno);
        close(fd);
        return -1;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    return fd;
}

bool send_all(int fd, const std::vector<uint8_t>& m) {
    size_t off = 0;
    while (off < m.size()) {
        const ssize_t n = send(fd, m.data() + off, m.size() - off, MSG_NOSIGNAL);
        if (n > 0) {
            off += size_t(n);
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else {
            return false;
        }
    }
    return true;
}

}  // namespace

void logf_line(const std::string& line) {
    const auto t = std::time(nullptr);
    fmt::print(stderr, "{:%Y-%m-%dT%H:%M:%SZ} haslb-cluster-agent: {}\n", fmt::gmtime(t), line);
}

bool read_load(const Options& o, HostLoad& host, ikev2::LoadReport& out, std::string& err) {
    TextLoad t;
    if (o.source == Source::kSwanctl) {
        const dfp_agent::CommandResult r =
            dfp_agent::run_command(o.swanctl, o.command_timeout_ms, true);
        if (r.end != dfp_agent::CommandResult::End::kExited || r.code != 0) {
            err =
                fmt::format("\"{}\": {}", o.swanctl, dfp_agent::describe(r, o.command_timeout_ms));
            return false;
        }
        t.r = parse_swanctl(r.output);
    } else {
        std::string text;
        if (o.source == Source::kFile) {
            std::ifstream f(o.file);
            if (!f) {
                err = fmt::format("cannot read {}: {}", o.file, strerror(errno));
                return false;
            }
            std::stringstream ss;
            ss << f.rdbuf();
            text = ss.str();
        } else {
            const dfp_agent::CommandResult r =
                dfp_agent::run_command(o.command, o.command_timeout_ms, true);
            if (r.end != dfp_agent::CommandResult::End::kExited || r.code != 0) {
                err = fmt::format("\"{}\": {}", o.command,
                                  dfp_agent::describe(r, o.command_timeout_ms));
                return false;
            }
            text = r.output;
        }
        if (!parse_load_text(text, t, err)) return false;
    }
    if (!t.has_cpu) t.r.cpu_pm = host.cpu_pm();
    if (!t.has_mem) t.r.mem_pm = host.mem_pm();
    out = t.r;
    return true;
}

int run(const Options& o, const std::atomic<bool>& stop) {
    HostLoad host;
    host.cpu_pm();  // starts the CPU measurement interval
    ikev2::wire::Hello h;
    h.gateway = o.gateway;
    h.hello_ms = o.hello_ms;
    h.update_ms = o.update_ms;
    h.max_session = o.max_session;
    const std::string primary = o.primary.family == 6
                                    ? fmt::format("[{}]:{}", config::format_ip(o.primary), o.port)
                                    : fmt::format("{}:{}", config::format_ip(o.primary), o.port);
    std::string last_problem;
    while (!stop) {
        std::string err;
        const int fd = connect_to(o, err);
        if (fd < 0) {
            if (err != last_problem)
                logf_line(fmt::format("cannot connect to {}: {}", primary, err));
            last_problem = err;
            if (o.once) return 1;
            for (int i = 0; i < 10 && !stop; i++) usleep(100000);
            continue;
        }
        last_problem.clear();
        logf_line(
            fmt::format("connected to {} as gateway {}", primary, config::format_ip(o.gateway)));
        ikev2::wire::Framer framer;
        uint64_t next_hello = 0, next_update = 0, acks = 0;
        bool ok = true;
        std::string last_load_problem;
        while (ok && !stop) {
            const uint64_t now = now_ms();
            if (now >= next_hello) {
                ok = send_all(fd, ikev2::wire::encode_hello(h));
                next_hello = now + o.hello_ms;
            }
            if (ok && now >= next_update) {
                ikev2::LoadReport r;
                std::string lerr;
                if (read_load(o, host, r, lerr)) {
                    ok = send_all(fd, ikev2::wire::encode_update(r));
                    if (last_load_problem.size()) logf_line("load source is back");
                    last_load_problem.clear();
                } else if (lerr != last_load_problem) {
                    logf_line(fmt::format("no load sent: {}", lerr));
                    last_load_problem = lerr;
                }
                next_update = now + o.update_ms;
            }
            if (!ok) break;
            const uint64_t wake = std::min(next_hello, next_update);
            pollfd p{fd, POLLIN, 0};
            const int n = poll(&p, 1, int(std::min<uint64_t>(wake > now ? wake - now : 0, 200)));
            if (n > 0) {
                uint8_t buf[512];
                const ssize_t got = recv(fd, buf, sizeof(buf), 0);
                if (got <= 0) {
                    logf_line(fmt::format("{} closed the connection", primary));
                    ok = false;
                    break;
                }
                framer.feed(buf, size_t(got));
                std::vector<uint8_t> body;
                while (framer.next(body)) {
                    ikev2::wire::Msg m;
                    if (ikev2::wire::decode(body.data(), body.size(), m) ==
                            ikev2::wire::Error::kOk &&
                        m.type == ikev2::wire::kAck) {
                        if (acks++ == 0)
                            logf_line(fmt::format("acknowledged by {} (hold time {} ms)", primary,
                                                  m.holdtime_ms));
                    }
                }
                // --once: HELLO and UPDATE both acknowledged.
                if (o.once && acks >= 2) {
                    close(fd);
                    return 0;
                }
            }
        }
        close(fd);
        if (o.once) return 1;
        for (int i = 0; i < 10 && !stop; i++) usleep(100000);
    }
    return 0;
}

}  // namespace haslb::cluster_agent
