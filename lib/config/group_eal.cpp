// SPDX-License-Identifier: BSD-3-Clause
// The `eal` and `driver` groups: everything that becomes EAL arguments or
// per-port defaults. Both are init-only.
#include <algorithm>
#include <cerrno>

#include <fmt/format.h>

#include "config/groups.hpp"

namespace haslb::config::detail {

namespace {

constexpr unsigned kMaxLcore = 127;  // RTE_MAX_LCORE is 128 in the default build

// The offload names DPDK uses (RTE_ETH_RX_OFFLOAD_<NAME>), lower case.
const std::vector<std::string_view> kRxOffloads = {"ipv4_cksum", "udp_cksum", "tcp_cksum",
                                                   "vlan_strip", "rss_hash"};
const std::vector<std::string_view> kTxOffloads = {"ipv4_cksum",  "udp_cksum",      "tcp_cksum",
                                                   "vlan_insert", "mbuf_fast_free", "multi_segs"};

// EAL options haslb builds itself from other keys; a second copy in an
// argument list would silently win or make EAL refuse to start.
struct OwnedOption {
    std::string_view option;
    std::string_view from;
};
constexpr OwnedOption kOwnedOptions[] = {
    {"-l", "eal.lcores"},
    {"-c", "eal.lcores"},
    {"--lcores", "eal.lcores"},
    {"--main-lcore", "eal.lcores (its first lcore)"},
    {"--file-prefix", "eal.file_prefix"},
};

bool parse_lcore_number(std::string_view s, unsigned& out) {
    if (s.empty() || s.size() > 3) return false;
    unsigned v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return false;
        v = v * 10 + static_cast<unsigned>(c - '0');
    }
    out = v;
    return true;
}

void check_eal_args(Ctx& ctx, const lc::Setting& group, const char* name) {
    if (!group.exists(name)) return;
    const lc::Setting& list = group[name];
    for (int i = 0; i < list.getLength(); ++i) {
        const lc::Setting& s = list[i];
        std::string_view arg = s.c_str();
        if (arg.empty()) {
            ctx.error(s, "empty EAL argument");
            continue;
        }
        for (const auto& o : kOwnedOptions) {
            bool is_long = o.option.starts_with("--");
            bool same =
                arg == o.option || (is_long ? arg.starts_with(fmt::format("{}=", o.option))
                                            : arg.starts_with(o.option) && !arg.starts_with("--"));
            if (same)
                ctx.error(s, fmt::format("\"{}\" is set by haslb from {}; remove it", arg, o.from));
        }
    }
}

void get_queue_size(Ctx& ctx, const lc::Setting& group, const char* name, uint16_t& out) {
    int64_t v = 0;
    if (!ctx.get_int(group, name, 64, 16384, v)) return;
    if ((v & (v - 1)) != 0) {
        ctx.error(group[name], fmt::format("{} is not a power of two (64..16384)", v));
        return;
    }
    out = static_cast<uint16_t>(v);
}

void get_offloads(Ctx& ctx, const lc::Setting& group, const char* name,
                  const std::vector<std::string_view>& known, std::vector<std::string>& out) {
    std::vector<std::string> v;
    if (!ctx.get_strings(group, name, v)) return;
    const lc::Setting& list = group[name];
    bool ok = true;
    for (size_t i = 0; i < v.size(); ++i) {
        const lc::Setting& s = list[static_cast<int>(i)];
        if (std::find(known.begin(), known.end(), v[i]) == known.end()) {
            ctx.error(s, fmt::format("unknown offload \"{}\"{}", v[i], suggestion(v[i], known)));
            ok = false;
        } else if (std::find(v.begin(), v.begin() + static_cast<long>(i), v[i]) !=
                   v.begin() + static_cast<long>(i)) {
            ctx.error(s, fmt::format("offload \"{}\" is listed twice", v[i]));
            ok = false;
        }
    }
    if (ok) out = std::move(v);
}

}  // namespace

