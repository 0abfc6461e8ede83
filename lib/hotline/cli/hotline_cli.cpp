// SPDX-License-Identifier: BSD-3-Clause
// Console: show hotline users [nai N] | profile [NAME] | summary;
// hotline subscriber NAI profile NAME [timeout S] | normal | address
// add|remove A.B.C.D | remove. Layouts follow seed 004's `show ip mobile
// hotline` outputs.
#include <cmdline_parse_num.h>
#include <cmdline_parse_string.h>
#include <fmt/format.h>

#include "console/console.hpp"
#include "core/counters.hpp"
#include "hotline/hotline.hpp"
#include "slb/slb.hpp"

namespace haslb::hotline {
namespace {

bool check_running(cmdline* cl) {
    if (running()) return true;
    console::print(cl, "% hotlining is not configured (no hotline profiles or subscribers)\n");
    return false;
}

void print_result(cmdline* cl, int rc, const std::string& msg) {
    console::print(cl, rc == 0 ? msg + "\n" : fmt::format("% {}\n", msg));
}

std::string rules_text(const std::vector<RuleView>& rules, const char* indent) {
    std::string out;
    for (const auto& r : rules) {
        out += fmt::format("{}RuleType {}, Extended ACL Name {}{}\n", indent, r.type, r.acl,
                           r.direction == "out" ? ", out" : "");
        if (r.type == "IPRedir") out += fmt::format("{}Redirected IPAddr {}\n", indent, r.target);
        if (r.type == "HTTPRedir") out += fmt::format("{}Redirected Url - {}\n", indent, r.target);
    }
    return out;
}

std::string users_text(const std::vector<UserView>& users) {
    std::string out;
    const auto profiles = profile_views();
    for (const auto& u : users) {
        out += fmt::format("{} (Bindings {}):\n", u.nai, u.bindings);
        const ProfileView* p = nullptr;
        for (const auto& pv : profiles)
            if (pv.name == u.profile) p = &pv;
        if (u.state == "hotlined")
            out += fmt::format("    Profile Based HotLining, Profile {} (Rules {}){}\n", u.profile,
                               p ? p->rules.size() : 0, u.new_session ? ", new session" : "");
        else if (u.state == "ended")
            out += "    HotLining session ended (Session-Timeout): traffic dropped\n";
        else if (!u.profile.empty())
            out += fmt::format("    Normal, non-hotline profile {} (Rules {})\n", u.profile,
                               p ? p->rules.size() : 0);
        else
            out += "    Normal\n";
        for (const auto& a : u.addresses) out += fmt::format("    Home Addr {}\n", a);
        if (u.session_timeout_s)
            out += fmt::format("    Session-Timeout {}, remaining {}\n", u.session_timeout_s,
                               u.remaining_s);
        out += fmt::format("    Accounting-Session-Id {}\n", u.acct_session_id);
        if (p && u.state != "ended") out += rules_text(p->rules, "    ");
    }
    return out;
}

void show_users(cmdline* cl, const std::vector<std::string>&) {
    if (check_running(cl)) console::print(cl, users_text(user_views()));
}

struct ShowNai {
    cmdline_fixed_string_t show, hotline, users, nai_kw;
    cmdline_fixed_string_t nai;
};
void show_user_cb(void* parsed, cmdline* cl, void*) {
    if (!check_running(cl)) return;
    const auto v = user_views(static_cast<ShowNai*>(parsed)->nai);
    console::print(cl, v.empty()
                           ? fmt::format("% no subscriber {}\n", static_cast<ShowNai*>(parsed)->nai)
                           : users_text(v));
}
cmdline_parse_token_string_t t_show = TOKEN_STRING_INITIALIZER(ShowNai, show, "show");
cmdline_parse_token_string_t t_hotline = TOKEN_STRING_INITIALIZER(ShowNai, hotline, "hotline");
cmdline_parse_token_string_t t_users = TOKEN_STRING_INITIALIZER(ShowNai, users, "users");
cmdline_parse_token_string_t t_nai_kw = TOKEN_STRING_INITIALIZER(ShowNai, nai_kw, "nai");
cmdline_parse_token_string_t t_nai = TOKEN_STRING_INITIALIZER(ShowNai, nai, nullptr);

std::string profiles_text(const std::vector<ProfileView>& v) {
    std::string out;
    for (const auto& p : v) {
        out += fmt::format("{}: {} (Rules {}), users {}\n",
                           p.non_hotline ? "Non-hotline profile" : "Profile", p.name,
                           p.rules.size(), p.users);
        out += rules_text(p.rules, "");
        out += fmt::format("Packets passed {}, filtered {}, IP redirected {}, HTTP redirected {}\n",
                           p.passed, p.filtered, p.ip_redirected, p.http_redirected);
    }
    return out;
}

void show_profiles(cmdline* cl, const std::vector<std::string>&) {
    if (check_running(cl)) console::print(cl, profiles_text(profile_views()));
}

struct ShowProfile {
    cmdline_fixed_string_t show, hotline, profile;
    cmdline_fixed_string_t name;
};
void show_profile_cb(void* parsed, cmdline* cl, void*) {
    if (!check_running(cl)) return;
    const std::string name = static_cast<ShowProfile*>(parsed)->name;
    const auto v = profile_views(name);
    console::print(cl,
                   v.empty() ? fmt::format("% no hotline profile {}\n", name) : profiles_text(v));
}
cmdline_parse_token_string_t t_show2 = TOKEN_STRING_INITIALIZER(ShowProfile, show, "show");
cmdline_parse_token_string_t t_hotline2 = TOKEN_STRING_INITIALIZER(ShowProfile, hotline, "hotline");
cmdline_parse_token_string_t t_profile2 = TOKEN_STRING_INITIALIZER(ShowProfile, profile, "profile");
cmdline_parse_token_string_t t_name2 = TOKEN_STRING_INITIALIZER(ShowProfile, name, nullptr);

void show_summary(cmdline* cl, const std::vector<std::string>&) {
    if (!check_running(cl)) return;
    const Summary s = summary();
    console::print(cl, fmt::format("HomeAgent Hotlining Summary:\n"
                                   "Number of Sessions Hotlined {}\n"
                                   "Number of Profile-Based Hotlined {}\n"
                                   "Number of Rule-Based Hotlined {}\n"
                                   "Number of Sessions Ended by Session-Timeout {}\n"
                                   "Subscribers {}, home addresses {}\n",
                                   s.hotlined, s.profile_based, s.rule_based, s.ended,
                                   s.subscribers, s.addresses));
}

// hotline subscriber NAI profile NAME [timeout S]
struct SubProfile {
    cmdline_fixed_string_t hotline, subscriber;
    cmdline_fixed_string_t nai;
    cmdline_fixed_string_t profile;
    cmdline_fixed_string_t name;
    cmdline_fixed_string_t timeout;
    uint32_t seconds;
};
void sub_profile(void* parsed, cmdline* cl, bool with_timeout) {
    auto* r = static_cast<SubProfile*>(parsed);
    std::string msg;
    print_result(cl, apply_profile(r->nai, r->name, with_timeout ? r->seconds : 0, msg), msg);
}
void sub_profile_cb(void* parsed, cmdline* cl, void*) {
    sub_profile(parsed, cl, false);
}
void sub_profile_timeout_cb(void* parsed, cmdline* cl, void*) {
    sub_profile(parsed, cl, true);
}
cmdline_parse_token_string_t t_h = TOKEN_STRING_INITIALIZER(SubProfile, hotline, "hotline");
cmdline_parse_token_string_t t_sub = TOKEN_STRING_INITIALIZER(SubProfile, subscriber, "subscriber");
cmdline_parse_token_string_t t_snai = TOKEN_STRING_INITIALIZER(SubProfile, nai, nullptr);
cmdline_parse_token_string_t t_prof = TOKEN_STRING_INITIALIZER(SubProfile, profile, "profile");
cmdline_parse_token_string_t t_pname = TOKEN_STRING_INITIALIZER(SubProfile, name, nullptr);
cmdline_parse_token_string_t t_tmo = TOKEN_STRING_INITIALIZER(SubProfile, timeout, "timeout");
cmdline_parse_token_num_t t_secs = TOKEN_NUM_INITIALIZER(SubProfile, seconds, RTE_UINT32);

// hotline subscriber NAI normal | remove
struct SubWord {
    cmdline_fixed_string_t hotline, subscriber;
    cmdline_fixed_string_t nai;
    cmdline_fixed_string_t word;
};
void sub_word_cb(void* parsed, cmdline* cl, void*) {
    auto* r = static_cast<SubWord*>(parsed);
    std::string msg;
    const int rc =
        std::string(r->word) == "normal" ? set_normal(r->nai, msg) : remove_subscriber(r->nai, msg);
    print_result(cl, rc, msg);
}
cmdline_parse_token_string_t t_h3 = TOKEN_STRING_INITIALIZER(SubWord, hotline, "hotline");
cmdline_parse_token_string_t t_sub3 = TOKEN_STRING_INITIALIZER(SubWord, subscriber, "subscriber");
cmdline_parse_token_string_t t_nai3 = TOKEN_STRING_INITIALIZER(SubWord, nai, nullptr);
cmdline_parse_token_string_t t_word3 = TOKEN_STRING_INITIALIZER(SubWord, word, "normal#remove");

// hotline subscriber NAI address add|remove A.B.C.D
struct SubAddr {
    cmdline_fixed_string_t hotline, subscriber;
    cmdline_fixed_string_t nai;
    cmdline_fixed_string_t address, op;
    cmdline_fixed_string_t addr;
};
void sub_addr_cb(void* parsed, cmdline* cl, void*) {
    auto* r = static_cast<SubAddr*>(parsed);
    uint32_t a;
    if (config::parse_ipv4(r->addr, a) != 0) {
        console::print(cl, fmt::format("% \"{}\" is not an IPv4 address\n", r->addr));
        return;
    }
    std::string msg;
    const int rc =
        std::string(r->op) == "add" ? add_address(r->nai, a, msg) : remove_address(r->nai, a, msg);
    print_result(cl, rc, msg);
}
cmdline_parse_token_string_t t_h4 = TOKEN_STRING_INITIALIZER(SubAddr, hotline, "hotline");
cmdline_parse_token_string_t t_sub4 = TOKEN_STRING_INITIALIZER(SubAddr, subscriber, "subscriber");
cmdline_parse_token_string_t t_nai4 = TOKEN_STRING_INITIALIZER(SubAddr, nai, nullptr);
cmdline_parse_token_string_t t_address4 = TOKEN_STRING_INITIALIZER(SubAddr, address, "address");
cmdline_parse_token_string_t t_op4 = TOKEN_STRING_INITIALIZER(SubAddr, op, "add#remove");
cmdline_parse_token_string_t t_addr4 = TOKEN_STRING_INITIALIZER(SubAddr, addr, nullptr);

// The seed's hotline lines of `show ip mobile traffic`.
std::string traffic_section() {
    if (!running()) return "";
    const Summary s = summary();
    using core::Drop;
    using core::Stat;
    std::string out = fmt::format(
        "Hotline:\n"
        "  Number of Hotline Sessions {}\n"
        "  Number of Active-Session Hotlined {}\n"
        "  Number of New-Session Hotlined {}\n"
        "  Number of Active-Sessions Reconciled {}\n"
        "  Number of New-Sessions Reconciled {}\n"
        "  Number of Sessions Ended by Session-Timeout {}\n",
        s.hotline_sessions, s.active_hotlined, s.new_hotlined, s.active_reconciled,
        s.new_reconciled, s.timed_out);
    for (auto [name, st] : {std::pair{"upstream_classified", Stat::hotline_upstream},
                            {"downstream_classified", Stat::hotline_downstream},
                            {"passed", Stat::hotline_passed},
                            {"ip_redirected", Stat::hotline_ip_redirected},
                            {"nat_reversed", Stat::nat_reversed},
                            {"http_syn_answered", Stat::http_syn_answered},
                            {"http_redirects_sent", Stat::http_redirects_sent}})
        out += fmt::format("  {}: {}\n", name, core::total_stat(st));
    for (Drop d : {Drop::hotline_filtered, Drop::nat_table_full, Drop::hotline_session_ended,
                   Drop::hotline_fragment, Drop::http_redirect_not_tcp})
        out += fmt::format("  {}: {}\n", core::drop_name(d), core::total_drop(d));
    return out;
}

__attribute__((constructor)) void register_hotline_cli() {
    console::register_fixed({"show", "hotline", "users"},
                            "show hotline users: every subscriber, its state, profile and rules",
                            show_users);
    console::register_tokens(show_user_cb, "show hotline users nai NAI: one subscriber",
                             {&t_show, &t_hotline, &t_users, &t_nai_kw, &t_nai});
    console::register_fixed({"show", "hotline", "profile"},
                            "show hotline profile: every hotline and non-hotline profile, its "
                            "rules in priority order and packet counters",
                            show_profiles);
    console::register_tokens(show_profile_cb, "show hotline profile NAME: one profile",
                             {&t_show2, &t_hotline2, &t_profile2, &t_name2});
    console::register_fixed({"show", "hotline", "summary"},
                            "show hotline summary: sessions hotlined, profile-based, rule-based",
                            show_summary);
    console::register_tokens(sub_profile_cb,
                             "hotline subscriber NAI profile NAME: hotline a subscriber (also one "
                             "without a binding yet: it applies when the binding appears)",
                             {&t_h, &t_sub, &t_snai, &t_prof, &t_pname});
    console::register_tokens(sub_profile_timeout_cb,
                             "hotline subscriber NAI profile NAME timeout S: the same, the "
                             "session ends after S seconds (Session-Timeout)",
                             {&t_h, &t_sub, &t_snai, &t_prof, &t_pname, &t_tmo, &t_secs});
    console::register_tokens(sub_word_cb,
                             "hotline subscriber NAI normal|remove: back to normal, or forget the "
                             "subscriber (its addresses and translations)",
                             {&t_h3, &t_sub3, &t_nai3, &t_word3});
    console::register_tokens(sub_addr_cb,
                             "hotline subscriber NAI address add|remove A.B.C.D: a home address "
                             "set by hand (besides those from bindings)",
                             {&t_h4, &t_sub4, &t_nai4, &t_address4, &t_op4, &t_addr4});
    slb::register_traffic_section(traffic_section);
}

}  // namespace
}  // namespace haslb::hotline
