// SPDX-License-Identifier: BSD-3-Clause
// Internal to lib/radius: the dynamic authorization server's logic without
// its socket (unit tests feed it datagrams): checks, duplicate cache,
// CoA / Disconnect processing against the hotline and SLB models, and the
// CoAs kept for NAIs without a binding yet. Control lcore only.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "radius/wire.hpp"

namespace haslb::radius {

struct DynauthSettings {
    std::vector<config::RadiusClientConfig> clients;
    uint32_t event_timestamp_window_s = 300;
    uint32_t max_pending = 1024;
    uint32_t pending_timeout_s = 300;
    std::vector<uint32_t> nas_addresses;  // haslb's own addresses (NAS-IP-Address check)
};

// Replaces the settings; clears the duplicate cache (not pending CoAs).
void dynauth_configure(const DynauthSettings& s);
// Forgets everything (settings, cache, pending).
void dynauth_reset();

// One datagram from src:sport (host order). Returns the reply to send, or
// nothing (silently discarded; counted). `now_s`: wall clock seconds (the
// Event-Timestamp check), `now_ms`: monotonic milliseconds (cache, pending).
std::vector<uint8_t> dynauth_handle(uint32_t src, uint16_t sport, const uint8_t* data, size_t len,
                                    int64_t now_s, uint64_t now_ms);

// Drops old cache entries and kept CoAs whose binding never came.
void dynauth_expire(uint64_t now_ms);

// A binding appeared for nai: its kept CoA (if any) has applied.
void pending_applied(const std::string& nai);
size_t pending_count();

struct Outcome {
    bool ack = false;
    uint32_t cause = 0;  // Error-Cause of a NAK
};
// coa.cpp: the request's meaning, applied atomically (nothing changes on a NAK).
Outcome process_coa(const Packet& p, uint64_t now_ms);
Outcome process_disconnect(const Packet& p);

// coa.cpp uses these (dynauth.cpp owns them).
const DynauthSettings& dynauth_settings();
// Keeps a CoA for nai until `now_ms` + pending_timeout; false when full.
bool pending_add(const std::string& nai, uint64_t now_ms);
void pending_erase(const std::string& nai);
bool pending_has(const std::string& nai);

}  // namespace haslb::radius
