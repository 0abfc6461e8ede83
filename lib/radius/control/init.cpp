// SPDX-License-Identifier: BSD-3-Clause
// Start and stop of RADIUS: the dynamic authorization socket, the
// accounting client, the hotline state observer that turns changes into
// records, the poller that drives them all, `show mobile traffic` lines.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <map>
#include <memory>
#include <mutex>

#include "core/control.hpp"
#include "core/exception.hpp"
#include "core/netns.hpp"
#include "core/reload.hpp"
#include "radius/control/accounting.hpp"
#include "radius/control/dynauth.hpp"
#include "radius/control/records.hpp"
#include "radius/counters.hpp"
#include "radius/radius.hpp"
#include "slb/slb.hpp"

namespace haslb::radius {
namespace {

std::mutex g_mu;  // guards g_status for the telemetry thread
Status g_status;
int g_fd = -1;  // dynamic authorization server socket
AcctClient g_acct;
std::unique_ptr<Recorder> g_recorder;
uint64_t g_last_expire_ms = 0;

uint64_t mono_ms() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return uint64_t(ts.tv_sec) * 1000 + uint64_t(ts.tv_nsec) / 1000000;
}

void log(const std::string& line) {
    fmt::print(stderr, "haslb: RADIUS: {}\n", line);
}

void on_change(const hotline::StateChange& c) {
    if (c.reason == hotline::ChangeReason::kBinding && c.new_active) pending_applied(c.nai);
    if (!g_recorder || !g_acct.started()) return;
    for (const auto& attrs : g_recorder->on_change(c, uint32_t(std::time(nullptr)))) {
        std::string err;
        if (g_acct.submit(attrs, err) != 0) log(fmt::format("accounting record lost: {}", err));
    }
}

unsigned serve_dynauth(uint64_t now_ms) {
    unsigned work = 0;
    uint8_t buf[kMaxPacket + 1];
    for (int i = 0; i < 64; i++) {
        sockaddr_in from{};
        socklen_t flen = sizeof(from);
        const ssize_t n =
            recvfrom(g_fd, buf, sizeof(buf), 0, reinterpret_cast<sockaddr*>(&from), &flen);
        if (n < 0) break;
        work++;
        const auto reply = dynauth_handle(ntohl(from.sin_addr.s_addr), ntohs(from.sin_port), buf,
                                          size_t(n), std::time(nullptr), now_ms);
        if (!reply.empty())
            (void)sendto(g_fd, reply.data(), reply.size(), 0, reinterpret_cast<sockaddr*>(&from),
                         flen);
    }
    return work;
}

unsigned poll_cb(uint64_t) {
    const uint64_t now = mono_ms();
    unsigned work = 0;
    if (g_fd >= 0) work += serve_dynauth(now);
    work += g_acct.poll(now);
    if (now - g_last_expire_ms >= 1000) {
        g_last_expire_ms = now;
        dynauth_expire(now);
    }
    std::lock_guard<std::mutex> lk(g_mu);
    g_status.pending = pending_count();
    g_status.spool_depth = g_acct.depth();
    for (size_t i = 0; i < g_status.servers.size(); i++)
        g_status.servers[i].active = g_acct.started() && i == g_acct.server();
    return work;
}

// The address NAS-IP-Address names: the configured one, else the port
// address on the server's subnet, else the first port's.
uint32_t nas_ip(const config::Config& cfg) {
    if (cfg.radius.accounting.nas_ip_address) return cfg.radius.accounting.nas_ip_address;
    for (const auto& s : cfg.radius.accounting.servers)
        for (const auto& p : cfg.ports) {
            const uint32_t mask = p.address.len ? ~uint32_t{0} << (32 - p.address.len) : 0;
            if ((s.address & mask) == (p.address.addr & mask)) return p.address.addr;
        }
    return cfg.ports.empty() ? 0 : cfg.ports[0].address.addr;
}

int open_dynauth(uint16_t port, std::string& err) {
    core::NetnsScope scope(core::exception_netns());
    g_fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (g_fd < 0) {
        err = fmt::format("RADIUS dynamic authorization socket: {}", strerror(errno));
        return -errno;
    }
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(port);
    sa.sin_addr.s_addr = htonl(INADDR_ANY);
    if (bind(g_fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) != 0) {
        const int e = errno;
        err = fmt::format("RADIUS dynamic authorization: cannot bind UDP port {}: {}", port,
                          strerror(e));
        close(g_fd);
        g_fd = -1;
        return e == EADDRINUSE ? -EADDRINUSE : -e;
    }
    return 0;
}

std::string traffic_section() {
    return traffic_text();
}

int reload_cb(const config::Config& cur, const config::Config& next, bool apply, std::string& msg) {
    const auto& a = cur.radius;
    const auto& b = next.radius;
    auto same_clients = [&] {
        if (a.dynauth.clients.size() != b.dynauth.clients.size()) return false;
        for (size_t i = 0; i < a.dynauth.clients.size(); i++) {
            const auto &x = a.dynauth.clients[i], &y = b.dynauth.clients[i];
            if (x.address != y.address || x.secret != y.secret ||
                x.require_message_authenticator != y.require_message_authenticator)
                return false;
        }
        return true;
    };
    auto same_servers = [&] {
        if (a.accounting.servers.size() != b.accounting.servers.size()) return false;
        for (size_t i = 0; i < a.accounting.servers.size(); i++) {
            const auto &x = a.accounting.servers[i], &y = b.accounting.servers[i];
            if (x.address != y.address || x.port != y.port || x.secret != y.secret) return false;
        }
        return true;
    };
    const bool same = a.dynauth.port == b.dynauth.port &&
                      a.dynauth.event_timestamp_window_s == b.dynauth.event_timestamp_window_s &&
                      a.dynauth.max_pending == b.dynauth.max_pending &&
                      a.dynauth.pending_timeout_s == b.dynauth.pending_timeout_s &&
                      same_clients() && same_servers() &&
                      a.accounting.spool == b.accounting.spool &&
                      a.accounting.release_indicator == b.accounting.release_indicator &&
                      a.accounting.retransmit_ms == b.accounting.retransmit_ms &&
                      a.accounting.max_retransmit_ms == b.accounting.max_retransmit_ms &&
                      a.accounting.retries == b.accounting.retries &&
                      a.accounting.nas_ip_address == b.accounting.nas_ip_address;
    if (same || !apply) return 0;
    // Restart with the new settings: the spool keeps every record across it,
    // the kept CoAs stay in the hotline model, the open sessions (which a
    // later Stop needs) are carried over.
    std::map<std::string, std::string> open;
    if (g_recorder) open = g_recorder->open();
    radius_fini();
    std::string err;
    const int rc = radius_init(next, err);
    if (rc == 0 && g_recorder) g_recorder->adopt(std::move(open));
    msg += rc == 0 ? "radius restarted\n" : err + "\n";
    return rc;
}

}  // namespace

