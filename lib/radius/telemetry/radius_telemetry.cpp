// SPDX-License-Identifier: BSD-3-Clause
// Telemetry: /haslb/radius. Keys hold only [A-Za-z0-9_/] (DPDK 22.11):
// clients "client_<address with _>", servers "server_<address with _>_<port>".
#include <rte_telemetry.h>

#include <algorithm>
#include <string>

#include "radius/counters.hpp"
#include "radius/radius.hpp"

namespace haslb::radius {
namespace {

std::string key(const std::string& prefix, std::string addr) {
    std::replace(addr.begin(), addr.end(), '.', '_');
    return prefix + addr;
}

int tel_radius(const char*, const char*, rte_tel_data* d) {
    const Status s = status();
    rte_tel_data_start_dict(d);
    rte_tel_data_add_dict_int(d, "dynauth", s.dynauth);
    rte_tel_data_add_dict_int(d, "port", s.port);
    rte_tel_data_add_dict_u64(d, "event_timestamp_window", s.event_timestamp_window_s);
    rte_tel_data_add_dict_u64(d, "pending", s.pending);
    rte_tel_data_add_dict_u64(d, "max_pending", s.max_pending);
    rte_tel_data_add_dict_int(d, "accounting", s.accounting);
    rte_tel_data_add_dict_string(d, "spool", s.spool.c_str());
    rte_tel_data_add_dict_u64(d, "spool_depth", s.spool_depth);
    rte_tel_data_add_dict_u64(d, "release_indicator", s.release_indicator);
    for (const auto& c : s.clients) {
        rte_tel_data* x = rte_tel_data_alloc();
        if (!x) return -ENOMEM;
        rte_tel_data_start_dict(x);
        rte_tel_data_add_dict_string(x, "address", c.address.c_str());
        rte_tel_data_add_dict_int(x, "require_message_authenticator",
                                  c.require_message_authenticator);
        rte_tel_data_add_dict_container(d, key("client_", c.address).c_str(), x, 0);
    }
    for (const auto& v : s.servers) {
        rte_tel_data* x = rte_tel_data_alloc();
        if (!x) return -ENOMEM;
        rte_tel_data_start_dict(x);
        rte_tel_data_add_dict_string(x, "address", v.address.c_str());
        rte_tel_data_add_dict_int(x, "port", v.port);
        rte_tel_data_add_dict_int(x, "active", v.active);
        rte_tel_data_add_dict_container(
            d, (key("server_", v.address) + "_" + std::to_string(v.port)).c_str(), x, 0);
    }
    rte_tel_data* c = rte_tel_data_alloc();
    if (!c) return -ENOMEM;
    rte_tel_data_start_dict(c);
    for (size_t i = 0; i < kCtrCount; i++)
        rte_tel_data_add_dict_u64(c, std::string(ctr_name(Ctr(i))).c_str(), counter(Ctr(i)));
    rte_tel_data_add_dict_container(d, "counters", c, 0);
    return 0;
}

__attribute__((constructor)) void register_radius_telemetry() {
    rte_telemetry_register_cmd("/haslb/radius", tel_radius,
                               "RADIUS: CoA/Disconnect clients, accounting servers, spool depth, "
                               "counters");
}

}  // namespace
}  // namespace haslb::radius
