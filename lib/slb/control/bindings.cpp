// SPDX-License-Identifier: BSD-3-Clause
// Mobility bindings learned from the RRPs haslb routes: NAI -> home
// address, home agent, lifetime. Control lcore writes (events from the RRP
// snoop stage); the telemetry thread reads under the mutex.
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
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
std::atomic<BindingObserver> g_observer{nullptr};

struct Change {
    uint32_t home;
    bool up;
};

void notify(const std::string& nai, const std::vector<Change>& changes) {
    BindingObserver fn = g_observer.load();
    if (!fn) return;
    for (const Change& c : changes) fn(nai, c.home, c.up);
}
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
    std::vector<Change> changes;
    {
        std::lock_guard<std::mutex> lk(g_bmu);
        auto it = g_bindings.find(nai);
        if (e.lifetime == 0) {
            if (it == g_bindings.end()) return;
            changes.push_back({it->second.home_addr, false});
            g_bindings.erase(it);
            core::count_stat(core::Stat::bindings_removed);
        } else if (it == g_bindings.end() && g_bindings.size() >= g_max) {
            core::count_stat(core::Stat::bindings_refused);
            return;
        } else {
            if (it != g_bindings.end() && it->second.home_addr != e.home_addr)
                changes.push_back({it->second.home_addr, false});
            changes.push_back({e.home_addr, true});
            g_bindings[nai] = Binding{e.home_addr, e.ha_addr, e.lifetime, mono_s()};
            core::count_stat(core::Stat::bindings_learned);
        }
    }
    notify(nai, changes);
}

bool binding_remove(const std::string& nai) {
    uint32_t home = 0;
    {
        std::lock_guard<std::mutex> lk(g_bmu);
        auto it = g_bindings.find(nai);
        if (it == g_bindings.end()) return false;
        home = it->second.home_addr;
        g_bindings.erase(it);
        core::count_stat(core::Stat::bindings_removed);
    }
    notify(nai, {{home, false}});
    return true;
}

}  // namespace detail

void set_binding_observer(BindingObserver fn) {
    g_observer.store(fn);
}

unsigned expire_bindings(uint64_t now_s) {
    std::vector<std::pair<std::string, uint32_t>> gone;
    {
        std::lock_guard<std::mutex> lk(g_bmu);
        for (auto it = g_bindings.begin(); it != g_bindings.end();) {
            // 65535 is "infinite" (RFC 5944).
            if (it->second.lifetime != 0xffff &&
                int64_t(now_s) - it->second.granted_at >= it->second.lifetime) {
                gone.emplace_back(it->first, it->second.home_addr);
                it = g_bindings.erase(it);
                core::count_stat(core::Stat::bindings_removed);
            } else {
                ++it;
            }
        }
    }
    for (const auto& [nai, home] : gone) notify(nai, {{home, false}});
    return unsigned(gone.size());
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
