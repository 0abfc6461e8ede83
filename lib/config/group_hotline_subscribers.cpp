// SPDX-License-Identifier: BSD-3-Clause
// hotline.subscribers: subscribers named in the configuration, with their
// home addresses and, optionally, the hotline profile applied to them from
// the start. NAIs and addresses are unique here; the profile reference and
// conflicts with port addresses are checked in check_hotline.cpp.
#include <map>
#include <utility>

#include <fmt/format.h>

#include "config/groups.hpp"

namespace haslb::config::detail {

namespace {

constexpr int kMaxSubscribers = 65536;
constexpr int kMaxAddresses = 8;
constexpr size_t kMaxNai = 72;

std::string where(const Origin& o) {
    return fmt::format("{}:{}", o.file, o.line);
}

void get_nai(Ctx& ctx, const lc::Setting& g, std::string& out) {
    std::string s;
    if (!ctx.get_string(g, "nai", s, true)) return;
    constexpr std::string_view rule = "an NAI is 1 to 72 printable ASCII characters, no spaces";
    if (s.empty() || s.size() > kMaxNai) {
        ctx.error(g["nai"], fmt::format("{} characters; {}", s.size(), rule));
        return;
    }
    for (size_t i = 0; i < s.size(); ++i)
        if (s[i] <= ' ' || s[i] > '~') {
            ctx.error(g["nai"],
                      fmt::format("character {} is a space or not printable; {}", i + 1, rule));
            return;
        }
    out = s;
}

// Home addresses: kept only when every one is valid, so that index k of
// `out` is element k of the list (the checks name it).
void get_addresses(Ctx& ctx, const lc::Setting& g, std::vector<uint32_t>& out) {
    const lc::Setting* list = ctx.child(g, "addresses", false);
    if (!list) return;
    if (!list->isList() && !list->isArray()) {
        ctx.error(*list, fmt::format("expected a list of addresses [ \"A.B.C.D\", ... ], got {}",
                                     type_name(*list)));
        return;
    }
    int n = list->getLength();
    if (n > kMaxAddresses) {
        ctx.error(*list, fmt::format("{} addresses; at most {} per subscriber are supported", n,
                                     kMaxAddresses));
        return;
    }
    std::vector<uint32_t> v;
    for (int i = 0; i < n; ++i) {
        const lc::Setting& e = (*list)[i];
        ctx.note(e);
        std::string s;
        uint32_t a = 0;
        if (!ctx.as_string(e, s)) continue;
        if (parse_ipv4(s, a) < 0)
            ctx.error(e, fmt::format("\"{}\" is not an IPv4 address (A.B.C.D)", s));
        else if (auto why = not_unicast_reason(a); !why.empty())
            ctx.error(e, fmt::format("{} is {}", s, why));
        else
            v.push_back(a);
    }
    if (v.size() == static_cast<size_t>(n)) out = std::move(v);
}

void parse_subscriber(Ctx& ctx, const lc::Setting& g, SubscriberConfig& s) {
    s.origin = ctx.origin(g);
    if (!ctx.expect_group(g)) return;
    ctx.check_keys(g, {"nai", "addresses", "profile", "session_timeout"});
    get_nai(ctx, g, s.nai);
    get_addresses(ctx, g, s.addresses);
    std::string profile;
    if (ctx.get_string(g, "profile", profile)) {
        if (is_word(profile, "_.-", 64))
            s.profile = profile;
        else
            ctx.error(g["profile"],
                      fmt::format("\"{}\" is not a hotline profile name ([A-Za-z0-9_.-], 1 to 64 "
                                  "characters); leave profile out for a subscriber in normal state",
                                  profile));
    }
    // Seed 004: Session-Timeout is 1..2^32-1 seconds; 0 here = none.
    ctx.get_uint(g, "session_timeout", 0, 4294967295, s.session_timeout_s);
}

}  // namespace

void parse_subscribers(Ctx& ctx, const lc::Setting& list, HotlineConfig& out) {
    if (!ctx.expect_list(list)) return;
    int n = list.getLength();
    if (n > kMaxSubscribers) {
        ctx.error(list,
                  fmt::format("{} subscribers; at most {} are supported", n, kMaxSubscribers));
        return;
    }
    out.subscribers.resize(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i)
        parse_subscriber(ctx, list[i], out.subscribers[static_cast<size_t>(i)]);
    std::map<std::string_view, size_t> nais;
    std::map<uint32_t, size_t> addresses;  // -> subscriber
    for (size_t i = 0; i < out.subscribers.size(); ++i) {
        const SubscriberConfig& s = out.subscribers[i];
        const lc::Setting& g = list[static_cast<int>(i)];
        if (!s.nai.empty())
            if (auto [it, fresh] = nais.try_emplace(s.nai, i); !fresh)
                ctx.error_at(
                    ctx.key(g, "nai"), s.origin,
                    fmt::format("NAI \"{}\" is already used by hotline.subscribers.[{}] "
                                "({})",
                                s.nai, it->second, where(out.subscribers[it->second].origin)));
        for (size_t k = 0; k < s.addresses.size(); ++k) {
            auto [it, fresh] = addresses.try_emplace(s.addresses[k], i);
            if (fresh) continue;
            const SubscriberConfig& o = out.subscribers[it->second];
            ctx.error(g["addresses"][static_cast<int>(k)],
                      fmt::format("home address {} is already {}", format_ipv4(s.addresses[k]),
                                  it->second == i
                                      ? std::string("in this list")
                                      : fmt::format("a home address of hotline.subscribers.[{}] "
                                                    "\"{}\" ({})",
                                                    it->second, o.nai, where(o.origin))));
        }
    }
}

}  // namespace haslb::config::detail
