// SPDX-License-Identifier: BSD-3-Clause
// Internal: what a group parser needs. Typed lookups that report every
// problem as an Error (file:line, dotted key, message) and never throw.
//
// A parser for a new top-level group (slb, hotline, radius, ...) is written
// with these helpers and listed in groups.cpp; nothing else changes.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <libconfig.h++>

#include "config/config.hpp"
#include "config/source.hpp"

namespace haslb::config::detail {

namespace lc = libconfig;

class Ctx {
public:
    Ctx(const Source& src, std::vector<Error>& errors) : src_(src), errors_(errors) {}

    // Where `s` was written (its own line, in the file it came from).
    Origin origin(const lc::Setting& s) const;
    // The top file, no line: for what no setting is to blame for.
    Origin top() const { return src_.origin(0); }
    // Dotted key of `s` ("ports.[1].address"), or of child `name` of `parent`.
    std::string key(const lc::Setting& s);
    std::string key(const lc::Setting& parent, std::string_view name);

    void error(const lc::Setting& s, std::string message);
    void error(Origin origin, std::string key, std::string message);
    // At the origin recorded for `key` by a getter below, else at `fallback`.
    void error_at(const std::string& key, const Origin& fallback, std::string message);
    // Records where `s` was written, so that a later error_at(key(s), ...)
    // points at it. For list elements; the getters record named children.
    void note(const lc::Setting& s) { record(s); }
    // Number of errors reported so far (by anyone).
    size_t error_count() const { return errors_.size(); }

    // Reports every child of `group` whose name is not in `known`.
    void check_keys(const lc::Setting& group, std::initializer_list<std::string_view> known);

    // Type checks; report and return false on mismatch.
    bool expect_group(const lc::Setting& s);
    bool expect_list(const lc::Setting& s);  // ( ... ) or [ ... ]

    // Getters for child `name` of `group`. Absent: false (an error only if
    // `required`, at the group's line). Present but wrong type or out of
    // range: reported, false, `out` untouched. Present and valid: true.
    const lc::Setting* child(const lc::Setting& group, const char* name, bool required);
    bool get_string(const lc::Setting& group, const char* name, std::string& out,
                    bool required = false);
    bool get_bool(const lc::Setting& group, const char* name, bool& out);
    bool get_int(const lc::Setting& group, const char* name, int64_t lo, int64_t hi, int64_t& out,
                 bool required = false);
    template <typename T>
    bool get_uint(const lc::Setting& group, const char* name, int64_t lo, int64_t hi, T& out,
                  bool required = false) {
        int64_t v = 0;
        if (!get_int(group, name, lo, hi, v, required)) return false;
        out = static_cast<T>(v);
        return true;
    }
    // A list or array of strings; each bad element is reported.
    bool get_strings(const lc::Setting& group, const char* name, std::vector<std::string>& out);

    // The value of a scalar setting; report and return false on a type mismatch.
    bool as_string(const lc::Setting& s, std::string& out);
    bool as_int(const lc::Setting& s, int64_t lo, int64_t hi, int64_t& out);

private:
    void record(const lc::Setting& s) { origins_[key(s)] = origin(s); }
    int index_of(const lc::Setting& s);
    unsigned line_of(const lc::Setting& s) const;

    const Source& src_;
    std::vector<Error>& errors_;
    std::map<std::string, Origin> origins_;
    // Index of each list element seen. libconfig's Setting::getPath() finds
    // it by a linear scan of the parent, quadratic over 65536 routes.
    std::unordered_map<const lc::Setting*, int> index_;
    // Caches of line_of(): the start of each line of the text, and the lines
    // of the string elements of each named list (0 = libconfig's line).
    mutable std::vector<size_t> line_starts_;
    mutable std::unordered_map<const lc::Setting*, std::vector<unsigned>> string_lines_;
};

// "an integer", "a string", ... for messages.
std::string_view type_name(const lc::Setting& s);
// A hint for an unknown `word`: ` (did you mean "x"?)` when one of `known`
// is a likely typo of it, else `; expected one of: a, b, c`.
std::string suggestion(std::string_view word, const std::vector<std::string_view>& known);
// `s` matches [A-Za-z0-9<extra>]{1,max}.
bool is_word(std::string_view s, std::string_view extra, size_t max);

}  // namespace haslb::config::detail
