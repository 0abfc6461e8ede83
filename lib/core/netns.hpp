// SPDX-License-Identifier: BSD-3-Clause
// Named network namespaces (/run/netns/NAME, compatible with `ip netns`),
// entered per thread. Control lcore only; return 0 or negative errno.
#pragma once

#include <string>

namespace haslb::core {

// Creates a fresh namespace bound at /run/netns/NAME (replacing a stale one
// left by a crash). The calling thread stays in its own namespace.
int netns_create(const std::string& name, std::string& err);

// Unmounts and removes /run/netns/NAME. Missing is not an error.
int netns_delete(const std::string& name);

// Moves the calling thread into NAME for the scope's lifetime. With an
// empty name it does nothing (the process's own namespace).
class NetnsScope {
public:
    explicit NetnsScope(const std::string& name);
    ~NetnsScope();
    NetnsScope(const NetnsScope&) = delete;
    NetnsScope& operator=(const NetnsScope&) = delete;
    int status() const { return status_; }  // 0 or negative errno

private:
    int saved_fd_ = -1;
    int status_ = 0;
};

}  // namespace haslb::core
