// SPDX-License-Identifier: BSD-3-Clause
#include "core/pipeline.hpp"

#include <algorithm>
#include <array>

namespace haslb::core {

Dataplane g_dp;

namespace {
constexpr unsigned kMaxStages = 16;
std::array<Stage, kMaxStages> g_stages;
unsigned g_nb_stages = 0;
}  // namespace

void register_stage(const char* name, uint16_t rank, StageFn fn) {
    if (g_nb_stages == kMaxStages) return;  // a build with >16 stages is a programming error
    g_stages[g_nb_stages++] = Stage{name, rank, fn};
    std::stable_sort(g_stages.begin(), g_stages.begin() + g_nb_stages,
                     [](const Stage& a, const Stage& b) { return a.rank < b.rank; });
}

const Stage* stages(unsigned* count) {
    *count = g_nb_stages;
    return g_stages.data();
}

void run_pipeline(Burst& b, StageCtx& ctx) {
    for (unsigned s = 0; s < g_nb_stages; s++) g_stages[s].fn(b, ctx);
}

}  // namespace haslb::core
