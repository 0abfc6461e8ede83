// SPDX-License-Identifier: BSD-3-Clause
// Telemetry: /haslb/slb/reals, /haslb/slb/vservers, /haslb/slb/sessions[,start],
// /haslb/mobile/bindings[,start].
//
// DPDK 22.11's telemetry accepts dictionary keys of [A-Za-z0-9_/] only and no
// dictionaries inside arrays, and one answer is at most 16 KiB. So reals are
// keyed by their address with '_' for '.' ("198_51_100_11", the dotted form
// in "address"), and lists are dictionaries keyed by the entry's index,
// kPage entries from `start`, with "total", "start" and "next" (the start
// of the following page, absent at the end) beside them.
#include <rte_telemetry.h>

#include <algorithm>
#include <cstdlib>
#include <string>

#include "slb/slb.hpp"

namespace haslb::slb {
namespace {

constexpr size_t kPage = 32;

size_t start_of(const char* params) {
    return params && *params ? strtoull(params, nullptr, 10) : 0;
}

int tel_reals(const char*, const char*, rte_tel_data* d) {
    rte_tel_data_start_dict(d);
    std::vector<std::string> seen;
    for (const auto& r : real_views()) {
        rte_tel_data* x = rte_tel_data_alloc();
        if (!x) return -ENOMEM;
        rte_tel_data_start_dict(x);
        rte_tel_data_add_dict_string(x, "farm", r.farm.c_str());
        rte_tel_data_add_dict_u64(x, "weight", r.weight);
        rte_tel_data_add_dict_string(x, "state", r.state.c_str());
        rte_tel_data_add_dict_int(x, "conns", int(r.conns));
        rte_tel_data_add_dict_u64(x, "failures", r.failures);
        rte_tel_data_add_dict_u64(x, "assigned", r.assigned);
        rte_tel_data_add_dict_string(x, "address", r.address.c_str());
        // A real in a second farm is "address/farm".
        bool dup = false;
        for (const auto& s : seen) dup |= s == r.address;
        std::string key = r.address;
        std::replace(key.begin(), key.end(), '.', '_');
        if (dup) key += "/" + r.farm;
        seen.push_back(r.address);
        rte_tel_data_add_dict_container(d, key.c_str(), x, 0);
    }
    return 0;
}

int tel_vservers(const char*, const char*, rte_tel_data* d) {
    rte_tel_data_start_dict(d);
    for (const auto& v : vserver_views()) {
        rte_tel_data* x = rte_tel_data_alloc();
        if (!x) return -ENOMEM;
        rte_tel_data_start_dict(x);
        rte_tel_data_add_dict_string(x, "virtual", v.virtual_addr.c_str());
        rte_tel_data_add_dict_string(x, "protocol", v.protocol.c_str());
        rte_tel_data_add_dict_int(x, "port", v.port);
        rte_tel_data_add_dict_string(x, "serverfarm", v.serverfarm.c_str());
        rte_tel_data_add_dict_string(x, "state", v.state.c_str());
        rte_tel_data_add_dict_u64(x, "conns", v.conns);
        rte_tel_data_add_dict_u64(x, "idle", v.idle_s);
        rte_tel_data_add_dict_container(d, v.name.c_str(), x, 0);
    }
    return 0;
}

template <typename View, typename Fill>
int paged(rte_tel_data* d, const std::vector<View>& all, size_t start, Fill fill) {
    rte_tel_data_start_dict(d);
    rte_tel_data_add_dict_u64(d, "total", all.size());
    rte_tel_data_add_dict_u64(d, "start", start);
    size_t i = start;
    for (; i < all.size() && i < start + kPage; i++) {
        rte_tel_data* x = rte_tel_data_alloc();
        if (!x) break;
        rte_tel_data_start_dict(x);
        fill(x, all[i]);
        rte_tel_data_add_dict_container(d, std::to_string(i).c_str(), x, 0);
    }
    if (i < all.size()) rte_tel_data_add_dict_u64(d, "next", i);
    return 0;
}

int tel_sessions(const char*, const char* params, rte_tel_data* d) {
    char hash[17];
    return paged(d, session_views(), start_of(params),
                 [&](rte_tel_data* x, const SessionView& s) {
                     snprintf(hash, sizeof(hash), "%016lX", static_cast<unsigned long>(s.nai_hash));
                     rte_tel_data_add_dict_string(x, "vserver", s.vserver.c_str());
                     rte_tel_data_add_dict_string(x, "nai", s.nai.c_str());
                     rte_tel_data_add_dict_string(x, "nai_hash", hash);
                     rte_tel_data_add_dict_string(x, "client", s.client.c_str());
                     rte_tel_data_add_dict_string(x, "real", s.real.c_str());
                     rte_tel_data_add_dict_string(x, "state", s.state.c_str());
                     rte_tel_data_add_dict_u64(x, "retries", s.retries);
                     rte_tel_data_add_dict_u64(x, "age_s", s.age_s);
                 });
}

int tel_bindings(const char*, const char* params, rte_tel_data* d) {
    return paged(d, binding_views(), start_of(params),
                 [](rte_tel_data* x, const BindingView& b) {
                     rte_tel_data_add_dict_string(x, "nai", b.nai.c_str());
                     rte_tel_data_add_dict_string(x, "home_addr", b.home_addr.c_str());
                     rte_tel_data_add_dict_string(x, "home_agent", b.home_agent.c_str());
                     rte_tel_data_add_dict_u64(x, "lifetime", b.lifetime);
                     rte_tel_data_add_dict_u64(x, "remaining", b.remaining);
                 });
}

__attribute__((constructor)) void register_slb_telemetry() {
    rte_telemetry_register_cmd("/haslb/slb/reals", tel_reals,
                               "Reals keyed by address (dots as '_'): farm, weight, state, conns, failures, assigned");
    rte_telemetry_register_cmd(
        "/haslb/slb/vservers", tel_vservers,
        "Virtual servers by name: virtual, protocol, port, serverfarm, state, conns");
    rte_telemetry_register_cmd("/haslb/slb/sessions", tel_sessions,
                               "Session objects by index from 'start' (param), 32 per answer, with total/start/next");
    rte_telemetry_register_cmd("/haslb/mobile/bindings", tel_bindings,
                               "Bindings by index from 'start' (param), 32 per answer, with total/start/next");
}

}  // namespace
}  // namespace haslb::slb
