// SPDX-License-Identifier: BSD-3-Clause
// core::crc_lookup_bulk(_data): the data path's bulk lookups with inline CRC
// signatures must answer exactly as rte_hash_lookup_bulk(_data), for the
// tables haslb creates (rte_hash_crc, seed 0) and, through the fallback, for
// a table created with another hash function or seed.
#include <catch2/catch.hpp>

#include <rte_hash.h>
#include <rte_jhash.h>

#include <string>
#include <vector>

#include "core/datapath/crc_lookup.hpp"
#include "world.hpp"

using namespace haslb;

namespace {

struct Key16 {
    uint32_t a, b, c, d;
};

rte_hash* make(const std::string& name, uint32_t key_len, rte_hash_function fn, uint32_t seed) {
    rte_hash_parameters p{};
    p.name = name.c_str();
    p.entries = 1024;
    p.key_len = key_len;
    p.hash_func = fn;
    p.hash_func_init_val = seed;
    p.socket_id = SOCKET_ID_ANY;
    p.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF;
    return rte_hash_create(&p);
}

void check(rte_hash* h, uint32_t key_len) {
    // Keys 0..499 present (data = index), 500..563 absent; lookups in
    // bursts of 64 mixing both.
    std::vector<Key16> keys(564);
    for (uint32_t i = 0; i < keys.size(); i++) keys[i] = Key16{0x0a000000 + i * 7, i, ~i, 3 * i};
    for (uint32_t i = 0; i < 500; i++)
        REQUIRE(rte_hash_add_key_data(h, &keys[i], reinterpret_cast<void*>(uintptr_t(i) + 1)) == 0);
    for (uint32_t base = 0; base + 64 <= keys.size(); base += 50) {
        const void* kp[64];
        for (uint32_t i = 0; i < 64; i++) kp[i] = &keys[(base + i * 13) % keys.size()];
        int32_t want[64], got[64];
        rte_hash_lookup_bulk(h, kp, 64, want);
        core::crc_lookup_bulk(h, kp, key_len, 64, got);
        for (uint32_t i = 0; i < 64; i++) CHECK(got[i] == want[i]);
        uint64_t want_hits = 0, got_hits = 0;
        void* want_data[64];
        void* got_data[64];
        const int wn = rte_hash_lookup_bulk_data(h, kp, 64, &want_hits, want_data);
        const int gn = core::crc_lookup_bulk_data(h, kp, key_len, 64, &got_hits, got_data);
        CHECK(gn == wn);
        CHECK(got_hits == want_hits);
        for (uint32_t i = 0; i < 64; i++)
            if (want_hits & (1ull << i)) CHECK(got_data[i] == want_data[i]);
    }
}

}  // namespace

TEST_CASE("crc_lookup_bulk answers as rte_hash_lookup_bulk", "[crc-lookup]") {
    REQUIRE(test::eal_up());
    struct Case {
        const char* name;
        uint32_t key_len;
        rte_hash_function fn;
        uint32_t seed;
    };
    const Case cases[] = {
        {"crc4", 4, rte_hash_crc, 0},        // subscribers, neighbours
        {"crc16", 16, rte_hash_crc, 0},      // sessions, NAT
        {"crc16seed", 16, rte_hash_crc, 7},  // another seed: the fallback
        {"jhash4", 4, rte_jhash, 0},         // another function: the fallback
    };
    for (const Case& c : cases) {
        SECTION(c.name) {
            rte_hash* h = make(std::string("crclk_") + c.name, c.key_len, c.fn, c.seed);
            REQUIRE(h);
            check(h, c.key_len);
            rte_hash_free(h);
        }
    }
}
