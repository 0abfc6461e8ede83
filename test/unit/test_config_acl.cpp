// SPDX-License-Identifier: BSD-3-Clause
// IOS extended access control entries (parse_ace: every element of the
// grammar and every error) and the `acls` group (names, entries, and where
// each error is reported).
#include <catch2/catch.hpp>

#include <cerrno>
#include <string>

#include "config_helpers.hpp"

using namespace haslb::config;
using namespace haslb::config::test;
namespace fs = std::filesystem;

namespace {

using Op = PortMatch::Op;

// A valid entry, parsed.
AceConfig ace(std::string_view text) {
    AceConfig a;
    std::string why;
    INFO(text);
    int rc = parse_ace(text, a, why);
    INFO(why);
    REQUIRE(rc == 0);
    CHECK(a.text == text);
    return a;
}

// An invalid entry: -EINVAL, `out` untouched, the reason returned.
std::string refused(std::string_view text) {
    AceConfig a;
    a.text = "untouched";
    a.proto = 99;
    std::string why;
    INFO(text);
    CHECK(parse_ace(text, a, why) == -EINVAL);
    CHECK(a.text == "untouched");
    CHECK(a.proto == 99);
    CHECK_FALSE(why.empty());
    return why;
}

void refused(std::string_view text, const std::string& part) {
    std::string why = refused(text);
    INFO(text);
    CHECK_THAT(why, Catch::Contains(part));
}

std::string addr(const AddrMatch& m) {
    return format_prefix({m.addr, m.len});
}

void check_port(const PortMatch& p, Op op, uint16_t lo, uint16_t hi = 0) {
    CHECK(p.op == op);
    CHECK(p.lo == lo);
    CHECK(p.hi == hi);
}

// kPort on line 1, `acls = (` on line 2, the first line of `body` on line 3.
Result acls(std::string_view body) {
    return load_text(std::string(kPort) + "\nacls = (\n" + std::string(body) + "\n);");
}

// One ACL "a" on line 3 with `entries` on line 4.
Result entries(const std::string& list) {
    return acls("{ name = \"a\";\n  entries = ( " + list + " ); }");
}

}  // namespace

// ---------------------------------------------------------------- parse_ace: grammar

TEST_CASE("ace: permit and deny", "[config][acl]") {
    CHECK(ace("permit ip any any").permit);
    CHECK_FALSE(ace("deny ip any any").permit);
}

TEST_CASE("ace: protocols by name and number; ip and 0 are every protocol", "[config][acl]") {
    CHECK(ace("permit ip any any").proto == 0);
    CHECK(ace("permit 0 any any").proto == 0);
    CHECK(ace("permit icmp any any").proto == 1);
    CHECK(ace("permit tcp any any").proto == 6);
    CHECK(ace("permit udp any any").proto == 17);
    CHECK(ace("permit 1 any any").proto == 1);
    CHECK(ace("permit 47 any any").proto == 47);
    CHECK(ace("permit 255 any any").proto == 255);
    // Numbers 6 and 17 are tcp and udp: they take ports.
    check_port(ace("permit 6 any any eq 80").dport, Op::kEq, 80);
    check_port(ace("permit 17 any eq 53 any").sport, Op::kEq, 53);
}

TEST_CASE("ace: any, host, wildcard and prefix addresses", "[config][acl]") {
    AceConfig a = ace("permit ip any host 203.0.113.10");
    CHECK(a.src.addr == 0);
    CHECK(a.src.len == 0);
    CHECK(addr(a.dst) == "203.0.113.10/32");
    a = ace("deny ip 192.0.2.0 0.0.0.255 198.51.100.0/25");
    CHECK(addr(a.src) == "192.0.2.0/24");
    CHECK(addr(a.dst) == "198.51.100.0/25");
    CHECK(addr(ace("permit ip 10.0.0.0 0.255.255.255 any").src) == "10.0.0.0/8");
    CHECK(addr(ace("permit ip 10.1.2.3 0.0.0.0 any").src) == "10.1.2.3/32");
    CHECK(addr(ace("permit ip 0.0.0.0 255.255.255.255 any").src) == "0.0.0.0/0");
    CHECK(addr(ace("permit ip 10.0.0.0 127.255.255.255 any").src) == "0.0.0.0/1");
    CHECK(addr(ace("permit ip any 0.0.0.0/0").dst) == "0.0.0.0/0");
    CHECK(addr(ace("permit ip any 10.1.2.3/32").dst) == "10.1.2.3/32");
}