int radius_init(const config::Config& cfg, std::string& err) {
    static bool registered = false;
    if (!registered) {
        core::register_poller("radius", poll_cb);
        core::register_reloader("radius", reload_cb);
        slb::register_traffic_section(traffic_section);
        registered = true;
    }
    const config::RadiusConfig& r = cfg.radius;
    Status st;
    DynauthSettings ds;
    ds.clients = r.dynauth.clients;
    ds.event_timestamp_window_s = r.dynauth.event_timestamp_window_s;
    ds.max_pending = r.dynauth.max_pending;
    ds.pending_timeout_s = r.dynauth.pending_timeout_s;
    for (const auto& p : cfg.ports) ds.nas_addresses.push_back(p.address.addr);
    dynauth_configure(ds);
    if (!r.dynauth.clients.empty()) {
        if (int rc = open_dynauth(r.dynauth.port, err)) return rc;
        st.dynauth = true;
    }
    st.port = r.dynauth.port;
    st.event_timestamp_window_s = r.dynauth.event_timestamp_window_s;
    st.max_pending = r.dynauth.max_pending;
    for (const auto& c : r.dynauth.clients)
        st.clients.push_back({config::format_ipv4(c.address), c.require_message_authenticator});
    if (!r.accounting.servers.empty()) {
        AcctSettings as;
        for (const auto& s : r.accounting.servers)
            as.servers.push_back({s.address, s.port, s.secret});
        as.spool = r.accounting.spool.empty()
                       ? fmt::format("/var/spool/haslb/{}", cfg.eal.file_prefix)
                       : r.accounting.spool;
        as.retransmit_ms = r.accounting.retransmit_ms;
        as.max_retransmit_ms = r.accounting.max_retransmit_ms;
        as.retries = r.accounting.retries;
        as.netns = core::exception_netns();
        if (int rc = g_acct.start(as, err)) return rc;
        g_recorder = std::make_unique<Recorder>(r.accounting.release_indicator, nas_ip(cfg));
        st.accounting = true;
        st.spool = as.spool;
        st.release_indicator = r.accounting.release_indicator;
        for (const auto& s : r.accounting.servers)
            st.servers.push_back({config::format_ipv4(s.address), s.port, false});
        if (g_acct.depth())
            log(fmt::format("{} accounting record(s) from the spool {} to replay", g_acct.depth(),
                            as.spool));
    }
    if (st.dynauth || st.accounting) hotline::set_state_observer(on_change);
    std::lock_guard<std::mutex> lk(g_mu);
    g_status = st;
    return 0;
}

