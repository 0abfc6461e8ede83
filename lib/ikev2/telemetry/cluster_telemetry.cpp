// SPDX-License-Identifier: BSD-3-Clause
// Telemetry /haslb/cluster: the cluster parameters ("vip" the first VIP,
// "vips" all of them, IPv4 then IPv6; "listen" the report address or "*")
// and one entry per member
// keyed by its address ('.' and ':' written as '_'; DPDK 22.11 accepts
// [A-Za-z0-9_/] in keys). Loads in per mille (integers).
#include <rte_telemetry.h>

#include <algorithm>
#include <cerrno>

#include "ikev2/cluster.hpp"

namespace haslb::ikev2 {
namespace {

int tel_cluster(const char*, const char*, rte_tel_data* d) {
    const ClusterView v = cluster_view();
    rte_tel_data_start_dict(d);
    rte_tel_data_add_dict_string(d, "role", "primary");
    rte_tel_data_add_dict_string(d, "status", v.enabled ? (v.alive ? "up" : "down") : "disabled");
    if (!v.enabled) return 0;
    rte_tel_data_add_dict_string(d, "vip", v.vips.empty() ? "" : v.vips[0].c_str());
    rte_tel_data* vips = rte_tel_data_alloc();
    if (!vips) return -ENOMEM;
    rte_tel_data_start_array(vips, RTE_TEL_STRING_VAL);
    for (const auto& a : v.vips) rte_tel_data_add_array_string(vips, a.c_str());
    rte_tel_data_add_dict_container(d, "vips", vips, 0);
    rte_tel_data_add_dict_string(d, "listen", v.listen.c_str());
    rte_tel_data_add_dict_u64(d, "port", v.port);
    rte_tel_data_add_dict_u64(d, "holdtime_ms", v.holdtime_ms);
    rte_tel_data_add_dict_u64(d, "overload_limit", v.overload_limit);
    rte_tel_data_add_dict_u64(d, "weight_crypto", v.weight_crypto);
    rte_tel_data_add_dict_u64(d, "weight_system", v.weight_system);
    rte_tel_data_add_dict_u64(d, "alive", v.alive);
    rte_tel_data_add_dict_u64(d, "nat_entries", v.nat_entries);
    for (const auto& m : v.members) {
        rte_tel_data* x = rte_tel_data_alloc();
        if (!x) return -ENOMEM;
        rte_tel_data_start_dict(x);
        rte_tel_data_add_dict_string(x, "address", m.address.c_str());
        rte_tel_data_add_dict_string(x, "state",
                                     m.alive ? (m.overloaded ? "OVERLOADED" : "UP") : "DEAD");
        rte_tel_data_add_dict_u64(x, "least_loaded", m.least_loaded);
        rte_tel_data_add_dict_int(x, "last_seen_ms",
                                  int(std::min<int64_t>(m.last_seen_ms, 1 << 30)));
        rte_tel_data_add_dict_u64(x, "priority", m.priority);
        rte_tel_data_add_dict_u64(x, "max_session", m.max_session);
        rte_tel_data_add_dict_u64(x, "ike_sas", m.report.ike_sas);
        rte_tel_data_add_dict_u64(x, "ike_in_neg", m.report.ike_in_neg);
        rte_tel_data_add_dict_u64(x, "ipsec_sas", m.report.ipsec_sas);
        rte_tel_data_add_dict_u64(x, "in_neg_pm", m.load.in_neg / 1000);
        rte_tel_data_add_dict_u64(x, "crypto_pm", m.load.crypto / 1000);
        rte_tel_data_add_dict_u64(x, "cpu_pm", m.load.cpu / 1000);
        rte_tel_data_add_dict_u64(x, "mem_pm", m.load.mem / 1000);
        rte_tel_data_add_dict_u64(x, "composite_pm", m.load.composite / 1000);
        rte_tel_data_add_dict_u64(x, "prioritized_pm", m.load.prioritized / 1000);
        rte_tel_data_add_dict_u64(x, "redirects", m.redirects);
        rte_tel_data_add_dict_u64(x, "nat_sessions", m.nat_sessions);
        rte_tel_data_add_dict_u64(x, "pending", m.pending);
        rte_tel_data_add_dict_u64(x, "reports", m.reports);
        std::string key = "member_" + m.address;
        std::replace(key.begin(), key.end(), '.', '_');
        std::replace(key.begin(), key.end(), ':', '_');
        rte_tel_data_add_dict_container(d, key.c_str(), x, 0);
    }
    return 0;
}

__attribute__((constructor)) void register_cluster_telemetry() {
    rte_telemetry_register_cmd("/haslb/cluster", tel_cluster,
                               "IKEv2 cluster: parameters and members' load. No parameters.");
}

}  // namespace
}  // namespace haslb::ikev2
