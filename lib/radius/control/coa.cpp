// SPDX-License-Identifier: BSD-3-Clause
// What a CoA or Disconnect-Request means for the hotline model (seed 004
// requirements 4-7, active- and new-session hotlining, WiMAX CoA), decided
// entirely before anything changes so that a NAK leaves every state as it
// was (RFC 5176 §3: atomic).
//
// Error-Cause choices (README "RADIUS: CoA, Disconnect and accounting"):
//   401 an attribute haslb does not act on (rule-based hotlining VSAs of a
//       capable realm, unknown vendors, anything not listed below)
//   402 no identification (User-Name, Framed-IP-Address, Acct-Session-Id),
//       or a CoA that changes nothing
//   403 NAS-IP-Address that is not one of haslb's addresses
//   405 Service-Type (Authorize-Only is not supported)
//   407 an attribute with a wrong length
//   501 Filter-Id / WiMAX-Hotline-Profile-Id naming no profile, not
//       decodable, several profiles, or a realm without the capability
//   503 identification matching no subscriber
//   506 too many CoAs kept for NAIs without a binding
#include <algorithm>
#include <set>

#include "hotline/hotline.hpp"
#include "radius/control/dynauth.hpp"
#include "slb/slb.hpp"

namespace haslb::radius {
namespace {

constexpr std::string_view kNormal = "Hot-Line Normal";
constexpr std::string_view kNormalOld = "3GPP2 Hot-Line Normal";  // HA 4.0 spelling (seed 004)

std::string text(std::span<const uint8_t> v) {
    return {v.begin(), v.end()};
}

// Profile names are [A-Za-z0-9_.-] (config), the normal keywords have
// spaces: anything else (control octets, UTF-8, empty) cannot be decoded.
bool decodable(const std::string& s) {
    if (s.empty() || s.size() > 64) return false;
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
}

// What the identification and the CoA's content say, before any change.
struct Request {
    std::string user;  // User-Name
    bool has_user = false;
    uint32_t framed = 0;
    bool has_framed = false;
    std::string acct_id;
    bool has_acct = false;
    std::set<std::string> profiles;  // Filter-Id and WiMAX-Hotline-Profile-Id values
    bool has_timeout = false;
    uint32_t timeout_s = 0;
    uint32_t rule_caps = 0;  // capabilities the rule-based VSAs would need
    hotline::ChangeContext ctx{hotline::ChangeReason::kCoa, 0, ""};
};

// Decodes a vendor-specific attribute of a CoA. 0 or an Error-Cause.
uint32_t vsa(const Packet& p, const Attribute& a, Request& r) {
    Vsa v;
    if (!parse_vsa(p.value(a), v)) return kInvalidAttributeValue;
    if (v.vendor == kVendor3gpp2) {
        switch (v.type) {
            case k3gpp2HotlineAcctInfo:
                r.ctx.indication_vendor = kVendor3gpp2;
                r.ctx.indication = text(v.value);
                return 0;
            case k3gpp2HotlineCapability:  // the AAA's view of what the HA can do
            case k3gpp2ReleaseIndicator:   // meaningful in accounting only
                return 0;
            case k3gpp2FilterRule:
                r.rule_caps |= config::kCapIpFilter;
                return 0;
            case k3gpp2HttpRedirectRule:
                r.rule_caps |= config::kCapHttpRedirect;
                return 0;
            case k3gpp2IpRedirectRule:
                r.rule_caps |= config::kCapIpRedirect;
                return 0;
        }
        return kUnsupportedAttribute;
    }
    if (v.vendor == kVendorWimax) {
        if (v.more) return kUnsupportedAttribute;  // continued values: none we act on
        switch (v.type) {
            case kWimaxHotlineProfileId:
                r.profiles.insert(text(v.value));
                return 0;
            case kWimaxHotlineIndicator:
                r.ctx.indication_vendor = kVendorWimax;
                r.ctx.indication = text(v.value);
                return 0;
            case kWimaxHotlineSessionTimer:
                if (v.value.size() != 4) return kInvalidAttributeValue;
                r.has_timeout = true;
                r.timeout_s = be32(v.value);
                return 0;
            case kWimaxCapability:
                return 0;
            case kWimaxHttpRedirectRule:
                r.rule_caps |= config::kCapHttpRedirect;
                return 0;
            case kWimaxIpRedirectRule:
                r.rule_caps |= config::kCapIpRedirect;
                return 0;
        }
        return kUnsupportedAttribute;
    }
    return kUnsupportedAttribute;
}

// Identification and NAS attributes, common to CoA and Disconnect. 0, an
// Error-Cause, or 1 = "not an identification attribute".
uint32_t identification(const Packet& p, const Attribute& a, Request& r) {
    const auto v = p.value(a);
    switch (a.type) {
        case kUserName:
            if (r.has_user || v.empty()) return kInvalidAttributeValue;
            r.has_user = true;
            r.user = text(v);
            return 0;
        case kFramedIpAddress:
            if (r.has_framed || v.size() != 4) return kInvalidAttributeValue;
            r.has_framed = true;
            r.framed = be32(v);
            return 0;
        case kAcctSessionId:
            if (r.has_acct || v.empty()) return kInvalidAttributeValue;
            r.has_acct = true;
            r.acct_id = text(v);
            return 0;
        case kNasIpAddress: {
            if (v.size() != 4) return kInvalidAttributeValue;
            const auto& own = dynauth_settings().nas_addresses;
            if (!own.empty() && std::find(own.begin(), own.end(), be32(v)) == own.end())
                return kNasIdentificationMismatch;
            return 0;
        }
        case kNasIdentifier:  // haslb has no NAS-Identifier of its own to compare with
        case kEventTimestamp:
        case kMessageAuthenticator:
        case kProxyState:
            return 0;
    }
    return 1;
}

// The NAI the identification attributes agree on. 0 or an Error-Cause;
// `known` says whether a subscriber or binding exists for it.
uint32_t identify(const Request& r, std::string& nai, bool& known) {
    if (!r.has_user && !r.has_framed && !r.has_acct) return kMissingAttribute;
    std::set<std::string> names;
    if (r.has_user) names.insert(r.user);
    if (r.has_framed) {
        const std::string n = hotline::nai_of_address(r.framed);
        if (n.empty()) return kSessionContextNotFound;
        names.insert(n);
    }
    if (r.has_acct) {
        const std::string n = hotline::nai_of_acct_session(r.acct_id);
        if (n.empty()) return kSessionContextNotFound;
        names.insert(n);
    }
    if (names.size() != 1) return kSessionContextNotFound;  // they name different sessions
    nai = *names.begin();
    known = !hotline::user_views(nai).empty() || !slb::binding_views(nai).empty();
    return 0;
}

Outcome nak(uint32_t cause) {
    return Outcome{false, cause};
}

}  // namespace

Outcome process_coa(const Packet& p, uint64_t now_ms) {
    Request r;
    for (const Attribute& a : p.attrs) {
        uint32_t rc = identification(p, a, r);
        if (rc == 1) {
            const auto v = p.value(a);
            switch (a.type) {
                case kFilterId:
                    rc = 0, r.profiles.insert(text(v));
                    break;
                case kSessionTimeout:
                    rc = v.size() == 4 ? 0u : uint32_t(kInvalidAttributeValue);
                    if (!rc) r.has_timeout = true, r.timeout_s = be32(v);
                    break;
                case kServiceType:  // Authorize-Only needs an Access-Request haslb never sends
                    rc = kUnsupportedService;
                    break;
                case kState:
                    rc = 0;
                    break;
                case kVendorSpecific:
                    rc = vsa(p, a, r);
                    break;
                default:
                    rc = kUnsupportedAttribute;
            }
        }
        if (rc) return nak(rc);
    }
    std::string nai;
    bool known = false;
    if (uint32_t rc = identify(r, nai, known)) return nak(rc);
    const uint32_t caps = hotline::realm_capability(nai);
    if (r.rule_caps)
        return nak((caps & r.rule_caps) == r.rule_caps ? kUnsupportedAttribute
                                                       : kAdministrativelyProhibited);
    bool normal = false;
    std::string profile;
    for (const std::string& f : r.profiles) {
        if (!decodable(f)) return nak(kAdministrativelyProhibited);
        if (f == kNormal || f == kNormalOld)
            normal = true;
        else if (!profile.empty())
            return nak(kAdministrativelyProhibited);  // one profile per subscriber
        else
            profile = f;
    }
    if (normal && !profile.empty()) return nak(kAdministrativelyProhibited);
    const auto views = hotline::user_views(nai);
    const bool hotlined = !views.empty() && views[0].state == "hotlined";
    if (!normal && profile.empty()) {
        // Session-Timeout alone limits the hotlined session it names.
        if (!r.has_timeout || !hotlined) return nak(kMissingAttribute);
        profile = views[0].profile;
    }
    std::string msg;
    if (normal) {
        if (!known && !pending_has(nai)) return nak(kSessionContextNotFound);
        if (hotline::set_normal(nai, msg, r.ctx) != 0) return nak(kSessionContextNotFound);
        pending_erase(nai);
        return Outcome{true, 0};
    }
    if (!known && !pending_has(nai) && caps == 0) return nak(kSessionContextNotFound);
    if (!(caps & config::kCapProfile)) return nak(kAdministrativelyProhibited);
    const auto pv = hotline::profile_views(profile);
    if (pv.empty() || pv[0].non_hotline) return nak(kAdministrativelyProhibited);
    const bool active = !views.empty() && !views[0].addresses.empty();
    if (!active && !pending_add(nai, now_ms)) return nak(kResourcesUnavailable);
    const uint32_t timeout = r.has_timeout ? r.timeout_s : 0;
    if (hotline::apply_profile(nai, profile, timeout, msg, r.ctx) != 0) {
        if (!active) pending_erase(nai);
        return nak(kResourcesUnavailable);
    }
    return Outcome{true, 0};
}

Outcome process_disconnect(const Packet& p) {
    Request r;
    r.ctx.reason = hotline::ChangeReason::kDisconnect;
    for (const Attribute& a : p.attrs) {
        uint32_t rc = identification(p, a, r);
        if (rc == 1) rc = a.type == kState ? 0u : uint32_t(kUnsupportedAttribute);
        if (rc) return nak(rc);
    }
    std::string nai;
    bool known = false;
    if (uint32_t rc = identify(r, nai, known)) return nak(rc);
    if (!known && !pending_has(nai)) return nak(kSessionContextNotFound);
    std::string msg;
    // The hotline state first: its Stop is the Disconnect's; the binding's
    // removal that follows then finds no subscriber left to report.
    hotline::remove_subscriber(nai, msg, r.ctx);
    slb::remove_nai(nai, msg);
    pending_erase(nai);
    return Outcome{true, 0};
}

}  // namespace haslb::radius
