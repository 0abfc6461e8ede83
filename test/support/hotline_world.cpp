// SPDX-License-Identifier: BSD-3-Clause
#include "hotline_world.hpp"

#include <fmt/format.h>
#include <netinet/in.h>

#include <cstring>

#include "config/config.hpp"
#include "frames.hpp"
#include "hotline/dp.hpp"
#include "hotline/hotline.hpp"
#include "route/neighbor.hpp"

namespace haslb::test {
namespace {

config::AclConfig acl(const std::string& name, std::initializer_list<const char*> entries) {
    config::AclConfig a;
    a.name = name;
    for (const char* e : entries) {
        config::AceConfig ace;
        std::string why;
        if (config::parse_ace(e, ace, why) != 0) abort();  // the world's own text: a bug here
        a.entries.push_back(ace);
    }
    return a;
}

config::HotlineRuleConfig rule(config::HotlineRuleType t, const std::string& acl,
                               const std::string& target = "", uint16_t port = 0,
                               config::Direction dir = config::Direction::kIn) {
    config::HotlineRuleConfig r;
    r.type = t;
    r.acl = acl;
    r.direction = dir;
    if (t == config::HotlineRuleType::kIpRedirect) r.redirect = ip4(target);
    if (t == config::HotlineRuleType::kHttpRedirect) r.url = target;
    r.port = port;
    return r;
}

void neighbour(uint16_t port, const std::string& ip, const std::string& m) {
    const Bytes b = mac(m);
    rte_ether_addr a;
    memcpy(a.addr_bytes, b.data(), 6);
    route::neigh_update(port, ip4(ip), a, true);
}

}  // namespace

int setup_hotline(std::string& err, uint32_t max_translations, uint32_t fill,
                  uint32_t max_subscribers) {
    using T = config::HotlineRuleType;
    for (int last = 77; last <= 82; last++)
        neighbour(1, "198.51.100." + std::to_string(last),
                  fmt::format("02:00:00:00:0d:{:02x}", last));
    neighbour(2, "203.0.113.20", "02:00:00:00:0c:14");
    neighbour(2, "203.0.113.21", "02:00:00:00:0c:15");
    config::Config cfg;
    cfg.acls = {acl("web", {"permit tcp any any eq 80"}), acl("dns", {"permit udp any any eq 53"}),
                acl("pings", {"permit icmp any any"}), acl("all", {"permit ip any any"}),
                acl("portal", {"permit tcp any host 203.0.113.20 eq 8080"})};
    config::HotlineProfileConfig redir{"REDIR",
                                       {rule(T::kIpRedirect, "web", "203.0.113.20", 8081),
                                        rule(T::kIpRedirect, "dns", "203.0.113.20"),
                                        rule(T::kIpRedirect, "pings", "203.0.113.20")},
                                       {}};
    config::HotlineProfileConfig filter{"FILTER", {rule(T::kFilter, "all")}, {}};
    config::HotlineProfileConfig http{
        "HTTP",
        {rule(T::kHttpPass, "portal"),
         rule(T::kHttpRedirect, "web", "http://203.0.113.20:8080/portal.html"),
         rule(T::kFilter, "all")},
        {}};
    config::HotlineProfileConfig outf{
        "OUTF", {rule(T::kFilter, "all", "", 0, config::Direction::kOut)}, {}};
    cfg.hotline.profiles = {redir, filter, http, outf};
    // RADIUS CoAs need the realm's capability (seed 004 `ip mobile realm
    // R hotline capability`): example.com has all, visitor.example only ipredir.
    cfg.hotline.realms = {config::RealmConfig{"@example.com", config::kCapAll, {}},
                          config::RealmConfig{"@visitor.example", config::kCapIpRedirect, {}}};
    cfg.hotline.non_hotline = {
        config::NonHotlineConfig{"@visitor.example", {rule(T::kIpRedirect, "web", "203.0.113.21")}, {}}};
    auto sub = [](const std::string& nai, const std::string& a, const std::string& profile) {
        config::SubscriberConfig s;
        s.nai = nai;
        s.addresses = {ip4(a)};
        s.profile = profile;
        return s;
    };
    cfg.hotline.subscribers = {sub("alice@example.com", "198.51.100.77", "REDIR"),
                               sub("bob@example.com", "198.51.100.78", "FILTER"),
                               sub("carol@visitor.example", "198.51.100.79", ""),
                               sub("dave@example.com", "198.51.100.80", ""),
                               sub("erin@example.com", "198.51.100.81", "HTTP"),
                               sub("frank@example.com", "198.51.100.82", "OUTF")};
    cfg.hotline.max_subscribers = max_subscribers;
    cfg.hotline.nat.max_translations = max_translations;
    if (int rc = hotline::hotline_init(cfg, err)) return rc;
    for (uint32_t i = 0; i < fill; i++) {
        const auto k = hotline::nat::flow_key(IPPROTO_UDP, ip4("198.51.100.77"),
                                              ip4("203.0.113.10"), uint16_t(10000 + i), 53);
        hotline::nat::Translation* t = nullptr;
        if (hotline::g_hot.nat.upstream(k, ip4("203.0.113.20"), 53, 1, 0, 0, hotline::now_s(),
                                        &t) == hotline::nat::UpResult::kFull) {
            err = "the NAT table filled up before " + std::to_string(fill) + " translations";
            return -ENOSPC;
        }
    }
    return 0;
}

}  // namespace haslb::test
