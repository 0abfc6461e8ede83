// SPDX-License-Identifier: BSD-3-Clause
// The accounting client with loopback UDP "servers" and a scratch spool:
// records replayed in order after a simulated crash (files on disk, a new
// client), one record at a time, retransmission with backoff and failover,
// a corrupt spool file set aside; and which records a hotline state change
// makes (Stop then Start, Release-Indicator, indication echoed).
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "config_helpers.hpp"
#include "radius/control/accounting.hpp"
#include "radius/control/records.hpp"
#include "radius/counters.hpp"
#include "radius/wire.hpp"

using namespace haslb;
using namespace haslb::radius;
using Bytes = std::vector<uint8_t>;
namespace fs = std::filesystem;

namespace {

const uint32_t kLoopback = 0x7f000001;

// A UDP socket on 127.0.0.1 standing for an accounting server.
struct Server {
    int fd;
    uint16_t port;
    std::string secret;
    explicit Server(std::string s) : secret(std::move(s)) {
        fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
        sockaddr_in sa{};
        sa.sin_family = AF_INET;
        sa.sin_addr.s_addr = htonl(kLoopback);
        REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) == 0);
        socklen_t len = sizeof(sa);
        getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len);
        port = ntohs(sa.sin_port);
    }
    ~Server() { close(fd); }
    // The next request (waits up to 1 s), verified; its sender in `from`.
    bool next(Packet& p, sockaddr_in& from) {
        pollfd pf{fd, POLLIN, 0};
        if (::poll(&pf, 1, 1000) <= 0) return false;
        uint8_t buf[4096];
        socklen_t len = sizeof(from);
        const ssize_t n =
            recvfrom(fd, buf, sizeof(buf), 0, reinterpret_cast<sockaddr*>(&from), &len);
        return n > 0 && parse(buf, size_t(n), p) == Error::kOk && request_auth_ok(p, secret);
    }
    void answer(const Packet& req, const sockaddr_in& to) {
        const Bytes r = build_response(kAccountingResponse, req.id, req.auth, {}, secret);
        sendto(fd, r.data(), r.size(), 0, reinterpret_cast<const sockaddr*>(&to), sizeof(to));
    }
    // How many datagrams are waiting (read and dropped).
    unsigned drain() {
        unsigned n = 0;
        uint8_t buf[4096];
        while (recv(fd, buf, sizeof(buf), 0) > 0) n++;
        return n;
    }
};

Bytes record(const std::string& acct_id) {
    AttrWriter w;
    w.add_u32(kAcctStatusType, kAcctStart);
    w.add(kUserName, std::string_view("alice@example.com"));
    w.add(kAcctSessionId, acct_id);
    return w.bytes();
}

std::string acct_id(const Packet& p) {
    const Attribute* a = p.find(kAcctSessionId);
    return a ? std::string(p.value(*a).begin(), p.value(*a).end()) : "";
}

AcctSettings settings(const std::string& spool, std::vector<const Server*> servers) {
    AcctSettings s;
    for (const Server* v : servers) s.servers.push_back({kLoopback, v->port, v->secret});
    s.spool = spool;
    s.retransmit_ms = 100;
    s.max_retransmit_ms = 400;
    s.retries = 2;
    return s;
}

size_t spool_files(const fs::path& dir) {
    size_t n = 0;
    for (const auto& e : fs::directory_iterator(dir)) n += e.path().extension() == ".acct";
    return n;
}

}  // namespace

TEST_CASE("after a crash the spool is replayed in order, one record at a time",
          "[radius][accounting]") {
    config::test::TempDir dir;
    const std::string spool = (dir.path / "spool").string();
    Server srv("acctsecret");
    std::string err;
    uint64_t now = 1000;
    {
        AcctClient a;
        REQUIRE(a.start(settings(spool, {&srv}), err) == 0);
        for (const char* id : {"S1", "S2", "S3"}) REQUIRE(a.submit(record(id), err) == 0);
        CHECK(spool_files(spool) == 3);
        a.poll(now);  // the first goes out and is never answered
        CHECK(srv.drain() == 1);
        // a is destroyed without answers: the process "crashed".
    }
    CHECK(spool_files(spool) == 3);
    AcctClient b;
    REQUIRE(b.start(settings(spool, {&srv}), err) == 0);
    CHECK(b.depth() == 3);
    REQUIRE(b.submit(record("S4"), err) == 0);
    std::vector<std::string> got;
    for (int i = 0; i < 20 && got.size() < 4; i++) {
        b.poll(now);
        Packet p;
        sockaddr_in from{};
        if (!srv.next(p, from)) continue;
        // Only one is ever outstanding: nothing else waits behind it.
        CHECK(srv.drain() == 0);
        got.push_back(acct_id(p));
        srv.answer(p, from);
        usleep(2000);
        b.poll(now);  // takes the answer, sends the next
        if (got.size() == 4) break;
    }
    CHECK(got == std::vector<std::string>{"S1", "S2", "S3", "S4"});
    CHECK(b.depth() == 0);
    CHECK(spool_files(spool) == 0);
}

