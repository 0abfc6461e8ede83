// SPDX-License-Identifier: BSD-3-Clause
#include "core/netns.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <cstdio>
#include <map>
#include <vector>

#include <fmt/format.h>

namespace haslb::core {
namespace {

constexpr const char* kNetnsDir = "/run/netns";

// Namespaces this process created, kept open: entering them never depends on
// the bind mount being visible in our own mount namespace.
std::map<std::string, int> g_open;

std::string ns_path(const std::string& name) { return std::string(kNetnsDir) + "/" + name; }

// As iproute2 does: /run/netns is a shared mount so that namespaces created
// here show in every mount namespace.
void make_dir_shared() {
    mkdir(kNetnsDir, 0755);
    if (mount("", kNetnsDir, "none", MS_SHARED | MS_REC, nullptr) == 0) return;
    if (errno != EINVAL) return;
    if (mount(kNetnsDir, kNetnsDir, "none", MS_BIND | MS_REC, nullptr) == 0)
        mount("", kNetnsDir, "none", MS_SHARED | MS_REC, nullptr);
}

std::string read_link(const std::string& path) {
    char buf[128];
    ssize_t n = readlink(path.c_str(), buf, sizeof(buf) - 1);
    return n > 0 ? std::string(buf, size_t(n)) : std::string();
}

pid_t parent_of(pid_t pid) {
    FILE* f = fopen(fmt::format("/proc/{}/stat", pid).c_str(), "r");
    if (!f) return 0;
    int ppid = 0;
    // pid (comm) state ppid: comm may hold spaces, so skip to the last ')'.
    char buf[512];
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = 0;
    const char* p = strrchr(buf, ')');
    if (p) sscanf(p + 1, " %*c %d", &ppid);
    return ppid;
}

// Mount namespaces to try, best first: PID 1's, then that of the nearest
// ancestor in another mount namespace than ours (the operator's shell when
// haslb runs under `ip netns exec`, whose `ip` process shares our private
// namespace). Read in the parent: in the child every ancestor shifts by one.
std::vector<std::string> mount_ns_candidates() {
    std::vector<std::string> out{"/proc/1/ns/mnt"};
    const std::string own = read_link("/proc/self/ns/mnt");
    for (pid_t p = getppid(); p > 1; p = parent_of(p)) {
        const std::string path = fmt::format("/proc/{}/ns/mnt", p);
        const std::string ns = read_link(path);
        if (!ns.empty() && ns != own) {
            out.push_back(path);
            break;
        }
    }
    return out;
}

// Runs `fn` in a child process that has joined the operators' mount
// namespace (see mount_ns_candidates). haslb may run in a private mount
// namespace (`ip netns exec` makes one whose mounts do not propagate back),
// where a bind mount under /run/netns would be invisible to `ip netns` in
// every other shell. A forked child is single threaded, so it may change
// mount namespace; the parent cannot.
template <typename Fn>
int in_init_mount_ns(Fn fn) {
    const std::vector<std::string> candidates = mount_ns_candidates();
    pid_t pid = fork();
    if (pid < 0) return -errno;
    if (pid == 0) {
        for (const auto& c : candidates) {
            int fd = open(c.c_str(), O_RDONLY | O_CLOEXEC);
            if (fd < 0) continue;
            const bool joined = setns(fd, CLONE_NEWNS) == 0;
            close(fd);
            if (joined) break;
        }
        _exit(fn() == 0 ? 0 : 1);  // none joined: stay, and mount here
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EIO;
}

int unmount_and_unlink(const std::string& path) {
    umount2(path.c_str(), MNT_DETACH);
    if (unlink(path.c_str()) != 0 && errno != ENOENT) return -errno;
    return 0;
}

}  // namespace

int netns_create(const std::string& name, std::string& err) {
    const std::string path = ns_path(name);
    netns_delete(name);  // a stale one from a crash
    if (int rc = in_init_mount_ns([&] {
            make_dir_shared();
            int fd = open(path.c_str(), O_RDONLY | O_CREAT | O_EXCL, 0);
            if (fd < 0) return -1;
            close(fd);
            return 0;
        })) {
        err = fmt::format("cannot create {}", path);
        return rc;
    }
    int saved = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    if (saved < 0) {
        int e = errno;
        err = fmt::format("cannot open own network namespace: {}", strerror(e));
        netns_delete(name);
        return -e;
    }
    int rc = 0;
    if (unshare(CLONE_NEWNET) != 0) {
        rc = -errno;
        err = fmt::format("unshare(CLONE_NEWNET): {}", strerror(-rc));
    } else {
        g_open[name] = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
        // The child inherits this thread's (new) network namespace.
        if (in_init_mount_ns([&] {
                return mount("/proc/self/ns/net", path.c_str(), "none", MS_BIND, nullptr);
            }) != 0) {
            rc = -EIO;
            err = fmt::format("cannot bind the new network namespace to {}", path);
        }
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
    auto it = g_open.find(name);
    if (it != g_open.end()) {
        if (it->second >= 0) close(it->second);
        g_open.erase(it);
    }
    const std::string path = ns_path(name);
    int rc = in_init_mount_ns([&] { return unmount_and_unlink(path); });
    unmount_and_unlink(path);  // our own view, if it differs
    return rc;
}

NetnsScope::NetnsScope(const std::string& name) {
    if (name.empty()) return;
    saved_fd_ = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    if (saved_fd_ < 0) {
        status_ = -errno;
        return;
    }
    auto it = g_open.find(name);
    int fd = it != g_open.end() ? dup(it->second) : open(ns_path(name).c_str(), O_RDONLY | O_CLOEXEC);
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
