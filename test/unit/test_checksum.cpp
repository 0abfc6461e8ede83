// SPDX-License-Identifier: BSD-3-Clause
#include <catch2/catch.hpp>

#include <rte_ip.h>

#include <cstring>

#include "frames.hpp"
#include "net/checksum.hpp"
#include "net/headers.hpp"

using namespace haslb;

TEST_CASE("RFC 1071 example sums to the published value", "[checksum]") {
    // RFC 1071 section 3 example bytes: the one's complement sum is ddf2.
    const uint8_t data[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
    CHECK(net::csum_fold(net::csum_partial(data, sizeof(data))) == 0xddf2);
    CHECK(net::checksum(data, sizeof(data)) == uint16_t(~0xddf2));
}

TEST_CASE("odd length pads with a zero byte", "[checksum]") {
    const uint8_t a[] = {0x12, 0x34, 0x56};
    const uint8_t b[] = {0x12, 0x34, 0x56, 0x00};
    CHECK(net::checksum(a, 3) == net::checksum(b, 4));
}

TEST_CASE("TTL decrement keeps the IPv4 header checksum valid", "[checksum]") {
    for (uint8_t ttl : {uint8_t(2), uint8_t(64), uint8_t(128), uint8_t(255)}) {
        test::Ipv4Spec s;
        s.ttl = ttl;
        s.l4 = test::icmp_echo(1, 1);
        test::Bytes f = test::ipv4(s);
        auto* ip = reinterpret_cast<rte_ipv4_hdr*>(&f[14]);
        REQUIRE(net::ipv4_checksum_ok(ip));
        net::ipv4_dec_ttl(ip);
        CHECK(ip->time_to_live == ttl - 1);
        CHECK(net::ipv4_checksum_ok(ip));
        const uint16_t incremental = ip->hdr_checksum;
        net::ipv4_set_checksum(ip);
        CHECK(ip->hdr_checksum == incremental);
    }
}

TEST_CASE("32-bit incremental update equals a full recomputation", "[checksum]") {
    test::Ipv4Spec s;
    s.l4 = test::icmp_echo(7, 9);
    test::Bytes f = test::ipv4(s);
    auto* ip = reinterpret_cast<rte_ipv4_hdr*>(&f[14]);
    const uint32_t old_dst = rte_be_to_cpu_32(ip->dst_addr);
    const uint32_t new_dst = test::ip4("198.51.100.200");
    const uint16_t upd = net::csum_update32(rte_be_to_cpu_16(ip->hdr_checksum), old_dst, new_dst);
    ip->dst_addr = rte_cpu_to_be_32(new_dst);
    net::ipv4_set_checksum(ip);
    CHECK(rte_be_to_cpu_16(ip->hdr_checksum) == upd);
}
