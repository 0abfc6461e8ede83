// SPDX-License-Identifier: BSD-3-Clause
// The control lcore's dispatch: every kind a worker can hand over reaches the
// handler registered for it, and a kind without a handler is dropped by name.
#include <catch2/catch.hpp>

#include <array>

#include "core/control.hpp"
#include "core/counters.hpp"
#include "frames.hpp"
#include "world.hpp"

using namespace haslb;
using core::ControlKind;

namespace {

constexpr size_t kKinds = core::kControlKinds;
std::array<unsigned, kKinds> g_seen{};

template <size_t K>
void record(rte_mbuf* m) {
    g_seen[K]++;
    rte_pktmbuf_free(m);
}

template <size_t... K>
void register_all(std::index_sequence<K...>) {
    (core::set_control_handler(ControlKind(K), record<K>), ...);
}

void unregister_all() {
    for (size_t k = 0; k < kKinds; k++) core::set_control_handler(ControlKind(k), nullptr);
}

void hand_over(test::World& w, ControlKind kind) {
    test::Ipv4Spec s;
    s.l4 = test::udp(s.src, s.dst, 1, 2, {0});
    rte_mbuf* m = w.mbuf(test::ipv4(s));
    core::meta(m)->ctl = kind;
    REQUIRE(rte_ring_enqueue(core::g_to_control, m) == 0);
}

}  // namespace

TEST_CASE("each control kind reaches its own handler", "[control]") {
    test::World w;
    REQUIRE(w.ok());
    g_seen = {};
    register_all(std::make_index_sequence<kKinds>{});
    for (size_t k = 0; k < kKinds; k++)
        for (size_t n = 0; n <= k; n++) hand_over(w, ControlKind(k));
    while (core::control_drain(0) != 0) {
    }
    unregister_all();
    for (size_t k = 0; k < kKinds; k++) {
        INFO("kind " << k);
        CHECK(g_seen[k] == k + 1);
    }
}

TEST_CASE("a control kind without a handler is dropped as no_exception_path", "[control]") {
    test::World w;
    REQUIRE(w.ok());
    unregister_all();
    hand_over(w, ControlKind::kHold6);
    hand_over(w, ControlKind::kLocal);
    CHECK(core::control_drain(0) == 2);
    CHECK(core::total_drop(core::Drop::no_exception_path) == 2);
}
