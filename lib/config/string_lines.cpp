// SPDX-License-Identifier: BSD-3-Clause
// Where the string elements of a list begin (see source.hpp). libconfig 1.5
// reads one token past a string to join "a" "b", and gives a string element
// of a list the line of that next token: the last element of a list written
// one per line would be blamed on the line of the closing parenthesis.
#include <cctype>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "config/source.hpp"

namespace haslb::config::detail {

namespace {

struct Str {
    unsigned line;      // of its first quote
    std::string value;  // unescaped, adjacent literals joined
};

class Lexer {
public:
    Lexer(std::string_view text, unsigned line) : t_(text), line_(line) {}

    // Every string in the text, as libconfig's scanner reads them.
    std::vector<Str> strings() {
        std::vector<Str> out;
        bool adjacent = false;  // only blanks and comments since the last string
        while (i_ < t_.size()) {
            char c = t_[i_];
            if (c == '\n') {
                ++line_, ++i_;
            } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
                ++i_;
            } else if (c == '#' || starts("//")) {
                while (i_ < t_.size() && t_[i_] != '\n') ++i_;
            } else if (starts("/*")) {
                i_ += 2;
                while (i_ < t_.size() && !starts("*/")) line_ += t_[i_++] == '\n';
                i_ += 2;
            } else if (c == '"') {
                unsigned line = line_;
                std::string v = string();
                if (adjacent)
                    out.back().value += v;
                else
                    out.push_back(Str{line, std::move(v)});
                adjacent = true;
                continue;
            } else {
                ++i_;
                adjacent = false;
            }
        }
        return out;
    }

private:
    bool starts(std::string_view s) const { return t_.substr(i_, s.size()) == s; }

    // At the opening quote; libconfig 1.5's escapes (an unknown one is kept
    // as a backslash, \x00 adds nothing).
    std::string string() {
        std::string v;
        ++i_;
        while (i_ < t_.size() && t_[i_] != '"') {
            char c = t_[i_++];
            if (c == '\n') ++line_;
            if (c != '\\' || i_ >= t_.size()) {
                v += c;
                continue;
            }
            char e = t_[i_];
            auto hex = [&](size_t k) {
                return k < t_.size() && std::isxdigit(static_cast<unsigned char>(t_[k]));
            };
            if (e == 'n' || e == 'r' || e == 't' || e == 'f' || e == '\\' || e == '"') {
                v += e == 'n' ? '\n' : e == 'r' ? '\r' : e == 't' ? '\t' : e == 'f' ? '\f' : e;
                ++i_;
            } else if (e == 'x' && hex(i_ + 1) && hex(i_ + 2)) {
                char x = static_cast<char>(
                    std::strtol(std::string(t_.substr(i_ + 1, 2)).c_str(), nullptr, 16));
                if (x != 0) v += x;
                i_ += 3;
            } else {
                v += '\\';
            }
        }
        ++i_;
        return v;
    }

    std::string_view t_;
    size_t i_ = 0;
    unsigned line_;
};

}  // namespace

std::vector<unsigned> string_lines(std::string_view text, unsigned first_line,
                                   const std::vector<std::string>& values) {
    if (values.empty()) return {};
    std::vector<Str> found = Lexer(text, first_line).strings();
    for (size_t k = 0; k + values.size() <= found.size(); ++k) {
        size_t j = 0;
        while (j < values.size() && found[k + j].value == values[j]) ++j;
        if (j < values.size()) continue;
        std::vector<unsigned> lines;
        for (j = 0; j < values.size(); ++j) lines.push_back(found[k + j].line);
        return lines;
    }
    return {};
}

}  // namespace haslb::config::detail
