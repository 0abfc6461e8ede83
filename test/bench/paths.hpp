// SPDX-License-Identifier: BSD-3-Clause
// haslb-bench's paths: the frames of a path and what each packet must get.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "core/counters.hpp"
#include "core/dataplane.hpp"
#include "frames.hpp"

namespace haslb::bench {

// Frames of one path: fixed-stride images copied back before every run.
struct Templates {
    uint32_t stride = 0;
    std::vector<uint8_t> data;
    std::vector<uint16_t> len;
    uint32_t count() const { return uint32_t(len.size()); }
    void add(const test::Bytes& f) {
        if (!stride) stride = uint32_t(RTE_ALIGN(f.size(), 64));
        if (f.size() > stride) std::abort();  // one path's frames share one size class
        data.resize(size_t(len.size() + 1) * stride);
        memcpy(&data[len.size() * size_t(stride)], f.data(), f.size());
        len.push_back(uint16_t(f.size()));
    }
};

enum class Kind { kIo, kPipeline, kRrqKnown, kRrqNew };

struct Path {
    std::string name, what;
    Kind kind;
    uint16_t in_port;
    core::Verdict expect;
    // Counter that must grow by one per packet (Stat or Drop).
    bool expect_drop;
    core::Stat stat;
    core::Drop drop;
    Templates t;
    bool cluster = false;  // needs the cluster (cluster_paths.hpp), set up before its first run
};

}  // namespace haslb::bench
