// SPDX-License-Identifier: BSD-3-Clause
// Mobility bindings learned from the RRPs haslb routes: NAI -> home
// address, home agent, lifetime. Control lcore writes (events from the RRP
// snoop stage); the telemetry thread reads under the mutex.
#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <mutex>
#include <string>
#include <unordered_map>

#include "core/counters.hpp"
#include "slb/control/model.hpp"

namespace haslb::slb {
namespace {

struct Binding {
    uint32_t home_addr;
    uint32_t home_agent;
    uint32_t lifetime;   // granted, seconds
    int64_t granted_at;  // CLOCK_MONOTONIC seconds
};

std::mutex g_bmu;
std::unordered_map<std::string, Binding> g_bindings;
uint32_t g_max = 65536;

int64_t mono_s() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec;
}

}  // namespace

namespace detail {

void bindings_init(uint32_t max_bindings) {
    std::lock_guard<std::mutex> lk(g_bmu);
    g_max = max_bindings;
    g_bindings.clear();
}

void bindings_fini() {
    std::lock_guard<std::mutex> lk(g_bmu);
    g_bindings.clear();
}

void binding_update(const Event& e) {
    const std::string nai(reinterpret_cast<const char*>(e.nai), e.nai_len);
    std::lock_guard<std::mutex> lk(g_bmu);
    if (e.lifetime == 0) {
        if (g_bindings.erase(nai)) core::count_stat(core::Stat::bindings_removed);
        return;
    }
    auto it = g_bindings.find(nai);
    if (it == g_bindings.end() && g_bindings.size() >= g_max) {
        core::count_stat(core::Stat::bindings_refused);
        return;
    }
    g_bindings[nai] = Binding{e.home_addr, e.ha_addr, e.lifetime, mono_s()};
    core::count_stat(core::Stat::bindings_learned);
}

}  // namespace detail

unsigned expire_bindings(uint64_t now_s) {
    std::lock_guard<std::mutex> lk(g_bmu);
    unsigned n = 0;
    for (auto it = g_bindings.begin(); it != g_bindings.end();) {
        // 65535 is "infinite" (RFC 5944).
        if (it->second.lifetime != 0xffff &&
            int64_t(now_s) - it->second.granted_at >= it->second.lifetime) {
            it = g_bindings.erase(it);
            core::count_stat(core::Stat::bindings_removed);
            n++;
        } else {
            ++it;
        }
    }
    return n;
}

std::vector<BindingView> binding_views(const std::string& nai_filter) {
    std::vector<BindingView> out;
    const int64_t now = mono_s();
    std::lock_guard<std::mutex> lk(g_bmu);
    for (const auto& [nai, b] : g_bindings) {
        if (!nai_filter.empty() && nai != nai_filter) continue;
        const int64_t left = b.lifetime == 0xffff ? b.lifetime : b.lifetime - (now - b.granted_at);
        out.push_back(BindingView{nai, config::format_ipv4(b.home_addr),
                                  config::format_ipv4(b.home_agent), b.lifetime,
                                  uint32_t(std::max<int64_t>(0, left))});
    }
    std::sort(out.begin(), out.end(),
              [](const BindingView& a, const BindingView& b) { return a.nai < b.nai; });
    return out;
}

}  // namespace haslb::slb
