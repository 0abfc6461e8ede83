// SPDX-License-Identifier: BSD-3-Clause
// The dynamic authorization server in-process: datagrams in, answers out,
// against the real hotline model of test/support/hotline_world.hpp (dave
// normal at 198.51.100.80, alice hotlined REDIR at .77, carol in a realm
// without profile capability). Every NAK path with its Error-Cause and
// "nothing changed", the silent discards, the duplicate cache, the
// Event-Timestamp window, new-session CoAs, WiMAX attributes, Disconnect.
#include <catch2/catch.hpp>

#include <ctime>

#include "hotline/hotline.hpp"
#include "frames.hpp"
#include "hotline_world.hpp"
#include "radius/control/dynauth.hpp"
#include "radius/counters.hpp"
#include "radius/wire.hpp"
#include "world.hpp"

using namespace haslb;
using namespace haslb::radius;
using Bytes = std::vector<uint8_t>;

namespace {

const uint32_t kAaa = 0xcb00711e;        // 203.0.113.30
const uint32_t kStrictAaa = 0xcb00711f;  // 203.0.113.31: Message-Authenticator required
const uint32_t kHaslb = 0xcb007101;      // 203.0.113.1
const std::string kSecret = "s3cret";
const std::string kDave = "dave@example.com", kAlice = "alice@example.com";

struct Da {
    test::World w;
    int64_t now_s = 1700000000;
    uint64_t now_ms = 1000000;
    uint16_t sport = 40000;
    uint8_t id = 0;
    Da() {
        REQUIRE(w.ok());
        std::string err;
        INFO(err);
        REQUIRE(test::setup_hotline(err) == 0);
        DynauthSettings s;
        config::RadiusClientConfig c{kAaa, kSecret, false, {}};
        config::RadiusClientConfig strict{kStrictAaa, kSecret, true, {}};
        s.clients = {c, strict};
        s.event_timestamp_window_s = 300;
        s.max_pending = 2;
        s.pending_timeout_s = 60;
        s.nas_addresses = {kHaslb};
        dynauth_configure(s);
        reset_counters();
    }
    ~Da() {
        dynauth_reset();
        hotline::hotline_fini();
    }
    // A request of `code` with `w`'s attributes, signed with `secret`.
    Bytes request(uint8_t code, AttrWriter w, bool ma = false,
                  const std::string& secret = kSecret) {
        size_t off = SIZE_MAX;
        if (ma) off = w.add_message_authenticator();
        return build_request(code, ++id, w.bytes(), secret, off);
    }
    Bytes send(const Bytes& b, uint32_t src = kAaa) {
        return dynauth_handle(src, sport, b.data(), b.size(), now_s, now_ms);
    }
    // Sends and parses the answer, checking its authenticator.
    Packet answer(const Bytes& req, uint32_t src = kAaa) {
        const Bytes r = send(req, src);
        Packet q, p;
        REQUIRE(parse(req.data(), req.size(), q) == Error::kOk);
        REQUIRE(parse(r.data(), r.size(), p) == Error::kOk);
        CHECK(p.id == q.id);
        CHECK(response_auth_ok(p, q.auth, kSecret));
        return p;
    }
    uint32_t cause(const Packet& p) {
        const Attribute* a = p.find(kErrorCause);
        return a ? be32(p.value(*a)) : 0;
    }
    // A CoA for `nai` with Filter-Id `filter` (none if empty) and `more`.
    Packet coa(const std::string& nai, const std::string& filter, AttrWriter more = {}) {
        AttrWriter w;
        if (!nai.empty()) w.add(kUserName, nai);
        if (!filter.empty()) w.add(kFilterId, filter);
        w.bytes().insert(w.bytes().end(), more.bytes().begin(), more.bytes().end());
        return answer(request(kCoaRequest, w));
    }
};

hotline::UserView user(const std::string& nai) {
    const auto v = hotline::user_views(nai);
    REQUIRE(v.size() == 1);
    return v[0];
}

void check_nak(Da& d, const Packet& p, uint32_t cause) {
    INFO("Error-Cause " << d.cause(p));
    CHECK(p.code == kCoaNak);
    CHECK(d.cause(p) == cause);
}

}  // namespace

