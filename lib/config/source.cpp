// SPDX-License-Identifier: BSD-3-Clause
// @include expansion and the 32-bit integer literal check (see source.hpp).
#include "config/source.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string_view>

#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

namespace haslb::config::detail {

namespace fs = std::filesystem;

namespace {

// libconfig 1.5 itself stops at 10 nested includes.
constexpr int kMaxIncludeDepth = 10;
// libconfig 1.5 stores plain integer literals in an int and silently keeps
// the low 32 bits (3000000000 reads as -1294967296).
constexpr uint64_t kMaxInt32 = 0x7fffffff;

enum class State { normal, string, comment };

bool is_ident_start(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '*';
}
bool is_ident(char c) {
    return is_ident_start(c) || (c >= '0' && c <= '9') || c == '_' || c == '-';
}
bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
bool is_hex(char c) {
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

class Expander {
public:
    Expander(Source& out, std::vector<Error>& errors) : out_(out), errors_(errors) {}

    void add(std::string_view text, uint32_t file, const fs::path& dir, int depth);
    void push_active(const std::string& canonical) { active_.push_back(canonical); }
    bool failed() const { return failed_; }

private:
    void error(uint32_t file, uint32_t line, std::string message) {
        errors_.push_back(Error{Origin{out_.files[file], static_cast<int>(line)}, "", message});
        failed_ = true;
    }
    void include(std::string_view line, size_t at, uint32_t file, uint32_t lineno,
                 const fs::path& dir, int depth);
    void scan(std::string_view line, uint32_t file, uint32_t lineno);

    Source& out_;
    std::vector<Error>& errors_;
    std::vector<std::string> active_;  // canonical paths of the files being expanded
    State state_ = State::normal;
    bool failed_ = false;
};

// Offset of the opening quote if `line` is an @include line the way
// libconfig's scanner sees one (`^[ \t]*@include[ \t]+"`), else npos.
size_t include_quote(std::string_view line) {
    size_t i = line.find_first_not_of(" \t");
    if (i == std::string_view::npos || line.substr(i, 8) != "@include")
        return std::string_view::npos;
    i += 8;
    size_t j = line.find_first_not_of(" \t", i);
    if (j == i || j == std::string_view::npos || line[j] != '"') return std::string_view::npos;
    return j;
}

void Expander::add(std::string_view text, uint32_t file, const fs::path& dir, int depth) {
    // Each file starts outside any comment or string, as in libconfig, where
    // an include is a new scanner buffer.
    state_ = State::normal;
    uint32_t lineno = 0;
    size_t pos = 0;
    while (pos < text.size()) {
        size_t eol = text.find('\n', pos);
        std::string_view line =
            text.substr(pos, eol == std::string_view::npos ? std::string_view::npos : eol - pos);
        pos = eol == std::string_view::npos ? text.size() : eol + 1;
        ++lineno;
        size_t quote = state_ == State::normal ? include_quote(line) : std::string_view::npos;
        if (quote != std::string_view::npos) {
            include(line, quote, file, lineno, dir, depth);
            state_ = State::normal;
            continue;
        }
        scan(line, file, lineno);
        out_.text.append(line);
        out_.text.push_back('\n');
        out_.lines.push_back(Source::Line{file, lineno});
    }
}

void Expander::include(std::string_view line, size_t quote, uint32_t file, uint32_t lineno,
                       const fs::path& dir, int depth) {
    size_t end = line.find('"', quote + 1);
    if (end == std::string_view::npos) {
        error(file, lineno, "@include: missing closing quote");
        return;
    }
    std::string_view name = line.substr(quote + 1, end - quote - 1);
    std::string_view rest = line.substr(end + 1);
    size_t r = rest.find_first_not_of(" \t\r");
    if (r != std::string_view::npos && rest[r] != '#' && rest.substr(r, 2) != "//") {
        error(file, lineno, "@include: unexpected text after the file name");
        return;
    }
    if (name.empty()) {
        error(file, lineno, "@include: empty file name");
        return;
    }
    if (depth >= kMaxIncludeDepth) {
        error(file, lineno,
              fmt::format("@include: more than {} nested includes", kMaxIncludeDepth));
        return;
    }
    fs::path p{std::string(name)};
    fs::path resolved = p.is_absolute() ? p : dir / p;
    std::string display = resolved.lexically_normal().string();
    std::string text;
    if (int rc = read_file(resolved.string(), text); rc < 0) {
        error(file, lineno,
              fmt::format("cannot read included file {:?} ({})", display, std::strerror(-rc)));
        return;
    }
    std::error_code ec;
    std::string canonical = fs::weakly_canonical(resolved, ec).string();
    if (ec) canonical = display;
    for (const auto& a : active_) {
        if (a == canonical) {
            error(file, lineno, fmt::format("@include cycle: {:?} includes itself", display));
            return;
        }
    }
    out_.files.push_back(display);
    active_.push_back(canonical);
    add(text, static_cast<uint32_t>(out_.files.size() - 1), resolved.parent_path(), depth + 1);
    active_.pop_back();
}

void Expander::scan(std::string_view line, uint32_t file, uint32_t lineno) {
    size_t i = 0;
    while (i < line.size()) {
        char c = line[i];
        if (state_ == State::comment) {
            if (c == '*' && i + 1 < line.size() && line[i + 1] == '/') {
                state_ = State::normal;
                ++i;
            }
            ++i;
            continue;
        }
        if (state_ == State::string) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                state_ = State::normal;
            ++i;
            continue;
        }
        if (c == '#' || (c == '/' && i + 1 < line.size() && line[i + 1] == '/')) return;
        if (c == '/' && i + 1 < line.size() && line[i + 1] == '*') {
            state_ = State::comment;
            i += 2;
            continue;
        }
        if (c == '"') {
            state_ = State::string;
            ++i;
            continue;
        }
        if (is_ident_start(c)) {
            while (i < line.size() && is_ident(line[i])) ++i;
            continue;
        }
        if (!is_digit(c)) {
            ++i;
            continue;
        }
        size_t start = i;
        uint64_t v = 0;
        bool hex = c == '0' && i + 1 < line.size() && (line[i + 1] == 'x' || line[i + 1] == 'X');
        if (hex) {
            i += 2;
            for (; i < line.size() && is_hex(line[i]); ++i) {
                int d = is_digit(line[i]) ? line[i] - '0' : (line[i] | 0x20) - 'a' + 10;
                v = std::min<uint64_t>(v * 16 + static_cast<uint64_t>(d), 1ULL << 40);
            }
        } else {
            for (; i < line.size() && is_digit(line[i]); ++i)
                v = std::min<uint64_t>(v * 10 + static_cast<uint64_t>(line[i] - '0'), 1ULL << 40);
            if (i < line.size() && (line[i] == '.' || line[i] == 'e' || line[i] == 'E')) {
                while (i < line.size() && (is_digit(line[i]) || line[i] == '.' || line[i] == 'e' ||
                                           line[i] == 'E' || line[i] == '+' || line[i] == '-'))
                    ++i;
                continue;  // a float
            }
        }
        if (i < line.size() && line[i] == 'L') continue;  // explicit 64-bit literal
        if (v > kMaxInt32) {
            error(file, lineno,
                  fmt::format("integer {} does not fit in 32 bits (libconfig would silently "
                              "truncate it; append L for a 64-bit value)",
                              line.substr(start, i - start)));
        }
    }
}

}  // namespace

Origin Source::origin(unsigned line) const {
    if (line == 0 || lines.empty()) return Origin{files.empty() ? "" : files[0], 0};
    const Line& l = lines[std::min<size_t>(line, lines.size()) - 1];
    return Origin{files[l.file], static_cast<int>(l.line)};
}

int read_file(const std::string& path, std::string& out) {
    // POSIX calls rather than iostreams: the caller needs the real errno.
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -errno;
    std::string text;
    char buf[8192];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof(buf));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            int rc = -errno;
            ::close(fd);
            return rc;
        }
        if (n == 0) break;
        text.append(buf, static_cast<size_t>(n));
    }
    ::close(fd);
    out = std::move(text);
    return 0;
}

int expand(const std::string& text, const std::string& name, const std::string& dir, Source& out,
           std::vector<Error>& errors, bool name_is_path) {
    out = Source{};
    out.files.push_back(name);
    Expander e(out, errors);
    if (name_is_path) {
        std::error_code ec;
        std::string canonical = fs::weakly_canonical(name, ec).string();
        e.push_active(ec ? name : canonical);
    }
    e.add(text, 0, fs::path(dir), 0);
    return e.failed() ? -EINVAL : 0;
}

}  // namespace haslb::config::detail
