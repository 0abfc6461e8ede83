// SPDX-License-Identifier: BSD-3-Clause
// Stateless HTTP 302 responder (see http_redirect.hpp).
//
// Sequence space of one redirected connection, c = the cookie:
//   c              our SYN/ACK
//   c+1 .. c+R     the 302 (R bytes), sent with FIN
//   c+R+1          our FIN
// so a client segment acknowledges either c+1 (it has our SYN/ACK only) or
// c+R+2 (it has everything). Those two are the only positions recognised;
// any other acknowledgment number gets an RST, as a listener without the
// connection would answer (RFC 793, "reset generation").
//
// Multi-segment mbufs: the TCP header must be in the first segment (parse
// already guarantees the IPv4 header is); the request body is never read, so
// the segments after the first are freed before the answer is written.
// IPv4 fragments are refused as malformed: a fragment's TCP header or length
// cannot be trusted without reassembly, and real clients send DF segments.
#include "hotline/datapath/http_redirect.hpp"

#include <rte_ip.h>
#include <rte_jhash.h>
#include <rte_tcp.h>

#include <algorithm>
#include <cstring>

#include "net/headers.hpp"

namespace haslb::hotline {
namespace {

using core::Drop;
using core::Stat;

constexpr std::string_view kHead = "HTTP/1.1 302 Found\r\nLocation: ";
constexpr std::string_view kTail = "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";

constexpr uint16_t kOurMss = 1460;
constexpr uint16_t kDefaultMss = 536;  // RFC 9293 3.7.1: without the option
constexpr uint16_t kWindow = 65535;
constexpr uint8_t kTtl = 64;
constexpr uint32_t kSlotShift = 6;  // 64-second cookie slots

constexpr uint8_t kFin = RTE_TCP_FIN_FLAG;
constexpr uint8_t kSyn = RTE_TCP_SYN_FLAG;
constexpr uint8_t kRst = RTE_TCP_RST_FLAG;
constexpr uint8_t kPsh = RTE_TCP_PSH_FLAG;
constexpr uint8_t kAck = RTE_TCP_ACK_FLAG;

// The client's segment, as far as the answer needs it (host order).
struct Seg {
    uint32_t client;  // subscriber address (our reply's destination)
    uint32_t server;  // the address it connected to (our reply's source)
    uint16_t cport;
    uint16_t sport;
    uint32_t seq;
    uint32_t ack;
    uint32_t len;  // payload bytes
    uint8_t flags;
    uint16_t mss;  // MSS option, 0 when absent (SYN only)
};

// What to send back.
struct Answer {
    uint32_t seq;
    uint32_t ack;
    uint8_t flags;
    uint16_t window;
    bool mss_option;  // SYN/ACK: one MSS option (data offset 6)
    uint16_t mss;
    bool redirect;  // payload: the 302
};

HttpOutcome dropped(Drop reason) {
    core::count_drop(reason);
    return {HttpResult::kDrop, reason};
}

// jhash is not a MAC; the secret words are spread over the input so that
// every mixing round depends on the key, which is what keeps cookies
// unpredictable to someone who cannot see the SYN/ACKs.
uint32_t cookie(const CookieSecret& s, const Seg& g, uint32_t slot) {
    const uint32_t w[8] = {
        s.key[0], s.key[1], g.client, g.server, uint32_t(g.cport) << 16 | g.sport,
        slot,     s.key[2], s.key[3]};
    return rte_jhash_32b(w, 8, s.key[0] ^ s.key[3]);
}

// MSS from the options of a SYN, 0 if absent or malformed. Options
// after a malformed one are not trusted, so the walk just stops there.
uint16_t find_mss(const uint8_t* opt, uint32_t len) {
    uint32_t i = 0;
    while (i < len) {
        const uint8_t kind = opt[i];
        if (kind == 0) break;  // end of option list
        if (kind == 1) {       // no-operation
            i++;
            continue;
        }
        if (i + 1 >= len) break;
        const uint8_t olen = opt[i + 1];
        if (olen < 2 || i + olen > len) break;
        if (kind == 2 && olen == 4) return uint16_t(opt[i + 2] << 8 | opt[i + 3]);
        i += olen;
    }
    return 0;
}

uint32_t redirect_len(std::string_view url) {
    return uint32_t(kHead.size() + url.size() + kTail.size());
}

// Rewrites m into the answer. The only failure is an answer that does not
// fit in the first segment's buffer, checked before anything is touched.
HttpOutcome write_answer(rte_mbuf* m, core::PacketMeta& meta, const Seg& g, const Answer& a,
                         std::string_view url) {
    const uint32_t l2 = meta.l2_len;
    const uint32_t tcp_len = a.mss_option ? 24 : 20;
    const uint32_t payload = a.redirect ? redirect_len(url) : 0;
    const uint32_t ip_len = uint32_t(sizeof(rte_ipv4_hdr)) + tcp_len + payload;
    const uint32_t frame = l2 + ip_len;
    const uint32_t have = rte_pktmbuf_data_len(m);  // the first segment's
    if (frame > UINT16_MAX || (frame > have && frame - have > rte_pktmbuf_tailroom(m)))
        return dropped(Drop::http_reply_too_big);

    if (m->next) {
        // Nothing after the first segment is kept (the answer is written
        // fresh), so the chain goes back to the pool.
        rte_pktmbuf_free(m->next);
        m->next = nullptr;
        m->nb_segs = 1;
        m->pkt_len = m->data_len;
    }
    if (frame > have) {
        rte_pktmbuf_append(m, uint16_t(frame - have));  // fits: checked above
    } else if (frame < have) {
        rte_pktmbuf_trim(m, uint16_t(have - frame));
    }

    // A fresh 20-byte header: the request's IP options (if any) are not
    // ours to echo, and TCP moves up to follow it.
    auto* ip = net::at<rte_ipv4_hdr>(m, l2);
    ip->version_ihl = RTE_IPV4_VHL_DEF;
    ip->type_of_service = 0;
    ip->total_length = rte_cpu_to_be_16(uint16_t(ip_len));
    ip->packet_id = 0;
    ip->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
    ip->time_to_live = kTtl;
    ip->next_proto_id = IPPROTO_TCP;
    ip->src_addr = rte_cpu_to_be_32(g.server);
    ip->dst_addr = rte_cpu_to_be_32(g.client);
    net::ipv4_set_checksum(ip);

    auto* th = reinterpret_cast<rte_tcp_hdr*>(ip + 1);
    th->src_port = rte_cpu_to_be_16(g.sport);
    th->dst_port = rte_cpu_to_be_16(g.cport);
    th->sent_seq = rte_cpu_to_be_32(a.seq);
    th->recv_ack = rte_cpu_to_be_32(a.ack);
    th->data_off = uint8_t((tcp_len / 4) << 4);
    th->tcp_flags = a.flags;
    th->rx_win = rte_cpu_to_be_16(a.window);
    th->cksum = 0;
    th->tcp_urp = 0;
    auto* p = reinterpret_cast<uint8_t*>(th) + sizeof(rte_tcp_hdr);
    if (a.mss_option) {
        p[0] = 2;  // kind MSS
        p[1] = 4;
        p[2] = uint8_t(a.mss >> 8);
        p[3] = uint8_t(a.mss);
        p += 4;
    }
    if (a.redirect) {
        memcpy(p, kHead.data(), kHead.size());
        p += kHead.size();
        memcpy(p, url.data(), url.size());
        p += url.size();
        memcpy(p, kTail.data(), kTail.size());
    }
    th->cksum = rte_ipv4_udptcp_cksum(ip, th);

    meta.src_ip = g.server;
    meta.dst_ip = g.client;
    meta.l4_proto = IPPROTO_TCP;
    meta.l4_off = uint16_t(l2 + sizeof(rte_ipv4_hdr));
    // The answer goes back towards the subscriber: a next hop chosen for
    // the request (if any stage did) would be the wrong way.
    meta.flags = uint8_t((meta.flags & ~core::kFlagNextHopSet) | core::kFlagLocalOrigin);
    return {HttpResult::kReply, Drop::kCount};
}

HttpOutcome reset(rte_mbuf* m, core::PacketMeta& meta, const Seg& g) {
    // RFC 9293 3.10.7.1: to a segment with ACK, <SEQ=SEG.ACK><CTL=RST>.
    const Answer a{g.ack, 0, kRst, 0, false, 0, false};
    HttpOutcome out = write_answer(m, meta, g, a, {});
    if (out.result == HttpResult::kReply) core::count_stat(Stat::http_rst_sent);
    return out;
}

}  // namespace

HttpOutcome http_redirect(rte_mbuf* m, core::PacketMeta& meta, std::string_view url,
                          const CookieSecret& secret, uint32_t now_s) {
    if (meta.l4_proto != IPPROTO_TCP) return dropped(Drop::http_redirect_not_tcp);

    // Bounds: the TCP header (options included) must lie inside the IPv4
    // total length and inside the first segment, where we read it.
    const auto* ip = net::at<const rte_ipv4_hdr>(m, meta.l2_len);
    const uint32_t ip_end = meta.l2_len + uint32_t(rte_be_to_cpu_16(ip->total_length));
    if (rte_be_to_cpu_16(ip->fragment_offset) & (RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK))
        return dropped(Drop::http_redirect_malformed);
    const uint32_t first = rte_pktmbuf_data_len(m);
    if (meta.l4_off + sizeof(rte_tcp_hdr) > ip_end || meta.l4_off + sizeof(rte_tcp_hdr) > first)
        return dropped(Drop::http_redirect_malformed);
    const auto* th = net::at<const rte_tcp_hdr>(m, meta.l4_off);
    const uint32_t thl = uint32_t(th->data_off >> 4) * 4;
    if (thl < sizeof(rte_tcp_hdr) || meta.l4_off + thl > ip_end || meta.l4_off + thl > first)
        return dropped(Drop::http_redirect_malformed);

    Seg g;
    g.client = rte_be_to_cpu_32(ip->src_addr);
    g.server = rte_be_to_cpu_32(ip->dst_addr);
    g.cport = rte_be_to_cpu_16(th->src_port);
    g.sport = rte_be_to_cpu_16(th->dst_port);
    g.seq = rte_be_to_cpu_32(th->sent_seq);
    g.ack = rte_be_to_cpu_32(th->recv_ack);
    g.len = ip_end - meta.l4_off - thl;
    g.flags = th->tcp_flags;
    g.mss = 0;

    // Never answer an RST (RFC 9293 3.10.7.1). Without ACK only a plain SYN
    // gets an answer: a listener ignores the rest (lone FINs, SYN+FIN scans).
    if (g.flags & kRst) return dropped(Drop::http_redirect_absorbed);
    if (!(g.flags & kAck)) {
        if ((g.flags & (kSyn | kFin)) != kSyn) return dropped(Drop::http_redirect_absorbed);
        g.mss = find_mss(reinterpret_cast<const uint8_t*>(th) + sizeof(rte_tcp_hdr),
                         thl - uint32_t(sizeof(rte_tcp_hdr)));
        // An MSS of 0 is no use to anyone: treat it as absent.
        const uint16_t mss = g.mss ? std::min(g.mss, kOurMss) : kDefaultMss;
        const uint32_t c = cookie(secret, g, now_s >> kSlotShift);
        const Answer a{c, g.seq + 1, kSyn | kAck, kWindow, true, mss, false};
        HttpOutcome out = write_answer(m, meta, g, a, url);
        if (out.result == HttpResult::kReply) core::count_stat(Stat::http_syn_answered);
        return out;
    }
    // A SYN/ACK to a listener is as wrong as a stale ACK.
    if (g.flags & kSyn) return reset(m, meta, g);

    const uint32_t r = redirect_len(url);
    const uint32_t slot = now_s >> kSlotShift;
    const bool fin = g.flags & kFin;
    for (uint32_t s : {slot, slot - 1}) {
        const uint32_t c = cookie(secret, g, s);
        if (g.ack == c + 1) {
            // They have our SYN/ACK only. The request (any payload, or a
            // retransmission of it) gets the 302; so does a FIN without a
            // request, which keeps their last ACK on the one position we
            // recognise (c+R+2) instead of inventing a third.
            if (!g.len && !fin) return dropped(Drop::http_redirect_absorbed);
            const Answer a{
                c + 1, g.seq + g.len + (fin ? 1 : 0), kFin | kPsh | kAck, kWindow, false, 0, true};
            HttpOutcome out = write_answer(m, meta, g, a, url);
            if (out.result == HttpResult::kReply) core::count_stat(Stat::http_redirects_sent);
            return out;
        }
        if (g.ack == c + r + 2) {
            // They have our FIN: acknowledge their FIN and anything they
            // still send, so their side can close.
            if (!g.len && !fin) return dropped(Drop::http_redirect_absorbed);
            const Answer a{c + r + 2, g.seq + g.len + (fin ? 1 : 0), kAck, kWindow, false, 0,
                           false};
            HttpOutcome out = write_answer(m, meta, g, a, url);
            if (out.result == HttpResult::kReply && fin) core::count_stat(Stat::http_fin_acked);
            return out;
        }
    }
    return reset(m, meta, g);
}

}  // namespace haslb::hotline
