// SPDX-License-Identifier: BSD-3-Clause
// EAL arguments from the configuration. Main thread, before rte_eal_init.
#pragma once

#include <string>
#include <vector>

#include "config/config.hpp"

namespace haslb::core {

// argv for rte_eal_init: program name, -l, --file-prefix, the driver's
// arguments, eal.args, one --vdev / -a per port, then `extra` (the command
// line after "--").
std::vector<std::string> eal_arguments(const config::Config& cfg, const std::vector<std::string>& extra);

}  // namespace haslb::core
