// SPDX-License-Identifier: BSD-3-Clause
// posix_spawn + a poll loop with a deadline. posix_spawn rather than fork:
// the child gets its signal state set before exec without code of ours
// running in it.
#include "command.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>

extern char** environ;

namespace haslb::dfp_agent {

namespace {

int64_t now_ms() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return int64_t{ts.tv_sec} * 1000 + ts.tv_nsec / 1000000;
}

// The child must not inherit the agent's blocked SIGTERM/SIGINT or ignored
// SIGPIPE: a script in a pipeline would then never see them.
int prepare_attr(posix_spawnattr_t& attr) {
    int rc = posix_spawnattr_init(&attr);
    if (rc != 0) return rc;
    sigset_t none, defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    for (int s : {SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGCHLD}) sigaddset(&defaults, s);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    // Its own group, so a timeout kills the script's children too.
    posix_spawnattr_setpgroup(&attr, 0);
    return posix_spawnattr_setflags(
        &attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
}

}  // namespace

CommandResult run_command(const std::string& cmd, uint32_t timeout_ms, bool capture,
                          size_t max_output) {
    CommandResult r;
    int pipefd[2] = {-1, -1};
    if (capture && pipe2(pipefd, O_CLOEXEC) != 0) {
        r.code = errno;
        return r;
    }
    // Only our end: a non-blocking stdout makes the command's writes fail
    // with EAGAIN whenever the pipe is full.
    if (capture) fcntl(pipefd[0], F_SETFL, O_NONBLOCK);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    if (capture)
        posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);  // dup2 clears O_CLOEXEC on fd 1
    else
        posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawnattr_t attr;
    int rc = prepare_attr(attr);
    pid_t pid = -1;
    if (rc == 0) {
        const char* argv[] = {"sh", "-c", cmd.c_str(), nullptr};
        rc = posix_spawn(&pid, "/bin/sh", &fa, &attr, const_cast<char* const*>(argv), environ);
    }
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    if (capture) close(pipefd[1]);
    if (rc != 0) {
        if (capture) close(pipefd[0]);
        r.code = rc;
        return r;
    }

    int64_t deadline = now_ms() + timeout_ms;
    int read_fd = capture ? pipefd[0] : -1;
    int status = 0;
    for (;;) {
        pid_t w = waitpid(pid, &status, WNOHANG);
        if (w == pid) break;
        int64_t left = deadline - now_ms();
        if (left <= 0) {
            kill(-pid, SIGKILL);
            while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
            }
            r.end = CommandResult::End::kTimedOut;
            if (capture) close(pipefd[0]);
            return r;
        }
        // Wake on output, or every 10 ms to look for the exit: pipe EOF alone
        // does not say the shell has exited (a background child may hold it).
        pollfd p{read_fd, POLLIN, 0};
        poll(&p, 1, static_cast<int>(std::min<int64_t>(left, 10)));
        if (read_fd >= 0 && (p.revents & (POLLIN | POLLHUP | POLLERR))) {
            for (int i = 0; i < 16; i++) {  // a pipe's worth, then look at the clock again
                char buf[4096];
                ssize_t n = read(read_fd, buf, sizeof buf);
                if (n > 0) {
                    // Beyond max_output it is read and dropped, so the child never blocks.
                    size_t keep = std::min(static_cast<size_t>(n), max_output - r.output.size());
                    r.output.append(buf, keep);
                    continue;
                }
                if (n == 0 || (errno != EAGAIN && errno != EINTR))
                    read_fd = -1;  // EOF: poll sleeps
                break;
            }
        }
    }
    // What the shell wrote before it exited is still in the pipe: at most a
    // pipe's worth. Bounded, because a background child may keep writing.
    if (read_fd >= 0) {
        char buf[4096];
        ssize_t n;
        for (int i = 0; i < 16 && (n = read(read_fd, buf, sizeof buf)) > 0; i++)
            r.output.append(buf, std::min(static_cast<size_t>(n), max_output - r.output.size()));
    }
    if (capture) close(pipefd[0]);
    if (WIFEXITED(status)) {
        r.end = CommandResult::End::kExited;
        r.code = WEXITSTATUS(status);
    } else {
        r.end = CommandResult::End::kSignaled;
        r.code = WTERMSIG(status);
    }
    return r;
}

std::string describe(const CommandResult& r, uint32_t timeout_ms) {
    switch (r.end) {
        case CommandResult::End::kExited:
            if (r.code == 127) return "exit status 127 (the shell did not find the command)";
            if (r.code == 126) return "exit status 126 (the shell could not execute the command)";
            return fmt::format("exit status {}", r.code);
        case CommandResult::End::kSignaled:
            return fmt::format("killed by signal {} ({})", r.code, strsignal(r.code));
        case CommandResult::End::kTimedOut:
            return fmt::format("timed out after {} ms and was killed", timeout_ms);
        case CommandResult::End::kSpawnFailed:
            return fmt::format("cannot run /bin/sh: {}", strerror(r.code));
    }
    return "?";
}

}  // namespace haslb::dfp_agent
