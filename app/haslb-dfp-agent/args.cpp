// SPDX-License-Identifier: BSD-3-Clause
// Command line parsing for haslb-dfp-agent. Every error names the option and
// the accepted values, because the operator sees only this one line (exit 2).
#include <arpa/inet.h>

#include <fmt/format.h>

#include <cctype>
#include <cerrno>
#include <charconv>
#include <fstream>
#include <optional>
#include <string_view>

#include "options.hpp"

namespace haslb::dfp_agent {

namespace {

// Decimal digits only: "from_chars" alone would take "-1" or "+5" for some
// types, and " 5" from strtoul; a typo must not become a number.
bool parse_u64(std::string_view s, uint64_t& out) {
    if (s.empty() || s.size() > 20) return false;
    for (char c : s)
        if (c < '0' || c > '9') return false;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && p == s.data() + s.size();
}

bool parse_ipv4(const std::string& s, uint32_t& out) {
    in_addr a{};
    if (inet_pton(AF_INET, s.c_str(), &a) != 1) return false;
    out = ntohl(a.s_addr);
    return true;
}

bool parse_protocol(std::string v, uint8_t& out) {
    for (char& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (v == "udp") {
        out = 17;
    } else if (v == "tcp") {
        out = 6;
    } else if (v == "any") {
        out = 0;
    } else {
        uint64_t n = 0;
        if (!parse_u64(v, n) || n > 255) return false;
        out = static_cast<uint8_t>(n);
    }
    return true;
}

// The first line of the file, without its line end. A password on the
// command line is visible to every local user in /proc/PID/cmdline.
int read_password_file(const std::string& path, std::string& out, std::string& err) {
    std::ifstream f(path);
    if (!f) {
        err = fmt::format("--password-file: cannot read '{}'", path);
        return -EINVAL;
    }
    std::string line;
    std::getline(f, line);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    out = line;
    return 0;
}

}  // namespace

std::string addr_str(uint32_t host_order) {
    return fmt::format("{}.{}.{}.{}", host_order >> 24, (host_order >> 16) & 0xff,
                       (host_order >> 8) & 0xff, host_order & 0xff);
}

std::string protocol_str(uint8_t protocol) {
    switch (protocol) {
        case 0:
            return "any";
        case 6:
            return "tcp";
        case 17:
            return "udp";
        default:
            return fmt::format("proto-{}", protocol);
    }
}

const char* mode_name(Mode m) {
    switch (m) {
        case Mode::kFormula:
            return "formula";
        case Mode::kStatic:
            return "static";
        case Mode::kCommand:
            return "command";
    }
    return "?";
}

int parse_args(const std::vector<std::string>& args, Options& out, std::string& err) {
    Options o;
    std::string mode_opt;      // the option that chose a non-formula mode
    std::string formula_opt;   // the first formula-only option seen
    std::string password_opt;  // --password or --password-file
    for (size_t i = 0; i < args.size(); i++) {
        std::string name = args[i];
        std::optional<std::string> inline_value;
        if (name.size() > 2 && name.compare(0, 2, "--") == 0) {
            size_t eq = name.find('=');
            if (eq != std::string::npos) {
                inline_value = name.substr(eq + 1);
                name.resize(eq);
            }
        }
        auto value = [&](std::string& v) {
            if (inline_value) {
                v = *inline_value;
                return true;
            }
            if (i + 1 >= args.size()) {
                err = fmt::format("{} needs a value", name);
                return false;
            }
            v = args[++i];
            return true;
        };
        auto number = [&](uint64_t lo, uint64_t hi, uint64_t& n) {
            std::string v;
            if (!value(v)) return false;
            if (!parse_u64(v, n) || n < lo || n > hi) {
                err = fmt::format("{}: '{}' is not a whole number in {}..{}", name, v, lo, hi);
                return false;
            }
            return true;
        };
        auto flag = [&](bool& f) {
            if (inline_value) {
                err = fmt::format("{} takes no value", name);
                return false;
            }
            f = true;
            return true;
        };
        auto choose_mode = [&](Mode m) {
            if (!mode_opt.empty() && mode_opt != name) {
                err = fmt::format("{} and {} are two weight modes; give only one", mode_opt, name);
                return false;
            }
            mode_opt = name;
            o.mode = m;
            return true;
        };
        auto formula_only = [&]() {
            if (formula_opt.empty()) formula_opt = name;
        };
        auto pick_password = [&]() {
            if (!password_opt.empty() && password_opt != name) {
                err = fmt::format("{} and {} both give the password; give only one", password_opt,
                                  name);
                return false;
            }
            password_opt = name;
            return true;
        };

        uint64_t n = 0;
        std::string v;
        bool ok = true;
        if (name == "-h" || name == "--help") {
            o.help = true;
            out = o;
            return 0;
        } else if (name == "-V" || name == "--version") {
            o.version = true;
            out = o;
            return 0;
        } else if (name == "--port") {
            ok = number(1, 65535, n);
            o.port = static_cast<uint16_t>(n);
        } else if (name == "--bind") {
            ok = value(v);
            if (ok && !parse_ipv4(v, o.bind_addr)) {
                err = fmt::format("--bind: '{}' is not an IPv4 address", v);
                ok = false;
            }
        } else if (name == "--host") {
            ok = value(v);
            if (ok && !parse_ipv4(v, o.host_addr)) {
                err = fmt::format("--host: '{}' is not an IPv4 address", v);
                ok = false;
            }
            o.has_host = ok;
        } else if (name == "--protocol") {
            ok = value(v);
            if (ok && !parse_protocol(v, o.protocol)) {
                err = fmt::format("--protocol: '{}' is not udp, tcp, any or a number 0..255", v);
                ok = false;
            }
        } else if (name == "--service-port") {
            ok = number(0, 65535, n);
            o.service_port = static_cast<uint16_t>(n);
        } else if (name == "--bind-id") {
            ok = number(0, 65535, n);
            o.bind_id = static_cast<uint16_t>(n);
        } else if (name == "--interval") {
            ok = number(1, kMaxIntervalS, n);
            o.interval_s = static_cast<uint32_t>(n);
        } else if (name == "--password") {
            ok = pick_password() && value(o.password);
        } else if (name == "--password-file") {
            ok = pick_password() && value(v) && read_password_file(v, o.password, err) == 0;
        } else if (name == "--key-id") {
            ok = number(0, UINT32_MAX, n);
            o.key_id = static_cast<uint32_t>(n);
        } else if (name == "--static") {
            ok = choose_mode(Mode::kStatic) && number(0, 65535, n);
            o.static_weight = static_cast<uint16_t>(n);
        } else if (name == "--command") {
            ok = choose_mode(Mode::kCommand) && value(o.command);
            if (ok && o.command.empty()) {
                err = "--command: the command is empty";
                ok = false;
            }
        } else if (name == "--command-timeout") {
            ok = number(1, 60, n);
            o.command_timeout_s = static_cast<uint32_t>(n);
        } else if (name == "--max-weight") {
            formula_only();
            ok = number(0, 65535, n);
            o.max_weight = static_cast<uint32_t>(n);
        } else if (name == "--max-bindings") {
            // 0 would make every report 0: a typo, not a way to drain (use --static 0).
            formula_only();
            ok = number(1, UINT32_MAX, n);
            o.max_bindings = n;
        } else if (name == "--available-cps") {
            formula_only();
            ok = number(1, UINT32_MAX, n);
            o.available_cps = n;
        } else if (name == "--stats-file") {
            formula_only();
            ok = value(o.stats_file);
            if (ok && o.stats_file.empty()) {
                err = "--stats-file: the file name is empty";
                ok = false;
            }
        } else if (name == "--stats-command") {
            formula_only();
            ok = value(o.stats_command);
            if (ok && o.stats_command.empty()) {
                err = "--stats-command: the command is empty";
                ok = false;
            }
        } else if (name == "--once") {
            ok = flag(o.once);
        } else if (name.size() > 1 && name[0] == '-') {
            err = fmt::format("unknown option '{}' (see --help)", name);
            ok = false;
        } else {
            err = fmt::format("unexpected argument '{}' (see --help)", name);
            ok = false;
        }
        if (!ok) return -EINVAL;
    }

    if (o.mode != Mode::kFormula && !formula_opt.empty()) {
        err = fmt::format("{} is for the formula weight mode; it cannot go with {}", formula_opt,
                          mode_opt);
        return -EINVAL;
    }
    if (!o.stats_file.empty() && !o.stats_command.empty()) {
        err = "--stats-file and --stats-command both give the statistics; give only one";
        return -EINVAL;
    }
    if (!password_opt.empty() && (o.password.empty() || o.password.size() > kMaxPassword)) {
        err = fmt::format("{}: the password must be 1..{} characters (it has {})", password_opt,
                          kMaxPassword, o.password.size());
        return -EINVAL;
    }
    out = o;
    return 0;
}

std::string usage() {
    return "usage: haslb-dfp-agent [options] [--static N | --command CMD | formula options]\n"
           "Reports this Home Agent's weight to haslb's DFP manager (Cisco DFP, TCP).\n"
           "\n"
           "Connection:\n"
           "  --port N             TCP port to listen on (default 500)\n"
           "  --bind ADDR          local IPv4 address to listen on (default 0.0.0.0)\n"
           "  --host ADDR          real server address to report (default: the local address\n"
           "                       of the manager's connection)\n"
           "  --protocol P         udp, tcp, any or 0..255 (default udp)\n"
           "  --service-port N     service port to report, 0 = any (default 434)\n"
           "  --bind-id N          BindID to report (default 65535)\n"
           "  --interval S         keep-alive interval 1..60 s unless the manager sets one\n"
           "                       (default 10); a report goes out every 3/4 of it\n"
           "  --password P         MD5 Security TLV password, 1..64 characters (default none)\n"
           "  --password-file F    read the password from the first line of F\n"
           "  --key-id N           Security TLV key ID (default 0)\n"
           "\n"
           "Weight (one mode; default formula):\n"
           "  --static N           always report N (0..65535)\n"
           "  --command CMD        /bin/sh -c CMD once a second; its exit status is the weight\n"
           "  --command-timeout S  kill CMD or the stats command after S seconds (default 2)\n"
           "  --max-weight N       formula: the HA's dfp-max-weight (default 100)\n"
           "  --max-bindings N     formula: bindings the HA can hold (default 1000)\n"
           "  --available-cps N    formula: registrations per second it can take (default 100)\n"
           "  --stats-file F       formula: file with lines 'bindings N' and 'cps N'\n"
           "  --stats-command CMD  formula: command that prints those lines\n"
           "\n"
           "  --once               print 'weight N' and exit\n"
           "  -h, --help           this text\n"
           "  -V, --version        print the version\n"
           "\n"
           "Exit status: 0 stopped by SIGTERM/SIGINT (or --once), 1 cannot listen, 2 bad "
           "options.\n";
}

}  // namespace haslb::dfp_agent