TEST_CASE("CoA with a Filter-Id naming a profile hotlines the subscriber", "[radius][dynauth]") {
    Da d;
    const std::string before = user(kDave).acct_session_id;
    AttrWriter w;
    w.add(kUserName, kDave);
    w.add(kFilterId, "FILTER");
    w.add(kProxyState, std::string_view("\x01\x02"));
    w.add(kProxyState, std::string_view("second"));
    const Bytes req = d.request(kCoaRequest, w, true);
    const Packet p = d.answer(req);
    CHECK(p.code == kCoaAck);
    CHECK(d.cause(p) == 0);
    // Proxy-State echoed unmodified and in order; a Message-Authenticator
    // because the request had one.
    std::vector<std::string> ps;
    for (const auto& a : p.attrs)
        if (a.type == kProxyState) ps.emplace_back(p.value(a).begin(), p.value(a).end());
    CHECK(ps == std::vector<std::string>{"\x01\x02", "second"});
    Packet q;
    REQUIRE(parse(req.data(), req.size(), q) == Error::kOk);
    CHECK(message_auth_ok(p, kSecret, &q.auth));
    const auto u = user(kDave);
    CHECK(u.state == "hotlined");
    CHECK(u.profile == "FILTER");
    CHECK(u.acct_session_id != before);
    CHECK(counter(Ctr::coa_received) == 1);
    CHECK(counter(Ctr::coa_acked) == 1);

    SECTION("a new Filter-Id replaces the previous profile") {
        CHECK(d.coa(kDave, "REDIR").code == kCoaAck);
        CHECK(user(kDave).profile == "REDIR");
    }
    SECTION("Hot-Line Normal and the HA 4.0 spelling reconcile") {
        CHECK(d.coa(kDave, "Hot-Line Normal").code == kCoaAck);
        CHECK(user(kDave).state == "normal");
        CHECK(d.coa(kAlice, "3GPP2 Hot-Line Normal").code == kCoaAck);
        CHECK(user(kAlice).state == "normal");
    }
    SECTION("identified by Framed-IP-Address, or by Acct-Session-Id") {
        AttrWriter a;
        a.add_u32(kFramedIpAddress, test::ip4("198.51.100.80"));
        a.add(kFilterId, "HTTP");
        CHECK(d.answer(d.request(kCoaRequest, a)).code == kCoaAck);
        CHECK(user(kDave).profile == "HTTP");
        AttrWriter b;
        b.add(kAcctSessionId, user(kDave).acct_session_id);
        b.add(kFilterId, "REDIR");
        CHECK(d.answer(d.request(kCoaRequest, b)).code == kCoaAck);
        CHECK(user(kDave).profile == "REDIR");
    }
}

