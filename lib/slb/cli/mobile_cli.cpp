// SPDX-License-Identifier: BSD-3-Clause
// Console: show mobile bindings [nai N]; show mobile traffic; clear mobile
// traffic is not offered (counters are monotonic, telemetry readers diff).
#include <cmdline_parse_string.h>
#include <fmt/format.h>

#include "console/console.hpp"
#include "core/counters.hpp"
#include "slb/slb.hpp"

namespace haslb::slb {
namespace {

std::vector<std::string (*)()>& sections() {
    static std::vector<std::string (*)()> v;
    return v;
}

std::string bindings_text(const std::vector<BindingView>& v) {
    std::string out = fmt::format("Mobility Binding List:\nTotal {}\n", v.size());
    for (const auto& b : v)
        out += fmt::format(
            "{}:\n    Home Addr {}\n    Home Agent {}\n    Lifetime granted {}, remaining {}\n",
            b.nai, b.home_addr, b.home_agent, b.lifetime, b.remaining);
    return out;
}

void show_bindings(cmdline* cl, const std::vector<std::string>&) {
    console::print(cl, bindings_text(binding_views()));
}

struct BindingNai {
    cmdline_fixed_string_t show, mobile, bindings, nai_kw;
    cmdline_fixed_string_t nai;
};

void show_binding_nai(void* parsed, cmdline* cl, void*) {
    console::print(cl, bindings_text(binding_views(static_cast<BindingNai*>(parsed)->nai)));
}

cmdline_parse_token_string_t t_show = TOKEN_STRING_INITIALIZER(BindingNai, show, "show");
cmdline_parse_token_string_t t_mobile = TOKEN_STRING_INITIALIZER(BindingNai, mobile, "mobile");
cmdline_parse_token_string_t t_bindings =
    TOKEN_STRING_INITIALIZER(BindingNai, bindings, "bindings");
cmdline_parse_token_string_t t_nai_kw = TOKEN_STRING_INITIALIZER(BindingNai, nai_kw, "nai");
cmdline_parse_token_string_t t_nai = TOKEN_STRING_INITIALIZER(BindingNai, nai, nullptr);

void show_traffic(cmdline* cl, const std::vector<std::string>&) {
    using core::Drop;
    using core::Stat;
    auto st = [](Stat s) { return core::total_stat(s); };
    auto dr = [](Drop d) { return core::total_drop(d); };
    std::string out = "Registration requests to virtual servers:\n";
    for (auto [name, s] : {std::pair{"requests", Stat::rrq_seen},
                           {"balanced", Stat::rrq_balanced},
                           {"new_sessions", Stat::rrq_new_session},
                           {"retransmitted", Stat::rrq_retransmitted},
                           {"reassigned", Stat::sessions_reassigned},
                           {"without_nai", Stat::rrq_without_nai},
                           {"sessions_refused", Stat::sessions_refused},
                           {"sessions_expired", Stat::sessions_expired},
                           {"nai_hash_collisions", Stat::nai_hash_collisions}})
        out += fmt::format("  {}: {}\n", name, st(s));
    out += "Registration replies routed:\n";
    for (auto [name, s] : {std::pair{"replies", Stat::rrp_seen},
                           {"replies_accepted", Stat::rrp_accepted},
                           {"replies_denied", Stat::rrp_denied},
                           {"bindings_learned", Stat::bindings_learned},
                           {"bindings_removed", Stat::bindings_removed},
                           {"bindings_refused", Stat::bindings_refused}})
        out += fmt::format("  {}: {}\n", name, st(s));
    out += "Dropped:\n";
    for (Drop d : {Drop::rrq_truncated, Drop::rrq_bad_extension, Drop::rrq_empty_nai,
                   Drop::rrq_not_request, Drop::rrq_ha_field, Drop::vip_not_service,
                   Drop::vserver_outofservice, Drop::no_real_available})
        out += fmt::format("  {}: {}\n", core::drop_name(d), dr(d));
    for (auto fn : sections()) out += fn();
    console::print(cl, out);
}

__attribute__((constructor)) void register_mobile_cli() {
    console::register_fixed(
        {"show", "mobile", "bindings"},
        "show mobile bindings: NAI -> home address, home agent, lifetime (from RRPs)",
        show_bindings);
    console::register_tokens(show_binding_nai,
                             "show mobile bindings nai NAI: the binding of one subscriber",
                             {&t_show, &t_mobile, &t_bindings, &t_nai_kw, &t_nai});
    console::register_fixed(
        {"show", "mobile", "traffic"},
        "show mobile traffic: registrations seen, balanced, retransmitted, reassigned, dropped",
        show_traffic);
}

}  // namespace

void register_traffic_section(std::string (*fn)()) {
    sections().push_back(fn);
}

}  // namespace haslb::slb