int parse_lcores(const std::string& s, std::vector<unsigned>& out, std::string& why) {
    std::vector<unsigned> ids;
    std::string_view rest = s;
    while (true) {
        size_t comma = rest.find(',');
        std::string_view item = rest.substr(0, comma);
        size_t dash = item.find('-');
        unsigned lo = 0, hi = 0;
        bool ok = dash == std::string_view::npos
                      ? parse_lcore_number(item, lo) && (hi = lo, true)
                      : parse_lcore_number(item.substr(0, dash), lo) &&
                            parse_lcore_number(item.substr(dash + 1), hi);
        if (!ok) {
            why = fmt::format("\"{}\" is not an lcore list (e.g. \"0-1\" or \"0,2-3\")", s);
            return -EINVAL;
        }
        if (lo > kMaxLcore || hi > kMaxLcore) {
            why = fmt::format("lcore {} is out of range 0..{}", std::max(lo, hi), kMaxLcore);
            return -EINVAL;
        }
        if (hi < lo) {
            why = fmt::format("range \"{}\" is backwards", item);
            return -EINVAL;
        }
        for (unsigned id = lo; id <= hi; ++id) {
            if (std::find(ids.begin(), ids.end(), id) != ids.end()) {
                why = fmt::format("lcore {} is listed twice", id);
                return -EINVAL;
            }
            ids.push_back(id);
        }
        if (comma == std::string_view::npos) break;
        rest = rest.substr(comma + 1);
    }
    out = std::move(ids);
    return 0;
}

void parse_eal(Ctx& ctx, const lc::Setting& g, Config& out) {
    if (!ctx.expect_group(g)) return;
    ctx.check_keys(g, {"lcores", "file_prefix", "args"});
    EalConfig& eal = out.eal;
    std::string lcores;
    if (ctx.get_string(g, "lcores", lcores)) {
        std::vector<unsigned> ids;
        std::string why;
        if (parse_lcores(lcores, ids, why) < 0) {
            ctx.error(g["lcores"], why);
        } else if (ids.size() < 2) {
            ctx.error(g["lcores"], fmt::format("\"{}\" names {} lcore; haslb needs at least 2 (the "
                                               "control lcore and one worker)",
                                               lcores, ids.size()));
        } else {
            eal.lcores = lcores;
        }
    }
    std::string prefix;
    if (ctx.get_string(g, "file_prefix", prefix)) {
        if (is_word(prefix, "_-", 32))
            eal.file_prefix = prefix;
        else
            ctx.error(g["file_prefix"],
                      fmt::format("\"{}\" is not a file prefix ([A-Za-z0-9_-], 1 to 32 characters)",
                                  prefix));
    }
    if (ctx.get_strings(g, "args", eal.args)) check_eal_args(ctx, g, "args");
}

void parse_driver(Ctx& ctx, const lc::Setting& g, Config& out) {
    if (!ctx.expect_group(g)) return;
    ctx.check_keys(g, {"name", "eal_args", "rx_queue_size", "tx_queue_size", "rss", "rx_offloads",
                       "tx_offloads", "mtu"});
    DriverProfile& d = out.driver;
    d.origin = ctx.origin(g);
    std::string name;
    if (ctx.get_string(g, "name", name)) {
        if (is_word(name, "_.-", 64))
            d.name = name;
        else
            ctx.error(g["name"],
                      fmt::format("\"{}\" is not a profile name ([A-Za-z0-9_.-], 1 to 64 "
                                  "characters)",
                                  name));
    }
    if (ctx.get_strings(g, "eal_args", d.eal_args)) check_eal_args(ctx, g, "eal_args");
    get_queue_size(ctx, g, "rx_queue_size", d.rx_queue_size);
    get_queue_size(ctx, g, "tx_queue_size", d.tx_queue_size);
    ctx.get_bool(g, "rss", d.rss);
    get_offloads(ctx, g, "rx_offloads", kRxOffloads, d.rx_offloads);
    get_offloads(ctx, g, "tx_offloads", kTxOffloads, d.tx_offloads);
    ctx.get_uint(g, "mtu", 68, 9600, d.mtu);
}

}  // namespace haslb::config::detail
