// SPDX-License-Identifier: BSD-3-Clause
#include <fmt/format.h>

#include <cerrno>
#include <cstdlib>

#include "options.hpp"

namespace haslb::cluster_agent {

namespace {

bool number(const std::string& s, uint64_t lo, uint64_t hi, uint32_t& out) {
    if (s.empty() || s.size() > 10) return false;
    for (char c : s)
        if (c < '0' || c > '9') return false;
    const uint64_t v = std::strtoull(s.c_str(), nullptr, 10);
    if (v < lo || v > hi) return false;
    out = uint32_t(v);
    return true;
}

}  // namespace

std::string usage() {
    return "usage: haslb-cluster-agent --primary ADDR --gateway ADDR [--port N] [--bind ADDR]\n"
           "                           [--hello MS] [--update MS] [--max-session N]\n"
           "                           [--swanctl CMD | --load-file FILE | --command CMD]\n"
           "                           [--command-timeout MS] [--once]\n"
           "       haslb-cluster-agent --help | --version\n"
           "Reports this IKEv2 gateway's load to haslb's cluster listener (TCP).\n"
           "  --primary ADDR       haslb's address for load reports, IPv4 or IPv6 "
           "(cluster.listen)\n"
           "  --port N             haslb's cluster.port (default 2000)\n"
           "  --gateway ADDR       this gateway's identity, IPv4 or IPv6: a cluster member\n"
           "  --bind ADDR          local address to connect from (the primary's family)\n"
           "  --hello MS           HELLO interval (default 5000)\n"
           "  --update MS          UPDATE interval (default 6000)\n"
           "  --max-session N      the gateway's own max-session (informational)\n"
           "  --swanctl CMD        SAs from strongSwan over VICI (default \"swanctl --list-sas\")\n"
           "  --load-file FILE     `key value` lines: ike_sas, ike_in_neg, ipsec_sas, cpu, mem\n"
           "  --command CMD        a command printing the same lines\n"
           "  --command-timeout MS deadline for a command (default 2000)\n"
           "  --once               one HELLO and UPDATE, wait for haslb's ACK, exit\n"
           "CPU and memory come from /proc unless the file or command gives them.\n";
}

int parse_args(int argc, char** argv, Options& o, std::string& err) {
    bool have_primary = false;
    for (int i = 1; i < argc; i++) {
        std::string a = argv[i], v;
        const size_t eq = a.find('=');
        const bool flag = a == "--once" || a == "--help" || a == "-h" || a == "--version";
        if (!flag) {
            if (eq != std::string::npos) {
                v = a.substr(eq + 1);
                a = a.substr(0, eq);
            } else if (i + 1 < argc) {
                v = argv[++i];
            } else {
                err = fmt::format("{} needs a value", a);
                return -EINVAL;
            }
        }
        auto bad = [&](const char* what) {
            err = fmt::format("{} \"{}\": {}", a, v, what);
            return -EINVAL;
        };
        if (a == "--help" || a == "-h") {
            fmt::print("{}", usage());
            return 1;
        } else if (a == "--version") {
            fmt::print("haslb-cluster-agent {}\n", HASLB_VERSION);
            return 1;
        } else if (a == "--once") {
            o.once = true;
        } else if (a == "--primary") {
            if (config::parse_ip(v, o.primary) != 0) return bad("not an IPv4 or IPv6 address");
            have_primary = true;
        } else if (a == "--gateway") {
            if (config::parse_ip(v, o.gateway) != 0) return bad("not an IPv4 or IPv6 address");
        } else if (a == "--bind") {
            if (config::parse_ip(v, o.bind) != 0) return bad("not an IPv4 or IPv6 address");
        } else if (a == "--port") {
            uint32_t port = 0;
            if (!number(v, 1, 65535, port)) return bad("not a port 1..65535");
            o.port = uint16_t(port);
        } else if (a == "--hello") {
            if (!number(v, 100, 3600000, o.hello_ms)) return bad("not 100..3600000 ms");
        } else if (a == "--update") {
            if (!number(v, 100, 3600000, o.update_ms)) return bad("not 100..3600000 ms");
        } else if (a == "--max-session") {
            if (!number(v, 0, 1000000, o.max_session)) return bad("not 0..1000000");
        } else if (a == "--command-timeout") {
            if (!number(v, 10, 600000, o.command_timeout_ms)) return bad("not 10..600000 ms");
        } else if (a == "--swanctl") {
            o.source = Source::kSwanctl;
            o.swanctl = v;
        } else if (a == "--load-file") {
            o.source = Source::kFile;
            o.file = v;
        } else if (a == "--command") {
            o.source = Source::kCommand;
            o.command = v;
        } else {
            err = fmt::format("unknown option \"{}\"", a);
            return -EINVAL;
        }
    }
    if (!have_primary || !o.gateway.family) {
        err = "--primary and --gateway are required";
        return -EINVAL;
    }
    if (o.bind.family && o.bind.family != o.primary.family) {
        err = fmt::format("--bind {} and --primary {} are not of the same family",
                          config::format_ip(o.bind), config::format_ip(o.primary));
        return -EINVAL;
    }
    return 0;
}

}  // namespace haslb::cluster_agent
