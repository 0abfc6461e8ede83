// SPDX-License-Identifier: BSD-3-Clause
// libFuzzer target: arbitrary text as IOS access control entries (parse_ace)
// and through the loader, three ways: the whole input as one entry; each
// line as an entry of an ACL that a hotline profile uses (the config must
// load exactly when every line parses, with the same result); and the input
// as the body of the `hotline` group. Beyond "no crash" (ASan, UBSan): a
// refusal has a printable reason, a parsed entry has masked prefixes of at
// most 32 bits, ports only with tcp/udp and non-empty port ranges, keywords
// are case-insensitive, and a loaded hotline group keeps its invariants
// (rules in priority order, only filter rules downstream, ...).
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "config/config.hpp"

namespace {

using namespace haslb::config;
using Op = PortMatch::Op;

constexpr std::string_view kPorts =
    R"(ports = ( { name = "p0"; device = "net_tap0"; address = "192.0.2.1/24"; } );)";

[[noreturn]] void fail(const char* what) {
    fprintf(stderr, "fuzz_acl invariant violated: %s\n", what);
    abort();
}

void check(bool ok, const char* what) {
    if (!ok) fail(what);
}

uint32_t mask(uint8_t len) {
    return len == 0 ? 0 : ~uint32_t{0} << (32 - len);
}

void check_addr(const AddrMatch& a) {
    check(a.len <= 32, "prefix length above 32");
    check((a.addr & mask(a.len)) == a.addr, "address not masked");
}

void check_ports(const PortMatch& p, uint8_t proto) {
    if (p.op == Op::kAny) {
        check(p.lo == 0 && p.hi == 0, "port values without an operator");
        return;
    }
    check(proto == 6 || proto == 17, "ports on a protocol other than tcp or udp");
    if (p.op == Op::kRange)
        check(p.lo <= p.hi, "empty port range");
    else
        check(p.hi == 0, "a last port without range");
    check(p.op != Op::kLt || p.lo != 0, "lt 0 accepted");
    check(p.op != Op::kGt || p.lo != 65535, "gt 65535 accepted");
}

bool same(const AceConfig& a, const AceConfig& b) {
    return a.permit == b.permit && a.proto == b.proto && a.src.addr == b.src.addr &&
           a.src.len == b.src.len && a.dst.addr == b.dst.addr && a.dst.len == b.dst.len &&
           a.sport.op == b.sport.op && a.sport.lo == b.sport.lo && a.sport.hi == b.sport.hi &&
           a.dport.op == b.dport.op && a.dport.lo == b.dport.lo && a.dport.hi == b.dport.hi;
}

std::string upper(std::string_view s) {
    std::string r(s);
    for (char& c : r)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    return r;
}

// parse_ace with its invariants; `why` gets the reason of a refusal.
int checked_parse(std::string_view text, AceConfig& a, std::string& why) {
    int rc = parse_ace(text, a, why);
    check(rc == 0 || rc == -EINVAL, "parse_ace returned neither 0 nor -EINVAL");
    if (rc < 0) {
        check(!why.empty(), "refused without a reason");
        for (char c : why) check(c >= ' ' && c <= '~', "a reason with an unprintable byte");
        return rc;
    }
    check(a.text == text, "text not kept as written");
    check_addr(a.src);
    check_addr(a.dst);
    check_ports(a.sport, a.proto);
    check_ports(a.dport, a.proto);
    return rc;
}

void check_entry(std::string_view text) {
    AceConfig a, b;
    std::string why, why_upper;
    int rc = checked_parse(text, a, why);
    int rc_upper = checked_parse(upper(text), b, why_upper);
    check(rc == rc_upper, "keywords are not case-insensitive");
    if (rc == 0) check(same(a, b), "upper case parses differently");
}

// A libconfig string literal holding `s` (which has no NUL: libconfig drops \x00).
std::string literal(std::string_view s) {
    std::string r = "\"";
    for (char c : s) {
        auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\')
            r += fmt::format("\\{}", c);
        else if (u >= 0x20 && u < 0x7f)
            r += c;
        else
            r += fmt::format("\\x{:02x}", u);
    }
    return r + "\"";
}

// Each line an entry of ACL "fuzz", used by a filter rule: the config loads
// exactly when every line parses, and holds what parse_ace gives.
void check_acl(std::string_view input) {
    std::vector<std::string> lines;
    size_t pos = 0;
    while (pos < input.size() && lines.size() < 64) {
        size_t eol = input.find('\n', pos);
        std::string_view line = input.substr(pos, eol == std::string_view::npos ? eol : eol - pos);
        std::string l;
        for (char c : line)
            if (c != '\0') l += c;
        lines.push_back(std::move(l));
        pos = eol == std::string_view::npos ? input.size() : eol + 1;
    }
    if (lines.empty()) return;
    std::string text = std::string(kPorts) + "\nacls = ( { name = \"fuzz\"; entries = ( ";
    for (size_t i = 0; i < lines.size(); ++i) text += (i ? ", " : "") + literal(lines[i]);
    text +=
        " ); } );\nhotline = { profiles = ( { name = \"p\"; rules = ( { type = \"filter\"; "
        "acl = \"fuzz\"; } ); } ); };\n";
    std::vector<AceConfig> want(lines.size());
    std::vector<std::string> whys;
    for (size_t i = 0; i < lines.size(); ++i) {
        std::string why;
        if (checked_parse(lines[i], want[i], why) < 0) whys.push_back(why);
    }
    Config cfg;
    std::vector<Error> errors;
    int rc = load_string(text, "fuzz.conf", "/nonexistent-haslb-fuzz", cfg, errors);
    check((rc == 0) == whys.empty(), "the loader and parse_ace disagree");
    if (rc != 0) {
        check(errors.size() == whys.size(), "one error per bad entry");
        for (size_t i = 0; i < errors.size(); ++i) {
            check(errors[i].origin.line == 2, "entry error not at the entry's line");
            check(errors[i].key.starts_with("acls.[0].entries.["), "entry error key");
            check(errors[i].message == whys[i], "entry error is not parse_ace's reason");
        }
        return;
    }
    check(cfg.acls.size() == 1 && cfg.acls[0].entries.size() == lines.size(), "entries lost");
    for (size_t i = 0; i < lines.size(); ++i) {
        check(same(cfg.acls[0].entries[i], want[i]), "loaded entry differs");
        check(cfg.acls[0].entries[i].text == lines[i], "loaded text differs");
    }
    check(cfg.hotline.profiles.size() == 1, "profile lost");
}

void check_rules(const std::vector<HotlineRuleConfig>& rules, bool non_hotline) {
    check(!rules.empty() && rules.size() <= kMaxHotlineRules, "rule count");
    std::set<uint16_t> written;
    for (size_t i = 0; i < rules.size(); ++i) {
        const HotlineRuleConfig& r = rules[i];
        check(i == 0 || rules[i - 1].type <= r.type, "rules not in priority order");
        check(written.insert(r.index).second && r.index < rules.size(), "rule index");
        check(r.acl == "web" || r.acl == "all", "rule names an undefined ACL");
        check(r.type == HotlineRuleType::kFilter || r.direction == Direction::kIn,
              "a rule other than filter downstream");
        check(!non_hotline || r.type == HotlineRuleType::kIpRedirect, "non-hotline type");
        check((r.type == HotlineRuleType::kIpRedirect) == (r.redirect != 0), "redirect");
        check(r.type == HotlineRuleType::kIpRedirect || r.port == 0, "port");
        std::string scheme = upper(r.url.substr(0, 8));
        check((r.type == HotlineRuleType::kHttpRedirect) ==
                  ((scheme.starts_with("HTTP://") || scheme.starts_with("HTTPS://")) &&
                   r.url.size() <= 512),
              "url");
    }
}

// The input as the body of the hotline group, next to two ACLs.
void check_hotline(std::string_view input) {
    std::string text = std::string(kPorts) +
                       "\nacls = ( { name = \"web\"; entries = ( \"permit tcp any any eq 80\" ); "
                       "}, { name = \"all\"; entries = ( \"permit ip any any\" ); } );\n"
                       "hotline = {\n" +
                       std::string(input) + "\n};\n";
    Config cfg;
    std::vector<Error> errors;
    int rc = load_string(text, "fuzz.conf", "/nonexistent-haslb-fuzz", cfg, errors);
    if (rc != 0) {
        check(!errors.empty(), "refused without an error");
        for (const Error& e : errors) check(!e.message.empty(), "an error without a message");
        return;
    }
    const HotlineConfig& h = cfg.hotline;
    std::set<std::string> names;
    for (const HotlineProfileConfig& p : h.profiles) {
        check(names.insert(p.name).second && !p.name.empty(), "profile names");
        check_rules(p.rules, false);
    }
    for (const NonHotlineConfig& n : h.non_hotline) check_rules(n.rules, true);
    for (const RealmConfig& r : h.realms)
        check(r.capability != 0 && (r.capability & ~uint32_t{kCapAll}) == 0, "capability");
    std::set<uint32_t> addresses;
    for (const SubscriberConfig& s : h.subscribers) {
        check(!s.nai.empty() && s.nai.size() <= 72 && s.addresses.size() <= 8, "subscriber");
        check(s.profile.empty() || names.count(s.profile), "subscriber profile undefined");
        for (uint32_t a : s.addresses) check(addresses.insert(a).second, "home address twice");
    }
    const NatConfig& n = h.nat;
    for (uint32_t t : {n.tcp_s, n.tcp_fin_s, n.tcp_syn_s, n.tcp_nosynack_s, n.udp_s, n.icmp_s})
        check(t >= 1 && t <= 86400, "NAT timeout");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size > 16 * 1024) return -1;
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    check_entry(input);
    check_acl(input);
    check_hotline(input);
    return 0;
}
