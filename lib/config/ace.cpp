// SPDX-License-Identifier: BSD-3-Clause
// parse_ace(): one IOS extended access control entry, as written in an
// `acls` entry or typed on the console (grammar in config.hpp).
//
// Only what rte_acl can match is accepted: addresses are prefixes (so IOS
// wildcards must be contiguous), ports are ranges or their complement (neq),
// and options that need state or logging (established, log, ...) are refused
// by name instead of being silently ignored.
#include <algorithm>
#include <bit>
#include <cerrno>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "config/config.hpp"

namespace haslb::config {

namespace {

constexpr std::string_view kSpace = " \t\r\n\v\f";
constexpr std::string_view kAddrForms = "any, host A.B.C.D, A.B.C.D WILDCARD or A.B.C.D/len";

struct NamedPort {
    std::string_view name;
    uint16_t port;
};

constexpr NamedPort kPorts[] = {
    {"www", 80},    {"http", 80},   {"https", 443}, {"domain", 53}, {"ftp", 21},
    {"ssh", 22},    {"telnet", 23}, {"smtp", 25},   {"pop3", 110},  {"ntp", 123},
    {"bootps", 67}, {"bootpc", 68}, {"tftp", 69},   {"snmp", 161},
};

class Tokens {
public:
    explicit Tokens(std::string_view s) {
        size_t i = s.find_first_not_of(kSpace);
        while (i != std::string_view::npos) {
            size_t end = s.find_first_of(kSpace, i);
            v_.push_back(s.substr(i, end == std::string_view::npos ? end : end - i));
            i = end == std::string_view::npos ? end : s.find_first_not_of(kSpace, end);
        }
    }
    bool done() const { return i_ == v_.size(); }
    bool empty() const { return v_.empty(); }
    std::string_view peek() const { return v_[i_]; }
    std::string_view next() { return v_[i_++]; }

private:
    std::vector<std::string_view> v_;
    size_t i_ = 0;
};

std::string lower(std::string_view s) {
    std::string r(s);
    for (char& c : r)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return r;
}

// A token in a message: quoted, bytes an operator cannot see as \xNN, cut
// after 40 characters.
std::string quote(std::string_view t) {
    std::string s = "\"";
    for (size_t i = 0; i < t.size(); ++i) {
        if (i == 40) {
            s += "...";
            break;
        }
        auto u = static_cast<unsigned char>(t[i]);
        if (u < 0x20 || u >= 0x7f || u == '"' || u == '\\')
            s += fmt::format("\\x{:02x}", u);
        else
            s += t[i];
    }
    return s + "\"";
}

// All decimal digits: true, `out` = the value (saturated far above 65535).
bool digits(std::string_view t, uint32_t& out) {
    if (t.empty()) return false;
    uint32_t v = 0;
    for (char c : t) {
        if (c < '0' || c > '9') return false;
        v = std::min<uint32_t>(v * 10 + static_cast<uint32_t>(c - '0'), 1000000);
    }
    out = v;
    return true;
}

std::string proto_name(uint8_t p) {
    switch (p) {
        case 0:
            return "ip";
        case 1:
            return "icmp";
        case 6:
            return "tcp";
        case 17:
            return "udp";
        default:
            return fmt::format("{}", p);
    }
}

bool is_port_op(std::string_view tok) {
    std::string kw = lower(tok);
    return kw == "eq" || kw == "neq" || kw == "lt" || kw == "gt" || kw == "range";
}

bool parse_proto(Tokens& t, std::string_view action, uint8_t& out, std::string& why) {
    constexpr std::string_view forms = "ip, tcp, udp, icmp or a number 0..255";
    if (t.done()) {
        why = fmt::format("missing protocol after {}; expected {}", action, forms);
        return false;
    }
    std::string_view tok = t.next();
    std::string kw = lower(tok);
    uint32_t n = 0;
    if (kw == "ip") {
        out = 0;
    } else if (kw == "icmp") {
        out = 1;
    } else if (kw == "tcp") {
        out = 6;
    } else if (kw == "udp") {
        out = 17;
    } else if (digits(tok, n)) {
        if (n > 255) {
            why = fmt::format("protocol {} is out of range 0..255", tok);
            return false;
        }
        out = static_cast<uint8_t>(n);
    } else {
        why = fmt::format("{} is not a protocol; expected {}", quote(tok), forms);
        return false;
    }
    return true;
}

bool parse_addr(Tokens& t, std::string_view what, AddrMatch& out, std::string& why) {
    if (t.done()) {
        why = fmt::format("missing {} address; expected {}", what, kAddrForms);
        return false;
    }
    std::string_view tok = t.next();
    std::string kw = lower(tok);
    uint32_t a = 0;
    if (kw == "any") {
        out = AddrMatch{};
        return true;
    }
    if (kw == "host") {
        if (t.done()) {
            why = fmt::format("host needs an address (the {} A.B.C.D)", what);
            return false;
        }
        tok = t.next();
        if (parse_ipv4(std::string(tok), a) < 0) {
            why = fmt::format("{} after host is not an IPv4 address (A.B.C.D)", quote(tok));
            return false;
        }
        out = AddrMatch{a, 32};
        return true;
    }
    if (tok.find('/') != std::string_view::npos) {
        Ipv4Prefix p;
        if (parse_prefix(std::string(tok), p) < 0) {
            why = fmt::format("{} is not an IPv4 prefix (A.B.C.D/len)", quote(tok));
            return false;
        }
        uint32_t mask = p.len == 0 ? 0 : ~uint32_t{0} << (32 - p.len);
        out = AddrMatch{p.addr & mask, p.len};
        return true;
    }
    if (parse_ipv4(std::string(tok), a) < 0) {
        why = fmt::format("{} is not a {} address; expected {}", quote(tok), what, kAddrForms);
        return false;
    }
    std::string addr = format_ipv4(a);
    if (t.done()) {
        why = fmt::format(
            "{} address {} needs a wildcard (e.g. {} 0.0.0.255); for one address write host {}",
            what, addr, addr, addr);
        return false;
    }
    std::string_view wtok = t.next();
    uint32_t w = 0;
    if (parse_ipv4(std::string(wtok), w) < 0) {
        why = fmt::format("{} is not a wildcard (A.B.C.D, e.g. 0.0.0.255) for {} address {}",
                          quote(wtok), what, addr);
        return false;
    }
    // Contiguous: w = 2^k - 1, the inverse of a /(32-k) mask.
    if ((w & (w + 1)) != 0) {
        std::string hint;
        if (uint32_t inv = ~w; (inv & (inv + 1)) == 0)
            hint = fmt::format("; {} looks like a subnet mask, whose wildcard is {}",
                               format_ipv4(w), format_ipv4(inv));
        why = fmt::format(
            "non-contiguous wildcard {} is not supported (a wildcard must be the inverse of a "
            "prefix mask, e.g. 0.0.0.255){}",
            format_ipv4(w), hint);
        return false;
    }
    out = AddrMatch{a & ~w, static_cast<uint8_t>(32 - std::popcount(w))};
    return true;
}

bool parse_port(std::string_view tok, uint16_t& out, std::string& why) {
    uint32_t n = 0;
    if (digits(tok, n)) {
        if (n > 65535) {
            why = fmt::format("port {} is out of range 0..65535", tok);
            return false;
        }
        out = static_cast<uint16_t>(n);
        return true;
    }
    std::string kw = lower(tok);
    for (const NamedPort& p : kPorts)
        if (kw == p.name) {
            out = p.port;
            return true;
        }
    std::string names;
    for (const NamedPort& p : kPorts)
        names += fmt::format("{}{}", names.empty() ? "" : ", ", p.name);
    why =
        fmt::format("{} is not a port; expected a number 0..65535 or one of {}", quote(tok), names);
    return false;
}

// After the operator token; `what` is "source" or "destination".
bool parse_port_match(Tokens& t, std::string_view what, PortMatch& out, std::string& why) {
    std::string op = lower(t.next());
    PortMatch m;
    if (op == "range") {
        if (t.done()) {
            why = fmt::format("range needs two {} ports (range FIRST LAST)", what);
            return false;
        }
        std::string_view lo = t.next();
        if (!parse_port(lo, m.lo, why)) return false;
        if (t.done()) {
            why = fmt::format("range {} needs a last {} port (range FIRST LAST)", m.lo, what);
            return false;
        }
        if (!parse_port(t.next(), m.hi, why)) return false;
        if (m.lo > m.hi) {
            why = fmt::format(
                "range {} {} is empty: the first port must not be greater than the last", m.lo,
                m.hi);
            return false;
        }
        m.op = PortMatch::Op::kRange;
        out = m;
        return true;
    }
    if (t.done()) {
        why = fmt::format("{} needs a {} port (a number 0..65535 or a name such as www)", op, what);
        return false;
    }
    if (!parse_port(t.next(), m.lo, why)) return false;
    m.op = op == "eq"    ? PortMatch::Op::kEq
           : op == "neq" ? PortMatch::Op::kNeq
           : op == "lt"  ? PortMatch::Op::kLt
                         : PortMatch::Op::kGt;
    if (m.op == PortMatch::Op::kLt && m.lo == 0) {
        why = "lt 0 matches no port";
        return false;
    }
    if (m.op == PortMatch::Op::kGt && m.lo == 65535) {
        why = "gt 65535 matches no port";
        return false;
    }
    out = m;
    return true;
}

// An optional port operator after the `what` address.
bool parse_ports(Tokens& t, uint8_t proto, std::string_view what, PortMatch& out,
                 std::string& why) {
    if (t.done() || !is_port_op(t.peek())) return true;
    if (proto != 6 && proto != 17) {
        why = fmt::format("port operator {} needs protocol tcp or udp; this entry is for {}",
                          quote(t.peek()),
                          proto == 0 ? "every protocol (ip)" : "protocol " + proto_name(proto));
        return false;
    }
    return parse_port_match(t, what, out, why);
}

}  // namespace

int parse_ace(std::string_view text, AceConfig& out, std::string& why) {
    Tokens t(text);
    if (t.empty()) {
        why = "empty entry; expected permit|deny PROTOCOL SOURCE [PORTS] DESTINATION [PORTS]";
        return -EINVAL;
    }
    AceConfig a;
    std::string_view action = t.next();
    std::string kw = lower(action);
    if (kw != "permit" && kw != "deny") {
        why = fmt::format("{} is not permit or deny (an entry starts with its action)",
                          quote(action));
        return -EINVAL;
    }
    a.permit = kw == "permit";
    if (!parse_proto(t, kw, a.proto, why)) return -EINVAL;
    if (!parse_addr(t, "source", a.src, why)) return -EINVAL;
    if (!parse_ports(t, a.proto, "source", a.sport, why)) return -EINVAL;
    if (!parse_addr(t, "destination", a.dst, why)) return -EINVAL;
    if (!parse_ports(t, a.proto, "destination", a.dport, why)) return -EINVAL;
    if (!t.done()) {
        why = fmt::format(
            "unexpected {} after the destination; an entry ends there (IOS options such as log "
            "or established are not supported)",
            quote(t.peek()));
        return -EINVAL;
    }
    a.text = std::string(text);
    a.origin = std::move(out.origin);
    out = std::move(a);
    return 0;
}

}  // namespace haslb::config
