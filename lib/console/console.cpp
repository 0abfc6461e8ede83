// SPDX-License-Identifier: BSD-3-Clause
#include "console/console.hpp"

#include <cmdline_parse_string.h>
#include <cmdline_socket.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <fmt/format.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include "core/control.hpp"

namespace haslb::console {
namespace {

struct Fixed {
    FixedFn fn;
    size_t nwords;
};

struct Registry {
    std::vector<cmdline_parse_inst_t*> insts;
    std::vector<cmdline_parse_inst_t*> ctx;  // NULL-terminated copy handed to cmdline
};
// Commands live as long as the process: never destroyed, so that nothing
// registered from a constructor dangles during exit.
Registry& registry() {
    static Registry* r = new Registry;
    return *r;
}

// One connected operator: a socket, or stdin/stdout when it is not a tty.
struct Session {
    cmdline* cl = nullptr;
    int in_fd = -1;
    std::string buf;
    bool closing = false;
};

std::vector<std::unique_ptr<Session>> g_sessions;
cmdline* g_tty = nullptr;          // the raw-mode terminal console, if any
cmdline* g_stdin_lines = nullptr;  // --console with a non-tty stdin
int g_listen_fd = -1;
std::string g_socket_path;
std::atomic<bool> g_quit{false};

void fixed_trampoline(void* parsed, cmdline* cl, void* data) {
    const Fixed* f = static_cast<const Fixed*>(data);
    auto* words = static_cast<cmdline_fixed_string_t*>(parsed);
    std::vector<std::string> v;
    for (size_t i = 0; i < f->nwords; i++) v.emplace_back(words[i]);
    f->fn(cl, v);
}

void run_parsed(cmdline* cl, const std::string& line) {
    size_t b = line.find_first_not_of(" \t\r");
    if (b == std::string::npos || line[b] == '#') return;
    std::string in = line;
    if (in.empty() || in.back() != '\n') in.push_back('\n');
    const std::string cmd = line.substr(b, line.find_last_not_of(" \t\r\n") - b + 1);
    int rc = cmdline_parse(cl, in.c_str());
    if (rc == CMDLINE_PARSE_AMBIGUOUS)
        print(cl, fmt::format("Ambiguous command: {} (type 'help')\n", cmd));
    else if (rc == CMDLINE_PARSE_NOMATCH)
        print(cl, fmt::format("Command not found: {} (type 'help')\n", cmd));
    else if (rc == CMDLINE_PARSE_BAD_ARGS)
        print(cl, fmt::format("Bad arguments: {} (type 'help')\n", cmd));
}

// Reads what is available; runs complete lines. Returns false at EOF/error.
bool session_read(Session& s) {
    char tmp[4096];
    ssize_t n = read(s.in_fd, tmp, sizeof(tmp));
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return true;
    if (n <= 0) {
        if (!s.buf.empty()) run_parsed(s.cl, s.buf);
        s.buf.clear();
        return false;
    }
    s.buf.append(tmp, size_t(n));
    size_t nl;
    while (!s.closing && (nl = s.buf.find('\n')) != std::string::npos) {
        std::string line = s.buf.substr(0, nl + 1);
        s.buf.erase(0, nl + 1);
        run_parsed(s.cl, line);
    }
    if (s.buf.size() > 65536) return false;  // no line is that long
    return !s.closing;
}

void accept_sessions() {
    for (;;) {
        int fd = accept4(g_listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) return;
        // Output is written synchronously; a stuck reader must not stall the
        // control lcore for long.
        timeval tv{1, 0};
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
        auto s = std::make_unique<Session>();
        s->in_fd = fd;
        s->cl = cmdline_new(registry().ctx.data(), "", fd, fd);
        if (!s->cl) {
            close(fd);
            continue;
        }
        g_sessions.push_back(std::move(s));
    }
}

unsigned console_poll(uint64_t) {
    unsigned work = 0;
    if (g_listen_fd >= 0) accept_sessions();
    std::vector<pollfd> pfds;
    for (auto& s : g_sessions) pfds.push_back(pollfd{s->in_fd, POLLIN, 0});
    if (!pfds.empty() && poll(pfds.data(), pfds.size(), 0) > 0) {
        for (size_t i = 0; i < pfds.size(); i++) {
            if (!(pfds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            work++;
            Session& s = *g_sessions[i];
            if (!session_read(s)) s.closing = true;
        }
    }
    for (auto it = g_sessions.begin(); it != g_sessions.end();) {
        Session& s = **it;
        if (!s.closing) {
            ++it;
            continue;
        }
        if (s.cl == g_stdin_lines) {
            g_stdin_lines = nullptr;
            g_quit = true;       // end of a scripted console ends the appliance
            cmdline_free(s.cl);  // does not close fds 0-2
        } else {
            cmdline_free(s.cl);  // closes the socket
        }
        it = g_sessions.erase(it);
    }
    if (g_tty) {
        int st = cmdline_poll(g_tty);
        if (st == RDLINE_EXITED || st < 0) g_quit = true;
        work++;
    }
    return work;
}

std::string path_of(const config::Config& cfg) {
    return cfg.console.socket_dir + "/" + cfg.eal.file_prefix + ".sock";
}

int sockaddr_of(const std::string& path, sockaddr_un& sa, std::string& err) {
    sa = sockaddr_un{};
    sa.sun_family = AF_UNIX;
    if (path.size() >= sizeof(sa.sun_path)) {
        err = fmt::format("console socket path too long: {}", path);
        return -ENAMETOOLONG;
    }
    memcpy(sa.sun_path, path.c_str(), path.size() + 1);
    return 0;
}

int listen_socket(const config::Config& cfg, std::string& err) {
    mkdir(cfg.console.socket_dir.c_str(), 0755);
    if (int rc = probe_running(cfg, err)) return rc;
    g_socket_path = path_of(cfg);
    sockaddr_un sa;
    if (int rc = sockaddr_of(g_socket_path, sa, err)) return rc;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) return -errno;
    unlink(g_socket_path.c_str());
    if (bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) != 0 || listen(fd, 8) != 0) {
        int e = errno;
        close(fd);
        err = fmt::format("cannot listen on {}: {}", g_socket_path, strerror(e));
        g_socket_path.clear();
        return -e;
    }
    chmod(g_socket_path.c_str(), 0600);
    g_listen_fd = fd;
    return 0;
}

}  // namespace

int probe_running(const config::Config& cfg, std::string& err) {
    const std::string path = path_of(cfg);
    sockaddr_un sa;
    if (int rc = sockaddr_of(path, sa, err)) return rc;
    // A socket that accepts belongs to a running haslb: never steal it.
    int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (probe < 0) return 0;
    const bool live = connect(probe, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) == 0;
    close(probe);
    if (!live) return 0;
    err = fmt::format("another haslb with file_prefix \"{}\" is running ({} answers)",
                      cfg.eal.file_prefix, path);
    return -EADDRINUSE;
}

void register_command(cmdline_parse_inst_t* inst) {
    registry().insts.push_back(inst);
}

void register_fixed(std::initializer_list<const char*> words, const char* help, FixedFn fn) {
    const size_t n = words.size();
    // cmdline_parse_inst_t ends in a flexible array of token pointers.
    auto* inst = static_cast<cmdline_parse_inst_t*>(
        calloc(1, sizeof(cmdline_parse_inst_t) + (n + 1) * sizeof(cmdline_parse_token_hdr_t*)));
    auto* toks =
        static_cast<cmdline_parse_token_string_t*>(calloc(n, sizeof(cmdline_parse_token_string_t)));
    size_t i = 0;
    for (const char* w : words) {
        toks[i].hdr.ops = &cmdline_token_string_ops;
        toks[i].hdr.offset = unsigned(i * sizeof(cmdline_fixed_string_t));
        toks[i].string_data.str = w;
        inst->tokens[i] = &toks[i].hdr;
        i++;
    }
    inst->tokens[n] = nullptr;
    inst->f = fixed_trampoline;
    inst->data = new Fixed{std::move(fn), n};
    inst->help_str = help;
    register_command(inst);
}

void register_tokens(TokenFn fn, const char* help, std::initializer_list<void*> tokens) {
    auto* inst = static_cast<cmdline_parse_inst_t*>(calloc(
        1,
        sizeof(cmdline_parse_inst_t) + (tokens.size() + 1) * sizeof(cmdline_parse_token_hdr_t*)));
    size_t i = 0;
    for (void* t : tokens) inst->tokens[i++] = static_cast<cmdline_parse_token_hdr_t*>(t);
    inst->tokens[i] = nullptr;
    inst->f = fn;
    inst->help_str = help;
    register_command(inst);
}

void print(cmdline* cl, std::string_view text) {
    cmdline_printf(cl, "%.*s", int(text.size()), text.data());
}

std::vector<std::string> help_lines() {
    std::vector<std::string> out;
    for (auto* i : registry().insts) out.emplace_back(i->help_str ? i->help_str : "");
    return out;
}

int console_init(const config::Config& cfg, bool terminal, std::string& err) {
    Registry& r = registry();
    r.ctx = r.insts;
    r.ctx.push_back(nullptr);
    if (int rc = listen_socket(cfg, err)) return rc;
    if (terminal) {
        if (isatty(0)) {
            g_tty = cmdline_stdin_new(r.ctx.data(), "haslb> ");
            if (!g_tty) {
                err = "cannot start the terminal console";
                return -ENOMEM;
            }
        } else {
            auto s = std::make_unique<Session>();
            s->in_fd = 0;
            s->cl = cmdline_new(r.ctx.data(), "", 0, 1);
            g_stdin_lines = s->cl;
            g_sessions.push_back(std::move(s));
        }
    }
    core::register_poller("console", console_poll);
    return 0;
}

void console_fini() {
    for (auto& s : g_sessions) cmdline_free(s->cl);
    g_sessions.clear();
    g_stdin_lines = nullptr;
    if (g_tty) {
        cmdline_stdin_exit(g_tty);
        g_tty = nullptr;
    }
    if (g_listen_fd >= 0) {
        close(g_listen_fd);
        g_listen_fd = -1;
        unlink(g_socket_path.c_str());
    }
}

const std::string& socket_path() {
    return g_socket_path;
}

void request_quit(cmdline* cl) {
    if (cl == g_tty) {
        cmdline_quit(cl);
        g_quit = true;
        return;
    }
    for (auto& s : g_sessions)
        if (s->cl == cl) s->closing = true;
}

bool quit_requested() {
    return g_quit.load();
}

std::string run_line(const std::string& line) {
    // A memory file, not a pipe: a long output must not block the writer.
    int fd = memfd_create("haslb-console", MFD_CLOEXEC);
    if (fd < 0) return {};
    int out_fd = dup(fd);
    Registry& r = registry();
    if (r.ctx.empty() || r.ctx.back() != nullptr) {
        r.ctx = r.insts;
        r.ctx.push_back(nullptr);
    }
    cmdline* cl = cmdline_new(r.ctx.data(), "", -1, out_fd);
    run_parsed(cl, line);
    cmdline_free(cl);  // closes out_fd
    std::string out;
    char tmp[4096];
    ssize_t n;
    lseek(fd, 0, SEEK_SET);
    while ((n = read(fd, tmp, sizeof(tmp))) > 0) out.append(tmp, size_t(n));
    close(fd);
    return out;
}

}  // namespace haslb::console
