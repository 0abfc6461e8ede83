// SPDX-License-Identifier: BSD-3-Clause
// Internal to lib/radius: which Accounting-Request records a hotline state
// change makes (seed 004 active-session steps 6, 7, 12, 14, 15 and
// requirement 7), as RADIUS attribute lists. Control lcore only.
//
// haslb accounts a subscriber's session from its first hotline state change
// (or its start as a hotlined new session) to its end:
// - a state change (console, CoA, config) of a subscriber with a session:
//   Stop for the old Accounting-Session-Id (3GPP2-Release-Indicator = the
//   configured value, 14 by default), then Start for the new one unless the
//   session is over;
// - Session-Timeout: Stop (Acct-Terminate-Cause Session-Timeout);
// - Disconnect: Stop (Admin-Reset, Release-Indicator 6, seed step 12);
// - a binding: Start when a hotlined new session gets its first binding,
//   Stop (User-Request) when the last binding of an accounted session goes.
// The hot-line accounting indication the CoA carried is echoed in both.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "hotline/hotline.hpp"

namespace haslb::radius {

constexpr uint32_t kReleaseResourceMgmt = 6;  // "Termination due to resource management"

class Recorder {
public:
    Recorder(uint32_t release_indicator, uint32_t nas_ip)
        : release_(release_indicator), nas_ip_(nas_ip) {}
    // The records (attribute lists, in send order) for one change at wall
    // clock `now_s`.
    std::vector<std::vector<uint8_t>> on_change(const hotline::StateChange& c, uint32_t now_s);
    // Sessions with a Start and no Stop yet: NAI -> Accounting-Session-Id.
    const std::map<std::string, std::string>& open() const { return open_; }
    // Carries the open sessions over a restart of RADIUS (reload).
    void adopt(std::map<std::string, std::string> open) { open_ = std::move(open); }

private:
    std::vector<uint8_t> stop(const hotline::StateChange& c, uint32_t now_s);
    std::vector<uint8_t> start(const hotline::StateChange& c, uint32_t now_s);

    uint32_t release_, nas_ip_;
    std::map<std::string, std::string> open_;
};

}  // namespace haslb::radius
