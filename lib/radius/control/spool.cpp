// SPDX-License-Identifier: BSD-3-Clause
#include "radius/control/spool.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "radius/wire.hpp"

namespace haslb::radius {
namespace {

namespace fs = std::filesystem;
constexpr char kMagic[4] = {'H', 'L', 'R', 'A'};
constexpr uint8_t kVersion = 1;
constexpr size_t kHead = 12, kSum = 16;

std::string name_of(uint64_t seq) {
    return fmt::format("{:016x}.acct", seq);
}

void digest(const std::vector<uint8_t>& attrs, uint8_t out[16]) {
    const std::span<const uint8_t> parts[] = {attrs};
    md5(parts, out);
}

int sync_dir(const std::string& dir) {
    const int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return -errno;
    const int rc = fsync(fd) == 0 ? 0 : -errno;
    close(fd);
    return rc;
}

bool write_all(int fd, const uint8_t* p, size_t n) {
    while (n) {
        const ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return false;
        p += w;
        n -= size_t(w);
    }
    return true;
}

// The record in file `p`, or false when it does not read back whole.
bool read_record(const fs::path& p, uint64_t seq, SpoolRecord& r) {
    std::ifstream f(p, std::ios::binary);
    const std::vector<uint8_t> b{std::istreambuf_iterator<char>(f), {}};
    if (b.size() < kHead + kSum || memcmp(b.data(), kMagic, 4) != 0 || b[4] != kVersion)
        return false;
    const size_t len = size_t(b[8]) << 24 | size_t(b[9]) << 16 | size_t(b[10]) << 8 | b[11];
    if (len != b.size() - kHead - kSum) return false;
    r.seq = seq;
    r.attrs.assign(b.begin() + kHead, b.begin() + long(kHead + len));
    uint8_t sum[16];
    digest(r.attrs, sum);
    return memcmp(sum, b.data() + kHead + len, kSum) == 0;
}

}  // namespace

int spool_open(const std::string& dir, std::string& err) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec || !fs::is_directory(dir)) {
        err = fmt::format("radius accounting spool {}: {}", dir,
                          ec ? ec.message() : "not a directory");
        return -EIO;
    }
    if (access(dir.c_str(), W_OK) != 0) {
        err = fmt::format("radius accounting spool {}: {}", dir, strerror(errno));
        return -errno;
    }
    return 0;
}

int spool_write(const std::string& dir, const SpoolRecord& r, std::string& err) {
    std::vector<uint8_t> b(kMagic, kMagic + 4);
    b.insert(b.end(), {kVersion, 0, 0, 0});
    const uint32_t n = uint32_t(r.attrs.size());
    b.insert(b.end(), {uint8_t(n >> 24), uint8_t(n >> 16), uint8_t(n >> 8), uint8_t(n)});
    b.insert(b.end(), r.attrs.begin(), r.attrs.end());
    uint8_t sum[16];
    digest(r.attrs, sum);
    b.insert(b.end(), sum, sum + kSum);
    const std::string final_path = dir + "/" + name_of(r.seq);
    const std::string tmp = final_path + ".tmp";
    const int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        err = fmt::format("{}: {}", tmp, strerror(errno));
        return -errno;
    }
    // The record must be on disk before it may be sent: an answer to a
    // record that a crash then loses would be a record lost.
    const bool ok = write_all(fd, b.data(), b.size()) && fsync(fd) == 0;
    const int saved = errno;
    close(fd);
    if (!ok || rename(tmp.c_str(), final_path.c_str()) != 0) {
        err = fmt::format("{}: {}", final_path, strerror(ok ? errno : saved));
        unlink(tmp.c_str());
        return -EIO;
    }
    if (int rc = sync_dir(dir)) {
        err = fmt::format("{}: fsync: {}", dir, strerror(-rc));
        return rc;
    }
    return 0;
}

int spool_remove(const std::string& dir, uint64_t seq) {
    const std::string p = dir + "/" + name_of(seq);
    return unlink(p.c_str()) == 0 || errno == ENOENT ? 0 : -errno;
}

std::vector<SpoolRecord> spool_load(const std::string& dir, unsigned& corrupt) {
    std::vector<SpoolRecord> out;
    corrupt = 0;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
        const std::string name = e.path().filename().string();
        if (name.ends_with(".acct.tmp")) {  // a crash before the rename: never sent
            fs::remove(e.path(), ec);
            continue;
        }
        if (name.size() != 21 || !name.ends_with(".acct")) continue;
        uint64_t seq = 0;
        bool hex = true;
        for (char c : name.substr(0, 16)) {
            const int d = isdigit(uint8_t(c))      ? c - '0'
                          : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                                                   : -1;
            if (d < 0) hex = false;
            seq = seq << 4 | uint64_t(d < 0 ? 0 : d);
        }
        SpoolRecord r;
        if (!hex || !read_record(e.path(), seq, r)) {
            fs::rename(e.path(), e.path().string() + ".bad", ec);
            corrupt++;
            continue;
        }
        out.push_back(std::move(r));
    }
    std::sort(out.begin(), out.end(),
              [](const SpoolRecord& a, const SpoolRecord& b) { return a.seq < b.seq; });
    return out;
}

}  // namespace haslb::radius
