// SPDX-License-Identifier: BSD-3-Clause
#include "core/eal.hpp"

namespace haslb::core {

std::vector<std::string> eal_arguments(const config::Config& cfg, const std::vector<std::string>& extra) {
    std::vector<std::string> a{"haslb", "-l", cfg.eal.lcores, "--file-prefix", cfg.eal.file_prefix};
    a.insert(a.end(), cfg.driver.eal_args.begin(), cfg.driver.eal_args.end());
    a.insert(a.end(), cfg.eal.args.begin(), cfg.eal.args.end());
    for (const auto& p : cfg.ports) {
        if (p.device.rfind("net_", 0) == 0) {
            a.push_back("--vdev");
        } else {
            a.push_back("-a");
        }
        a.push_back(p.device);
    }
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
}

}  // namespace haslb::core
