// SPDX-License-Identifier: BSD-3-Clause
// IPv6 parsing (fixed header, extension headers, truncation, padding) and
// the classify6 stage (martians, ND, local, link-local, multicast).
#include <catch2/catch.hpp>

#include <cstring>

#include "core/counters.hpp"
#include "core/dataplane.hpp"
#include "world.hpp"
#include "world6.hpp"

using namespace haslb;
using core::Drop;
using core::Verdict;

namespace {

test::Bytes udp_payload() {
    return test::udp6("2001:db8:a::10", "2001:db8:c::10", 1, 2, {1, 2, 3, 4});
}

// An extension header of `len8` 8-octet units after the first 8.
test::Bytes ext(uint8_t next, uint8_t len8 = 0) {
    test::Bytes b(8 + len8 * 8u, 0);
    b[0] = next;
    b[1] = len8;
    b[2] = 1;  // PadN option over the rest: a valid options header
    b[3] = uint8_t(b.size() - 4);
    return b;
}

test::Bytes frag(uint8_t next, uint16_t offset_units, bool more) {
    return {
        next, 0, uint8_t(offset_units >> 5), uint8_t((offset_units << 3) | (more ? 1 : 0)), 0, 0,
        0,    7};
}

struct Out {
    Verdict v;
    core::PacketMeta m;
    uint32_t len;
};

Out one(test::World& w, const test::Bytes& f, uint16_t port = 0) {
    core::Burst b = w.run(port, {f});
    Out o{b.verdict[0], *core::meta(b.pkts[0]), rte_pktmbuf_pkt_len(b.pkts[0])};
    w.release(b);
    return o;
}

}  // namespace

TEST_CASE("IPv6 headers parse to the upper layer", "[parse6]") {
    test::World w;
    INFO(w.error());
    REQUIRE(w.ok());
    test::World6 w6;
    INFO(w6.error());
    REQUIRE(w6.ok());

    SECTION("plain UDP is routed as IPv6 transit") {
        test::Ipv6Spec s;
        s.payload = udp_payload();
        Out o = one(w, test::ipv6(s));
        CHECK(o.v == Verdict::kTx);
        CHECK(o.m.cls == core::PktClass::kTransit6);
        CHECK(o.m.l4_proto == 17);
        CHECK(o.m.l4_off == 54);
        CHECK(o.m.src_ip == 0);
        CHECK(o.m.dst_ip == 0);
    }
    SECTION("hop-by-hop, routing and destination options are walked") {
        test::Ipv6Spec s;
        s.next_header = 0;
        s.payload = ext(43);
        test::Bytes rt = ext(60, 1);
        test::Bytes dopt = ext(17);
        s.payload.insert(s.payload.end(), rt.begin(), rt.end());
        s.payload.insert(s.payload.end(), dopt.begin(), dopt.end());
        test::Bytes u = udp_payload();
        s.payload.insert(s.payload.end(), u.begin(), u.end());
        Out o = one(w, test::ipv6(s));
        CHECK(o.v == Verdict::kTx);
        CHECK(o.m.l4_proto == 17);
        CHECK(o.m.l4_off == 54 + 8 + 16 + 8);
    }
    SECTION("a first fragment names its upper layer, a later one does not") {
        test::Ipv6Spec s;
        s.next_header = 44;
        s.payload = frag(17, 0, true);
        test::Bytes u = udp_payload();
        s.payload.insert(s.payload.end(), u.begin(), u.end());
        Out o = one(w, test::ipv6(s));
        CHECK(o.m.l4_proto == 17);
        CHECK(o.m.l4_off == 62);
        s.payload = frag(17, 100, false);
        s.payload.insert(s.payload.end(), u.begin(), u.end());
        o = one(w, test::ipv6(s));
        CHECK(o.v == Verdict::kTx);  // still routed
        CHECK(o.m.l4_proto == 44);
        CHECK(o.m.l4_off == 62);
    }
    SECTION("Ethernet padding is trimmed") {
        test::Ipv6Spec s;
        s.payload = udp_payload();
        test::Bytes f = test::ipv6(s);
        const size_t len = f.size();
        f.resize(len + 20, 0);
        Out o = one(w, f);
        CHECK(o.v == Verdict::kTx);
        CHECK(o.len == len);
    }
    SECTION("truncated header, bad version, payload length beyond the frame, jumbo") {
        test::Ipv6Spec s;
        s.payload = udp_payload();
        test::Bytes f = test::ipv6(s);
        CHECK(one(w, test::Bytes(f.begin(), f.begin() + 40)).v == Verdict::kDrop);
        test::Bytes v4 = f;
        v4[14] = 0x40;
        CHECK(one(w, v4).v == Verdict::kDrop);
        s.payload_len = int(s.payload.size()) + 1;
        CHECK(one(w, test::ipv6(s)).v == Verdict::kDrop);
        s.payload_len = 0;
        CHECK(one(w, test::ipv6(s)).v == Verdict::kDrop);
        CHECK(core::total_drop(Drop::malformed_ipv6) == 4);
    }
    SECTION("a truncated or endless extension chain") {
        test::Ipv6Spec s;
        s.next_header = 0;
        s.payload = ext(17, 4);  // claims 40 bytes
        s.payload.resize(16);
        CHECK(one(w, test::ipv6(s)).v == Verdict::kDrop);
        s.payload.clear();
        for (int i = 0; i < 9; i++) {
            test::Bytes e = ext(60);
            s.payload.insert(s.payload.end(), e.begin(), e.end());
        }
        test::Bytes u = udp_payload();
        s.payload.insert(s.payload.end(), u.begin(), u.end());
        s.next_header = 60;
        CHECK(one(w, test::ipv6(s)).v == Verdict::kDrop);
        CHECK(core::total_drop(Drop::ipv6_ext_chain) == 2);
    }
    SECTION("other ethertypes are still unsupported") {
        test::Ipv6Spec s;
        s.payload = udp_payload();
        test::Bytes f = test::ipv6(s);
        f[12] = 0x88;
        f[13] = 0xcc;
        CHECK(one(w, f).v == Verdict::kDrop);
        CHECK(core::total_drop(Drop::unsupported_ethertype) == 1);
    }
}

