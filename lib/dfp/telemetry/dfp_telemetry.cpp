// SPDX-License-Identifier: BSD-3-Clause
// Telemetry: /haslb/slb/dfp. Keys may hold only [A-Za-z0-9_/] (DPDK 22.11):
// agents are "agent_<address with _>_<port>", weights "weight_<address with _>".
#include <rte_telemetry.h>

#include <algorithm>
#include <string>

#include "dfp/manager.hpp"

namespace haslb::dfp {
namespace {

std::string key(const std::string& prefix, std::string addr) {
    std::replace(addr.begin(), addr.end(), '.', '_');
    return prefix + addr;
}

int tel_dfp(const char*, const char*, rte_tel_data* d) {
    rte_tel_data_start_dict(d);
    rte_tel_data_add_dict_string(d, "password", password_set() ? "set" : "none");
    for (const auto& a : agent_views()) {
        rte_tel_data* x = rte_tel_data_alloc();
        if (!x) return -ENOMEM;
        rte_tel_data_start_dict(x);
        rte_tel_data_add_dict_string(x, "address", a.address.c_str());
        rte_tel_data_add_dict_int(x, "port", a.port);
        rte_tel_data_add_dict_string(x, "state", a.state.c_str());
        rte_tel_data_add_dict_u64(x, "messages", a.messages);
        rte_tel_data_add_dict_u64(x, "lost", a.lost);
        rte_tel_data_add_dict_u64(x, "connects", a.connects);
        rte_tel_data_add_dict_u64(x, "bad_messages", a.bad_messages);
        rte_tel_data_add_dict_u64(x, "timeout", a.timeout_s);
        rte_tel_data_add_dict_container(d, (key("agent_", a.address) + "_" + std::to_string(a.port)).c_str(), x, 0);
    }
    for (const auto& w : weight_views()) {
        rte_tel_data* x = rte_tel_data_alloc();
        if (!x) return -ENOMEM;
        rte_tel_data_start_dict(x);
        rte_tel_data_add_dict_string(x, "address", w.real.c_str());
        rte_tel_data_add_dict_int(x, "weight", w.weight);
        rte_tel_data_add_dict_string(x, "agent", w.agent.c_str());
        rte_tel_data_add_dict_int(x, "protocol", w.protocol);
        rte_tel_data_add_dict_int(x, "port", w.port);
        rte_tel_data_add_dict_int(x, "bind_id", w.bind_id);
        rte_tel_data_add_dict_u64(x, "set_at", uint64_t(w.set_at));
        rte_tel_data_add_dict_container(d, key("weight_", w.real).c_str(), x, 0);
    }
    return 0;
}

__attribute__((constructor)) void register_dfp_telemetry() {
    rte_telemetry_register_cmd("/haslb/slb/dfp", tel_dfp,
                               "DFP agents (agent_<addr>_<port>) and the weights they set (weight_<addr>)");
}

}  // namespace
}  // namespace haslb::dfp
