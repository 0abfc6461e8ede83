// SPDX-License-Identifier: BSD-3-Clause
// Telemetry: /haslb/hotline/users[,start], /haslb/hotline/profiles,
// /haslb/hotline/summary, /haslb/nat/summary, /haslb/nat/translations[,start].
// Lists are paged dictionaries keyed by index, as in /haslb/slb/sessions
// (DPDK 22.11 telemetry: keys [A-Za-z0-9_/], no dictionaries in arrays,
// 16 KiB per answer).
#include <rte_telemetry.h>

#include <cstdlib>
#include <string>

#include "hotline/hotline.hpp"

namespace haslb::hotline {
namespace {

constexpr uint32_t kPage = 24;

uint32_t start_of(const char* params) {
    return params && *params ? uint32_t(strtoul(params, nullptr, 10)) : 0;
}

void page_keys(rte_tel_data* d, uint64_t total, uint32_t start, uint32_t shown) {
    rte_tel_data_add_dict_u64(d, "total", total);
    rte_tel_data_add_dict_u64(d, "start", start);
    if (start + shown < total) rte_tel_data_add_dict_u64(d, "next", start + shown);
}

int tel_users(const char*, const char* params, rte_tel_data* d) {
    rte_tel_data_start_dict(d);
    if (!running()) return 0;
    const auto all = user_views();
    const uint32_t start = start_of(params);
    uint32_t shown = 0;
    for (uint32_t i = start; i < all.size() && shown < kPage; i++, shown++) {
        const UserView& u = all[i];
        rte_tel_data* x = rte_tel_data_alloc();
        if (!x) return -ENOMEM;
        rte_tel_data_start_dict(x);
        rte_tel_data_add_dict_string(x, "nai", u.nai.c_str());
        rte_tel_data_add_dict_string(x, "state", u.state.c_str());
        rte_tel_data_add_dict_string(x, "profile", u.profile.c_str());
        std::string addrs;
        for (const auto& a : u.addresses) addrs += (addrs.empty() ? "" : " ") + a;
        rte_tel_data_add_dict_string(x, "addresses", addrs.c_str());
        rte_tel_data_add_dict_u64(x, "bindings", u.bindings);
        rte_tel_data_add_dict_u64(x, "session_timeout", u.session_timeout_s);
        rte_tel_data_add_dict_u64(x, "remaining", u.remaining_s);
        rte_tel_data_add_dict_string(x, "acct_session_id", u.acct_session_id.c_str());
        rte_tel_data_add_dict_container(d, std::to_string(i).c_str(), x, 0);
    }
    page_keys(d, all.size(), start, shown);
    return 0;
}

int tel_profiles(const char*, const char*, rte_tel_data* d) {
    rte_tel_data_start_dict(d);
    if (!running()) return 0;
    uint32_t i = 0;
    for (const auto& p : profile_views()) {
        rte_tel_data* x = rte_tel_data_alloc();
        if (!x) return -ENOMEM;
        rte_tel_data_start_dict(x);
        rte_tel_data_add_dict_string(x, "name", p.name.c_str());
        rte_tel_data_add_dict_string(x, "kind", p.non_hotline ? "non_hotline" : "hotline");
        rte_tel_data_add_dict_u64(x, "rules", p.rules.size());
        rte_tel_data_add_dict_u64(x, "users", p.users);
        rte_tel_data_add_dict_u64(x, "passed", p.passed);
        rte_tel_data_add_dict_u64(x, "filtered", p.filtered);
        rte_tel_data_add_dict_u64(x, "ip_redirected", p.ip_redirected);
        rte_tel_data_add_dict_u64(x, "http_redirected", p.http_redirected);
        rte_tel_data_add_dict_container(d, std::to_string(i++).c_str(), x, 0);
    }
    return 0;
}

int tel_summary(const char*, const char*, rte_tel_data* d) {
    rte_tel_data_start_dict(d);
    if (!running()) return 0;
    const Summary s = summary();
    rte_tel_data_add_dict_u64(d, "subscribers", s.subscribers);
    rte_tel_data_add_dict_u64(d, "home_addresses", s.addresses);
    rte_tel_data_add_dict_u64(d, "hotlined", s.hotlined);
    rte_tel_data_add_dict_u64(d, "profile_based", s.profile_based);
    rte_tel_data_add_dict_u64(d, "rule_based", s.rule_based);
    rte_tel_data_add_dict_u64(d, "ended", s.ended);
    rte_tel_data_add_dict_u64(d, "active_session_hotlined", s.active_hotlined);
    rte_tel_data_add_dict_u64(d, "new_session_hotlined", s.new_hotlined);
    rte_tel_data_add_dict_u64(d, "active_sessions_reconciled", s.active_reconciled);
    rte_tel_data_add_dict_u64(d, "new_sessions_reconciled", s.new_reconciled);
    rte_tel_data_add_dict_u64(d, "timed_out", s.timed_out);
    return 0;
}

int tel_nat_summary(const char*, const char*, rte_tel_data* d) {
    rte_tel_data_start_dict(d);
    if (!running()) return 0;
    const nat::Summary s = nat_summary();
    rte_tel_data_add_dict_u64(d, "total", s.total);
    rte_tel_data_add_dict_u64(d, "tcp", s.tcp);
    rte_tel_data_add_dict_u64(d, "udp", s.udp);
    rte_tel_data_add_dict_u64(d, "icmp", s.icmp);
    rte_tel_data_add_dict_u64(d, "other", s.other);
    rte_tel_data_add_dict_u64(d, "capacity", s.capacity);
    rte_tel_data_add_dict_u64(d, "bytes_per_translation", s.bytes_per_translation);
    rte_tel_data_add_dict_u64(d, "created", s.created);
    rte_tel_data_add_dict_u64(d, "expired", s.expired);
    rte_tel_data_add_dict_u64(d, "cleared", s.cleared);
    rte_tel_data_add_dict_u64(d, "refused", s.refused);
    return 0;
}

int tel_translations(const char*, const char* params, rte_tel_data* d) {
    rte_tel_data_start_dict(d);
    if (!running()) return 0;
    const uint32_t start = start_of(params);
    const auto v = nat_views(start, kPage);
    uint32_t i = start;
    for (const auto& t : v) {
        rte_tel_data* x = rte_tel_data_alloc();
        if (!x) return -ENOMEM;
        rte_tel_data_start_dict(x);
        rte_tel_data_add_dict_string(x, "proto", t.proto.c_str());
        rte_tel_data_add_dict_string(x, "inside", t.inside.c_str());
        rte_tel_data_add_dict_string(x, "outside_local", t.outside_original.c_str());
        rte_tel_data_add_dict_string(x, "outside_global", t.outside_redirect.c_str());
        rte_tel_data_add_dict_string(x, "state", t.state.c_str());
        rte_tel_data_add_dict_u64(x, "age", t.age_s);
        rte_tel_data_add_dict_u64(x, "idle", t.idle_s);
        rte_tel_data_add_dict_u64(x, "timeout", t.timeout_s);
        rte_tel_data_add_dict_u64(x, "packets", t.packets);
        rte_tel_data_add_dict_container(d, std::to_string(i++).c_str(), x, 0);
    }
    page_keys(d, nat_summary().total, start, uint32_t(v.size()));
    return 0;
}

__attribute__((constructor)) void register_hotline_telemetry() {
    rte_telemetry_register_cmd("/haslb/hotline/users", tel_users,
                               "Hotline subscribers, paged: param = first index");
    rte_telemetry_register_cmd("/haslb/hotline/profiles", tel_profiles,
                               "Hotline and non-hotline profiles with packet counters");
    rte_telemetry_register_cmd("/haslb/hotline/summary", tel_summary,
                               "Hotlined sessions and the seed's hotline counters");
    rte_telemetry_register_cmd("/haslb/nat/summary", tel_nat_summary,
                               "NAT translations: counts, capacity, bytes per translation");
    rte_telemetry_register_cmd("/haslb/nat/translations", tel_translations,
                               "NAT translations, paged: param = first index");
}

}  // namespace
}  // namespace haslb::hotline
