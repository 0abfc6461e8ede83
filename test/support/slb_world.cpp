// SPDX-License-Identifier: BSD-3-Clause
#include "slb_world.hpp"

#include <cstring>

#include "config/config.hpp"
#include "frames.hpp"
#include "route/neighbor.hpp"
#include "slb/slb.hpp"

namespace haslb::test {
namespace {

config::RealConfig real(const std::string& a, uint16_t w) {
    config::RealConfig r;
    r.address = ip4(a);
    r.weight = w;
    return r;
}

}  // namespace

int setup_slb(std::string& err, uint32_t faildetect, uint32_t max_sessions) {
    for (auto [ip, m] : {std::pair{"198.51.100.12", "02:00:00:00:0b:0c"}, {"198.51.100.13", "02:00:00:00:0b:0d"}}) {
        const Bytes b = mac(m);
        rte_ether_addr a;
        memcpy(a.addr_bytes, b.data(), 6);
        route::neigh_update(1, ip4(ip), a, true);
    }
    config::Config cfg;
    config::ServerFarmConfig ha;
    ha.name = "HAFARM";
    ha.faildetect = faildetect;
    ha.retry_s = 5;
    ha.reals = {real("198.51.100.11", 1), real("198.51.100.12", 1)};
    config::ServerFarmConfig nat;
    nat.name = "NATFARM";
    nat.nat = config::FarmNat::kServer;
    nat.reals = {real("198.51.100.11", 3), real("198.51.100.12", 1), real("198.51.100.13", 2)};
    cfg.slb.serverfarms = {ha, nat};
    config::VserverConfig v1, v2;
    v1.name = "MIPSLB";
    v1.virtual_addr = ip4("192.0.2.100");
    v1.serverfarm = "HAFARM";
    v2.name = "MIPNAT";
    v2.virtual_addr = ip4("192.0.2.101");
    v2.serverfarm = "NATFARM";
    cfg.slb.vservers = {v1, v2};
    cfg.slb.max_sessions = max_sessions;
    return slb::slb_init(cfg, err);
}

}  // namespace haslb::test
