// SPDX-License-Identifier: BSD-3-Clause
// libFuzzer target: arbitrary frames through the real stages (parse,
// classify, SLB, RRP snoop, IKEv2 cluster on IPv4 and IPv6 VIPs, hotline,
// route; the HA-SLB world of slb_world.hpp, the hotline world of
// hotline_world.hpp and the cluster world of cluster_world.hpp with every
// member reporting) and,
// for what they hand to the control lcore, the ARP and hold handlers and
// the SLB event handler, with IPv6 (world6.hpp: FIB6, IPv6 neighbours) and
// the ND and IPv6 hold handlers. Input: one byte selecting the ingress port, then the
// frame. Beyond "no crash", it checks what every packet must satisfy:
// a verdict, exactly one named reason per drop, a transmitted frame that is
// a well-formed IPv4 packet with a valid header checksum (or an IPv6 packet
// whose payload length matches the frame), and a TCP/UDP
// checksum that was right on the way in is right on the way out (NAT and
// HTTP redirect rewrites, cluster NAT both families); a UDP datagram haslb
// writes itself over IPv6 (a cluster REDIRECT) has a right checksum.
#include <rte_cycles.h>
#include <rte_ip.h>

#include <cstdlib>
#include <cstring>

#include "core/counters.hpp"
#include "core/pipeline.hpp"
#include "ikev2/cluster.hpp"
#include "net/ipv6.hpp"
#include "net/headers.hpp"
#include "route/neighbor.hpp"
#include "slb/slb.hpp"
#include "hotline/hotline.hpp"
#include "cluster_world.hpp"
#include "hotline_world.hpp"
#include "slb_world.hpp"
#include "world.hpp"
#include "world6.hpp"

using namespace haslb;

