# SPDX-License-Identifier: BSD-3-Clause
"""haslb as an IPv6 router (af_packet ports, standard lab with ipv6=True):
ping6 between segments and over the static route with the hop limit
decremented once, ping6 to the appliance's own addresses (the kernel behind
the exception taps answers), Neighbour Discovery learning seen in
`show ipv6 neighbors`, `show ipv6 route`, hop limit expiry answered with
ICMPv6 Time Exceeded, and `clear ipv6 neighbors`."""
import re

import pytest

from conftest import lab_prefix, Router
from lab import Lab, standard


@pytest.fixture(scope="module")
def router6(request):
    with Lab(lab_prefix(request.module)) as lab:
        standard.build_standard(lab, ipv6=True)
        haslb = standard.standard_haslb(lab).start()
        r = Router(lab, haslb)
        yield r
        if haslb.running:
            haslb.stop(check=False)


@pytest.fixture(autouse=True)
def _alive(request):
    yield
    r = getattr(request.node, "funcargs", {}).get("router6")
    if r is not None:
        r.assert_alive()


def _hosts(r):
    return {"pdsn": r.pdsn, "ha1": r.ha1, "srv": r.srv}


def _addr6(r, name):
    return standard.SRV_LOOPBACK6 if name == "srv-lo" else _hosts(r)[name].ip6


@pytest.mark.parametrize("src,dst", [
    ("pdsn", "srv"), ("srv", "pdsn"), ("pdsn", "ha1"), ("ha1", "pdsn"), ("ha1", "srv"),
    ("pdsn", "srv-lo"),
])
def test_ping6_through_appliance(router6, src, dst):
    """Hosts on different segments ping6 each other through haslb, and pdsn
    reaches 2001:db8:cc::1 behind the static route via srv. The reply's hop
    limit is the peer's 64 minus haslb's one hop."""
    host, address = _hosts(router6)[src], _addr6(router6, dst)
    host.wait_ping(address, timeout=20)
    r = host.ping(address, count=5)
    assert r.ok, r
    assert re.search(r"(ttl|hlim)=63 ", r.output), r.output


@pytest.mark.parametrize("src,address", [
    ("pdsn", "2001:db8:a::1"), ("ha1", "2001:db8:f::1"), ("srv", "2001:db8:c::1"),
    ("pdsn", "2001:db8:c::1"),
])
def test_ping6_appliance_address(router6, src, address):
    """Each host pings the appliance's address6 on its segment, and pdsn the
    core port's: the kernel in the exception namespace answers (hop limit 64:
    no router hop)."""
    host = _hosts(router6)[src]
    host.wait_ping(address, timeout=20)
    r = host.ping(address, count=3)
    assert r.ok, r
    assert re.search(r"(ttl|hlim)=64 ", r.output), r.output


def _neighbor6_rows(text):
    """`show ipv6 neighbors` rows as {address: tokens}."""
    rows = {}
    for line in text.splitlines():
        tokens = line.split()
        if tokens and ":" in tokens[0] and tokens[0] != "IPv6":
            rows[tokens[0]] = tokens
    return rows


def test_show_ipv6_neighbors_after_traffic(router6):
    """After traffic both ways, `show ipv6 neighbors` lists pdsn, ha1 and srv
    with the MACs of their eth0, REACHABLE, on the right port."""
    r = router6
    r.pdsn.wait_ping(r.srv.ip6, timeout=20)
    r.pdsn.wait_ping(r.ha1.ip6, timeout=20)
    out = r.haslb.console("show ipv6 neighbors")
    assert re.search(r"IPv6 Address\s+Age\(s\)\s+Link-layer Addr\s+State\s+Interface", out), out
    rows = _neighbor6_rows(out)
    for host, ifname in ((r.pdsn, "access"), (r.ha1, "farm"), (r.srv, "core")):
        assert host.ip6 in rows, f"{host.ip6} missing from:\n{out}"
        tokens = rows[host.ip6]
        assert host.mac_address in [t.lower() for t in tokens], f"{host.mac_address}: {tokens}"
        assert "REACHABLE" in tokens and ifname in tokens, tokens
    stats = r.haslb.console_stats()
    assert stats.get("forwarded6", 0) > 0, stats
    assert stats.get("nd_solicits_sent", 0) > 0, stats
    assert stats.get("nd_adverts_received", 0) > 0, stats