void radius_fini() {
    hotline::set_state_observer(nullptr);
    if (g_fd >= 0) close(g_fd);
    g_fd = -1;
    g_acct.stop();
    g_recorder.reset();
    std::lock_guard<std::mutex> lk(g_mu);
    g_status = Status{};
}

Status status() {
    std::lock_guard<std::mutex> lk(g_mu);
    return g_status;
}

std::string traffic_text() {
    auto c = [](Ctr x) { return counter(x); };
    std::string out = "Change of Authorization (RADIUS CoA):\n";
    out += fmt::format("    Request rcvd {}, accepted {}, rejected {}\n", c(Ctr::coa_received),
                       c(Ctr::coa_acked), c(Ctr::coa_naked));
    out += "Disconnect Messages:\n";
    out += fmt::format("    Request rcvd {}, accepted {}, rejected {}\n", c(Ctr::dm_received),
                       c(Ctr::dm_acked), c(Ctr::dm_naked));
    out += fmt::format("    Unsupported Attribute {}, Missing Attribute {}\n",
                       c(Ctr::nak_unsupported_attribute), c(Ctr::nak_missing_attribute));
    out += fmt::format("    Session Cxt Not Found {}, Session Cxt Not Removable {}\n",
                       c(Ctr::nak_session_not_found), c(Ctr::nak_session_not_removable));
    out +=
        fmt::format("    Administratively Prohibited {}, Invalid Attribute Value {}\n",
                    c(Ctr::nak_administratively_prohibited), c(Ctr::nak_invalid_attribute_value));
    out += fmt::format(
        "    NAS Identification Mismatch {}, Unsupported Service {}, "
        "Resources Unavailable {}\n",
        c(Ctr::nak_nas_mismatch), c(Ctr::nak_unsupported_service),
        c(Ctr::nak_resources_unavailable));
    out += fmt::format(
        "    Duplicates {}, Discarded {}\n", c(Ctr::duplicates),
        c(Ctr::discard_malformed) + c(Ctr::discard_unknown_client) + c(Ctr::discard_bad_code) +
            c(Ctr::discard_bad_authenticator) + c(Ctr::discard_bad_message_authenticator) +
            c(Ctr::discard_missing_message_authenticator) + c(Ctr::discard_event_timestamp));
    return out;
}

}  // namespace haslb::radius
