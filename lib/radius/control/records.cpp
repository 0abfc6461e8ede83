// SPDX-License-Identifier: BSD-3-Clause
#include "radius/control/records.hpp"

#include "radius/counters.hpp"
#include "radius/wire.hpp"

namespace haslb::radius {
namespace {

using hotline::ChangeReason;

void common(AttrWriter& w, const hotline::StateChange& c, uint32_t status, const std::string& id,
            uint32_t nas_ip, uint32_t now_s) {
    w.add_u32(kAcctStatusType, status);
    w.add(kUserName, c.nai);
    w.add(kAcctSessionId, id);
    if (c.home_addr) w.add_u32(kFramedIpAddress, c.home_addr);
    if (nas_ip) w.add_u32(kNasIpAddress, nas_ip);
    w.add_u32(kEventTimestamp, now_s);
}

void indication(AttrWriter& w, uint32_t vendor, const std::string& value) {
    if (value.empty()) return;
    const std::span<const uint8_t> v(reinterpret_cast<const uint8_t*>(value.data()), value.size());
    w.add_vsa(
        vendor,
        vendor == kVendorWimax ? uint8_t(kWimaxHotlineIndicator) : uint8_t(k3gpp2HotlineAcctInfo),
        v);
}

}  // namespace

std::vector<uint8_t> Recorder::stop(const hotline::StateChange& c, uint32_t now_s) {
    AttrWriter w;
    auto it = open_.find(c.nai);
    const std::string id = it != open_.end() ? it->second : c.old_acct_id;
    common(w, c, kAcctStop, id, nas_ip_, now_s);
    if (!c.old_profile.empty()) w.add(kFilterId, c.old_profile);
    switch (c.reason) {
        case ChangeReason::kSessionTimeout:
            w.add_u32(kAcctTerminateCause, kTermSessionTimeout);
            break;
        case ChangeReason::kDisconnect:
            w.add_u32(kAcctTerminateCause, kTermAdminReset);
            w.add_vsa_u32(kVendor3gpp2, k3gpp2ReleaseIndicator, kReleaseResourceMgmt);
            break;
        case ChangeReason::kBinding:
            w.add_u32(kAcctTerminateCause, kTermUserRequest);
            break;
        default:  // a hotline status change
            w.add_vsa_u32(kVendor3gpp2, k3gpp2ReleaseIndicator, release_);
    }
    // Step 14: the indication of the CoA that ends the state, else the
    // session's own (requirement 7).
    if (!c.new_indication.empty() && c.reason != ChangeReason::kBinding)
        indication(w, c.new_indication_vendor, c.new_indication);
    else
        indication(w, c.old_indication_vendor, c.old_indication);
    if (it != open_.end()) open_.erase(it);
    count(Ctr::acct_stops);
    return w.bytes();
}

std::vector<uint8_t> Recorder::start(const hotline::StateChange& c, uint32_t now_s) {
    AttrWriter w;
    common(w, c, kAcctStart, c.new_acct_id, nas_ip_, now_s);
    if (!c.new_profile.empty()) w.add(kFilterId, c.new_profile);
    indication(w, c.new_indication_vendor, c.new_indication);
    open_[c.nai] = c.new_acct_id;
    count(Ctr::acct_starts);
    return w.bytes();
}

std::vector<std::vector<uint8_t>> Recorder::on_change(const hotline::StateChange& c,
                                                      uint32_t now_s) {
    std::vector<std::vector<uint8_t>> out;
    const bool goes_on = c.new_active && c.new_state != "ended" && c.new_state != "removed";
    if (c.reason == ChangeReason::kBinding) {
        const bool accounted = open_.count(c.nai) > 0;
        if (accounted && (!c.new_active || c.old_acct_id != c.new_acct_id))
            out.push_back(stop(c, now_s));
        if (goes_on && c.new_state == "hotlined" && !open_.count(c.nai))
            out.push_back(start(c, now_s));
        return out;
    }
    // An ended session (Session-Timeout) had its Stop already; its new
    // Accounting-Session-Id was never started.
    if ((c.old_active && c.old_state != "ended") || open_.count(c.nai))
        out.push_back(stop(c, now_s));
    if (goes_on && c.reason != ChangeReason::kSessionTimeout &&
        c.reason != ChangeReason::kDisconnect)
        out.push_back(start(c, now_s));
    return out;
}

}  // namespace haslb::radius
