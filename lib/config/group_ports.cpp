// SPDX-License-Identifier: BSD-3-Clause
// The `ports` list (init-only): one entry per data port, each checked on its
// own here; uniqueness and overlap across ports are in check_ports.
#include <cerrno>

#include <fmt/format.h>

#include "config/groups.hpp"

namespace haslb::config::detail {

namespace {

constexpr int kMaxPorts = 16;
// lib/core/control/exception.cpp names its taps net_tap_exc<port>.
constexpr std::string_view kExceptionTapPrefix = "net_tap_exc";

bool is_port_name(std::string_view s) {
    if (s.empty() || s.size() > 15 || s[0] < 'a' || s[0] > 'z') return false;
    for (char c : s)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
            return false;
    return true;
}

// `n` hex digits at s[pos], value <= max.
bool hex_field(std::string_view s, size_t pos, size_t n, unsigned max, unsigned& out) {
    if (pos + n > s.size()) return false;
    unsigned v = 0;
    for (size_t i = pos; i < pos + n; ++i) {
        char c = s[i];
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (d < 0) return false;
        v = v * 16 + static_cast<unsigned>(d);
    }
    if (v > max) return false;
    out = v;
    return true;
}

// "DDDD:BB:DD.F" or "BB:DD.F" -> "dddd:bb:dd.f".
bool pci_id(std::string_view s, std::string& id) {
    unsigned domain = 0, bus = 0, dev = 0, fn = 0;
    size_t pos = 0;
    if (s.size() == 12) {
        if (!hex_field(s, 0, 4, 0xffff, domain) || s[4] != ':') return false;
        pos = 5;
    } else if (s.size() != 7) {
        return false;
    }
    if (!hex_field(s, pos, 2, 0xff, bus) || s[pos + 2] != ':' ||
        !hex_field(s, pos + 3, 2, 0x1f, dev) || s[pos + 5] != '.' ||
        !hex_field(s, pos + 6, 1, 7, fn))
        return false;
    id = fmt::format("{:04x}:{:02x}:{:02x}.{:x}", domain, bus, dev, fn);
    return true;
}

void get_port_queue_size(Ctx& ctx, const lc::Setting& g, const char* name, uint16_t& out) {
    int64_t v = 0;
    if (!ctx.get_int(g, name, 0, 16384, v)) return;
    if (v != 0 && (v < 64 || (v & (v - 1)) != 0)) {
        ctx.error(g[name],
                  fmt::format("{} is not a power of two in 64..16384 (or 0 for the driver's)", v));
        return;
    }
    out = static_cast<uint16_t>(v);
}

void parse_address(Ctx& ctx, const lc::Setting& g, PortConfig& p) {
    std::string text;
    if (!ctx.get_string(g, "address", text, true)) return;
    const lc::Setting& s = g["address"];
    Ipv4Prefix a;
    if (parse_prefix(text, a) < 0) {
        ctx.error(s, fmt::format("\"{}\" is not an IPv4 prefix (A.B.C.D/len)", text));
        return;
    }
    if (a.len == 0) {
        ctx.error(s, fmt::format("\"{}\": a port subnet cannot be /0", text));
        return;
    }
    if (auto why = not_unicast_reason(a.addr); !why.empty()) {
        ctx.error(s, fmt::format("{} is {}", format_ipv4(a.addr), why));
        return;
    }
    Ipv4Prefix net{network_of(a), a.len};
    if (a.len < 31 && a.addr == network_of(a)) {
        ctx.error(s, fmt::format("{} is the network address of {}; use a host address",
                                 format_ipv4(a.addr), format_prefix(net)));
        return;
    }
    if (a.len < 31 && a.addr == broadcast_of(a)) {
        ctx.error(s, fmt::format("{} is the broadcast address of {}; use a host address",
                                 format_ipv4(a.addr), format_prefix(net)));
        return;
    }
    p.address = a;
}

// `address6` (optional): the port's global IPv6 address and on-link prefix.
void parse_address6(Ctx& ctx, const lc::Setting& g, PortConfig& p) {
    std::string text;
    if (!ctx.get_string(g, "address6", text)) return;
    const lc::Setting& s = g["address6"];
    Ipv6Prefix a;
    if (parse_prefix6(text, a) < 0) {
        ctx.error(s, fmt::format("\"{}\" is not an IPv6 prefix (2001:db8::1/64)", text));
        return;
    }
    if (a.len == 0 || a.len > 127) {
        ctx.error(s, fmt::format("\"{}\": a port's IPv6 subnet must be /1 to /127", text));
        return;
    }
    if (auto why = not_unicast6_reason(a.addr); !why.empty()) {
        ctx.error(s, fmt::format("{} is {}", format_ipv6(a.addr), why));
        return;
    }
    if (a.addr == network6_of(a)) {
        ctx.error(s, fmt::format("{} is the subnet-router anycast address of {}; use a host "
                                 "address",
                                 format_ipv6(a.addr), format_prefix6({a.addr, a.len})));
        return;
    }
    p.address6 = a;
}

void parse_port(Ctx& ctx, const lc::Setting& g, const Config& cfg, PortConfig& p) {
    p.origin = ctx.origin(g);
    p.mtu = cfg.driver.mtu;
    if (!ctx.expect_group(g)) return;
    ctx.check_keys(
        g, {"name", "device", "address", "address6", "mac", "vlan", "mtu", "rx_queue_size",
            "tx_queue_size"});
    std::string s;
    if (ctx.get_string(g, "name", s, true)) {
        if (is_port_name(s))
            p.name = s;
        else
            ctx.error(g["name"], fmt::format("\"{}\" is not a port name (a lower-case letter, then "
                                             "up to 14 of [a-z0-9_-])",
                                             s));
    }
    if (ctx.get_string(g, "device", s, true)) {
        std::string id, why;
        if (device_id(s, id, why) < 0)
            ctx.error(g["device"], why);
        else if (id.starts_with(kExceptionTapPrefix))
            ctx.error(g["device"], fmt::format("vdev names {}* are reserved for haslb's exception "
                                               "path taps; use another number (net_tap0, ...)",
                                               kExceptionTapPrefix));
        else
            p.device = s;
    }
    parse_address(ctx, g, p);
    parse_address6(ctx, g, p);
    if (ctx.get_string(g, "mac", s)) {
        MacAddr m;
        if (parse_mac(s, m) < 0)
            ctx.error(g["mac"], fmt::format("\"{}\" is not a MAC address (xx:xx:xx:xx:xx:xx)", s));
        else if (m[0] & 1)
            ctx.error(g["mac"], fmt::format("{} is a multicast MAC address", s));
        else if (m == MacAddr{})
            ctx.error(g["mac"], "00:00:00:00:00:00 is not a usable MAC address");
        else
            p.mac = m;
    }
    ctx.get_uint(g, "vlan", 0, 4094, p.vlan);
    ctx.get_uint(g, "mtu", 68, 9600, p.mtu);
    get_port_queue_size(ctx, g, "rx_queue_size", p.rx_queue_size);
    get_port_queue_size(ctx, g, "tx_queue_size", p.tx_queue_size);
}

}  // namespace

int device_id(const std::string& device, std::string& id, std::string& why) {
    std::string_view head = std::string_view(device).substr(0, device.find(','));
    if (head.starts_with("net_")) {
        if (head.size() > 4 && is_word(head.substr(4), "_", 60)) {
            id = head;
            return 0;
        }
    } else if (pci_id(head, id)) {
        return 0;
    }
    why = fmt::format(
        "\"{}\" is neither a vdev (\"net_<driver><n>,<devargs>\") nor a PCI address "
        "(DDDD:BB:DD.F or BB:DD.F)",
        device);
    return -EINVAL;
}

std::vector<std::string> devargs(const std::string& device, std::string_view key) {
    std::vector<std::string> out;
    std::string_view rest = device;
    size_t comma = rest.find(',');
    while (comma != std::string_view::npos) {
        rest = rest.substr(comma + 1);
        comma = rest.find(',');
        std::string_view kv = rest.substr(0, comma);
        if (kv.size() > key.size() && kv.starts_with(key) && kv[key.size()] == '=')
            out.emplace_back(kv.substr(key.size() + 1));
    }
    return out;
}

std::string_view not_unicast_reason(uint32_t a) {
    if (a >> 24 == 0) return "in 0.0.0.0/8 (\"this network\"), not a host address";
    if (a >> 24 == 127) return "a loopback address";
    if (a >> 28 == 0xe) return "a multicast address";
    if (a == 0xffffffff) return "the limited broadcast address";
    if (a >> 28 == 0xf) return "in the reserved range 240.0.0.0/4";
    return "";
}

void parse_ports(Ctx& ctx, const lc::Setting& list, Config& out) {
    if (!ctx.expect_list(list)) return;
    int n = list.getLength();
    if (n == 0) {
        ctx.error(list, "at least one port is required");
        return;
    }
    if (n > kMaxPorts) {
        ctx.error(list, fmt::format("{} ports; at most {} are supported", n, kMaxPorts));
        return;
    }
    out.ports.resize(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) parse_port(ctx, list[i], out, out.ports[static_cast<size_t>(i)]);
}

}  // namespace haslb::config::detail
