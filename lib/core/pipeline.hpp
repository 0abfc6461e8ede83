// SPDX-License-Identifier: BSD-3-Clause
// The stage list. A stage is a burst function: it looks at packets whose
// verdict is kContinue and may decide them. Modules register their stage from
// a constructor with a rank; the pipeline runs stages in rank order.
//
// register_stage(): constructors / control lcore before workers launch.
// run_pipeline(): worker lcores (and in-process tests); no allocation, no locks.
#pragma once

#include "core/dataplane.hpp"

namespace haslb::core {

using StageFn = void (*)(Burst&, StageCtx&);

// Ranks leave room between the stages DESIGN 3 names.
enum StageRank : uint16_t {
    kRankParse = 100,
    kRankClassify = 200,
    // IPv6: every IPv6 packet gets its final verdict inside 210..299, so the
    // IPv4 stages from kRankService on never see one.
    kRankClassify6 = 210,
    kRankService6 = 250,  // IKEv2 cluster on an IPv6 VIP
    kRankRoute6 = 290,
    kRankService = 300,  // SLB / IKEv2 cluster: virtual services
    kRankHotline = 400,
    kRankRoute = 900,
};

struct Stage {
    const char* name;
    uint16_t rank;
    StageFn fn;
};

void register_stage(const char* name, uint16_t rank, StageFn fn);

// Stages in rank order (for `show stats` and tests).
const Stage* stages(unsigned* count);

// Runs every stage over the burst. Packets still kContinue at the end are
// dropped as no_route by the route stage, so every packet leaves with a verdict.
void run_pipeline(Burst& b, StageCtx& ctx);

// Prepare a burst for run_pipeline.
inline void burst_init(Burst& b, uint16_t in_port, uint16_t n) {
    b.in_port = in_port;
    b.n = n;
    for (uint16_t i = 0; i < n; i++) b.verdict[i] = Verdict::kContinue;
}

}  // namespace haslb::core
