// SPDX-License-Identifier: BSD-3-Clause
// Parsers of /proc/stat, /proc/meminfo and the HA statistics text.
#include "inputs.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <charconv>

namespace haslb::dfp_agent {

namespace {

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r';
}

// Splits on spaces and tabs; '\r' goes too so a file written on Windows parses.
std::vector<std::string_view> fields(std::string_view line) {
    std::vector<std::string_view> out;
    size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && is_space(line[i])) i++;
        size_t start = i;
        while (i < line.size() && !is_space(line[i])) i++;
        if (i > start) out.push_back(line.substr(start, i - start));
    }
    return out;
}

bool to_u64(std::string_view s, uint64_t& out) {
    if (s.empty() || s[0] < '0' || s[0] > '9') return false;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && p == s.data() + s.size();
}

// Calls fn(line) for each line; stops early when fn returns false.
template <typename Fn>
void each_line(std::string_view text, Fn fn) {
    while (!text.empty()) {
        size_t nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        if (!fn(line)) return;
        if (nl == std::string_view::npos) return;
        text.remove_prefix(nl + 1);
    }
}

}  // namespace

int parse_proc_stat(std::string_view text, CpuTimes& out) {
    int rc = -EINVAL;
    each_line(text, [&](std::string_view line) {
        std::vector<std::string_view> f = fields(line);
        if (f.empty() || f[0] != "cpu") return true;
        // user nice system idle [iowait irq softirq steal [guest guest_nice]]
        if (f.size() < 5) return false;
        uint64_t v[8] = {};
        size_t n = std::min<size_t>(f.size() - 1, 8);
        for (size_t i = 0; i < n; i++)
            if (!to_u64(f[i + 1], v[i])) return false;
        CpuTimes t;
        for (size_t i = 0; i < n; i++) t.total += v[i];
        t.free = v[3] + v[4];
        out = t;
        rc = 0;
        return false;
    });
    return rc;
}

double cpu_free_pct(const CpuTimes& prev, const CpuTimes& cur) {
    if (cur.total <= prev.total || cur.free < prev.free) return -1;
    uint64_t total = cur.total - prev.total;
    uint64_t free = cur.free - prev.free;
    if (free > total) return 100.0;
    return 100.0 * static_cast<double>(free) / static_cast<double>(total);
}

int parse_meminfo(std::string_view text, MemInfo& out) {
    MemInfo m;
    bool has_available = false;
    uint64_t mem_free = 0, buffers = 0, cached = 0;
    each_line(text, [&](std::string_view line) {
        std::vector<std::string_view> f = fields(line);
        uint64_t v = 0;
        if (f.size() < 2 || !to_u64(f[1], v)) return true;
        if (f[0] == "MemTotal:") {
            m.total_kb = v;
        } else if (f[0] == "MemAvailable:") {
            m.available_kb = v;
            has_available = true;
        } else if (f[0] == "MemFree:") {
            mem_free = v;
        } else if (f[0] == "Buffers:") {
            buffers = v;
        } else if (f[0] == "Cached:") {
            cached = v;
        }
        return true;
    });
    if (m.total_kb == 0) return -EINVAL;
    if (!has_available) m.available_kb = mem_free + buffers + cached;
    out = m;
    return 0;
}

double mem_free_pct(const MemInfo& m) {
    if (m.total_kb == 0) return 0;
    if (m.available_kb >= m.total_kb) return 100.0;
    return 100.0 * static_cast<double>(m.available_kb) / static_cast<double>(m.total_kb);
}

Stats parse_stats(std::string_view text) {
    Stats s;
    int line_no = 0;
    // A file of garbage must not make a log line of megabytes.
    auto note = [&s](std::string msg) {
        if (s.problems.size() < 8) s.problems.push_back(std::move(msg));
    };
    each_line(text, [&](std::string_view line) {
        line_no++;
        std::vector<std::string_view> f = fields(line);
        if (f.empty() || f[0][0] == '#') return true;
        bool is_bindings = f[0] == "bindings";
        bool is_cps = f[0] == "cps";
        if (f.size() != 2) {
            note(fmt::format("line {}: '{}' is not 'key value'", line_no, line.substr(0, 60)));
            if (is_bindings) s.has_bindings = true, s.bindings = 0;
            if (is_cps) s.has_cps = true, s.cps = 0;
            return true;
        }
        if (!is_bindings && !is_cps) return true;
        uint64_t v = 0;
        if (!to_u64(f[1], v)) {
            note(fmt::format("line {}: {} '{}' is not a whole number >= 0; using 0", line_no, f[0],
                             f[1].substr(0, 30)));
            v = 0;
        }
        (is_bindings ? s.bindings : s.cps) = v;
        (is_bindings ? s.has_bindings : s.has_cps) = true;
        return true;
    });
    return s;
}

int read_small_file(const std::string& path, std::string& out, size_t max) {
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -errno;
    out.clear();
    char buf[4096];
    while (out.size() < max) {
        ssize_t n = read(fd, buf, std::min(sizeof buf, max - out.size()));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            int e = errno;
            close(fd);
            return -e;
        }
        if (n == 0) break;
        out.append(buf, static_cast<size_t>(n));
    }
    close(fd);
    return 0;
}

}  // namespace haslb::dfp_agent