TEST_CASE("ace: addresses are masked as IOS does; the text stays as written", "[config][acl]") {
    AceConfig a = ace("permit ip 192.0.2.77 0.0.0.255 198.51.100.77/25");
    CHECK(addr(a.src) == "192.0.2.0/24");
    CHECK(addr(a.dst) == "198.51.100.0/25");
    CHECK(a.text == "permit ip 192.0.2.77 0.0.0.255 198.51.100.77/25");
    CHECK(addr(ace("permit ip 10.255.255.255 255.255.255.255 any").src) == "0.0.0.0/0");
    CHECK(addr(ace("permit ip any 10.1.2.3/0").dst) == "0.0.0.0/0");
}

TEST_CASE("ace: each port operator, on the source and the destination", "[config][acl]") {
    AceConfig a = ace("permit tcp any any");
    check_port(a.sport, Op::kAny, 0);
    check_port(a.dport, Op::kAny, 0);
    check_port(ace("permit tcp any any eq 80").dport, Op::kEq, 80);
    check_port(ace("permit tcp any any neq 80").dport, Op::kNeq, 80);
    check_port(ace("permit tcp any any lt 1024").dport, Op::kLt, 1024);
    check_port(ace("permit tcp any any gt 1023").dport, Op::kGt, 1023);
    check_port(ace("permit tcp any any range 8000 8080").dport, Op::kRange, 8000, 8080);
    check_port(ace("permit udp any eq 68 any").sport, Op::kEq, 68);
    check_port(ace("permit udp any neq 68 any").sport, Op::kNeq, 68);
    check_port(ace("permit udp any lt 1024 any").sport, Op::kLt, 1024);
    check_port(ace("permit udp any gt 1023 any").sport, Op::kGt, 1023);
    check_port(ace("permit udp any range 1 1 any").sport, Op::kRange, 1, 1);
    a = ace("permit udp host 192.0.2.1 range 1024 65535 10.0.0.0/8 eq 53");
    check_port(a.sport, Op::kRange, 1024, 65535);
    check_port(a.dport, Op::kEq, 53);
    CHECK(addr(a.src) == "192.0.2.1/32");
    CHECK(addr(a.dst) == "10.0.0.0/8");
}

TEST_CASE("ace: port bounds", "[config][acl]") {
    check_port(ace("permit tcp any any eq 0").dport, Op::kEq, 0);
    check_port(ace("permit tcp any any eq 65535").dport, Op::kEq, 65535);
    check_port(ace("permit tcp any any lt 1").dport, Op::kLt, 1);
    check_port(ace("permit tcp any any lt 65535").dport, Op::kLt, 65535);
    check_port(ace("permit tcp any any gt 0").dport, Op::kGt, 0);
    check_port(ace("permit tcp any any gt 65534").dport, Op::kGt, 65534);
    check_port(ace("permit tcp any any neq 0").dport, Op::kNeq, 0);
    check_port(ace("permit tcp any any range 0 65535").dport, Op::kRange, 0, 65535);
}

