// SPDX-License-Identifier: BSD-3-Clause
// `reload`: re-read the configuration file and apply what may change at run
// time. Init-only keys (EAL, driver, mempool, ports, console, exception
// namespace, table sizes) must be unchanged or the reload is refused whole.
// Modules register a reloader; each is called twice: first to check
// (apply=false, nothing changes), then, when every check passed, to apply.
//
// Control lcore only.
#pragma once

#include <string>

#include "config/config.hpp"

namespace haslb::core {

using ReloadFn = int (*)(const config::Config& cur, const config::Config& next, bool apply,
                         std::string& msg);
void register_reloader(const char* name, ReloadFn fn);

void set_running_config(const config::Config& cfg);  // main, at start
const config::Config& running_config();

// The model function behind every front-end. Returns 0 (msg says what
// changed), -EINVAL for a bad file or a changed init-only key (msg lists
// each with file:line), or the error of a reloader.
int reload(std::string& msg);

}  // namespace haslb::core
