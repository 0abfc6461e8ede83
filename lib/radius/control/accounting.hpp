// SPDX-License-Identifier: BSD-3-Clause
// Internal to lib/radius: the accounting client. Records go out one at a
// time, in spool order (the head waits for its Accounting-Response before
// the next is sent), so the AAA sees Stop before Start and, after an outage
// or a restart, every record in the order it was made. A record is
// retransmitted with doubling intervals; after `retries` sends to a server
// the next server is tried, round and round, until one answers: records are
// never given up. Control lcore only.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "radius/control/spool.hpp"
#include "radius/wire.hpp"

namespace haslb::radius {

struct AcctServer {
    uint32_t addr = 0;  // host order
    uint16_t port = 1813;
    std::string secret;
};

struct AcctSettings {
    std::vector<AcctServer> servers;
    std::string spool;  // directory
    uint32_t retransmit_ms = 1000;
    uint32_t max_retransmit_ms = 16000;
    uint32_t retries = 3;
    std::string netns;  // namespace of the socket ("" = this thread's)
};

class AcctClient {
public:
    AcctClient() = default;
    AcctClient(const AcctClient&) = delete;
    AcctClient& operator=(const AcctClient&) = delete;
    ~AcctClient() { stop(); }

    // Opens the spool (loading what an earlier run left, in order) and the
    // socket. 0 or negative errno with err.
    int start(const AcctSettings& s, std::string& err);
    // Closes the socket; the spool stays for the next start.
    void stop();
    bool started() const { return fd_ >= 0; }

    // Spools a record (its RADIUS attributes) and queues it. 0 or negative
    // errno: a record that cannot be written is not sent either.
    int submit(const std::vector<uint8_t>& attrs, std::string& err);

    // Receives answers, sends and retransmits. Returns the work done.
    unsigned poll(uint64_t now_ms);

    size_t depth() const { return queue_.size(); }
    size_t server() const { return server_; }
    const AcctSettings& settings() const { return set_; }

private:
    void send_head(uint64_t now_ms);
    unsigned receive(uint64_t now_ms);

    AcctSettings set_;
    int fd_ = -1;
    std::deque<SpoolRecord> queue_;
    uint64_t next_seq_ = 1;
    size_t server_ = 0;
    bool inflight_ = false;
    uint8_t id_ = 0;
    Authenticator req_auth_{};
    std::vector<uint8_t> packet_;
    uint32_t tries_ = 0;  // sends of the head to the current server
    uint32_t interval_ms_ = 0;
    uint64_t next_at_ms_ = 0;
};

}  // namespace haslb::radius
