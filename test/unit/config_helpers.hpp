// SPDX-License-Identifier: BSD-3-Clause
// Helpers shared by the test_config_*.cpp tests of the configuration loader:
// where the test data is, loading a text or a file into a Result, and checking
// the file, line, key and message of the errors.
#pragma once

#include <catch2/catch.hpp>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <unistd.h>
#include <vector>

#include "config/config.hpp"

namespace haslb::config::test {

// The environment's HASLB_SOURCE_ROOT, else the build's (a compile
// definition), else derived from this file's path, which meson gives relative
// to the build directory the tests run in.
inline std::filesystem::path source_root() {
    if (const char* e = std::getenv("HASLB_SOURCE_ROOT"); e && *e) return e;
#ifdef HASLB_SOURCE_ROOT
    return HASLB_SOURCE_ROOT;
#else
    std::filesystem::path p =
        std::filesystem::path(__FILE__).parent_path().parent_path().parent_path();
    return p.empty() ? std::filesystem::path(".") : p;
#endif
}

inline std::filesystem::path data_dir() {
    return source_root() / "test/unit/data/config";
}

// How the loader names an included file in messages.
inline std::string shown(const std::filesystem::path& p) {
    return p.lexically_normal().string();
}

struct Result {
    int rc = 0;
    Config cfg;
    std::vector<Error> errors;
};

// Loads `text` as "inline.conf"; a leading newline is dropped so that line 1
// is the first line after R"(.
inline Result load_text(std::string_view text,
                        const std::string& include_dir = data_dir().string()) {
    Result r;
    std::string t(text);
    if (!t.empty() && t[0] == '\n') t.erase(0, 1);
    r.rc = load_string(t, "inline.conf", include_dir, r.cfg, r.errors);
    return r;
}

inline Result load_file(const std::filesystem::path& p) {
    Result r;
    r.rc = load(p.string(), r.cfg, r.errors);
    return r;
}

inline std::string all(const std::vector<Error>& errors) {
    std::string s;
    for (const auto& e : errors) s += e.str() + "\n";
    return s;
}

inline void check_error(const Error& e, const std::string& file, int line, const std::string& key,
                        const std::string& part) {
    INFO("error: " << e.str());
    CHECK(e.origin.file == file);
    CHECK(e.origin.line == line);
    CHECK(e.key == key);
    CHECK_THAT(e.message, Catch::Contains(part));
}

// Exactly one error, in inline.conf.
inline void expect_one(const Result& r, int line, const std::string& key, const std::string& part) {
    INFO(all(r.errors));
    CHECK(r.rc == -EINVAL);
    REQUIRE(r.errors.size() == 1);
    check_error(r.errors[0], "inline.conf", line, key, part);
}

inline void expect_ok(const Result& r) {
    INFO(all(r.errors));
    CHECK(r.rc == 0);
    CHECK(r.errors.empty());
}

// A scratch directory under /tmp, removed at the end of the test.
struct TempDir {
    std::filesystem::path path;
    TempDir() {
        std::string tmpl =
            (std::filesystem::temp_directory_path() / "haslb-cfgtest-XXXXXX").string();
        REQUIRE(mkdtemp(tmpl.data()) != nullptr);
        path = tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    std::filesystem::path write(const std::string& name, const std::string& text) const {
        std::filesystem::path p = path / name;
        std::filesystem::create_directories(p.parent_path());
        std::ofstream(p) << text;
        return p;
    }
};

// One valid port: the smallest config that loads.
inline constexpr std::string_view kPort =
    R"(ports = ( { name = "p0"; device = "net_tap0"; address = "192.0.2.1/24"; } );)";

}  // namespace haslb::config::test