TEST_CASE("ace: named ports", "[config][acl]") {
    const std::pair<const char*, uint16_t> names[] = {
        {"www", 80},    {"http", 80},   {"https", 443}, {"domain", 53}, {"ftp", 21},
        {"ssh", 22},    {"telnet", 23}, {"smtp", 25},   {"pop3", 110},  {"ntp", 123},
        {"bootps", 67}, {"bootpc", 68}, {"tftp", 69},   {"snmp", 161},
    };
    for (auto [name, port] : names) {
        INFO(name);
        check_port(ace(std::string("permit tcp any any eq ") + name).dport, Op::kEq, port);
        check_port(ace(std::string("permit udp any eq ") + name + " any").sport, Op::kEq, port);
    }
    check_port(ace("permit tcp any any range ftp www").dport, Op::kRange, 21, 80);
}

TEST_CASE("ace: keywords are case-insensitive; any whitespace separates", "[config][acl]") {
    AceConfig a = ace("PERMIT Tcp HOST 192.0.2.1 Eq WWW 198.51.100.0 0.0.0.255 RANGE Ftp 22");
    CHECK(a.permit);
    CHECK(a.proto == 6);
    CHECK(addr(a.src) == "192.0.2.1/32");
    check_port(a.sport, Op::kEq, 80);
    CHECK(addr(a.dst) == "198.51.100.0/24");
    check_port(a.dport, Op::kRange, 21, 22);
    CHECK_FALSE(ace("Deny ICMP Any ANY").permit);
    a = ace("  deny\tudp  any\t\tany   eq 53 ");
    CHECK(a.proto == 17);
    check_port(a.dport, Op::kEq, 53);
    CHECK(a.text == "  deny\tudp  any\t\tany   eq 53 ");
}

TEST_CASE("ace: the origin is the caller's", "[config][acl]") {
    AceConfig a;
    a.origin = Origin{"x.conf", 7};
    std::string why;
    REQUIRE(parse_ace("permit ip any any", a, why) == 0);
    CHECK(a.origin.file == "x.conf");
    CHECK(a.origin.line == 7);
}

// ---------------------------------------------------------------- parse_ace: errors

TEST_CASE("ace: errors in the action and the protocol", "[config][acl]") {
    refused("", "empty entry; expected permit|deny PROTOCOL SOURCE [PORTS] DESTINATION [PORTS]");
    refused(" \t ", "empty entry");
    refused("allow ip any any", "\"allow\" is not permit or deny");
    refused("permit",
            "missing protocol after permit; expected ip, tcp, udp, icmp or a number "
            "0..255");
    refused("deny", "missing protocol after deny");
    refused("permit gre any any",
            "\"gre\" is not a protocol; expected ip, tcp, udp, icmp or a number 0..255");
    refused("permit 256 any any", "protocol 256 is out of range 0..255");
    refused("permit 99999999999 any any", "protocol 99999999999 is out of range 0..255");
    refused("permit -1 any any", "\"-1\" is not a protocol");
}

TEST_CASE("ace: errors in addresses", "[config][acl]") {
    refused("permit ip",
            "missing source address; expected any, host A.B.C.D, A.B.C.D WILDCARD or A.B.C.D/len");
    refused("permit ip any", "missing destination address");
    refused("permit ip host", "host needs an address (the source A.B.C.D)");
    refused("permit ip any host", "host needs an address (the destination A.B.C.D)");
    refused("permit ip host 10.1.1 any", "\"10.1.1\" after host is not an IPv4 address (A.B.C.D)");
    refused("permit ip host any any", "\"any\" after host is not an IPv4 address");
    refused("permit ip foo any",
            "\"foo\" is not a source address; expected any, host A.B.C.D, A.B.C.D WILDCARD or "
            "A.B.C.D/len");
    refused("permit ip any 300.1.1.1 0.0.0.255", "\"300.1.1.1\" is not a destination address");
    refused("permit ip 10.0.0.0",
            "source address 10.0.0.0 needs a wildcard (e.g. 10.0.0.0 0.0.0.255); for one address "
            "write host 10.0.0.0");
    refused("permit ip 10.0.0.0 any",
            "\"any\" is not a wildcard (A.B.C.D, e.g. 0.0.0.255) for source address 10.0.0.0");
    refused("permit ip any 10.0.0.0 0.0.0.256", "\"0.0.0.256\" is not a wildcard");
    refused("permit ip 10.0.0.0/33 any", "\"10.0.0.0/33\" is not an IPv4 prefix (A.B.C.D/len)");
    refused("permit ip any 10.0.0.0/", "\"10.0.0.0/\" is not an IPv4 prefix");
}

