// SPDX-License-Identifier: BSD-3-Clause
// The RFC 5176 checks in the order the RFC gives them: untrusted source,
// code, authenticators, Event-Timestamp -> silently discarded (counted);
// then duplicates are answered from a cache; then the request is processed
// (coa.cpp) and answered with Proxy-State echoed, and a Message-Authenticator
// when the request had one.
#include <algorithm>
#include <cstdlib>
#include <deque>
#include <map>
#include <tuple>

#include "hotline/hotline.hpp"
#include "radius/control/dynauth.hpp"
#include "radius/counters.hpp"

namespace haslb::radius {
namespace {

// How long an answer is kept for a retransmission of its request: radclient
// and AAA servers retransmit within a few seconds; RFC 5176 §2.3 speaks of
// "a short span of time".
constexpr uint64_t kDuplicateHoldMs = 30000;
constexpr size_t kMaxCached = 4096;

struct CacheKey {
    uint32_t src;
    uint16_t port;
    uint8_t id;
    bool operator<(const CacheKey& o) const {
        return std::tie(src, port, id) < std::tie(o.src, o.port, o.id);
    }
};
struct Cached {
    Authenticator auth;
    std::vector<uint8_t> reply;
    uint64_t at_ms;
};

DynauthSettings g_set;
std::map<CacheKey, Cached> g_cache;
std::deque<std::pair<CacheKey, uint64_t>> g_cache_order;  // insertion order, for expiry
std::map<std::string, uint64_t> g_pending;                // NAI -> deadline (ms)

const config::RadiusClientConfig* client_of(uint32_t src) {
    for (const auto& c : g_set.clients)
        if (c.address == src) return &c;
    return nullptr;
}

void count_nak(uint32_t cause) {
    switch (cause) {
        case kUnsupportedAttribute:
            count(Ctr::nak_unsupported_attribute);
            break;
        case kMissingAttribute:
            count(Ctr::nak_missing_attribute);
            break;
        case kNasIdentificationMismatch:
            count(Ctr::nak_nas_mismatch);
            break;
        case kUnsupportedService:
            count(Ctr::nak_unsupported_service);
            break;
        case kInvalidAttributeValue:
            count(Ctr::nak_invalid_attribute_value);
            break;
        case kAdministrativelyProhibited:
            count(Ctr::nak_administratively_prohibited);
            break;
        case kSessionContextNotFound:
            count(Ctr::nak_session_not_found);
            break;
        case kSessionContextNotRemovable:
            count(Ctr::nak_session_not_removable);
            break;
        case kResourcesUnavailable:
            count(Ctr::nak_resources_unavailable);
            break;
    }
}

std::vector<uint8_t> answer(const Packet& req, const Outcome& o, std::string_view secret) {
    const bool coa = req.code == kCoaRequest;
    const uint8_t code =
        coa ? (o.ack ? kCoaAck : kCoaNak) : (o.ack ? kDisconnectAck : kDisconnectNak);
    AttrWriter w;
    if (!o.ack && o.cause) w.add_u32(kErrorCause, o.cause);
    for (const Attribute& a : req.attrs)  // RFC 5176 §3: unmodified, in order
        if (a.type == kProxyState) w.add(kProxyState, req.value(a));
    size_t ma = SIZE_MAX;
    if (req.find(kMessageAuthenticator)) ma = w.add_message_authenticator();
    return build_response(code, req.id, req.auth, w.bytes(), secret, ma);
}

}  // namespace

void dynauth_configure(const DynauthSettings& s) {
    g_set = s;
    g_cache.clear();
    g_cache_order.clear();
}

void dynauth_reset() {
    g_set = DynauthSettings{};
    g_cache.clear();
    g_cache_order.clear();
    g_pending.clear();
}

const DynauthSettings& dynauth_settings() {
    return g_set;
}

std::vector<uint8_t> dynauth_handle(uint32_t src, uint16_t sport, const uint8_t* data, size_t len,
                                    int64_t now_s, uint64_t now_ms) {
    Packet p;
    if (parse(data, len, p) != Error::kOk) {
        count(Ctr::discard_malformed);
        return {};
    }
    const config::RadiusClientConfig* c = client_of(src);
    if (!c) {
        count(Ctr::discard_unknown_client);
        return {};
    }
    if (p.code != kCoaRequest && p.code != kDisconnectRequest) {
        count(Ctr::discard_bad_code);
        return {};
    }
    if (!request_auth_ok(p, c->secret)) {
        count(Ctr::discard_bad_authenticator);
        return {};
    }
    if (p.find(kMessageAuthenticator)) {
        if (!message_auth_ok(p, c->secret)) {
            count(Ctr::discard_bad_message_authenticator);
            return {};
        }
    } else if (c->require_message_authenticator) {
        count(Ctr::discard_missing_message_authenticator);
        return {};
    }
    if (const Attribute* ts = p.find(kEventTimestamp); ts && g_set.event_timestamp_window_s) {
        // A malformed timestamp cannot be current either.
        const bool ok = ts->len == 4 && std::llabs(now_s - int64_t(be32(p.value(*ts)))) <=
                                            int64_t(g_set.event_timestamp_window_s);
        if (!ok) {
            count(Ctr::discard_event_timestamp);
            return {};
        }
    }
    const CacheKey key{src, sport, p.id};
    if (auto it = g_cache.find(key); it != g_cache.end() && it->second.auth == p.auth &&
                                     now_ms - it->second.at_ms < kDuplicateHoldMs) {
        count(Ctr::duplicates);
        return it->second.reply;
    }
    const bool coa = p.code == kCoaRequest;
    count(coa ? Ctr::coa_received : Ctr::dm_received);
    const Outcome o = coa ? process_coa(p, now_ms) : process_disconnect(p);
    if (o.ack) {
        count(coa ? Ctr::coa_acked : Ctr::dm_acked);
    } else {
        count(coa ? Ctr::coa_naked : Ctr::dm_naked);
        count_nak(o.cause);
    }
    std::vector<uint8_t> reply = answer(p, o, c->secret);
    if (g_cache.size() >= kMaxCached && !g_cache_order.empty()) {
        g_cache.erase(g_cache_order.front().first);
        g_cache_order.pop_front();
    }
    g_cache[key] = Cached{p.auth, reply, now_ms};
    g_cache_order.emplace_back(key, now_ms);
    return reply;
}

void dynauth_expire(uint64_t now_ms) {
    while (!g_cache_order.empty() && now_ms - g_cache_order.front().second >= kDuplicateHoldMs) {
        auto it = g_cache.find(g_cache_order.front().first);
        // A newer answer under the same key keeps its own, later, time.
        if (it != g_cache.end() && it->second.at_ms == g_cache_order.front().second)
            g_cache.erase(it);
        g_cache_order.pop_front();
    }
    for (auto it = g_pending.begin(); it != g_pending.end();) {
        if (now_ms < it->second) {
            ++it;
            continue;
        }
        const std::string nai = it->first;
        it = g_pending.erase(it);
        const auto v = hotline::user_views(nai);
        if (v.empty() || !v[0].addresses.empty()) continue;  // gone, or its binding came
        std::string msg;
        // Still waiting: the CoA is dropped with the subscriber it created.
        hotline::remove_subscriber(nai, msg, {hotline::ChangeReason::kCoa, 0, ""});
        count(Ctr::pending_expired);
    }
}

bool pending_add(const std::string& nai, uint64_t now_ms) {
    if (!g_pending.count(nai) && g_pending.size() >= g_set.max_pending) return false;
    g_pending[nai] = now_ms + uint64_t(g_set.pending_timeout_s) * 1000;
    count(Ctr::pending_created);
    return true;
}

void pending_erase(const std::string& nai) {
    g_pending.erase(nai);
}
bool pending_has(const std::string& nai) {
    return g_pending.count(nai) > 0;
}
size_t pending_count() {
    return g_pending.size();
}

void pending_applied(const std::string& nai) {
    if (g_pending.erase(nai)) count(Ctr::pending_applied);
}

}  // namespace haslb::radius