TEST_CASE("retransmission backs off, then the next server takes over", "[radius][accounting]") {
    config::test::TempDir dir;
    Server dead("one"), alive("two");
    std::string err;
    AcctClient c;
    REQUIRE(c.start(settings((dir.path / "s").string(), {&dead, &alive}), err) == 0);
    reset_counters();
    REQUIRE(c.submit(record("R1"), err) == 0);
    uint64_t now = 0;
    c.poll(now);
    c.poll(now + 99);  // not yet
    usleep(2000);
    CHECK(dead.drain() == 1);
    c.poll(now += 100);  // second send, interval doubles to 200
    usleep(2000);
    CHECK(dead.drain() == 1);
    c.poll(now += 199);
    CHECK(alive.drain() == 0);
    c.poll(now += 1);  // two tries on `dead`: over to `alive`
    CHECK(counter(Ctr::acct_failovers) == 1);
    Packet p;
    sockaddr_in from{};
    REQUIRE(alive.next(p, from));
    CHECK(acct_id(p) == "R1");
    CHECK(c.server() == 1);
    SECTION("an answer signed with the wrong secret is not taken") {
        const Bytes bad = build_response(kAccountingResponse, p.id, p.auth, {}, "one");
        sendto(alive.fd, bad.data(), bad.size(), 0, reinterpret_cast<sockaddr*>(&from),
               sizeof(from));
        usleep(2000);
        c.poll(now);
        CHECK(c.depth() == 1);
        CHECK(counter(Ctr::acct_bad_responses) == 1);
    }
    alive.answer(p, from);
    usleep(2000);
    c.poll(now);
    CHECK(c.depth() == 0);
    CHECK(counter(Ctr::acct_responses) == 1);
    CHECK(counter(Ctr::acct_retransmitted) == 2);
}