namespace {

test::World* g_world;
test::World6* g_world6;

uint64_t total_drops() {
    uint64_t n = 0;
    for (size_t d = 0; d < core::kDropCount; d++) n += core::total_drop(core::Drop(d));
    return n;
}

// 1 if the frame's TCP/UDP checksum is right, 0 if wrong, -1 if there is
// none to check (not TCP/UDP, a fragment, truncated, UDP checksum 0).
int l4_checksum(const std::vector<uint8_t>& f, size_t l2) {
    if (f.size() < l2 + sizeof(rte_ipv4_hdr)) return -1;
    const auto* ip = reinterpret_cast<const rte_ipv4_hdr*>(f.data() + l2);
    const size_t ihl = (ip->version_ihl & 0xf) * 4u, total = rte_be_to_cpu_16(ip->total_length);
    if ((ip->version_ihl >> 4) != 4 || ihl < 20 || total < ihl || l2 + total > f.size()) return -1;
    if (rte_be_to_cpu_16(ip->fragment_offset) & (RTE_IPV4_HDR_OFFSET_MASK | RTE_IPV4_HDR_MF_FLAG))
        return -1;
    const uint8_t proto = ip->next_proto_id;
    const size_t len = total - ihl;
    const uint8_t* l4 = f.data() + l2 + ihl;
    if ((proto != IPPROTO_TCP || len < 20) && (proto != IPPROTO_UDP || len < 8)) return -1;
    if (proto == IPPROTO_UDP && l4[6] == 0 && l4[7] == 0) return -1;
    uint32_t sum = net::csum_partial(&ip->src_addr, 8);
    sum += proto + uint32_t(len);
    sum = net::csum_partial(l4, len, sum);
    return net::csum_fold(sum) == 0xffff ? 1 : 0;
}

// The same for an IPv6 frame whose upper layer directly follows the header
// (no extension header).
int l4_checksum6(const std::vector<uint8_t>& f, size_t l2) {
    if (f.size() < l2 + sizeof(rte_ipv6_hdr)) return -1;
    const auto* ip = reinterpret_cast<const rte_ipv6_hdr*>(f.data() + l2);
    const size_t len = rte_be_to_cpu_16(ip->payload_len);
    if ((rte_be_to_cpu_32(ip->vtc_flow) >> 28) != 6 || l2 + sizeof(rte_ipv6_hdr) + len > f.size())
        return -1;
    if ((ip->proto != IPPROTO_TCP || len < 20) && (ip->proto != IPPROTO_UDP || len < 8)) return -1;
    return net::ip6_l4_checksum(ip, ip + 1, uint32_t(len), ip->proto) == 0 ? 1 : 0;
}

[[noreturn]] void fail(const char* what) {
    fprintf(stderr, "invariant violated: %s\n", what);
    abort();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    g_world = new test::World();
    g_world6 = new test::World6();
    std::string err;
    if (!g_world->ok() || !g_world6->ok() || test::setup_slb(err) != 0 ||
        test::setup_hotline(err) != 0 || test::setup_cluster(err) != 0) {
        fprintf(stderr, "test world: %s %s\n", g_world->error().c_str(), err.c_str());
        abort();
    }
    // Every member alive and under the limit: redirects and NAT of both families.
    ikev2::LoadReport r;
    r.cpu_pm = 300;
    for (const char* gw : {"198.51.100.11", "198.51.100.12", "198.51.100.13", test::kClusterGw6,
                           test::kClusterGw6b})
        if (test::cluster_report(gw, r) != 0) abort();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 1 || size > 1 + 1518) return -1;
    const uint16_t port = data[0] % 3;
    const std::vector<uint8_t> frame(data + 1, data + size);
    const bool vlan = frame.size() >= 14 && frame[12] == 0x81 && frame[13] == 0x00;
    const int l4_in = l4_checksum(frame, vlan ? 18 : 14);
    const int l4_in6 = l4_checksum6(frame, vlan ? 18 : 14);
    const uint64_t drops_before = total_drops();
    core::Burst b = g_world->run(port, {frame});
    uint64_t dropped = 0;
    for (uint16_t i = 0; i < b.n; i++) {
        rte_mbuf* m = b.pkts[i];
        switch (b.verdict[i]) {
            case core::Verdict::kContinue:
                fail("packet left the pipeline without a verdict");
            case core::Verdict::kDrop:
                dropped++;
                break;
            case core::Verdict::kTx: {
                const core::PacketMeta* pm = core::meta(m);
                if (pm->out_port >= core::g_dp.nb_ports) fail("tx to a port that does not exist");
                const auto out = test::World::bytes(m);
                if (pm->cls == core::PktClass::kTransit6) {
                    if (out.size() < pm->l2_len + sizeof(rte_ipv6_hdr)) fail("tx frame shorter than IPv6");
                    auto* ip6 = reinterpret_cast<const rte_ipv6_hdr*>(out.data() + pm->l2_len);
                    if (out.size() != pm->l2_len + sizeof(rte_ipv6_hdr) + rte_be_to_cpu_16(ip6->payload_len))
                        fail("tx frame length differs from the IPv6 payload length");
                    const int l4_out6 = l4_checksum6(out, pm->l2_len);
                    if (l4_in6 == 1 && l4_out6 == 0) fail("a right IPv6 TCP/UDP checksum became wrong");
                    if ((pm->flags & core::kFlagLocalOrigin) && ip6->proto == IPPROTO_UDP && l4_out6 != 1)
                        fail("haslb's own IPv6/UDP datagram with a wrong checksum");
                    break;
                }
                if (out.size() < pm->l2_len + sizeof(rte_ipv4_hdr))
                    fail("tx frame shorter than IPv4");
                auto* ip = reinterpret_cast<const rte_ipv4_hdr*>(out.data() + pm->l2_len);
                if (!net::ipv4_checksum_ok(ip)) fail("tx frame with a bad IPv4 checksum");
                if (out.size() != pm->l2_len + size_t(rte_be_to_cpu_16(ip->total_length)))
                    fail("tx frame length differs from the IPv4 total length");
                if (l4_in == 1 && l4_checksum(out, pm->l2_len) == 0)
                    fail("a right TCP/UDP checksum became wrong");
                break;
            }
            case core::Verdict::kControl:
                // The control lcore's handlers take ownership.
                if (core::meta(m)->ctl == core::ControlKind::kArp) {
                    route::arp_input(m);
                    b.pkts[i] = nullptr;
                } else if (core::meta(m)->ctl == core::ControlKind::kHold) {
                    route::neigh_hold(m);
                    b.pkts[i] = nullptr;
                } else if (core::meta(m)->ctl == core::ControlKind::kNd) {
                    route::nd_input(m);
                    b.pkts[i] = nullptr;
                } else if (core::meta(m)->ctl == core::ControlKind::kHold6) {
                    route::neigh6_hold(m);
                    b.pkts[i] = nullptr;
                }
                break;
        }
    }
    if (total_drops() - drops_before < dropped) fail("a drop without a named reason");
    for (uint16_t i = 0; i < b.n; i++)
        if (b.pkts[i]) rte_pktmbuf_free(b.pkts[i]);
    for (uint16_t p = 0; p < 3; p++) g_world->control_sent(p);
    slb::Event ev[8];
    unsigned n;
    while ((n = rte_ring_dequeue_burst_elem(slb::g_slb.events, ev, sizeof(slb::Event), 8, nullptr)))
        for (unsigned i = 0; i < n; i++) slb::handle_event(ev[i]);
    // Now and then the control lcore's timer work: session timeouts and
    // NAT expiry (a far-future clock empties the table, exercising reuse).
    static unsigned calls;
    if (++calls % 4096 == 0) {
        hotline::tick(hotline::now_s() + 3600);
        ikev2::expire_nat(rte_get_tsc_cycles() + 3600 * rte_get_tsc_hz());
    }
    return 0;
}
