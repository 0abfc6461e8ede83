// SPDX-License-Identifier: BSD-3-Clause
// The hotline model's state observer (hotline::set_state_observer), which
// RADIUS accounting hangs on: one event per change of state, Accounting-
// Session-Id or activity, with the reason, old and new values, emitted
// after the model's lock is released (the observer reads the views).
#include <catch2/catch.hpp>

#include <vector>

#include "frames.hpp"
#include "hotline/hotline.hpp"
#include "hotline_world.hpp"
#include "world.hpp"

using namespace haslb;
using hotline::ChangeReason;

namespace {

std::vector<hotline::StateChange> g_seen;
std::vector<std::string> g_state_in_view;  // what user_views said inside the observer

void observe(const hotline::StateChange& c) {
    g_seen.push_back(c);
    const auto v = hotline::user_views(c.nai);  // would deadlock under the model's lock
    g_state_in_view.push_back(v.empty() ? "gone" : v[0].state);
}

struct Ev {
    test::World w;
    Ev() {
        REQUIRE(w.ok());
        std::string err;
        INFO(err);
        REQUIRE(test::setup_hotline(err) == 0);
        g_seen.clear();
        g_state_in_view.clear();
        hotline::set_state_observer(observe);
    }
    ~Ev() {
        hotline::set_state_observer(nullptr);
        hotline::hotline_fini();
    }
};

}  // namespace

TEST_CASE("every hotline state change reaches the observer with its reason", "[radius][events]") {
    Ev e;
    const std::string dave = "dave@example.com";
    const std::string acct0 = hotline::user_views(dave)[0].acct_session_id;
    std::string msg;
    hotline::ChangeContext coa{ChangeReason::kCoa, 5535, "IND"};
    REQUIRE(hotline::apply_profile(dave, "REDIR", 30, msg, coa) == 0);
    REQUIRE(g_seen.size() == 1);
    const auto& c = g_seen[0];
    CHECK(c.nai == dave);
    CHECK(c.reason == ChangeReason::kCoa);
    CHECK(c.old_acct_id == acct0);
    CHECK(c.new_acct_id == hotline::user_views(dave)[0].acct_session_id);
    CHECK(c.new_acct_id != acct0);
    CHECK(c.old_state == "normal");
    CHECK(c.new_state == "hotlined");
    CHECK(c.new_profile == "REDIR");
    CHECK(c.old_active);
    CHECK(c.new_active);
    CHECK(c.home_addr == test::ip4("198.51.100.80"));
    CHECK(c.session_timeout_s == 30);
    CHECK(c.new_indication == "IND");
    CHECK(c.new_indication_vendor == 5535);
    CHECK(g_state_in_view[0] == "hotlined");

    SECTION("Session-Timeout") {
        hotline::tick(hotline::now_s() + 31);
        REQUIRE(g_seen.size() == 2);
        CHECK(g_seen[1].reason == ChangeReason::kSessionTimeout);
        CHECK(g_seen[1].new_state == "ended");
        CHECK(g_seen[1].old_indication == "IND");  // kept for the Stop (requirement 7)
    }
    SECTION("the console, back to normal") {
        REQUIRE(hotline::set_normal(dave, msg) == 0);
        REQUIRE(g_seen.size() == 2);
        CHECK(g_seen[1].reason == ChangeReason::kConsole);
        CHECK(g_seen[1].old_state == "hotlined");
        CHECK(g_seen[1].new_state == "normal");
        CHECK(g_seen[1].old_profile == "REDIR");
        CHECK(g_seen[1].new_profile.empty());
    }
    SECTION("a Disconnect removes it") {
        REQUIRE(hotline::remove_subscriber(dave, msg, {ChangeReason::kDisconnect, 0, ""}) == 0);
        REQUIRE(g_seen.size() == 2);
        CHECK(g_seen[1].reason == ChangeReason::kDisconnect);
        CHECK(g_seen[1].new_state == "removed");
        CHECK(g_seen[1].new_acct_id.empty());
        CHECK_FALSE(g_seen[1].new_active);
        CHECK(g_state_in_view[1] == "gone");
    }
    SECTION("a profile applied again is still a change (new Accounting-Session-Id)") {
        REQUIRE(hotline::apply_profile(dave, "REDIR", 0, msg) == 0);
        REQUIRE(g_seen.size() == 2);
        CHECK(g_seen[1].old_acct_id == g_seen[0].new_acct_id);
    }
}

TEST_CASE("bindings: a new session's first binding and an accounted session's last",
          "[radius][events]") {
    Ev e;
    const std::string zoe = "zoe@example.com";
    std::string msg;
    REQUIRE(hotline::apply_profile(zoe, "FILTER", 0, msg, {ChangeReason::kCoa, 0, ""}) == 0);
    REQUIRE(g_seen.size() == 1);
    CHECK_FALSE(g_seen[0].old_active);
    CHECK_FALSE(g_seen[0].new_active);
    hotline::binding_changed(zoe, test::ip4("198.51.100.90"), true);
    REQUIRE(g_seen.size() == 2);
    CHECK(g_seen[1].reason == ChangeReason::kBinding);
    CHECK(g_seen[1].new_active);
    CHECK(g_seen[1].new_state == "hotlined");
    CHECK(g_seen[1].home_addr == test::ip4("198.51.100.90"));
    // A renewal changes nothing: no event.
    hotline::binding_changed(zoe, test::ip4("198.51.100.90"), true);
    CHECK(g_seen.size() == 2);
    hotline::binding_changed(zoe, test::ip4("198.51.100.90"), false);
    REQUIRE(g_seen.size() == 3);
    CHECK(g_seen[2].reason == ChangeReason::kBinding);
    CHECK_FALSE(g_seen[2].new_active);
    CHECK(g_seen[2].home_addr == test::ip4("198.51.100.90"));
    // Still hotlined, but its next session is a new accounting session.
    CHECK(g_seen[2].new_state == "hotlined");
    CHECK(g_seen[2].new_acct_id != g_seen[2].old_acct_id);
}

TEST_CASE("without an observer nothing is queued for later", "[radius][events]") {
    Ev e;
    hotline::set_state_observer(nullptr);
    std::string msg;
    REQUIRE(hotline::apply_profile("dave@example.com", "REDIR", 0, msg) == 0);
    hotline::set_state_observer(observe);
    REQUIRE(hotline::set_normal("dave@example.com", msg) == 0);
    REQUIRE(g_seen.size() == 1);  // only the change made while observed
    CHECK(g_seen[0].new_state == "normal");
}
