// SPDX-License-Identifier: BSD-3-Clause
// Typed, reporting lookups over libconfig settings (see ctx.hpp).
#include "config/ctx.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace haslb::config::detail {

namespace {

size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
        }
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

bool is_int(const lc::Setting& s) {
    return s.getType() == lc::Setting::TypeInt || s.getType() == lc::Setting::TypeInt64;
}

}  // namespace

std::string_view type_name(const lc::Setting& s) {
    switch (s.getType()) {
        case lc::Setting::TypeInt:
        case lc::Setting::TypeInt64:
            return "an integer";
        case lc::Setting::TypeFloat:
            return "a float";
        case lc::Setting::TypeString:
            return "a string";
        case lc::Setting::TypeBoolean:
            return "a boolean";
        case lc::Setting::TypeGroup:
            return "a group { }";
        case lc::Setting::TypeArray:
            return "an array [ ]";
        case lc::Setting::TypeList:
            return "a list ( )";
        default:
            return "nothing";
    }
}

std::string suggestion(std::string_view word, const std::vector<std::string_view>& known) {
    std::string_view best;
    size_t best_d = SIZE_MAX;
    for (auto k : known) {
        size_t d = edit_distance(word, k);
        if (d < best_d) best_d = d, best = k;
    }
    if (best_d <= std::max<size_t>(1, std::min(word.size(), best.size()) / 3) &&
        best_d < word.size())
        return fmt::format(" (did you mean \"{}\"?)", best);
    std::string list;
    for (auto k : known) list += list.empty() ? std::string(k) : fmt::format(", {}", k);
    return fmt::format("; expected one of: {}", list);
}

bool is_word(std::string_view s, std::string_view extra, size_t max) {
    if (s.empty() || s.size() > max) return false;
    return std::all_of(s.begin(), s.end(), [&](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               extra.find(c) != std::string_view::npos;
    });
}

Origin Ctx::origin(const lc::Setting& s) const {
    return src_.origin(line_of(s));
}

// libconfig gives a string element of a list the line of the token after it
// (string_lines.cpp); for the elements of a named list the lines are found
// again in the text, from the list's line to the last element's.
unsigned Ctx::line_of(const lc::Setting& s) const {
    unsigned line = s.getSourceLine();
    if (s.getType() != lc::Setting::TypeString || s.isRoot() || s.getName()) return line;
    const lc::Setting& list = s.getParent();
    if (!list.getName() || (!list.isList() && !list.isArray())) return line;
    auto it = string_lines_.find(&list);
    if (it == string_lines_.end()) {
        if (line_starts_.empty()) {
            line_starts_.push_back(0);
            for (size_t i = 0; i < src_.text.size(); ++i)
                if (src_.text[i] == '\n') line_starts_.push_back(i + 1);
        }
        std::vector<std::string> values;
        std::vector<int> where;  // element index of each value
        unsigned first = list.getSourceLine(), last = first;
        for (int i = 0; i < list.getLength(); ++i) {
            last = std::max(last, list[i].getSourceLine());
            if (list[i].getType() != lc::Setting::TypeString) continue;
            values.push_back(list[i].c_str());
            where.push_back(i);
        }
        std::vector<unsigned> lines(static_cast<size_t>(list.getLength()), 0);
        if (first >= 1 && last < line_starts_.size()) {
            size_t from = line_starts_[first - 1], to = line_starts_[last];
            std::vector<unsigned> found =
                string_lines(std::string_view(src_.text).substr(from, to - from), first, values);
            for (size_t k = 0; k < found.size(); ++k)
                lines[static_cast<size_t>(where[k])] = found[k];
        }
        it = string_lines_.emplace(&list, std::move(lines)).first;
    }
    for (int i = 0; i < list.getLength(); ++i) {
        if (&list[i] != &s) continue;
        unsigned found = it->second[static_cast<size_t>(i)];
        return found != 0 && found <= line ? found : line;
    }
    return line;
}

int Ctx::index_of(const lc::Setting& s) {
    auto it = index_.find(&s);
    if (it != index_.end()) return it->second;
    // libconfig++ keeps one Setting object per setting, so addresses are
    // stable: index all siblings at once.
    const lc::Setting& parent = s.getParent();
    for (int i = 0; i < parent.getLength(); ++i) index_.emplace(&parent[i], i);
    return index_.at(&s);
}