TEST_CASE("CoA NAKs: each Error-Cause, and nothing changes", "[radius][dynauth]") {
    Da d;
    const auto alice = user(kAlice);  // hotlined REDIR
    AttrWriter more;
    SECTION("a Filter-Id that names no profile: 501 (seed 004 requirement 6)") {
        check_nak(d, d.coa(kAlice, "NOPE"), kAdministrativelyProhibited);
    }
    SECTION("a Filter-Id that cannot be decoded: 501 (requirement 4a)") {
        check_nak(d, d.coa(kAlice, std::string("RED\x01IR", 6)), kAdministrativelyProhibited);
    }
    SECTION("two different profiles: 501") {
        more.add(kFilterId, "HTTP");
        check_nak(d, d.coa(kAlice, "FILTER", more), kAdministrativelyProhibited);
    }
    SECTION("a non-hotline realm profile is not a Filter-Id: 501") {
        check_nak(d, d.coa(kAlice, "@visitor.example"), kAdministrativelyProhibited);
    }
    SECTION("a realm without profile capability: 501") {
        check_nak(d, d.coa("carol@visitor.example", "FILTER"), kAdministrativelyProhibited);
        CHECK(user("carol@visitor.example").state == "normal");
    }
    SECTION("an unknown user in an unknown realm: 503") {
        check_nak(d, d.coa("nobody@unknown.example", "FILTER"), kSessionContextNotFound);
        CHECK(hotline::user_views("nobody@unknown.example").empty());
    }
    SECTION("Hot-Line Normal for an unknown user: 503") {
        check_nak(d, d.coa("zed@example.com", "Hot-Line Normal"), kSessionContextNotFound);
    }
    SECTION("a Framed-IP-Address nobody has: 503") {
        more.add_u32(kFramedIpAddress, test::ip4("198.51.100.200"));
        check_nak(d, d.coa(kAlice, "FILTER", more), kSessionContextNotFound);
    }
    SECTION("User-Name and Framed-IP-Address of two subscribers: 503") {
        more.add_u32(kFramedIpAddress, test::ip4("198.51.100.80"));
        check_nak(d, d.coa(kAlice, "FILTER", more), kSessionContextNotFound);
    }
    SECTION("no identification: 402") {
        check_nak(d, d.coa("", "FILTER"), kMissingAttribute);
    }
    SECTION("nothing to change: 402") {
        check_nak(d, d.coa(kDave, ""), kMissingAttribute);
    }
    SECTION("an attribute haslb does not act on: 401") {
        more.add(kCallingStationId, std::string_view("5551234"));
        check_nak(d, d.coa(kAlice, "FILTER", more), kUnsupportedAttribute);
    }
    SECTION("an unknown vendor's attribute: 401") {
        more.add_vsa_u32(9, 1, 1);
        check_nak(d, d.coa(kAlice, "FILTER", more), kUnsupportedAttribute);
    }
    SECTION("a rule-based hotlining VSA in a capable realm: 401") {
        more.add_vsa(kVendor3gpp2, k3gpp2IpRedirectRule, Bytes{'x'});
        check_nak(d, d.coa(kAlice, "FILTER", more), kUnsupportedAttribute);
    }
    SECTION("a rule-based VSA the realm has no capability for: 501") {
        more.add_vsa(kVendorWimax, kWimaxHttpRedirectRule, Bytes{'x'});
        check_nak(d, d.coa("carol@visitor.example", "", more), kAdministrativelyProhibited);
    }
    SECTION("Service-Type Authorize-Only: 405") {
        more.add_u32(kServiceType, kServiceAuthorizeOnly);
        check_nak(d, d.coa(kAlice, "FILTER", more), kUnsupportedService);
    }
    SECTION("a NAS-IP-Address that is not haslb's: 403") {
        more.add_u32(kNasIpAddress, test::ip4("127.0.0.1"));
        check_nak(d, d.coa(kAlice, "FILTER", more), kNasIdentificationMismatch);
    }
    SECTION("a Session-Timeout of the wrong size: 407") {
        more.add(kSessionTimeout, Bytes{0, 30});
        check_nak(d, d.coa(kAlice, "FILTER", more), kInvalidAttributeValue);
    }
    const auto after = user(kAlice);
    CHECK(after.state == alice.state);
    CHECK(after.profile == alice.profile);
    CHECK(after.acct_session_id == alice.acct_session_id);
    CHECK(counter(Ctr::coa_naked) == 1);
    CHECK(counter(Ctr::coa_acked) == 0);
}

TEST_CASE("Session-Timeout ends the hotlined session on time", "[radius][dynauth]") {
    Da d;
    AttrWriter t;
    t.add_u32(kSessionTimeout, 30);
    CHECK(d.coa(kDave, "REDIR", t).code == kCoaAck);
    CHECK(user(kDave).session_timeout_s == 30);
    const uint32_t now = hotline::now_s();
    hotline::tick(now + 29);
    CHECK(user(kDave).state == "hotlined");
    hotline::tick(now + 31);
    CHECK(user(kDave).state == "ended");
    SECTION("a Session-Timeout alone re-limits a hotlined session") {
        AttrWriter t2;
        t2.add_u32(kSessionTimeout, 100);
        CHECK(d.coa(kAlice, "", t2).code == kCoaAck);
        CHECK(user(kAlice).profile == "REDIR");
        CHECK(user(kAlice).session_timeout_s == 100);
    }
}

