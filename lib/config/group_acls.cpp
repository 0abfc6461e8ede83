// SPDX-License-Identifier: BSD-3-Clause
// The `acls` list (reloadable): named IOS extended access lists, each a list
// of entries in the IOS text form (parse_ace, ace.cpp). Hotline rules name
// them (checked in check_hotline.cpp).
#include <map>

#include <fmt/format.h>

#include "config/groups.hpp"

namespace haslb::config::detail {

namespace {

constexpr int kMaxAcls = 1024;
constexpr int kMaxEntries = 1024;

std::string where(const Origin& o) {
    return fmt::format("{}:{}", o.file, o.line);
}

// Each entry's error is at the entry's own line.
void parse_entries(Ctx& ctx, const lc::Setting& g, AclConfig& acl) {
    const lc::Setting* list = ctx.child(g, "entries", false);
    if (!list) {
        ctx.error(ctx.origin(g), ctx.key(g, "entries"),
                  "required key is missing; an ACL needs at least one entry");
        return;
    }
    if (!ctx.expect_list(*list)) return;
    int n = list->getLength();
    if (n == 0) {
        ctx.error(*list, "an ACL needs at least one entry");
        return;
    }
    if (n > kMaxEntries) {
        ctx.error(*list,
                  fmt::format("{} entries; at most {} per ACL are supported", n, kMaxEntries));
        return;
    }
    acl.entries.reserve(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
        const lc::Setting& e = (*list)[i];
        std::string text, why;
        if (!ctx.as_string(e, text)) continue;
        AceConfig ace;
        ace.origin = ctx.origin(e);
        if (parse_ace(text, ace, why) < 0)
            ctx.error(e, why);
        else
            acl.entries.push_back(std::move(ace));
    }
}

void parse_acl(Ctx& ctx, const lc::Setting& g, AclConfig& acl) {
    acl.origin = ctx.origin(g);
    if (!ctx.expect_group(g)) return;
    ctx.check_keys(g, {"name", "entries"});
    std::string name;
    if (ctx.get_string(g, "name", name, true)) {
        if (is_word(name, "_-", 32))
            acl.name = name;
        else
            ctx.error(
                g["name"],
                fmt::format("\"{}\" is not an ACL name ([A-Za-z0-9_-], 1 to 32 characters)", name));
    }
    parse_entries(ctx, g, acl);
}

}  // namespace

void parse_acls(Ctx& ctx, const lc::Setting& list, Config& out) {
    if (!ctx.expect_list(list)) return;
    int n = list.getLength();
    if (n > kMaxAcls) {
        ctx.error(list, fmt::format("{} ACLs; at most {} are supported", n, kMaxAcls));
        return;
    }
    out.acls.resize(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) parse_acl(ctx, list[i], out.acls[static_cast<size_t>(i)]);
    // Names that did not parse are empty; their own error is enough.
    std::map<std::string_view, size_t> names;
    for (size_t i = 0; i < out.acls.size(); ++i) {
        const AclConfig& a = out.acls[i];
        if (a.name.empty()) continue;
        if (auto [it, fresh] = names.try_emplace(a.name, i); !fresh)
            ctx.error_at(ctx.key(list[static_cast<int>(i)], "name"), a.origin,
                         fmt::format("ACL name \"{}\" is already used by acls.[{}] ({})", a.name,
                                     it->second, where(out.acls[it->second].origin)));
    }
}

}  // namespace haslb::config::detail