std::string Ctx::key(const lc::Setting& s) {
    if (s.isRoot()) return "";
    std::string parent = key(s.getParent());
    std::string self = s.getName() ? std::string(s.getName()) : fmt::format("[{}]", index_of(s));
    return parent.empty() ? self : fmt::format("{}.{}", parent, self);
}

std::string Ctx::key(const lc::Setting& parent, std::string_view name) {
    std::string p = key(parent);
    return p.empty() ? std::string(name) : fmt::format("{}.{}", p, name);
}

void Ctx::error(const lc::Setting& s, std::string message) {
    errors_.push_back(Error{origin(s), key(s), std::move(message)});
}

void Ctx::error(Origin origin, std::string key, std::string message) {
    errors_.push_back(Error{std::move(origin), std::move(key), std::move(message)});
}

void Ctx::error_at(const std::string& key, const Origin& fallback, std::string message) {
    auto it = origins_.find(key);
    error(it != origins_.end() ? it->second : fallback, key, std::move(message));
}

void Ctx::check_keys(const lc::Setting& group, std::initializer_list<std::string_view> known) {
    for (int i = 0; i < group.getLength(); ++i) {
        const lc::Setting& s = group[i];
        std::string_view name = s.getName() ? s.getName() : "";
        if (std::find(known.begin(), known.end(), name) == known.end())
            error(s, fmt::format("unknown key \"{}\"{}", name, suggestion(name, known)));
    }
}

bool Ctx::expect_group(const lc::Setting& s) {
    if (s.isGroup()) return true;
    error(s, fmt::format("expected a group {{ ... }}, got {}", type_name(s)));
    return false;
}

bool Ctx::expect_list(const lc::Setting& s) {
    if (s.isList() || s.isArray()) return true;
    error(s, fmt::format("expected a list ( ... ), got {}", type_name(s)));
    return false;
}

const lc::Setting* Ctx::child(const lc::Setting& group, const char* name, bool required) {
    if (!group.exists(name)) {
        if (required) error(origin(group), key(group, name), "required key is missing");
        return nullptr;
    }
    const lc::Setting& s = group[name];
    record(s);
    return &s;
}

bool Ctx::as_string(const lc::Setting& s, std::string& out) {
    if (s.getType() != lc::Setting::TypeString) {
        error(s, fmt::format("expected a string, got {}", type_name(s)));
        return false;
    }
    out = s.c_str();
    return true;
}

bool Ctx::as_int(const lc::Setting& s, int64_t lo, int64_t hi, int64_t& out) {
    if (!is_int(s)) {
        error(s, fmt::format("expected an integer, got {}", type_name(s)));
        return false;
    }
    int64_t v = s.getType() == lc::Setting::TypeInt
                    ? static_cast<int64_t>(static_cast<int>(s))
                    : static_cast<int64_t>(static_cast<long long>(s));
    if (v < lo || v > hi) {
        error(s, fmt::format("{} is out of range {}..{}", v, lo, hi));
        return false;
    }
    out = v;
    return true;
}

bool Ctx::get_string(const lc::Setting& group, const char* name, std::string& out, bool required) {
    const lc::Setting* s = child(group, name, required);
    return s && as_string(*s, out);
}

bool Ctx::get_bool(const lc::Setting& group, const char* name, bool& out) {
    const lc::Setting* s = child(group, name, false);
    if (!s) return false;
    if (s->getType() != lc::Setting::TypeBoolean) {
        error(*s, fmt::format("expected true or false, got {}", type_name(*s)));
        return false;
    }
    out = static_cast<bool>(*s);
    return true;
}

bool Ctx::get_int(const lc::Setting& group, const char* name, int64_t lo, int64_t hi, int64_t& out,
                  bool required) {
    const lc::Setting* s = child(group, name, required);
    return s && as_int(*s, lo, hi, out);
}

bool Ctx::get_strings(const lc::Setting& group, const char* name, std::vector<std::string>& out) {
    const lc::Setting* s = child(group, name, false);
    if (!s) return false;
    if (!s->isList() && !s->isArray()) {
        error(*s,
              fmt::format("expected a list of strings [ \"...\", ... ], got {}", type_name(*s)));
        return false;
    }
    std::vector<std::string> v;
    bool ok = true;
    for (int i = 0; i < s->getLength(); ++i) {
        std::string str;
        if (as_string((*s)[i], str))
            v.push_back(std::move(str));
        else
            ok = false;
    }
    if (ok) out = std::move(v);
    return ok;
}

}  // namespace haslb::config::detail