TEST_CASE("ace: non-contiguous wildcards are not supported", "[config][acl]") {
    refused("permit ip 10.0.0.0 0.255.0.255 any",
            "non-contiguous wildcard 0.255.0.255 is not supported (a wildcard must be the inverse "
            "of a prefix mask, e.g. 0.0.0.255)");
    refused("permit ip any 10.0.0.0 0.0.0.254", "non-contiguous wildcard 0.0.0.254");
    // A subnet mask written where IOS wants a wildcard.
    refused("permit ip 192.0.2.0 255.255.255.0 any",
            "non-contiguous wildcard 255.255.255.0 is not supported (a wildcard must be the "
            "inverse of a prefix mask, e.g. 0.0.0.255); 255.255.255.0 looks like a subnet mask, "
            "whose wildcard is 0.0.0.255");
}

TEST_CASE("ace: port operators only after tcp or udp addresses", "[config][acl]") {
    refused("permit ip any any eq 80",
            "port operator \"eq\" needs protocol tcp or udp; this entry is for every protocol "
            "(ip)");
    refused("permit 0 any eq 80 any", "this entry is for every protocol (ip)");
    refused("permit icmp any any range 1 2",
            "port operator \"range\" needs protocol tcp or udp; this entry is for protocol icmp");
    refused("permit 47 any lt 5 any",
            "port operator \"lt\" needs protocol tcp or udp; this entry "
            "is for protocol 47");
    refused("permit ip any NEQ 1 any", "port operator \"NEQ\" needs protocol tcp or udp");
    refused("permit icmp any any GT 1", "port operator \"GT\"");
}

TEST_CASE("ace: errors in ports", "[config][acl]") {
    refused("permit tcp any any eq",
            "eq needs a destination port (a number 0..65535 or a name such as www)");
    refused("permit tcp any lt", "lt needs a source port");
    refused("permit tcp any any eq 65536", "port 65536 is out of range 0..65535");
    refused("permit tcp any any eq 123456789012", "port 123456789012 is out of range 0..65535");
    refused(
        "permit tcp any any eq wwww",
        "\"wwww\" is not a port; expected a number 0..65535 or one of www, http, https, domain, "
        "ftp, ssh, telnet, smtp, pop3, ntp, bootps, bootpc, tftp, snmp");
    refused("permit tcp any any eq -1", "\"-1\" is not a port");
    refused("permit tcp any any lt 0", "lt 0 matches no port");
    refused("permit tcp any any gt 65535", "gt 65535 matches no port");
    refused("permit udp any range 90 80 any",
            "range 90 80 is empty: the first port must not be greater than the last");
    refused("permit tcp any any range www ftp", "range 80 21 is empty");
    refused("permit tcp any any range", "range needs two destination ports (range FIRST LAST)");
    refused("permit tcp any any range 80", "range 80 needs a last destination port");
    refused("permit tcp any any range 80 x", "\"x\" is not a port");
    refused("permit tcp any any range 70000 80", "port 70000 is out of range 0..65535");
}

TEST_CASE("ace: anything after the destination is refused by name", "[config][acl]") {
    refused("permit tcp any any eq 80 log",
            "unexpected \"log\" after the destination; an entry ends there (IOS options such as "
            "log or established are not supported)");
    refused("permit tcp any any established", "unexpected \"established\" after the destination");
    refused("permit ip any any any", "unexpected \"any\"");
    refused("permit tcp any any eq 80 eq 81", "unexpected \"eq\"");
    refused("permit icmp any any echo", "unexpected \"echo\"");
    refused("permit tcp any eq 80 eq 81 any", "\"eq\" is not a destination address");
}