TEST_CASE("WiMAX hotline attributes map like Filter-Id and Session-Timeout", "[radius][dynauth]") {
    Da d;
    AttrWriter w;
    const std::string prof = "HTTP", ind = "HL-42";
    w.add_vsa(kVendorWimax, kWimaxHotlineProfileId,
              std::span(reinterpret_cast<const uint8_t*>(prof.data()), prof.size()));
    w.add_vsa_u32(kVendorWimax, kWimaxHotlineSessionTimer, 45);
    w.add_vsa(kVendorWimax, kWimaxHotlineIndicator,
              std::span(reinterpret_cast<const uint8_t*>(ind.data()), ind.size()));
    CHECK(d.coa(kDave, "", w).code == kCoaAck);
    CHECK(user(kDave).profile == "HTTP");
    CHECK(user(kDave).session_timeout_s == 45);
}

TEST_CASE("silently discarded requests are counted by reason", "[radius][dynauth]") {
    Da d;
    AttrWriter w;
    w.add(kUserName, kDave);
    w.add(kFilterId, "FILTER");
    SECTION("unknown client") {
        CHECK(d.send(d.request(kCoaRequest, w), 0xcb007163).empty());
        CHECK(counter(Ctr::discard_unknown_client) == 1);
    }
    SECTION("wrong secret") {
        CHECK(d.send(d.request(kCoaRequest, w, false, "wrong")).empty());
        CHECK(counter(Ctr::discard_bad_authenticator) == 1);
    }
    SECTION("wrong Message-Authenticator") {
        Bytes b = d.request(kCoaRequest, w, true);
        // Corrupt the HMAC, then re-sign the Request Authenticator so only
        // the Message-Authenticator is wrong.
        b[b.size() - 1] ^= 1;
        const Bytes attrs(b.begin() + kHeaderLen, b.end());
        b = build_request(kCoaRequest, b[1], attrs, kSecret);
        CHECK(d.send(b).empty());
        CHECK(counter(Ctr::discard_bad_message_authenticator) == 1);
    }
    SECTION("missing Message-Authenticator from a client that must send one") {
        CHECK(d.send(d.request(kCoaRequest, w), kStrictAaa).empty());
        CHECK(counter(Ctr::discard_missing_message_authenticator) == 1);
        CHECK(d.answer(d.request(kCoaRequest, w, true), kStrictAaa).code == kCoaAck);
    }
    SECTION("Event-Timestamp outside the window, either way") {
        AttrWriter old = w, future = w, near = w;
        old.add_u32(kEventTimestamp, uint32_t(d.now_s - 301));
        future.add_u32(kEventTimestamp, uint32_t(d.now_s + 301));
        CHECK(d.send(d.request(kCoaRequest, old)).empty());
        CHECK(d.send(d.request(kCoaRequest, future)).empty());
        CHECK(counter(Ctr::discard_event_timestamp) == 2);
        near.add_u32(kEventTimestamp, uint32_t(d.now_s - 299));
        CHECK(d.answer(d.request(kCoaRequest, near)).code == kCoaAck);
    }
    SECTION("not a CoA or Disconnect") {
        CHECK(d.send(d.request(kAccountingRequest, w)).empty());
        CHECK(counter(Ctr::discard_bad_code) == 1);
    }
    SECTION("malformed") {
        Bytes b = d.request(kCoaRequest, w);
        b[21] = 0;
        CHECK(d.send(b).empty());
        CHECK(counter(Ctr::discard_malformed) == 1);
    }
    // A discard changes nothing and answers nothing.
    CHECK(counter(Ctr::coa_received) == counter(Ctr::coa_acked));
    if (counter(Ctr::coa_acked) == 0) CHECK(user(kDave).state == "normal");
}

