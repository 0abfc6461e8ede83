// SPDX-License-Identifier: BSD-3-Clause
// Per-lcore counters and the one list of drop reasons and statistics.
//
// Update rule: each lcore writes only its own slot (relaxed atomics, no
// sharing); readers (telemetry thread, console on the control lcore) sum all
// slots. Adding a reason = one line in HASLB_DROP_REASONS; names are what
// operators see in `show stats drops` and /haslb/stats.
#pragma once

#include <rte_common.h>
#include <rte_lcore.h>

#include <atomic>
#include <cstdint>
#include <string_view>

namespace haslb::core {

// X(identifier, "what it means")
#define HASLB_DROP_REASONS(X)                                                        \
    X(runt_frame, "frame shorter than its Ethernet/VLAN header")                     \
    X(not_for_us, "unicast frame to another MAC address")                            \
    X(vlan_mismatch, "VLAN tag absent, or not the port's VLAN")                      \
    X(unsupported_ethertype, "not IPv4, IPv6 or ARP (LLDP, ...)")                       \
    X(malformed_arp, "ARP that is not Ethernet/IPv4 or is truncated")                \
    X(malformed_ipv4, "IPv4 header truncated, bad version/IHL or total length")      \
    X(bad_ipv4_checksum, "IPv4 header checksum wrong")                               \
    X(martian_source, "source address is broadcast, multicast, loopback or ours")    \
    X(no_route, "no route to the destination")                                       \
    X(ttl_exceeded, "TTL would reach zero (ICMP Time Exceeded sent when allowed)")   \
    X(icmp_rate_limited, "ICMP error not sent: per-lcore rate limit")                \
    X(mtu_exceeded, "packet larger than the egress port MTU")                        \
    X(neighbor_incomplete, "next hop being resolved; first packets are held")        \
    X(neighbor_failed, "next hop did not answer ARP")                                \
    X(hold_queue_full, "too many packets held for one unresolved next hop")          \
    X(control_ring_full, "slow path busy: worker to control ring full")              \
    X(tx_full, "egress queue full")                                                  \
    X(no_exception_path, "local packet but the port has no exception tap")           \
    X(arp_ignored, "ARP not for us and not updating a known neighbour")              \
    X(arp_hold_dropped, "held packet dropped when its next hop failed")          \
    X(neighbor_table_full, "next hop not resolvable: neighbour table full")      \
    X(rrq_truncated, "RRQ to a virtual server shorter than its fixed part")     \
    X(rrq_bad_extension, "RRQ extension runs past the end of the packet")       \
    X(rrq_empty_nai, "RRQ with an NAI extension of length 0")                  \
    X(rrq_not_request, "UDP to a virtual server port that is not an RRQ")      \
    X(rrq_ha_field, "RRQ whose Home Agent field is not 0, broadcast or the VIP") \
    X(vip_not_service, "to a virtual address, but not its protocol/port")     \
    X(vserver_outofservice, "to a virtual server that is out of service")     \
    X(no_real_available, "no real of the farm can take a new session")          \
    X(hotline_filtered, "subscriber's packet matched a hotline filter rule")    \
    X(nat_table_full, "new redirected flow refused: NAT translation table full") \
    X(http_redirect_not_tcp, "non-TCP packet matched an HTTP redirect rule")     \
    X(http_redirect_malformed, "TCP header truncated or bad data offset (HTTP redirect)") \
    X(http_redirect_absorbed, "pure ACK or RST to haslb's HTTP redirect: nothing to answer") \
    X(http_reply_too_big, "HTTP redirect answer does not fit in the packet buffer") \
    X(hotline_session_ended, "to or from a subscriber whose hotline Session-Timeout passed") \
    X(hotline_fragment, "non-first IPv4 fragment of a flow under a redirect rule") \
    X(hotline_l4_truncated, "TCP/UDP/ICMP header truncated in a packet under a redirect rule") \
    X(cluster_not_service, "to the IKEv2 cluster VIP, but not UDP 500 or 4500")    \
    X(ike_fragment, "IP fragment to the cluster VIP (IKE_SA_INIT is never reassembled)") \
    X(ike_truncated, "UDP to the cluster VIP shorter than an IKE header (or non-ESP marker)") \
    X(ike_bad_version, "IKE message whose major version is not 2")                \
    X(ike_bad_length, "IKE header Length differs from the UDP payload length")     \
    X(ike_bad_payload, "IKE payload header truncated, too short or too many payloads") \
    X(ike_bad_notify, "IKE Notify payload shorter than its fixed part or SPI")     \
    X(ike_no_nonce, "IKE_SA_INIT request without a Nonce payload")                \
    X(ike_bad_nonce, "IKE_SA_INIT request nonce shorter than 16 or longer than 256 octets") \
    X(ike_no_session, "IKE or ESP-in-UDP to the cluster VIP of no known client SA") \
    X(cluster_no_gateway, "no cluster member alive and under the overload limit") \
    X(ike_redirect_no_room, "REDIRECT response does not fit in the packet buffer") \
    X(cluster_nat_full, "new cluster NAT session refused: table full")               \
    X(malformed_ipv6, "IPv6 header truncated, bad version or payload length")        \
    X(ipv6_ext_chain, "IPv6 extension headers truncated or more than 8 of them")     \
    X(martian_source6, "IPv6 source multicast, loopback, unspecified (not DAD) or ours") \
    X(ipv6_link_local_transit, "link-local IPv6 source or destination: never routed") \
    X(ipv6_multicast_scope, "IPv6 multicast beyond link-local scope (not routed)")   \
    X(nd_bad_hop_limit, "neighbour discovery message with a hop limit other than 255") \
    X(nd_malformed, "ND message: bad checksum, code, length, option or address")     \
    X(nd_ignored, "ND message not for us, no owner, nothing learned")                \
    X(nd_hold_dropped, "held IPv6 packet dropped when its next hop failed")          \
    X(hop_limit_exceeded, "hop limit would reach zero (ICMPv6 Time Exceeded sent when allowed)") \
    X(packet_too_big6, "IPv6 packet larger than the egress MTU (ICMPv6 Packet Too Big sent)") \
    X(no_route6, "no IPv6 route to the destination")

// Non-drop statistics.
#define HASLB_STATS(X)                                                 \
    X(rx_packets, "packets received on data ports by workers")        \
    X(tx_packets, "packets sent on data ports by workers")            \
    X(forwarded, "packets routed to another host")                    \
    X(to_control, "packets handed to the control lcore")              \
    X(to_kernel, "packets delivered to the exception-path taps")      \
    X(from_kernel, "packets sent by the kernel through the taps")     \
    X(icmp_time_exceeded_sent, "ICMP Time Exceeded generated")        \
    X(arp_requests_sent, "ARP requests sent by the neighbour resolver") \
    X(arp_replies_received, "ARP replies seen")                       \
    X(arp_resolve_failed, "next hops that did not answer ARP")        \
    X(neighbors_learned, "neighbour entries created")                 \
    X(neighbors_updated, "neighbour MAC changes")                     \
    X(neighbors_expired, "neighbour entries removed by aging")        \
    X(neighbors_refused, "neighbours not learned: table full")        \
    X(held_packets_sent, "held packets sent after resolution")        \
    X(rrq_seen, "RRQs to virtual servers")                            \
    X(rrq_balanced, "RRQs sent to a real")                            \
    X(rrq_new_session, "RRQs that created a session")                 \
    X(rrq_retransmitted, "RRQs seen again (same NAI and Identification, no RRP yet)") \
    X(rrq_without_nai, "RRQs without an NAI, balanced per request")   \
    X(sessions_reassigned, "sessions moved after too many retransmissions") \
    X(sessions_refused, "new sessions refused: session table full")   \
    X(sessions_expired, "sessions removed after their idle time")     \
    X(nai_hash_collisions, "NAIs sharing a 64-bit hash: balanced per request") \
    X(rrp_seen, "RRPs routed through haslb")                          \
    X(rrp_accepted, "RRPs with code 0 or 1")                          \
    X(rrp_denied, "RRPs with another code")                           \
    X(slb_events_lost, "session/binding events lost: event ring full") \
    X(bindings_learned, "bindings created or renewed from RRPs")      \
    X(bindings_removed, "bindings removed (lifetime 0 or expired)")   \
    X(bindings_refused, "bindings not stored: table full")             \
    X(hotline_upstream, "packets from subscribers with a profile, classified") \
    X(hotline_downstream, "packets to subscribers with a profile, classified") \
    X(hotline_passed, "subscriber packets that matched a pass rule or no rule") \
    X(hotline_ip_redirected, "packets rewritten to a redirect server")  \
    X(nat_reversed, "redirect servers' packets translated back")       \
    X(http_syn_answered, "SYNs answered with a SYN cookie (HTTP redirect)") \
    X(http_redirects_sent, "HTTP 302 answers sent")                    \
    X(http_fin_acked, "client FINs acknowledged after a 302")          \
    X(http_rst_sent, "RSTs sent for segments with no valid cookie") \
    X(ike_sa_init_seen, "IKE_SA_INIT requests to the cluster VIP")     \
    X(ike_redirects_sent, "IKE_SA_INIT answered with an RFC 5685 REDIRECT") \
    X(ike_nat_new, "clients without redirect support given to a gateway (NAT)") \
    X(ike_nat_forwarded, "packets to the cluster VIP NATed to a gateway") \
    X(ike_nat_reversed, "gateways' packets to NATed clients sent from the VIP") \
    X(cluster_nat_expired, "cluster NAT entries removed after nat_idle")  \
    X(forwarded6, "IPv6 packets routed to another host")                \
    X(icmp6_time_exceeded_sent, "ICMPv6 Time Exceeded generated")      \
    X(icmp6_too_big_sent, "ICMPv6 Packet Too Big generated")           \
    X(nd_solicits_sent, "neighbour solicitations sent by the resolver") \
    X(nd_solicits_received, "neighbour solicitations seen")            \
    X(nd_adverts_received, "neighbour advertisements seen")            \
    X(nd_adverts_sent, "neighbour advertisements sent for ND owners")  \
    X(nd_resolve_failed, "IPv6 next hops that did not answer NS")      \
    X(neighbors6_learned, "IPv6 neighbour entries created or completed") \
    X(neighbors6_updated, "IPv6 neighbour MAC changes")                \
    X(neighbors6_expired, "IPv6 neighbour entries removed by aging")   \
    X(neighbors6_refused, "IPv6 neighbours not learned: table full")

enum class Drop : uint16_t {
#define X(id, desc) id,
    HASLB_DROP_REASONS(X)
#undef X
        kCount
};

enum class Stat : uint16_t {
#define X(id, desc) id,
    HASLB_STATS(X)
#undef X
        kCount
};

constexpr size_t kDropCount = size_t(Drop::kCount);
constexpr size_t kStatCount = size_t(Stat::kCount);
constexpr size_t kMaxPorts = 16;

std::string_view drop_name(Drop d);
std::string_view drop_description(Drop d);
std::string_view stat_name(Stat s);
std::string_view stat_description(Stat s);

// Single-writer counter: the owner increments with a plain load/add/store,
// readers on other threads see a torn-free value.
struct Counter {
    std::atomic<uint64_t> v{0};
    void add(uint64_t n) { v.store(v.load(std::memory_order_relaxed) + n, std::memory_order_relaxed); }
    uint64_t get() const { return v.load(std::memory_order_relaxed); }
};

struct alignas(RTE_CACHE_LINE_SIZE) LcoreCounters {
    Counter drops[kDropCount];
    Counter stats[kStatCount];
    Counter port_tx_dropped[kMaxPorts];  // tx_full per egress port
};

// One slot per EAL lcore id; lcores other than EAL threads (the telemetry
// thread) must not write.
LcoreCounters& lcore_counters(unsigned lcore_id = rte_lcore_id());

inline void count_drop(Drop d, uint64_t n = 1) { lcore_counters().drops[size_t(d)].add(n); }
inline void count_stat(Stat s, uint64_t n = 1) { lcore_counters().stats[size_t(s)].add(n); }

// Sums over every lcore. Any thread.
uint64_t total_drop(Drop d);
uint64_t total_stat(Stat s);
uint64_t total_port_tx_dropped(uint16_t port_index);

// Zero every counter (unit tests, fixture runner). Not while workers run.
void reset_counters();

}  // namespace haslb::core