TEST_CASE("a spool file that does not read back is set aside", "[radius][accounting]") {
    config::test::TempDir dir;
    const fs::path spool = dir.path / "s";
    Server srv("x");
    std::string err;
    {
        AcctClient a;
        REQUIRE(a.start(settings(spool.string(), {&srv}), err) == 0);
        REQUIRE(a.submit(record("A"), err) == 0);
        REQUIRE(a.submit(record("B"), err) == 0);
    }
    std::fstream f(spool / "0000000000000001.acct",
                   std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(14);
    f.put('X');  // inside the attributes: the digest no longer matches
    f.close();
    std::ofstream(spool / "0000000000000009.acct.tmp") << "half written";
    reset_counters();
    AcctClient b;
    REQUIRE(b.start(settings(spool.string(), {&srv}), err) == 0);
    CHECK(b.depth() == 1);
    CHECK(counter(Ctr::acct_spool_corrupt) == 1);
    CHECK(fs::exists(spool / "0000000000000001.acct.bad"));
    CHECK_FALSE(fs::exists(spool / "0000000000000009.acct.tmp"));
    REQUIRE(b.submit(record("C"), err) == 0);
    CHECK(fs::exists(spool / "0000000000000003.acct"));  // numbering goes on after the last
}

namespace {

hotline::StateChange change(hotline::ChangeReason r, const std::string& old_state,
                            const std::string& new_state, bool old_active, bool new_active) {
    hotline::StateChange c{};
    c.nai = "alice@example.com";
    c.reason = r;
    c.old_acct_id = "OLD";
    c.new_acct_id = new_state == "removed" ? "" : "NEW";
    c.old_state = old_state;
    c.new_state = new_state;
    c.old_profile = old_state == "hotlined" ? "REDIR" : "";
    c.new_profile = new_state == "hotlined" ? "FILTER" : "";
    c.old_active = old_active;
    c.new_active = new_active;
    c.home_addr = 0xc633654d;  // 198.51.100.77
    return c;
}

// The records as parsed attribute lists: one Packet each.
std::vector<Packet> packets(const std::vector<Bytes>& recs) {
    std::vector<Packet> out;
    for (const Bytes& r : recs) {
        const Bytes b = build_request(kAccountingRequest, 1, r, "s");
        Packet p;
        REQUIRE(parse(b.data(), b.size(), p) == Error::kOk);
        out.push_back(p);
    }
    return out;
}

uint32_t u32(const Packet& p, uint8_t type) {
    const Attribute* a = p.find(type);
    return a ? be32(p.value(*a)) : 0xffffffff;
}

// The value of the first VSA (vendor, type), "" none.
std::string vsa_of(const Packet& p, uint32_t vendor, uint8_t type) {
    for (const Attribute& a : p.attrs) {
        Vsa v;
        if (a.type == kVendorSpecific && parse_vsa(p.value(a), v) && v.vendor == vendor &&
            v.type == type)
            return std::string(v.value.begin(), v.value.end());
    }
    return "";
}

}  // namespace

TEST_CASE("a hotline status change makes Stop for the old id, then Start for the new",
          "[radius][accounting]") {
    using R = hotline::ChangeReason;
    Recorder rec(14, 0xcb007101);
    auto c = change(R::kCoa, "normal", "hotlined", true, true);
    c.new_indication_vendor = kVendor3gpp2;
    c.new_indication = "HL1";
    auto p = packets(rec.on_change(c, 1700000000));
    REQUIRE(p.size() == 2);
    CHECK(u32(p[0], kAcctStatusType) == kAcctStop);
    CHECK(acct_id(p[0]) == "OLD");
    CHECK(u32(p[0], kFramedIpAddress) == 0xc633654d);
    CHECK(u32(p[0], kNasIpAddress) == 0xcb007101);
    CHECK(u32(p[0], kEventTimestamp) == 1700000000);
    CHECK(be32(std::span(reinterpret_cast<const uint8_t*>(
                             vsa_of(p[0], kVendor3gpp2, k3gpp2ReleaseIndicator).data()),
                         4)) == 14);
    CHECK(vsa_of(p[0], kVendor3gpp2, k3gpp2HotlineAcctInfo) == "HL1");  // seed step 14
    CHECK(u32(p[1], kAcctStatusType) == kAcctStart);
    CHECK(acct_id(p[1]) == "NEW");
    CHECK(std::string(p[1].value(*p[1].find(kFilterId)).begin(),
                      p[1].value(*p[1].find(kFilterId)).end()) == "FILTER");
    CHECK(vsa_of(p[1], kVendor3gpp2, k3gpp2HotlineAcctInfo) == "HL1");  // seed step 7
    CHECK(rec.open().at("alice@example.com") == "NEW");

    SECTION("Session-Timeout: Stop only, with its cause and the session's indication") {
        auto t = change(R::kSessionTimeout, "hotlined", "ended", true, true);
        t.old_acct_id = "NEW";
        t.old_indication_vendor = kVendor3gpp2;
        t.old_indication = "HL1";
        p = packets(rec.on_change(t, 1700000100));
        REQUIRE(p.size() == 1);
        CHECK(u32(p[0], kAcctStatusType) == kAcctStop);
        CHECK(acct_id(p[0]) == "NEW");
        CHECK(u32(p[0], kAcctTerminateCause) == kTermSessionTimeout);
        CHECK(vsa_of(p[0], kVendor3gpp2, k3gpp2HotlineAcctInfo) == "HL1");  // requirement 7
        CHECK(rec.open().empty());
    }
    SECTION("Disconnect: Stop with Admin-Reset and Release-Indicator 6") {
        p = packets(rec.on_change(change(R::kDisconnect, "hotlined", "removed", true, false), 1));
        REQUIRE(p.size() == 1);
        CHECK(u32(p[0], kAcctTerminateCause) == kTermAdminReset);
        CHECK(vsa_of(p[0], kVendor3gpp2, k3gpp2ReleaseIndicator) == std::string("\0\0\0\6", 4));
    }
    SECTION("the last binding of an accounted session going away: Stop") {
        p = packets(rec.on_change(change(R::kBinding, "hotlined", "removed", true, false), 1));
        REQUIRE(p.size() == 1);
        CHECK(u32(p[0], kAcctTerminateCause) == kTermUserRequest);
        CHECK(acct_id(p[0]) == "NEW");
    }
}

TEST_CASE("records only where there is a session", "[radius][accounting]") {
    using R = hotline::ChangeReason;
    Recorder rec(14, 0);
    // A CoA for an NAI without a binding: nothing to account yet.
    CHECK(rec.on_change(change(R::kCoa, "normal", "hotlined", false, false), 1).empty());
    // Its binding appears: the hotlined session starts (new-session step 5).
    auto p = packets(rec.on_change(change(R::kBinding, "hotlined", "hotlined", false, true), 2));
    REQUIRE(p.size() == 1);
    CHECK(u32(p[0], kAcctStatusType) == kAcctStart);
    // A normal subscriber's binding coming and going is not accounted.
    Recorder other(14, 0);
    CHECK(other.on_change(change(R::kBinding, "normal", "normal", false, true), 1).empty());
    CHECK(other.on_change(change(R::kBinding, "normal", "removed", true, false), 2).empty());
}
