// SPDX-License-Identifier: BSD-3-Clause
#include "sources.hpp"

#include <fmt/format.h>

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

namespace haslb::cluster_agent {

namespace {

std::string trim(const std::string& s) {
    size_t a = 0, b = s.size();
    while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) a++;
    while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) b--;
    return s.substr(a, b - a);
}

}  // namespace

ikev2::LoadReport parse_swanctl(const std::string& text) {
    // IKE SA:   "gw: #3, ESTABLISHED, IKEv2, 5f2e...i 8c1d...r"   (column 0)
    // CHILD SA: "  gw: #2, reqid 1, INSTALLED, TUNNEL-in-UDP, ESP:..." (indented)
    ikev2::LoadReport r;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        const size_t hash = line.find(": #");
        if (hash == std::string::npos) continue;
        std::vector<std::string> f;
        std::istringstream fields(line.substr(hash + 2));
        for (std::string x; std::getline(fields, x, ',');) f.push_back(trim(x));
        if (f.size() < 2) continue;
        const bool indented = !line.empty() && std::isspace(static_cast<unsigned char>(line[0]));
        if (!indented) {
            const std::string& st = f[1];
            if (st == "ESTABLISHED" || st == "REKEYING" || st == "REKEYED")
                r.ike_sas++;
            else if (st == "CREATED" || st == "CONNECTING")
                r.ike_in_neg++;
        } else if (f.size() >= 3 && f[1].rfind("reqid", 0) == 0 && f[2] == "INSTALLED") {
            r.ipsec_sas++;
        }
    }
    return r;
}

bool parse_load_text(const std::string& text, TextLoad& out, std::string& err) {
    out = TextLoad{};
    std::istringstream in(text);
    int n = 0;
    for (std::string line; std::getline(in, line);) {
        n++;
        line = trim(line.substr(0, line.find('#')));
        if (line.empty()) continue;
        size_t sep = line.find_first_of("=: \t");
        if (sep == std::string::npos) {
            err = fmt::format("line {}: \"{}\" is not `key value`", n, line);
            return false;
        }
        const std::string key = trim(line.substr(0, sep));
        const std::string val = trim(line.substr(sep + 1));
        char* end = nullptr;
        const double v = std::strtod(val.c_str(), &end);
        if (val.empty() || *end || v < 0) {
            err = fmt::format("line {}: {}: \"{}\" is not a number >= 0", n, key, val);
            return false;
        }
        if (key == "ike_sas") {
            out.r.ike_sas = uint32_t(v);
        } else if (key == "ike_in_neg") {
            out.r.ike_in_neg = uint32_t(v);
        } else if (key == "ipsec_sas") {
            out.r.ipsec_sas = uint32_t(v);
        } else if (key == "cpu" || key == "mem") {
            if (v > 100) {
                err = fmt::format("line {}: {} {} is above 100 %", n, key, val);
                return false;
            }
            const auto pm = uint16_t(v * 10 + 0.5);
            if (key == "cpu") {
                out.r.cpu_pm = pm;
                out.has_cpu = true;
            } else {
                out.r.mem_pm = pm;
                out.has_mem = true;
            }
        } else {
            err = fmt::format(
                "line {}: unknown key \"{}\" (ike_sas, ike_in_neg, ipsec_sas, cpu, mem)", n, key);
            return false;
        }
    }
    return true;
}

uint16_t HostLoad::cpu_pm() {
    std::ifstream f("/proc/stat");
    std::string cpu;
    uint64_t v[10] = {};
    f >> cpu;
    for (auto& x : v) f >> x;
    if (!f || cpu != "cpu") return 0;
    // user nice system idle iowait irq softirq steal: idle + iowait are not busy.
    const uint64_t total = v[0] + v[1] + v[2] + v[3] + v[4] + v[5] + v[6] + v[7];
    const uint64_t busy = total - v[3] - v[4];
    const uint64_t dt = total - total_, db = busy - busy_;
    total_ = total;
    busy_ = busy;
    return dt ? uint16_t(db * 1000 / dt) : 0;
}

uint16_t HostLoad::mem_pm() {
    std::ifstream f("/proc/meminfo");
    uint64_t total = 0, avail = 0;
    for (std::string key; f >> key;) {
        uint64_t kb = 0;
        f >> kb;
        if (key == "MemTotal:") total = kb;
        if (key == "MemAvailable:") avail = kb;
        f.ignore(64, '\n');
    }
    return total && avail <= total ? uint16_t((total - avail) * 1000 / total) : 0;
}

}  // namespace haslb::cluster_agent
