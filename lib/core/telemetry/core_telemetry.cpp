// SPDX-License-Identifier: BSD-3-Clause
// Telemetry: /haslb/version, /haslb/ports, /haslb/stats. Handlers run on
// DPDK's telemetry thread and only read (counters are summed on read).
#include <rte_telemetry.h>

#include <string>

#include "core/counters.hpp"
#include "core/ports.hpp"
#include "core/version.hpp"

namespace haslb::core {
namespace {

int tel_version(const char*, const char*, rte_tel_data* d) {
    rte_tel_data_start_dict(d);
    rte_tel_data_add_dict_string(d, "version", version());
    rte_tel_data_add_dict_string(d, "dpdk", dpdk_version().c_str());
    rte_tel_data_add_dict_u64(d, "uptime_s", uptime_s());
    return 0;
}

int tel_ports(const char*, const char*, rte_tel_data* d) {
    rte_tel_data_start_dict(d);
    for (const auto& v : port_views()) {
        rte_tel_data* p = rte_tel_data_alloc();
        if (!p) return -ENOMEM;
        rte_tel_data_start_dict(p);
        rte_tel_data_add_dict_int(p, "port_id", v.index);
        rte_tel_data_add_dict_string(p, "device", v.device.c_str());
        rte_tel_data_add_dict_string(p, "address", v.address.c_str());
        rte_tel_data_add_dict_string(p, "address6", v.address6.c_str());
        rte_tel_data_add_dict_string(p, "link_local6", v.ll6.c_str());
        rte_tel_data_add_dict_string(p, "mac", v.mac.c_str());
        rte_tel_data_add_dict_string(p, "link", v.link_up ? "up" : "down");
        rte_tel_data_add_dict_u64(p, "rx_packets", v.stats.ipackets);
        rte_tel_data_add_dict_u64(p, "rx_bytes", v.stats.ibytes);
        rte_tel_data_add_dict_u64(p, "tx_packets", v.stats.opackets);
        rte_tel_data_add_dict_u64(p, "tx_bytes", v.stats.obytes);
        rte_tel_data_add_dict_u64(p, "rx_dropped", v.rx_dropped);
        rte_tel_data_add_dict_u64(p, "tx_dropped", v.tx_dropped);
        rte_tel_data_add_dict_container(d, v.name.c_str(), p, 0);
    }
    return 0;
}

int tel_stats(const char*, const char*, rte_tel_data* d) {
    rte_tel_data* counters = rte_tel_data_alloc();
    rte_tel_data* drops = rte_tel_data_alloc();
    if (!counters || !drops) {
        rte_tel_data_free(counters);
        rte_tel_data_free(drops);
        return -ENOMEM;
    }
    rte_tel_data_start_dict(counters);
    for (size_t s = 0; s < kStatCount; s++)
        rte_tel_data_add_dict_u64(counters, std::string(stat_name(Stat(s))).c_str(), total_stat(Stat(s)));
    rte_tel_data_start_dict(drops);
    for (size_t r = 0; r < kDropCount; r++)
        rte_tel_data_add_dict_u64(drops, std::string(drop_name(Drop(r))).c_str(), total_drop(Drop(r)));
    rte_tel_data_start_dict(d);
    rte_tel_data_add_dict_container(d, "counters", counters, 0);
    rte_tel_data_add_dict_container(d, "drops", drops, 0);
    return 0;
}

__attribute__((constructor)) void register_core_telemetry() {
    rte_telemetry_register_cmd("/haslb/version", tel_version, "haslb and DPDK versions, uptime");
    rte_telemetry_register_cmd("/haslb/ports", tel_ports,
                               "Per data port: address, MAC, link, rx/tx packets, bytes, drops");
    rte_telemetry_register_cmd("/haslb/stats", tel_stats,
                               "All counters and every drop reason, summed over lcores");
}

}  // namespace
}  // namespace haslb::core
