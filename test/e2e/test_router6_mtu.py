# SPDX-License-Identifier: BSD-3-Clause
"""IPv6 path MTU through haslb (standard lab with ipv6=True, the core
segment's MTU, haslb's port included, lowered to 1280): a packet too big for the egress port is answered with
ICMPv6 Packet Too Big carrying that MTU (routers never fragment IPv6); the
sender's kernel learns the path MTU and its next packets, now fragmented at
the source, go through (non-first fragments are routed too)."""
import pytest

from conftest import lab_prefix, Router
from lab import Haslb, Lab, Port, standard


@pytest.fixture(scope="module")
def router6_mtu(request):
    with Lab(lab_prefix(request.module)) as lab:
        standard.build_standard(lab, ipv6=True)
        ports = [Port(name, lab.segments[name], settings="mtu = 1280; " if name == "core" else "")
                 for name, _ in standard.SEGMENTS]
        haslb = Haslb(lab, ports, standard.ROUTES + standard.ROUTES6).start()
        r = Router(lab, haslb)
        # The whole core segment has MTU 1280 (a veth drops frames above its MTU).
        r.srv.iproute("link", "set", "eth0", "mtu", "1280")
        yield r
        if haslb.running:
            haslb.stop(check=False)


def test_packet_too_big_then_pmtu(router6_mtu):
    """pdsn's 1448-byte ping6 to srv gets Packet Too Big (mtu=1280) from
    haslb's access address; the next ones, fragmented by pdsn, are answered."""
    r = router6_mtu
    h = r.haslb
    r.pdsn.wait_ping(r.srv.ip6, timeout=20)
    before = h.console_stats(drops=True).get("packet_too_big6", 0)
    # 1400 bytes of ICMPv6 payload: a 1448-byte IPv6 packet, > 1280.
    first = r.pdsn.ping(r.srv.ip6, count=1, size=1400)
    assert "Packet too big: mtu=1280" in first.output and "From 2001:db8:a::1" in first.output, \
        first.output
    assert h.console_stats(drops=True)["packet_too_big6"] >= before + 1
    assert h.console_stats().get("icmp6_too_big_sent", 0) >= 1
    # The kernel of pdsn now fragments to 1280: the same ping goes through.
    again = r.pdsn.ping(r.srv.ip6, count=3, size=1400)
    assert again.ok, again
    r.assert_alive()
