// SPDX-License-Identifier: BSD-3-Clause
// load() and load_string(): read, expand @include, parse with libconfig,
// run every group parser, then the cross-checks. libconfig's exceptions stop
// here; callers get 0 or a negative errno and the list of problems.
#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <new>
#include <set>

#include <fmt/format.h>

#include "config/config.hpp"
#include "config/groups.hpp"
#include "config/source.hpp"

namespace haslb::config {

namespace {

using detail::Ctx;
namespace lc = libconfig;

int parse(const detail::Source& src, Config& out, std::vector<Error>& errors) {
    lc::Config lcfg;
    try {
        lcfg.readString(src.text);
    } catch (const lc::ParseException& e) {
        errors.push_back(Error{src.origin(static_cast<unsigned>(e.getLine())), "", e.getError()});
        return -EINVAL;
    }
    Ctx ctx(src, errors);
    const lc::Setting& root = lcfg.getRoot();
    std::vector<std::string_view> known;
    for (const auto& g : detail::group_specs()) known.push_back(g.name);
    for (int i = 0; i < root.getLength(); ++i) {
        std::string_view name = root[i].getName();
        if (std::find(known.begin(), known.end(), name) == known.end())
            ctx.error(root[i],
                      fmt::format("unknown group \"{}\"{}", name, detail::suggestion(name, known)));
    }
    std::set<std::string_view> failed;
    for (const auto& g : detail::group_specs()) {
        std::string name(g.name);
        size_t before = ctx.error_count();
        if (root.exists(name))
            g.parse(ctx, root[name.c_str()], out);
        else if (g.required)
            ctx.error(ctx.top(), name, "required group is missing");
        if (ctx.error_count() != before) failed.insert(g.name);
    }
    for (const auto& c : detail::cross_checks()) {
        bool clean = true;
        for (auto r : c.reads)
            if (!r.empty() && failed.count(r)) clean = false;
        if (clean) c.check(ctx, out);
    }
    return errors.empty() ? 0 : -EINVAL;
}

// Everything after reading the top file; `path` set when it is a real file.
int load_text(const std::string& text, const std::string& name, const std::string& dir,
              bool is_path, Config& out, std::vector<Error>& errors) {
    try {
        detail::Source src;
        if (int rc = detail::expand(text, name, dir, src, errors, is_path); rc < 0) return rc;
        Config cfg;
        cfg.file = name;
        if (int rc = parse(src, cfg, errors); rc < 0) return rc;
        out = std::move(cfg);
        return 0;
    } catch (const std::bad_alloc&) {
        errors.push_back(Error{Origin{name, 0}, "", "out of memory"});
        return -ENOMEM;
    } catch (const std::exception& e) {
        // A libconfig SettingException here would be a bug in a group parser.
        errors.push_back(Error{Origin{name, 0}, "", fmt::format("internal error: {}", e.what())});
        return -EINVAL;
    }
}

}  // namespace

std::string Error::str() const {
    std::string s = origin.file;
    if (origin.line > 0) s += fmt::format(":{}", origin.line);
    s += ": ";
    if (!key.empty()) s += key + ": ";
    return s + message;
}

int load(const std::string& path, Config& out, std::vector<Error>& errors) {
    errors.clear();
    std::string text, dir;
    try {
        if (int rc = detail::read_file(path, text); rc < 0) {
            errors.push_back(Error{Origin{path, 0}, "", "cannot read file"});
            return rc;
        }
        dir = std::filesystem::path(path).parent_path().string();
    } catch (const std::bad_alloc&) {
        return -ENOMEM;
    }
    return load_text(text, path, dir, true, out, errors);
}

int load_string(const std::string& text, const std::string& name, const std::string& include_dir,
                Config& out, std::vector<Error>& errors) {
    errors.clear();
    return load_text(text, name.empty() ? "<string>" : name, include_dir, false, out, errors);
}

}  // namespace haslb::config