TEST_CASE("ace: tokens in messages are escaped and cut", "[config][acl]") {
    refused(std::string_view("permit \x01\"x any any", 17), "\"\\x01\\x22x\" is not a protocol");
    refused("permit ip any any " + std::string(60, 'z'),
            "unexpected \"" + std::string(40, 'z') + "...\"");
}

// ---------------------------------------------------------------- the acls group

TEST_CASE("every acls value of a full config is parsed", "[config][acl]") {
    const fs::path file = data_dir() / "good/hotline.conf";
    Result r = load_file(file);
    expect_ok(r);
    const std::vector<AclConfig>& a = r.cfg.acls;
    REQUIRE(a.size() == 5);
    CHECK(a[0].name == "web");
    CHECK(a[0].origin.file == file.string());
    CHECK(a[0].origin.line == 9);
    REQUIRE(a[0].entries.size() == 2);
    CHECK(a[0].entries[0].text == "permit tcp any any eq www");
    CHECK(a[0].entries[0].origin.file == file.string());
    CHECK(a[0].entries[0].origin.line == 10);
    check_port(a[0].entries[0].dport, Op::kEq, 80);
    const AceConfig& e = a[0].entries[1];
    CHECK(e.text == "Permit TCP 10.10.0.0 0.0.255.255 Any EQ 443");
    CHECK(e.origin.line == 11);
    CHECK(e.permit);
    CHECK(e.proto == 6);
    CHECK(addr(e.src) == "10.10.0.0/16");
    check_port(e.dport, Op::kEq, 443);
    CHECK(a[1].name == "portal");
    REQUIRE(a[1].entries.size() == 1);
    CHECK(addr(a[1].entries[0].dst) == "203.0.113.80/32");
    check_port(a[1].entries[0].dport, Op::kRange, 80, 81);
    CHECK(a[2].name == "all");
    REQUIRE(a[2].entries.size() == 2);
    CHECK_FALSE(a[2].entries[0].permit);
    check_port(a[2].entries[0].sport, Op::kEq, 68);
    CHECK(a[2].entries[1].proto == 0);
    CHECK(a[3].name == "dns");
    CHECK(addr(a[3].entries[0].src) == "10.10.0.0/16");  // masked
    CHECK(a[3].entries[0].text == "permit udp 10.10.0.77/16 any eq domain");
    CHECK(a[4].name == "101");  // an IOS number is a name too
    CHECK(a[4].entries[0].proto == 47);
    CHECK(a[4].origin.line == 15);
}

TEST_CASE("acls: no group, an empty list, entries in order", "[config][acl]") {
    expect_ok(load_text(kPort));
    Result r = acls("");
    expect_ok(r);
    CHECK(r.cfg.acls.empty());
    r = acls(R"({ name = "a"; entries = [ "deny tcp any any eq 23",
  "permit ip any any" ]; })");
    expect_ok(r);
    REQUIRE(r.cfg.acls.size() == 1);
    REQUIRE(r.cfg.acls[0].entries.size() == 2);
    CHECK_FALSE(r.cfg.acls[0].entries[0].permit);
    CHECK(r.cfg.acls[0].entries[0].origin.line == 3);
    CHECK(r.cfg.acls[0].entries[1].permit);
    CHECK(r.cfg.acls[0].entries[1].origin.line == 4);
}

