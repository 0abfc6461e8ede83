// SPDX-License-Identifier: BSD-3-Clause
// The small groups: `mempool`, `neighbors`, `console`, `exception`.
#include <fmt/format.h>

#include "config/groups.hpp"

namespace haslb::config::detail {

void parse_mempool(Ctx& ctx, const lc::Setting& g, Config& out) {
    if (!ctx.expect_group(g)) return;
    ctx.check_keys(g, {"mbufs", "cache"});
    MempoolConfig& m = out.mempool;
    ctx.get_uint(g, "mbufs", 1024, 16777215, m.mbufs);
    uint32_t cache = m.cache;
    if (!ctx.get_uint(g, "cache", 0, 512, cache)) return;
    // rte_mempool_create refuses a cache larger than n / 1.5.
    if (uint64_t{cache} * 3 > uint64_t{m.mbufs} * 2) {
        ctx.error(g["cache"], fmt::format("{} is more than mbufs / 1.5 ({}); DPDK refuses such a "
                                          "cache",
                                          cache, uint64_t{m.mbufs} * 2 / 3));
        return;
    }
    m.cache = cache;
}

void parse_neighbors(Ctx& ctx, const lc::Setting& g, Config& out) {
    if (!ctx.expect_group(g)) return;
    ctx.check_keys(
        g, {"max_entries", "reachable_time_s", "retries", "retry_interval_ms", "hold_packets"});
    NeighborConfig& n = out.neighbors;
    ctx.get_uint(g, "max_entries", 64, 1048576, n.max_entries);
    ctx.get_uint(g, "reachable_time_s", 1, 86400, n.reachable_time_s);
    ctx.get_uint(g, "retries", 1, 100, n.retries);
    ctx.get_uint(g, "retry_interval_ms", 10, 60000, n.retry_interval_ms);
    ctx.get_uint(g, "hold_packets", 0, 64, n.hold_packets);
}

void parse_console(Ctx& ctx, const lc::Setting& g, Config& out) {
    if (!ctx.expect_group(g)) return;
    ctx.check_keys(g, {"socket_dir"});
    std::string dir;
    if (!ctx.get_string(g, "socket_dir", dir)) return;
    if (dir.empty() || dir[0] != '/') {
        ctx.error(g["socket_dir"], fmt::format("\"{}\" is not an absolute directory", dir));
        return;
    }
    while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
    out.console.socket_dir = dir;
}

void parse_exception(Ctx& ctx, const lc::Setting& g, Config& out) {
    if (!ctx.expect_group(g)) return;
    ctx.check_keys(g, {"netns"});
    std::string ns;
    if (!ctx.get_string(g, "netns", ns)) return;
    if (!ns.empty() && ns != "-" && (!is_word(ns, "_.-", 32) || ns == "." || ns == "..")) {
        ctx.error(g["netns"], fmt::format("\"{}\" is not a network namespace name ([A-Za-z0-9_.-], "
                                          "1 to 32 characters), \"\" or \"-\"",
                                          ns));
        return;
    }
    out.exception.netns = ns;
}

}  // namespace haslb::config::detail
