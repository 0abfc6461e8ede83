// SPDX-License-Identifier: BSD-3-Clause
// Where the agent's numbers come from: strongSwan through VICI
// (`swanctl --list-sas`), a file or a command printing `key value` lines,
// and the host's CPU and memory from /proc. Main thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "ikev2/load.hpp"

namespace haslb::cluster_agent {

// Counts IKE SAs (ESTABLISHED/REKEYING/REKEYED = established; CREATED and
// CONNECTING = in negotiation; DELETING/DESTROYING not counted) and
// INSTALLED CHILD SAs in the text of `swanctl --list-sas`.
ikev2::LoadReport parse_swanctl(const std::string& text);

// `key value` lines (also `key=value`, `key: value`); keys ike_sas,
// ike_in_neg, ipsec_sas (counts), cpu, mem (percent, decimals allowed).
// cpu/mem absent: nullopt there. Returns false with `err` on a bad line.
struct TextLoad {
    ikev2::LoadReport r;
    bool has_cpu = false, has_mem = false;
};
bool parse_load_text(const std::string& text, TextLoad& out, std::string& err);

// Host CPU busy per mille since the previous call (the first call: since
// boot) and memory in use per mille (MemTotal - MemAvailable).
class HostLoad {
public:
    uint16_t cpu_pm();
    uint16_t mem_pm();

private:
    uint64_t busy_ = 0, total_ = 0;
};

}  // namespace haslb::cluster_agent