TEST_CASE("acls: an entry's error is at its own line, with its key", "[config][acl]") {
    expect_one(entries("\"permit tcp any any eq wwww\""), 4, "acls.[0].entries.[0]",
               "\"wwww\" is not a port");
    Result r = acls(R"({ name = "web";
  entries = (
    "permit tcp any any eq 80",
    "permit tcp any any eq 8o",
    "deny ip any any log" ); },
{ name = "b"; entries = ( "permit ip 10.0.0.0 0.0.255.0 any" ); })");
    INFO(all(r.errors));
    CHECK(r.rc == -EINVAL);
    REQUIRE(r.errors.size() == 3);
    check_error(r.errors[0], "inline.conf", 6, "acls.[0].entries.[1]", "\"8o\" is not a port");
    check_error(r.errors[1], "inline.conf", 7, "acls.[0].entries.[2]", "unexpected \"log\"");
    check_error(r.errors[2], "inline.conf", 8, "acls.[1].entries.[0]",
                "non-contiguous wildcard 0.0.255.0");
}

TEST_CASE("acls: an entry's line is its own, whatever follows it", "[config][acl]") {
    // libconfig itself reports a string element at the line of the token
    // after it (here the closing parenthesis); the loader finds the entry.
    Result r = acls(R"({ name = "web";
  entries = (
    "permit tcp any any eq 80",  # a comment with "quotes", ( and )
    /* a block
       comment */ "permit tcp any any eq 8o",
    "deny ip any any "
      "log"  // joined to the line above, as libconfig does
  ); },
{ name = "b"; entries = [
  "permit ip any any",
  "permit ip 10.0.0.0 0.0.255.0 any"

]; })");
    INFO(all(r.errors));
    CHECK(r.rc == -EINVAL);
    REQUIRE(r.errors.size() == 3);
    check_error(r.errors[0], "inline.conf", 7, "acls.[0].entries.[1]", "\"8o\" is not a port");
    check_error(r.errors[1], "inline.conf", 8, "acls.[0].entries.[2]", "unexpected \"log\"");
    check_error(r.errors[2], "inline.conf", 13, "acls.[1].entries.[1]",
                "non-contiguous wildcard 0.0.255.0");
    Result ok = acls(R"({ name = "web";
  entries = (
    "permit tcp any any eq 80",
    "deny ip any any"
  ); })");
    expect_ok(ok);
    REQUIRE(ok.cfg.acls[0].entries.size() == 2);
    CHECK(ok.cfg.acls[0].entries[0].origin.line == 5);
    CHECK(ok.cfg.acls[0].entries[1].origin.line == 6);
}

TEST_CASE("acls: errors in an included file name that file and line", "[config][acl]") {
    TempDir dir;
    dir.write("acl-web.conf", R"(# the web ACL
{ name = "web";
  entries = (
    "permit tcp any any eq 80",
    "permit tcp any any eq 443 log"
  ); }
)");
    fs::path top = dir.write("top.conf", std::string(kPort) + R"(
acls = (
@include "acl-web.conf"
);
)");
    Result r = load_file(top);
    INFO(all(r.errors));
    CHECK(r.rc == -EINVAL);
    REQUIRE(r.errors.size() == 1);
    check_error(r.errors[0], shown(dir.path / "acl-web.conf"), 5, "acls.[0].entries.[1]",
                "unexpected \"log\"");
}

TEST_CASE("acls: every error message of parse_ace reaches the operator", "[config][acl]") {
    // One of each error of parse_ace.
    const char* bad[] = {
        "",
        "allow ip any any",
        "permit",
        "permit gre any any",
        "permit 256 any any",
        "permit ip",
        "permit ip host",
        "permit ip host 10.1.1 any",
        "permit ip 10.0.0.0/33 any",
        "permit ip foo any",
        "permit ip 10.0.0.0",
        "permit ip 10.0.0.0 any",
        "permit ip 10.0.0.0 0.255.0.255 any",
        "permit ip 192.0.2.0 255.255.255.0 any",
        "permit ip any any eq 80",
        "permit tcp any any eq",
        "permit tcp any any eq 65536",
        "permit tcp any any eq wwww",
        "permit tcp any any lt 0",
        "permit tcp any any gt 65535",
        "permit tcp any any range 2 1",
        "permit tcp any any range",
        "permit tcp any any range 80",
        "permit tcp any any established",
    };
    for (const char* text : bad) {
        INFO(text);
        std::string why = refused(text);
        expect_one(entries(std::string("\"") + text + "\""), 4, "acls.[0].entries.[0]", why);
    }
}

