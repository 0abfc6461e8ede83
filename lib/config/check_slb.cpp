// SPDX-License-Identifier: BSD-3-Clause
// Checks of the `slb` group across its entries (check_slb: unique names,
// serverfarm references, unique virtual servers) and against the ports
// (check_slb_ports: addresses, L2 adjacency of dispatched reals). Each runs
// only when the groups it reads parsed cleanly (see CrossCheck).
#include <map>
#include <tuple>

#include <fmt/format.h>

#include "config/groups.hpp"

namespace haslb::config::detail {

namespace {

std::string where(const Origin& o) {
    return fmt::format("{}:{}", o.file, o.line);
}

std::string farm_key(size_t i, std::string_view rest) {
    return fmt::format("slb.serverfarms.[{}].{}", i, rest);
}
std::string real_key(size_t i, size_t j) {
    return fmt::format("slb.serverfarms.[{}].reals.[{}].address", i, j);
}
std::string vserver_key(size_t i, std::string_view rest) {
    return fmt::format("slb.vservers.[{}].{}", i, rest);
}

const char* protocol_name(uint8_t p) {
    return p == 17 ? "udp" : "?";
}

void check_farms(Ctx& ctx, const SlbConfig& slb) {
    std::map<std::string_view, size_t> names;
    for (size_t i = 0; i < slb.serverfarms.size(); ++i) {
        const ServerFarmConfig& f = slb.serverfarms[i];
        if (auto [it, fresh] = names.try_emplace(f.name, i); !fresh)
            ctx.error_at(
                farm_key(i, "name"), f.origin,
                fmt::format("serverfarm name \"{}\" is already used by "
                            "slb.serverfarms.[{}] ({})",
                            f.name, it->second, where(slb.serverfarms[it->second].origin)));
        std::map<uint32_t, size_t> reals;
        for (size_t j = 0; j < f.reals.size(); ++j) {
            const RealConfig& r = f.reals[j];
            if (auto [it, fresh] = reals.try_emplace(r.address, j); !fresh)
                ctx.error_at(real_key(i, j), r.origin,
                             fmt::format("real {} is already in serverfarm \"{}\" as "
                                         "reals.[{}] ({})",
                                         format_ipv4(r.address), f.name, it->second,
                                         where(f.reals[it->second].origin)));
        }
    }
}

void check_vservers(Ctx& ctx, const SlbConfig& slb) {
    std::string farms;  // for messages: "HAFARM, NATFARM"
    for (const ServerFarmConfig& f : slb.serverfarms)
        farms += fmt::format("{}{}", farms.empty() ? "" : ", ", f.name);
    std::map<std::string_view, size_t> names;
    std::map<std::tuple<uint32_t, uint8_t, uint16_t>, size_t> services;
    for (size_t i = 0; i < slb.vservers.size(); ++i) {
        const VserverConfig& v = slb.vservers[i];
        if (auto [it, fresh] = names.try_emplace(v.name, i); !fresh)
            ctx.error_at(vserver_key(i, "name"), v.origin,
                         fmt::format("vserver name \"{}\" is already used by slb.vservers.[{}] "
                                     "({})",
                                     v.name, it->second, where(slb.vservers[it->second].origin)));
        std::string vip = format_ipv4(v.virtual_addr);
        if (auto [it, fresh] = services.try_emplace({v.virtual_addr, v.protocol, v.port}, i);
            !fresh) {
            const VserverConfig& o = slb.vservers[it->second];
            ctx.error_at(
                vserver_key(i, "virtual"), v.origin,
                fmt::format("virtual {} {} {} is already served by vserver \"{}\" ({})", vip,
                            protocol_name(v.protocol), v.port, o.name, where(o.origin)));
        }
        bool found = false;
        const RealConfig* real = nullptr;  // the first real with the VIP's address
        const ServerFarmConfig* real_farm = nullptr;
        for (const ServerFarmConfig& f : slb.serverfarms) {
            found = found || f.name == v.serverfarm;
            for (const RealConfig& r : f.reals)
                if (r.address == v.virtual_addr && !real) real = &r, real_farm = &f;
        }
        if (real)
            ctx.error_at(vserver_key(i, "virtual"), v.origin,
                         fmt::format("virtual {} is the address of a real in serverfarm \"{}\" "
                                     "({}); a VIP cannot be a real",
                                     vip, real_farm->name, where(real->origin)));
        if (!found)
            ctx.error_at(
                vserver_key(i, "serverfarm"), v.origin,
                fmt::format(
                    "serverfarm \"{}\" is not defined in slb.serverfarms ({})", v.serverfarm,
                    farms.empty() ? "none are defined" : fmt::format("defined: {}", farms)));
    }
}

}  // namespace

std::string port_conflict(const Config& cfg, uint32_t a) {
    for (const PortConfig& p : cfg.ports) {
        if (p.address.addr == 0) continue;  // did not parse
        if (p.address.addr == a) return fmt::format("the address of port \"{}\"", p.name);
        if (contains(p.address, a) && p.address.len < 31 &&
            (a == network_of(p.address) || a == broadcast_of(p.address)))
            return fmt::format("the {} address of port \"{}\"'s subnet {}",
                               a == network_of(p.address) ? "network" : "broadcast", p.name,
                               format_prefix({network_of(p.address), p.address.len}));
    }
    return "";
}

void check_slb(Ctx& ctx, const Config& cfg) {
    check_farms(ctx, cfg.slb);
    check_vservers(ctx, cfg.slb);
}

void check_slb_ports(Ctx& ctx, const Config& cfg) {
    std::string subnets;  // for messages: "access 192.0.2.0/24, farm ..."
    for (const PortConfig& p : cfg.ports)
        subnets += fmt::format("{}{} {}", subnets.empty() ? "" : ", ", p.name,
                               format_prefix({network_of(p.address), p.address.len}));
    for (size_t i = 0; i < cfg.slb.serverfarms.size(); ++i) {
        const ServerFarmConfig& f = cfg.slb.serverfarms[i];
        for (size_t j = 0; j < f.reals.size(); ++j) {
            const RealConfig& r = f.reals[j];
            std::string addr = format_ipv4(r.address);
            bool on_subnet = false;
            for (const PortConfig& p : cfg.ports)
                on_subnet = on_subnet || contains(p.address, r.address);
            if (std::string why = port_conflict(cfg, r.address); !why.empty())
                ctx.error_at(real_key(i, j), r.origin, fmt::format("real {} is {}", addr, why));
            else if (f.nat == FarmNat::kNone && !on_subnet)
                ctx.error_at(
                    real_key(i, j), r.origin,
                    fmt::format("real {} of dispatched serverfarm \"{}\" is not on any port "
                                "subnet ({}); dispatched mode (nat = \"none\") rewrites only the "
                                "MAC, so the real must be on a port subnet, or set "
                                "nat = \"server\" to route to it",
                                addr, f.name, subnets));
        }
    }
    for (size_t i = 0; i < cfg.slb.vservers.size(); ++i) {
        const VserverConfig& v = cfg.slb.vservers[i];
        if (std::string why = port_conflict(cfg, v.virtual_addr); !why.empty())
            ctx.error_at(vserver_key(i, "virtual"), v.origin,
                         fmt::format("virtual {} is {}", format_ipv4(v.virtual_addr), why));
    }
}

}  // namespace haslb::config::detail