def test_show_ipv6_route(router6):
    """`show ipv6 route` has the three connected /64s and the static /48."""
    out = router6.haslb.console("show ipv6 route")
    for name, addr6 in standard.SEGMENTS6.items():
        net = addr6.replace("::1/64", "::/64")
        assert re.search(rf"^C\s+{re.escape(net)} is directly connected, {name}\s*$", out, re.M), out
    prefix, via = standard.ROUTES6[0]
    assert re.search(rf"^S\s+{re.escape(prefix)} \[1/0\] via {re.escape(via)}, core\s*$", out, re.M), out


def test_hop_limit_expiry(router6):
    """A ping6 with hop limit 1 through haslb gets ICMPv6 Time Exceeded from
    the appliance's address6 on the sender's segment; hop_limit_exceeded and
    icmp6_time_exceeded_sent grow."""
    h = router6.haslb
    router6.pdsn.wait_ping(router6.srv.ip6, timeout=20)
    before = h.console_stats(drops=True)
    r = router6.pdsn.ping(router6.srv.ip6, count=2, ttl=1)
    assert "From 2001:db8:a::1" in r.output and "Time exceeded" in r.output, r.output
    assert r.received == 0, r
    after = h.console_stats(drops=True)
    assert after["hop_limit_exceeded"] >= before.get("hop_limit_exceeded", 0) + 2, after
    assert h.console_stats().get("icmp6_time_exceeded_sent", 0) >= 2


def test_clear_ipv6_neighbors_then_relearn(router6):
    """`clear ipv6 neighbors ADDR` forgets srv; the next ping6 resolves it again."""
    r = router6
    r.pdsn.wait_ping(r.srv.ip6, timeout=20)
    out = r.haslb.console(f"clear ipv6 neighbors {r.srv.ip6}")
    assert "cleared" in out, out
    assert r.srv.ip6 not in _neighbor6_rows(r.haslb.console("show ipv6 neighbors"))
    r.pdsn.wait_ping(r.srv.ip6, timeout=20)
    rows = _neighbor6_rows(r.haslb.console("show ipv6 neighbors"))
    assert r.srv.ip6 in rows and "REACHABLE" in rows[r.srv.ip6], rows


def test_reload_removes_and_adds_ipv6_route(router6):
    """`reload` without the IPv6 static route stops forwarding to
    2001:db8:cc::1 (no_route6) and `show ipv6 route` loses it; putting it
    back restores both. The IPv4 route is untouched."""
    h, pdsn = router6.haslb, router6.pdsn
    pdsn.wait_ping(standard.SRV_LOOPBACK6, timeout=20)

    def rewrite(routes):
        h.routes = list(routes)
        with open(h.config_path, "w") as f:
            f.write(h.config_text())

    rewrite(standard.ROUTES)
    out = h.console("reload")
    assert "route 2001:db8:cc::/48 via 2001:db8:c::10 removed" in out, out
    assert "2001:db8:cc::/48" not in h.console("show ipv6 route")
    assert "203.0.113.128/25" in h.console("show routes")
    before = h.stats()["drops"]["no_route6"]
    assert not pdsn.ping(standard.SRV_LOOPBACK6, count=2).ok
    assert h.stats()["drops"]["no_route6"] >= before + 2

    rewrite(standard.ROUTES + standard.ROUTES6)
    out = h.console("reload")
    assert "route 2001:db8:cc::/48 via 2001:db8:c::10 added" in out, out
    pdsn.wait_ping(standard.SRV_LOOPBACK6, timeout=20)
