# SPDX-License-Identifier: BSD-3-Clause
"""haslb as a router (af_packet ports, standard lab): forwarding between
segments and over the static route, pings to its own addresses, ARP
learning, TTL expiry, and the kernel exception path."""
import os
import re

import pytest

from lab import standard, traffic

STATIC_ROUTE = standard.ROUTES[0]


def _hosts(router):
    return {"pdsn": router.pdsn, "ha1": router.ha1, "srv": router.srv}


def _addr(router, name):
    return standard.SRV_LOOPBACK if name == "srv-lo" else _hosts(router)[name].ip


@pytest.mark.parametrize("src,dst", [
    ("pdsn", "srv"), ("srv", "pdsn"), ("pdsn", "ha1"), ("ha1", "pdsn"), ("ha1", "srv"),
    ("pdsn", "srv-lo"),
])
def test_ping_through_appliance(router, src, dst):
    """Hosts on different segments ping each other through haslb, and pdsn
    reaches 203.0.113.129 behind the static route via srv."""
    host, address = _hosts(router)[src], _addr(router, dst)
    host.wait_ping(address, timeout=15)
    r = host.ping(address, count=5)
    assert r.ok, r
    # One router hop: the reply's TTL is the peer's 64 minus haslb's hop.
    assert re.search(r"ttl=63 ", r.output), r.output


@pytest.mark.parametrize("src,address", [
    ("pdsn", "192.0.2.1"), ("ha1", "198.51.100.1"), ("srv", "203.0.113.1"),
    ("pdsn", "203.0.113.1"), ("pdsn", "198.51.100.1"),
])
def test_ping_appliance_address(router, src, address):
    """Each host pings the appliance on its own segment, and pdsn pings the
    appliance's addresses on the other segments (answered by the kernel in
    the exception namespace)."""
    host = _hosts(router)[src]
    host.wait_ping(address, timeout=15)
    r = host.ping(address, count=5)
    assert r.ok, r


def test_tcp_transfer_10mb(router):
    """10 MiB over TCP pdsn -> srv through haslb arrive byte for byte."""
    router.srv.wait_ping(router.pdsn.ip)
    t = traffic.tcp_transfer(router.pdsn, router.srv, router.srv.ip, port=5001,
                             size=10 << 20, timeout=120)
    print(f"10 MiB in {t.seconds:.2f}s ({t.mbit_per_s:.0f} Mbit/s)")
    assert t.ok, t


def _neighbor_rows(text):
    """`show neighbors` rows as {address: tokens}."""
    rows = {}
    for line in text.splitlines():
        tokens = line.split()
        if len(tokens) >= 2 and tokens[0] == "Internet":
            rows[tokens[1]] = tokens
    return rows


def test_show_neighbors_after_traffic(router):
    """After traffic, `show neighbors` lists pdsn, ha1 and srv with the MACs
    of their eth0 and state REACHABLE on the right interface."""
    router.pdsn.wait_ping(router.srv.ip)
    router.pdsn.wait_ping(router.ha1.ip)
    out = router.haslb.console("show neighbors")
    assert re.search(r"Protocol\s+Address\s+Age\(s\)\s+Hardware Addr\s+Type\s+Interface\s+State",
                     out), out
    rows = _neighbor_rows(out)
    for host, ifname in ((router.pdsn, "access"), (router.ha1, "farm"), (router.srv, "core")):
        assert host.ip in rows, f"{host.ip} missing from:\n{out}"
        tokens = rows[host.ip]
        assert host.mac_address in [t.lower() for t in tokens], f"{host.mac_address}: {tokens}"
        assert "ARPA" in tokens and ifname in tokens and "REACHABLE" in tokens, tokens


def test_show_routes(router):
    """`show routes` has the three connected routes and the static one."""
    out = router.haslb.console("show routes")
    for seg in router.lab.segments.values():
        assert re.search(rf"^C\s+{re.escape(str(seg.network))} is directly connected, "
                         rf"{seg.name}\s*$", out, re.M), out
    prefix, via = STATIC_ROUTE
    assert re.search(rf"^S\s+{re.escape(prefix)} \[1/0\] via {re.escape(via)}, core\s*$",
                     out, re.M), out


def test_ttl_expiry(router):
    """A ping with TTL 1 through haslb gets ICMP Time Exceeded from the
    appliance's address on the sender's segment, and the ttl_exceeded drop
    counter grows in the console and in telemetry."""
    h = router.haslb
    router.pdsn.wait_ping(router.srv.ip)
    console_before = h.console_stats(drops=True)
    tele_before = h.stats()
    assert "ttl_exceeded" in console_before, console_before
    r = router.pdsn.ping(router.srv.ip, count=2, ttl=1)
    assert "From 192.0.2.1" in r.output and "Time to live exceeded" in r.output, r.output
    assert r.received == 0, r
    console_after = h.console_stats(drops=True)
    tele_after = h.stats()
    assert console_after["ttl_exceeded"] >= console_before["ttl_exceeded"] + 2
    assert tele_after["drops"]["ttl_exceeded"] >= tele_before["drops"]["ttl_exceeded"] + 2
    counters = h.console_stats()
    assert counters.get("icmp_time_exceeded_sent", 0) >= 2, counters


def test_exception_path_tcp_echo_from_host(router):
    """A TCP echo server in haslb's exception namespace, bound to the access
    address, echoes 256 KiB from pdsn unchanged."""
    exc = router.haslb.exception_ns
    server = traffic.tcp_echo_server(exc, "192.0.2.1", 7777)
    try:
        data = os.urandom(256 << 10)
        assert traffic.tcp_echo(router.pdsn, "192.0.2.1", 7777, data) == data
    finally:
        router.lab.kill(server)


def test_exception_path_tcp_out_to_srv(router):
    """A kernel socket in the exception namespace connects out to a TCP
    server on srv and sends 1 MiB that arrives unchanged."""
    exc = router.haslb.exception_ns
    t = traffic.tcp_transfer(exc, router.srv, router.srv.ip, port=5002, size=1 << 20)
    assert t.ok, t


def test_exception_path_udp(router):
    """UDP request/reply both ways: the exception namespace asks a server on
    srv, and pdsn asks a server in the exception namespace."""
    exc = router.haslb.exception_ns
    srv_server = traffic.udp_echo_server(router.srv, router.srv.ip, 7779)
    exc_server = traffic.udp_echo_server(exc, "192.0.2.1", 7780)
    try:
        assert traffic.udp_exchange(exc, router.srv.ip, 7779, b"from-exception") == \
            b"from-exception"
        assert traffic.udp_exchange(router.pdsn, "192.0.2.1", 7780, b"from-pdsn") == b"from-pdsn"
    finally:
        router.lab.kill(srv_server)
        router.lab.kill(exc_server)