TEST_CASE("classify6 sorts IPv6 into martians, ND, local and transit", "[classify6]") {
    test::World w;
    REQUIRE(w.ok());
    test::World6 w6;
    INFO(w6.error());
    REQUIRE(w6.ok());
    auto frame = [](const std::string& src, const std::string& dst, test::Bytes l4, uint8_t nh = 17,
                    uint8_t hl = 64, const std::string& dmac = "02:00:00:00:01:01") {
        test::Ipv6Spec s;
        s.src = src;
        s.dst = dst;
        s.next_header = nh;
        s.hop_limit = hl;
        s.payload = std::move(l4);
        s.dst_mac = dmac;
        return test::ipv6(s);
    };
    const test::Bytes udp{0, 1, 0, 2, 0, 8, 0, 0};
    const test::Bytes ns_body(20, 0);

    SECTION("martian sources") {
        CHECK(one(w, frame("ff02::1", "2001:db8:c::10", udp)).v == Verdict::kDrop);
        CHECK(one(w, frame("::1", "2001:db8:c::10", udp)).v == Verdict::kDrop);
        CHECK(one(w, frame("::", "2001:db8:c::10", udp)).v == Verdict::kDrop);
        CHECK(one(w, frame("2001:db8:f::1", "2001:db8:c::10", udp)).v == Verdict::kDrop);  // ours
        CHECK(core::total_drop(Drop::martian_source6) == 4);
    }
    SECTION("the unspecified source is allowed for DAD") {
        Out o = one(
            w, frame("::", "ff02::1:ff00:10", test::icmp6("::", "ff02::1:ff00:10", 135, 0, ns_body),
                     58, 255, "33:33:ff:00:00:10"));
        CHECK(o.v == Verdict::kControl);
        CHECK(o.m.ctl == core::ControlKind::kNd);
        CHECK(o.m.cls == core::PktClass::kNd);
    }
    SECTION("a port without IPv6 does not turn :: into one of our addresses") {
        core::DpPort& core_port = core::g_dp.ports[2];
        const core::DpPort saved = core_port;
        core_port.plen6 = 0;
        std::memset(core_port.addr6, 0, 16);
        std::memset(core_port.ll6, 0, 16);
        Out o = one(
            w, frame("::", "ff02::1:ff00:10", test::icmp6("::", "ff02::1:ff00:10", 135, 0, ns_body),
                     58, 255, "33:33:ff:00:00:10"));
        CHECK(o.v == Verdict::kControl);
        CHECK(o.m.ctl == core::ControlKind::kNd);
        core_port = saved;
    }
    SECTION("ND with a hop limit below 255 is dropped") {
        CHECK(
            one(w, frame("2001:db8:a::10", "2001:db8:a::1",
                         test::icmp6("2001:db8:a::10", "2001:db8:a::1", 136, 0, ns_body), 58, 254))
                .v == Verdict::kDrop);
        CHECK(core::total_drop(Drop::nd_bad_hop_limit) == 1);
    }
    SECTION("to the port's addresses and link-local multicast: the kernel") {
        for (const char* dst : {"2001:db8:a::1", "fe80::ff:fe00:101", "2001:db8:c::1", "ff02::1"}) {
            INFO(dst);
            Out o = one(w, frame("2001:db8:a::10", dst,
                                 test::icmp6("2001:db8:a::10", dst, 128, 0, {0, 1, 0, 1}), 58, 64,
                                 dst[0] == 'f' && dst[1] == 'f' ? "33:33:00:00:00:01"
                                                                : "02:00:00:00:01:01"));
            CHECK(o.v == Verdict::kControl);
            CHECK(o.m.ctl == core::ControlKind::kLocal);
        }
    }
    SECTION("wider multicast and link-local transit are not routed") {
        CHECK(one(w, frame("2001:db8:a::10", "ff05::2", udp, 17, 64, "33:33:00:00:00:02")).v ==
              Verdict::kDrop);
        CHECK(core::total_drop(Drop::ipv6_multicast_scope) == 1);
        CHECK(one(w, frame("2001:db8:a::10", "fe80::99", udp)).v == Verdict::kDrop);
        CHECK(one(w, frame("fe80::10", "2001:db8:c::10", udp)).v == Verdict::kDrop);
        CHECK(core::total_drop(Drop::ipv6_link_local_transit) == 2);
    }
}
