// SPDX-License-Identifier: BSD-3-Clause
#include "core/reload.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <vector>

namespace haslb::core {
namespace {

struct Reloader {
    const char* name;
    ReloadFn fn;
};
std::vector<Reloader>& reloaders() {
    static std::vector<Reloader> r;
    return r;
}
config::Config g_running;

bool same_port(const config::PortConfig& a, const config::PortConfig& b) {
    return a.name == b.name && a.device == b.device && a.address.addr == b.address.addr &&
           a.address.len == b.address.len && a.address6.has_value() == b.address6.has_value() &&
           (!a.address6 || (a.address6->addr == b.address6->addr &&
                            a.address6->len == b.address6->len)) &&
           a.mac == b.mac && a.vlan == b.vlan && a.mtu == b.mtu &&
           a.rx_queue_size == b.rx_queue_size && a.tx_queue_size == b.tx_queue_size;
}

bool same_driver(const config::DriverProfile& a, const config::DriverProfile& b) {
    return a.name == b.name && a.eal_args == b.eal_args && a.rx_queue_size == b.rx_queue_size &&
           a.tx_queue_size == b.tx_queue_size && a.rss == b.rss && a.rx_offloads == b.rx_offloads &&
           a.tx_offloads == b.tx_offloads && a.mtu == b.mtu;
}

// Names every init-only key that differs.
std::vector<std::string> init_only_changes(const config::Config& a, const config::Config& b) {
    std::vector<std::string> out;
    if (a.eal.lcores != b.eal.lcores || a.eal.args != b.eal.args || a.eal.file_prefix != b.eal.file_prefix)
        out.push_back("eal");
    if (!same_driver(a.driver, b.driver)) out.push_back("driver");
    if (a.mempool.mbufs != b.mempool.mbufs || a.mempool.cache != b.mempool.cache) out.push_back("mempool");
    if (a.ports.size() != b.ports.size()) {
        out.push_back("ports (number of ports)");
    } else {
        for (size_t i = 0; i < a.ports.size(); i++)
            if (!same_port(a.ports[i], b.ports[i]))
                out.push_back(fmt::format("ports.[{}] ({}:{})", i, b.ports[i].origin.file, b.ports[i].origin.line));
    }
    if (a.neighbors.max_entries != b.neighbors.max_entries) out.push_back("neighbors.max_entries");
    if (a.console.socket_dir != b.console.socket_dir) out.push_back("console.socket_dir");
    if (a.exception.netns != b.exception.netns) out.push_back("exception.netns");
    return out;
}

}  // namespace

void register_reloader(const char* name, ReloadFn fn) { reloaders().push_back({name, fn}); }

void set_running_config(const config::Config& cfg) { g_running = cfg; }

const config::Config& running_config() { return g_running; }

int reload(std::string& msg) {
    config::Config next;
    std::vector<config::Error> errors;
    if (int rc = config::load(g_running.file, next, errors)) {
        msg = "reload refused, the file is not valid:\n";
        for (const auto& e : errors) msg += "  " + e.str() + "\n";
        return rc < 0 ? rc : -EINVAL;
    }
    auto changed = init_only_changes(g_running, next);
    if (!changed.empty()) {
        msg = "reload refused: init-only settings changed (restart haslb to apply them):\n";
        for (const auto& c : changed) msg += "  " + c + "\n";
        return -EINVAL;
    }
    for (const auto& r : reloaders()) {
        std::string m;
        if (int rc = r.fn(g_running, next, false, m)) {
            msg = fmt::format("reload refused by {}: {}\n", r.name, m);
            return rc;
        }
    }
    msg.clear();
    int result = 0;
    for (const auto& r : reloaders()) {
        std::string m;
        int rc = r.fn(g_running, next, true, m);
        if (!m.empty()) msg += m;
        if (rc && !result) result = rc;
    }
    if (result == 0) g_running = next;
    msg += result == 0 ? fmt::format("reloaded {}\n", g_running.file)
                       : "reload applied partially; see the errors above\n";
    return result;
}

}  // namespace haslb::core
