// SPDX-License-Identifier: BSD-3-Clause
// Internal: the text libconfig parses, after @include expansion, and the map
// from its lines back to the files and lines the operator wrote.
//
// Why not libconfig's own @include: libconfig 1.5 prefixes every include path
// with the include directory (so "/abs/x.conf" becomes "dir//abs/x.conf" and
// fails), resolves nested includes against that one directory instead of the
// including file's, and reports settings of an included file under the name
// as written in the @include line. Expanding includes ourselves fixes all
// three and lets every message name the real file and line.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"

namespace haslb::config::detail {

struct Source {
    std::string text;                // what libconfig parses (no @include left)
    std::vector<std::string> files;  // display names; files[0] is the top file
    struct Line {
        uint32_t file;
        uint32_t line;
    };
    std::vector<Line> lines;  // lines[n - 1] = where line n of `text` came from

    // Origin of line `line` (1-based) of `text`; line 0 = the top file, no line.
    Origin origin(unsigned line) const;
};

// Reads a whole file. Returns 0 or -errno.
int read_file(const std::string& path, std::string& out);

// Where the string elements of a list begin (libconfig reports the line of
// the token after each; string_lines.cpp). `text` is a slice of Source::text
// whose first line is `first_line`; `values` are the list's string elements
// in order. Returns the line of each, or nothing when `text` does not hold
// them as consecutive strings.
std::vector<unsigned> string_lines(std::string_view text, unsigned first_line,
                                   const std::vector<std::string>& values);

// Builds `out` from `text` (named `name` in messages): replaces each
// `@include "path"` line, recursively, by the lines of that file. A relative
// path is taken relative to `dir` for the top text, and to the including
// file's directory for nested includes; an absolute path is used as is.
// Also rejects integer literals libconfig 1.5 would silently truncate to 32
// bits. `name_is_path`: `name` is the file `text` was read from (so that a
// file including itself is caught). Returns 0, or -EINVAL with every problem
// appended to `errors`.
int expand(const std::string& text, const std::string& name, const std::string& dir, Source& out,
           std::vector<Error>& errors, bool name_is_path);

}  // namespace haslb::config::detail
