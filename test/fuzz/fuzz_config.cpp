// SPDX-License-Identifier: BSD-3-Clause
// libFuzzer target: arbitrary text through the configuration loader. It
// must return 0 or an error list, never crash, and every error must carry a
// message (an operator has to be able to act on it).
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "config/config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size > 64 * 1024) return -1;
    const std::string text(reinterpret_cast<const char*>(data), size);
    haslb::config::Config cfg;
    std::vector<haslb::config::Error> errors;
    // Includes resolve under a directory that does not exist: the fuzzer
    // exercises the error path of @include without reading the machine.
    const int rc = haslb::config::load_string(text, "fuzz.conf", "/nonexistent-haslb-fuzz", cfg, errors);
    if (rc != 0 && errors.empty()) {
        fprintf(stderr, "load_string failed (%d) without an error message\n", rc);
        abort();
    }
    for (const auto& e : errors)
        if (e.message.empty()) abort();
    if (rc == 0 && cfg.ports.empty()) abort();  // ports are required
    return 0;
}
