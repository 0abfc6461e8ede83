// SPDX-License-Identifier: BSD-3-Clause
#include "core/netns.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace haslb::core {
namespace {

constexpr const char* kNetnsDir = "/run/netns";

std::string ns_path(const std::string& name) { return std::string(kNetnsDir) + "/" + name; }

// As iproute2 does: /run/netns is a shared mount so that namespaces created
// here are visible in other mount namespaces (e.g. `ip netns exec` shells).
void make_dir_shared() {
    mkdir(kNetnsDir, 0755);
    if (mount("", kNetnsDir, "none", MS_SHARED | MS_REC, nullptr) == 0) return;
    if (errno != EINVAL) return;
    if (mount(kNetnsDir, kNetnsDir, "none", MS_BIND | MS_REC, nullptr) == 0)
        mount("", kNetnsDir, "none", MS_SHARED | MS_REC, nullptr);
}

}  // namespace

int netns_create(const std::string& name, std::string& err) {
    make_dir_shared();
    const std::string path = ns_path(name);
    netns_delete(name);
    int fd = open(path.c_str(), O_RDONLY | O_CREAT | O_EXCL, 0);
    if (fd < 0) {
        int e = errno;
        err = fmt::format("cannot create {}: {}", path, strerror(e));
        return -e;
    }
    close(fd);
    int saved = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    if (saved < 0) {
        int e = errno;
        err = fmt::format("cannot open own network namespace: {}", strerror(e));
        unlink(path.c_str());
        return -e;
    }
    int rc = 0;
    if (unshare(CLONE_NEWNET) != 0) {
        rc = -errno;
        err = fmt::format("unshare(CLONE_NEWNET): {}", strerror(-rc));
    } else if (mount("/proc/thread-self/ns/net", path.c_str(), "none", MS_BIND, nullptr) != 0) {
        rc = -errno;
        err = fmt::format("cannot bind the namespace to {}: {}", path, strerror(-rc));
    }
    if (setns(saved, CLONE_NEWNET) != 0 && rc == 0) {
        rc = -errno;
        err = fmt::format("cannot return to own network namespace: {}", strerror(-rc));
    }
    close(saved);
    if (rc != 0) netns_delete(name);
    return rc;
}

int netns_delete(const std::string& name) {
    const std::string path = ns_path(name);
    umount2(path.c_str(), MNT_DETACH);
    if (unlink(path.c_str()) != 0 && errno != ENOENT) return -errno;
    return 0;
}

NetnsScope::NetnsScope(const std::string& name) {
    if (name.empty()) return;
    saved_fd_ = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    if (saved_fd_ < 0) {
        status_ = -errno;
        return;
    }
    int fd = open(ns_path(name).c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 || setns(fd, CLONE_NEWNET) != 0) {
        status_ = -errno;
        if (fd >= 0) close(fd);
        close(saved_fd_);
        saved_fd_ = -1;
        return;
    }
    close(fd);
}

NetnsScope::~NetnsScope() {
    if (saved_fd_ < 0) return;
    setns(saved_fd_, CLONE_NEWNET);
    close(saved_fd_);
}

}  // namespace haslb::core
