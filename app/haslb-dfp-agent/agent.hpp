// SPDX-License-Identifier: BSD-3-Clause
// The DFP agent's connection handling: listen, accept the manager (a new
// connection replaces the old one), send Preference Information at once,
// every 3/4 of the keep-alive interval and when the weight changes (checked
// every second), and read the manager's DFP Parameters. One thread, poll().
#pragma once

#include <signal.h>

#include <cstdint>
#include <string>
#include <vector>

#include "dfp/wire.hpp"
#include "log.hpp"
#include "options.hpp"
#include "weight.hpp"

namespace haslb::dfp_agent {

constexpr int kCheckMs = 1000;            // how often the weight is recomputed
constexpr size_t kMaxUnsent = 64 * 1024;  // a manager this far behind is not reading
constexpr int kAcceptPauseMs = 1000;      // after EMFILE and the like, so poll does not spin

class Agent {
public:
    // Both must outlive the Agent.
    Agent(const Options& o, Weigher& w) : opt_(o), weigher_(w) {}
    ~Agent() { shutdown(); }
    Agent(const Agent&) = delete;
    Agent& operator=(const Agent&) = delete;

    // Opens the listening socket (backlog 1, as the reference agent).
    // Returns 0, or -errno with a message in `err`.
    int open(std::string& err);
    // The bound port: tests listen on port 0.
    uint16_t port() const;

    // Waits at most max_ms for the sockets or the next due report, then does
    // what is due. With `mask`, waits with ppoll() under that signal mask, so
    // a signal blocked elsewhere interrupts exactly the wait (then it returns).
    void step(int max_ms, const sigset_t* mask = nullptr);

    bool connected() const { return conn_.fd >= 0; }
    uint32_t interval_s() const { return conn_.interval_s; }
    // Closes the manager's connection and the listening socket.
    void shutdown();

private:
    struct Conn {
        int fd = -1;
        std::string peer;         // "addr:port" of the manager
        uint32_t local_addr = 0;  // host order; reported unless --host
        dfp::Framer framer;
        std::vector<uint8_t> unsent;
        uint32_t interval_s = 0;
        int64_t last_send_ms = 0;
        int64_t next_send_ms = 0;
        int64_t next_check_ms = 0;
        int last_weight = -1;  // none sent yet
        bool warned_security = false;
    };

    void accept_all(int64_t now);
    void on_events(short revents);
    bool read_all();
    bool handle(const std::vector<uint8_t>& msg);
    void set_interval(uint32_t keepalive_s);
    void run_timers();
    void send_report(const Report& r, int64_t now);
    void write_message(const std::vector<uint8_t>& bytes);
    void flush();
    void drop(const std::string& why);

    const Options& opt_;
    Weigher& weigher_;
    ProblemLog problems_;
    int listen_fd_ = -1;
    int64_t accept_paused_until_ = 0;
    Conn conn_;
};

}  // namespace haslb::dfp_agent
