// SPDX-License-Identifier: BSD-3-Clause
#include "radius/control/accounting.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/netns.hpp"
#include "radius/counters.hpp"

namespace haslb::radius {

int AcctClient::start(const AcctSettings& s, std::string& err) {
    stop();
    set_ = s;
    if (set_.servers.empty()) {
        err = "no accounting servers";
        return -EINVAL;
    }
    if (int rc = spool_open(set_.spool, err)) return rc;
    unsigned corrupt = 0;
    std::vector<SpoolRecord> old = spool_load(set_.spool, corrupt);
    if (corrupt) count(Ctr::acct_spool_corrupt, corrupt);
    queue_.assign(old.begin(), old.end());
    next_seq_ = queue_.empty() ? 1 : queue_.back().seq + 1;
    core::NetnsScope scope(set_.netns);
    if (scope.status() != 0) {
        err = fmt::format("cannot enter namespace {}: {}", set_.netns, strerror(-scope.status()));
        return scope.status();
    }
    fd_ = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd_ < 0) {
        err = fmt::format("accounting socket: {}", strerror(errno));
        return -errno;
    }
    server_ = 0;
    inflight_ = false;
    interval_ms_ = set_.retransmit_ms;
    return 0;
}

void AcctClient::stop() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
    queue_.clear();
    inflight_ = false;
}

int AcctClient::submit(const std::vector<uint8_t>& attrs, std::string& err) {
    SpoolRecord r{next_seq_, attrs};
    if (int rc = spool_write(set_.spool, r, err)) {
        count(Ctr::acct_spool_errors);
        return rc;
    }
    next_seq_++;
    queue_.push_back(std::move(r));
    count(Ctr::acct_records);
    return 0;
}

void AcctClient::send_head(uint64_t now_ms) {
    const AcctServer& s = set_.servers[server_];
    if (!inflight_ || tries_ == 0) {
        // A new Identifier per packet content: the head changed or it now
        // goes to another server (another secret).
        id_++;
        packet_ = build_request(kAccountingRequest, id_, queue_.front().attrs, s.secret);
        std::copy(packet_.begin() + 4, packet_.begin() + 20, req_auth_.begin());
    }
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(s.port);
    to.sin_addr.s_addr = htonl(s.addr);
    // A send that fails (no route yet, buffer full) is just a lost packet:
    // the retransmission timer covers it.
    (void)sendto(fd_, packet_.data(), packet_.size(), 0, reinterpret_cast<sockaddr*>(&to),
                 sizeof(to));
    count(inflight_ ? Ctr::acct_retransmitted : Ctr::acct_sent);
    inflight_ = true;
    tries_++;
    next_at_ms_ = now_ms + interval_ms_;
}

unsigned AcctClient::receive(uint64_t now_ms) {
    unsigned work = 0;
    uint8_t buf[kMaxPacket];
    for (int i = 0; i < 64; i++) {
        sockaddr_in from{};
        socklen_t flen = sizeof(from);
        const ssize_t n =
            recvfrom(fd_, buf, sizeof(buf), 0, reinterpret_cast<sockaddr*>(&from), &flen);
        if (n < 0) break;
        work++;
        Packet p;
        const AcctServer& s = set_.servers[server_];
        const bool ok = inflight_ && parse(buf, size_t(n), p) == Error::kOk &&
                        p.code == kAccountingResponse && p.id == id_ &&
                        ntohl(from.sin_addr.s_addr) == s.addr && ntohs(from.sin_port) == s.port &&
                        response_auth_ok(p, req_auth_, s.secret);
        if (!ok) {
            count(Ctr::acct_bad_responses);
            continue;
        }
        count(Ctr::acct_responses);
        spool_remove(set_.spool, queue_.front().seq);
        queue_.pop_front();
        inflight_ = false;
        tries_ = 0;
        interval_ms_ = set_.retransmit_ms;
        if (!queue_.empty()) send_head(now_ms);  // the next record at once
    }
    return work;
}

unsigned AcctClient::poll(uint64_t now_ms) {
    if (fd_ < 0) return 0;
    unsigned work = receive(now_ms);
    if (queue_.empty()) return work;
    if (!inflight_) {
        tries_ = 0;
        send_head(now_ms);
        return work + 1;
    }
    if (now_ms < next_at_ms_) return work;
    if (tries_ >= set_.retries && set_.servers.size() > 1) {
        server_ = (server_ + 1) % set_.servers.size();
        tries_ = 0;  // rebuilt for the new server's secret
        count(Ctr::acct_failovers);
    }
    interval_ms_ = std::min(interval_ms_ * 2, set_.max_retransmit_ms);
    send_head(now_ms);
    return work + 1;
}

}  // namespace haslb::radius