TEST_CASE("acls: names are [A-Za-z0-9_-]{1,32} and unique", "[config][acl]") {
    for (const char* bad : {"", "web acl", "web.acl", "123456789012345678901234567890123"}) {
        INFO(bad);
        expect_one(acls(std::string("{ entries = ( \"permit ip any any\" );\n  name = \"") + bad +
                        "\"; }"),
                   4, "acls.[0].name", "is not an ACL name ([A-Za-z0-9_-], 1 to 32 characters)");
    }
    expect_ok(
        acls(R"({ name = "abcdefghijklmnopqrstuvwxyz_-0123"; entries = ( "deny ip any any" ); },
{ name = "199"; entries = ( "deny ip any any" ); })"));
    expect_one(acls(R"({ name = "web"; entries = ( "permit ip any any" ); },
{ entries = ( "deny ip any any" );
  name = "web"; })"),
               5, "acls.[1].name", "ACL name \"web\" is already used by acls.[0] (inline.conf:3)");
    expect_one(acls(R"({ entries = ( "permit ip any any" ); })"), 3, "acls.[0].name",
               "required key is missing");
}

TEST_CASE("acls: 1 to 1024 entries, each a string", "[config][acl]") {
    expect_one(entries(""), 4, "acls.[0].entries", "an ACL needs at least one entry");
    expect_one(acls("{ name = \"a\"; }"), 3, "acls.[0].entries",
               "required key is missing; an ACL needs at least one entry");
    expect_one(acls("{ name = \"a\";\n  entries = \"permit ip any any\"; }"), 4, "acls.[0].entries",
               "expected a list ( ... ), got a string");
    expect_one(entries("\"permit ip any any\", 5"), 4, "acls.[0].entries.[1]",
               "expected a string, got an integer");
    auto many = [](int n) {
        std::string s;
        for (int i = 0; i < n; ++i)
            s += (i ? ", " : "") + std::string("\"deny tcp any any eq ") + std::to_string(i) + "\"";
        return entries(s);
    };
    Result ok = many(1024);
    expect_ok(ok);
    CHECK(ok.cfg.acls[0].entries.size() == 1024);
    CHECK(ok.cfg.acls[0].entries[1023].dport.lo == 1023);
    expect_one(many(1025), 4, "acls.[0].entries", "1025 entries; at most 1024 per ACL");
}

TEST_CASE("acls: at most 1024 ACLs", "[config][acl]") {
    auto many = [](int n) {
        std::string s;
        for (int i = 0; i < n; ++i)
            s += (i ? ",\n" : "") + std::string("{ name = \"a") + std::to_string(i) +
                 "\"; entries = ( \"permit ip any any\" ); }";
        return acls(s);
    };
    expect_ok(many(1024));
    expect_one(many(1025), 2, "acls", "1025 ACLs; at most 1024 are supported");
}

TEST_CASE("acls: keys and types", "[config][acl]") {
    expect_one(acls("{ name = \"a\"; entries = ( \"permit ip any any\" );\n  entris = 1; }"), 4,
               "acls.[0].entris", "unknown key \"entris\" (did you mean \"entries\"?)");
    expect_one(acls("{ name = \"a\"; entries = ( \"permit ip any any\" );\n  log = true; }"), 4,
               "acls.[0].log", "unknown key \"log\"; expected one of: name, entries");
    expect_one(load_text(std::string(kPort) + "\nacls = { };"), 2, "acls",
               "expected a list ( ... ), got a group { }");
    expect_one(acls("\"permit ip any any\""), 3, "acls.[0]",
               "expected a group { ... }, got a string");
    expect_one(load_text(std::string(kPort) + "\nacl = ( );"), 2, "acl",
               "unknown group \"acl\" (did you mean \"acls\"?)");
}
