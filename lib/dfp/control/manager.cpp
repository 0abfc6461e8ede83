// SPDX-License-Identifier: BSD-3-Clause
#include "dfp/manager.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>
#include <set>

#include "core/control.hpp"
#include "core/exception.hpp"
#include "core/netns.hpp"
#include "core/reload.hpp"
#include "dfp/wire.hpp"
#include "slb/slb.hpp"

namespace haslb::dfp {
namespace {

struct Agent {
    config::DfpAgentConfig cfg;
    std::string password;
    AgentState state = AgentState::kNotOpen;
    int fd = -1;
    Framer framer;
    uint64_t next_attempt_ms = 0;
    uint64_t last_msg_ms = 0;
    uint32_t attempts = 0;       // failed connection attempts in a row
    uint64_t conn_messages = 0;  // valid messages on the current connection
    uint64_t messages = 0, lost = 0, connects = 0, bad = 0;
    std::set<uint32_t> reals;  // addresses this agent has set weights for
};

struct Weight {
    uint16_t weight, port, bind_id;
    uint8_t protocol;
    std::string agent;
    std::time_t set_at;
};

std::mutex g_mu;  // guards g_agents' counters/state and g_weights for the views
std::vector<Agent> g_agents;
std::map<uint32_t, Weight> g_weights;  // by real address
bool g_password = false;
uint64_t g_last_poll_ms = 0;

uint64_t mono_ms() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return uint64_t(ts.tv_sec) * 1000 + uint64_t(ts.tv_nsec) / 1000000;
}

std::string agent_name(const Agent& a) {
    return fmt::format("{}:{}", config::format_ipv4(a.cfg.address), a.cfg.port);
}

void log(const std::string& line) {
    fmt::print(stderr, "haslb: DFP: {}\n", line);
}

// Weights this agent set return to the reals' static weights (lost agent).
void revert_weights(Agent& a) {
    std::string msg;
    for (uint32_t r : a.reals) {
        slb::set_real_dfp_weight(r, -1, msg);
        g_weights.erase(r);
    }
    if (!a.reals.empty())
        log(fmt::format("agent {} lost: {} real(s) back to their static weight", agent_name(a),
                        a.reals.size()));
    a.reals.clear();
}

void close_agent(Agent& a, AgentState next, uint64_t now) {
    if (a.fd >= 0) close(a.fd);
    a.fd = -1;
    a.framer = Framer{};
    // Lost = an agent that had been talking goes away; one that never said
    // anything valid was never a source of weights.
    if (a.state == AgentState::kOpen && a.conn_messages > 0) a.lost++;
    revert_weights(a);
    a.conn_messages = 0;
    a.state = next;
    a.next_attempt_ms = now + uint64_t(a.cfg.retry_interval_s) * 1000;
}

void attempt_failed(Agent& a, uint64_t now, const char* why) {
    a.attempts++;
    const bool give_up = a.cfg.retry_count && a.attempts >= a.cfg.retry_count;
    log(fmt::format("agent {}: {}{}", agent_name(a), why,
                    give_up ? "; FAILED after the retry count" : ""));
    close_agent(a, give_up ? AgentState::kFailed : AgentState::kTrying, now);
}

bool send_all(int fd, const std::vector<uint8_t>& m) {
    size_t off = 0;
    while (off < m.size()) {
        ssize_t n = send(fd, m.data() + off, m.size() - off, MSG_NOSIGNAL);
        if (n > 0) {
            off += size_t(n);
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            pollfd p{fd, POLLOUT, 0};
            if (poll(&p, 1, 100) > 0)
                continue;  // a few small messages: the socket buffer is never full for long
        }
        return false;
    }
    return true;
}

void start_connect(Agent& a, uint64_t now) {
    core::NetnsScope scope(core::exception_netns());
    a.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (a.fd < 0) {
        attempt_failed(a, now, "socket() failed");
        return;
    }
    int one = 1;
    setsockopt(a.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(a.cfg.port);
    sa.sin_addr.s_addr = htonl(a.cfg.address);
    if (connect(a.fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) == 0 || errno == EINPROGRESS) {
        a.state = AgentState::kConnecting;
        a.next_attempt_ms = now + 10000;  // connect timeout
        return;
    }
    attempt_failed(a, now, strerror(errno));
}

void opened(Agent& a, uint64_t now) {
    a.state = AgentState::kOpen;
    a.attempts = 0;
    a.connects++;
    a.last_msg_ms = now;
    log(fmt::format("agent {} OPEN", agent_name(a)));
    // The agent reports at least every keep-alive interval: our timeout.
    if (!send_all(a.fd, encode_parameters(a.cfg.timeout_s, a.password, 0)))
        attempt_failed(a, now, "cannot send DFP Parameters");
}

void apply(Agent& a, const Message& m) {
    const std::time_t t = std::time(nullptr);
    for (const Load& l : m.loads) {
        // Mobile IP registrations: UDP 434, or the agent's "any".
        if ((l.port != 0 && l.port != 434) || (l.protocol != 0 && l.protocol != 17)) continue;
        for (const HostWeight& h : l.hosts) {
            std::string msg;
            if (slb::set_real_dfp_weight(h.addr, h.weight, msg) != 0)
                continue;  // not one of our reals
            a.reals.insert(h.addr);
            g_weights[h.addr] = Weight{h.weight, l.port, h.bind_id, l.protocol, agent_name(a), t};
        }
    }
}

// Handles the complete messages in the framer; false when the connection
// was closed because of one.
bool drain_messages(Agent& a, uint64_t now) {
    std::vector<uint8_t> msg;
    while (a.framer.next(msg)) {
        Message m;
        const Error e = decode(msg.data(), msg.size(), m, a.password);
        if (e != Error::kOk) {
            a.bad++;
            log(fmt::format("agent {}: {}: closing", agent_name(a), error_name(e)));
            const bool security = e == Error::kBadDigest || e == Error::kNoSecurity;
            close_agent(a, security ? AgentState::kSecurityError : AgentState::kTrying, now);
            return false;
        }
        a.messages++;
        a.conn_messages++;
        a.last_msg_ms = now;
        if (m.type == kPreferenceInfo) apply(a, m);
    }
    if (a.framer.error() != Error::kOk) {
        a.bad++;
        log(fmt::format("agent {}: {}: closing", agent_name(a), error_name(a.framer.error())));
        close_agent(a, AgentState::kTrying, now);
        return false;
    }
    return true;
}

void read_agent(Agent& a, uint64_t now) {
    uint8_t buf[4096];
    // Messages are taken off after every read, so the framer never holds
    // more than one read and a partial message (it shifts its buffer).
    for (int reads = 0; reads < 64; reads++) {
        ssize_t n = recv(a.fd, buf, sizeof(buf), 0);
        if (n > 0) {
            a.framer.feed(buf, size_t(n));
            if (!drain_messages(a, now)) return;
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
        if (n < 0 && errno == EINTR) continue;
        // An agent closes at once on our Parameters when their digest does
        // not match its password: with a password, a close before any valid
        // message is a security error, not a lost agent.
        const bool security = !a.password.empty() && a.conn_messages == 0;
        log(fmt::format("agent {} closed the connection{}", agent_name(a),
                        security ? " before any message (password mismatch?)" : ""));
        close_agent(a, security ? AgentState::kSecurityError : AgentState::kTrying, now);
        return;
    }
}

unsigned poll_cb(uint64_t) {
    const uint64_t now = mono_ms();
    // Ten passes a second are plenty for second-scale timers.
    if (now - g_last_poll_ms < 100) return 0;
    g_last_poll_ms = now;
    return manager_poll_at(now);
}

int reload_cb(const config::Config& cur, const config::Config& next, bool apply_it,
              std::string& msg) {
    if (!apply_it) return 0;
    const auto same = [](const config::DfpAgentConfig& x, const config::DfpAgentConfig& y) {
        return x.address == y.address && x.port == y.port && x.timeout_s == y.timeout_s &&
               x.retry_count == y.retry_count && x.retry_interval_s == y.retry_interval_s &&
               x.password == y.password;
    };
    bool changed = cur.slb.dfp.password != next.slb.dfp.password ||
                   cur.slb.dfp.agents.size() != next.slb.dfp.agents.size();
    for (size_t i = 0; !changed && i < next.slb.dfp.agents.size(); i++)
        changed = !same(cur.slb.dfp.agents[i], next.slb.dfp.agents[i]);
    if (!changed) return 0;
    manager_fini();
    std::string err;
    int rc = manager_init(next, err);
    msg += rc == 0 ? fmt::format("DFP agents restarted ({})\n", next.slb.dfp.agents.size())
                   : err + "\n";
    return rc;
}

}  // namespace

const char* agent_state_name(AgentState s) {
    switch (s) {
        case AgentState::kNotOpen:
            return "NOT_OPEN";
        case AgentState::kTrying:
            return "TRYING";
        case AgentState::kConnecting:
            return "CONNECTING";
        case AgentState::kOpen:
            return "OPEN";
        case AgentState::kFailed:
            return "FAILED";
        case AgentState::kSecurityError:
            return "SECURITY_ERROR";
    }
    return "?";
}

unsigned manager_poll_at(uint64_t now) {
    std::lock_guard<std::mutex> lk(g_mu);
    std::vector<pollfd> pfds;
    std::vector<size_t> which;
    unsigned work = 0;
    for (size_t i = 0; i < g_agents.size(); i++) {
        Agent& a = g_agents[i];
        switch (a.state) {
            case AgentState::kNotOpen:
            case AgentState::kTrying:
            case AgentState::kSecurityError:
                if (now >= a.next_attempt_ms) {
                    a.state = AgentState::kTrying;
                    start_connect(a, now);
                    work++;
                }
                break;
            case AgentState::kConnecting:
                if (now >= a.next_attempt_ms) {
                    attempt_failed(a, now, "connect timed out");
                    break;
                }
                pfds.push_back(pollfd{a.fd, POLLOUT, 0});
                which.push_back(i);
                break;
            case AgentState::kOpen:
                if (a.cfg.timeout_s && now - a.last_msg_ms > uint64_t(a.cfg.timeout_s) * 1000) {
                    log(fmt::format("agent {}: no message for {} s", agent_name(a),
                                    a.cfg.timeout_s));
                    close_agent(a, AgentState::kTrying, now);
                    break;
                }
                pfds.push_back(pollfd{a.fd, POLLIN, 0});
                which.push_back(i);
                break;
            case AgentState::kFailed:
                break;
        }
    }
    if (pfds.empty() || poll(pfds.data(), pfds.size(), 0) <= 0) return work;
    for (size_t k = 0; k < pfds.size(); k++) {
        if (!pfds[k].revents) continue;
        Agent& a = g_agents[which[k]];
        work++;
        if (a.state == AgentState::kConnecting) {
            int err = 0;
            socklen_t len = sizeof(err);
            getsockopt(a.fd, SOL_SOCKET, SO_ERROR, &err, &len);
            if (err)
                attempt_failed(a, now, strerror(err));
            else
                opened(a, now);
        } else if (a.state == AgentState::kOpen) {
            read_agent(a, now);
        }
    }
    return work;
}

int manager_init(const config::Config& cfg, std::string& err) {
    static bool registered = false;
    if (!registered) {
        core::register_poller("dfp", poll_cb);
        core::register_reloader("dfp", reload_cb);
        registered = true;
    }
    std::lock_guard<std::mutex> lk(g_mu);
    g_agents.clear();
    g_password = !cfg.slb.dfp.password.empty();
    for (const auto& ac : cfg.slb.dfp.agents) {
        Agent a;
        a.cfg = ac;
        a.password = ac.password.empty() ? cfg.slb.dfp.password : ac.password;
        g_agents.push_back(std::move(a));
    }
    (void)err;
    return 0;
}

void manager_fini() {
    std::lock_guard<std::mutex> lk(g_mu);
    const uint64_t now = mono_ms();
    for (auto& a : g_agents) close_agent(a, AgentState::kNotOpen, now);
    g_agents.clear();
    g_weights.clear();
}

std::vector<AgentView> agent_views() {
    std::lock_guard<std::mutex> lk(g_mu);
    const uint64_t now = mono_ms();
    std::vector<AgentView> out;
    for (const auto& a : g_agents)
        out.push_back(AgentView{config::format_ipv4(a.cfg.address), a.cfg.port, a.cfg.timeout_s,
                                a.cfg.retry_count, a.cfg.retry_interval_s,
                                agent_state_name(a.state), a.messages, a.lost, a.connects, a.bad,
                                a.messages ? int64_t((now - a.last_msg_ms) / 1000) : -1});
    return out;
}

std::vector<WeightView> weight_views() {
    std::lock_guard<std::mutex> lk(g_mu);
    std::vector<WeightView> out;
    for (const auto& [addr, w] : g_weights)
        out.push_back(WeightView{config::format_ipv4(addr), w.weight, w.port, w.protocol, w.bind_id,
                                 w.agent, w.set_at});
    return out;
}

bool password_set() {
    std::lock_guard<std::mutex> lk(g_mu);
    return g_password;
}

}  // namespace haslb::dfp