TEST_CASE("a retransmitted request is answered from the cache, not applied twice",
          "[radius][dynauth]") {
    Da d;
    AttrWriter w;
    w.add(kUserName, kDave);
    w.add(kFilterId, "FILTER");
    const Bytes req = d.request(kCoaRequest, w);
    const Bytes first = d.send(req);
    const std::string acct = user(kDave).acct_session_id;
    d.now_ms += 2000;
    CHECK(d.send(req) == first);
    CHECK(counter(Ctr::duplicates) == 1);
    CHECK(counter(Ctr::coa_received) == 1);
    CHECK(user(kDave).acct_session_id == acct);
    SECTION("from another source port it is a new request") {
        d.sport++;
        CHECK_FALSE(d.send(req).empty());
        CHECK(counter(Ctr::coa_received) == 2);
    }
    SECTION("the same Identifier with another authenticator is a new request") {
        AttrWriter w2;
        w2.add(kUserName, kDave);
        w2.add(kFilterId, "REDIR");
        const Bytes other = build_request(kCoaRequest, req[1], w2.bytes(), kSecret);
        CHECK(d.send(other) != first);
        CHECK(user(kDave).profile == "REDIR");
    }
    SECTION("after the hold time it is processed again") {
        d.now_ms += 60000;
        dynauth_expire(d.now_ms);
        CHECK_FALSE(d.send(req).empty());
        CHECK(counter(Ctr::coa_received) == 2);
    }
}

TEST_CASE("Disconnect-Request removes the subscriber; unknown -> NAK 503", "[radius][dynauth]") {
    Da d;
    AttrWriter w;
    w.add(kUserName, kAlice);
    Packet p = d.answer(d.request(kDisconnectRequest, w));
    CHECK(p.code == kDisconnectAck);
    CHECK(hotline::user_views(kAlice).empty());
    CHECK(hotline::nai_of_address(test::ip4("198.51.100.77")).empty());
    p = d.answer(d.request(kDisconnectRequest, w));
    CHECK(p.code == kDisconnectNak);
    CHECK(d.cause(p) == kSessionContextNotFound);
    AttrWriter f;
    f.add(kUserName, kDave);
    f.add(kFilterId, "FILTER");
    p = d.answer(d.request(kDisconnectRequest, f));
    CHECK(p.code == kDisconnectNak);
    CHECK(d.cause(p) == kUnsupportedAttribute);
    CHECK(counter(Ctr::dm_acked) == 1);
    CHECK(counter(Ctr::dm_naked) == 2);
}

TEST_CASE("new session: a CoA for an NAI without a binding waits for it, bounded and expiring",
          "[radius][dynauth]") {
    Da d;
    const std::string zoe = "zoe@example.com";
    CHECK(d.coa(zoe, "FILTER").code == kCoaAck);
    CHECK(pending_count() == 1);
    CHECK(user(zoe).new_session);
    SECTION("applied when the binding appears") {
        hotline::binding_changed(zoe, test::ip4("198.51.100.90"), true);
        pending_applied(zoe);  // what the state observer does
        CHECK(user(zoe).state == "hotlined");
        CHECK(user(zoe).addresses == std::vector<std::string>{"198.51.100.90"});
        d.now_ms += 120000;
        dynauth_expire(d.now_ms);
        CHECK(user(zoe).state == "hotlined");
        CHECK(counter(Ctr::pending_applied) == 1);
    }
    SECTION("dropped when no binding comes in time") {
        d.now_ms += 59000;
        dynauth_expire(d.now_ms);
        CHECK(pending_count() == 1);
        d.now_ms += 2000;
        dynauth_expire(d.now_ms);
        CHECK(pending_count() == 0);
        CHECK(hotline::user_views(zoe).empty());
        CHECK(counter(Ctr::pending_expired) == 1);
    }
    SECTION("bounded: the third waiting NAI gets 506") {
        CHECK(d.coa("yan@example.com", "FILTER").code == kCoaAck);
        check_nak(d, d.coa("xia@example.com", "FILTER"), kResourcesUnavailable);
        CHECK(hotline::user_views("xia@example.com").empty());
    }
    SECTION("Hot-Line Normal or a Disconnect cancels it") {
        CHECK(d.coa(zoe, "Hot-Line Normal").code == kCoaAck);
        CHECK(pending_count() == 0);
        CHECK(hotline::user_views(zoe).empty());
    }
}
